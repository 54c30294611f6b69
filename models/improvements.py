"""Improvement actions: identify, define, analyse, explore options, select, implement, review."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from peewee import JOIN, BooleanField, CharField, DateField, ForeignKeyField, TextField, fn

from models import clock
from models.base import ChoiceField, SoftDeleteRecord
from models.catalogue import Standard
from models.choices import ActionSource, ActionStatus
from models.complaints import Complaint
from models.feedback import Code, Feedback
from models.listing import ListColumn, Listing
from models.operations import Problems, validates
from models.people import Member, member_name, owned_by, owner_problems
from models.validation import required, text_of


class ImprovementAction(SoftDeleteRecord):
    title = CharField(max_length=200)
    source = ChoiceField(ActionSource, default=ActionSource.OTHER)
    complaint = ForeignKeyField(Complaint, null=True, backref="actions", on_delete="RESTRICT")
    feedback = ForeignKeyField(Feedback, null=True, backref="actions", on_delete="RESTRICT")
    code = ForeignKeyField(Code, null=True, backref="actions", on_delete="RESTRICT")
    standard = ForeignKeyField(Standard, null=True, backref="actions", on_delete="RESTRICT")
    problem = TextField(default="")
    analysis = TextField(default="")  # root cause
    options = TextField(default="")
    chosen_action = TextField(default="")
    owner = ForeignKeyField(Member, null=True, backref="actions", on_delete="RESTRICT")
    due_on = DateField(null=True, index=True)
    status = ChoiceField(ActionStatus, default=ActionStatus.IDENTIFIED)
    completed_on = DateField(null=True)
    review_on = DateField(null=True)
    review_outcome = TextField(default="")
    effective = BooleanField(null=True)
    measure_before = CharField(max_length=200, default="")
    measure_after = CharField(max_length=200, default="")


@validates(ImprovementAction)
def action_problems(values: Mapping[str, Any], record: ImprovementAction | None) -> Problems:
    title = text_of(values, "title")
    problems: dict[str, str | None] = {
        "title": required(title, "what the action is, in a few words"),
    }
    status = values.get("status")
    if (
        status in (ActionStatus.REVIEWED, ActionStatus.REVIEWED.value)
        and values.get("effective") is None
    ):
        problems["effective"] = "Say whether it worked before marking it reviewed."
    finished = values.get("status") in DONE  # list words compare equal to their text
    problems |= owner_problems(values, record, needed="An improvement action", finished=finished)
    completed, due = values.get("completed_on"), values.get("due_on")
    if completed and completed > clock.today():
        problems["completed_on"] = "cannot be in the future."
    if values.get("review_on") and due and values["review_on"] < due:
        problems["review_on"] = "The review comes before the action is due."
    return {field: message for field, message in problems.items() if message}


DONE = (ActionStatus.IMPLEMENTED, ActionStatus.REVIEWED)


def action_overdue(row: Mapping[str, Any], today: date) -> bool:
    """Not yet implemented, and its due date has passed."""
    return row["status"] not in DONE and row["due_on"] is not None and row["due_on"] < today


def due_by(day: date) -> Any:
    """The query condition: not yet implemented, and due on or before `day`."""
    return ImprovementAction.status.not_in(list(DONE)) & (ImprovementAction.due_on <= day)


def overdue_on(today: date) -> Any:
    """The query condition `action_overdue` is of one row."""
    return ImprovementAction.status.not_in(list(DONE)) & (ImprovementAction.due_on < today)


def actions_for_complaint(complaint: Complaint) -> list[ImprovementAction]:
    """The improvement actions that came from a complaint: what its detail lists."""
    return list(
        ImprovementAction.live()
        .where(ImprovementAction.complaint == complaint.id)
        .order_by(ImprovementAction.created_at)
    )


ACTION_LISTING = Listing(
    model=ImprovementAction,
    columns=(
        ListColumn("title", ImprovementAction.title, searchable=True),
        ListColumn("source", ImprovementAction.source, searchable=True),
        ListColumn(
            "from",
            fn.COALESCE(Complaint.reference, Code.name, Standard.statement, ""),
            searchable=True,
        ),
        ListColumn("owner", member_name(ImprovementAction.owner)),
        ListColumn("due_on", ImprovementAction.due_on),
        ListColumn("status", ImprovementAction.status, searchable=True),
        ListColumn("review_on", ImprovementAction.review_on),
        ListColumn("effective", ImprovementAction.effective),
    ),
    joins=lambda query: (
        query.join(Complaint, JOIN.LEFT_OUTER, on=ImprovementAction.complaint == Complaint.id)
        .switch(ImprovementAction)
        .join(Code, JOIN.LEFT_OUTER, on=ImprovementAction.code == Code.id)
        .switch(ImprovementAction)
        .join(Standard, JOIN.LEFT_OUTER, on=ImprovementAction.standard == Standard.id)
    ),
    filters={
        "status": lambda query, status: query.where(ImprovementAction.status == status),
        "overdue": lambda query, _: query.where(overdue_on(clock.today())),
        "owner": lambda query, who: query.where(owned_by(ImprovementAction.owner, who)),
    },
    default_sort="due_on",
)
