"""Named operations: every change a user can make, validated, atomic, audited.

Each operation checks the values with the record type's validator (the same one the edit forms
use as the user types, and the importer uses for each row), writes inside one transaction,
records who changed what in the audit trail, and returns a `Change` so the window can tell the
tabs that care.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from peewee import ForeignKeyField

from models import clock
from models.audit import AuditEntry, os_user, record_change
from models.base import Record, SoftDeleteRecord, bulk_insert, database
from models.choices import AuditAction
from models.errors import KnownError
from models.people import member_at_keyboard, you_in_the_team
from models.validation import DateRange, field_problems

R = TypeVar("R", bound=Record)
Problems = dict[str, str]
Validator = Callable[[Mapping[str, Any], Any], Problems]

_VALIDATORS: dict[type[Record], Validator] = {}
_AFTER_CHANGE: dict[type[Record], list[Callable[[Record], None]]] = {}


class ValidationError(KnownError):
    """Values a record cannot take; `problems` maps each field to what is wrong with it."""

    def __init__(self, problems: Problems, labels: Mapping[str, str] | None = None) -> None:
        self.problems = problems
        labels = labels or {}
        text = (
            "; ".join(  # each message ends with a full stop; the list ends with one
                f"{labels.get(name, name.replace('_', ' '))}: {message.rstrip('.')}"
                for name, message in problems.items()
            )
            + "."
        )
        super().__init__(text)


@dataclass(frozen=True)
class Change:
    """What an operation did to which record, for the audit trail and the tabs."""

    table: str
    action: AuditAction
    record: Record
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def validates(model: type[Record]) -> Callable[[Validator], Validator]:
    """Register `validator(values, record)` as the rule book for `model`'s records."""

    def register(validator: Validator) -> Validator:
        _VALIDATORS[model] = validator
        return validator

    return register


def after_change(model: type[Record]) -> Callable[[Callable[[], None]], Callable]:
    """Register `follow()` to run, in the same transaction, after any change to `model`'s
    records, one or many (a form, an import, a merge): how changed standards re-date the open
    requests. It re-derives from the table, so a batch needs it once."""

    def register(follow: Callable[[], None]) -> Callable[[], None]:
        _AFTER_CHANGE.setdefault(model, []).append(follow)
        return follow

    return register


def _followed(model: type[Record]) -> None:
    for follow in _AFTER_CHANGE.get(model, []):
        follow()


def problems_with(
    model: type[Record],
    values: Mapping[str, Any],
    record: Any = None,
    *,
    dates: DateRange | None = None,
) -> Problems:
    """What is wrong with `values` for a new record (record None) or for `record`: the rules
    every field of its type follows, then the record type's own. A value `record` already holds
    is not judged again by the field rules (a date before a year since ruled out, text from an
    older Rapport), so an old record can still be corrected or restored. `dates`, the range
    accepted, saves reading the settings for each of a file's thousands of rows."""
    entered = values if record is None else _entered(record, values)
    problems = field_problems(model, entered, dates or _accepted_dates())
    validator = _VALIDATORS.get(model)
    for name, message in (validator(values, record) if validator else {}).items():
        problems.setdefault(name, message)
    return problems


def check_fields(model: type[Record], values: Mapping[str, Any]) -> None:
    """The rules of every field for values a named step writes (a complaint's referral, the
    note of its timeline), where the record type's own rules are the step's to check."""
    problems = field_problems(model, values, _accepted_dates())
    if problems:
        raise ValidationError(problems)


def _accepted_dates() -> DateRange:
    from models.organisation import accepted_dates  # the settings' table is a record too

    return accepted_dates()


