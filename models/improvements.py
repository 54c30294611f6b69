"""Improvement actions: identify, define, analyse, explore options, select, implement, review."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from peewee import JOIN, BooleanField, Case, CharField, DateField, ForeignKeyField, TextField, fn

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


# ---------------------------------------------------------------- what is due, and by when
#
# One rule for the actions list, the Overview's due list, the figures and the report. `day` is
# the day an action is read as at the end of: a report period's last day (what was done later
# had not been done then), or None for today, as the action stands (no completion date may be
# in the future). An action is finished once a completion date is recorded, or once it is marked
# implemented or reviewed (without a date: as good as done from the start), as the period's
# figures count it completed.


def action_open_on(day: date | None = None) -> Any:
    """The query condition: made by then, and not yet finished."""
    not_marked_done = ImprovementAction.completed_on.is_null() & ImprovementAction.status.not_in(
        list(DONE)
    )
    if day is None:
        return not_marked_done
    made_by = ImprovementAction.created_at < datetime.combine(day + timedelta(days=1), time())
    return made_by & ((ImprovementAction.completed_on > day) | not_marked_done)


def action_next_due(day: date | None = None) -> Any:
    """An open action's due date; NULL once finished, or when it has none."""
    return Case(None, [(action_open_on(day), ImprovementAction.due_on)], None)


def action_overdue_on(day: date | None = None, *, today: date | None = None) -> Any:
    """The query condition: open, and its due date passed before `day` (with None: as it
    stands `today`, the clock's unless given). Due on the day itself is not yet overdue."""
    return action_open_on(day) & (ImprovementAction.due_on < (day or today or clock.today()))


def action_falling_due(until: date, day: date | None = None, *, today: date | None = None) -> Any:
    """The query condition: not overdue, and due by `until`."""
    due = ImprovementAction.due_on
    return action_open_on(day) & (due >= (day or today or clock.today())) & (due <= until)


def action_overdue(row: Mapping[str, Any], today: date) -> bool:
    """Whether an action in the list is overdue `today`: its `next_due` column
    (`action_next_due`) has passed."""
    due = row["next_due"]
    due = due if due is None or isinstance(due, date) else date.fromisoformat(due)
    return due is not None and due < today


@dataclass(frozen=True)
class ActionRow:
    """An improvement action as a list of them shows it."""

    title: str
    owner: str  # the member's name; "" when no one owns it
    due_on: date | None
    status: ActionStatus
    overdue: bool = False  # at the end of the day the list was read as at


def action_rows(query: Any, day: date | None = None) -> list[ActionRow]:
    """The actions `query` selects (made from `ImprovementAction.live()`), in its order, as
    at the end of `day` (today, as they stand, if None)."""
    columns = (
        ImprovementAction.title,
        member_name(ImprovementAction.owner),
        ImprovementAction.due_on,
        ImprovementAction.status,
        action_overdue_on(day),
    )
    return [
        ActionRow(title, owner or "", due_on, ActionStatus(status), bool(overdue))
        for title, owner, due_on, status, overdue in query.select(*columns).tuples()
    ]


def actions_for_complaint(complaint: Complaint) -> list[ActionRow]:
    """The improvement actions that came from a complaint, oldest first: what its detail in
    the window and its printed record list."""
    return action_rows(
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
        ListColumn("owner", member_name(ImprovementAction.owner), searchable=True),
        ListColumn("due_on", ImprovementAction.due_on),
        ListColumn("status", ImprovementAction.status, searchable=True),
        ListColumn("review_on", ImprovementAction.review_on),
        ListColumn("effective", ImprovementAction.effective),
        ListColumn("next_due", action_next_due()),  # what `action_overdue` reads
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
        "overdue": lambda query, _: query.where(action_overdue_on()),
        "owner": lambda query, who: query.where(owned_by(ImprovementAction.owner, who)),
    },
    default_sort="due_on",
)
