"""Applying the team server's changes to this laptop's database: untracked (they came from the
server), each value checked against the field it is for, as anything from the network is
untrusted input: a value this Rapport would not write is refused and said, never stored.

A field this laptop has changed and not yet sent is left as it is here: it goes to the server
with its base, where a person decides if the two differ. Two records that may not share a
name (two people each added "Finance" offline) are told apart the same way on every laptop:
the one with the larger key yields, renamed ("Finance (2)") or, for a link, removed.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from typing import Any

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Field,
    FloatField,
    ForeignKeyField,
    IntegerField,
    IntegrityError,
    TextField,
    TimeField,
    UUIDField,
)

from models.base import ChoiceField, Record, database
from models.organisation import SETTINGS_ID, Settings
from models.schema import BY_KIND
from models.sync.outbox import GONE, fold
from models.sync.rules import REMOVABLE_KINDS
from models.sync.tracking import set_tracking, untracked

TEXT_LIMIT = 1_000_000  # characters in one text field: more is not something Rapport writes

Incoming = tuple[int, str, Any, Any]  # (server sequence, kind, record key, fields)


@dataclass
class Applied:
    """What a pull did here."""

    records: int = 0
    refused: list[str] = field(default_factory=list)  # one line each
    renamed: list[str] = field(default_factory=list)

    def add(self, other: Applied) -> None:
        self.records += other.records
        self.refused += other.refused
        self.renamed += other.renamed


class Refused(Exception):
    """A value or record this Rapport will not store."""


# What storing a change from the server may meet besides a refused value: a link to nothing,
# a number SQLite cannot hold. Each refuses that change alone.
_UNSTORABLE = (Refused, IntegrityError, OverflowError, ValueError, TypeError)


def apply_changes(
    changes: list[Incoming], *, check_links: bool = True, remember: bool = True
) -> Applied:
    """Apply a page of the server's changes in order, inside the caller's transaction.
    `check_links` False: links are checked once the whole of a snapshot is in; `remember`
    False: the server's version is not known (a conflict's value)."""
    done = Applied()
    records = {(kind, hex_key(key)) for _, kind, key, _ in changes if hex_key(key)}
    pending = _pending_columns(records)
    if not check_links:
        database.execute_sql("PRAGMA defer_foreign_keys = ON")
    with untracked():
        for seq, kind, key, fields in changes:
            try:
                with database.atomic():  # a change refused leaves nothing of itself
                    _apply_one(
                        seq if remember else None, kind, key, fields, pending, check_links, done
                    )
            except _UNSTORABLE as why:
                done.refused.append(f"{kind} {key}: {why}")
    return done


_HEX = re.compile(r"[0-9a-f]{32}")


def hex_key(key: Any) -> str | None:
    """A record's key as the database stores it (32 hex digits), or None for no key."""
    if isinstance(key, str) and _HEX.fullmatch(key):
        return key  # as the database stores keys: the common case, checked cheaply
    try:
        return uuid.UUID(str(key)).hex
    except ValueError:
        return None


def _apply_one(
    seq: int | None,
    kind: str,
    key: Any,
    fields: Any,
    pending: dict[tuple[str, str], set[str]],
    check_links: bool,
    done: Applied,
) -> None:
    model = BY_KIND.get(kind)
    record_id = hex_key(key)
    if model is None:
        raise Refused("a kind of record this Rapport does not know (update Rapport)")
    if record_id is None or not isinstance(fields, dict):
        raise Refused("not a change Rapport makes")
    waiting = pending.get((kind, record_id), set())
    table = model._meta.table_name
    if GONE in waiting:
        pass  # removed here, not yet said: the removal goes to the server first
    elif fields.get(GONE) is True:
        if kind not in REMOVABLE_KINDS:
            raise Refused("only links and closures are removed outright")
        database.execute_sql(f'DELETE FROM "{table}" WHERE id = ?', (record_id,))
    else:
        _write(
            model, record_id, _checked(model, record_id, fields, waiting, check_links, done), done
        )
        if model is Settings:
            _check_settings()
    if seq is not None:
        database.execute_sql(
            "INSERT INTO sync_version (kind, record_id, version) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, record_id) DO UPDATE SET version = excluded.version",
            (kind, record_id, seq),
        )
    done.records += 1


