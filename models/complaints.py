"""Complaints and their timelines (DESIGN.md §2, complaint lifecycle)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any

from peewee import (
    JOIN,
    BooleanField,
    Case,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    TextField,
    UUIDField,
    fn,
)

from models import clock
from models.base import ChoiceField, Record, SoftDeleteRecord
from models.calendar import WorkingCalendar
from models.catalogue import Service
from models.choices import (
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintOutcome,
    ComplaintStatus,
    FeedbackChannel,
)
from models.errors import KnownError
from models.listing import ListColumn, Listing
from models.operations import Problems, validates
from models.organisation import Settings
from models.people import Member, member_name, owned_by, owner_problems
from models.register import Customer, Department
from models.validation import required, text_of


class Complaint(SoftDeleteRecord):
    """A complaint from an internal customer; every step is also written to its timeline."""

    derived_fields = frozenset({"acknowledge_due", "resolve_due"})  # worked out, not entered

    reference = CharField(max_length=40, unique=True)  # CMP-YYYY-NNNN
    received_at = DateTimeField(index=True)
    customer = ForeignKeyField(Customer, null=True, backref="complaints", on_delete="RESTRICT")
    department = ForeignKeyField(Department, null=True, backref="complaints", on_delete="RESTRICT")
    service = ForeignKeyField(Service, null=True, backref="complaints", on_delete="RESTRICT")
    category = ChoiceField(ComplaintCategory, null=True)
    summary = TextField()
    details = TextField(default="")
    remedy_sought = TextField(default="")
    confidential = BooleanField(default=False)
    status = ChoiceField(ComplaintStatus, default=ComplaintStatus.RECEIVED, index=True)
    acknowledge_due = DateTimeField(null=True)
    acknowledged_at = DateTimeField(null=True)
    resolve_due = DateTimeField(null=True)  # from the procedure, or the agreed extension
    extended_due = DateTimeField(null=True)
    extension_reason = TextField(default="")
    referred_to = CharField(max_length=200, default="")
    referred_on = DateField(null=True)
    referral_reason = TextField(default="")
    referral_outcome = TextField(default="")
    resolved_at = DateTimeField(null=True, index=True)
    resolution = TextField(default="")  # the written response
    outcome = ChoiceField(ComplaintOutcome, null=True)
    remedy_given = TextField(default="")
    lessons_learned = TextField(default="")
    closed_at = DateTimeField(null=True)
    followed_up_on = DateField(null=True)  # customer contacted after resolution
    satisfied = BooleanField(null=True)  # with the outcome
    owner = ForeignKeyField(Member, null=True, backref="complaints", on_delete="RESTRICT")

    def __str__(self) -> str:
        return self.reference

    def audit_masked_fields(self) -> set[str]:
        """What the audit trail must not spell out for a confidential complaint."""
        return set(CONFIDENTIAL_FIELDS) if self.confidential else set()


# What only those who may read confidential complaints see of one (the audit trail, the team
# server): the figures' fields (reference, dates, status, category, department, service,
# outcome) stay for everyone, so every member's report counts the same.
CONFIDENTIAL_FIELDS = (
    "summary",
    "details",
    "remedy_sought",
    "resolution",
    "remedy_given",
    "lessons_learned",
    "referred_to",
    "referral_reason",
    "referral_outcome",
    "extension_reason",
    "customer",
)
# and of each step of its timeline: what was said, and with whom
CONFIDENTIAL_EVENT_FIELDS = ("note", "who")


class ComplaintEvent(Record):
    """One time-stamped step or communication in a complaint's timeline."""

    complaint = ForeignKeyField(Complaint, backref="events", on_delete="CASCADE")
    at = DateTimeField(index=True)
    kind = ChoiceField(ComplaintEventKind)
    note = TextField(default="")
    channel = ChoiceField(FeedbackChannel, null=True)  # for communications
    who = CharField(max_length=200, default="")  # who spoke, or to whom it was referred
    recorded_by = CharField(max_length=200, default="")  # the login, before there was a team
    member = UUIDField(null=True)  # the member who recorded it
    passed_to = UUIDField(null=True)  # the member it was assigned to, for that step


