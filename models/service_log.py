"""The service log: requests received, and how they were delivered against the standards."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime, time
from enum import StrEnum
from typing import Any

from peewee import JOIN, BooleanField, Case, DateTimeField, ForeignKeyField, TextField, fn

from models import clock
from models.base import ChoiceField, SoftDeleteRecord, database
from models.catalogue import Service, Standard
from models.choices import RequestChannel
from models.delivery import StandardBook, key, request_dues
from models.listing import ListColumn, Listing
from models.operations import Change, Problems, after_change, create, update, validates
from models.organisation import working_calendar
from models.people import Member, member_name, owned_by, owner_problems
from models.register import Customer, Department


class ServiceRequest(SoftDeleteRecord):
    """One request for a service; due moments are stored as judged when they were computed.

    Open requests have their due moments recomputed when the calendar or a standard changes;
    closed ones keep the ones they were judged against.
    """

    derived_fields = frozenset({"response_due", "completion_due"})  # worked out, not entered

    service = ForeignKeyField(Service, backref="requests", on_delete="RESTRICT")
    customer = ForeignKeyField(Customer, null=True, backref="requests", on_delete="RESTRICT")
    department = ForeignKeyField(Department, null=True, backref="requests", on_delete="RESTRICT")
    received_at = DateTimeField(index=True)
    channel = ChoiceField(RequestChannel, default=RequestChannel.EMAIL)
    description = TextField(default="")
    notes = TextField(default="")
    responded_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)
    accurate = BooleanField(null=True)  # right first time
    needs_met = BooleanField(null=True)  # customer confirmed needs met
    needs_met_note = TextField(default="")
    response_standard = ForeignKeyField(Standard, null=True, backref="+", on_delete="RESTRICT")
    completion_standard = ForeignKeyField(Standard, null=True, backref="+", on_delete="RESTRICT")
    response_due = DateTimeField(null=True)
    completion_due = DateTimeField(null=True)
    owner = ForeignKeyField(Member, null=True, backref="requests", on_delete="RESTRICT")


# The open requests by completion date: what is due and overdue reads these, not every request.
ServiceRequest.add_index(
    ServiceRequest.completion_due,
    where=ServiceRequest.completed_at.is_null(),
    name="service_request_open",
)


class RequestState(StrEnum):
    """The service log's one-click views (filter words)."""

    OPEN = "open"
    DUE_TODAY = "due today"
    OVERDUE = "overdue"
    AWAITING_CONFIRMATION = "awaiting confirmation"
    COMPLETED = "completed"


# ---------------------------------------------------------------- what is due, and by when
#
# One rule for the service log's lists, the Overview's due list, the figures and the report.
# `at` is the moment a request is read as at: the end of a report's period (what was done later
# had not been done then), or None for now, as the request stands (no moment may be recorded in
# the future, and "not completed" is what the open-requests index holds).


def _not_yet(stamp: Any, at: datetime | None) -> Any:
    """What is stamped `stamp` had not been done by `at`."""
    return stamp.is_null() if at is None else stamp.is_null() | (stamp > at)


def request_open_at(at: datetime | None = None) -> Any:
    """The query condition: received, and not yet completed."""
    if at is None:
        return ServiceRequest.completed_at.is_null()
    return (ServiceRequest.received_at <= at) & _not_yet(ServiceRequest.completed_at, at)


def _deadline(at: datetime | None) -> Any:
    """The earlier of its respond-by (while not yet responded to) and its complete-by; NULL
    when it has neither."""
    awaiting_response = Case(
        None, [(_not_yet(ServiceRequest.responded_at, at), ServiceRequest.response_due)], None
    )
    return fn.COALESCE(
        fn.MIN(awaiting_response, ServiceRequest.completion_due),  # NULL if either is NULL
        awaiting_response,
        ServiceRequest.completion_due,
    )


def request_next_due(at: datetime | None = None) -> Any:
    """The deadline an open request must meet next: responding to it by its respond-by, or
    completing it by its complete-by, whichever comes first. NULL once completed."""
    return Case(None, [(request_open_at(at), _deadline(at))], None)