def _entered(record: Record, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values that differ from what `record` holds (its stored keys, not linked rows)."""
    stored = record.__data__
    return {
        name: value for name, value in values.items() if _plain(stored.get(name)) != _plain(value)
    }


def fetch(model: type[R], record_id: Any) -> R:
    """One record by id, deleted or not; a KnownError if it has gone altogether."""
    record = model.get_or_none(model.id == record_id)
    if record is None:
        raise KnownError(f"That {model.__name__.lower()} no longer exists.")
    return record


def create(model: type[R], **values: Any) -> tuple[R, Change]:
    """A new record from `values`, after validation."""
    you = you_in_the_team() if "owner" in model._meta.fields else None
    if you is not None and "owner" not in values:
        values["owner"] = you  # new work is yours unless given to someone
    _check(model, values, None)
    with database.atomic():
        record = model.create(**typed(model, values))
        record_change(record, AuditAction.CREATE, _readable(record, values))
        _followed(type(record))
    return record, Change(model._meta.table_name, AuditAction.CREATE, record)


def update(record: R, **values: Any) -> Change:
    """Change some fields of `record`; only fields whose value really changes are written."""
    model = type(record)
    merged = _stored(record) | values
    _check(model, merged, record)
    changed = {
        name: (getattr(record, name), value)
        for name, value in values.items()
        if _plain(getattr(record, name)) != _plain(value)
    }
    if changed:
        with database.atomic():
            for name, value in typed(
                model, {name: new for name, (_, new) in changed.items()}
            ).items():
                setattr(record, name, value)
            record.save()
            record_change(record, AuditAction.UPDATE, _readable_pairs(changed))
            _followed(type(record))
    return Change(model._meta.table_name, AuditAction.UPDATE, record, changed)


def soft_delete(record: SoftDeleteRecord) -> Change:
    """Mark `record` deleted; it stays in the database, and `restore` brings it back."""
    if record.deleted_at is not None:
        raise KnownError(f"{_describe(record)} is already deleted.")
    with database.atomic():
        record.deleted_at = clock.now()
        record.save()
        record_change(record, AuditAction.DELETE)
        _followed(type(record))
    return Change(type(record)._meta.table_name, AuditAction.DELETE, record)


def restore(record: SoftDeleteRecord) -> Change:
    """Undo a soft delete."""
    if record.deleted_at is None:
        raise KnownError(f"{_describe(record)} is not deleted.")
    _check(type(record), {n: getattr(record, n) for n in editable_fields(type(record))}, record)
    with database.atomic():
        record.deleted_at = None
        record.save()
        record_change(record, AuditAction.RESTORE)
        _followed(type(record))
    return Change(type(record)._meta.table_name, AuditAction.RESTORE, record)


def merge_records(keep: SoftDeleteRecord, merged: SoftDeleteRecord) -> list[Change]:
    """Move every link to `merged` onto `keep` (whatever table it is in), then delete `merged`
    softly, saying in the audit trail what it was merged into. Call inside a transaction."""
    import models.schema  # noqa: F401 - every table that may link to the record is known

    model = type(keep)
    changes, moved_in = [], []
    for link in model._meta.backrefs:
        moved = (
            link.model.update({link: keep.id, link.model.updated_at: clock.now()})
            .where(link == merged.id)
            .execute()
        )
        if moved:
            changes.append(Change(link.model._meta.table_name, AuditAction.UPDATE, keep, {}))
            moved_in.append(link.model)
    for changed in dict.fromkeys(moved_in):  # once every link has moved
        _followed(changed)
    record_change(merged, AuditAction.UPDATE, {"merged_into": (None, str(keep))})
    changes.append(soft_delete(merged))
    return changes


def typed(model: type[Record], values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the record would read them back: a key given as hex becomes a UUID, a list
    word its member, 4 a float where the field holds floats."""
    fields = model._meta.fields
    return {
        name: fields[name].python_value(fields[name].db_value(_no_link(fields[name], value)))
        if name in fields
        else value
        for name, value in values.items()
    }


def _no_link(field: Any, value: Any) -> Any:
    """An empty link (a blank pick list) is no link, not a key."""
    return None if value == "" and isinstance(field, ForeignKeyField) else value


def _check(model: type[Record], values: Mapping[str, Any], record: Any) -> None:
    problems = problems_with(model, values, record)
    if problems:
        raise ValidationError(problems)


def _stored(record: Record) -> dict[str, Any]:
    """A record's editable values for its rules: linked records by their keys, as stored (a
    linked record read for each rule check would cost a query per link per record)."""
    model = type(record)
    return {
        name: record.__data__.get(name)
        if isinstance(model._meta.fields[name], ForeignKeyField)
        else getattr(record, name)
        for name in editable_fields(model)
    }


def editable_fields(model: type[Record]) -> list[str]:
    """The fields a user may change: all but the key and the time stamps."""
    system = {"id", "created_at", "updated_at", "deleted_at"}
    return [name for name in model._meta.sorted_field_names if name not in system]


def _plain(value: Any) -> Any:
    """A value as stored, so that a record, its UUID and its hex key all compare equal."""
    value = getattr(value, "id", value)
    return value.hex if isinstance(value, uuid.UUID) else value


def _readable(record: Record, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {name: (None, _shown(getattr(record, name))) for name in values}


def _readable_pairs(changed: Mapping[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    return {name: (_shown(old), _shown(new)) for name, (old, new) in changed.items()}


def _shown(value: Any) -> Any:
    """How a value reads in the audit trail: names for linked records, words for choices."""
    if isinstance(value, Record):
        return str(value)
    return value


def _describe(record: Record) -> str:
    return f"{type(record).__name__} '{record}'"


def create_many(model: type[R], rows: Sequence[Mapping[str, Any]]) -> list[R]:
    """Checked rows written in bulk, each with its audit entry: for imports of thousands.

    The caller has validated every row and holds the transaction, so a file is all or nothing.
    """
    records = [model(**row) for row in rows]
    names = model._meta.sorted_field_names
    bulk_insert(model, [{name: record.__data__.get(name) for name in names} for record in records])
    user, moment = os_user(), clock.now()
    table = model._meta.table_name
    entries = [
        {
            "id": uuid.uuid4(),
            "created_at": moment,
            "updated_at": moment,
            "at": moment,
            "user": user,
            "member": member_at_keyboard(),
            "action": AuditAction.CREATE,
            "table_name": table,
            "record_id": _plain(record.id),
            "field": "",
            "old_value": None,
            "new_value": "imported",
        }
        for record in records
    ]
    bulk_insert(AuditEntry, entries)
    if records:
        _followed(model)
    return records
