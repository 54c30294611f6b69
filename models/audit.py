"""The audit trail: who changed what, when, from which value to which."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any

from peewee import (
    BooleanField,
    Case,
    CharField,
    DateTimeField,
    Field,
    ForeignKeyField,
    Node,
    TextField,
    UUIDField,
    fn,
)

from models import clock
from models.base import ChoiceField, Record
from models.choices import AuditAction
from models.listing import (
    ListColumn,
    Listing,
    ListRequest,
    Query,
    rowid_of,
)
from models.people import member_at_keyboard, name_or_login
from models.text import FOLDED

MASKED = "(confidential)"

# What each action did, as a person says it in the history ("Changed", not "Update").
ACTION_WORDS = {
    AuditAction.CREATE: "Created",
    AuditAction.UPDATE: "Changed",
    AuditAction.DELETE: "Deleted",
    AuditAction.RESTORE: "Restored",
}

# The field that names a record of a table, the first of these that the table has.
NAME_FIELDS = ("name", "reference", "title", "statement", "description", "comment")


class AuditEntry(Record):
    at = DateTimeField(default=clock.now, index=True)
    user = CharField(max_length=200)  # the login, as entries made before there was a team say
    member = UUIDField(null=True)  # the member at the keyboard (their name is shown, as it is now)
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
            field: (None if old is None else MASKED, MASKED) if field in masked else (old, new)
            for field, (old, new) in changes.items()
        }
    base = {
        "user": os_user(),
        "member": member_at_keyboard(),
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


# ------------------------------------------------------------------------ reading the trail


def action_word(action: AuditAction | str) -> str:
    return ACTION_WORDS[AuditAction(action)]


def record_name(record: Record) -> str:
    """What a person calls `record`: its own text where it has one (a customer's name, a
    complaint's reference), else its naming field (a standard's statement), else its key."""
    model = type(record)
    if model.__str__ is not Record.__str__:
        return str(record)
    name = _name_field(model)
    text = getattr(record, name.name, None) if name is not None else None
    return str(text) if text else record.id.hex


def who_did_it() -> Node:
    """Who made an entry, as a person reads it: the member's name as it is now, or for an
    entry made before there was a team, the login it recorded."""
    return name_or_login(AuditEntry.member, AuditEntry.user)


def audit_users() -> list[str]:
    """Everyone who has changed something, for the audit log's filter."""
    who = who_did_it()
    query = AuditEntry.select(who).distinct().order_by(who.collate(FOLDED))
    return [user for (user,) in query.tuples()]


def audited_tables() -> list[str]:
    """The tables the trail has entries for, for the audit log's filter."""
    query = AuditEntry.select(AuditEntry.table_name).distinct().order_by(AuditEntry.table_name)
    return [table for (table,) in query.tuples()]


def typed_value(table_name: str, field: str, text: str | None) -> Any:
    """A value as the trail stored it (text), read back as its field holds it where that is
    plain: a list word as its member, a moment as a datetime, "True" as True. Links are left
    alone: the listing has already put the linked record's name in place of its key."""
    if text is None:
        return None
    model = _tables().get(table_name)
    target = model._meta.fields.get(field) if model is not None else None
    if target is None or isinstance(target, ForeignKeyField) or text == MASKED:
        return text
    if isinstance(target, BooleanField):
        return {"True": True, "False": False}.get(text, text)
    try:
        value = target.python_value(text)
    except (TypeError, ValueError):  # not what the field holds now (say, a list word retired)
        return text
    return text if value is None else value


@dataclass(frozen=True)
class AuditListing(Listing):
    """The listing of the trail: newest first means newest first within a second too."""

    def _ordered(self, query: Query, request: ListRequest) -> Query:
        """Ties (one save writes an entry per field, all in the same second) follow the
        direction too, so that newest first is never older first within a second."""
        rowid = rowid_of(self.model)
        column = self.column(request.sort_key or self.default_sort or "at")
        order = column.sort_expression or column.expression
        if request.descending:
            return query.order_by(order.desc(), rowid.desc())
        return query.order_by(order.asc(), rowid.asc())


