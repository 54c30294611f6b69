"""A record's History and the audit log, through the real widgets: read only, filtered by SQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QDialog, QPushButton

from models.audit import audit_listing
from models.complaint_lifecycle import log_complaint
from models.operations import create, restore, soft_delete, update
from models.register import Customer, Department
from tests.views.test_new_user_journey import fill
from views.audit_log import COLUMNS, AuditLogDialog
from views.data_bus import DataBus
from views.history import HistoryDialog
from views.table_model import LazyTableModel


@pytest.fixture
def window(demo_db, show_main_window, user):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.register)
    yield window
    window.close()


def cells(dialog: QDialog, row: int) -> list[str]:
    model = dialog.model
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def buttons(dialog: QDialog) -> list[str]:
    return [button.text().replace("&", "") for button in dialog.findChildren(QPushButton)]


def assert_read_only(model: LazyTableModel, view: QAbstractItemView) -> None:
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            assert not model.flags(model.index(row, column)) & Qt.ItemFlag.ItemIsEditable
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers


def test_a_customers_history_shows_its_creation_and_each_change(
    window, dialogs, qtbot, fixed_clock
):
    page = window.register.customers
    assert not page.history_action.isEnabled()  # no customer chosen yet

    def new_customer(form: QDialog) -> None:
        fill(form, "name", "Ann Lee")
        fill(form, "job_title", "Clerk")
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)

    dialogs.expect(new_customer)
    page.new_action.trigger()
    assert page.history_action.isEnabled()  # the new customer is selected
    fixed_clock.advance(minutes=5)

    def retitle(form: QDialog) -> None:
        fill(form, "job_title", "Team Manager")
        qtbot.keyClick(form.widgets["job_title"], Qt.Key.Key_Return)

    dialogs.expect(retitle)
    page.edit_action.trigger()

    def read_history(dialog: QDialog) -> None:
        assert isinstance(dialog, HistoryDialog)
        assert dialog.windowTitle() == "History — Ann Lee"
        assert dialog.summary.text() == "5 entries, newest first."
        assert cells(dialog, 0) == [
            "25/11/2026 10:35",
            "Priya Patel",  # the member at the keyboard (in the demo, its team leader)
            "Changed",
            "Job title",
            "Clerk → Team Manager",
        ]
        created = {tuple(cells(dialog, row)[2:]) for row in range(1, 5)}
        assert created == {
            ("Created", "Name", "Ann Lee"),
            ("Created", "Kind", "Colleague"),  # the list word's label
            ("Created", "Job title", "Clerk"),
            ("Created", "Active", "Yes"),
        }
        assert cells(dialog, 4)[0] == "25/11/2026 10:30"
        assert_read_only(dialog.model, dialog.view)
        assert buttons(dialog) == ["Close"]

    dialogs.expect(read_history)
    page.table.view.setFocus()
    qtbot.keyClick(page.table.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    assert Customer.get(Customer.name == "Ann Lee").job_title == "Team Manager"


def test_a_deleted_records_history_and_one_with_none(window, dialogs, message_boxes):
    page = window.register.customers
    quiet = page.table.model.row_id(0)  # demo data: loaded in bulk, never audited
    page.table.select(quiet)

    def says_nothing_yet(dialog: QDialog) -> None:
        assert dialog.model.total == 0
        assert dialog.summary.text().startswith("Nothing recorded for this customer yet.")

    dialogs.expect(says_nothing_yet)
    page.history_action.trigger()

    page.delete_action.trigger()  # the message box answers Yes
    page.table.show_deleted.setChecked(True)
    page.table.select(quiet)
    assert page.history_action.isEnabled()  # a deleted record's history too

    def shows_the_deletion(dialog: QDialog) -> None:
        assert cells(dialog, 0)[2:] == ["Deleted", "—", "—"]

    dialogs.expect(shows_the_deletion)
    page.history_action.trigger()


def test_a_confidential_complaints_history_keeps_it_masked(demo_db, show_main_window, dialogs):
    complaint, _ = log_complaint(
        received_at=datetime(2026, 11, 20, 10, 0),
        summary="Remarks about my religion",
        category="discrimination",
    )
    window = show_main_window()
    window.tabs.setCurrentWidget(window.complaints)
    page = window.complaints.complaints
    page.table.select(complaint.id)

    def masked(dialog: QDialog) -> None:
        changes = [cells(dialog, row)[3:] for row in range(dialog.model.rowCount())]
        assert ["Summary", "(confidential)"] in changes
        assert "religion" not in str(changes)

    dialogs.expect(masked)
    page.history_action.trigger()
    window.close()


# ---------------------------------------------------------------------------- the audit log


@pytest.fixture
def trail(db, fixed_clock, user) -> Customer:
    """25/11 priya: Finance, HR, Ann (Clerk); 26/11 sam: Ann a Manager in HR; 27/11 priya:
    Ann deleted and restored. Ten entries."""
    finance, _ = create(Department, name="Finance")
    hr, _ = create(Department, name="HR")
    ann, _ = create(
        Customer, name="Ann Lee", kind="colleague", department=finance, job_title="Clerk"
    )
    fixed_clock.advance(days=1)
    user("sam")
    update(ann, job_title="Manager", department=hr.id.hex)
    fixed_clock.advance(days=1)
    user("priya")
    soft_delete(ann)
    restore(ann)
    return ann


@pytest.fixture
def settings(data_dir) -> QSettings:
    return QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def audit_log(trail, qtbot, settings):
    dialog = AuditLogDialog(None, settings=settings, bus=DataBus())
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()  # not modal: it stays open beside the window
    return dialog


def shown_rows(dialog: AuditLogDialog) -> list[list[str]]:
    model = dialog.table.model
    return [
        [model.data(model.index(row, column)) for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def test_the_log_lists_every_entry_newest_first_with_names(audit_log, trail):
    assert audit_log.table.count.text() == "10 entries"
    when, who, what, kind, record, *_values, key = shown_rows(audit_log)[0]
    assert (when, who, what, kind, record, key) == (
        "27/11/2026 10:30",
        "priya",
        "Restored",
        "Customer",
        "Ann Lee",
        trail.id.hex,
    )
    change = shown_rows(audit_log)[2]
    assert change[1:8] == ["sam", "Changed", "Customer", "Ann Lee", "Department", "Finance", "HR"]
    assert audit_log.table.show_deleted.isHidden()


def test_the_log_filters_by_person_kind_and_action(audit_log):
    table = audit_log.table
    who = table.combos["user"]
    assert [who.itemText(i) for i in range(who.count())] == ["Everyone", "priya", "sam"]
    who.setCurrentIndex(who.findData("sam"))
    assert table.count.text() == "2 entries"
    assert {row[1] for row in shown_rows(audit_log)} == {"sam"}
    who.setCurrentIndex(0)
    kind = table.combos["table"]
    assert [kind.itemText(i) for i in range(kind.count())] == [
        "All kinds",
        "Customer",
        "Department",
    ]
    kind.setCurrentIndex(kind.findData("department"))
    assert [row[4] for row in shown_rows(audit_log)] == ["HR", "Finance"]
    action = table.combos["action"]
    kind.setCurrentIndex(0)
    action.setCurrentIndex(action.findText("Deleted"))
    assert table.count.text() == "1 entry"


def test_the_log_filters_by_dates_typed_the_british_way(audit_log, qtbot):
    table = audit_log.table
    audit_log.date_from.setText("26/11/2026")
    audit_log.date_to.setText("26/11/2026")
    qtbot.waitUntil(lambda: table.model.total == 2, timeout=2000)
    assert {row[0] for row in shown_rows(audit_log)} == {"26/11/2026 10:30"}
    audit_log.date_to.setText("31/02/2026")  # no such day: the filter stays as it was
    assert audit_log.problem.text() == ""  # not while typing
    audit_log.date_to.editingFinished.emit()  # the user leaves the field
    assert "'31/02/2026' is not a date" in audit_log.problem.text()
    audit_log.date_to.setText("25/11/2026")
    audit_log.date_to.editingFinished.emit()
    assert "after the To date" in audit_log.problem.text()
    qtbot.waitUntil(lambda: table.model.total == 0, timeout=2000)
    table.clear_button.click()  # clears the dates too
    assert (audit_log.date_from.text(), audit_log.date_to.text()) == ("", "")
    assert audit_log.problem.text() == ""
    assert table.model.total == 10


def test_the_log_searches_records_fields_and_values(audit_log, qtbot, trail):
    table = audit_log.table
    qtbot.keyClicks(table.search, "manager")
    qtbot.waitUntil(lambda: table.model.total == 1, timeout=2000)
    assert shown_rows(audit_log)[0][5:8] == ["Job title", "Clerk", "Manager"]
    table.search.clear()
    qtbot.keyClicks(table.search, trail.id.hex[:10])  # a record's key
    qtbot.waitUntil(lambda: table.model.total == 8, timeout=2000)


def test_nothing_in_the_log_can_be_edited(audit_log):
    assert_read_only(audit_log.table.model, audit_log.table.view)
    assert buttons(audit_log) == ["Close"]
    words = " ".join(a.text().lower() for a in audit_log.findChildren(QAction))
    for verb in ("edit", "delete", "new", "restore"):
        assert verb not in words


def test_the_log_follows_changes_and_remembers_its_size(audit_log, qtbot, settings, trail):
    update(trail, phone="0161 496 0000")
    audit_log.bus.announce("customer")
    assert audit_log.table.count.text() == "11 entries"
    audit_log.resize(700, 450)  # the test screen is 800 × 600
    audit_log.close()
    again = AuditLogDialog(None, settings=settings)
    qtbot.addWidget(again)
    assert again.size() == QSize(700, 450)


def test_the_audit_listing_passes_qts_model_checks(trail, qtmodeltester):
    model = LazyTableModel(audit_listing(), COLUMNS)
    qtmodeltester.check(model, force_py=True)


def test_the_audit_log_opens_from_the_view_menu_as_one_window(show_main_window, demo_db):
    window = show_main_window()
    action = next(a for a in window.menuBar().actions() if a.text() == "&View")
    audit = next(a for a in action.menu().actions() if a.text() == "&Audit log…")
    assert audit.shortcut().toString() == "Ctrl+Shift+H"
    audit.trigger()
    first = window.audit_log
    assert first is not None and first.isVisible()
    audit.trigger()
    assert window.audit_log is first
    first.close()
