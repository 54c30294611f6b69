"""Checks before the window opens: a folder on a network share, and a damaged database (with
the offer to restore the most recent good backup instead of opening it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop import APP_NAME
from desktop.backups import Backup, inspect_backup, own_backups, restore_backup
from desktop.paths import database_path, on_network_share
from desktop.session import open_data_folder
from models.base import database
from models.db import (
    DATABASE_ERRORS,
    KeyNeeded,
    WrongKey,
    close_database,
    open_database,
    refuse_foreign_or_newer,
)
from models.errors import Cancelled, DatabaseUnreadable, KnownError
from models.integrity import damage
from models.words import moment_text
from views.long_work import wait_with_progress

SHOWN_PROBLEMS = 3


def warn_if_network_share(data_dir: Path, parent: QWidget | None = None) -> bool:
    """Tell the user, once per start, that a network share can corrupt the database."""
    if not on_network_share(data_dir):
        return False
    QMessageBox.warning(
        parent,
        f"{APP_NAME}: data folder on a network share",
        f"Rapport's data folder {data_dir} is on a network share. SQLite databases can be "
        "damaged when they are used over a network, especially if the connection drops.\n\n"
        "Keep the data folder on this computer's own disk (the default), and choose the "
        "network or OneDrive folder for backups instead (File ▸ Backups and restore).",
    )
    return True


def open_checked(data_dir: Path, key: str | None, parent: QWidget | None = None) -> None:
    """Open the folder's database and run the quick check; a damaged database is not opened
    for use: the most recent good backup is offered instead. Raises Cancelled if the user
    declines, KnownError if there is nothing to restore."""
    path = database_path(data_dir)
    problems: list[str] = []
    good: Backup | None = None
    try:
        if path.exists():  # checked before anything (an upgrade, the journal) writes to it
            open_database(path, key=key, upgrade=False)
            refuse_foreign_or_newer(database, path)  # said as it is: not damage
            problems = wait_with_progress(
                parent, "Checking your data", lambda _progress: damage(database), cancel=False
            )
    except KeyNeeded:
        raise
    except DatabaseUnreadable as error:
        problems = [str(error)]
    except DATABASE_ERRORS as error:
        problems = [f"SQLite cannot read {path}: {error}"]
    except WrongKey:
        # The key that opens its backups but not the database: the database is damaged.
        good = find_good_backup(data_dir, key, parent)
        if good is None:
            raise
        problems = [f"{path} does not open with the key that opens its backups."]
    if problems:
        close_database()
        offer_restore(data_dir, key, problems, parent, good)
    else:
        open_data_folder(data_dir, key=key)


def offer_restore(
    data_dir: Path,
    key: str | None,
    problems: list[str],
    parent: QWidget | None = None,
    good: Backup | None = None,
) -> None:
    """Offer the newest backup that passes its own check (`good`, if already found) in place
    of the damaged database."""
    found = "\n".join(f"• {problem}" for problem in problems[:SHOWN_PROBLEMS])
    if len(problems) > SHOWN_PROBLEMS:
        found += f"\n• … and {len(problems) - SHOWN_PROBLEMS} more"
    good = good or find_good_backup(data_dir, key, parent)
    if good is None:
        raise KnownError(
            f"Rapport found damage in {database_path(data_dir)} and has not opened it:\n\n"
            f"{found}\n\nNo good backup was found. Copy the data folder somewhere safe and "
            "ask whoever supports Rapport for help."
        )
    answer = QMessageBox.question(
        parent,
        f"{APP_NAME}: the database is damaged",
        f"Rapport found damage in {database_path(data_dir)} and has not opened it:\n\n"
        f"{found}\n\nThe most recent good backup was taken on "
        f"{moment_text(good.taken, ' at ')} ({good.counts_text}). Restore it? The damaged "
        "database is kept in the backups folder; changes made after the backup will need to "
        "be made again.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        QMessageBox.information(
            parent,
            APP_NAME,
            f"Rapport has not opened the damaged database; it is still in "
            f"{database_path(data_dir)}, unchanged. To restore a backup later, start Rapport "
            f'again, or run: rapport --data-dir "{data_dir}" restore "{good.path}"',
        )
        raise Cancelled
    close_database()  # this thread's connection: the file is about to be replaced
    wait_with_progress(
        parent,
        "Restoring the backup",
        lambda progress: restore_backup(
            data_dir, good.path, key, progress, damaged=True, checked=True
        ),
        cancel=False,
    )
    open_data_folder(data_dir, key=key)


def find_good_backup(data_dir: Path, key: str | None, parent: QWidget | None) -> Backup | None:
    return wait_with_progress(
        parent, "Looking for a good backup", lambda _progress: newest_good_backup(data_dir, key)
    )


def newest_good_backup(data_dir: Path, key: str | None) -> Backup | None:
    """The newest backup of this database that passes its own check (a shared backup folder
    may also hold another database's)."""
    for backup in own_backups(data_dir):
        try:
            return inspect_backup(backup.path, key)
        except KnownError:
            continue
    return None
