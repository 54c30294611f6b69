"""The complaints procedure as explicit steps (DESIGN.md §2, complaint lifecycle).

Every step checks that it may happen now (closing an unresolved complaint is refused, with a
message saying why), writes the complaint's new state and a time-stamped timeline event in one
transaction, audits the change, and recomputes the due moments: time on hold is not counted and
an agreed extension moves the resolve-by date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models import audit, clock
from models.audit import record_change
from models.base import database
from models.choices import (
    AuditAction,
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintOutcome,
    ComplaintStatus,
    FeedbackChannel,
)
from models.complaints import Complaint, ComplaintEvent, complaint_dues, holds, next_reference
from models.errors import KnownError
from models.operations import Change, check_fields, create, typed, update
from models.organisation import get_settings, working_calendar
from models.people import Member, member_at_keyboard, name_or_login
from models.words import moment_text

S = ComplaintStatus
K = ComplaintEventKind
OPEN = frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.INVESTIGATING, S.ON_HOLD, S.REFERRED})


@dataclass(frozen=True)
class Step:
    """One step of the procedure: the states it may start from, and the state it leads to."""

    kind: ComplaintEventKind
    allowed_from: frozenset[ComplaintStatus]
    leads_to: ComplaintStatus | None  # None: the status stays as it is
    refusal: str  # why it cannot happen, with {reference} and {status}


STEPS = {
    step.kind: step
    for step in (
        Step(ComplaintEventKind.ACKNOWLEDGED, frozenset({S.RECEIVED}), S.ACKNOWLEDGED,
             "{reference} has already been acknowledged (it is {status})."),
        Step(ComplaintEventKind.INVESTIGATING, frozenset({S.ACKNOWLEDGED}), S.INVESTIGATING,
             "Acknowledge {reference} before investigating it (it is {status})."),
        Step(ComplaintEventKind.ON_HOLD, frozenset({S.ACKNOWLEDGED, S.INVESTIGATING}), S.ON_HOLD,
             "{reference} can be put on hold only while it is being dealt with (it is {status})."),
        Step(ComplaintEventKind.RESUMED, frozenset({S.ON_HOLD}), S.INVESTIGATING,
             "{reference} is not on hold (it is {status})."),
        Step(ComplaintEventKind.REFERRED, frozenset({S.ACKNOWLEDGED, S.INVESTIGATING}), S.REFERRED,
             "{reference} can be referred only while it is being dealt with (it is {status})."),
        Step(ComplaintEventKind.REFERRAL_OUTCOME, frozenset({S.REFERRED}), S.INVESTIGATING,
             "{reference} has not been referred (it is {status})."),
        Step(ComplaintEventKind.EXTENDED, OPEN, None,
             "{reference} is {status}: an extension is agreed only while it is open."),
        Step(ComplaintEventKind.RESOLVED, frozenset({S.ACKNOWLEDGED, S.INVESTIGATING, S.REFERRED}),
             S.RESOLVED, "{reference} cannot be resolved while it is {status}."),
        Step(ComplaintEventKind.CLOSED, frozenset({S.RESOLVED}), S.CLOSED,
             "Resolve {reference} before closing it (it is {status})."),
        Step(ComplaintEventKind.REOPENED, frozenset({S.RESOLVED, S.CLOSED}), S.INVESTIGATING,
             "{reference} is still open (it is {status}): there is nothing to reopen."),
        Step(ComplaintEventKind.COMMUNICATION, frozenset(S), None, ""),
        Step(ComplaintEventKind.NOTE, frozenset(S), None, ""),
    )
}  # fmt: skip


# The steps that move a complaint on: they must be recorded in the order they happened.
STATE_STEPS = frozenset(
    {K.RECEIVED, K.EXTENDED} | {kind for kind, step in STEPS.items() if step.leads_to is not None}
)


def allowed_steps(complaint: Complaint) -> list[ComplaintEventKind]:
    """The steps that may be taken next: what the window offers (none for a deleted one)."""
    if complaint.deleted_at is not None:
        return []
    return [kind for kind, step in STEPS.items() if complaint.status in step.allowed_from]


def log_complaint(**values: Any) -> tuple[Complaint, Change]:
    """Record a new complaint: a reference if none is given, confidential by default for the
    personal categories, its due moments, and the first event of its timeline."""
    received = values.get("received_at")
    if received is not None and not values.get("reference"):
        values["reference"] = next_reference(received.year)
    category = values.get("category")
    if "confidential" not in values:
        values["confidential"] = (
            bool(category) and ComplaintCategory(category).confidential_by_default
        )
    with database.atomic():
        complaint, change = create(Complaint, **values, status=S.RECEIVED)
        _event(
            complaint, ComplaintEventKind.RECEIVED, complaint.received_at, note="Complaint logged."
        )
        _refresh_dues(complaint)
        complaint.save()
    return complaint, change


def take_step(
    complaint: Complaint,
    kind: ComplaintEventKind,
    *,
    at: datetime | None = None,
    note: str = "",
    channel: FeedbackChannel | None = None,
    who: str = "",
    **details: Any,
) -> Change:
    """Take one step of the procedure (see STEPS), with what that step needs in `details`."""
    step = STEPS[kind]
    if complaint.deleted_at is not None:
        raise KnownError(f"{complaint.reference} is deleted: restore it before taking a step.")
    if complaint.status not in step.allowed_from:
        raise KnownError(
            step.refusal.format(
                reference=complaint.reference, status=complaint.status.label.lower()
            )
        )
    at = at or clock.now()
    _check_moment(complaint, at, in_order=step.leads_to is not None or kind is K.EXTENDED)
    fields = _fields_for(complaint, kind, at, note=note, who=who, **details)
    check_fields(Complaint, fields)
    check_fields(ComplaintEvent, {"at": at, "note": note, "who": who})
    if step.leads_to is not None:
        fields["status"] = step.leads_to
    old = {name: getattr(complaint, name) for name in fields}
    with database.atomic():
        for name, value in typed(Complaint, fields).items():
            setattr(complaint, name, value)
        _event(complaint, kind, at, note=note, channel=channel, who=who)
        _refresh_dues(complaint)
        complaint.save()
        changed = {
            name: (old[name], getattr(complaint, name))
            for name in fields
            if old[name] != getattr(complaint, name)
        }
        if changed:
            record_change(complaint, AuditAction.UPDATE, changed)
    return Change("complaint", AuditAction.UPDATE, complaint, changed)


def _fields_for(
    complaint: Complaint, kind: ComplaintEventKind, at: datetime, **details: Any
) -> dict[str, Any]:
    """What each step writes on the complaint itself, after checking it was given."""
    if kind is K.ACKNOWLEDGED:
        return {"acknowledged_at": at}
    if kind is K.REFERRED:
        to = details.get("who", "").strip()
        reason = details.get("reason", "").strip()
        if not to or not reason:
            raise KnownError("Say to whom the complaint is referred, and why.")
        return {"referred_to": to, "referred_on": at.date(), "referral_reason": reason}
    if kind is K.REFERRAL_OUTCOME:
        outcome = details.get("outcome", "").strip()
        if not outcome:
            raise KnownError("Record what came back from the referral.")
        return {"referral_outcome": outcome}
    if kind is K.EXTENDED:
        new_due, reason = details.get("new_due"), details.get("reason", "").strip()
        if new_due is None or not reason:
            raise KnownError("An extension needs the new resolve-by date and the reason agreed.")
        if isinstance(new_due, date) and not isinstance(new_due, datetime):
            new_due = datetime.combine(new_due, get_settings().office_end)
        if new_due <= at:
            raise KnownError("The new resolve-by date must be later than now.")
        return {"extended_due": new_due, "extension_reason": reason}
    if kind is K.RESOLVED:
        resolution = details.get("resolution", "").strip()
        outcome = details.get("outcome")
        if not resolution or outcome is None:
            raise KnownError("Resolving needs the written response sent and the outcome.")
        return {
            "resolved_at": at,
            "resolution": resolution,
            "outcome": ComplaintOutcome(outcome),
            "remedy_given": details.get("remedy_given", "").strip(),
            "lessons_learned": details.get("lessons_learned", "").strip()
            or complaint.lessons_learned,
        }
    if kind is K.CLOSED:
        followed_up = details.get("followed_up_on") or at.date()
        satisfied = details.get("satisfied")
        if satisfied is None:
            raise KnownError(
                "Closing needs to know whether the customer was satisfied with the outcome."
            )
        if followed_up < complaint.resolved_at.date():
            raise KnownError("The follow-up cannot come before the complaint was resolved.")
        return {"closed_at": at, "followed_up_on": followed_up, "satisfied": bool(satisfied)}
    if kind is K.REOPENED:
        if not details.get("note", "").strip():
            raise KnownError("Say why the complaint is reopened.")
        return {  # the first resolution stays in the timeline and the audit trail
            "closed_at": None,
            "followed_up_on": None,
            "satisfied": None,
            "resolved_at": None,
            "outcome": None,
            "resolution": "",
            "remedy_given": "",
        }
    return {}


def _check_moment(complaint: Complaint, at: datetime, *, in_order: bool) -> None:
    """A step happens after receipt and not in the future; a step that changes the state also
    comes after the steps before it (a communication may be recorded later, for any day)."""
    if at < complaint.received_at:
        raise KnownError(f"{moment_text(at)} is before {complaint.reference} was received.")
    if at > clock.now():
        raise KnownError(f"{moment_text(at)} is in the future.")
    if in_order:
        states = [event.at for event in timeline(complaint) if event.kind in STATE_STEPS]
        latest = max(states, default=None)
        if latest is not None and at < latest:
            raise KnownError(
                f"{moment_text(at)} comes before the last step of {complaint.reference} "
                f"({moment_text(latest)}): steps are recorded in the order they happened."
            )


def _event(complaint: Complaint, kind: ComplaintEventKind, at: datetime, **fields: Any) -> None:
    ComplaintEvent.create(
        complaint=complaint,
        at=at,
        kind=kind,
        note=fields.get("note", ""),
        channel=fields.get("channel"),
        who=fields.get("who", ""),
        recorded_by=audit.os_user(),
        member=member_at_keyboard(),
        passed_to=fields.get("passed_to"),
    )


def note_assignment(complaint: Complaint, owner: Member, note: str = "") -> None:
    """A complaint passed to a colleague: a step of its timeline naming them (by key, so a
    later rename shows), with why."""
    check_fields(ComplaintEvent, {"note": note})
    _event(complaint, K.ASSIGNED, clock.now(), who=owner.name, note=note, passed_to=owner.id)


def _refresh_dues(
    complaint: Complaint,
    rules: tuple[Any, Any] | None = None,
    events: list[ComplaintEvent] | None = None,
) -> None:
    """Due moments as things stand: closed and resolved complaints keep theirs as judged."""
    if complaint.status not in OPEN and complaint.resolve_due is not None:
        return
    complaint.acknowledge_due, complaint.resolve_due = _dues(complaint, rules, events)


def _dues(
    complaint: Complaint,
    rules: tuple[Any, Any] | None = None,
    events: list[ComplaintEvent] | None = None,
) -> tuple[datetime, datetime]:
    settings, calendar = rules or (get_settings(), working_calendar())
    events = timeline(complaint) if events is None else events
    extended = [e.at for e in events if e.kind is K.EXTENDED]
    return complaint_dues(
        complaint.received_at,
        holds(events),
        complaint.extended_due,
        settings,
        calendar,
        as_of=clock.now(),
        extended_at=extended[-1] if extended else None,
    )


def dues_now(complaint: Complaint) -> tuple[datetime | None, datetime | None]:
    """Acknowledge-by and resolve-by as at now, for showing. While a complaint is on hold its
    resolve-by moves on with the clock: the stored one counts the hold only up to the moment it
    was last worked out, and would show a complaint waiting on its customer as late."""
    if complaint.status is not S.ON_HOLD:
        return complaint.acknowledge_due, complaint.resolve_due
    return _dues(complaint)


# What the procedure works out, never typed: derived again on every laptop from the same
# settings and calendar (so the team server takes the latest, never a conflict).
DERIVED_FIELDS = ("acknowledge_due", "resolve_due")


def recompute_open_complaint_dues() -> int:
    """After the calendar or the procedure changes: open complaints are judged by the new
    rules; resolved and closed ones keep the due moments they were judged against."""
    rules = (get_settings(), working_calendar())
    open_complaints = list(Complaint.live().where(Complaint.status.in_(list(OPEN))))
    events: dict[Any, list[ComplaintEvent]] = {}
    for event in ComplaintEvent.select().where(
        ComplaintEvent.complaint.in_([c.id for c in open_complaints])
    ):
        events.setdefault(event.complaint_id, []).append(event)
    changed = 0
    for complaint in open_complaints:
        before = (complaint.acknowledge_due, complaint.resolve_due)
        _refresh_dues(complaint, rules, sorted(events.get(complaint.id, []), key=lambda e: e.at))
        if (complaint.acknowledge_due, complaint.resolve_due) != before:
            Complaint.update(
                acknowledge_due=complaint.acknowledge_due, resolve_due=complaint.resolve_due
            ).where(Complaint.id == complaint.id).execute()
            changed += 1
    return changed


_IN_ORDER = (ComplaintEvent.at, ComplaintEvent.created_at)  # as the steps happened


@dataclass(frozen=True)
class TimelineRow:
    """One step of a complaint's timeline as the window and the record show it."""

    at: datetime
    step: str  # "Acknowledged (phone)"
    who: str  # with whom it was spoken, or to whom it was referred
    by: str  # the member who recorded it, or the login an older entry recorded
    note: str