@validates(Complaint)
def complaint_problems(values: Mapping[str, Any], record: Complaint | None) -> Problems:
    problems: dict[str, str | None] = {
        "summary": required(text_of(values, "summary"), "a one-line summary of the complaint"),
    }
    if values.get("received_at") is None:
        problems["received_at"] = "Give the date and time the complaint arrived."
    elif values["received_at"] > clock.now():
        problems["received_at"] = "The complaint cannot have arrived in the future."
    received = values.get("received_at")
    now = clock.now()
    moments = [
        (name, values.get(name)) for name in ("acknowledged_at", "resolved_at") if values.get(name)
    ]
    for name, moment in moments:
        if received and moment < received:
            problems[name] = "comes before the complaint was received."
        elif moment > now:
            problems[name] = "is in the future."
    acknowledged, resolved = values.get("acknowledged_at"), values.get("resolved_at")
    if acknowledged and resolved and resolved < acknowledged and "resolved_at" not in problems:
        problems["resolved_at"] = "comes before the complaint was acknowledged."
    referred_on = values.get("referred_on")
    if referred_on and not text_of(values, "referred_to"):
        problems["referred_to"] = "Say to whom it was referred."
    if referred_on and received and referred_on < received.date():
        problems["referred_on"] = "comes before the complaint was received."
    elif referred_on and resolved and referred_on > resolved.date():
        problems["referred_on"] = "comes after the complaint was resolved."
    reference = text_of(values, "reference")
    if reference:
        # in any case: find_by_reference finds hr-17 as HR-17, so the two must not both exist
        clash = Complaint.select(Complaint.reference).where(
            fn.UPPER(Complaint.reference) == reference.upper()
        )
        if record is not None:
            clash = clash.where(Complaint.id != record.id)
        taken = clash.first()
        if taken is not None:
            problems["reference"] = f"Another complaint is already {taken.reference}."
    problems |= owner_problems(values, record, needed="A complaint", finished=resolved is not None)
    return {field: message for field, message in problems.items() if message}


def find_by_reference(reference: str) -> Complaint:
    """The live complaint with `reference` as typed, or else as written in any case (an
    imported reference may be in lower case); a KnownError if there is none."""
    wanted = reference.strip()
    live = Complaint.live()
    found = live.where(Complaint.reference == wanted).first() or (
        live.where(fn.UPPER(Complaint.reference) == wanted.upper()).first()
    )
    if found is None:
        raise KnownError(f"There is no complaint with the reference '{wanted}'.")
    return found


def next_reference(year: int) -> str:
    """The next free CMP-YYYY-NNNN of `year`."""
    prefix = f"CMP-{year}-"
    taken = [
        int(reference[len(prefix) :])
        for (reference,) in Complaint.select(Complaint.reference)
        .where(Complaint.reference.startswith(prefix))
        .tuples()
        if reference[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(taken, default=0) + 1:04d}"


def holds(events: Iterable[ComplaintEvent]) -> list[tuple[datetime, datetime | None]]:
    """The periods a complaint spent on hold, awaiting the customer, from its timeline."""
    periods: list[tuple[datetime, datetime | None]] = []
    started: datetime | None = None
    for event in sorted(events, key=lambda e: e.at):
        if event.kind is ComplaintEventKind.ON_HOLD and started is None:
            started = event.at
        elif event.kind is ComplaintEventKind.RESUMED and started is not None:
            periods.append((started, event.at))
            started = None
    if started is not None:
        periods.append((started, None))
    return periods


def complaint_dues(
    received_at: datetime,
    periods: Sequence[tuple[datetime, datetime | None]],
    extended_due: datetime | None,
    settings: Settings,
    calendar: WorkingCalendar,
    as_of: datetime,
    extended_at: datetime | None = None,
) -> tuple[datetime, datetime]:
    """Acknowledge-by and resolve-by: the procedure's timescales on the working calendar, time
    on hold not counted (up to `as_of` for a hold still open). An agreed extension replaces
    the resolve-by date; time on hold after it was agreed still does not count."""
    acknowledge = calendar.due(received_at, settings.acknowledge_within, settings.acknowledge_unit)
    if extended_due is None:
        resolve = calendar.due(
            received_at, settings.resolve_within, settings.resolve_unit, periods, as_of=as_of
        )
    else:
        since = extended_at or received_at
        later = [(start, end) for start, end in periods if start >= since]
        resolve = calendar.push_by_holds(since, extended_due, later, as_of=as_of)
    return acknowledge, resolve


CONFIDENTIAL = "Confidential"
OPEN_STATUSES = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.ACKNOWLEDGED,
    ComplaintStatus.INVESTIGATING,
    ComplaintStatus.ON_HOLD,
    ComplaintStatus.REFERRED,
)


class Worklist(StrEnum):
    """The complaints worklist: what needs doing, and by when."""

    OPEN = "open"
    DUE_TODAY = "due today"
    DUE_THIS_WEEK = "due this week"
    OVERDUE = "overdue"


# ---------------------------------------------------------------- what is due, and by when
#
# One rule for the window's lists, the Overview's due list, the figures and the report. `at` is
# the moment a complaint is read as at: the end of a report's period (a step taken later had not
# been taken then, and the timeline says whether it was on hold), or None for now, as the
# complaint stands (its status says where it is; no step may be dated in the future).


def _not_yet(stamp: Any, at: datetime | None) -> Any:
    """The step stamped `stamp` had not been taken by `at`."""
    return stamp.is_null() if at is None else stamp.is_null() | (stamp > at)


def complaint_open_at(at: datetime | None = None) -> Any:
    """The query condition: received, and not yet resolved."""
    if at is None:
        return Complaint.status.in_(list(OPEN_STATUSES))
    return (Complaint.received_at <= at) & _not_yet(Complaint.resolved_at, at)


