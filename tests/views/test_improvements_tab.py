"""Improvement actions: one step from a complaint, linked both ways; overdue ones stand out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from models.choices import ActionSource, ComplaintStatus
from models.complaints import Complaint
from models.improvements import ImprovementAction
from tests.views.test_new_user_journey import fill
from views.forms import RecordForm
from views.table_model import Tone


def test_an_action_made_from_a_complaint_links_back_to_it(demo_db, show_main_window, dialogs):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.complaints)
    complaint = Complaint.get(Complaint.status == ComplaintStatus.CLOSED, ~Complaint.confidential)
    assert window.complaints.complaints.table.select(complaint.id)

    def plan(form: QDialog) -> None:
        assert isinstance(form, RecordForm)
        assert form.widgets["title"].text() == f"Prevent a repeat of {complaint.reference}"
        assert form.widgets["source"].currentData() == ActionSource.COMPLAINT.value
        assert form.widgets["complaint"].currentText().startswith(complaint.reference)
        assert form.widgets["problem"].toPlainText() == complaint.summary
        assert form.widgets["owner"].currentText() == "Priya Patel"  # you, by default
        fill(form, "owner", "Tom Hughes")
        fill(form, "due_on", "18/12/2026")
        fill(form, "chosen_action", "Confirm completion to the customer every time")
        form.ok_button.click()

    dialogs.expect(plan)
    window.complaints.detail.action_button.click()
    action = ImprovementAction.get(
        ImprovementAction.title == f"Prevent a repeat of {complaint.reference}"
    )
    assert (action.complaint_id, action.owner.name, action.source) == (
        complaint.id,
        "Tom Hughes",
        ActionSource.COMPLAINT,
    )
    assert (
        window.complaints.detail.values["actions"]
        .text()
        .startswith(f"Prevent a repeat of {complaint.reference}")
    )
    window.close()


def test_overdue_actions_stand_out(demo_db, show_main_window):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.improvements)
    table = window.improvements.actions.table
    combo = table.combos["overdue"]
    combo.setCurrentIndex(1)
    model = table.model
    assert model.total > 0
    assert (
        model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole).color().name()
        == Tone.DANGER.value
    )
    window.close()


def test_actions_from_a_feedback_item_and_from_a_popular_code(
    demo_db, show_main_window, dialogs, qtbot
):
    from models.feedback import Code, Feedback

    window = show_main_window()
    window.tabs.setCurrentWidget(window.feedback)
    item = Feedback.select().where(Feedback.comment != "").first()
    assert window.feedback.entries.table.select(item.id)
    dialogs.expect(lambda form: (fill(form, "owner", "Tom Hughes"), form.ok_button.click()))
    window.feedback.action_action.trigger()
    from_item = ImprovementAction.get(ImprovementAction.feedback == item.id)
    assert (from_item.source, from_item.problem) == (ActionSource.FEEDBACK, item.comment)

    window.feedback.pages.setCurrentWidget(window.feedback.analysis)
    window.feedback.analysis.period.setCurrentText("Last 12 months")
    qtbot.waitUntil(lambda: window.feedback.analysis.refresher.task is None, timeout=30_000)
    top = window.feedback.analysis.codes.item(0, 0).text()
    dialogs.expect(lambda form: form.ok_button.click())
    window.feedback.analysis.codes.cellDoubleClicked.emit(0, 0)
    from_code = ImprovementAction.get(ImprovementAction.title == f"Respond to: {top}")
    assert from_code.code_id == Code.get(Code.name == top).id
    window.close()


def test_an_action_for_a_missed_standard(demo_db, show_main_window, dialogs):
    from models.catalogue import Service, Standard

    window = show_main_window()
    window.tabs.setCurrentWidget(window.catalogue)
    rooms = Service.get(Service.name == "Room bookings")
    assert window.catalogue.services.table.select(rooms.id)
    standard = Standard.get(Standard.service == rooms.id)
    assert window.catalogue.standards.table.select(standard.id)
    dialogs.expect(lambda form: form.ok_button.click())
    window.catalogue.action_action.trigger()
    action = ImprovementAction.get(ImprovementAction.standard == standard.id)
    assert action.source is ActionSource.MISSED_STANDARD
    window.close()
