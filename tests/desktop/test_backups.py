"""Backups: taken whole and encrypted, rotated, listed, and restored row for row."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from desktop import backups
from desktop.backups import (
    CLOSING,
    DAILY,
    MANUAL,
    Backup,
    Retention,
    backup_folder,
    changed_since_backup,
    daily_backup_due,
    inspect_backup,
    list_backups,
    restore_backup,
    set_backup_folder,
    take_backup,
    to_remove,
)
from desktop.cli import main
from models import clock
from models.base import database
from models.db import close_database, is_encrypted, open_database
from models.encryption import new_key
from models.errors import KnownError
from models.integrity import record_counts
from models.operations import soft_delete, update
from models.register import Customer
from models.schema import ALL_MODELS
from tests.models.test_encryption import plant_secrets, readable


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, deleted ones too, in a stable order: what must come back."""
    return {
        model._meta.table_name: sorted(
            tuple(str(value) for value in row) for row in model.select().tuples()
        )
        for model in ALL_MODELS
    }


def test_backup_then_restore_round_trips_every_row(demo_db, data_dir, fixed_clock):
    before = every_row()
    backup = take_backup(data_dir, MANUAL)
    assert backup.counts == record_counts()
    fixed_clock.advance(minutes=5)
    customer = Customer.live().order_by(Customer.name).first()
    update(customer, name="Renamed After The Backup")
    soft_delete(Customer.live().order_by(Customer.name.desc()).first())
    Customer.create(name="New After The Backup", kind="colleague")
    assert every_row() != before

    restored = restore_backup(data_dir, backup.path, key=None)

    assert every_row() == before
    assert restored.backup.counts == backup.counts
    kept = restored.kept
    assert kept is not None and kept.exists() and "before-restore" in kept.name
    open_database(kept, upgrade=False)  # the replaced data is still there to go back to
    assert Customer.get(Customer.name == "New After The Backup")
    close_database()


def test_an_encrypted_backup_is_encrypted_with_the_same_key_and_restores(data_dir):
    key = new_key()
    open_database(data_dir / "rapport.db", key=key)
    plant_secrets()
    before = every_row()
    backup = take_backup(data_dir, DAILY)
    assert is_encrypted(backup.path)
    for file in (backup.path, backup.path.with_name(f"{backup.path.name}.json")):
        assert readable(file) == [], file
    Customer.delete().execute()

    restore_backup(data_dir, backup.path, key=key)

    assert database.obj.encrypted
    assert every_row() == before


def test_a_backup_made_with_another_key_is_refused_with_a_message(data_dir):
    open_database(data_dir / "rapport.db", key=new_key())
    Customer.create(name="Someone", kind="colleague")
    backup = take_backup(data_dir, MANUAL)
    close_database()
    with pytest.raises(KnownError, match="encrypted with a different key"):
        inspect_backup(backup.path, new_key())
    with pytest.raises(KnownError, match="has no key to open it"):
        inspect_backup(backup.path, None)


def test_restoring_something_that_is_not_a_backup_changes_nothing(demo_db, data_dir):
    before = every_row()
    junk = data_dir / "notes.db"
    junk.write_text("shopping list " * 100)
    with pytest.raises(KnownError, match="cannot be read as a Rapport database"):
        restore_backup(data_dir, junk, key=None)
    with pytest.raises(KnownError, match="no such file"):
        restore_backup(data_dir, data_dir / "missing.db", key=None)
    assert every_row() == before
    assert list_backups(data_dir) == []  # nothing was kept because nothing was replaced


def test_a_damaged_backup_is_refused_and_the_database_is_untouched(demo_db, data_dir):
    backup = take_backup(data_dir, MANUAL)
    data = bytearray(backup.path.read_bytes())
    data[40 * 4096 : 60 * 4096] = b"\xa5" * (20 * 4096)
    backup.path.write_bytes(bytes(data))
    before = every_row()
    with pytest.raises(KnownError, match=r"is damaged \(.*\); it cannot be restored"):
        restore_backup(data_dir, backup.path, key=None)
    assert every_row() == before


def test_restoring_over_a_damaged_database_keeps_the_damaged_files(demo_db, data_dir):
    backup = take_backup(data_dir, MANUAL)
    before = every_row()
    close_database()
    path = data_dir / "rapport.db"
    path.write_bytes(b"\x00" * 8192)  # the disk lost it
    restored = restore_backup(data_dir, backup.path, key=None)
    assert every_row() == before
    assert restored.kept is not None and "damaged" in restored.kept.name
    assert restored.kept.read_bytes() == b"\x00" * 8192


