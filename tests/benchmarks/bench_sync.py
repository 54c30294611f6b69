"""Sync figures on the large demo, over loopback to a real PostgreSQL (tests/postgres.py):
publish, join, an idle sync, and a sync of 100 changed records, each beside a floor.

The issue's aims: publish and join each under 90 s; an idle sync under 0.1 s; 100 changed
records under 1 s. Figures are printed, never asserted: `make bench`, not `make test`.
"""

from __future__ import annotations

import shutil
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from desktop.session import open_data_folder
from desktop.sync.client import Account, Mode, sync
from desktop.sync.server import add_member, init_server
from models.db import close_database

PASSWORD = "correct horse battery"


def timed(label: str, work) -> float:
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(f"\n{label}: {seconds:.2f} s")
    return seconds


@pytest.fixture(scope="module")
def team(postgres_cluster, tmp_path_factory: pytest.TempPathFactory):
    name = "bench_" + uuid.uuid4().hex[:8]
    admin = postgres_cluster.create_database(name)
    init_server(admin)
    url = f"postgresql://127.0.0.1:{postgres_cluster.port}/{name}?sslmode=disable"
    logins = {}
    for person in ("Priya Patel", "Sam Jones"):
        login = f"{person.split()[0].lower()}_{name[-8:]}"
        add_member(admin, login=login, name=person, password=PASSWORD)
        logins[person] = login
    return admin, url, logins


def test_sync_figures_on_the_large_demo(large_demo: Path, team, tmp_path: Path) -> None:
    admin, url, logins = team
    publisher, joiner = tmp_path / "priya", tmp_path / "sam"
    publisher.mkdir()
    shutil.copy2(large_demo / "rapport.db", publisher / "rapport.db")
    priya = Account(url, logins["Priya Patel"], PASSWORD)
    sam = Account(url, logins["Sam Jones"], PASSWORD)

    open_data_folder(publisher)
    records = _records()
    timed(f"publish ({records:,} records)", lambda: sync(publisher, priya, Mode.PUBLISH))
    print(_floor_publish(admin))
    close_database()

    joiner.mkdir()
    open_data_folder(joiner)
    timed(f"join ({records:,} records)", lambda: sync(joiner, sam, Mode.JOIN))
    timed("idle sync", lambda: sync(joiner, sam))
    close_database()

    open_data_folder(publisher)
    from models.operations import update
    from models.register import Customer

    for number, customer in enumerate(Customer.select().limit(100)):
        update(customer, phone=f"0163 {number:04d}")
    timed("sync of 100 changed records (Priya sends)", lambda: sync(publisher, priya))
    close_database()
    open_data_folder(joiner)
    timed("sync of 100 changed records (Sam takes)", lambda: sync(joiner, sam))
    close_database()


def _records() -> int:
    from models.schema import TEAM_MODELS

    return sum(model.select().count() for model in TEAM_MODELS)


def _floor_publish(admin: str) -> str:
    """The floor: the server's rows copied into a plain table with COPY, as fast as
    PostgreSQL takes them (no checks, no change log)."""
    with psycopg.connect(admin) as connection:
        started = time.perf_counter()
        connection.execute("CREATE TEMP TABLE copied (LIKE rapport.record)")
        connection.execute("INSERT INTO copied SELECT * FROM rapport.record")
        seconds = time.perf_counter() - started
    return f"floor: the server's records copied in one statement: {seconds:.2f} s"