def request_overdue_at(at: datetime | None = None, *, now: datetime | None = None) -> Any:
    """The query condition: past its next deadline at `at` (with None: as it stands at `now`,
    the clock's unless given), so a timescale is already missed."""
    return request_open_at(at) & (_deadline(at) < (at or now or clock.now()))


def request_falling_due(
    until: datetime, at: datetime | None = None, *, now: datetime | None = None
) -> Any:
    """The query condition: not overdue, and its next deadline comes by `until`."""
    deadline = _deadline(at)
    return request_open_at(at) & (deadline >= (at or now or clock.now())) & (deadline <= until)


def _in_state(query: Any, state: str) -> Any:
    """Requests in `state`, as of now (the clock is read when the list is asked for). Overdue
    and due today are the Overview's: the next deadline has passed, or falls later today."""
    if state == RequestState.OPEN:
        return query.where(request_open_at())
    if state == RequestState.COMPLETED:
        return query.where(ServiceRequest.completed_at.is_null(False))
    if state == RequestState.AWAITING_CONFIRMATION:
        return query.where(
            ServiceRequest.completed_at.is_null(False) & ServiceRequest.needs_met.is_null()
        )
    if state == RequestState.OVERDUE:
        return query.where(request_overdue_at())
    if state == RequestState.DUE_TODAY:
        return query.where(request_falling_due(datetime.combine(clock.today(), time(23, 59, 59))))
    raise ValueError(f"Unknown request state {state!r}")


def request_state(row: Mapping[str, Any], now: datetime) -> RequestState:
    """Where one request in the list stands now: what the window colours it by. Its next
    deadline is the list's `next_due` column (`request_next_due`)."""
    if row["completed_at"] is not None:
        return (
            RequestState.AWAITING_CONFIRMATION
            if row["needs_met"] is None
            else RequestState.COMPLETED
        )
    due = row["next_due"]
    due = due if due is None or isinstance(due, datetime) else datetime.fromisoformat(due)
    if due is not None and due < now:
        return RequestState.OVERDUE
    if due is not None and due.date() == now.date():
        return RequestState.DUE_TODAY
    return RequestState.OPEN


SERVICE_REQUEST_LISTING = Listing(
    model=ServiceRequest,
    columns=(
        ListColumn("received_at", ServiceRequest.received_at),
        ListColumn("service", Service.name, searchable=True),
        ListColumn("customer", Customer.name, searchable=True),
        ListColumn("department", Department.name, searchable=True),
        ListColumn("description", ServiceRequest.description, searchable=True),
        ListColumn("response_due", ServiceRequest.response_due),
        ListColumn("responded_at", ServiceRequest.responded_at),
        ListColumn("completion_due", ServiceRequest.completion_due),
        ListColumn("completed_at", ServiceRequest.completed_at),
        ListColumn("accurate", ServiceRequest.accurate),
        ListColumn("needs_met", ServiceRequest.needs_met),
        ListColumn("next_due", request_next_due()),  # what `request_state` reads
        # not searched: the owner filter finds by owner without a lookup per row a keystroke
        ListColumn("owner", member_name(ServiceRequest.owner)),
    ),
    joins=lambda query: (
        query.join(Service, on=ServiceRequest.service == Service.id)
        .switch(ServiceRequest)
        .join(Customer, JOIN.LEFT_OUTER, on=ServiceRequest.customer == Customer.id)
        .switch(ServiceRequest)
        .join(Department, JOIN.LEFT_OUTER, on=ServiceRequest.department == Department.id)
    ),
    filters={
        "service": lambda query, service: query.where(ServiceRequest.service == service),
        "department": lambda query, department: query.where(
            ServiceRequest.department == department
        ),
        "state": _in_state,
        "owner": lambda query, who: query.where(owned_by(ServiceRequest.owner, who)),
    },
    default_sort="received_at",
    default_descending=True,  # a log reads newest first
)


