"""Crash safety, tested: a process killed (SIGKILL) in the middle of a large import or a large
edit leaves a database that passes the integrity check and holds all of the change or none.

Each kill point is a known place in the work, not a lucky moment: the child (crash_worker.py)
says how far it has got ("Checking rows 0.50", "Writing 0.00", "Merged 12/23", "Committing")
and the test watches its files (how much of the change the write-ahead log holds, whether the
checkpoint has begun copying it into the database file), then kills it there. The test fails,
rather than passing by luck, if the child finishes before its kill point.

After the kill, the files themselves say which outcome is right: the change must be there
exactly when its commit record reached the write-ahead log (or the checkpoint had begun writing
the database file); the database is then checked (SQLite's integrity check, the foreign keys,
the schema) and compared, table by table, with the database before and after an uninterrupted
run. Plain and encrypted databases both.
"""

from __future__ import annotations

import hashlib
import os
import queue
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from models.db import close_database, open_database
from models.encryption import encrypt_database
from models.integrity import check_database

ROOT = Path(__file__).resolve().parents[2]
KEY = "c0ffee" * 10 + "beef"  # 64 hexadecimal digits
ROWS = 20_000  # customers in the large import: about 1.5 s to check and write here
TIMEOUT = 120  # seconds any one child may take before the test gives up on it

pytestmark = pytest.mark.slow


# --- Running the command line and the worker ------------------------------------------------


def child_env(key: str | None) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    env.pop("RAPPORT_DB_KEY", None)
    env.pop("RAPPORT_DATA_DIR", None)
    if key is not None:
        env["RAPPORT_DB_KEY"] = key
    return env


