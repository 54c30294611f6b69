"""Schema versions: a new database is current, an old one upgrades keeping every row after a
backup, a newer one is refused, and a failed step changes nothing."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from models.base import database
from models.db import (
    MigrationFailed,
    close_database,
    open_database,
    schema_version,
    upgrade_schema,
)
from models.errors import DatabaseTooNew, DatabaseUnreadable, NotARapportDatabase
from models.migrations import _TEAM_TABLES_9, MIGRATIONS, SCHEMA_VERSION, run_script
from models.schema import ALL_MODELS, EVERY_TABLE, SYNCED_KINDS
from tests.models.test_entities import make_world

FIXTURES = Path(__file__).parent.parent / "fixtures"


def table_shapes(path: Path) -> dict[str, object]:
    """Columns, foreign keys and indexes of every table: what a schema means to the data."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "ORDER BY name"
            )
        ]
        shapes = {}
        for table in tables:
            columns = connection.execute(f'PRAGMA table_info("{table}")').fetchall()
            keys = connection.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
            indexes = connection.execute(f'PRAGMA index_list("{table}")').fetchall()
            shapes[table] = (
                sorted((c[1], c[2], c[3], c[5]) for c in columns),
                sorted((k[2], k[3], k[4], k[6]) for k in keys),
                sorted((i[1], i[2]) for i in indexes),
            )
        return shapes
    finally:
        connection.close()


def counts(db: SqliteDatabase) -> dict[str, int]:
    return {m._meta.table_name: m.select().count() for m in ALL_MODELS}


def test_a_new_database_is_at_the_current_version(data_dir):
    db = open_database(data_dir / "rapport.db")
    assert schema_version(db) == SCHEMA_VERSION == len(MIGRATIONS)
    pragmas = {
        name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
    }
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 1,
        "busy_timeout": 5000,
    }
    close_database()
    assert not (data_dir / "backups").exists()  # nothing to back up in a new file


def test_the_migrations_build_the_schema_the_models_describe(tmp_path):
    migrated = tmp_path / "migrated.db"
    open_database(migrated)
    close_database()
    modelled = tmp_path / "modelled.db"
    plain = SqliteDatabase(str(modelled))
    database.initialize(plain)
    plain.create_tables(EVERY_TABLE)
    plain.close()
    assert table_shapes(migrated) == table_shapes(modelled)


def add_review_notes(db):
    """A stand-in for a future schema step: a new column with a default."""
    run_script(db, "ALTER TABLE customer ADD COLUMN review_notes TEXT NOT NULL DEFAULT ''")


def test_an_upgrade_keeps_every_row_and_backs_up_first(data_dir, fixed_clock):
    path = data_dir / "rapport.db"
    db = open_database(path)
    make_world()
    before = counts(db)
    steps = (*MIGRATIONS, add_review_notes)
    found = upgrade_schema(db, path, steps)
    assert found == SCHEMA_VERSION
    assert schema_version(db) == SCHEMA_VERSION + 1
    assert counts(db) == before
    assert db.execute_sql("SELECT count(*) FROM customer WHERE review_notes = ''").fetchone() == (
        before["customer"],
    )
    (backup,) = (data_dir / "backups").iterdir()
    assert backup.name == f"rapport-before-schema-{SCHEMA_VERSION + 1}-20261125-103000.db"
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert old.execute("SELECT count(*) FROM customer").fetchone() == (before["customer"],)
    old.close()
    close_database()


def test_a_failing_step_leaves_the_database_as_it_was(data_dir):
    path = data_dir / "rapport.db"
    db = open_database(path)
    make_world()
    before = counts(db)

    def half_done(db):
        run_script(db, "ALTER TABLE customer ADD COLUMN half TEXT; DELETE FROM feedback_code")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        upgrade_schema(db, path, (*MIGRATIONS, half_done))
    assert schema_version(db) == SCHEMA_VERSION
    assert counts(db) == before
    columns = [row[1] for row in db.execute_sql("PRAGMA table_info(customer)").fetchall()]
    assert "half" not in columns
    close_database()


def test_a_database_from_a_newer_rapport_is_refused_untouched(data_dir):
    path = data_dir / "rapport.db"
    db = open_database(path)
    db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    close_database()
    with pytest.raises(DatabaseTooNew, match="newer version of Rapport"):
        open_database(path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION + 1,)


