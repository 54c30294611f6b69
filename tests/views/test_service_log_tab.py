"""The service log in the window: quick entry, progress, and the one-click views."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from models.service_log import RequestState, ServiceRequest, request_state
from tests.conftest import FIXED_NOW
from tests.views.test_new_user_journey import fill, pick
from views.forms import RecordForm
from views.table_model import Tone


@pytest.fixture
def log(demo_db, show_main_window):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.service_log)
    yield window.service_log.requests
    window.close()


def test_quick_entry_keeps_the_service_for_the_next_request(log, dialogs, qtbot):
    before = ServiceRequest.select().count()

    def first(form: QDialog) -> None:
        assert isinstance(form, RecordForm)
        assert form.widgets["received_at"].text() == "25/11/2026 10:30"  # now, by default
        fill(form, "service", "Room bookings")
        fill(form, "customer", "Northgate Payroll Services")
        fill(form, "description", "Book Room 2.14 for Thursday")
        qtbot.keyClick(form.widgets["customer"], Qt.Key.Key_Return)  # Enter saves

    def second(form: QDialog) -> None:
        assert form.windowTitle() == "New request (2)"
        assert form.widgets["service"].currentText() == "Room bookings"  # kept
        fill(form, "description", "Cancel Friday's booking")
        form.ok_button.click()

    def enough(form: QDialog) -> None:
        qtbot.keyClick(form, Qt.Key.Key_Escape)

    for handler in (first, second, enough):
        dialogs.expect(handler)
    log.new_action.trigger()
    assert ServiceRequest.select().count() == before + 2
    booked = ServiceRequest.get(ServiceRequest.description == "Book Room 2.14 for Thursday")
    assert booked.department.name == "Payroll Shared Service"  # from the customer
    assert booked.response_due == datetime(2026, 11, 25, 14, 30)  # 4 working hours
    assert (
        log.table.current_id()
        == ServiceRequest.get(ServiceRequest.description == "Cancel Friday's booking").id
    )


def test_progressing_a_request_shows_it_met(log, dialogs):
    request = (
        ServiceRequest.select()
        .where(ServiceRequest.completed_at.is_null(), ServiceRequest.response_due > FIXED_NOW)
        .first()
    )
    assert log.table.select(request.id)

    def complete(form: QDialog) -> None:
        fill(form, "responded_at", "25/11/2026 09:00")
        fill(form, "completed_at", "25/11/2026 10:00")
        pick(form, "accurate", "Yes")
        pick(form, "needs_met", "Yes")
        fill(form, "needs_met_note", "Thanked us by email")
        assert form.ok_button.isEnabled(), {n: e.text() for n, e in form.errors.items()}
        form.ok_button.click()

    dialogs.expect(complete)
    log.edit_action.trigger()
    fresh = ServiceRequest.get_by_id(request.id)
    assert (fresh.completed_at, fresh.needs_met) == (datetime(2026, 11, 25, 10, 0), True)
    row = log.table.model.find(request.id)
    columns = [c.title for c in log.table.model.columns]
    assert log.table.model.data(log.table.model.index(row, columns.index("Response"))) == "Met"


def test_one_click_views_and_colours(log):
    combo = log.table.combos["state"]
    combo.setCurrentIndex(combo.findData(RequestState.OVERDUE.value))
    model = log.table.model
    assert model.total > 0
    assert all(
        request_state(model.row_values(r), FIXED_NOW) is RequestState.OVERDUE
        for r in range(model.rowCount())
    )
    assert (
        model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).color().name()
        == Tone.DANGER.value
    )
    combo.setCurrentIndex(combo.findData(RequestState.AWAITING_CONFIRMATION.value))
    assert (
        model.total
        == ServiceRequest.select()
        .where(ServiceRequest.completed_at.is_null(False), ServiceRequest.needs_met.is_null())
        .count()
    )
    combo.setCurrentIndex(combo.findData(RequestState.DUE_TODAY.value))
    for row in range(model.rowCount()):
        assert request_state(model.row_values(row), FIXED_NOW) is RequestState.DUE_TODAY
