"""The window's side of encryption: making and keeping the key on first run (and converting a
plain database from an earlier Rapport), showing the recovery key once, and unlocking with the
recovery key or the passphrase where the key is not in this computer's keyring.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.backups import backup_folder
from desktop.keys import keyring_name, protected_key_file, store_key, stored_key
from desktop.paths import database_path
from desktop.session import has_database, key_for_new_database
from models.db import close_database, is_encrypted, open_database
from models.encryption import (
    encrypt_backups,
    encrypt_database,
    key_from_recovery,
    protect_key,
    recovery_text,
    stays_plain,
    unprotect_key,
)
from models.errors import Cancelled, KnownError
from models.organisation import get_settings
from views.long_work import wait_with_progress

MIN_PASSPHRASE = 10


@dataclass(frozen=True)
class WindowKey:
    key: str | None  # None: a plain (demo) database
    new: bool  # made just now: show the recovery key


def key_for_window(data_dir: Path, parent: QWidget | None = None) -> WindowKey:
    """The key to open the folder's database with, asking the user where it must.

    An encrypted database: the key kept on this computer, else the user's passphrase or
    recovery key. A new database, or a plain one from an earlier Rapport: a new key, kept in
    the keyring (or sealed with a passphrase the user chooses), the plain one converted; a key
    already kept for the folder is never replaced. The demo organisation may stay plain.
    Raises Cancelled if the user gives up.
    """
    path = database_path(data_dir)
    if is_encrypted(path):
        key = stored_key(data_dir)
        if key is None:
            dialog = UnlockDialog(data_dir, parent)
            if not dialog.exec():
                raise Cancelled
            key = dialog.key
        return WindowKey(key, False)
    exists = has_database(data_dir)
    if exists and stays_plain(path):
        return WindowKey(None, False)
    # A plain database where an encrypted one was (restored from an old backup) takes the key
    # kept for the folder, so that every backup still opens.
    chosen = key_for_new_database(data_dir)
    if not chosen.in_keyring:
        chooser = PassphraseDialog(parent)
        if not chooser.exec():
            raise Cancelled
        sealed = protected_key_file(data_dir)
        try:
            sealed.write_text(protect_key(chosen.key, chooser.passphrase()), "utf-8")
        except OSError as error:
            raise KnownError(
                f"The key could not be saved in {sealed}: {error.strerror or error}."
            ) from error
    if exists:
        _encrypt(path, chosen.key, parent)
    return WindowKey(chosen.key, chosen.source == "made")


def _encrypt(path: Path, key: str, parent: QWidget | None) -> None:
    """Convert a plain database, and the plain backups wherever they are kept, saying what is
    happening (a large register takes a while)."""

    def work(_progress: object) -> None:
        encrypt_database(path, key)
        encrypt_backups(backup_folder(path.parent), key)

    wait_with_progress(parent, "Encrypting your data", work, cancel=False)


def _monospace() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSizeF(font.pointSizeF() * 1.2)
    return font


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once, with Print, Save and Copy."""

    def __init__(self, key: str, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = recovery_text(key)
        self.data_dir = data_dir
        self.setWindowTitle("Your recovery key")
        where = keyring_name()
        kept = (
            f"The key is kept for you in {where} on this computer."
            if where != "no system keyring"
            else "The key is kept in the data folder, sealed with your passphrase."
        )
        explanation = QLabel(
            "Rapport has encrypted your data, so a lost or stolen computer reveals nothing. "
            f"{kept}\n\nKeep this recovery key somewhere safe, away from this computer (print "
            "it and lock it away, or save it to a safe place). You need it to open your data "
            "on a new computer, after Windows is reinstalled, or if you forget your "
            "passphrase. Anyone who has it and a copy of your data can read the data. "
            "Rapport shows it only now."
        )
        explanation.setWordWrap(True)
        self.key_box = QLineEdit(self.text)
        self.key_box.setReadOnly(True)
        self.key_box.setFont(_monospace())
        self.key_box.setAccessibleName("Recovery key")
        self.key_box.setMinimumWidth(self.key_box.fontMetrics().horizontalAdvance(self.text) + 24)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("&Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton("&Save…", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.done_button = buttons.addButton("&Done", QDialogButtonBox.ButtonRole.AcceptRole)
        self.done_button.setEnabled(False)
        self.kept = QCheckBox("I have kept the recovery key &safe")
        self.kept.toggled.connect(self.done_button.setEnabled)
        self.print_button.clicked.connect(self.print_key)
        self.save_button.clicked.connect(self.save_key)
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.text.replace("-", ""))
        )
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.key_box)
        layout.addWidget(self.kept)
        layout.addWidget(buttons)

    def reject(self) -> None:
        """Escape does not close it before the key is kept: it is shown only once."""
        if self.kept.isChecked():
            super().reject()

    def page(self) -> str:
        organisation = get_settings().organisation_name or "Rapport"
        return (
            f"Rapport recovery key\n\nOrganisation: {organisation}\nData folder: "
            f"{self.data_dir}\n\n{self.text}\n\nKeep this safe. With it and a copy of the "
            "data, anyone can read the data. In Rapport: when asked to unlock, choose "
            "'Recovery key' and type it in (dashes and spaces do not matter).\n"
        )

    def save_key(self) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the recovery key", "Rapport recovery key.txt", "Text (*.txt)"
        )
        if not name:
            return None
        path = Path(name)
        try:
            path.write_text(self.page(), encoding="utf-8")
        except OSError as error:
            QMessageBox.warning(self, "Save the recovery key", f"{path} could not be written: "
                                f"{error.strerror or error}")  # fmt: skip
            return None
        return path

    def print_key(self) -> None:
        printer = QPrinter()
        if QPrintDialog(printer, self).exec() == QDialog.DialogCode.Accepted:
            document = QTextDocument()
            document.setDefaultFont(_monospace())
            document.setPlainText(self.page())
            document.print_(printer)


