"""Shared fixtures: offscreen Qt, a fixed clock, fresh databases, and no modal dialog can hang."""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from models import clock
from models.db import close_database, open_database

# Hypothesis: the same examples on every run (CI never meets a new one by chance), no example
# database left in the checkout, and no deadline (timing on a busy 2-core machine varies).
# HYPOTHESIS_PROFILE=explore tries many more, new each run.
settings.register_profile(
    "rapport",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=12,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "explore", parent=settings.get_profile("rapport"), derandomize=False, max_examples=300
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "rapport"))

# A Wednesday in late November 2026: the demo year then runs from 1 November 2025.
FIXED_NOW = datetime(2026, 11, 25, 10, 30)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[clock.FixedClock]:
    """Every test runs at the same moment, whatever the real date."""
    with clock.use_clock(clock.FixedClock(FIXED_NOW)) as fixed:
        yield fixed


class MemoryKeyring:
    """A keyring that forgets everything when the test ends."""

    priority = 1

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture(autouse=True)
def no_system_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real keyring (by default there is none) or a real key."""
    monkeypatch.setattr("desktop.keys._backend", lambda: None)
    monkeypatch.delenv("RAPPORT_DB_KEY", raising=False)


@pytest.fixture(autouse=True)
def nobody_at_the_keyboard() -> Iterator[None]:
    """No test leaves a member at the keyboard for the next (it is the process's state)."""
    from models.people import at_keyboard

    with at_keyboard(None):
        yield


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryKeyring:
    backend = MemoryKeyring()
    monkeypatch.setattr("desktop.keys._backend", lambda: backend)
    return backend


@pytest.fixture
def user(monkeypatch: pytest.MonkeyPatch):
    """Who is at the keyboard for the audit trail: `user("sam")` makes the next changes
    Sam's (Priya's until then)."""

    def become(name: str) -> None:
        monkeypatch.setattr("models.audit.os_user", lambda: name)

    become("priya")
    return become


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def db(data_dir: Path) -> Iterator[object]:
    """A new, empty, fully migrated database in a temporary data folder."""
    database = open_database(data_dir / "rapport.db")
    yield database
    close_database()


@pytest.fixture(scope="session")
def small_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo database, built once per run and copied for each test that needs it."""
    from models.demo import generate_demo

    folder = tmp_path_factory.mktemp("demo-template")
    with clock.use_clock(clock.FixedClock(FIXED_NOW)):
        open_database(folder / "rapport.db")
        generate_demo("small", seed=1)
        close_database()
    return folder / "rapport.db"


@pytest.fixture
def demo_db(small_demo_template: Path, data_dir: Path) -> Iterator[object]:
    """A private copy of the small demo database, opened."""
    shutil.copy(small_demo_template, data_dir / "rapport.db")
    database = open_database(data_dir / "rapport.db")
    yield database
    close_database()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[object]:
    """A real PostgreSQL, started once per run in a temporary folder (tests/postgres.py)."""
    from tests.postgres import Cluster

    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture
def server_url(postgres_cluster, request: pytest.FixtureRequest) -> str:
    """A new, empty team-server database for one test; its URL with the administrator's login."""
    name = "team_" + uuid.uuid4().hex[:12]
    return postgres_cluster.create_database(name)


@pytest.fixture
def team(postgres_cluster, server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A team server with no members yet (tests/desktop/sync_helpers.py): `team.member(name)`
    adds one, `team.laptop(login)` gives them a data folder. The laptops' databases take a
    test key, and the command line's password comes from RAPPORT_SYNC_PASSWORD."""
    from tests.desktop.sync_helpers import PASSWORD, Team

    monkeypatch.setenv("RAPPORT_SYNC_PASSWORD", PASSWORD)
    monkeypatch.setenv("RAPPORT_DB_KEY", "ab" * 32)
    return Team(postgres_cluster, server_url, tmp_path)
