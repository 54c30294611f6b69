"""Half-written files a killed backup or restore leaves are swept away at the next start."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from desktop.backups import LEFTOVER_AGE, sweep_leftovers
from desktop.cli import main

ROOT = Path(__file__).resolve().parents[2]

# Runs a backup or a restore in a child process that stops, as if killed, once its hidden
# file is fully written but before it is renamed into place.
KILLED = """
import sys, time
from pathlib import Path
import models.db, desktop.backups
from desktop.backups import restore_backup, take_backup
from desktop.session import open_data_folder

def stall(path):
    print(path, flush=True)
    time.sleep(600)

models.db.flush_to_disk = stall
desktop.backups.flush_to_disk = stall
desktop.backups._write_into = lambda staging, path, key: stall(staging)
work, folder = sys.argv[1], Path(sys.argv[2])
open_data_folder(folder)
if work == "backup":
    take_backup(folder, "manual")
else:
    restore_backup(folder, Path(sys.argv[3]), None)
"""


def killed(work: str, *args: Path) -> Path:
    """Run `work` in a child, kill it at its stall, and return the file it left."""
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED, work, *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        left = Path(child.stdout.readline().strip())
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        child.stdout.close()
    assert left.name.startswith("."), left
    assert left.exists()
    return left


def age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    os.utime(path, (when, when))


def test_a_killed_backup_and_restore_leave_files_that_the_next_start_removes(
    demo_db, data_dir, capsys
):
    del demo_db
    backup = data_dir / "kept.db"
    shutil.copy(data_dir / "rapport.db", backup)
    leftovers = [
        killed("backup", data_dir),
        killed("restore", data_dir, backup),
    ]
    young = data_dir / "backups" / ".rapport-manual-20261125-103000.db.part"
    young.write_bytes(b"a backup command is still writing this")
    for path in leftovers:
        age(path, LEFTOVER_AGE + 1)
    services = data_dir.parent / "services.csv"
    services.write_text("name\nPost\n", encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "import", "services", str(services)]) == 0
    assert not any(path.exists() for path in leftovers)
    assert young.exists()  # not old enough to be a leftover: it may still be being written
    assert backup.exists() and (data_dir / "rapport.db").exists()


def test_a_sweep_keeps_backups_and_settings_and_says_what_it_removed(data_dir, tmp_path):
    backups = data_dir / "backups"
    backups.mkdir()
    kept = [
        backups / "rapport-daily-20261124-170000.db",
        backups / "rapport-daily-20261124-170000.db.json",
        data_dir / "rapport.db",
        data_dir / "backup.json",
        data_dir / "notes.part",  # not hidden: not one of Rapport's
    ]
    stale = [
        backups / ".rapport-daily-20261125-090000.db.part",
        backups / ".rapport-daily-20261125-090000.db.part-journal",
        data_dir / ".rapport.db.restoring",
        data_dir / ".rapport.db.restoring-journal",
        data_dir / ".backup.json.part",
        data_dir / ".rapport.db.encrypting",
        backups / "rapport-damaged-20261125-090000.db.part",
        backups / "rapport-damaged-20261125-090000.db-wal.part",
    ]
    for path in kept + stale:
        path.write_bytes(b"x")
    removed = sweep_leftovers(data_dir, now=time.time() + LEFTOVER_AGE + 5)
    assert sorted(removed) == sorted(stale)
    assert all(path.exists() for path in kept)
