"""What this laptop sends the team server: its tracked writes, folded into one change per
record (each field's value before the first write and after the last), or, to publish, every
record it holds.

A change is plain data: `{"kind", "id", "version", "live", "fields": {column: {"base",
"value"}}}` with values as the database stores them (text, numbers, null). A record removed
outright (a link, a closure) sends `_gone`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from peewee import ForeignKeyField

from models.base import database
from models.schema import TEAM_MODELS
from models.sync.rules import REMOVABLE_KINDS
from models.sync.tracking import row_json

GONE = "_gone"  # the field saying a record was removed outright (links, closures)


@dataclass
class Batch:
    """Changes to send, and the outbox entries they stand for (acknowledged together)."""

    changes: list[dict[str, Any]] = field(default_factory=list)
    upto: int = 0  # the last outbox entry read
    records: list[tuple[str, str]] = field(default_factory=list)


def waiting() -> int:
    """How many records have changes waiting for the server (their audit entries, which go
    with them, are not counted again)."""
    return database.execute_sql(
        "SELECT count(*) FROM (SELECT DISTINCT kind, record_id FROM sync_outbox "
        "WHERE kind <> 'audit_entry')"
    ).fetchone()[0]


def next_batch(size: int = 500) -> Batch:
    """The oldest `size` records with tracked writes, each folded into one change, in the
    order of their first write (so a record comes after those it links to)."""
    upto = database.execute_sql("SELECT max(seq) FROM sync_outbox").fetchone()[0] or 0
    records = database.execute_sql(
        "SELECT kind, record_id FROM sync_outbox WHERE seq <= ? GROUP BY kind, record_id "
        "ORDER BY min(seq) LIMIT ?",
        (upto, size),
    ).fetchall()
    batch = Batch(upto=upto, records=[(kind, key) for kind, key in records])
    if not records:
        return batch
    entries: dict[tuple[str, str], list[tuple[str | None, str | None]]] = {}
    database.execute_sql("CREATE TEMP TABLE IF NOT EXISTS sync_batch (kind TEXT, record_id TEXT)")
    database.execute_sql("DELETE FROM sync_batch")
    database.cursor().executemany("INSERT INTO sync_batch VALUES (?, ?)", batch.records)
    for kind, key, old, new in database.execute_sql(
        "SELECT o.kind, o.record_id, o.old, o.new FROM sync_outbox o JOIN sync_batch b "
        "ON b.kind = o.kind AND b.record_id = o.record_id WHERE o.seq <= ? ORDER BY o.seq",
        (upto,),
    ):
        entries.setdefault((kind, key), []).append((old, new))
    versions = _versions(batch.records)
    for kind, key in batch.records:
        change = fold(kind, key, entries[(kind, key)], versions.get((kind, key)))
        if change is not None:
            batch.changes.append(change)
    return batch


def fold(
    kind: str, key: str, entries: list[tuple[str | None, str | None]], version: int | None
) -> dict[str, Any] | None:
    """One record's writes as one change: each column's value before its first write and
    after its last; None where nothing differs (made and removed again, or put back)."""
    base: dict[str, Any] = {}
    after: dict[str, Any] = {}
    existed = entries[0][0] is not None
    gone = entries[-1][1] is None
    for old, new in entries:
        before_row = json.loads(old) if old is not None else None
        after_row = json.loads(new) if new is not None else {}
        for column in (before_row or {}).keys() | after_row.keys():
            if column not in base:
                base[column] = before_row.get(column) if before_row is not None else None
            after[column] = after_row.get(column)
    if gone:
        if not existed:
            return None
        fields = {GONE: {"base": None, "value": True}}
    else:
        fields = {
            column: {"base": base[column], "value": value}
            for column, value in after.items()
            if column != "id" and value != base[column]
        }
        if not existed and version is not None and kind in REMOVABLE_KINDS:
            fields[GONE] = {"base": True, "value": None}  # a link made again after removal
    if not fields:
        return None
    return {
        "kind": kind,
        "id": key,
        "version": version,
        "live": existed and base.get("deleted_at") is None,
        "fields": fields,
    }


def _versions(records: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    found = database.execute_sql(
        "SELECT v.kind, v.record_id, v.version FROM sync_version v JOIN sync_batch b "
        "ON b.kind = v.kind AND b.record_id = v.record_id"
    )
    return {(kind, key): version for kind, key, version in found}


def acknowledge(batch: Batch) -> None:
    """The server has the batch: its entries leave the outbox (later writes stay)."""
    database.cursor().executemany(
        "DELETE FROM sync_outbox WHERE kind = ? AND record_id = ? AND seq <= ?",
        [(kind, key, batch.upto) for kind, key in batch.records],
    )


def publish_order() -> list[type]:
    """The team's tables, each after those it links to (members first: they own the work)."""
    done: list[type] = []
    waiting_models = list(TEAM_MODELS)
    while waiting_models:
        for model in waiting_models:
            parents = {
                f.rel_model
                for f in model._meta.fields.values()
                if isinstance(f, ForeignKeyField) and f.rel_model is not model
            }
            if parents <= set(done):
                done.append(model)
                waiting_models.remove(model)
                break
        else:
            raise RuntimeError(f"links go round in circles: {waiting_models}")
    return done


def everything(size: int = 500, *, only_unknown: bool = False) -> Iterator[tuple[int, str]]:
    """Every record this laptop holds as changes from nothing, in batches of (how many, the
    changes as JSON text, written by SQLite): to publish (`only_unknown`: those the server
    has not sent here, to add a register to a team's). Read a batch at a time, so the caller
    may write between batches."""
    for model in publish_order():
        table = model._meta.table_name
        columns = [row[1] for row in database.execute_sql(f'PRAGMA table_info("{table}")')]
        fields = row_json(
            [column for column in columns if column != "id"],
            each="json_object('base', NULL, 'value', {})",
        )
        change = (
            f"json_object('kind', '{table}', 'id', id, 'version', NULL, 'live', json('false'), "
            f"'fields', {fields})"
        )
        unknown = (
            f"AND id NOT IN (SELECT record_id FROM sync_version WHERE kind = '{table}')"
            if only_unknown
            else ""
        )
        after = 0
        while True:
            rows = database.execute_sql(
                f'SELECT rowid, {change} FROM "{table}" WHERE rowid > ? {unknown} '
                "ORDER BY rowid LIMIT ?",
                (after, size),
            ).fetchall()
            if not rows:
                break
            after = rows[-1][0]
            yield len(rows), "[" + ",".join(text for _, text in rows) + "]"
