"""The process that test_crash_safety.py kills: the import command, or a large edit, saying on
standard output how far it has got so that the test can kill it at a known point.

    python -m tests.desktop.crash_worker import [--small-cache] -- CLI-ARGUMENTS...
    python -m tests.desktop.crash_worker edit [--small-cache] DATA-DIR

`import` runs the command line's own `main` (so `import KIND FILE` is the real command), with
the import pipeline's progress reported as lines: "Checking rows 0.50", then "Writing 0.00"
before its transaction begins and "Writing 1.00" once every row is written but not yet
committed. `edit` merges every department into the first, in one transaction, with a line after
each merge. The lines before a transaction begins give the size of the write-ahead log then
("wal=N", so the test knows which of the log's frames belong to the change) and the database
file's size and modification time ("db=SIZE:NANOSECONDS", so it knows whether a checkpoint has
written it since).

--small-cache gives SQLite a page cache of a quarter of a megabyte instead of 64 MiB, so that a
transaction spills its uncommitted pages into the write-ahead log as it goes, as one larger than
the cache would: a kill then leaves uncommitted frames in the log.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

SMALL_CACHE_KIB = 256


def say(text: str) -> None:
    print(text, flush=True)


def wal_bytes() -> int:
    """The size of the open database's write-ahead log (0 when there is none)."""
    from models.base import database

    try:
        return os.stat(f"{database.obj.database}-wal").st_size
    except FileNotFoundError:
        return 0


def database_state() -> str:
    """The database file's size and modification time, which only a checkpoint changes."""
    from models.base import database

    found = os.stat(database.obj.database)
    return f"{found.st_size}:{found.st_mtime_ns}"


def use_small_cache() -> None:
    from models import db

    db.PRAGMAS["cache_size"] = -SMALL_CACHE_KIB  # read when the database is opened


def report_checking(stage: str, fraction: float, shown: dict[str, int]) -> None:
    """Each tenth of each stage once (reading the file, then checking its rows)."""
    tenth = int(fraction * 10 + 1e-9)
    if tenth > shown.get(stage, 0):
        shown[stage] = tenth
        say(f"{stage} {tenth / 10:.2f}")


def run_import(argv: Sequence[str]) -> int:
    """The command line's `main`, with the import pipeline reporting its progress."""
    from desktop import cli, importing

    check_file: Callable[..., Any] = importing.check_file
    apply_plan: Callable[..., Any] = importing.apply_plan

    def checking(kind: Any, path: Path, progress: Any = None) -> Any:
        shown: dict[str, int] = {}
        say("Checking rows 0.00")
        return check_file(
            kind, path, lambda stage, fraction: report_checking(stage, fraction, shown)
        )

    def writing(kind: Any, plan: Any, progress: Any = None) -> Any:
        def report(stage: str, fraction: float) -> None:
            state = f" db={database_state()}" if fraction == 0 else ""
            say(f"{stage} {fraction:.2f} wal={wal_bytes()}{state}")

        written = apply_plan(kind, plan, report)
        say(f"Committed wal={wal_bytes()}")
        return written

    importing.check_file = checking  # import_file calls both through the module
    importing.apply_plan = writing
    return cli.main(list(argv))


def run_edit(data_dir: Path) -> int:
    """Merge every department into the first by name: one transaction moving every customer,
    request, complaint, feedback item, standard and agreement, as one reorganisation."""
    from desktop.session import open_data_folder
    from models.base import database
    from models.db import close_database
    from models.register import Department, merge_departments

    open_data_folder(data_dir)
    departments = list(Department.live().order_by(Department.name))
    keep, others = departments[0], departments[1:]
    began = f"wal={wal_bytes()} db={database_state()}"
    say(f"Started {began}: merging {len(others)} departments into {keep.name}")
    with database.atomic():
        for number, other in enumerate(others, start=1):
            merge_departments(keep, other)
            say(f"Merged {number}/{len(others)}")
        say(f"Committing wal={wal_bytes()}")
    say(f"Committed wal={wal_bytes()}")
    close_database()
    say("Closed")
    return 0


def main(argv: Sequence[str]) -> int:
    command, *rest = argv
    if "--small-cache" in rest:
        rest.remove("--small-cache")
        use_small_cache()
    if command == "import":
        if rest[:1] == ["--"]:
            rest = rest[1:]
        return run_import(rest)
    if command == "edit":
        return run_edit(Path(rest[0]))
    raise SystemExit(f"crash_worker: unknown command {command!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
