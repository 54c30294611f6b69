"""Handing work to a colleague: one named operation for requests, complaints and actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.base import SoftDeleteRecord, database
from models.complaint_lifecycle import note_assignment
from models.complaints import Complaint
from models.errors import KnownError
from models.improvements import ImprovementAction
from models.operations import Change, ValidationError, update
from models.people import Member, owner_problems
from models.service_log import ServiceRequest

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
