"""Which local writes wait for the team server: triggers on every team table copy each insert,
update and removal into the outbox while tracking is on.

The triggers are made from the tables' columns as the database holds them (not from today's
model classes), so a schema step can re-make them after changing a table: `track_writes`.
Applying the server's changes turns tracking off inside the same transaction (`untracked`),
so what came from the server is never sent back to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from peewee import Database

from models.base import database

_ARGUMENTS = 100  # SQLite takes at most 127 arguments to a function: json_object in parts


def track_writes(db: Database, tables: Sequence[str]) -> None:
    """(Re)make the outbox triggers of `tables` from their present columns."""
    for table in tables:
        columns = [row[1] for row in db.execute_sql(f'PRAGMA table_info("{table}")')]
        for event in ("insert", "update", "delete"):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "sync_{table}_{event}"')
        old, new = row_json(columns, "OLD."), row_json(columns, "NEW.")
        when = "WHEN (SELECT tracking FROM sync_switch) = 1"
        into = "INSERT INTO sync_outbox (kind, record_id, old, new) VALUES"
        for event, key, before, after in (
            ("insert", "NEW", "NULL", new),
            ("update", "NEW", old, new),
            ("delete", "OLD", old, "NULL"),
        ):
            db.execute_sql(
                f'CREATE TRIGGER "sync_{table}_{event}" AFTER {event.upper()} ON "{table}" '
                f"{when} BEGIN {into} ('{table}', {key}.id, {before}, {after}); END"
            )


def row_json(columns: Sequence[str], row: str = "", each: str = "{}") -> str:
    """SQL for a row's columns as one JSON object (`row`: "NEW." in a trigger; `each`: how
    each value is written, "{}" being the column itself)."""
    pairs = [f"'{column}', " + each.format(row + f'"{column}"') for column in columns]
    size = _ARGUMENTS // 2
    parts = [f"json_object({', '.join(pairs[i : i + size])})" for i in range(0, len(pairs), size)]
    return parts[0] if len(parts) == 1 else f"json_patch({', '.join(parts)})"


def is_tracking() -> bool:
    row = database.execute_sql("SELECT tracking FROM sync_switch").fetchone()
    return bool(row and row[0])


def set_tracking(on: bool) -> None:
    database.execute_sql("UPDATE sync_switch SET tracking = ?", (1 if on else 0,))


@contextmanager
def untracked() -> Iterator[None]:
    """Writes that are not sent to the server (the server's own changes being applied). Call
    inside a transaction: the switch is part of it."""
    was = is_tracking()
    set_tracking(False)
    try:
        yield
    finally:
        set_tracking(was)
