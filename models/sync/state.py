"""What this folder knows of its team server, and the conflicts waiting for a person.

The address, login, server and the last change pulled live in the database (so a backup
restores them with the records they describe); the password never does (the keyring has it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import ForeignKeyField

from models import clock
from models.audit import record_name
from models.base import ChoiceField, database
from models.operations import fetch, restore, soft_delete, update
from models.schema import BY_KIND
from models.sync.apply import Refused, hex_key, stored_value
from models.sync.outbox import waiting
from models.sync.tables import SyncConflict, SyncState
from models.words import EMPTY, day_text, moment_text


def get(key: str, default: str | None = None) -> str | None:
    row = SyncState.get_or_none(SyncState.key == key)
    return row.value if row is not None else default


def put(key: str, value: str | None) -> None:
    if value is None:
        SyncState.delete().where(SyncState.key == key).execute()
    else:
        SyncState.insert(key=key, value=value).on_conflict_replace().execute()


def last_seq() -> int:
    return int(get("last_seq", "0") or 0)


@dataclass(frozen=True)
class Status:
    """What the status bar says: set up or not, when last synced, what waits."""

    url: str | None
    login: str | None
    synced_at: datetime | None
    waiting: int
    conflicts: int

    @property
    def set_up(self) -> bool:
        return self.url is not None


def status() -> Status:
    synced = get("synced_at")
    return Status(
        url=get("url"),
        login=get("login"),
        synced_at=datetime.fromisoformat(synced) if synced else None,
        waiting=waiting(),
        conflicts=SyncConflict.select().where(SyncConflict.resolved_at.is_null()).count(),
    )


# ------------------------------------------------------------------------ conflicts


@dataclass(frozen=True)
class OpenConflict:
    id: int
    kind: str
    record_id: str
    record: str  # its name, as a person calls it
    field: str
    base: Any
    mine: Any
    theirs: Any
    at: datetime

    @property
    def about_deletion(self) -> bool:
        return self.field == "deleted_at"

    @property
    def column(self) -> Any:
        """The field of this Rapport's records the conflict is about; None if unknown."""
        return _column(self.kind, self.field)

    @property
    def field_label(self) -> str:
        """The field as a person calls it ("job title"; "deleted" for a deletion)."""
        if self.about_deletion:
            return "deleted"
        target = self.column
        return (target.name if target is not None else self.field).replace("_", " ")

    def shown(self, which: str) -> str:
        """base, mine or theirs as a person reads it: dd/mm/yyyy, words, a linked name."""
        return shown_value(self.kind, self.field, getattr(self, which))

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "record": self.record,
            "record_id": self.record_id,
            "field": self.field,
            "base": self.base,
            "mine": self.mine,
            "theirs": self.theirs,
            "at": self.at.isoformat(timespec="seconds"),
        }


def note_conflicts(found: list[dict[str, Any]], mine: dict[tuple[str, str, str], Any]) -> int:
    """Keep the server's conflicts of one push (its values are the server's: `theirs`),
    with `mine` and the base as this laptop sent them."""
    for said in found:
        kind, record_id, column = str(said["kind"]), hex_key(said["id"]), str(said["field"])
        sent = mine.get((kind, record_id, column), {})
        SyncConflict.create(
            server_id=said.get("conflict"),
            kind=kind,
            record_id=record_id,
            field=column,
            base=json.dumps(sent.get("base")),
            mine=json.dumps(sent.get("value")),
            theirs=json.dumps(said.get("theirs")),
            at=clock.now(),
        )
    return len(found)


def open_conflicts() -> list[OpenConflict]:
    rows = SyncConflict.select().where(SyncConflict.resolved_at.is_null()).order_by(SyncConflict.id)
    return [
        OpenConflict(
            id=row.id,
            kind=row.kind,
            record_id=row.record_id,
            record=_name(row.kind, row.record_id),
            field=row.field,
            base=json.loads(row.base) if row.base else None,
            mine=json.loads(row.mine) if row.mine else None,
            theirs=json.loads(row.theirs) if row.theirs else None,
            at=row.at,
        )
        for row in rows
    ]


def conflicted_records(kind: str) -> set[str]:
    """Keys of `kind`'s records with an open conflict (their lists mark them)."""
    query = SyncConflict.select(SyncConflict.record_id).where(
        SyncConflict.kind == kind, SyncConflict.resolved_at.is_null()
    )
    return {key for (key,) in query.tuples()}


def _name(kind: str, record_id: str) -> str:
    model = BY_KIND.get(kind)
    record = model.get_or_none(model.id == record_id) if model is not None else None
    return record_name(record) if record is not None else record_id


def _column(kind: str, column: str) -> Any:
    model = BY_KIND.get(kind)
    return model._meta.columns.get(column) if model is not None else None


def shown_value(kind: str, column: str, value: Any) -> str:
    """A stored value as the window shows it (a deletion moment: "deleted on …")."""
    target = _column(kind, column)
    if value is None or value == "" or target is None:
        return EMPTY if value in (None, "") else str(value)
    try:
        typed = target.python_value(stored_value(target, value))
    except (Refused, ValueError, TypeError):  # not a value Rapport writes there: as it came
        return json.dumps(value, ensure_ascii=False)[:200]
    if isinstance(target, ForeignKeyField):
        linked = target.rel_model.get_or_none(target.rel_model.id == typed)
        return record_name(linked) if linked is not None else str(value)
    if isinstance(target, ChoiceField):
        return typed.label
    if isinstance(typed, datetime):
        return moment_text(typed)
    if isinstance(typed, date):
        return day_text(typed)
    if isinstance(typed, bool):
        return "Yes" if typed else "No"
    return str(typed)


def resolve(conflict_id: int, keep: str, value: Any = None) -> None:
    """Settle a conflict: keep "theirs" (as the record stands), "mine" (what this laptop
    sent) or "edited" (`value`). Keeping mine or an edit is an ordinary audited change, which
    goes to the server with the next sync."""
    row = SyncConflict.get_or_none(SyncConflict.id == conflict_id)
    if row is None or row.resolved_at is not None:
        from models.errors import KnownError

        raise KnownError("That conflict has been settled already.")
    model = BY_KIND[row.kind]
    with database.atomic():
        if keep in ("mine", "edited"):
            chosen = json.loads(row.mine) if keep == "mine" else value
            record = fetch(model, row.record_id)
            if row.field == "deleted_at":  # mine: deleted, or kept (when they deleted it)
                if chosen is not None and record.deleted_at is None:
                    soft_delete(record)
                elif chosen is None and record.deleted_at is not None:
                    restore(record)
            else:
                target = model._meta.columns[row.field]
                update(record, **{target.name: target.python_value(chosen)})
        row.resolved_at = clock.now()
        row.resolution = keep
        row.save()
