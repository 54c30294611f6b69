"""Backups of a data folder's database: taken, listed, rotated and restored.

A backup is a consistent copy written by SQLite's VACUUM INTO, encrypted with the database's
own key, with a small description beside it (when, why, how many records) so that listing the
backups opens none of them. Automatic backups (daily while the window is open, and on closing)
are rotated: the newest of each of the last 7 days, 4 weeks and 12 months are kept. Backups
taken for a reason (by hand, before an upgrade or a restore) are never deleted by rotation.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from peewee import Database

from desktop.json_files import read_json, write_json
from desktop.paths import database_path
from models import clock
from models.audit import AuditEntry
from models.base import database
from models.db import (
    BACKUP_FOLDER,
    DATABASE_ERRORS,
    close_database,
    copy_to,
    flush_to_disk,
    is_encrypted,
    open_database,
    open_file,
    refuse_foreign_or_newer,
    upgrade_schema,
)
from models.encryption import export_encrypted
from models.errors import KnownError, Progress
from models.integrity import damage, record_counts
from models.migrations import SCHEMA_VERSION

log = logging.getLogger(__name__)
SETTINGS_FILE = "backup.json"  # in the data folder: readable before the database opens
STAMP = "%Y%m%d-%H%M%S"
DAILY, CLOSING, MANUAL, BEFORE_RESTORE, DAMAGED = (
    "daily",
    "closing",
    "manual",
    "before-restore",
    "damaged",
)
AUTOMATIC = frozenset({DAILY, CLOSING})
REASONS = {
    DAILY: "Automatic (daily)",
    CLOSING: "Automatic (on closing)",
    MANUAL: "Made by hand",
    BEFORE_RESTORE: "Before a restore",
    DAMAGED: "Damaged database, kept at a restore",
    "before-encryption": "Before encryption",
}
# What the list of backups shows of a backup's counts, in this order.
SHOWN_COUNTS = {
    "customer": "customers",
    "service": "services",
    "service_request": "requests",
    "complaint": "complaints",
    "feedback": "feedback",
    "improvement_action": "actions",
}


@dataclass(frozen=True)
class Retention:
    """How many automatic backups to keep: the newest of each of so many days, weeks, months."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 12


KEEP = Retention()


@dataclass(frozen=True)
class Backup:
    """One backup file and what is known about it."""

    path: Path
    taken: datetime
    reason: str
    counts: dict[str, int] = field(default_factory=dict)  # empty when not described
    schema: int | None = None
    source: str | None = None  # the database it was taken of, when described

    def of(self, database_file: Path) -> bool:
        """Whether this is a backup of `database_file` (one not described may be)."""
        return self.source is None or self.source == str(Path(database_file).resolve())

    @property
    def automatic(self) -> bool:
        return self.reason in AUTOMATIC

    @property
    def reason_text(self) -> str:
        if self.reason.startswith("before-schema-"):
            return f"Before the upgrade to schema {self.reason.removeprefix('before-schema-')}"
        return REASONS.get(self.reason, self.reason.replace("-", " ").capitalize())

    @property
    def counts_text(self) -> str:
        """e.g. "1,204 customers, 250,000 requests" ("" when unknown)."""
        return ", ".join(
            f"{self.counts[table]:,} {noun}"
            for table, noun in SHOWN_COUNTS.items()
            if table in self.counts
        )

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


@dataclass(frozen=True)
class Restored:
    """A restore done: what came back, and where the data it replaced was kept."""

    backup: Backup
    kept: Path | None


# ---------------------------------------------------------------- the backup folder


def backup_folder(data_dir: Path) -> Path:
    """Where backups go: the folder chosen in the settings, else `backups/` in the data folder."""
    chosen = _settings(data_dir).get("folder")
    return Path(chosen) if isinstance(chosen, str) and chosen else data_dir / BACKUP_FOLDER


def set_backup_folder(data_dir: Path, folder: Path | None) -> None:
    """Choose where backups go (None: back to the data folder's own), after checking that a
    file can be written there."""
    if folder is not None:
        folder = Path(folder).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".rapport-write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise KnownError(
                f"Backups cannot be written to {folder}: {error.strerror or error}."
            ) from error
    chosen = str(folder) if folder is not None else None
    write_json(data_dir / SETTINGS_FILE, {**_settings(data_dir), "folder": chosen})


def automatic_backups(data_dir: Path) -> bool:
    """Whether the window backs up by itself (daily, and on closing): yes unless turned off."""
    return _settings(data_dir).get("automatic", True) is not False


def set_automatic_backups(data_dir: Path, on: bool) -> None:
    write_json(data_dir / SETTINGS_FILE, {**_settings(data_dir), "automatic": bool(on)})


