"""What is due today and what is overdue, across the service log, the complaints, the
standards' reviews and the improvement actions: the Overview's to-do list.

Each record appears once, at its next deadline as its own module's rule says (the one the lists
and the report use): a request's earlier of respond-by (until responded to) and complete-by; a
complaint's acknowledge-by until acknowledged, then its resolve-by (none while on hold: the clock
is stopped); an action's due date until it is finished. Overdue means that deadline has passed;
due today, that it falls later today. The counts are complete; the items listed are the most
pressing few of each kind.

Everyone's work, or one person's: the work they own and the reviews of the agreements and
standards they look after (`who` is a member's key, or MINE for the member at the keyboard).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any

from peewee import JOIN, fn

from models.catalogue import Agreement, Service, Standard
from models.complaints import (
    CONFIDENTIAL,
    Complaint,
    complaint_acknowledging_at,
    complaint_falling_due,
    complaint_next_due,
    complaint_overdue_at,
)
from models.delivery import IN_FORCE
from models.improvements import ImprovementAction, action_falling_due, action_overdue_on
from models.people import member_name, owned_by
from models.register import Customer, Department
from models.service_log import (
    ServiceRequest,
    request_falling_due,
    request_next_due,
    request_open_at,
    request_overdue_at,
)

LISTED = 50  # items listed of each kind; the counts say how many more there are


class Area(StrEnum):
    """Where the record lives, and so which tab opens it."""

    REQUEST = "request"
    COMPLAINT = "complaint"
    STANDARD = "standard"
    AGREEMENT = "agreement"
    ACTION = "action"


@dataclass(frozen=True)
class DueItem:
    area: Area
    record_id: Any
    task: str  # what must be done by then: "Respond", "Resolve", "Review"…
    what: str  # which record, in words
    due: datetime | date
    overdue: bool
    parent_id: Any = None  # the service of a standard: the catalogue opens it first
    owner: str = ""  # who owns it, or looks after it


@dataclass(frozen=True)
class DueGroup:
    area: Area
    overdue: int
    today: int
    items: list[DueItem] = field(default_factory=list)  # the most pressing first

    @property
    def total(self) -> int:
        return self.overdue + self.today


Who = Any  # None for everyone, else a member's key or MINE


def due_now(now: datetime, listed: int = LISTED, who: Who = None) -> list[DueGroup]:
    """Everything overdue or due later today as at `now`, of everyone or of `who`."""
    return [
        _requests(now, listed, who),
        _complaints(now, listed, who),
        _reviews(now.date(), listed, who),
        _agreement_reviews(now.date(), listed, who),
        _actions(now.date(), listed, who),
    ]


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


def _counts(query: Any, overdue: Any, falling_due: Any) -> tuple[int, int]:
    return query.where(overdue).count(), query.where(falling_due).count()


def _requests(now: datetime, listed: int, who: Who) -> DueGroup:
    overdue = request_overdue_at(now=now)
    falling_due = request_falling_due(_end_of(now.date()), now=now)
    mine = ServiceRequest.live().where(*_only(ServiceRequest.owner, who))
    deadline = request_next_due()
    rows = (
        mine.select(
            ServiceRequest.id,
            ServiceRequest.description,
            ServiceRequest.responded_at,
            ServiceRequest.response_due,
            Service.name,
            Customer.name,
            member_name(ServiceRequest.owner),
            deadline.alias("deadline"),
        )
        .join(Service, on=ServiceRequest.service == Service.id)
        .switch(ServiceRequest)
        .join(Customer, JOIN.LEFT_OUTER, on=ServiceRequest.customer == Customer.id)
        .where(request_open_at(), overdue | falling_due)
        .order_by(deadline)
        .limit(listed)
        .tuples()
    )
    items = []
    for ident, description, responded, response_due, service, customer, owner, due in rows:
        due = _moment(due)
        responding = responded is None and response_due is not None and _moment(response_due) == due
        who = f" for {customer}" if customer else ""
        items.append(
            DueItem(
                Area.REQUEST,
                ident,
                "Respond" if responding else "Complete",
                f"{service}{who}: {_first_line(description)}",
                due,
                due < now,
                owner=owner or "",
            )
        )
    return DueGroup(Area.REQUEST, *_counts(mine, overdue, falling_due), items)


def _complaints(now: datetime, listed: int, who: Who) -> DueGroup:
    overdue = complaint_overdue_at(now=now)
    falling_due = complaint_falling_due(_end_of(now.date()), now=now)
    mine = Complaint.live().where(*_only(Complaint.owner, who))
    deadline = complaint_next_due()
    rows = (
        mine.select(
            Complaint.id,
            Complaint.reference,
            Complaint.summary,
            Complaint.confidential,
            complaint_acknowledging_at(),
            member_name(Complaint.owner),
            deadline.alias("deadline"),
        )
        .where(overdue | falling_due)
        .order_by(deadline)
        .limit(listed)
        .tuples()
    )
    items = [
        DueItem(
            Area.COMPLAINT,
            ident,
            "Acknowledge" if acknowledging else "Resolve",
            f"{reference}: {CONFIDENTIAL if confidential else _first_line(summary)}",
            _moment(due),
            _moment(due) < now,
            owner=owner or "",
        )
        for ident, reference, summary, confidential, acknowledging, owner, due in rows
    ]
    return DueGroup(Area.COMPLAINT, *_counts(mine, overdue, falling_due), items)


def _reviews(today: date, listed: int, who: Who) -> DueGroup:
    """Agreed standards whose review date has come."""
    in_force = (
        Standard.select(
            Standard.id,
            Standard.statement,
            Standard.review_on,
            Service.id,
            Service.name,
            member_name(Standard.looked_after_by),
        )
        .join(Service)
        .where(
            Standard.deleted_at.is_null(),
            Service.deleted_at.is_null(),
            Standard.status.in_(IN_FORCE),
            Standard.review_on <= today,
            *_only(Standard.looked_after_by, who),
        )
    )
    overdue = in_force.where(Standard.review_on < today).count()
    items = [
        DueItem(
            Area.STANDARD,
            ident,
            "Review",
            f"{service}: {statement}",
            on,
            on < today,
            parent,
            owner or "",
        )
        for ident, statement, on, parent, service, owner in in_force.order_by(Standard.review_on)
        .limit(listed)
        .tuples()
    ]
    return DueGroup(Area.STANDARD, overdue, in_force.count() - overdue, items)


def _agreement_reviews(today: date, listed: int, who: Who) -> DueGroup:
    """Agreements whose next review has come."""
    due = Agreement.live(
        Agreement.id,
        Agreement.title,
        Agreement.next_review,
        fn.COALESCE(Department.name, Customer.name, ""),
        member_name(Agreement.looked_after_by),
    ).join(Department, JOIN.LEFT_OUTER, on=Agreement.department == Department.id)
    due = due.switch(Agreement).join(
        Customer, JOIN.LEFT_OUTER, on=Agreement.customer == Customer.id
    )
    due = due.where(Agreement.next_review <= today, *_only(Agreement.looked_after_by, who))
    overdue = due.where(Agreement.next_review < today).count()
    items = [
        DueItem(
            Area.AGREEMENT,
            ident,
            "Review",
            f"Agreement with {agreed_with}" + (f": {title}" if title else ""),
            on,
            on < today,
            owner=owner or "",
        )
        for ident, title, on, agreed_with, owner in due.order_by(Agreement.next_review)
        .limit(listed)
        .tuples()
    ]
    return DueGroup(Area.AGREEMENT, overdue, due.count() - overdue, items)


def _actions(today: date, listed: int, who: Who) -> DueGroup:
    """Improvement actions not yet finished whose due date has come."""
    overdue = action_overdue_on(today=today)
    falling_due = action_falling_due(today, today=today)
    mine = ImprovementAction.live(
        ImprovementAction.id,
        ImprovementAction.title,
        member_name(ImprovementAction.owner),
        ImprovementAction.due_on,
    ).where(*_only(ImprovementAction.owner, who))
    items = [
        DueItem(
            Area.ACTION,
            ident,
            "Implement",
            title,
            due_on,
            due_on < today,
            owner=owner or "",
        )
        for ident, title, owner, due_on in mine.where(overdue | falling_due)
        .order_by(ImprovementAction.due_on)
        .limit(listed)
        .tuples()
    ]
    return DueGroup(Area.ACTION, *_counts(mine, overdue, falling_due), items)


def _only(field: Any, who: Who) -> list[Any]:
    """The condition that keeps `who`'s work (none for everyone's)."""
    return [] if who is None else [owned_by(field, who)]


def _moment(value: Any) -> datetime:
    """A computed column comes back from SQLite as text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _first_line(text: str) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= 80 else line[:79] + "…"
