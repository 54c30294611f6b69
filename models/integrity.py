"""Health of a database: SQLite's own checks, broken links, schema version, what it holds."""

from __future__ import annotations

from dataclasses import dataclass, field

from peewee import Database

from models.base import SoftDeleteRecord
from models.catalogue import Service
from models.complaints import Complaint
from models.db import schema_version
from models.feedback import Feedback
from models.migrations import SCHEMA_VERSION
from models.register import Customer, Department
from models.schema import ALL_MODELS
from models.service_log import ServiceRequest

# The tables whose records make a database "in use" (settings and seeded closures do not).
_CONTENT = (Department, Customer, Service, ServiceRequest, Complaint, Feedback)


@dataclass
class CheckReport:
    schema_version: int
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_database(db: Database, *, quick: bool = False) -> CheckReport:
    """Run SQLite's integrity check, the foreign-key check and the schema-version check."""
    report = CheckReport(schema_version=schema_version(db))
    if report.schema_version != SCHEMA_VERSION:
        report.problems.append(
            f"Schema version is {report.schema_version}; this Rapport expects {SCHEMA_VERSION}. "
            "Open the database in Rapport once to upgrade it."
        )
        return report
    pragma = "quick_check" if quick else "integrity_check"
    results = [row[0] for row in db.execute_sql(f"PRAGMA {pragma}").fetchall()]
    if results != ["ok"]:
        report.problems.extend(f"SQLite {pragma}: {line}" for line in results)
    for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall():
        report.problems.append(f"Table {table}, row {rowid}: refers to a missing {parent} record")
    missing = [m._meta.table_name for m in ALL_MODELS if not m.table_exists()]
    report.problems.extend(f"Table {name} is missing" for name in missing)
    if not missing:
        report.counts = record_counts()
    return report


def record_counts() -> dict[str, int]:
    """Records of each table, leaving out deleted ones: what a user would say the file holds."""
    counts = {}
    for model in ALL_MODELS:
        query = model.live() if issubclass(model, SoftDeleteRecord) else model.select()
        counts[model._meta.table_name] = query.count()
    return counts


def is_empty() -> bool:
    """True for a new database: nothing in the register, catalogue or logs yet."""
    return not any(model.select().exists() for model in _CONTENT)