@cache
def audit_listing() -> AuditListing:
    """Every audit entry, with the record's name and linked records' names in place of keys.

    Built on first use, when every table is known (the schema imports this module).
    """
    entry = AuditEntry
    name = _record_name()
    old, new = _shown_value(entry.old_value), _shown_value(entry.new_value)
    who = who_did_it()
    return AuditListing(
        model=entry,
        columns=(
            ListColumn("at", entry.at),
            ListColumn("user", who, searchable=True, sort_expression=who.collate(FOLDED)),
            ListColumn("action", entry.action),
            ListColumn("table", entry.table_name),
            ListColumn("record", name, searchable=True, sort_expression=name.collate(FOLDED)),
            ListColumn("field", entry.field, searchable=True),
            ListColumn("old", old, searchable=True),
            ListColumn("new", new, searchable=True),
            ListColumn("record_id", entry.record_id, searchable=True),
        ),
        filters={
            "table": lambda query, table: query.where(entry.table_name == table),
            "user": lambda query, user: query.where(who == user),
            "action": lambda query, action: query.where(entry.action == action),
            "record": lambda query, key: query.where(entry.record_id == key),
            "from": lambda query, day: query.where(entry.at >= _start_of(day)),
            "to": lambda query, day: query.where(entry.at < _start_of(day) + timedelta(days=1)),
            "informative": lambda query, _on: query.where(~_created_empty()),
        },
        default_sort="at",
        default_descending=True,
    )


def _created_empty() -> Node:
    """An entry that says nothing: a field a new record was created without (a form saves
    every field, so a new customer would otherwise bring one entry per empty box)."""
    entry = AuditEntry
    return (
        (entry.action == AuditAction.CREATE)
        & (entry.field != "")
        & (fn.COALESCE(entry.new_value, "") == "")
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min)


@cache
def _tables() -> dict[str, type[Record]]:
    from models.schema import ALL_MODELS  # the schema imports this module: not at import

    return {model._meta.table_name: model for model in ALL_MODELS}


def _name_field(model: type[Record]) -> Field | None:
    fields = model._meta.fields
    return next((fields[name] for name in NAME_FIELDS if name in fields), None)


def _name_of(model: type[Record], key: Node) -> Node | None:
    """The name of `model`'s record whose key is `key` (a subquery), if the table names any."""
    name = _name_field(model)
    return None if name is None else model.select(name).where(model.id == key)


def _record_name() -> Node:
    """The changed record's name, looked up in its own table."""
    branches = []
    for table, model in _tables().items():
        name = _name_of(model, AuditEntry.record_id)
        if name is not None:
            branches.append((table, name))
    return Case(AuditEntry.table_name, branches, None)


def _shown_value(value: Node) -> Node:
    """A stored value as the trail should show it now: masked where its record has since
    become confidential, and a linked record's name where the trail kept only its key.

    Text search reads this for every entry, so the costly lookups sit behind cheap tests:
    the table first, and only a value as long as a key is looked up as one.
    """
    entry = AuditEntry
    branches: list[tuple[Node, Node]] = []
    for table, model in _tables().items():
        masked = _masked_fields(model)
        if masked:
            confidential = fn.EXISTS(
                model.select(model.id).where((model.id == entry.record_id) & model.confidential)
            )
            when = (
                (entry.table_name == table)
                & entry.field.in_(sorted(masked))
                & value.is_null(False)
                & confidential
            )
            branches.append((when, MASKED))
    key = fn.REPLACE(value, "-", "")  # a key may have been written as a UUID, with dashes
    by_table = [
        (table, Case(entry.field, [(f, fn.COALESCE(_name_of(m, key), value)) for f, m in fields]))
        for table, fields in _links().items()
    ]
    branches.append((fn.LENGTH(value).in_([32, 36]), Case(entry.table_name, by_table, value)))
    return Case(None, branches, value)


def _masked_fields(model: type[Record]) -> set[str]:
    """The fields the trail hides for a confidential record of `model` (none for most)."""
    if "confidential" not in model._meta.fields or not hasattr(model, "audit_masked_fields"):
        return set()
    return set(model(confidential=True).audit_masked_fields())


def _links() -> dict[str, list[tuple[str, type[Record]]]]:
    """For each table, its fields whose values name another table's records by key: each
    link field, and the plural of a many-to-many link ("services" of an agreement).
    Only tables that name their records are listed."""
    links: dict[str, list[tuple[str, type[Record]]]] = {}

    def add(table: str, field: str, target: type[Record]) -> None:
        if _name_field(target) is not None:
            links.setdefault(table, []).append((field, target))

    for table, model in _tables().items():
        keys = [f for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)]
        for key in keys:
            add(table, key.name, key.rel_model)
        plain = set(model._meta.fields) - {"id", "created_at", "updated_at", "deleted_at"}
        if len(keys) == 2 and plain == {key.name for key in keys}:  # a link table
            first, second = keys
            add(first.rel_model._meta.table_name, f"{second.name}s", second.rel_model)
            add(second.rel_model._meta.table_name, f"{first.name}s", first.rel_model)
    return links