def _checked(
    model: type[Record],
    record_id: str,
    fields: dict[str, Any],
    waiting: set[str],
    check_links: bool,
    done: Applied,
) -> dict[str, Any]:
    """The values of `fields` this Rapport stores, each checked; the others said."""
    values = {}
    columns = model._meta.columns
    for column, value in fields.items():
        target = columns.get(column)
        if target is None or column == "id" or column in waiting:
            continue  # a field of a newer Rapport (kept on the server), or changed here
        try:
            values[column] = _checker(target)(value)
            if check_links:
                _check_link(target, values[column])
        except Refused as why:
            done.refused.append(f"{model._meta.table_name} {record_id}: {column}: {why}")
            values.pop(column, None)
    return values


@contextmanager
def bulk_loading(tables: Iterable[str]) -> Iterator[None]:
    """Indexes that only speed up reading are made again once the rows are in (far faster
    than keeping each up to date row by row); those that keep records unique stay. Inside
    the caller's transaction, so a cancelled load leaves them as they were."""
    listed = list(tables)
    marks = ", ".join("?" for _ in listed)
    indexes = database.execute_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%'",
        listed,
    ).fetchall()
    for name, _ in indexes:
        database.execute_sql(f'DROP INDEX "{name}"')
    yield
    for _, made in indexes:
        database.execute_sql(made)


def apply_snapshot(rows: list[Incoming]) -> Applied:
    """A joining laptop's snapshot into empty team tables, inside the caller's transaction:
    every record is new here, so it is written in bulk, a statement per kind and shape of
    row; a batch SQLite refuses goes again a record at a time. Links are checked by the
    caller once the whole snapshot is in."""
    done = Applied()
    batches: dict[tuple[str, tuple[str, ...]], list[tuple[Any, ...]]] = {}
    versions = []
    database.execute_sql("PRAGMA defer_foreign_keys = ON")
    with untracked():
        for seq, kind, key, fields in rows:
            model, record_id = BY_KIND.get(kind), hex_key(key)
            if model is None or record_id is None or not isinstance(fields, dict):
                done.refused.append(f"{kind} {key}: not a change this Rapport makes")
                continue
            versions.append((kind, record_id, seq))
            if fields.get(GONE) is True and kind in REMOVABLE_KINDS:
                continue  # removed for good: nothing to hold
            try:
                values = _with_defaults(
                    model, _checked(model, record_id, fields, set(), False, done)
                )
            except Refused as why:
                done.refused.append(f"{kind} {record_id}: {why}")
                continue
            batches.setdefault((kind, tuple(values)), []).append((record_id, *values.values()))
        for (kind, columns), batch in batches.items():
            listed = ", ".join(f'"{column}"' for column in ("id", *columns))
            marks = ", ".join("?" for _ in range(len(columns) + 1))
            try:
                with database.atomic():
                    database.cursor().executemany(
                        f'INSERT INTO "{kind}" ({listed}) VALUES ({marks})', batch
                    )
            except _UNSTORABLE:  # two that may not share a name, a number too big: one by one
                for record_id, *values in batch:
                    named = dict(zip(columns, values, strict=True))
                    try:
                        with database.atomic():
                            _write(BY_KIND[kind], record_id, named, done)
                    except _UNSTORABLE as why:
                        done.refused.append(f"{kind} {record_id}: {why}")
        database.cursor().executemany(
            "INSERT OR REPLACE INTO sync_version (kind, record_id, version) VALUES (?, ?, ?)",
            versions,
        )
        try:
            _check_settings()
        except Refused as why:  # the defaults stand instead
            database.execute_sql("DELETE FROM settings")
            done.refused.append(str(why))
    done.records += len(versions)
    return done


