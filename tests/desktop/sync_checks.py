"""What the fault-injection and property tests of sync look at: the team server's tables, read
as its administrator, and every laptop's team tables, as the database stores them."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import psycopg

from models.base import database
from models.schema import TEAM_MODELS
from models.sync.state import open_conflicts, status
from models.sync.tracking import row_json
from tests.desktop.sync_helpers import Laptop, Team

Tables = dict[str, dict[str, dict[str, Any]]]  # table → record key → column → stored value


def server(team: Team) -> psycopg.Connection:
    """The team's database as its administrator (row-level security does not apply)."""
    return psycopg.connect(team.admin_url, autocommit=True)


def server_seq(team: Team) -> int:
    """The server's last change number."""
    with server(team) as connection:
        return connection.execute(
            "SELECT value FROM rapport.counter WHERE name = 'change'"
        ).fetchone()[0]


def changes_since(team: Team, seq: int) -> Counter:
    """How many changes the server took for each (kind, record key) after `seq`."""
    with server(team) as connection:
        rows = connection.execute(
            "SELECT kind, replace(id::text, '-', '') FROM rapport.change WHERE seq > %s", (seq,)
        ).fetchall()
    return Counter(rows)


def pushes(team: Team) -> int:
    """How many pushes the server has taken."""
    with server(team) as connection:
        return connection.execute("SELECT count(*) FROM rapport.push").fetchone()[0]


def server_conflicts(team: Team) -> list[tuple]:
    with server(team) as connection:
        return connection.execute(
            "SELECT kind, field, base, mine, theirs FROM rapport.conflict"
        ).fetchall()


def server_records(team: Team, kind: str) -> dict[str, dict[str, Any]]:
    """The server's records of `kind` (a customer's have no secret fields) by key."""
    with server(team) as connection:
        rows = connection.execute(
            "SELECT replace(id::text, '-', ''), fields FROM rapport.record WHERE kind = %s",
            (kind,),
        ).fetchall()
    return dict(rows)


def team_tables(laptop: Laptop) -> Tables:
    """Every team table of the laptop, row by row."""
    with laptop.open():
        found = {}
        for model in TEAM_MODELS:
            table = model._meta.table_name
            columns = [row[1] for row in database.execute_sql(f'PRAGMA table_info("{table}")')]
            rows = database.execute_sql(f'SELECT {row_json(columns)} FROM "{table}"').fetchall()
            found[table] = {(values := json.loads(text))["id"]: values for (text,) in rows}
        return found


def assert_converged(team: Team, *laptops: Laptop) -> Tables:
    """Every laptop holds the same team, table by table, and the server's customers are the
    laptops' customers, field by field (a field the server never had is empty); the tables."""
    first, *others = [team_tables(laptop) for laptop in laptops]
    for number, other in enumerate(others, start=2):
        for table in first:
            assert other[table] == first[table], (
                f"laptop {number} differs from the first in {table}: "
                + _differences(first[table], other[table])
            )
    held = server_records(team, "customer")
    assert set(held) == set(first["customer"])
    for key, row in first["customer"].items():
        mine = {column: value for column, value in row.items() if column != "id"}
        assert {column: held[key].get(column) for column in mine} == mine, key
    return first


def _differences(first: dict[str, dict], other: dict[str, dict]) -> str:
    said = []
    for key in sorted(first.keys() | other.keys()):
        mine, theirs = first.get(key), other.get(key)
        if mine is None or theirs is None:
            said.append(f"{key} only on the {'first' if theirs is None else 'other'}")
        elif mine != theirs:
            fields = {c: (mine.get(c), theirs.get(c)) for c in mine if mine[c] != theirs.get(c)}
            said.append(f"{key} {fields}")
    return "; ".join(said)


def assert_nothing_waits(*laptops: Laptop, conflicts: bool = False) -> None:
    """No laptop has anything left in its outbox (nor an open conflict, unless `conflicts`)."""
    for laptop in laptops:
        with laptop.open():
            assert status().waiting == 0
            if not conflicts:
                assert open_conflicts() == []
