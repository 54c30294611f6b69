"""Shared fixtures: offscreen Qt, a fixed clock, fresh databases, and no modal dialog can hang."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from models import clock
from models.db import close_database, open_database

# A Wednesday in late November 2026: the demo year then runs from 1 November 2025.
FIXED_NOW = datetime(2026, 11, 25, 10, 30)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[clock.FixedClock]:
    """Every test runs at the same moment, whatever the real date."""
    with clock.use_clock(clock.FixedClock(FIXED_NOW)) as fixed:
        yield fixed


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
