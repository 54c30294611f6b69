"""The audit trail: who changed what, when, from which value to which."""

from __future__ import annotations

import getpass

from peewee import CharField, DateTimeField, TextField

from models import clock
from models.base import ChoiceField, Record
from models.choices import AuditAction


class AuditEntry(Record):
    at = DateTimeField(default=clock.now, index=True)
    user = CharField(max_length=200)
    action = ChoiceField(AuditAction)
    table_name = CharField(max_length=100)
    record_id = CharField(max_length=40, index=True)
    field = CharField(max_length=100, default="")
    old_value = TextField(null=True)
    new_value = TextField(null=True)


def os_user() -> str:
    """The operating-system user, who is the person at the keyboard for the audit trail."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in the environment or password database
        return "unknown"


def record_change(
    record: Record,
    action: AuditAction,
    changes: dict[str, tuple[object, object]] | None = None,
) -> None:
    """Write the audit entries for one change: one per field changed (old -> new)."""
    masked = record.audit_masked_fields() if hasattr(record, "audit_masked_fields") else set()
    if changes:
        changes = {
            field: ("(confidential)", "(confidential)") if field in masked else values
            for field, values in changes.items()
        }
    base = {
        "user": os_user(),
        "action": action,
        "table_name": record._meta.table_name,
        "record_id": record.id.hex if hasattr(record.id, "hex") else str(record.id),
    }
    if not changes:
        AuditEntry.create(**base)
        return
    for field, (old, new) in changes.items():
        AuditEntry.create(
            **base,
            field=field,
            old_value=None if old is None else str(old),
            new_value=None if new is None else str(new),
        )