class _AskDialog(QDialog):
    """A short question: an explanation, a form, a problem line, and OK or Cancel."""

    def __init__(
        self, title: str, explanation: str, form: QFormLayout, ok: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        note = QLabel(explanation)
        note.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def show_problem(self, text: str, field: QWidget) -> None:
        self.problem.setText(text)
        self.adjustSize()  # room for the message
        field.setFocus()


def _secret(name: str) -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    box.setAccessibleName(name)
    return box


class PassphraseDialog(_AskDialog):
    """Choosing the passphrase that seals the key where there is no system keyring."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.first, self.second = _secret("Passphrase"), _secret("Passphrase again")
        form = QFormLayout()
        form.addRow("&Passphrase:", self.first)
        form.addRow("&Again:", self.second)
        super().__init__(
            "Choose a passphrase",
            "This computer has no keyring to keep Rapport's key in, so the key is sealed "
            "with a passphrase you choose, and Rapport asks for it each time it opens. Use "
            f"at least {MIN_PASSPHRASE} characters: a few unrelated words are easy to "
            "remember and hard to guess.",
            form,
            "OK",
            parent,
        )
        self.first.setFocus()

    def passphrase(self) -> str:
        return self.first.text()

    def accept(self) -> None:
        if len(self.first.text()) < MIN_PASSPHRASE:
            self.show_problem(f"Use at least {MIN_PASSPHRASE} characters.", self.first)
        elif self.first.text() != self.second.text():
            self.show_problem("The two passphrases differ: type the same one twice.", self.first)
        else:
            super().accept()


class UnlockDialog(_AskDialog):
    """Unlocking an encrypted database whose key is not in this computer's keyring: with the
    passphrase (where the key was sealed with one here) or the recovery key. The key found is
    kept in the keyring again, so the next start needs neither."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        self.data_dir = data_dir
        self.key: str | None = None
        self.sealed = protected_key_file(data_dir)
        self.passphrase = _secret("Passphrase")
        self.recovery = QLineEdit()
        self.recovery.setFont(_monospace())
        self.recovery.setPlaceholderText("XXXX-XXXX-…")
        self.recovery.setAccessibleName("Recovery key")
        form = QFormLayout()
        if self.sealed.exists():
            form.addRow("&Passphrase:", self.passphrase)
        form.addRow("&Recovery key:", self.recovery)
        super().__init__(
            "Unlock your data",
            f"{database_path(data_dir)} is encrypted.\n\n"
            + (
                "Type your passphrase, or the recovery key shown when the data was encrypted."
                if self.sealed.exists()
                else "Its key is not in this computer's keyring (a new computer or a new "
                "Windows profile). Type the recovery key shown when the data was encrypted."
            ),
            form,
            "&Unlock",
            parent,
        )
        self.unlock_button = self.ok_button
        self.first_field().setFocus()

    def first_field(self) -> QLineEdit:
        return self.passphrase if self.sealed.exists() else self.recovery

    def accept(self) -> None:
        try:
            if self.recovery.text().strip():
                key = key_from_recovery(self.recovery.text())
            elif self.sealed.exists() and self.passphrase.text():
                key = unprotect_key(self.sealed.read_text("utf-8"), self.passphrase.text())
            else:
                raise KnownError("Type your passphrase or your recovery key.")
            open_database(database_path(self.data_dir), key=key, upgrade=False)
            close_database()
            store_key(self.data_dir, key)
        except KnownError as error:
            self.show_problem(str(error), self.first_field())
            return
        self.key = key
        super().accept()