def _check_settings() -> None:
    """The organisation's settings drive every date worked out: they must pass the rules the
    Settings dialog applies, whoever sent them."""
    from models.operations import editable_fields, problems_with

    stored = Settings.get_or_none(Settings.id == SETTINGS_ID)
    if stored is None:
        return
    values = {name: getattr(stored, name) for name in editable_fields(Settings)}
    problems = problems_with(Settings, values, None)
    if problems:
        name, why = next(iter(problems.items()))
        raise Refused(f"settings {name}: {why}")


def _write(model: type[Record], record_id: str, values: dict[str, Any], done: Applied) -> None:
    table = model._meta.table_name
    exists = database.execute_sql(f'SELECT 1 FROM "{table}" WHERE id = ?', (record_id,)).fetchone()
    if not exists:
        values = _with_defaults(model, values)
    if not values:
        return
    for attempt in range(3):
        try:  # one statement: SQLite undoes a refused one alone, the transaction goes on
            if exists:
                sets = ", ".join(f'"{column}" = ?' for column in values)
                database.execute_sql(
                    f'UPDATE "{table}" SET {sets} WHERE id = ?', (*values.values(), record_id)
                )
            else:
                columns = ", ".join(f'"{column}"' for column in ("id", *values))
                marks = ", ".join("?" for _ in range(len(values) + 1))
                database.execute_sql(
                    f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
                    (record_id, *values.values()),
                )
            return
        except IntegrityError as error:
            if attempt == 2 or not _make_room(model, record_id, values, str(error), done):
                raise Refused(f"cannot be stored here: {error}") from None


_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)")


def _make_room(
    model: type[Record], record_id: str, values: dict[str, Any], error: str, done: Applied
) -> bool:
    """Two records that may not share a value: the one with the larger key yields, the same
    way on every laptop, and what changed goes to the server as this laptop's change."""
    found = _UNIQUE.search(error)
    if found is None:
        return False
    table = model._meta.table_name
    columns = [part.strip().split(".", 1)[1] for part in found.group(1).split(",")]
    if any(column not in values for column in columns):
        return False
    where = " AND ".join(f'"{column}" = ?' for column in columns)
    holder = database.execute_sql(
        f'SELECT id FROM "{table}" WHERE {where} AND id <> ?',
        (*(values[column] for column in columns), record_id),
    ).fetchone()
    if holder is None:
        return False
    text = len(columns) == 1 and isinstance(model._meta.columns[columns[0]], CharField)
    if holder[0] > record_id:  # the record here yields
        set_tracking(True)
        try:
            if text:
                column = columns[0]
                new = _free_name(model, column, values[column])
                database.execute_sql(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE id = ?', (new, holder[0])
                )
                done.renamed.append(f"{table} '{values[column]}' here is now '{new}'")
            else:
                database.execute_sql(f'DELETE FROM "{table}" WHERE id = ?', (holder[0],))
        finally:
            set_tracking(False)
        return True
    if not text:
        raise Refused("the same link exists here already")
    column = columns[0]
    new = _free_name(model, column, values[column])
    database.execute_sql(
        "INSERT INTO sync_outbox (kind, record_id, old, new) VALUES (?, ?, ?, ?)",
        (table, record_id, json.dumps({column: values[column]}), json.dumps({column: new})),
    )
    done.renamed.append(f"{table} '{values[column]}' from the team is now '{new}'")
    values[column] = new
    return True


def _free_name(model: type[Record], column: str, value: str) -> str:
    limit = model._meta.columns[column].max_length
    for number in range(2, 10_000):
        suffix = f" ({number})"
        candidate = value[: limit - len(suffix)] + suffix
        taken = database.execute_sql(
            f'SELECT 1 FROM "{model._meta.table_name}" WHERE "{column}" = ?', (candidate,)
        ).fetchone()
        if not taken:
            return candidate
    raise Refused(f"no free name like '{value}'")


def _with_defaults(model: type[Record], values: dict[str, Any]) -> dict[str, Any]:
    """A new record's values, missing ones as a new record here would have them (a
    confidential complaint's details, which this laptop may not hold, are empty)."""
    complete = dict(values)
    for target in model._meta.sorted_fields:
        column = target.column_name
        if column in complete or column == "id" or target.null:
            continue
        default = target.default() if callable(target.default) else target.default
        if default is not None:
            complete[column] = target.db_value(default)
        elif isinstance(target, (CharField, TextField)) and not isinstance(target, ChoiceField):
            complete[column] = ""
        else:
            raise Refused(f"it lacks {column}")
    return complete


