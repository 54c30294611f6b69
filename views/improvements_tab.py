"""Improvement actions: identify, define, analyse, explore options, select, implement, review."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QVBoxLayout, QWidget

from models import clock
from models.catalogue import Standard
from models.choices import ActionSource, ActionStatus
from models.complaints import Complaint, complaint_choices
from models.feedback import Code, Feedback, code_choices
from models.improvements import ACTION_LISTING, ImprovementAction, action_overdue
from models.words import day_text
from views.data_bus import DataBus
from views.format import choice_label, date_label, yes_no_label
from views.forms import FormField, Kind, choice_options
from views.owners import OWNER_FILTER, owner_field
from views.record_page import PageSpec, RecordPage
from views.record_table import QuickFilter
from views.table_model import CENTRE, Tone, ViewColumn

ACTION_PAGE = PageSpec(
    name="actions",
    model=ImprovementAction,
    listing=ACTION_LISTING,
    columns=(
        ViewColumn("title", "Action", width=280),
        ViewColumn("source", "Came from", format=choice_label(ActionSource), width=120),
        ViewColumn("from", "Record", width=170),
        ViewColumn("owner", "Owner", width=130),
        ViewColumn("due_on", "Due", format=date_label, width=90),
        ViewColumn("status", "Status", format=choice_label(ActionStatus), width=110),
        ViewColumn("review_on", "Review", format=date_label, width=90),
        ViewColumn("effective", "Worked", align=CENTRE, format=yes_no_label, width=65),
    ),
    # The steps of improvement: identify, define, analyse, options, select, implement, review.
    fields=(
        FormField("title", "Action", required=True),
        FormField(
            "source", "Came from", Kind.CHOICE, required=True, options=choice_options(ActionSource)
        ),
        FormField("complaint", "Complaint", Kind.LOOKUP, options=complaint_choices),
        FormField("code", "Feedback code", Kind.LOOKUP, options=code_choices),
        FormField("problem", "The problem", Kind.LONG_TEXT),
        FormField("analysis", "Root cause", Kind.LONG_TEXT),
        FormField("options", "Options considered", Kind.LONG_TEXT),
        FormField("chosen_action", "Chosen action", Kind.LONG_TEXT),
        owner_field(),
        FormField("due_on", "Due", Kind.DATE),
        FormField(
            "status", "Status", Kind.CHOICE, required=True, options=choice_options(ActionStatus)
        ),
        FormField("completed_on", "Implemented on", Kind.DATE),
        FormField("review_on", "Review on", Kind.DATE),
        FormField("review_outcome", "Review outcome", Kind.LONG_TEXT),
        FormField("effective", "Did it work?", Kind.YES_NO),
        FormField("measure_before", "Measure before", placeholder="e.g. 78 % on time"),
        FormField("measure_after", "Measure after", placeholder="e.g. 93 % on time"),
    ),
    noun=("improvement action", "improvement actions"),
    quick_filters=(
        QuickFilter("status", "Status", choice_options(ActionStatus), "Any status"),
        QuickFilter("overdue", "Overdue", lambda: [("Overdue", 1)], "Overdue or not"),
        OWNER_FILTER,
    ),
    tone=lambda row: Tone.DANGER if action_overdue(row, clock.today()) else None,
    listens_to=frozenset({"complaint", "code", "member"}),
    assignable=True,
)


class ImprovementsTab(QWidget):
    def __init__(self, bus: DataBus, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actions = RecordPage(ACTION_PAGE, bus, settings)
        self.actions.defaults = lambda: {
            "status": ActionStatus.IDENTIFIED.value,
            "source": ActionSource.MEETING.value,
        }
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.actions)

    def new_from_complaint(self, complaint: Complaint) -> None:
        """An action in one step from a complaint: linked to it, its problem filled in."""
        summary = "Confidential complaint" if complaint.confidential else complaint.summary
        self.new_with(
            title=f"Prevent a repeat of {complaint.reference}",
            source=ActionSource.COMPLAINT.value,
            complaint=complaint.id.hex,
            problem=summary,
        )

    def new_from_feedback(self, item: Feedback) -> None:
        self.new_with(
            title="Act on feedback of " + day_text(item.received_on),
            source=ActionSource.FEEDBACK.value,
            problem=item.comment,
            feedback=item.id.hex,
        )

    def new_from_code(self, code: Code) -> None:
        self.new_with(
            title=f"Respond to: {code.name}",
            source=ActionSource.FEEDBACK_CODE.value,
            code=code.id.hex,
            problem=code.description or code.name,
        )

    def new_from_standard(self, standard: Standard) -> None:
        self.new_with(
            title=f"Meet again: {standard.statement}"[:200],
            source=ActionSource.MISSED_STANDARD.value,
            problem=f"The standard '{standard.statement}' was missed.",
            standard=standard.id.hex,
        )

    def new_with(self, **starting: Any) -> None:
        """The new-action form, starting from the record the action comes from."""
        links = {k: starting.pop(k) for k in ("feedback", "standard") if k in starting}
        self.actions.new_record(starting=starting, linked=links)
