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
    problems = owner_problems({"owner": member}, None)
    if problems:
        raise ValidationError(problems)
    owner = Member.get_by_id(getattr(member, "id", member))
    changes = []
    with database.atomic():
        for record in records:
            if not isinstance(record, OWNED):
                raise KnownError(f"{type(record).__name__} records have no owner.")
            if record.owner_id == owner.id:
                continue
            changes.append(update(record, owner=owner))
            if isinstance(record, Complaint):
                note_assignment(record, owner.name, note.strip())
    return changes
