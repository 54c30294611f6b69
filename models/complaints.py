"""Complaints and their timelines (DESIGN.md §2, complaint lifecycle)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField

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
from models.operations import Problems, validates
from models.organisation import Settings
from models.register import Customer, Department
from models.validation import required, text_of


class Complaint(SoftDeleteRecord):
    """A complaint from an internal customer; every step is also written to its timeline."""

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

    def __str__(self) -> str:
        return self.reference


class ComplaintEvent(Record):
    """One time-stamped step or communication in a complaint's timeline."""

    complaint = ForeignKeyField(Complaint, backref="events", on_delete="CASCADE")
    at = DateTimeField(index=True)
    kind = ChoiceField(ComplaintEventKind)
    note = TextField(default="")
    channel = ChoiceField(FeedbackChannel, null=True)  # for communications
    who = CharField(max_length=200, default="")  # who spoke, or to whom it was referred
    recorded_by = CharField(max_length=200, default="")  # the operating-system user


@validates(Complaint)
def complaint_problems(values: Mapping[str, Any], record: Complaint | None) -> Problems:
    problems: dict[str, str | None] = {
        "summary": required(text_of(values, "summary"), "a one-line summary of the complaint"),
    }
    if values.get("received_at") is None:
        problems["received_at"] = "Give the date and time the complaint arrived."
    elif values["received_at"] > clock.now():
        problems["received_at"] = "The complaint cannot have arrived in the future."
    reference = text_of(values, "reference")
    if reference:
        clash = Complaint.select().where(Complaint.reference == reference)
        if record is not None:
            clash = clash.where(Complaint.id != record.id)
        if clash.exists():
            problems["reference"] = f"Another complaint is already {reference}."
    return {field: message for field, message in problems.items() if message}


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
) -> tuple[datetime, datetime]:
    """Acknowledge-by and resolve-by: the procedure's timescales on the working calendar, time
    on hold not counted (up to `as_of` for a hold still open), or an agreed extension."""
    acknowledge = calendar.due(received_at, settings.acknowledge_within, settings.acknowledge_unit)
    resolve = extended_due or calendar.due(
        received_at, settings.resolve_within, settings.resolve_unit, periods, as_of=as_of
    )
    return acknowledge, resolve