def _settings(data_dir: Path) -> dict[str, object]:
    return read_json(data_dir / SETTINGS_FILE)


# ---------------------------------------------------------------- taking and listing


def take_backup(data_dir: Path, reason: str, *, to: Path | None = None) -> Backup:
    """Copy the open database into the backup folder (or `to`), describe it, and rotate the
    automatic ones. The copy is read back before it counts as a backup."""
    folder = Path(to) if to is not None else backup_folder(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KnownError(f"Backups cannot be written to {folder}: {error.strerror}.") from error
    taken = clock.now().replace(microsecond=0)
    target = _free_name(folder, f"{database_path(data_dir).stem}-{reason}-{taken:{STAMP}}")
    try:
        copy_to(database, target)
    except (OSError, *DATABASE_ERRORS) as error:
        raise KnownError(f"The backup could not be written to {target}: {error}.") from error
    key = getattr(database.obj, "key", None)
    backup = inspect_backup(target, key, quick=True)
    source = str(database_path(data_dir).resolve())
    backup = Backup(target, taken, reason, backup.counts, backup.schema, source)
    _describe(backup)
    if reason in AUTOMATIC:
        prune(folder, source=source)
    return backup


def _free_name(folder: Path, stem: str) -> Path:
    """`stem.db` in `folder`, numbered if two backups are taken within one second."""
    target, number = folder / f"{stem}.db", 1
    while target.exists():
        number += 1
        target = folder / f"{stem}-{number}.db"
    return target


def _description(path: Path) -> Path:
    return path.with_name(f"{path.name}.json")


def _describe(backup: Backup) -> None:
    write_json(
        _description(backup.path),
        {
            "taken": backup.taken.isoformat(),
            "reason": backup.reason,
            "schema": backup.schema,
            "counts": backup.counts,
            "source": backup.source,
        },
    )


def list_backups(data_dir: Path) -> list[Backup]:
    """Every backup in the backup folder and in the data folder's own `backups/`, newest
    first."""
    folders = dict.fromkeys([backup_folder(data_dir), data_dir / BACKUP_FOLDER])
    found = [read_backup(path) for folder in folders for path in _backup_files(folder)]
    return sorted(found, key=lambda backup: backup.taken, reverse=True)


def _backup_files(folder: Path) -> list[Path]:
    try:
        return [path for path in folder.glob("*.db") if path.is_file()]
    except OSError:  # a backup folder on a drive that is not there today
        return []


def read_backup(path: Path) -> Backup:
    """What the file's description says (or its name and date, when it has none)."""
    try:
        described = json.loads(_description(path).read_text(encoding="utf-8"))
        source = described.get("source")
        return Backup(
            path,
            datetime.fromisoformat(str(described["taken"])).replace(tzinfo=None),
            str(described["reason"]),
            {str(k): int(v) for k, v in dict(described.get("counts") or {}).items()},
            int(described["schema"]) if described.get("schema") is not None else None,
            str(source) if source is not None else None,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no description, or not one Rapport wrote: go by the file's name
    stem = path.stem.removeprefix(f"{database_path(Path()).stem}-")
    reason, _, stamp = stem.rpartition("-")
    reason, _, day = reason.rpartition("-")
    try:
        taken = datetime.strptime(f"{day}-{stamp}", STAMP)
    except ValueError:
        try:
            taken = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        except OSError:  # deleted meanwhile (a rotation elsewhere)
            taken = datetime.min
        reason = "copy"
    return Backup(path, taken, reason or "copy")


# ---------------------------------------------------------------- rotation


def to_remove(backups: Iterable[Backup], keep: Retention | None = None) -> list[Backup]:
    """The automatic backups that rotation deletes: all but the newest of each of the last
    `keep.daily` days, `keep.weekly` ISO weeks and `keep.monthly` months that have one."""
    keep = keep or KEEP
    automatic = sorted((b for b in backups if b.automatic), key=lambda b: b.taken, reverse=True)
    kept: set[Path] = set()
    for count, period in (
        (keep.daily, lambda day: day),
        (keep.weekly, lambda day: day.isocalendar()[:2]),
        (keep.monthly, lambda day: (day.year, day.month)),
    ):
        seen: list[object] = []
        for backup in automatic:
            bucket = period(backup.taken.date())
            if bucket in seen:
                continue
            if len(seen) == count:
                break
            seen.append(bucket)
            kept.add(backup.path)
    return [backup for backup in automatic if backup.path not in kept]


def prune(folder: Path, keep: Retention | None = None, source: str | None = None) -> list[Path]:
    """Delete the automatic backups in `folder` that rotation no longer keeps: those of the
    database `source` only, when given (a shared folder may hold other databases' too)."""
    removed = []
    found = (read_backup(path) for path in _backup_files(folder))
    own = [backup for backup in found if source is None or backup.source == source]
    for backup in to_remove(own, keep):
        try:
            backup.path.unlink()
            _description(backup.path).unlink(missing_ok=True)
        except OSError:
            continue  # open in another program, or read-only: kept until the next rotation
        removed.append(backup.path)
    return removed


def daily_backup_due(data_dir: Path, today: date | None = None) -> bool:
    """True until an automatic backup has been taken today."""
    today = today or clock.now().date()
    return not any(b.automatic and b.taken.date() == today for b in own_backups(data_dir))


def changed_since_backup(data_dir: Path) -> bool:
    """Whether anything was changed after the newest backup (each change leaves an audit
    entry), so that closing an unchanged database writes no copy."""
    backups = own_backups(data_dir)
    last_change = AuditEntry.select(AuditEntry.at).order_by(AuditEntry.at.desc()).scalar()
    if last_change is None:
        return False
    return not backups or last_change >= backups[0].taken


def own_backups(data_dir: Path) -> list[Backup]:
    """This database's backups, newest first, leaving out any dated in the future (taken
    while the computer's clock was wrong), which would otherwise stay "newest" for ever."""
    now, own = clock.now(), database_path(data_dir)
    return [b for b in list_backups(data_dir) if b.of(own) and b.taken <= now]


# ---------------------------------------------------------------- restoring


def inspect_backup(path: Path, key: str | None, *, quick: bool = False) -> Backup:
    """Open a backup on its own connection and check it is a whole Rapport database this
    version can restore; what it holds, or a KnownError saying why it cannot be used."""
    path = Path(path)
    if not path.is_file():
        raise KnownError(f"{path}: there is no such file.")
    encrypted = is_encrypted(path)
    if encrypted and key is None:
        raise KnownError(
            f"{path} is encrypted, and this data folder has no key to open it. Open Rapport "
            "once with the recovery key of the database it came from."
        )
    copy = None
    try:
        copy = open_file(path, key if encrypted else None)
        schema = refuse_foreign_or_newer(copy, path, SCHEMA_VERSION)
        if schema == 0:
            raise KnownError(f"{path} is empty: it is not a Rapport backup.")
        if not quick:
            problems = _problems(copy)
            if problems:
                raise KnownError(f"{path} is damaged ({problems}); it cannot be restored.")
        counts = record_counts(copy)
    except DATABASE_ERRORS as error:
        if encrypted and "not a database" in str(error):
            raise KnownError(
                f"{path} was encrypted with a different key (another computer's, or before "
                "the key changed); this data folder's key does not open it."
            ) from error
        if "malformed" in str(error):
            raise KnownError(f"{path} is damaged ({error}); it cannot be restored.") from error
        raise KnownError(f"{path} cannot be read as a Rapport database ({error}).") from error
    finally:
        if copy is not None:
            copy.close()
    described = read_backup(path)
    return Backup(path, described.taken, described.reason, counts, schema)


def _problems(db: Database) -> str:
    """SQLite's quick check, in a few words ("" when sound). Broken links are not damage:
    `check` reports them, and a backup with one is as good as the database it came from."""
    return "; ".join(damage(db)[:3])


def restore_backup(
    data_dir: Path,
    source: Path,
    key: str | None,
    progress: Progress | None = None,
    *,
    damaged: bool = False,
    checked: bool = False,
) -> Restored:
    """Replace the folder's database with the backup at `source`; the restored database is
    left open.

    Everything that can fail happens before the database is touched: the backup is checked,
    copied beside the database (encrypted with `key`, upgraded if it came from an older
    Rapport, checked again), and the data it replaces is backed up. Only then is the copy
    written into the database through SQLite's backup API, in one transaction, so any other
    connection sees either the old data or the new. A `damaged` database (or one that cannot
    be opened) is kept as it is and replaced by renaming the copy into place instead.
    A backup `checked` already (by `inspect_backup`) is not checked again. `progress` may
    cancel until the database is about to be written, not after.
    """
    progress = progress or (lambda _stage, _fraction: None)
    progress("Checking the backup", 0.0)
    chosen = inspect_backup(source, key, quick=checked)
    path = database_path(data_dir)
    staging = path.with_name(f".{path.name}.restoring")
    try:
        progress("Preparing the backup", 0.25)
        _prepare(Path(source), staging, key)
        progress("Keeping a copy of the current data", 0.5)
        kept, usable = _keep_current(data_dir, path, key, damaged)
        progress("Restoring", 0.75)  # the last moment to cancel
        if usable:
            _write_into(staging, path, key)
        else:
            close_database()
            for companion in ("-wal", "-shm"):  # the replaced database's: they must not follow
                Path(f"{path}{companion}").unlink(missing_ok=True)
            staging.replace(path)
    except (OSError, *DATABASE_ERRORS) as error:
        raise KnownError(
            f"The backup could not be restored to {path}: {error}. The data was not changed."
        ) from error
    finally:
        staging.unlink(missing_ok=True)
    close_database()
    open_database(path, key=key)
    return Restored(chosen, kept)


def _prepare(source: Path, staging: Path, key: str | None) -> None:
    """The backup as the database must become: encrypted with `key`, at this version's
    schema, checked, and on the disk."""
    source_key = key if is_encrypted(source) else None
    backup = open_file(source, source_key)
    try:
        if key is not None and source_key is None:  # a plain backup from before encryption
            export_encrypted(backup, staging, key)
            flush_to_disk(staging)
        else:
            copy_to(backup, staging)  # includes anything still in the backup's own WAL
    finally:
        backup.close()
    prepared = open_file(staging, key)
    try:
        found = upgrade_schema(prepared, staging, keep_backup=False)
        # the backup itself was checked; an upgrade is the one thing that changed it since
        problems = _problems(prepared) if found < SCHEMA_VERSION else ""
        prepared.execute_sql("PRAGMA journal_mode = delete")  # one file, nothing beside it
    finally:
        prepared.close()
    if problems:
        raise KnownError(f"The backup did not check out once prepared ({problems}).")


def _write_into(staging: Path, path: Path, key: str | None) -> None:
    """Copy every page of `staging` into the database at `path` with SQLite's backup API:
    atomic, and seen at once by every connection already open on it."""
    prepared, live = open_file(staging, key), open_file(path, key)
    try:
        prepared.connection().backup(live.connection())
    finally:
        prepared.close()
        live.close()


def _keep_current(
    data_dir: Path, path: Path, key: str | None, damaged: bool
) -> tuple[Path | None, bool]:
    """Keep the database about to be replaced: a backup of it (in the backup folder, else in
    the data folder's own), or for a damaged one its files as they are. Returns where it was
    kept, and whether the database can be written into (rather than replaced)."""
    if not path.exists():
        return None, False
    if not damaged:
        try:
            if database.obj is None or database.is_closed() or database.obj.database != str(path):
                open_database(path, key=key, upgrade=False)
            for folder in dict.fromkeys([None, data_dir / BACKUP_FOLDER]):
                try:
                    return take_backup(data_dir, BEFORE_RESTORE, to=folder).path, True
                except KnownError:
                    if folder is not None:
                        raise
        except (KnownError, *DATABASE_ERRORS):
            close_database()
    folder = data_dir / BACKUP_FOLDER
    target = _free_name(folder, f"{path.stem}-{DAMAGED}-{clock.now():{STAMP}}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for companion in ("", "-wal"):
            original = Path(f"{path}{companion}")
            if original.exists():
                partial = Path(f"{target}{companion}.part")
                shutil.copyfile(original, partial)
                flush_to_disk(partial)
                partial.replace(Path(f"{target}{companion}"))
    except OSError as error:
        raise KnownError(
            f"The damaged database could not be kept in {folder} ({error}); nothing was changed."
        ) from error
    return target, False


# ---------------------------------------------------------------- leftovers

# What a killed backup, restore, encryption or settings write leaves: its file written beside
# the real one (and SQLite's journal of it), renamed into place only once it is whole.
LEFTOVER_PATTERNS = (
    ".*.part",
    ".*.part-journal",
    ".*.restoring",
    ".*.restoring-journal",
    ".*.encrypting",  # a plain database or backup being encrypted
    f"*-{DAMAGED}-*.part",  # a damaged database's files being kept at a restore
)
LEFTOVER_AGE = 10 * 60  # seconds untouched: a backup command still writing one is left alone


def sweep_leftovers(data_dir: Path, *, now: float | None = None) -> list[Path]:
    """Remove the half-written files a killed backup, restore or write left in the data
    folder and the backup folders (a killed backup of a large register leaves hundreds of
    megabytes); returns what was removed."""
    moment = time.time() if now is None else now
    folders = dict.fromkeys([data_dir, data_dir / BACKUP_FOLDER, backup_folder(data_dir)])
    removed = []
    for folder in folders:
        for pattern in LEFTOVER_PATTERNS:
            try:
                found = [path for path in folder.glob(pattern) if path.is_file()]
            except OSError:  # a backup folder on a drive that is not there today
                continue
            for path in found:
                try:
                    if moment - path.stat().st_mtime < LEFTOVER_AGE:
                        continue
                    path.unlink()
                except OSError as error:
                    log.warning("A leftover file could not be removed: %s (%s)", path, error)
                    continue
                removed.append(path)
    if removed:
        log.info("Removed %d half-written file(s) left by a killed task", len(removed))
    return removed
