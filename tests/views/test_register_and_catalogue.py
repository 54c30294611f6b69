"""The register and catalogue tabs' everyday actions, through the real widgets."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox

from desktop.tabular import read_table
from models.catalogue import Agreement, Service
from models.register import Customer, Department
from tests.views.test_new_user_journey import fill
from views.forms import RecordForm
from views.table_model import Tone


@pytest.fixture
def window(demo_db, show_main_window):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.register)
    yield window
    window.close()


def test_delete_asks_first_and_restore_brings_it_back(window, message_boxes):
    page = window.register.customers
    target = page.table.model.row_id(0)
    name = Customer.get_by_id(target).name
    page.table.select(target)
    message_boxes.answer = QMessageBox.StandardButton.No
    page.delete_action.trigger()
    assert Customer.get_by_id(target).deleted_at is None  # "No" deletes nothing
    message_boxes.answer = QMessageBox.StandardButton.Yes
    page.delete_action.trigger()
    kinds = message_boxes.kinds()
    assert kinds == ["question", "question"]
    assert f"Delete customer '{name}'?" in message_boxes.shown[-1][2]
    assert Customer.get_by_id(target).deleted_at is not None
    assert page.table.count.text() == "299 customers"
    page.table.show_deleted.setChecked(True)
    assert page.table.count.text() == "1 customer"
    page.table.select(target)
    assert page.restore_action.isEnabled()
    assert not page.edit_action.isEnabled()
    page.restore_action.trigger()
    assert Customer.get_by_id(target).deleted_at is None
    assert not page.table.show_deleted.isChecked()
    assert page.table.count.text() == "300 customers"
    assert page.table.current_id() == target


def test_a_form_shows_problems_beside_the_field_and_escape_cancels(window, dialogs, qtbot):
    def type_badly_then_escape(form: QDialog) -> None:
        assert isinstance(form, RecordForm)
        assert not form.ok_button.isEnabled()
        assert form.errors["name"].text() == "Type the customer's name."
        fill(form, "name", "Ann Other")
        fill(form, "email", "ann.other@")
        assert form.errors["email"].isVisibleTo(form)
        assert "email address" in form.errors["email"].text()
        assert not form.ok_button.isEnabled()
        fill(form, "email", "ann.other@example.org")
        assert not form.errors["email"].isVisibleTo(form)
        assert form.ok_button.isEnabled()
        qtbot.keyClick(form, Qt.Key.Key_Escape)

    dialogs.expect(type_badly_then_escape)
    window.register.customers.new_action.trigger()
    assert not Customer.select().where(Customer.name == "Ann Other").exists()


def test_merging_two_departments_in_the_window(window, dialogs, message_boxes):
    window.register.pages.setCurrentWidget(window.register.departments)
    page = window.register.departments
    merged = Department.get(Department.name == "Welfare Rights")
    kept = Department.get(Department.name == "Human Resources")
    people = Customer.select().where(Customer.department == merged).count()
    kept_before = Customer.select().where(Customer.department == kept).count()
    assert page.table.select(merged.id)
    dialogs.choose_item("Human Resources")
    window.register.merger.action.trigger()
    assert "Move every customer" in message_boxes.shown[-1][2]
    assert Customer.select().where(Customer.department == kept).count() == kept_before + people
    assert Department.get_by_id(merged.id).deleted_at is not None
    assert page.table.current_id() == kept.id
    combo = window.register.customers.table.combos["department"]
    assert combo.findText("Welfare Rights") != -1  # the hidden list waits until it is shown
    window.register.pages.setCurrentIndex(0)
    assert combo.findText("Welfare Rights") == -1  # gone from the register's quick filter


def test_the_import_dialog_lists_every_problem_and_imports_nothing(
    window, dialogs, qtbot, tmp_path
):
    bad = tmp_path / "services.csv"
    bad.write_text("name,provider\nRoom bookings,Again\n,Nobody\nNew,Team\n", encoding="utf-8")

    def look(dialog: QDialog) -> None:
        dialog.kind.setCurrentIndex(dialog.kind.findData("services"))
        dialog.set_file(bad)
        qtbot.waitUntil(
            lambda: dialog.plan is not None and dialog.strip.task is None, timeout=10_000
        )
        problems = dialog.problems.toPlainText().splitlines()
        assert problems == [
            "Line 2, column name: There is already a service called 'Room bookings'.",
            "Line 3, column name: required, but empty.",
        ]
        assert not dialog.import_button.isEnabled()
        assert "2 problem(s)" in dialog.summary.text()
        preview = dialog.preview
        assert [preview.verticalHeaderItem(row).text() for row in range(3)] == ["2", "3", "4"]
        assert [preview.item(row, 0).text() for row in range(3)] == ["Room bookings", "", "New"]
        assert preview.item(0, 0).background().color().name() == Tone.DANGER.value
        assert preview.item(2, 0).background().style() == Qt.BrushStyle.NoBrush  # a good row
        dialog.reject()

    dialogs.expect(look)
    window.import_file("services")
    assert not Service.select().where(Service.name == "New").exists()


def test_export_writes_the_list_as_filtered(window, dialogs, qtbot, tmp_path):
    table = window.register.customers.table
    combo = table.combos["department"]
    combo.setCurrentIndex(combo.findText("Finance"))
    shown = table.model.total
    assert 0 < shown < 300
    path = tmp_path / "finance.csv"
    dialogs.choose_file(path)
    window.export_current()
    qtbot.waitUntil(lambda: window.task is None, timeout=10_000)
    rows = read_table(path).rows
    assert len(rows) == shown
    assert {row.cells[2] for row in rows} == {"Finance"}
    assert f"Exported {shown} customers" in window.statusBar().currentMessage()


def test_an_agreement_keeps_the_services_it_covers(window, dialogs):
    window.tabs.setCurrentWidget(window.catalogue)
    window.catalogue.pages.setCurrentWidget(window.catalogue.agreements)
    page = window.catalogue.agreements

    def agree(form: QDialog) -> None:
        assert isinstance(form, RecordForm)
        fill(form, "title", "Finance SLA 2026–27")
        fill(form, "department", "Finance")
        ticks = form.widgets["services"]
        for row in range(ticks.count()):
            if ticks.item(row).text() in ("Room bookings", "Minute-taking"):
                ticks.item(row).setCheckState(Qt.CheckState.Checked)
        fill(form, "procedure", "Phone the Head of Finance the same day.")
        assert form.ok_button.isEnabled(), {n: e.text() for n, e in form.errors.items()}
        form.ok_button.click()

    dialogs.expect(agree)
    page.new_action.trigger()
    agreement = Agreement.get(Agreement.title == "Finance SLA 2026–27")
    assert sorted(link.service.name for link in agreement.service_links) == [
        "Minute-taking",
        "Room bookings",
    ]

    def untick_one(form: QDialog) -> None:
        ticks = form.widgets["services"]
        ticked = [
            ticks.item(row).text()
            for row in range(ticks.count())
            if ticks.item(row).checkState() == Qt.CheckState.Checked
        ]
        assert ticked == ["Minute-taking", "Room bookings"]
        for row in range(ticks.count()):
            if ticks.item(row).text() == "Minute-taking":
                ticks.item(row).setCheckState(Qt.CheckState.Unchecked)
        form.ok_button.click()

    dialogs.expect(untick_one)
    assert page.table.select(agreement.id)
    page.edit_action.trigger()
    assert [link.service.name for link in agreement.service_links] == ["Room bookings"]


def test_settings_change_the_calendar_and_closures(window, dialogs, message_boxes):
    from datetime import date, time

    from PySide6.QtCore import QDate, QTime

    from models.organisation import Closure, get_settings
    from views.settings_dialog import SettingsDialog

    def adjust(dialog: QDialog) -> None:
        assert isinstance(dialog, SettingsDialog)
        assert dialog.country.currentData() == "GB"
        assert dialog.region.currentText() == "England"
        dialog.organisation.setText("Business Support Unit")
        dialog.opens.setTime(QTime(8, 30))
        dialog.days[4].setChecked(False)  # Fridays off
        dialog.resolve[0].setValue(15)
        assert (dialog.earliest_year.value(), dialog.years_ahead.value()) == (1990, 10)
        dialog.earliest_year.setValue(2005)
        dialog.years_ahead.setValue(3)
        dialog.new_day.setDate(QDate(2026, 8, 14))
        dialog.new_name.setText("Staff away day")
        dialog.add_button.click()
        assert "Staff away day" in [
            dialog.closures.item(r, 1).text() for r in range(dialog.closures.rowCount())
        ]
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    dialogs.expect(adjust)
    window.settings_action.trigger()
    settings = get_settings()
    assert settings.organisation_name == "Business Support Unit"
    assert (settings.office_start, settings.weekdays, settings.resolve_within) == (
        time(8, 30),
        frozenset({0, 1, 2, 3}),
        15,
    )
    assert (settings.earliest_year, settings.years_ahead) == (2005, 3)
    assert Closure.get(Closure.day == date(2026, 8, 14)).name == "Staff away day"
    assert window.windowTitle() == "Business Support Unit — Rapport"
    assert message_boxes.shown == []


def test_impossible_settings_keep_the_dialog_open(window, dialogs, message_boxes):
    from PySide6.QtCore import QTime

    def impossible(dialog: QDialog) -> None:
        dialog.opens.setTime(QTime(18, 0))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.isVisible()  # still open, nothing lost
        assert "The office must close after it opens." in message_boxes.shown[-1][2]
        dialog.reject()

    dialogs.expect(impossible)
    window.settings_action.trigger()
