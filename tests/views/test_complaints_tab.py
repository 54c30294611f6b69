"""One complaint through the procedure, in the real window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from models.choices import ComplaintEventKind, ComplaintOutcome, ComplaintStatus
from models.complaints import Complaint
from tests.views.test_new_user_journey import fill, pick
from views.forms import RecordForm

K = ComplaintEventKind


@pytest.fixture
def tab(demo_db, show_main_window):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.complaints)
    yield window.complaints
    window.close()


def step(tab, dialogs, kind, handler) -> None:
    """Click the step's button and let `handler` fill in its form."""
    button = tab.detail.step_buttons[kind]
    assert button.isVisible(), f"{kind} is not offered"
    dialogs.expect(handler)
    button.click()


def test_a_complaint_from_receipt_to_follow_up(tab, dialogs, message_boxes):
    from models.people import set_member_at_keyboard
    from models.team import Member

    set_member_at_keyboard(Member.get(Member.name == "Mei Chen").id)  # the fixture resets it

    def new(form: QDialog) -> None:
        assert isinstance(form, RecordForm)
        fill(form, "summary", "Laptop docks order delayed by two weeks")
        pick(form, "category", "Delay")
        fill(form, "customer", "Northgate Payroll Services")
        fill(form, "remedy_sought", "The order raised this week")
        assert not form.widgets["confidential"].isChecked()
        form.ok_button.click()

    dialogs.expect(new)
    tab.complaints.new_action.trigger()
    complaint = Complaint.get(Complaint.summary == "Laptop docks order delayed by two weeks")
    assert tab.complaints.table.current_id() == complaint.id
    assert tab.detail.title.text() == complaint.reference
    visible = {kind for kind, button in tab.detail.step_buttons.items() if button.isVisible()}
    assert visible == {K.ACKNOWLEDGED, K.EXTENDED, K.COMMUNICATION, K.NOTE}

    step(
        tab,
        dialogs,
        K.ACKNOWLEDGED,
        lambda form: (fill(form, "note", "Letter sent"), form.ok_button.click()),
    )
    step(tab, dialogs, K.INVESTIGATING, lambda form: form.ok_button.click())

    def called(form: QDialog) -> None:
        pick(form, "channel", "Phone")
        fill(form, "who", "Payroll helpdesk")
        fill(form, "note", "Explained the delay; agreed to chase the supplier")
        form.ok_button.click()

    step(tab, dialogs, K.COMMUNICATION, called)

    def refer(form: QDialog) -> None:
        fill(form, "who", "Finance manager")
        assert not form.ok_button.isEnabled()  # a referral needs its reason
        assert form.errors["reason"].text() == "Required."
        fill(form, "reason", "Budget approval needed")
        form.ok_button.click()

    step(tab, dialogs, K.REFERRED, refer)
    assert Complaint.get_by_id(complaint.id).status is ComplaintStatus.REFERRED
    step(
        tab,
        dialogs,
        K.REFERRAL_OUTCOME,
        lambda form: (fill(form, "outcome", "Approved"), form.ok_button.click()),
    )

    def resolve(form: QDialog) -> None:
        fill(form, "resolution", "We have raised the order and apologise for the delay.")
        pick(form, "outcome", "Upheld")
        fill(form, "remedy_given", "Order raised; apology")
        form.ok_button.click()

    step(tab, dialogs, K.RESOLVED, resolve)

    def close(form: QDialog) -> None:
        fill(form, "followed_up_on", "25/11/2026")
        pick(form, "satisfied", "Yes")
        form.ok_button.click()

    step(tab, dialogs, K.CLOSED, close)

    fresh = Complaint.get_by_id(complaint.id)
    assert fresh.status is ComplaintStatus.CLOSED
    assert (fresh.outcome, fresh.satisfied, fresh.referred_to) == (
        ComplaintOutcome.UPHELD,
        True,
        "Finance manager",
    )
    timeline = tab.detail.timeline
    assert [timeline.item(row, 1).text() for row in range(timeline.rowCount())] == [
        "Received",
        "Acknowledged",
        "Investigation started",
        "Communication (phone)",
        "Referred",
        "Referral outcome",
        "Resolved",
        "Closed after follow-up",
    ]
    assert timeline.item(3, 2).text() == "Payroll helpdesk"  # with whom
    assert timeline.item(1, 3).text() == "Mei Chen"  # the member at the keyboard recorded it
    assert tab.detail.values["acknowledge"].text().endswith("— met")
    assert tab.detail.values["resolve"].text().endswith("— met")
    assert tab.detail.values["status"].text() == "Closed"
    visible = {kind for kind, button in tab.detail.step_buttons.items() if button.isVisible()}
    assert visible == {K.REOPENED, K.COMMUNICATION, K.NOTE}
    assert message_boxes.shown == []


def test_a_refused_step_keeps_its_form_open(tab, dialogs, message_boxes):
    closed = Complaint.get(Complaint.status == ComplaintStatus.RESOLVED)
    assert tab.complaints.table.select(closed.id)

    def too_early(form: QDialog) -> None:
        fill(form, "followed_up_on", "01/01/2020")
        pick(form, "satisfied", "No")
        form.ok_button.click()
        assert form.isVisible()
        assert "before the complaint was resolved" in message_boxes.shown[-1][2]
        form.reject()

    step(tab, dialogs, K.CLOSED, too_early)
    assert Complaint.get_by_id(closed.id).status is ComplaintStatus.RESOLVED


def test_confidential_complaints_say_so_until_opened(tab, dialogs):
    def personal(form: QDialog) -> None:
        fill(form, "summary", "Remarks about my religion at reception")
        pick(form, "category", "Discrimination")
        assert form.widgets["confidential"].isChecked()  # personal categories are confidential
        form.ok_button.click()

    dialogs.expect(personal)
    tab.complaints.new_action.trigger()
    model = tab.complaints.table.model
    row = model.find(tab.complaints.table.current_id())
    assert model.row_values(row)["summary"] == "Confidential"
    assert "Remarks" not in " ".join(str(v) for v in model.row_values(row).values())
    assert tab.detail.values["summary"].text() == "Remarks about my religion at reception"
    assert tab.detail.title.text().endswith("CONFIDENTIAL")
    tab.complaints.table.search.setText("religion")
    tab.complaints.table.apply_filters()
    assert model.total == 0  # the list's search cannot find what it does not show


def test_a_complaint_on_hold_is_not_shown_late_while_its_customer_is_awaited(
    tab, dialogs, fixed_clock
):
    from models.complaint_lifecycle import take_step

    complaint = Complaint.get(
        Complaint.status == ComplaintStatus.INVESTIGATING,
        Complaint.resolve_due > fixed_clock.moment,  # not late before it went on hold
    )
    take_step(complaint, K.ON_HOLD, at=fixed_clock.moment, note="Asked for the invoice")
    stored = complaint.resolve_due
    fixed_clock.moment = stored.replace(hour=23) + (stored - complaint.received_at)  # long after
    tab.complaints.table.reload()
    assert tab.complaints.table.show_record(complaint.id)
    resolve = tab.detail.values["resolve"].text()
    assert resolve.endswith("— open"), resolve  # the clock is stopped: not "missed"
    assert not resolve.startswith(f"{stored:%d/%m/%Y}")  # its resolve-by moved on with the hold
    model = tab.complaints.table.model
    row, column = model.find(complaint.id), [c.key for c in model.columns].index("resolve_due")
    assert model.index(row, column).data() == "Paused: on hold"  # the list says so too
