"""Opening the database: pragmas, schema version, upgrades with a backup taken first."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import peewee
from peewee import Database, SqliteDatabase

from models import clock
from models.base import database
from models.errors import DatabaseTooNew, DatabaseUnreadable, NotARapportDatabase
from models.migrations import MIGRATIONS, Step
from models.text import FOLDED, folded_collation

DATABASE_FILE = "rapport.db"
BACKUP_FOLDER = "backups"

# WAL lets the window read while a worker writes; NORMAL is crash-safe in WAL mode.
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": 1,  # NORMAL
    "busy_timeout": 5000,
}


def open_database(path: Path, *, upgrade: bool = True) -> SqliteDatabase:
    """Open (creating if need be) the database at `path` and bring its schema up to date.

    Raises a `KnownError` for a file that is not a Rapport database, is damaged, or was written
    by a newer Rapport; nothing is changed in those cases.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    close_database()
    db = SqliteDatabase(str(path), pragmas=PRAGMAS)
    db.register_collation(folded_collation, FOLDED)
    database.initialize(db)
    try:
        db.connect()
        schema_version(db)  # the first read tells whether this is a database at all
    except (sqlite3.DatabaseError, peewee.DatabaseError) as error:
        db.close()
        raise DatabaseUnreadable(
            f"{path} cannot be read as a Rapport database ({error}). "
            "It may be damaged or encrypted with a key this computer does not have."
        ) from error
    if upgrade:
        try:
            upgrade_schema(db, path)
        except Exception:
            db.close()
            raise
    return db


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def schema_version(db: Database) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def upgrade_schema(db: Database, path: Path, steps: Sequence[Step] = MIGRATIONS) -> int:
    """Apply the missing steps, each in its own transaction; returns the version found.

    A backup copy is written before an existing database is changed.
    """
    found = schema_version(db)
    latest = len(steps)
    if found > latest:
        raise DatabaseTooNew(
            f"{path} was written by a newer version of Rapport (schema {found}; this version "
            f"understands up to {latest}). Install the newer Rapport to open it."
        )
    if found == 0 and db.get_tables():
        raise NotARapportDatabase(f"{path} holds tables but is not a Rapport database.")
    if 0 < found < latest:
        backup_copy(db, path, reason=f"before-schema-{latest}")
    for number in range(found + 1, latest + 1):
        with db.atomic():
            steps[number - 1](db)
            db.execute_sql(f"PRAGMA user_version = {number:d}")
    return found


def backup_copy(db: Database, path: Path, *, reason: str) -> Path:
    """A consistent copy of the open database beside it, in `backups/`, using SQLite's backup."""
    folder = Path(path).parent / BACKUP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{Path(path).stem}-{reason}-{stamp}.db"
    destination = sqlite3.connect(target)
    try:
        db.connection().backup(destination)
    finally:
        destination.close()
    return target