def rapport(*args: str, key: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python main.py ARGS`, to completion."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=child_env(key),
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"rapport {' '.join(args)} failed:\n{result.stderr}"
    return result


def import_argv(folder: Path, csv: Path, *, small_cache: bool = False) -> list[str]:
    worker = [sys.executable, "-m", "tests.desktop.crash_worker", "import"]
    cache = ["--small-cache"] if small_cache else []
    return [*worker, *cache, "--", "--data-dir", str(folder), "import", "customers", str(csv)]


def edit_argv(folder: Path, *, small_cache: bool = False) -> list[str]:
    worker = [sys.executable, "-m", "tests.desktop.crash_worker", "edit"]
    return [*worker, *(["--small-cache"] if small_cache else []), str(folder)]


def database_of(folder: Path) -> Path:
    return folder / "rapport.db"


def wal_of(folder: Path) -> Path:
    return folder / "rapport.db-wal"


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def file_state(path: Path) -> tuple[int, int]:
    found = path.stat()
    return found.st_size, found.st_mtime_ns


def copy_database(source: Path, folder: Path) -> Path:
    """A private copy of the database file alone (its template was closed: no log beside it)."""
    assert not wal_of(source.parent).exists(), "a template must not have a write-ahead log"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, database_of(folder))
    return folder


class Child:
    """A worker process, its output lines read as they come (by a thread, so that waiting for
    a line never blocks watching the files)."""

    def __init__(self, argv: list[str], *, key: str | None, log: Path) -> None:
        self._stderr = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            env=child_env(key),
        )
        self.log = log
        self.lines: list[str] = []
        self.ended = False
        self._queue: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def take_lines(self, wait: float = 0.0) -> bool:
        """Move the lines printed so far into `lines` (waiting up to `wait` for the first);
        False once the output has ended."""
        if self.ended:
            return False
        try:
            got = self._queue.get(timeout=wait) if wait else self._queue.get_nowait()
            while got is not None:
                self.lines.append(got)
                got = self._queue.get_nowait()
        except queue.Empty:
            return True
        self.ended = True
        return False

    def finish(self) -> int:
        """Wait for the process (killed or not) and every line it printed."""
        code = self.proc.wait(timeout=TIMEOUT)
        self._reader.join(timeout=TIMEOUT)
        self.take_lines(wait=TIMEOUT)  # the reader has queued all of them, then the end
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._stderr.close()
        return code

    def errors(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def said(self, prefix: str, name: str) -> str | None:
        """NAME=VALUE from the first line beginning `prefix` (None if there is none yet)."""
        for line in self.lines:
            if line.startswith(prefix):
                found = re.search(rf"\b{name}=(\d+(?::\d+)?)", line)
                assert found, f"no {name}= in {line!r}"
                return found[1]
        return None

    def begun_at(self) -> int | None:
        """Where in the write-ahead log the change's transaction began, from the line printed
        just before it ("Writing 0.00 wal=N", "Started wal=N"); None if it has not begun."""
        found = self.said("Writing 0.00", "wal") or self.said("Started", "wal")
        return None if found is None else int(found)

    def begin_state(self) -> tuple[int, int] | None:
        """The database file's size and modification time when the transaction began."""
        found = self.said("Writing 0.00", "db") or self.said("Started", "db")
        if found is None:
            return None
        size, nanoseconds = found.split(":")
        return int(size), int(nanoseconds)

    def logged_at(self, prefix: str) -> int:
        found = self.said(prefix, "wal")
        assert found is not None, f"the child never printed {prefix!r}: {self.lines[-5:]}"
        return int(found)


# --- What the files say -----------------------------------------------------------------


def commit_in_wal(wal: Path, start: int) -> bool:
    """Whether the write-ahead log holds a whole commit frame at or after byte `start`.

    The log is a 32-byte header (page size at byte 8, salts at 16..24) and frames of a 24-byte
    header (commit frames give the database's size in pages at byte 4) and one page. A frame
    counts only if it is whole and carries the header's salts (else it is left over from an
    earlier use of the file). SIGKILL loses no written data, so checksums are not needed here.
    """
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return False
    if len(data) < 32:
        return False
    page_size = struct.unpack(">I", data[8:12])[0]
    salts = data[16:24]
    frame = 24 + page_size
    for offset in range(32, len(data) - frame + 1, frame):
        header = data[offset : offset + 24]
        if header[8:16] != salts:
            break
        if offset >= start and struct.unpack(">I", header[4:8])[0] != 0:
            return True
    return False


def fingerprint(db: Any) -> dict[str, Any]:
    """What the database holds, in a form that is equal for equal contents: every table's
    row count, the departments, where every link to a department points, the customers and
    the requests' due moments (record ids that differ from run to run left out)."""
    from models.register import Department

    tables = [
        name
        for (name,) in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]
    found: dict[str, Any] = {
        f"rows in {table}": db.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
        for table in sorted(tables)
    }
    for link in Department._meta.backrefs:
        table, column = link.model._meta.table_name, link.column_name
        found[f"{table}.{column}"] = db.execute_sql(
            f'SELECT "{column}", COUNT(*) FROM "{table}" GROUP BY 1 ORDER BY 1'
        ).fetchall()
    queries = {
        "departments": "SELECT id, name, deleted_at IS NULL FROM department ORDER BY id",
        "customers": "SELECT name, email, department_id, deleted_at IS NULL FROM customer "
        "ORDER BY email, name, department_id",
        "requests": "SELECT id, department_id, response_standard_id, response_due, "
        "completion_standard_id, completion_due FROM service_request ORDER BY id",
    }
    for name, sql in queries.items():
        rows = db.execute_sql(sql).fetchall()
        found[name] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return found


@dataclass
class Examined:
    problems: list[str]
    fingerprint: dict[str, Any]


def examine(folder: Path, key: str | None) -> Examined:
    """Open the database as `check` does (changing nothing but what SQLite's own recovery of
    the write-ahead log does), run the checks and take its fingerprint."""
    path = database_of(folder)
    db = open_database(path, key=key, upgrade=False)
    try:
        report = check_database(db, path)
        found = {**fingerprint(db), "live": report.counts} if report.ok else {}
    finally:
        close_database()
    return Examined(report.problems, found)


def differences(found: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    return [
        f"{name}: {found.get(name)!r:.80} instead of {wanted.get(name)!r:.80}"
        for name in sorted(set(found) | set(wanted))
        if found.get(name) != wanted.get(name)
    ]


# --- The data: built once, copied for every kill point ----------------------------------


@dataclass
class Calibration:
    """An uninterrupted run: what the database holds after it, and how much it writes."""

    after: dict[str, Any]
    wal_bytes: int  # the change's frames in the write-ahead log
    growth: int  # how much the database file grew (the checkpoint's copying)
    seconds: float
    folder: Path


@dataclass
class Lab:
    root: Path
    demo: Path  # the plain demo database
    customers_csv: Path
    templates: dict[str, Path] = field(default_factory=dict)
    befores: dict[str, dict[str, Any]] = field(default_factory=dict)
    calibrations: dict[str, Calibration] = field(default_factory=dict)

    def key(self, encrypted: bool) -> str | None:
        return KEY if encrypted else None

    def template(self, work: str, encrypted: bool) -> Path:
        """The database an import (the demo) or an edit (the demo plus the import) starts from."""
        name = f"{work}-{'encrypted' if encrypted else 'plain'}"
        if name not in self.templates:
            if work == "import" and not encrypted:
                path = self.demo
            elif work == "import":
                folder = copy_database(self.demo, self.root / name)
                encrypt_database(database_of(folder), KEY)
                shutil.rmtree(folder / "backups", ignore_errors=True)
                path = database_of(folder)
            else:
                path = database_of(self.calibration("import", encrypted).folder)
            self.templates[name] = path
            self.befores[name] = examine(path.parent, self.key(encrypted)).fingerprint
        return self.templates[name]

    def before(self, work: str, encrypted: bool) -> dict[str, Any]:
        self.template(work, encrypted)
        return self.befores[f"{work}-{'encrypted' if encrypted else 'plain'}"]

    def argv(self, work: str, folder: Path, *, small_cache: bool = False) -> list[str]:
        if work == "import":
            return import_argv(folder, self.customers_csv, small_cache=small_cache)
        return edit_argv(folder, small_cache=small_cache)

    def calibration(self, work: str, encrypted: bool) -> Calibration:
        name = f"{work}-{'encrypted' if encrypted else 'plain'}"
        if name not in self.calibrations:
            template = self.template(work, encrypted)
            folder = copy_database(template, self.root / f"{name}-whole")
            started = time.perf_counter()
            child = Child(
                self.argv(work, folder), key=self.key(encrypted), log=folder / "stderr.txt"
            )
            assert child.finish() == 0, f"the uninterrupted {name} failed:\n{child.errors()}"
            seconds = time.perf_counter() - started
            begun = child.begun_at()
            assert begun is not None, child.lines
            wal_bytes = child.logged_at("Committed") - begun
            if work == "import":
                assert f"imported {ROWS} customers" in child.lines[-1], child.lines
            (folder / "stderr.txt").unlink()
            examined = examine(folder, self.key(encrypted))
            assert examined.problems == []
            assert examined.fingerprint != self.before(work, encrypted)
            growth = database_of(folder).stat().st_size - template.stat().st_size
            self.calibrations[name] = Calibration(
                examined.fingerprint, wal_bytes, growth, seconds, folder
            )
        return self.calibrations[name]


def many_customers(exported: Path, target: Path, rows: int) -> None:
    """The demo's customers, repeated with new names and email addresses to `rows` rows."""
    import csv

    with exported.open(encoding="utf-8-sig", newline="") as file:
        header, *customers = list(csv.reader(file))
    name, email = header.index("name"), header.index("email")
    with target.open("w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(header)
        for number in range(rows):
            row = list(customers[number % len(customers)])
            row[name] = f"{row[name]} {number}"
            row[email] = f"customer.{number}@crash-test.example"
            out.writerow(row)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    root = tmp_path_factory.mktemp("crash-safety")
    demo = root / "demo"
    rapport("--data-dir", str(demo), "demo", "--size", "small")
    exported = root / "customers-demo.csv"
    rapport("--data-dir", str(demo), "export", "customers", str(exported))
    csv = root / "customers-large.csv"
    many_customers(exported, csv, ROWS)
    yield Lab(root, database_of(demo), csv)
    close_database()


# --- Kill points ------------------------------------------------------------------------


@dataclass(frozen=True)
class KillPoint:
    """Where to kill: once the child has printed a line beginning `line`, and then (if given)
    once the write-ahead log holds `wal` of a whole run's change, the database file has grown
    by `growth` of a whole run's growth, or (`checkpoint`) the database file has changed at
    all. `expect` is the outcome the point must give ("none" or "all"); None where the files
    decide it (the commit record may or may not have been written)."""

    id: str
    line: str
    wal: float = 0.0
    growth: float = 0.0
    checkpoint: bool = False
    expect: str | None = None
    small_cache: bool = False
    encrypted: bool = False
    check_command: bool = False  # let the `check` command be the first to open the remains


IMPORT_POINTS = [
    KillPoint("checking-half-the-rows", "Checking rows 0.50", expect="none"),
    KillPoint("inserting-in-the-transaction", "Writing 0.00", expect="none"),
    KillPoint("all-rows-inserted-not-committed", "Writing 1.00"),
    KillPoint("commit-tenth-of-the-log-written", "Writing 1.00", wal=0.1),
    KillPoint("commit-half-of-the-log-written", "Writing 1.00", wal=0.5, check_command=True),
    KillPoint("commit-nine-tenths-of-the-log-written", "Writing 1.00", wal=0.9),
    KillPoint("checkpoint-tenth-copied", "Writing 1.00", growth=0.1, expect="all"),
    KillPoint("checkpoint-half-copied", "Writing 1.00", growth=0.5, expect="all"),
    KillPoint(
        "small-cache-uncommitted-pages-in-the-log",
        "Writing 0.00",
        wal=0.4,
        expect="none",
        small_cache=True,
    ),
    KillPoint(
        "encrypted-inserting-in-the-transaction",
        "Writing 0.00",
        expect="none",
        encrypted=True,
        check_command=True,
    ),
    KillPoint("encrypted-commit-half-of-the-log-written", "Writing 1.00", wal=0.5, encrypted=True),
    KillPoint(
        "encrypted-checkpoint-half-copied",
        "Writing 1.00",
        growth=0.5,
        expect="all",
        encrypted=True,
        check_command=True,
    ),
]

EDIT_POINTS = [
    KillPoint("after-the-first-merge", "Merged 1/", expect="none"),
    KillPoint("after-half-the-merges", "Merged 12/", expect="none"),
    KillPoint("every-merge-done-not-committed", "Committing"),
    KillPoint("commit-half-of-the-log-written", "Committing", wal=0.5, check_command=True),
    KillPoint("checkpoint-begun", "Committing", checkpoint=True, expect="all"),
    KillPoint(
        "small-cache-uncommitted-pages-in-the-log",
        "Merged 12/",
        expect="none",
        small_cache=True,
    ),
    KillPoint("encrypted-after-half-the-merges", "Merged 12/", expect="none", encrypted=True),
    KillPoint(
        "encrypted-commit-half-of-the-log-written",
        "Committing",
        wal=0.5,
        encrypted=True,
        check_command=True,
    ),
]


@dataclass
class Kill:
    """What the test saw when it killed the child."""

    wal_bytes: int  # of the change, in the write-ahead log, just before the kill
    database_changed: bool  # whether the checkpoint had begun writing the database file
    lines: list[str]


def kill_at(child: Child, point: KillPoint, folder: Path, calibration: Calibration) -> Kill:
    """Kill the child at `point`; fails if it finishes first or never gets there."""
    database, wal = database_of(folder), wal_of(folder)
    seen_line = reached = False
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if not seen_line:  # wait for the line, without spinning
            running = child.take_lines(wait=0.05)
            seen_line = any(line.startswith(point.line) for line in child.lines)
            if not seen_line:
                if not running or child.proc.poll() is not None:
                    break
                continue
        if files_reached(point, child, database, wal, calibration):
            reached = True
            child.proc.kill()  # does nothing if it has just exited: then the code below is 0
            break
        if child.proc.poll() is not None:
            break
    else:
        child.proc.kill()
    code = child.finish()
    what = f"{point.id}: the child's last lines were {child.lines[-3:]}\n{child.errors()}"
    assert reached, f"the child never reached the kill point (exit status {code}). {what}"
    if code == 0:
        pytest.fail(f"the child finished before it was killed, so nothing was tested. {what}")
    if hasattr(signal, "SIGKILL"):
        assert code == -signal.SIGKILL, f"exit status {code}, not a kill. {what}"
    begun = child.begin_state()
    return Kill(
        wal_bytes=file_size(wal) - (child.begun_at() or 0),
        database_changed=begun is not None and file_state(database) != begun,
        lines=child.lines,
    )


def files_reached(
    point: KillPoint,
    child: Child,
    database: Path,
    wal: Path,
    calibration: Calibration,
) -> bool:
    """Whether the files show the child has got as far as `point` asks (after its line)."""
    if not (point.wal or point.growth or point.checkpoint):
        return True
    begun, untouched = child.begun_at(), child.begin_state()
    assert begun is not None and untouched is not None, "a file trigger needs a begun change"
    if point.wal and file_size(wal) - begun < point.wal * calibration.wal_bytes:
        return False
    state = file_state(database)
    if point.growth and state[0] - untouched[0] < point.growth * calibration.growth:
        return False
    return not point.checkpoint or state != untouched


def run_kill_point(lab: Lab, work: str, point: KillPoint, tmp_path: Path) -> None:
    key = lab.key(point.encrypted)
    calibration = lab.calibration(work, point.encrypted)
    before = lab.before(work, point.encrypted)
    folder = copy_database(lab.template(work, point.encrypted), tmp_path / "data")
    argv = lab.argv(work, folder, small_cache=point.small_cache)
    child = Child(argv, key=key, log=tmp_path / "stderr.txt")
    kill = kill_at(child, point, folder, calibration)

    begun = child.begun_at()
    committed = begun is not None and (
        kill.database_changed or commit_in_wal(wal_of(folder), begun)
    )
    if point.small_cache:  # the point is that uncommitted pages were in the log when killed
        assert kill.wal_bytes > 0 and not committed, kill
    if point.expect is not None:
        assert committed == (point.expect == "all"), (
            f"{point.id}: killed at {kill.lines[-1]!r} with {kill.wal_bytes} bytes of the "
            f"change in the log (database file changed: {kill.database_changed}), which is "
            f"not the place this point is about"
        )

    outcome = "all" if committed else "none"
    print(  # shown with -rA or -s: where each kill landed
        f"{point.id}: killed after {kill.lines[-1]!r} with {kill.wal_bytes:,} bytes of the "
        f"change in the log, database file written: {kill.database_changed}; expect {outcome}"
    )
    if point.check_command:
        checked = rapport("--data-dir", str(folder), "check", key=key)
        assert "Check passed" in checked.stdout
    examined = examine(folder, key)
    assert examined.problems == [], f"{point.id}: the database is damaged: {examined.problems}"
    wanted, other = (calibration.after, before) if committed else (before, calibration.after)
    if examined.fingerprint != wanted:
        partial = examined.fingerprint != other
        pytest.fail(
            f"{point.id}: the commit record {'was' if committed else 'was not'} written, so "
            f"the database should hold {outcome} of the change, but it holds "
            f"{'part of it' if partial else 'the opposite'}:\n  "
            + "\n  ".join(differences(examined.fingerprint, wanted))
        )


@pytest.mark.parametrize("point", IMPORT_POINTS, ids=lambda point: point.id)
def test_a_killed_import_leaves_all_of_the_file_or_none(lab, point, tmp_path):
    run_kill_point(lab, "import", point, tmp_path)


@pytest.mark.parametrize("point", EDIT_POINTS, ids=lambda point: point.id)
def test_a_killed_edit_leaves_all_of_it_or_none(lab, point, tmp_path):
    run_kill_point(lab, "edit", point, tmp_path)


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_the_import_and_edit_killed_above_change_the_database_when_left_to_finish(lab, encrypted):
    """Not vacuous: uninterrupted, the import adds every row and the edit merges every
    department, with their audit entries (so "none" above is not "it never worked")."""
    before_import = lab.before("import", encrypted)
    imported = lab.calibration("import", encrypted)
    assert imported.after["rows in customer"] == before_import["rows in customer"] + ROWS
    assert imported.after["rows in audit_entry"] == before_import["rows in audit_entry"] + ROWS
    edited = lab.calibration("edit", encrypted)
    assert imported.after["live"]["department"] > 20
    assert edited.after["live"]["department"] == 1
    assert len([d for d, _ in edited.after["customer.department_id"] if d is not None]) == 1
    assert imported.wal_bytes > 1_000_000 and edited.wal_bytes > 1_000_000
    print(
        f"import of {ROWS} customers: {imported.seconds:.1f} s, {imported.wal_bytes:,} bytes "
        f"logged; edit: {edited.seconds:.1f} s, {edited.wal_bytes:,} bytes logged"
    )
