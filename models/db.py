"""Opening the database: pragmas, schema version, upgrades with a backup taken first."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import peewee
from peewee import Database
from playhouse.sqlcipher_ext import SqlCipherDatabase, sqlcipher

from models import clock
from models.base import database
from models.errors import (
    DatabaseTooNew,
    DatabaseUnreadable,
    KnownError,
    NotARapportDatabase,
    explain_database_error,
)
from models.migrations import MIGRATIONS, Step
from models.text import FOLDED, folded_collation

DATABASE_FILE = "rapport.db"
BACKUP_FOLDER = "backups"

# Set on every connection. WAL (which lets the window read while a worker writes, and with
# which NORMAL synchronisation is crash-safe) is stored in the file, so it is set only once the
# file has been accepted as Rapport's own.
PRAGMAS = {
    "foreign_keys": 1,
    "synchronous": 1,  # NORMAL
    "busy_timeout": 5000,
    "cache_size": -65536,  # 64 MiB of pages: decrypted once, not on every read
    "temp_store": 2,  # sorts in memory: not in temporary files (encrypted or not)
}


# What the SQLite drivers raise, whichever one a caller meets.
DATABASE_ERRORS = (sqlite3.DatabaseError, sqlcipher.DatabaseError, peewee.DatabaseError)
SQLITE_HEADER = b"SQLite format 3\x00"  # a plain file begins so; an encrypted one, with noise
KEY_PATTERN = re.compile(r"[0-9a-f]{64}")


class MigrationFailed(KnownError):
    pass


class KeyNeeded(DatabaseUnreadable):
    """The database is encrypted and no key was given."""


class WrongKey(KnownError):
    """The key given does not open the database."""


class RapportDatabase(SqlCipherDatabase):
    """SQLite through SQLCipher: encrypted with a raw 256-bit key when one is given (no slow
    passphrase derivation on every connection), a plain SQLite file otherwise."""

    def __init__(self, path: str, key: str | None = None, **kwargs: object) -> None:
        if key is not None and not KEY_PATTERN.fullmatch(key):
            raise ValueError("A database key is 64 hexadecimal digits.")
        super().__init__(path, **kwargs)
        self.key = key

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    def _connect(self) -> object:
        connection = sqlcipher.connect(self.database, isolation_level=None, **self.connect_params)
        try:
            connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is ours to say
            if self.key is not None:
                connection.execute(f"PRAGMA key = \"x'{self.key}'\"")
            self._add_conn_hooks(connection)
        except BaseException:
            connection.close()
            raise
        return connection


def is_encrypted(path: Path) -> bool:
    """Whether the file at `path` is an encrypted database (a missing or empty one is not)."""
    try:
        with open(path, "rb") as file:
            header = file.read(len(SQLITE_HEADER))
        size = Path(path).stat().st_size
    except OSError:  # missing, or a folder: SQLite will say what is wrong
        return False
    # SQLCipher writes whole pages (a power of two, at least 512 bytes): anything else is junk
    return header != SQLITE_HEADER and size >= 512 and size % 512 == 0


def open_database(path: Path, *, key: str | None = None, upgrade: bool = True) -> RapportDatabase:
    """Open (creating if need be) the database at `path` and bring its schema up to date.

    An encrypted file needs its `key`; a new file is created encrypted with `key` if one is
    given; a plain file opens as it is (the key is for converting it: see models.encryption).
    Raises a `KnownError` for a file that cannot be opened, is not a Rapport database, is
    damaged, needs a key or was given the wrong one, or was written by a newer Rapport; nothing
    in the file is changed in those cases. With `upgrade=False` (for `check`) nothing is
    changed at all.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    close_database()
    exists = path.exists() and path.stat().st_size > 0
    encrypted = is_encrypted(path)
    if encrypted and key is None:
        raise KeyNeeded(
            f"{path} cannot be read as a Rapport database: it is encrypted with a key this "
            "computer does not have, or it is damaged."
        )
    db = RapportDatabase(str(path), key if encrypted or not exists else None, pragmas=PRAGMAS)
    db.register_collation(folded_collation, FOLDED)
    database.initialize(db)
    try:
        db.connect()
        schema_version(db)  # the first read tells whether this is a database at all
    except DATABASE_ERRORS as error:
        db.close()
        if encrypted and "not a database" in str(error):
            raise WrongKey(
                f"The key does not open {path}: it belongs to another database, or was "
                "mistyped. Use the recovery key printed when the database was made."
            ) from error
        raise explain_database_error(error, path) or DatabaseUnreadable(
            f"{path} cannot be read as a Rapport database ({error}). "
            "It may be damaged or encrypted with a key this computer does not have."
        ) from error
    if upgrade:
        try:
            upgrade_schema(db, path)
            db.execute_sql("PRAGMA journal_mode = wal")
            # Table statistics, gathered where missing or stale (quick when they are fresh):
            # without them SQLite reads "not deleted" through its index, i.e. every row.
            db.execute_sql("PRAGMA optimize = 0x10002")
        except DATABASE_ERRORS as error:
            db.close()
            known = explain_database_error(error, path)
            if known is None:
                raise
            raise known from error
        except Exception:
            db.close()
            raise
    return db


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def schema_version(db: Database) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def refuse_foreign_or_newer(db: Database, path: Path, latest: int = len(MIGRATIONS)) -> int:
    """The file's schema version, after refusing one that is not ours or is from the future."""
    found = schema_version(db)
    if found > latest:
        raise DatabaseTooNew(
            f"{path} was written by a newer version of Rapport (schema {found}; this version "
            f"understands up to {latest}). Install the newer Rapport to open it."
        )
    if found == 0 and db.get_tables():
        raise NotARapportDatabase(f"{path} holds tables but is not a Rapport database.")
    return found


