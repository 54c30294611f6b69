"""File ▸ Backups and restore: the backups with their dates and record counts, where they are
kept, backing up now, and restoring one after confirmation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.backups import (
    MANUAL,
    Backup,
    Restored,
    automatic_backups,
    backup_folder,
    list_backups,
    read_backup,
    restore_backup,
    set_automatic_backups,
    set_backup_folder,
    take_backup,
)
from models.base import database
from models.errors import KnownError
from models.words import moment_text
from views.background import BackgroundTask
from views.long_work import run_with_progress

COLUMNS = ("Taken", "Kind", "Records", "Size", "File")
BACKUP_FILTER = "Rapport backups (*.db);;All files (*)"


def back_up_now(
    parent: QWidget,
    data_dir: Path,
    on_success: Callable[[Backup], None],
    on_end: Callable[[], None] | None = None,
) -> BackgroundTask:
    """A backup made by hand, in the background with progress."""
    return run_with_progress(
        parent, "Backing up", lambda _progress: take_backup(data_dir, MANUAL), on_success, on_end
    )


class BackupsDialog(QDialog):
    """The backups of one data folder.

    Signals:
        about_to_restore(): the database is about to be replaced: let go of it.
        restored(Restored): a backup was restored; everything shown must be read again.
    """

    about_to_restore = Signal()
    restored = Signal(object)

    def __init__(self, data_dir: Path, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.data_dir = data_dir
        self.settings = settings
        self.task: BackgroundTask | None = None
        self.setWindowTitle("Backups and restore")

        self.folder = QLineEdit(readOnly=True)
        self.folder.setAccessibleName("Backup folder")
        change = QPushButton("C&hange…")
        change.clicked.connect(self.choose_folder)
        change.setToolTip("Keep backups in another folder, e.g. a OneDrive or network folder")
        self.reset_folder = QPushButton("&Default")
        self.reset_folder.setToolTip("Keep backups in the data folder's own backups folder")
        self.reset_folder.clicked.connect(lambda: self._set_folder(None))
        folder_row = QHBoxLayout()
        folder_label = QLabel("Backups are &kept in:")
        folder_label.setBuddy(self.folder)
        for widget in (folder_label, self.folder, change, self.reset_folder):
            folder_row.addWidget(widget)
        folder_row.setStretch(1, 1)

        self.automatic = QCheckBox(
            "Back up &automatically: once a day while Rapport is open, and on closing"
        )
        self.automatic.setToolTip(
            "Automatic backups are rotated: the newest of each of the last 7 days, 4 weeks "
            "and 12 months are kept. Backups made by hand are never deleted."
        )
        self.automatic.setChecked(automatic_backups(data_dir))
        self.automatic.toggled.connect(lambda on: set_automatic_backups(data_dir, on))

        self.list = QTreeWidget()
        self.list.setHeaderLabels(COLUMNS)
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setAccessibleName("Backups, newest first")
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemActivated.connect(lambda *_: self.restore_chosen())
        self.status = QLabel(wordWrap=True)
        self.status.setAccessibleName("Backup status")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.back_up_button = buttons.addButton(
            "&Back up now", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.back_up_button.clicked.connect(self.back_up)
        self.restore_button = buttons.addButton("&Restore…", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_chosen)
        self.other_button = buttons.addButton(
            "Restore from a &file…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.other_button.clicked.connect(self.restore_other)

        layout = QVBoxLayout(self)
        layout.addLayout(folder_row)
        layout.addWidget(self.automatic)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(860, 440)
        geometry = settings.value("backups/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.reload()

    # ------------------------------------------------------------------ the list

    def reload(self) -> None:
        folder = backup_folder(self.data_dir)
        self.folder.setText(str(folder))
        self.reset_folder.setEnabled(folder != self.data_dir / "backups")
        self.list.clear()
        for backup in list_backups(self.data_dir):
            item = QTreeWidgetItem(
                [
                    moment_text(backup.taken),
                    backup.reason_text,
                    backup.counts_text or "—",
                    f"{backup.size / 2**20:,.1f} MB",
                    backup.path.name,
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, backup)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(2, backup.counts_text)
            item.setToolTip(4, str(backup.path))
            self.list.addTopLevelItem(item)
        for column, width in enumerate((120, 170, 400, 70)):
            self.list.setColumnWidth(column, width)
        if self.list.topLevelItemCount():
            self.list.setCurrentItem(self.list.topLevelItem(0))
        else:
            self.status.setText("There are no backups yet. Back up now, or let Rapport do it.")
        self._update_buttons()

    def chosen(self) -> Backup | None:
        item = self.list.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_buttons(self) -> None:
        idle = self.task is None
        self.restore_button.setEnabled(idle and self.chosen() is not None)
        self.back_up_button.setEnabled(idle)
        self.other_button.setEnabled(idle)

    # ------------------------------------------------------------------ actions

    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Keep backups in", self.folder.text())
        if name:
            self._set_folder(Path(name))

    def _set_folder(self, folder: Path | None) -> None:
        try:
            set_backup_folder(self.data_dir, folder)
        except KnownError as error:
            QMessageBox.warning(self, "Backup folder", str(error))
            return
        self.reload()
        self.status.setText(f"Backups will be kept in {backup_folder(self.data_dir)}.")

    def back_up(self) -> None:
        def done(backup: Backup) -> None:
            self.reload()
            self.status.setText(f"Backed up to {backup.path}.")

        self.task = back_up_now(self, self.data_dir, done, self._ended)
        self._update_buttons()

    def restore_other(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Restore from a backup file", self.folder.text(), BACKUP_FILTER
        )
        if name:
            self.restore(read_backup(Path(name)))

    def restore_chosen(self) -> None:
        backup = self.chosen()
        if backup is not None and self.task is None:
            self.restore(backup)

    def restore(self, backup: Backup) -> None:
        """Replace the data with `backup` after the user confirms; the data it replaces is
        backed up first, so a restore can itself be undone."""
        holding = f" ({backup.counts_text})" if backup.counts_text else ""
        answer = QMessageBox.question(
            self,
            "Restore a backup",
            f"Replace all of Rapport's data with the backup taken on "
            f"{moment_text(backup.taken, ' at ')}{holding}?\n\n"
            "Everything changed since then is replaced. The data as it is now is backed up "
            "first, so you can go back to it by restoring that backup.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        key = getattr(database.obj, "key", None)
        self.about_to_restore.emit()
        self.task = run_with_progress(
            self,
            "Restoring",
            lambda progress: restore_backup(self.data_dir, backup.path, key, progress),
            self._restored,
            self._ended,
        )
        self._update_buttons()

    def _restored(self, restored: Restored) -> None:
        self.restored.emit(restored)
        self.reload()
        self.status.setText(
            f"Restored the backup taken on {moment_text(restored.backup.taken, ' at ')}. "
            f"The data it replaced is kept in {restored.kept}."
        )

    def _ended(self) -> None:
        self.task = None
        self._update_buttons()

    def done(self, result: int) -> None:
        if self.task is not None:
            return  # not while a backup or restore is running
        self.settings.setValue("backups/geometry", self.saveGeometry())
        super().done(result)
