"""The command line as a user meets it: real processes, exit codes and messages."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from playhouse.sqlcipher_ext import sqlcipher

from desktop.cli import main
from models.errors import KnownError
from models.migrations import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parents[2]


def rapport(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `python main.py ARGS` as a user would, in a separate process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        timeout=300,
        check=False,
    )


def test_help_lists_every_command_that_exists():
    result = rapport("--help")
    assert result.returncode == 0
    for command in ("demo", "check", "import", "export", "summary", "report", "backup", "restore"):
        assert f"    {command}" in result.stdout
    assert "--data-dir" in result.stdout


def test_demo_then_check_both_succeed(tmp_path):
    folder = str(tmp_path / "data")
    made = rapport("--data-dir", folder, "demo", "--size", "small", "--seed", "3")
    assert made.returncode == 0, made.stderr
    assert "Demo data (small, seed 3)" in made.stdout
    assert "customer" in made.stdout
    checked = rapport("--data-dir", folder, "check")
    assert checked.returncode == 0, checked.stderr
    assert "Check passed" in checked.stdout
    assert f"Schema version: {SCHEMA_VERSION}" in checked.stdout


def test_the_data_folder_can_come_from_the_environment(tmp_path):
    folder = tmp_path / "from-env"
    result = rapport("demo", env={"RAPPORT_DATA_DIR": str(folder)})
    assert result.returncode == 0, result.stderr
    assert (folder / "rapport.db").exists()


def test_check_without_a_database_says_where_it_looked(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "nothing"), "check"]) == 1
    error = capsys.readouterr().err
    assert "There is no Rapport database in" in error
    assert "nothing" in error


def test_check_reports_a_damaged_database(tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "rapport.db").write_bytes(b"not a database at all " * 500)
    assert main(["--data-dir", str(folder), "check"]) == 1
    assert "cannot be read as a Rapport database" in capsys.readouterr().err


def test_check_reports_broken_links(demo_db, data_dir, capsys):
    demo_db.execute_sql("PRAGMA foreign_keys = OFF")
    demo_db.execute_sql("UPDATE customer SET department_id = 'gone' WHERE rowid = 5")
    demo_db.close()
    assert main(["--data-dir", str(data_dir), "check"]) == 1
    error = capsys.readouterr().err
    assert "Check failed: 1 problem(s)" in error
    assert "Table customer, row 5: refers to a missing department record" in error


def test_check_reports_a_file_that_is_not_rapports(demo_db, data_dir, capsys):
    demo_db.execute_sql("PRAGMA user_version = 0")
    demo_db.close()
    assert main(["--data-dir", str(data_dir), "check"]) == 1
    assert "is not a Rapport database" in capsys.readouterr().err
    version = sqlite3.connect(data_dir / "rapport.db").execute("PRAGMA user_version").fetchone()
    assert version == (0,)


def test_demo_refuses_a_database_in_use(demo_db, data_dir, capsys):
    demo_db.close()
    assert main(["--data-dir", str(data_dir), "demo"]) == 1
    assert "already holds records" in capsys.readouterr().err


def test_demo_replace_starts_again(demo_db, data_dir, capsys):
    demo_db.close()
    assert main(["--data-dir", str(data_dir), "demo", "--replace", "--seed", "2"]) == 0
    assert "seed 2" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [["demo", "--size", "huge"], ["demo", "--seed", "many"], ["frobnicate"], ["--no-such-flag"]],
)
def test_usage_errors_exit_with_2(args, tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--data-dir", str(tmp_path), *args])
    assert stopped.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_version_is_printed():
    result = rapport("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("Rapport ")


def test_demo_data_is_the_same_whatever_the_time_of_day(tmp_path, fixed_clock):
    from tests.models.test_demo import dump

    morning, evening = tmp_path / "morning", tmp_path / "evening"
    assert main(["--data-dir", str(morning), "demo", "--seed", "7"]) == 0
    fixed_clock.advance(hours=9)  # 19:30 on the same day
    assert main(["--data-dir", str(evening), "demo", "--seed", "7"]) == 0
    assert dump(morning / "rapport.db") == dump(evening / "rapport.db")


def test_a_data_folder_that_is_a_file_gets_a_message_not_a_traceback(tmp_path, capsys):
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("shopping list")
    assert main(["--data-dir", str(not_a_folder), "demo"]) == 1
    error = capsys.readouterr().err
    assert f"Rapport cannot use {not_a_folder} as its data folder" in error
    assert "Traceback" not in error
    assert not_a_folder.read_text() == "shopping list"


@pytest.mark.parametrize("pages", [range(30, 70), range(300, 340), range(1, 3)])
def test_check_reports_damaged_pages_without_a_traceback(demo_db, data_dir, capsys, pages):
    demo_db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    demo_db.close()
    path = data_dir / "rapport.db"
    data = bytearray(path.read_bytes())
    size = 4096
    for number in pages:  # scribble over pages of the schema, of the tables, of the indexes
        data[number * size : (number + 1) * size] = b"\xa5" * size
    path.write_bytes(bytes(data))
    assert main(["--data-dir", str(data_dir), "check"]) == 1
    error = capsys.readouterr().err
    assert "Check failed" in error
    assert "Traceback" not in error


def test_check_names_a_database_from_a_newer_rapport(demo_db, data_dir, capsys):
    demo_db.execute_sql("PRAGMA user_version = 99")
    demo_db.close()
    assert main(["--data-dir", str(data_dir), "check"]) == 1
    assert "written by a newer version of Rapport" in capsys.readouterr().err


def test_check_changes_nothing_not_even_the_journal_mode(demo_db, data_dir):
    demo_db.execute_sql("PRAGMA journal_mode = delete")
    demo_db.close()
    assert main(["--data-dir", str(data_dir), "check"]) == 0
    assert sqlite3.connect(data_dir / "rapport.db").execute("PRAGMA journal_mode").fetchone() == (
        "delete",
    )


def test_a_database_locked_by_another_writer_gets_a_message(demo_db, data_dir, capsys, monkeypatch):
    monkeypatch.setitem(__import__("models.db").db.PRAGMAS, "busy_timeout", 100)
    demo_db.close()
    # another Rapport: the same SQLite library (two copies in one process share no locks)
    other = sqlcipher.connect(str(data_dir / "rapport.db"), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    services = data_dir / "services.csv"
    services.write_text("name\nNew service\n", encoding="utf-8")
    try:
        assert main(["--data-dir", str(data_dir), "import", "services", str(services)]) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    error = capsys.readouterr().err
    assert "is in use: another Rapport" in error
    assert "Traceback" not in error


SERVICES_CSV = "name,provider\nRoom bookings,Bookings team\n"


def _services_file(tmp_path: Path) -> Path:
    path = tmp_path / "services.csv"
    path.write_text(SERVICES_CSV, encoding="utf-8")
    return path


def test_an_import_makes_a_new_database_encrypted_with_the_key_given(tmp_path, capsys, monkeypatch):
    from models.db import is_encrypted
    from models.encryption import new_key

    key = new_key()
    monkeypatch.setenv("RAPPORT_DB_KEY", key)
    folder = tmp_path / "data"
    assert (
        main(["--data-dir", str(folder), "import", "services", str(_services_file(tmp_path))]) == 0
    )
    assert "Recovery key" not in capsys.readouterr().err  # the user has the key already
    assert is_encrypted(folder / "rapport.db")
    assert main(["--data-dir", str(folder), "backup"]) == 0
    backups = list((folder / "backups").glob("*.db"))
    assert backups and all(is_encrypted(path) for path in backups)


def test_an_import_keeps_a_new_key_in_the_keyring_and_says_its_recovery_key_once(
    tmp_path, capsys, memory_keyring
):
    from desktop.keys import stored_key
    from models.db import is_encrypted
    from models.encryption import recovery_text

    folder = tmp_path / "data"
    services = _services_file(tmp_path)
    assert main(["--data-dir", str(folder), "import", "services", str(services)]) == 0
    key = stored_key(folder)
    assert key is not None and is_encrypted(folder / "rapport.db")
    told = capsys.readouterr()
    assert f"Recovery key: {recovery_text(key)}" in told.err
    assert "Keep it somewhere safe" in told.err
    assert recovery_text(key) not in told.out  # not into a file that stdout may be sent to
    again = tmp_path / "again.csv"
    again.write_text("name\nPost\n", encoding="utf-8")
    assert main(["--data-dir", str(folder), "import", "services", str(again)]) == 0
    assert "Recovery key" not in capsys.readouterr().err


def test_an_import_with_no_way_to_keep_a_key_refuses_and_makes_nothing(tmp_path, capsys):
    folder = tmp_path / "data"
    assert (
        main(["--data-dir", str(folder), "import", "services", str(_services_file(tmp_path))]) == 1
    )
    error = capsys.readouterr().err
    assert "RAPPORT_DB_KEY" in error and "Traceback" not in error
    assert not (folder / "rapport.db").exists()


def _reading_commands(tmp_path: Path) -> dict[str, list[str]]:
    """A valid call of every command that reads a data folder and must not make one."""
    out = str(tmp_path / "out")
    return {
        "export": ["export", "customers", f"{out}.csv"],
        "summary": ["summary", "--month", "2026-10"],
        "report": ["report", "monthly", "--month", "2026-10", "--out", f"{out}.pdf"],
        "check": ["check"],
        "backup": ["backup"],
        "conflicts": ["conflicts"],
        "sync": ["sync", "--url", "postgresql://127.0.0.1:1/team", "--login", "sam"],
    }


def test_a_mistyped_data_folder_is_said_and_not_made_by_any_reading_command(
    tmp_path, capsys, memory_keyring
):
    from desktop.cli import build_parser

    commands = _reading_commands(tmp_path)
    parser = build_parser()
    every = set(parser._subparsers._group_actions[0].choices)
    making = {"demo", "import", "restore"}  # these may start a new data folder (sync --join)
    elsewhere = {"server"}  # the team server's set-up: no data folder at all
    assert every - making - elsewhere == set(commands), "say whether a command may make a folder"
    for name, argv in commands.items():
        folder = tmp_path / f"Rapport-typo-{name}"
        assert main(["--data-dir", str(folder), *argv]) == 1, name
        error = capsys.readouterr().err
        assert f"There is no Rapport database in {folder}" in error, name
        assert not (folder / "rapport.db").exists(), name


def test_an_export_from_a_damaged_database_says_so_and_leaves_nothing(
    small_demo_template, tmp_path
):
    import shutil

    from desktop.kinds import EXPORTS

    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(small_demo_template, folder / "rapport.db")
    data = bytearray((folder / "rapport.db").read_bytes())
    for page in range(len(data) // 3, len(data) // 3 + 200_000, 4096):  # the logs' pages
        data[page + 100 : page + 600] = b"\xff" * 500
    (folder / "rapport.db").write_bytes(bytes(data))
    refused = []
    for kind in sorted(EXPORTS):
        for suffix in (".csv", ".xlsx"):
            out = tmp_path / f"{kind}{suffix}"
            result = rapport("--data-dir", str(folder), "export", kind, str(out))
            assert "Traceback" not in result.stderr and "Exception" not in result.stderr
            assert not (tmp_path / f".{out.name}.part").exists()
            if result.returncode:
                assert result.returncode == 1 and "is damaged" in result.stderr, result.stderr
                assert "\ufffd" not in result.stderr  # no garbage (nor a record) echoed
                assert not out.exists()
                refused.append(out.name)
    assert refused, "the damage should reach at least one kind's records"


def test_a_dry_run_on_a_folder_with_no_data_checks_the_file_and_makes_nothing(
    tmp_path, capsys, memory_keyring
):
    folder = tmp_path / "typo"
    argv = ["--data-dir", str(folder), "import", "services", str(_services_file(tmp_path))]
    assert main([*argv, "--dry-run"]) == 0
    assert "1 row(s) checked, no problems found" in capsys.readouterr().out
    assert not folder.exists() and not memory_keyring.entries


def test_a_key_kept_by_a_try_that_made_no_database_is_shown_when_one_is_made(
    tmp_path, capsys, memory_keyring, monkeypatch
):
    from desktop import cli
    from desktop.keys import stored_key
    from models.encryption import recovery_text

    folder = tmp_path / "data"
    services = str(_services_file(tmp_path))

    def full_disk(*_args, **_kwargs):
        raise KnownError("The disk is full.")

    opens = cli.open_data_folder
    monkeypatch.setattr(cli, "open_data_folder", full_disk)
    assert main(["--data-dir", str(folder), "import", "services", services]) == 1
    key = stored_key(folder)  # kept, but no database was made with it
    assert key is not None and not (folder / "rapport.db").exists()
    capsys.readouterr()
    monkeypatch.setattr(cli, "open_data_folder", opens)
    assert main(["--data-dir", str(folder), "import", "services", services]) == 0
    assert f"Recovery key: {recovery_text(key)}" in capsys.readouterr().err


def test_a_plain_backup_restored_into_a_new_folder_is_encrypted(tmp_path, capsys, memory_keyring):
    from desktop.keys import stored_key
    from models.db import close_database, is_encrypted, open_database
    from models.encryption import recovery_text

    plain = tmp_path / "plain.db"
    open_database(plain)  # an organisation's own register, from before encryption
    close_database()
    folder = tmp_path / "new-computer"
    assert main(["--data-dir", str(folder), "restore", str(plain)]) == 0
    assert is_encrypted(folder / "rapport.db")
    key = stored_key(folder)
    assert f"Recovery key: {recovery_text(key)}" in capsys.readouterr().err