def upgrade_schema(
    db: Database, path: Path, steps: Sequence[Step] = MIGRATIONS, *, keep_backup: bool = True
) -> int:
    """Apply the missing steps, each in its own transaction; returns the version found.

    A backup copy is written before an existing database is changed. Foreign keys are off
    while a step runs (SQLite's way to let a step rebuild a table without cascading deletes)
    and every link is checked before the step commits; a step that would break one changes
    nothing. Each step re-reads the version under a write lock, so two Rapports opening the
    same old file cannot apply a step twice.
    """
    found = refuse_foreign_or_newer(db, path, len(steps))
    if found == len(steps):
        return found
    if found > 0 and keep_backup:
        backup_copy(db, path, reason=f"before-schema-{len(steps)}")
    db.execute_sql("PRAGMA foreign_keys = OFF")  # has no effect inside a transaction
    try:
        for number in range(found + 1, len(steps) + 1):
            with db.atomic("IMMEDIATE"):
                if schema_version(db) >= number:
                    continue  # another Rapport applied it meanwhile
                steps[number - 1](db)
                broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    table, rowid, parent, _ = broken[0]
                    raise MigrationFailed(
                        f"Upgrading {path} to schema {number} would break {len(broken)} "
                        f"link(s) (first: {table} row {rowid} to {parent}); nothing was changed."
                    )
                db.execute_sql(f"PRAGMA user_version = {number:d}")
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")
    return found


def backup_copy(db: Database, path: Path, *, reason: str) -> Path:
    """A consistent copy of the open database beside it, in `backups/` (encrypted with the
    same key as the database, by SQLite's VACUUM INTO)."""
    target = backup_path(path, reason)
    copy_to(db, target)
    return target


def backup_path(path: Path, reason: str) -> Path:
    """Where a backup of the database at `path` taken now for `reason` goes (folder made)."""
    folder = Path(path).parent / BACKUP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    return folder / f"{Path(path).stem}-{reason}-{stamp}.db"


def copy_to(db: Database, target: Path) -> None:
    """Write a consistent, compacted copy of the open database to `target` (whole or not at
    all), encrypted as the database is."""
    partial = target.with_name(f".{target.name}.part")
    partial.unlink(missing_ok=True)
    try:
        db.execute_sql("VACUUM INTO ?", (str(partial),))
        flush_to_disk(partial)  # VACUUM INTO leaves its file in the system's cache
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def flush_to_disk(path: Path) -> None:
    """Make sure a file written is on the disk before it replaces anything."""
    with open(path, "rb+") as file:
        os.fsync(file.fileno())


def open_file(path: Path, key: str | None) -> RapportDatabase:
    """A database file on its own connection (a backup, a copy being prepared), leaving the
    open database alone; plain when `key` is None."""
    db = RapportDatabase(str(path), key, pragmas=PRAGMAS)
    db.register_collation(folded_collation, FOLDED)
    db.connect()
    return db
