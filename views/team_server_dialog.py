"""File ▸ Team server…: where the team's shared PostgreSQL server is, who you are on it, and
the first sync: publish this laptop's register to an empty server, or join the team's.

The password is kept in the system keyring once the server has accepted it, never in a file;
the address and login are kept with the data folder's sync state (and in the window's settings
until the folder syncs). Talking to the server runs off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.keys import store_sync_password, sync_password
from desktop.sync.client import Account, Mine, Mode, Outcome, Reach, reach, sync
from desktop.sync.connection import server_settings, shown_address
from models.errors import KnownError, Progress
from models.sync.by_hand import move_address
from models.sync.state import status
from views.background import BackgroundTask

PLACEHOLDER = "postgresql://server.example.org/rapport"
ERROR_COLOUR = "#a4262c"


class TeamServerDialog(QDialog):
    """The team server's address, your login and password; Test connection, Publish, Join,
    and Save for a folder that syncs already.

    After `exec()`: `account` is the account the server accepted (None if none was), and
    `outcome` what a publish or join did (None for neither); `done_text` says it.
    """

    def __init__(
        self,
        data_dir: Path,
        settings: QSettings,
        parent: QWidget | None = None,
        wait_for_sync: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.settings = settings
        self.wait_for_sync = wait_for_sync  # the window's own sync, which a join must not meet
        self.task: BackgroundTask | None = None
        self.account: Account | None = None
        self.outcome: Outcome | None = None
        self.done_text = ""
        self.reached: Reach | None = None  # what Test connection found, for these details
        found = status()
        self.set_up = found.set_up
        self.kept_login = found.login
        self.kept_url = found.url
        self.kept_in_keyring = True
        self.setWindowTitle("Team server")

        explanation = QLabel(
            "Work with your team through a shared PostgreSQL server: each laptop keeps its own "
            "register, and the team's changes meet on the server whenever you are online. "
            "Your IT department gives you the server's address, your login and password."
        )
        explanation.setWordWrap(True)

        self.address = QLineEdit(found.url or _text(settings.value("team_server/url")))
        self.address.setPlaceholderText(PLACEHOLDER)
        self.address.setAccessibleName("Server address")
        self.address.setToolTip(
            "A PostgreSQL address: postgresql://host:port/database (add ?sslmode=… only if "
            "your IT department says so)"
        )
        self.login = QLineEdit(found.login or _text(settings.value("team_server/login")))
        self.login.setAccessibleName("Your login")
        self.password = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        kept = sync_password(self.address.text(), self.login.text()) if found.set_up else None
        self.password.setText(kept or "")
        form = QFormLayout()
        for text, field in (
            ("Server &address:", self.address),
            ("Your &login:", self.login),
            ("Pass&word:", self.password),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
            field.textEdited.connect(self._details_changed)

        self.test_button = QPushButton("&Test connection")
        self.test_button.setToolTip("Sign in to the server and look, changing nothing")
        self.test_button.clicked.connect(self.test_connection)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Connection result")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setMinimumHeight(self.message.fontMetrics().height() * 2 + 4)

        self.choice_box = QGroupBox("This laptop holds a register of its own")
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.replace = QRadioButton("&Replace mine with the team's (a backup is taken first)")
        self.add = QRadioButton("A&dd mine to the team's")
        self.choice = QButtonGroup(self)
        self.choice.addButton(self.replace)
        self.choice.addButton(self.add)
        choice_layout = QVBoxLayout(self.choice_box)
        choice_layout.addWidget(self.counts)
        choice_layout.addWidget(self.replace)
        choice_layout.addWidget(self.add)
        self.choice_box.hide()

        self.progress = QProgressBar()
        self.progress.setAccessibleName("Progress")
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setToolTip("Stop: a join leaves this laptop as it was")
        self.cancel_button.clicked.connect(self.cancel)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

        self.publish_button = QPushButton("&Publish this register")
        self.publish_button.setToolTip(
            "Send this laptop's register to an empty team server: the team then joins it"
        )
        self.publish_button.clicked.connect(self.publish)
        self.join_button = QPushButton("&Join the team's register")
        self.join_button.setToolTip("Take the team's register from the server, and sync with it")
        self.join_button.clicked.connect(self.join)
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Keep the address and password, then sync")
        self.save_button.clicked.connect(self.save)
        self.save_button.setVisible(self.set_up)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.publish_button)
        buttons.addWidget(self.join_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(form)
        layout.addLayout(test_row)
        layout.addWidget(self.message)
        layout.addWidget(self.choice_box)
        layout.addLayout(progress_row)
        layout.addStretch(1)
        layout.addLayout(buttons)

        order = [
            self.address,
            self.login,
            self.password,
            self.test_button,
            self.replace,
            self.add,
            self.cancel_button,
            self.publish_button,
            self.join_button,
            self.save_button,
            self.close_button,
        ]
        for before, after in pairwise(order):
            self.setTabOrder(before, after)
        (self.save_button if self.set_up else self.test_button).setDefault(True)
        self.resize(640, 420)
        if self.set_up:
            self._say(
                f"This folder syncs with this server as {found.login}. For a new password or "
                "the server's new address, type it and press Save."
            )
        self._update_buttons()
        first_empty = next(
            (field for field in (self.address, self.login, self.password) if not field.text()),
            self.password,
        )
        first_empty.setFocus()

    # ------------------------------------------------------------------ state

    @property
    def busy(self) -> bool:
        return self.task is not None

    def _details_changed(self, _text: str = "") -> None:
        self.reached = None  # counts found for other details say nothing of these
        self.choice_box.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        filled = all(field.text().strip() for field in (self.address, self.login))
        ready = filled and bool(self.password.text()) and not self.busy
        for field in (self.address, self.login, self.password):
            field.setEnabled(not self.busy)
        self.choice_box.setEnabled(not self.busy)
        self.test_button.setEnabled(ready)
        self.publish_button.setEnabled(ready and not self.set_up)
        self.join_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        self.close_button.setEnabled(not self.busy)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {ERROR_COLOUR};" if error else "")

    def _entered(self) -> Account | None:
        """The account as typed, or None after saying what is wrong with it."""
        url, login = self.address.text().strip(), self.login.text().strip()
        if _password_in(url):  # refused before libpq reads it: its complaints quote it
            self._say(
                "Leave the password out of the address: type it under Password (it is then "
                "kept in the system keyring, not with the address).",
                error=True,
            )
            return None
        try:
            server_settings(url)
        except KnownError as error:
            self._say(str(error), error=True)
            return None
        return Account(url, login, self.password.text())

    # ------------------------------------------------------------------ the work

    def _run(
        self,
        doing: str,
        work: Callable[[Progress], Any],
        done: Callable[[Any], None],
        *,
        cancellable: bool = False,
        cancelled: str = "",
    ) -> None:
        """`work` off the GUI thread, its progress and Cancel shown here; its one-line error
        said here."""
        task = BackgroundTask(work)
        self.task = task
        self._say(doing)
        self.progress.setValue(0)
        self.progress.setFormat("%p %")
        self.progress.setVisible(cancellable)
        self.cancel_button.setVisible(cancellable)
        self.cancel_button.setEnabled(True)

        def progressed(stage: str, fraction: float) -> None:
            self.progress.setValue(round(fraction * 100))
            self.progress.setFormat(f"{stage}: %p %")

        task.progressed.connect(progressed)
        task.succeeded.connect(done)
        task.failed.connect(lambda message: self._say(message, error=True))
        task.cancelled.connect(lambda: self._say(cancelled))
        task.finished.connect(lambda: self._ended(task))
        self._update_buttons()
        if cancellable:
            self.cancel_button.setFocus()
        task.start()

    def _ended(self, task: BackgroundTask) -> None:
        task.wait()
        if self.task is not task:  # a join that its Test connection started runs on
            return
        self.task = None
        self.progress.hide()
        self.cancel_button.hide()
        self._update_buttons()
        focused = self.focusWidget()
        if focused is None or not focused.isVisible() or not focused.isEnabled():
            self.test_button.setFocus()  # the cancel button went, or the fields came back

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self._say("Cancelling…")

    def reject(self) -> None:
        """Esc or Close: while the server is being worked with, a publish or join is
        cancelled first (the dialog closes once it has stopped)."""
        if self.task is not None:
            self.cancel()
            return
        super().reject()

    def _keep(self, account: Account) -> None:
        """The server took this password: keep it in the keyring, and remember where and
        who (the address without any password in it)."""
        self.kept_in_keyring = store_sync_password(account.url, account.login, account.password)
        self.settings.setValue("team_server/url", shown_address(account.url))
        self.settings.setValue("team_server/login", account.login)

    def _done(self, account: Account, said: str = "") -> None:
        self.account = account
        if not self.kept_in_keyring:
            said += " No keyring on this computer: the password is kept until Rapport closes."
        self.done_text = said.strip()
        self.accept()

    # ------------------------------------------------------------------ buttons

    def test_connection(self) -> None:
        account = self._entered()
        if account is None:
            return
        self._reach(account, lambda found: None)

    def _reach(self, account: Account, then: Callable[[Reach], None]) -> None:
        def reached(found: Reach) -> None:
            self.reached = found
            self._keep(account)
            self._say(found.said())
            if found.own_records and not found.joined:
                self._show_choice(found)
            then(found)

        self._run("Connecting…", lambda _progress: reach(account), reached)

    def _show_choice(self, found: Reach) -> None:
        self.counts.setText(
            f"This laptop holds {found.own_records:,} record(s) of its own; the team's register "
            f"holds {found.team_records:,}. On joining, choose what becomes of this laptop's:"
        )
        self.choice_box.show()

    def publish(self) -> None:
        account = self._entered()
        if account is None:
            return
        self.wait_for_sync()
        data_dir = self.data_dir

        def published(outcome: Outcome) -> None:
            self.outcome = outcome
            self._keep(account)
            self._done(
                account,
                f"Published this register to the team server: {outcome.sent:,} change(s) sent.",
            )

        self._run(
            "Publishing this register…",
            lambda progress: sync(data_dir, account, Mode.PUBLISH, progress=progress),
            published,
            cancellable=True,
            cancelled="Publishing was stopped: the rest is sent with the next sync.",
        )

    def join(self) -> None:
        """Join: where this laptop holds records of its own, both registers' sizes are shown
        first and the user chooses to replace or add theirs."""
        account = self._entered()
        if account is None:
            return
        if self.reached is None:
            self._reach(account, lambda found: self._join_when_chosen(account, found))
            return
        self._join_when_chosen(account, self.reached)

    def _join_when_chosen(self, account: Account, found: Reach) -> None:
        mine = None
        if found.own_records:
            checked = self.choice.checkedButton()
            if checked is None:
                self._show_choice(found)
                self._say(
                    f"Connected as {found.member}. Choose below what becomes of this "
                    "laptop's records, then press Join again."
                )
                self.replace.setFocus()
                return
            mine = Mine.REPLACE if checked is self.replace else Mine.ADD
        self.wait_for_sync()
        data_dir = self.data_dir

        def joined(outcome: Outcome) -> None:
            self.outcome = outcome
            self._keep(account)
            sent = f"; {outcome.sent:,} of this laptop's sent" if outcome.sent else ""
            self._done(account, f"Joined the team's register: {outcome.received:,} received{sent}.")

        self._run(
            "Joining the team's register…",
            lambda progress: sync(data_dir, account, Mode.JOIN, mine=mine, progress=progress),
            joined,
            cancellable=True,
            cancelled="Joining was cancelled: this laptop is as it was.",
        )

    def save(self) -> None:
        """A folder that syncs already: a new password, or the server's new address."""
        account = self._entered()
        if account is None:
            return
        if self.kept_login and account.login != self.kept_login:
            self._say(
                f"This folder syncs as {self.kept_login}. To sign in as someone else, join "
                "the team's register as them.",
                error=True,
            )
            return

        def saved(found: Reach) -> None:
            if not found.joined:
                self._say(
                    "This folder syncs with another team server: to move to this one, join "
                    "it (Join the team's register).",
                    error=True,
                )
                return
            if account.url != self.kept_url:
                move_address(account.url)
            self._done(account)

        self._reach(account, saved)


def _password_in(url: str) -> bool:
    """Whether an address holds a password (postgresql://user:secret@host/…, or
    password=… in its query or the key=value form)."""
    if "password" in url.lower():
        return True
    if "://" not in url:
        return False
    place = url.split("://", 1)[1].split("/", 1)[0]
    return "@" in place and ":" in place.rsplit("@", 1)[0]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