def complaint_on_hold_at(at: datetime | None = None) -> Any:
    """The query condition: on hold, awaiting the customer (its last hold or resumption up to
    `at` was a hold)."""
    if at is None:
        return Complaint.status == ComplaintStatus.ON_HOLD
    last = (
        ComplaintEvent.select(ComplaintEvent.kind)
        .where(
            ComplaintEvent.complaint == Complaint.id,
            ComplaintEvent.kind.in_([ComplaintEventKind.ON_HOLD, ComplaintEventKind.RESUMED]),
            ComplaintEvent.at <= at,
        )
        .order_by(ComplaintEvent.at.desc())
        .limit(1)
    )
    return fn.COALESCE(last, "") == ComplaintEventKind.ON_HOLD.value


def complaint_acknowledging_at(at: datetime | None = None) -> Any:
    """The query condition: acknowledging it comes next, not resolving it. A complaint with no
    acknowledge-by (from before the procedure set one) has resolving it next."""
    return Complaint.acknowledge_due.is_null(False) & _not_yet(Complaint.acknowledged_at, at)


def _running_at(at: datetime | None) -> Any:
    """Open, and its clock running: on hold, nothing falls due while the customer is awaited."""
    return complaint_open_at(at) & ~complaint_on_hold_at(at)


def _deadline(at: datetime | None) -> Any:
    return Case(
        None, [(complaint_acknowledging_at(at), Complaint.acknowledge_due)], Complaint.resolve_due
    )


def complaint_next_due(at: datetime | None = None) -> Any:
    """The deadline a complaint must meet next: its acknowledge-by until it is acknowledged,
    then its resolve-by. NULL once resolved, and while on hold (the clock is stopped)."""
    return Case(None, [(_running_at(at), _deadline(at))], None)


def complaint_overdue_at(at: datetime | None = None, *, now: datetime | None = None) -> Any:
    """The query condition: past its next deadline at `at` (with None: as it stands at `now`,
    the clock's unless given)."""
    return _running_at(at) & (_deadline(at) < (at or now or clock.now()))


def complaint_falling_due(
    until: datetime, at: datetime | None = None, *, now: datetime | None = None
) -> Any:
    """The query condition: not overdue, and its next deadline comes by `until`."""
    deadline = _deadline(at)
    return _running_at(at) & (deadline >= (at or now or clock.now())) & (deadline <= until)


def next_deadline(row: Mapping[str, Any]) -> datetime | None:
    """What a complaint in the list must meet next, and by when (`complaint_next_due`, which
    the list reads as its `next_due` column): None once resolved, or while on hold."""
    due = row["next_due"]
    return due if due is None or isinstance(due, datetime) else datetime.fromisoformat(due)


def _on_worklist(query: Any, wanted: str) -> Any:
    if wanted == Worklist.OPEN:
        return query.where(complaint_open_at())
    if wanted == Worklist.OVERDUE:
        return query.where(complaint_overdue_at())
    # from now on, so that due and overdue never overlap (as in the service log and the Overview)
    today = clock.today()
    end = today if wanted == Worklist.DUE_TODAY else today + timedelta(days=6 - today.weekday())
    return query.where(complaint_falling_due(datetime.combine(end, time(23, 59, 59))))


def _masked(expression: Any) -> Any:
    """What the list may show of a confidential complaint: the word, never the detail."""
    return Case(None, [(Complaint.confidential, CONFIDENTIAL)], expression)


COMPLAINT_LISTING = Listing(
    model=Complaint,
    columns=(
        ListColumn("reference", Complaint.reference, searchable=True),
        ListColumn("received_at", Complaint.received_at),
        ListColumn("status", Complaint.status, searchable=True),
        ListColumn("category", Complaint.category, searchable=True),
        ListColumn("summary", _masked(Complaint.summary), searchable=True),
        ListColumn("customer", _masked(Customer.name), searchable=True),
        ListColumn("department", Department.name, searchable=True),
        ListColumn("acknowledge_due", Complaint.acknowledge_due),
        ListColumn("acknowledged_at", Complaint.acknowledged_at),
        ListColumn("resolve_due", Complaint.resolve_due),
        ListColumn("resolved_at", Complaint.resolved_at),
        ListColumn("confidential", Complaint.confidential),
        ListColumn("next_due", complaint_next_due()),  # what `next_deadline` reads
        ListColumn("owner", member_name(Complaint.owner), searchable=True),
    ),
    joins=lambda query: (
        query.join(Customer, JOIN.LEFT_OUTER, on=Complaint.customer == Customer.id)
        .switch(Complaint)
        .join(Department, JOIN.LEFT_OUTER, on=Complaint.department == Department.id)
    ),
    filters={
        "status": lambda query, status: query.where(Complaint.status == status),
        "worklist": _on_worklist,
        "category": lambda query, category: query.where(Complaint.category == category),
        "owner": lambda query, who: query.where(owned_by(Complaint.owner, who)),
    },
    default_sort="received_at",
    default_descending=True,
)


def complaint_choices() -> list[tuple[str, str]]:
    """(reference and summary, key) for pick lists; confidential ones show only the word."""
    query = Complaint.live(
        Complaint.reference, Complaint.summary, Complaint.confidential, Complaint.id
    )
    return [
        (f"{reference} — {CONFIDENTIAL if confidential else summary}", key.hex)
        for reference, summary, confidential, key in query.order_by(
            Complaint.reference.desc()
        ).tuples()
    ]
