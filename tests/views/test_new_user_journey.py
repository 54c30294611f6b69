"""A new user's first hour, in the real window: import the register, find someone, correct
a job title, agree a department's own standard and see its review coming up."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLineEdit, QPlainTextEdit

from desktop.importing import export_file
from desktop.kinds import FORMATS
from models.audit import AuditEntry
from models.catalogue import Standard
from models.db import close_database, open_database
from models.register import Customer
from tests.views.keyboard import type_text
from views.forms import RecordForm
from views.import_dialog import ImportDialog
from views.table_model import Tone


@pytest.fixture
def register_csv(small_demo_template: Path, tmp_path: Path) -> Path:
    """The demo register as a CSV, as the user's HR spreadsheet would be."""
    open_database(small_demo_template)
    path = tmp_path / "hr-register.csv"
    export_file(FORMATS["customers"](), path)
    close_database()
    return path


@pytest.fixture
def window(data_dir, register_csv, show_main_window):
    """The window on a new, empty database (made after the CSV, which needs the demo's)."""
    open_database(data_dir / "rapport.db")
    window = show_main_window()
    yield window
    window.close()
    close_database()


def fill(form: RecordForm, name: str, text: str) -> None:
    """Type into a field as a user would: select what is there, then type over it."""
    widget = form.widgets[name]
    if isinstance(widget, QComboBox) and widget.isEditable():
        widget.lineEdit().selectAll()
        type_text(widget.lineEdit(), text)
    elif isinstance(widget, QLineEdit | QPlainTextEdit):
        widget.selectAll()
        type_text(widget, text)
    else:
        raise TypeError(f"cannot type into {name}")


def pick(form: RecordForm, name: str, label: str) -> None:
    combo = form.widgets[name]
    index = combo.findText(label)
    assert index >= 0, f"{label!r} is not offered for {name}"
    combo.setCurrentIndex(index)


def test_a_new_user_imports_finds_edits_and_agrees_a_standard(
    window, qtbot, dialogs, register_csv, message_boxes
):
    # 1. First run: import the register from the HR spreadsheet.
    assert window.pages.currentWidget() is window.first_run
    dialogs.choose_file(register_csv)

    def import_register(dialog: QDialog) -> None:
        assert isinstance(dialog, ImportDialog)
        assert dialog.kind.currentData() == "customers"
        qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(
            lambda: dialog.plan is not None and dialog.strip.task is None, timeout=30_000
        )
        assert "No problems found: ready to import 300" in dialog.summary.text()
        assert dialog.preview.rowCount() == 20
        assert dialog.import_button.isEnabled()
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=30_000)

    dialogs.expect(import_register)
    qtbot.mouseClick(window.first_run.import_button, Qt.MouseButton.LeftButton)
    assert window.pages.currentWidget() is window.tabs
    customers = window.register.customers.table
    assert customers.count.text() == "300 customers"

    # 2. Find a customer by typing part of the name.
    target = Customer.get(Customer.email.startswith("mei."))
    first_name = target.name.split()[0]
    qtbot.keyClicks(customers.search, target.name.split()[1][:4].lower() + " " + first_name[:3])
    qtbot.waitUntil(lambda: 0 < customers.model.total < 20, timeout=3000)
    assert customers.select(target.id)
    assert window.register.detail.title.text().startswith(target.name)

    # 3. Correct the job title (F2 opens the form; Enter saves).
    def retitle(form: QDialog) -> None:
        assert isinstance(form, RecordForm)
        fill(form, "job_title", "Senior Payroll Officer")
        assert form.ok_button.isEnabled()
        qtbot.keyClick(form.widgets["job_title"], Qt.Key.Key_Return)

    dialogs.expect(retitle)
    customers.view.setFocus()
    window.register.customers.edit_action.trigger()
    assert Customer.get_by_id(target.id).job_title == "Senior Payroll Officer"
    assert window.register.detail.values["job_title"].text() == "Senior Payroll Officer"
    change = AuditEntry.get(AuditEntry.field == "job_title")
    assert change.new_value == "Senior Payroll Officer"

    # 4. Add a service, then a standard agreed with one department only.
    window.tabs.setCurrentWidget(window.catalogue)

    def new_service(form: QDialog) -> None:
        fill(form, "name", "Room bookings")
        fill(form, "provider", "Bookings team")
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)

    dialogs.expect(new_service)
    window.catalogue.services.new_action.trigger()
    services = window.catalogue.services.table
    assert services.count.text() == "1 service"
    assert services.current_id() is not None  # the new service is selected
    standards = window.catalogue.standards
    assert standards.new_action.isEnabled()
    department = target.department.name

    def new_standard(form: QDialog) -> None:
        assert isinstance(form, RecordForm)
        assert not form.ok_button.isEnabled()  # nothing typed yet
        fill(form, "statement", "Confirm bookings within 2 working hours")
        pick(form, "measure", "First response time")
        fill(form, "target", "2")
        pick(form, "unit", "working days")
        assert "measured in working hours" not in form.errors["unit"].text()
        fill(form, "compliance_target", "95,5")  # a comma is never a decimal point here
        assert "write decimals with a point" in form.errors["compliance_target"].text()
        assert not form.ok_button.isEnabled()
        fill(form, "compliance_target", "95")
        assert (
            form.preview_label.text() == "In words: Respond within 2 working days, 95 % of the time"
        )
        pick(form, "unit", "%")
        assert (
            "is measured in working hours or working days or calendar days"
            in form.errors["unit"].text()
        )
        assert not form.ok_button.isEnabled()  # SMART: a response is measured in time
        pick(form, "unit", "working hours")
        fill(form, "department", department)
        fill(form, "review_on", "05/12/2026")  # ten days away
        assert form.ok_button.isEnabled(), {n: e.text() for n, e in form.errors.items()}
        qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)

    dialogs.expect(new_standard)
    standards.new_action.trigger()
    standard = Standard.get(Standard.statement == "Confirm bookings within 2 working hours")
    assert (standard.target, standard.unit.value, standard.department.name) == (
        2.0,
        "working_hours",
        department,
    )
    assert standard.service.name == "Room bookings"

    # 5. Its review is near: the row stands out, and says so.
    model = standards.table.model
    assert model.total == 1
    row = model.row_values(0)
    assert row["agreed_with"] == department
    background = model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == Tone.WARNING.value
    review_column = [c.key for c in model.columns].index("review_on")
    assert model.data(model.index(0, review_column)) == "05/12/2026 (due soon)"
    assert message_boxes.shown == []