def test_a_foreign_database_is_refused(data_dir):
    path = data_dir / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE invoices (id INTEGER)").connection.close()
    with pytest.raises(NotARapportDatabase, match="not a Rapport database"):
        open_database(path)


def test_a_file_that_is_not_a_database_gives_a_clear_message(data_dir):
    path = data_dir / "rapport.db"
    path.write_bytes(b"This is a shopping list, not a database." * 100)
    with pytest.raises(DatabaseUnreadable, match="cannot be read as a Rapport database"):
        open_database(path)


def test_the_first_released_schema_upgrades_without_losing_a_row(data_dir):
    """The version-1 file kept in tests/fixtures opens in today's Rapport with every row."""
    path = data_dir / "rapport.db"
    shutil.copy(FIXTURES / "schema-v1.db", path)
    expected = {
        "department": 1,
        "customer": 1,
        "service": 1,
        "standard": 1,
        "agreement": 1,
        "agreement_service": 1,
        "agreement_standard": 1,
        "service_request": 1,
        "complaint": 1,
        "complaint_event": 1,
        "code": 1,
        "feedback": 1,
        "feedback_code": 1,
        "improvement_action": 1,
        "closure": 1,
    }
    db = open_database(path)
    assert schema_version(db) == SCHEMA_VERSION
    found = counts(db)
    assert {table: found[table] for table in expected} == expected
    close_database()


def rebuild_feedback(db):
    """A future step rebuilding a table, the way SQLite asks for most schema changes."""
    (definition,) = db.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'feedback'"
    ).fetchone()
    db.execute_sql(definition.replace('"feedback"', '"feedback_new"', 1))
    run_script(
        db,
        """
        INSERT INTO feedback_new SELECT * FROM feedback;
        DROP TABLE feedback;
        ALTER TABLE feedback_new RENAME TO feedback;
        """,
    )


def test_a_step_that_rebuilds_a_table_keeps_the_rows_linked_to_it(demo_db, data_dir):
    links = demo_db.execute_sql("SELECT count(*) FROM feedback_code").fetchone()[0]
    assert links > 0
    upgrade_schema(demo_db, data_dir / "rapport.db", (*MIGRATIONS, rebuild_feedback))
    assert demo_db.execute_sql("SELECT count(*) FROM feedback_code").fetchone()[0] == links
    assert demo_db.execute_sql("PRAGMA foreign_keys").fetchone() == (1,)


def test_a_step_that_would_break_links_changes_nothing(demo_db, data_dir):
    def lose_departments(db):
        run_script(db, "DELETE FROM department")

    before = counts(demo_db)
    with pytest.raises(MigrationFailed, match=r"would break \d+ link"):
        upgrade_schema(demo_db, data_dir / "rapport.db", (*MIGRATIONS, lose_departments))
    assert counts(demo_db) == before
    assert schema_version(demo_db) == SCHEMA_VERSION


def test_a_step_another_rapport_applied_meanwhile_is_not_applied_again(data_dir):
    path = data_dir / "rapport.db"
    db = open_database(path)
    applied = []

    def count_me(db):
        applied.append(1)

    db.execute_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    steps = (*MIGRATIONS, count_me)
    upgrade_schema(db, path, steps)
    upgrade_schema(db, path, steps)  # already at the new version: nothing to do
    assert applied == [1]
    close_database()


def test_refused_files_are_not_switched_to_wal(data_dir):
    path = data_dir / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE invoices (id INTEGER)")
    connection.close()
    with pytest.raises(NotARapportDatabase):
        open_database(path)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_a_folder_where_the_database_should_be_gets_a_clear_message(data_dir):
    (data_dir / "rapport.db").mkdir()
    with pytest.raises(DatabaseUnreadable, match="check that it is a file"):
        open_database(data_dir / "rapport.db")


def test_every_team_table_has_its_writes_tracked(data_dir):
    """A table added to the team's later needs its triggers made by its own schema step."""
    db = open_database(data_dir / "rapport.db")
    triggers = {
        name for (name,) in db.execute_sql("SELECT name FROM sqlite_master WHERE type='trigger'")
    }
    close_database()
    assert set(_TEAM_TABLES_9) == set(SYNCED_KINDS)
    assert triggers == {
        f"sync_{table}_{event}"
        for table in SYNCED_KINDS
        for event in ("insert", "update", "delete")
    }