def timeline_rows(complaint: Complaint) -> list[TimelineRow]:
    """The complaint's timeline in words, members named as they are called now."""
    by = name_or_login(ComplaintEvent.member, ComplaintEvent.recorded_by).alias("by")
    whom = name_or_login(ComplaintEvent.passed_to, ComplaintEvent.who).alias("whom")
    events = (
        ComplaintEvent.select(ComplaintEvent, by, whom)
        .where(ComplaintEvent.complaint == complaint.id)
        .order_by(*_IN_ORDER)
    )
    return [
        TimelineRow(
            at=event.at,
            step=event.kind.label + (f" ({event.channel.label.lower()})" if event.channel else ""),
            who=event.whom,
            by=event.by,
            note=event.note,
        )
        for event in events
    ]


def timeline(complaint: Complaint) -> list[ComplaintEvent]:
    """The complaint's events in the order they happened (what the timeline view lists)."""
    return list(complaint.events.order_by(*_IN_ORDER))


def update_complaint(complaint: Complaint, **values: Any) -> Change:
    """Correct a complaint's details; an open complaint's due moments follow a new receipt."""
    with database.atomic():
        change = update(complaint, **values)
        if "received_at" in change.fields and complaint.status in OPEN:
            received = timeline(complaint)[0] if timeline(complaint) else None
            if received is not None and received.kind is K.RECEIVED:
                received.at = complaint.received_at
                received.save()
            _refresh_dues(complaint)
            complaint.save()
    return change