def stored_value(target: Field, value: Any) -> Any:
    """`value` as the database stores it for `target`, or Refused saying why not."""
    return _checker(target)(value)


_BAD = object()


@cache
def _checker(target: Field) -> Callable[[Any], Any]:
    """How values for `target` are checked, worked out once per field (a join checks
    millions)."""
    test = _test(target)

    def check(value: Any) -> Any:
        if value is None:
            if target.null:
                return None
            raise Refused("may not be empty")
        stored = test(value)
        if stored is _BAD:
            raise Refused(f"{json.dumps(value)[:60]} is not a value Rapport stores there")
        return stored

    return check


def _test(target: Field) -> Callable[[Any], Any]:
    """The value as stored if it is one Rapport writes for `target`, else _BAD."""
    if isinstance(target, BooleanField):
        return lambda v: int(v) if v in (0, 1) and not isinstance(v, float) else _BAD
    if isinstance(target, (IntegerField, BigIntegerField)):
        return lambda v: v if type(v) is int and abs(v) < 2**63 else _BAD
    if isinstance(target, FloatField):
        return lambda v: float(v) if type(v) in (int, float) and abs(v) < 1e300 else _BAD
    if isinstance(target, (ForeignKeyField, UUIDField)):
        return lambda v: v if type(v) is str and _HEX.fullmatch(v) else _BAD
    if isinstance(target, ChoiceField):
        words = frozenset(choice.value for choice in target.choice)
        return lambda v: v if type(v) is str and v in words else _BAD
    for field_type, kind in _MOMENTS:
        if isinstance(target, field_type):
            return lambda v, kind=kind: v if type(v) is str and _is_moment(kind, v) else _BAD
    if isinstance(target, (CharField, TextField)):
        limit = (target.max_length if isinstance(target, CharField) else None) or TEXT_LIMIT
        return lambda v: v if type(v) is str and len(v) <= limit and "\x00" not in v else _BAD
    return lambda v: _BAD


_MOMENTS = ((DateTimeField, datetime), (DateField, date), (TimeField, time))


def _is_moment(kind: type, value: str) -> bool:
    """A moment, day or time written as this Rapport writes it (and nothing else)."""
    try:
        parsed = kind.fromisoformat(value)
    except ValueError:
        return False
    return str(parsed) == value and getattr(parsed, "tzinfo", None) is None  # local, as kept


def _check_link(target: Field, value: Any) -> None:
    """A link names a record held here (pages come in the server's order: parents first)."""
    if not isinstance(target, ForeignKeyField) or value is None:
        return
    parent = target.rel_model._meta.table_name
    found = database.execute_sql(f'SELECT 1 FROM "{parent}" WHERE id = ?', (value,)).fetchone()
    if not found:
        raise Refused(f"names a {parent.replace('_', ' ')} this laptop does not have")


def _pending_columns(records: Iterable[tuple[str, str]]) -> dict[tuple[str, str], set[str]]:
    """The columns of `records` changed here and not yet sent (all of them for a record made
    here; GONE for one removed here)."""
    entries: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
    records = list(records)
    for start in range(0, len(records), 400):
        part = records[start : start + 400]
        where = " OR ".join("(kind = ? AND record_id = ?)" for _ in part)
        for kind, key, old, new in database.execute_sql(
            f"SELECT kind, record_id, old, new FROM sync_outbox WHERE {where} ORDER BY seq",
            [value for pair in part for value in pair],
        ):
            entries.setdefault((kind, key), []).append((old, new))
    pending = {}
    for (kind, key), written in entries.items():
        change = fold(kind, key, written, None)
        if change is not None:
            pending[(kind, key)] = set(change["fields"])
        if written[0][0] is None and written[-1][1] is not None:
            pending[(kind, key)] = set(BY_KIND[kind]._meta.columns)
    return pending