def test_a_backup_from_an_older_schema_is_upgraded_after_restoring(data_dir):
    fixture = Path(__file__).parents[1] / "fixtures" / "schema-v1.db"
    old = data_dir / "old-backup.db"
    shutil.copy(fixture, old)
    open_database(data_dir / "rapport.db")
    restore_backup(data_dir, old, key=None)
    from models.migrations import SCHEMA_VERSION

    assert database.execute_sql("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def at(text: str, reason: str = DAILY) -> Backup:
    return Backup(Path(f"{text}-{reason}.db"), datetime.fromisoformat(text), reason)


def test_rotation_keeps_the_newest_of_7_days_4_weeks_and_12_months():
    # Every day at 17:00 and on closing at 18:00 from 1 Jan 2025 to 25 Nov 2026, plus hand-made
    # ones, which rotation never touches.
    start = datetime(2025, 1, 1, 17)
    daily = [at((start + timedelta(days=n)).isoformat()) for n in range(694)]
    closing = [at((start + timedelta(days=n, hours=1)).isoformat(), CLOSING) for n in range(694)]
    manual = [at("2025-03-03T09:00:00", MANUAL), at("2024-01-01T09:00:00", MANUAL)]
    everything = daily + closing + manual

    removed = {b.path for b in to_remove(everything)}
    kept = sorted(b.taken for b in everything if b.path not in removed and b.automatic)

    last_day = datetime(2026, 11, 25, 18)
    days = [last_day - timedelta(days=n) for n in range(7)]  # 19–25 Nov, on closing
    # weeks (Monday to Sunday): 23–29 and 16–22 Nov are already kept by 25 and 22 Nov; then
    # the Sundays that end the two weeks before
    weeks = [datetime(2026, 11, 15, 18), datetime(2026, 11, 8, 18)]
    # months: November is already kept by 25 Nov; then October back to December 2025
    months = [
        datetime(2026, 10, 31, 18),
        datetime(2026, 9, 30, 18),
        datetime(2026, 8, 31, 18),
        datetime(2026, 7, 31, 18),
        datetime(2026, 6, 30, 18),
        datetime(2026, 5, 31, 18),
        datetime(2026, 4, 30, 18),
        datetime(2026, 3, 31, 18),
        datetime(2026, 2, 28, 18),
        datetime(2026, 1, 31, 18),
        datetime(2025, 12, 31, 18),
    ]
    assert kept == sorted(days + weeks + months)
    assert len(kept) == 7 + 2 + 11
    assert not {b.path for b in manual} & removed


def test_rotation_with_few_backups_keeps_them_all():
    few = [at("2026-11-20T17:00:00"), at("2026-11-24T17:00:00"), at("2026-11-25T17:00:00")]
    assert to_remove(few) == []
    assert to_remove(few, Retention(daily=1, weekly=1, monthly=1)) == [few[1], few[0]]
    assert to_remove(few, Retention(daily=2, weekly=1, monthly=1)) == [few[0]]
    assert to_remove(few, Retention(daily=2, weekly=2, monthly=1)) == []  # 20 Nov: a week


def test_automatic_backups_are_rotated_on_disk(demo_db, data_dir, fixed_clock, monkeypatch):
    monkeypatch.setattr(backups, "KEEP", Retention(daily=2, weekly=0, monthly=0))
    hand_made = take_backup(data_dir, MANUAL)
    taken = []
    for _ in range(4):
        fixed_clock.advance(days=1)
        taken.append(take_backup(data_dir, DAILY))
    on_disk = sorted(path.name for path in backup_folder(data_dir).iterdir())
    expected = [taken[2].path, taken[3].path, hand_made.path]
    assert on_disk == sorted(name for path in expected for name in (path.name, f"{path.name}.json"))


def test_a_daily_backup_is_due_once_a_day(demo_db, data_dir, fixed_clock):
    assert daily_backup_due(data_dir)
    take_backup(data_dir, MANUAL)
    assert daily_backup_due(data_dir)  # a hand-made one is not the automatic one
    take_backup(data_dir, DAILY)
    assert not daily_backup_due(data_dir)
    fixed_clock.advance(days=1)
    assert daily_backup_due(data_dir)


def test_closing_backs_up_only_what_changed_since_the_last_backup(demo_db, data_dir, fixed_clock):
    assert not changed_since_backup(data_dir)  # the demo wrote no history: nothing new
    Customer.create(name="Just Added", kind="colleague")
    update(Customer.get(Customer.name == "Just Added"), job_title="Clerk")
    assert changed_since_backup(data_dir)
    fixed_clock.advance(seconds=1)
    take_backup(data_dir, CLOSING)
    assert not changed_since_backup(data_dir)


def test_backups_go_to_the_chosen_folder_and_are_listed_newest_first(
    demo_db, data_dir, tmp_path, fixed_clock
):
    elsewhere = tmp_path / "OneDrive" / "Rapport backups"
    first = take_backup(data_dir, MANUAL)
    set_backup_folder(data_dir, elsewhere)
    fixed_clock.advance(hours=1)
    second = take_backup(data_dir, DAILY)
    assert second.path.parent == elsewhere
    listed = list_backups(data_dir)
    assert [b.path for b in listed] == [second.path, first.path]
    assert listed[0].reason_text == "Automatic (daily)"
    assert listed[0].counts_text.startswith("300 customers, 16 services, 3,000 requests")
    set_backup_folder(data_dir, None)
    assert backup_folder(data_dir) == data_dir / "backups"


def test_a_backup_folder_that_cannot_be_written_is_refused(data_dir, tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    with pytest.raises(KnownError, match="Backups cannot be written to"):
        set_backup_folder(data_dir, a_file / "sub")
    assert backup_folder(data_dir) == data_dir / "backups"


def test_backups_from_before_descriptions_are_listed_by_their_names(demo_db, data_dir):
    from models.db import backup_copy

    clock_time = clock.now().replace(microsecond=0)
    path = backup_copy(demo_db, data_dir / "rapport.db", reason="before-schema-4")
    (listed,) = list_backups(data_dir)
    assert listed.path == path
    assert listed.taken == clock_time
    assert listed.reason_text == "Before the upgrade to schema 4"


def test_backup_and_restore_commands(demo_db, data_dir, capsys, tmp_path):
    close_database()
    target = tmp_path / "usb"
    assert main(["--data-dir", str(data_dir), "backup", "--to", str(target)]) == 0
    out = capsys.readouterr().out
    (made,) = target.glob("*.db")
    assert f"Backed up to {made}" in out
    assert "300 customers" in out

    open_database(data_dir / "rapport.db")
    Customer.update(name="Overwritten").execute()
    close_database()
    assert main(["--data-dir", str(data_dir), "restore", str(made)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "kept in" in out
    assert Customer.select().where(Customer.name == "Overwritten").count() == 0
    assert Customer.select().count() == 300

    assert main(["--data-dir", str(data_dir), "restore", str(tmp_path / "nothing.db")]) == 1
    assert "there is no such file" in capsys.readouterr().err


def test_a_connection_already_open_sees_the_restore_and_its_writes_land_in_it(demo_db, data_dir):
    from models.db import open_file

    backup = take_backup(data_dir, MANUAL)
    Customer.update(name="Overwritten").execute()
    other = open_file(data_dir / "rapport.db", None)  # another program, open throughout
    assert other.execute_sql("SELECT COUNT(*) FROM customer WHERE name = 'Overwritten'").fetchone()
    restore_backup(data_dir, backup.path, key=None)
    seen = other.execute_sql("SELECT COUNT(*) FROM customer WHERE name = 'Overwritten'")
    assert seen.fetchone() == (0,)
    other.execute_sql("UPDATE customer SET job_title = 'Written after' WHERE rowid = 1")
    other.close()
    assert Customer.select().where(Customer.job_title == "Written after").count() == 1


def test_restoring_onto_a_new_computer_makes_the_data_folder(demo_db, data_dir, tmp_path, capsys):
    backup = take_backup(data_dir, MANUAL)
    close_database()
    new_folder = tmp_path / "new-computer" / "Rapport"
    assert main(["--data-dir", str(new_folder), "restore", str(backup.path)]) == 0
    assert "300 customers" in capsys.readouterr().out
    assert Customer.select().count() == 300


def test_a_backup_sqlite_cannot_write_gets_a_message(demo_db, data_dir, capsys):
    unwritable = Path("/proc/sys")  # a folder that exists, where no file can be made
    if not unwritable.is_dir():
        pytest.skip("needs /proc")
    close_database()
    assert main(["--data-dir", str(data_dir), "backup", "--to", str(unwritable)]) == 1
    error = capsys.readouterr().err
    assert "The backup could not be written to /proc/sys/" in error
    assert "Traceback" not in error


def test_descriptions_and_settings_that_are_not_rapports_do_not_stop_the_list(demo_db, data_dir):
    good = take_backup(data_dir, MANUAL)
    folder = backup_folder(data_dir)
    for name, text in (
        ("rapport-daily-20261101-170000.db", '{"taken": "2026-11-01T17:00:00+00:00", '
         '"reason": "daily"}'),
        ("rapport-daily-20261102-170000.db", "{not json"),
        ("rapport-daily-20261103-170000.db", '{"taken": 5, "reason": [], "counts": 7}'),
    ):  # fmt: skip
        (folder / name).write_bytes(good.path.read_bytes())
        (folder / f"{name}.json").write_text(text)
    (data_dir / "backup.json").write_text('{"folder": 5, "automatic": "yes"}')
    listed = list_backups(data_dir)
    assert len(listed) == 4
    assert listed[-1].taken == datetime(2026, 11, 1, 17)
    assert backup_folder(data_dir) == data_dir / "backups"
    assert not daily_backup_due(data_dir, datetime(2026, 11, 3).date())


def test_two_databases_sharing_a_backup_folder_keep_each_others_backups(
    small_demo_template, tmp_path, fixed_clock, monkeypatch
):
    shared = tmp_path / "OneDrive" / "backups"
    monkeypatch.setattr(backups, "KEEP", Retention(daily=1, weekly=0, monthly=0))
    made = {}
    for name in ("office", "demo"):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(small_demo_template, folder / "rapport.db")
        set_backup_folder(folder, shared)
        open_database(folder / "rapport.db")
        made[name] = take_backup(folder, DAILY)
        close_database()
        fixed_clock.advance(days=1)
    assert made["office"].path.exists()  # the demo's rotation left the office's alone
    open_database(tmp_path / "office" / "rapport.db")
    take_backup(tmp_path / "office", DAILY)
    assert not made["office"].path.exists()  # but its own rotation does not
    assert made["demo"].path.exists()