@validates(ServiceRequest)
def request_problems(values: Mapping[str, Any], record: ServiceRequest | None) -> Problems:
    problems: dict[str, str | None] = {}
    if values.get("service") is None:
        problems["service"] = "Choose the service requested."
    received = values.get("received_at")
    if received is None:
        problems["received_at"] = "Give the date and time the request arrived."
    elif received > clock.now():
        problems["received_at"] = "The request cannot have arrived in the future."
    responded, completed = values.get("responded_at"), values.get("completed_at")
    for name, moment in (("responded_at", responded), ("completed_at", completed)):
        if moment is not None and moment > clock.now():
            problems[name] = "cannot be in the future."
    if received and responded and responded < received:
        problems["responded_at"] = "The first response comes before the request arrived."
    if received and completed and completed < received:
        problems["completed_at"] = "The request was completed before it arrived."
    elif responded and completed and completed < responded:
        problems["completed_at"] = "The request was completed before its first response."
    if values.get("needs_met") is not None and not completed:
        problems["needs_met"] = "Record when it was completed before the customer's confirmation."
    problems |= owner_problems(values, record, finished=completed is not None)
    return {field: message for field, message in problems.items() if message}


_KEY_FIELDS = ("service", "received_at", "department", "customer")


def record_request(**values: Any) -> tuple[ServiceRequest, Change]:
    """Log a request: its department is the customer's unless given; its dues are computed."""
    if values.get("department") is None and values.get("customer") is not None:
        customer = Customer.get_or_none(Customer.id == key(values["customer"]))
        values["department"] = customer.department_id if customer else None
    if values.get("service") is not None and values.get("received_at") is not None:
        values |= _dues(values)
    return create(ServiceRequest, **values)


def update_request(request: ServiceRequest, **values: Any) -> Change:
    """Change a request; its dues follow while it is open or when what they hang on changes."""
    merged = {name: getattr(request, name) for name in _KEY_FIELDS} | values
    reopened = "completed_at" in values and values["completed_at"] is None
    moved = any(
        name in values and key(values[name]) != key(getattr(request, name)) for name in _KEY_FIELDS
    )
    if moved or reopened or (request.completed_at is None and "completed_at" not in values):
        values |= _dues(merged)
    return update(request, **values)


# What `request_dues` works out, never typed: every laptop derives them again from the same
# standards and calendar (so the team server takes the latest, never a conflict).
DERIVED_FIELDS = ("response_standard", "response_due", "completion_standard", "completion_due")


def recompute_open_dues(only: Collection[str] | None = None) -> int:
    """After the calendar or a standard changes: open requests are judged by the new rules,
    completed ones keep the due moments they were judged against (`only`: the keys of those
    that changed themselves, where the rules did not). Returns how many changed."""
    book, calendar = StandardBook.load(), working_calendar()
    changed = 0
    still_open = ServiceRequest.live().where(ServiceRequest.completed_at.is_null())
    if only is not None:
        still_open = still_open.where(ServiceRequest.id.in_(list(only)))
    with database.atomic():
        for request in still_open:
            dues = request_dues(
                book,
                calendar,
                service=request.service_id,
                received_at=request.received_at,
                department=request.department_id,
                customer=request.customer_id,
            )
            if request.responded_at is not None:  # a response already judged keeps its due
                dues["response_standard"] = key(request.response_standard_id)
                dues["response_due"] = request.response_due
            stored = {
                "response_standard": key(request.response_standard_id),
                "response_due": request.response_due,
                "completion_standard": key(request.completion_standard_id),
                "completion_due": request.completion_due,
            }
            if stored != dues:
                ServiceRequest.update(**dues, updated_at=clock.now()).where(
                    ServiceRequest.id == request.id
                ).execute()
                changed += 1
    return changed


@after_change(Standard)
@after_change(Department)  # a merge moves requests to a department with its own standards
def _standards_changed() -> None:
    recompute_open_dues()


def _dues(values: Mapping[str, Any]) -> dict[str, Any]:
    return request_dues(
        StandardBook.load(),
        working_calendar(),
        service=values["service"],
        received_at=values["received_at"],
        department=values.get("department"),
        customer=values.get("customer"),
    )
