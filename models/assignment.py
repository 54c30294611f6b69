"""Handing work to a colleague: one named operation for requests, complaints and actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from models.base import SoftDeleteRecord, database
from models.catalogue import Agreement, Standard
from models.complaint_lifecycle import note_assignment
from models.complaints import Complaint, complaint_open_at
from models.errors import KnownError
from models.improvements import ImprovementAction, action_open_on
from models.operations import Change, ValidationError, update
from models.people import Member, owner_problems
from models.service_log import ServiceRequest, request_open_at

OWNED = (ServiceRequest, Complaint, ImprovementAction)  # the records that have an owner


def assign(records: Sequence[SoftDeleteRecord], member: Any, note: str = "") -> list[Change]:
    """Give `records` to `member` (a member or its key), all or none, each change audited; a
    complaint's timeline says to whom it was passed, with `note`. Work already theirs stays
    as it is."""
    if member in (None, ""):
        raise KnownError("Choose the member of the team to give the work to.")
    problems = owner_problems({"owner": member}, None)
    if problems:
        raise ValidationError(problems)
    owner = Member.get_by_id(getattr(member, "id", member))
    changes = []
    with database.atomic():
        for record in records:
            if not isinstance(record, OWNED):
                raise KnownError(f"{type(record).__name__} records have no owner.")
            if record.deleted_at is not None:
                raise KnownError(f"{_named(record)} is deleted: restore it before assigning it.")
            if record.owner_id == owner.id:
                continue
            try:
                changes.append(update(record, owner=owner))
            except ValidationError as error:
                raise KnownError(f"{_named(record)}: {error}") from error
            if isinstance(record, Complaint):
                note_assignment(record, owner, note.strip())
    return changes


def _named(record: SoftDeleteRecord) -> str:
    """Which record, in words: a complaint by its reference, others by what they are."""
    what = {ServiceRequest: "The request", ImprovementAction: "The action"}
    return str(record) if isinstance(record, Complaint) else f"{what[type(record)]} '{record}'"


def open_work(member: Any) -> list[str]:
    """What `member` still owns that is not finished, in words ("12 open requests"): what to
    hand on before they leave the team. Empty when there is nothing."""
    key = getattr(member, "id", member)
    unfinished = (
        (
            ServiceRequest.live().where(ServiceRequest.owner == key, request_open_at()),
            ("open request", "open requests"),
        ),
        (
            Complaint.live().where(Complaint.owner == key, complaint_open_at()),
            ("open complaint", "open complaints"),
        ),
        (
            ImprovementAction.live().where(ImprovementAction.owner == key, action_open_on()),
            ("improvement action not yet done", "improvement actions not yet done"),
        ),
        (
            Standard.live().where(Standard.looked_after_by == key),
            ("standard whose reviews they look after", "standards whose reviews they look after"),
        ),
        (
            Agreement.live().where(Agreement.looked_after_by == key),
            ("agreement whose reviews they look after", "agreements whose reviews they look after"),
        ),
    )
    words = []
    for query, (one, many) in unfinished:
        count = query.count()
        if count:
            words.append(f"{count:,} {one if count == 1 else many}")
    return words


def now_with(records: Sequence[SoftDeleteRecord]) -> str:
    """Whose `records` are now, in words, the most first: "Priya Patel (2), no one (1)"."""
    counts = Counter(getattr(record, "owner_id", None) for record in records)
    names = dict(
        Member.select(Member.id, Member.name)
        .where(Member.id.in_([key for key in counts if key is not None]))
        .tuples()
    )
    return ", ".join(
        f"{names.get(key, 'no one') if key else 'no one'} ({count:,})"
        for key, count in counts.most_common()
    )
