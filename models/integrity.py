"""Health of a database: SQLite's own checks, broken links, schema version, what it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from peewee import Database

from models.base import SoftDeleteRecord, database
from models.catalogue import Service
from models.complaints import Complaint
from models.db import DATABASE_ERRORS, refuse_foreign_or_newer
from models.errors import KnownError
from models.feedback import Feedback
from models.migrations import SCHEMA_VERSION
from models.register import Customer, Department
from models.schema import ALL_MODELS
from models.service_log import ServiceRequest

# The tables whose records make a database "in use" (settings and seeded closures do not).
_CONTENT = (Department, Customer, Service, ServiceRequest, Complaint, Feedback)


@dataclass
class CheckReport:
    schema_version: int | None = None
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(
    db: Database, path: Path | str = "The database", *, quick: bool = False
) -> CheckReport:
    """SQLite's integrity check, then the links, then the schema version; changes nothing.

    Each stage that cannot run (a damaged file) becomes a problem in the report, never a crash;
    later stages are skipped once the file itself is found damaged.
    """
    report = CheckReport()
    try:
        report.schema_version = refuse_foreign_or_newer(db, Path(str(path)))
    except KnownError as error:
        report.problems.append(str(error))
        return report
    except DATABASE_ERRORS as error:
        report.problems.append(f"SQLite cannot read the file: {error}")
        return report
    pragma = "quick_check" if quick else "integrity_check"
    try:
        results = [row[0] for row in db.execute_sql(f"PRAGMA {pragma}").fetchall()]
    except DATABASE_ERRORS as error:
        report.problems.append(f"SQLite {pragma} could not finish: {error}")
        return report
    if results != ["ok"]:
        report.problems.extend(f"SQLite {pragma}: {line}" for line in results)
        return report
    if report.schema_version != SCHEMA_VERSION:
        report.problems.append(
            f"Schema version is {report.schema_version}; this Rapport uses {SCHEMA_VERSION}. "
            "Open the database in Rapport once to upgrade it (a backup is taken first)."
        )
        return report
    try:
        for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall():
            report.problems.append(
                f"Table {table}, row {rowid}: refers to a missing {parent} record"
            )
        missing = [m._meta.table_name for m in ALL_MODELS if not m.table_exists()]
        report.problems.extend(f"Table {name} is missing" for name in missing)
        if not missing:
            report.counts = record_counts()
    except DATABASE_ERRORS as error:
        report.problems.append(f"SQLite could not read every table: {error}")
    return report


def record_counts(db: Database | None = None, *, live: bool = True) -> dict[str, int]:
    """Records of each table, leaving out deleted ones (unless not `live`: every row, for
    checking a copy): what a user would say the file holds.

    Counts the open database, or `db` (a backup opened on its own connection) by plain SQL,
    since the models are bound to the open one.
    """
    db = db or database
    present = set(db.get_tables())  # an old backup may not have every table yet
    counts = {}
    for model in ALL_MODELS:
        table = model._meta.table_name
        if table not in present:
            continue
        only_live = live and issubclass(model, SoftDeleteRecord)
        where = " WHERE deleted_at IS NULL" if only_live else ""
        counts[table] = db.execute_sql(f'SELECT COUNT(*) FROM "{table}"{where}').fetchone()[0]
    return counts


def is_empty() -> bool:
    """True for a new database: nothing in the register, catalogue or logs yet."""
    return not any(model.select().exists() for model in _CONTENT)


def damage(db: Database) -> list[str]:
    """What SQLite's quick check finds wrong with the file itself (empty when sound); broken
    links and an old schema are not damage."""
    results = [row[0] for row in db.execute_sql("PRAGMA quick_check").fetchall()]
    return [] if results == ["ok"] else results
