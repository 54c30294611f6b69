"""The team server in the window: the status bar's word on syncing, Sync now (F9), the
automatic sync every few minutes and the one on closing, File ▸ Team server… and
View ▸ Conflicts….

Every sync runs off the GUI thread (typing never waits for the network), one at a time: a sync
asked for while one runs is not started again.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressDialog,
    QToolButton,
    QWidget,
)

from desktop.keys import sync_password
from desktop.sync.client import Account, Outcome, sync
from desktop.sync.connection import shown_address
from models import clock
from models.schema import ALL_MODELS
from models.sync.state import Status, status
from models.words import moment_text
from views.background import BackgroundTask
from views.conflicts_dialog import ConflictsDialog
from views.data_bus import DataBus
from views.table_model import MARK_COLOUR
from views.team_server_dialog import TeamServerDialog

AUTO_SYNC_MS = 5 * 60 * 1000  # how often a folder that syncs does so by itself
STATUS_TICK_MS = 30 * 1000  # "Synced 2 min ago" is said again this often
CLOSE_SYNC_MS = 12 * 1000  # the longest closing waits for its sync (connecting gives up at 10 s)

NOT_SET_UP = "Not syncing with a team server"
SYNCING = "Syncing…"
NEEDS_PASSWORD = "Sync paused — password needed"
CONFLICT_MARK = "⚠"


# ---------------------------------------------------------------------- words


def synced_ago(moment: datetime, now: datetime) -> str:
    """When the last sync was, as the status bar says it: "just now", "2 min ago",
    "3 hours ago", or a day's date and time (dd/mm/yyyy at HH:MM) after a day."""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} hour{'s' if hours != 1 else ''} ago"
    return f"on {moment_text(moment, ' at ')}"


def changes_waiting(count: int) -> str:
    if count == 0:
        return "nothing waiting"
    return f"{count:,} change{'s' if count != 1 else ''} waiting"


def conflicts_text(count: int) -> str:
    return f"{count:,} conflict{'s' if count != 1 else ''}"


def status_text(
    found: Status, *, syncing: bool, failure: str | None, needs_password: bool, now: datetime
) -> str:
    """The one line that says where this folder stands with its team server."""
    if syncing:
        return SYNCING
    if not found.set_up:
        return NOT_SET_UP
    if needs_password:
        return NEEDS_PASSWORD
    if failure is not None:
        return f"Offline — {changes_waiting(found.waiting)}"
    if found.synced_at is None:
        return f"Not synced yet — {changes_waiting(found.waiting)}"
    text = f"Synced {synced_ago(found.synced_at, now)}"
    return text + (f" — {changes_waiting(found.waiting)}" if found.waiting else "")


def outcome_text(outcome: Outcome) -> str:
    """What one sync did, for the status bar's passing message: short, as the permanent
    widgets beside it (the state, the conflicts button, the database) leave it little room;
    the conflicts button says where they are settled."""
    if outcome.conflicts:
        return f"Synced: {conflicts_text(outcome.conflicts)} to settle."
    return "Synced with the team server."


# ---------------------------------------------------------------------- widgets


class SyncStatus(QWidget):
    """The status bar's sync state, and a button naming the open conflicts (hidden when none).

    Signals:
        conflicts_clicked(): the user wants to settle the conflicts.
    """

    conflicts_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(NOT_SET_UP)
        self.label.setAccessibleName("Team server status")
        self.conflicts = QToolButton()
        self.conflicts.setAutoRaise(True)
        self.conflicts.setAccessibleName("Conflicts from syncing")
        self.conflicts.setToolTip(
            "Two people changed the same thing: click to settle it (View ▸ Conflicts…)"
        )
        self.conflicts.setStyleSheet(f"QToolButton {{ color: {MARK_COLOUR}; font-weight: bold; }}")
        self.conflicts.clicked.connect(self.conflicts_clicked)
        self.conflicts.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.conflicts)

    def show_state(self, text: str, tooltip: str, conflicts: int) -> None:
        self.label.setText(text)
        self.label.setToolTip(tooltip)
        self.label.setAccessibleDescription(tooltip)
        self.conflicts.setText(f"{CONFLICT_MARK} {conflicts_text(conflicts)}")
        self.conflicts.setVisible(conflicts > 0)

    def text(self) -> str:
        """All the status says (for tests and screen readers)."""
        shown = [self.label.text()]
        if self.conflicts.isVisibleTo(self):
            shown.append(self.conflicts.text())
        return " · ".join(shown)


# ---------------------------------------------------------------------- the work


class TeamSync(QObject):
    """The window's syncing: one at a time, off the GUI thread, by hand (F9), every
    AUTO_SYNC_MS and once on closing. The password comes from the keyring, or for this session
    from the Team server dialog where the computer has no keyring.

    Signals:
        busy_changed(bool): a sync started (True) or ended (False).
    """

    busy_changed = Signal(bool)

    def __init__(
        self, window: QMainWindow, data_dir: Path, bus: DataBus, settings: QSettings
    ) -> None:
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self.bus = bus
        self.settings = settings
        self.task: BackgroundTask | None = None
        self.failure: str | None = None  # the last sync's failure, until one succeeds
        self.needs_password = False
        self.paused = False  # a dialog that publishes or joins is open, or a restore runs
        self._passwords: dict[tuple[str, str], str] = {}  # this session's, where no keyring
        self._again = False  # a sync asked for with a new password while one ran
        self.widget = SyncStatus()
        self.widget.conflicts_clicked.connect(self.show_conflicts)
        self.timer = QTimer(self, interval=AUTO_SYNC_MS)
        self.timer.timeout.connect(lambda: self.sync_now(quiet=True))
        self.timer.start()
        self.tick = QTimer(self, interval=STATUS_TICK_MS)
        self.tick.timeout.connect(self.refresh_status)
        self.tick.start()
        bus.changed.connect(lambda _tables: self.refresh_status())
        self.refresh_status()

    # ------------------------------------------------------------------ state

    @property
    def running(self) -> bool:
        return self.task is not None

    def refresh_status(self) -> None:
        found = status()
        text = status_text(
            found,
            syncing=self.running,
            failure=self.failure,
            needs_password=self.needs_password,
            now=clock.now(),
        )
        self.widget.show_state(text, self._tooltip(found), found.conflicts)

    def _tooltip(self, found: Status) -> str:
        if not found.set_up:
            return "Work with a team through a shared server: File ▸ Team server…"
        where = f"{found.login} at {shown_address(found.url or '')}"
        if self.needs_password:
            return f"The password for {where} is not kept here: enter it in File ▸ Team server…"
        if self.failure is not None:
            return f"The last sync failed: {self.failure}\nSync now: F9."
        last = moment_text(found.synced_at, " at ") if found.synced_at else "never"
        return f"Syncs with {where}; last synced {last}.\nSync now: F9."

    def account(self) -> Account | None:
        """The folder's team-server account, or None where it has none or no password."""
        found = status()
        if not found.set_up or not found.login:
            return None
        url, login = found.url or "", found.login
        password = self._passwords.get((url, login)) or sync_password(url, login)
        return None if password is None else Account(url, login, password)

    # ------------------------------------------------------------------ syncing

    def sync_now(self, *, quiet: bool = False) -> None:
        """One sync in the background. `quiet` (the automatic ones): nothing is asked, and
        only the status bar tells how it went."""
        if self.running or self.paused:
            return
        if not status().set_up:
            if not quiet:
                self.open_server_dialog()
            return
        account = self.account()
        if account is None:
            if quiet:
                self.needs_password = True
                self.refresh_status()
            else:
                self.open_server_dialog()
            return
        self._start(account, quiet=quiet)

    def _start(self, account: Account, *, quiet: bool) -> None:
        data_dir = self.data_dir
        task = BackgroundTask(lambda _progress: sync(data_dir, account))
        self.task = task
        task.succeeded.connect(lambda outcome: self._synced(outcome, quiet=quiet))
        task.failed.connect(lambda message: self._failed(message, quiet=quiet))
        task.finished.connect(lambda: self._ended(task))
        task.start()
        self.busy_changed.emit(True)
        self.refresh_status()

    def _synced(self, outcome: Outcome, *, quiet: bool) -> None:
        self.failure = None
        self.needs_password = False
        if outcome.received or outcome.conflicts:  # the tabs read again what came in
            self.bus.announce(model._meta.table_name for model in ALL_MODELS)
        if not quiet or outcome.conflicts:
            self.window.statusBar().showMessage(outcome_text(outcome), 10_000)

    def _failed(self, message: str, *, quiet: bool) -> None:
        self.failure = message
        if not quiet:
            self.window.statusBar().showMessage(message.splitlines()[0], 10_000)

    def _ended(self, task: BackgroundTask) -> None:
        task.wait()
        if self.task is task:
            self.task = None
        self.busy_changed.emit(False)
        self.refresh_status()
        if self._again:
            self._again = False
            self.sync_now()

    def keep_password(self, account: Account) -> None:
        """For this session (the dialog keeps it in the keyring where there is one)."""
        self._passwords[(account.url, account.login)] = account.password

    # ------------------------------------------------------------------ dialogs

    def open_server_dialog(self) -> TeamServerDialog:
        """File ▸ Team server…: no sync of the window's own runs while it is open."""
        self.paused = True
        try:  # a publish or join waits for a sync under way: the two must not meet
            dialog = TeamServerDialog(self.data_dir, self.settings, self.window, self.wait)
            dialog.exec()
        finally:
            self.paused = False
        if dialog.result() != QDialog.DialogCode.Accepted or dialog.account is None:
            self.refresh_status()  # a test may have kept a new password all the same
            return dialog
        self.keep_password(dialog.account)
        self.failure = None
        self.needs_password = False
        if dialog.done_text:
            self.window.statusBar().showMessage(dialog.done_text, 10_000)
        if dialog.outcome is not None:  # published or joined: everything is read again
            self.bus.announce(model._meta.table_name for model in ALL_MODELS)
        elif self.running:  # the address or password saved: sync with it
            self._again = True
        else:
            self.sync_now()
        self.refresh_status()
        return dialog

    def show_conflicts(self) -> ConflictsDialog:
        dialog = ConflictsDialog(self.bus, self.window)
        dialog.exec()
        return dialog

    # ------------------------------------------------------------------ stopping

    def pause(self) -> None:
        """Stop syncing (a restore replaces the database): the sync under way ends first."""
        self.paused = True
        self.timer.stop()
        self.tick.stop()
        if self.task is not None:
            self.task.wait()

    def resume(self) -> None:
        self.paused = False
        self.failure = None
        self.timer.start()
        self.tick.start()
        self.refresh_status()

    def sync_before_closing(self) -> None:
        """Send what waits before the window closes, waiting CLOSE_SYNC_MS at most (closing
        never hangs on an unreachable server: what is not sent waits for the next start).
        Skipped when the last sync failed: the server is likely still out of reach."""
        self.timer.stop()
        self.tick.stop()
        if self.task is None and not self.paused:
            found = status()
            account = self.account()
            if self.failure is not None or not found.waiting or account is None:
                return
            self._start(account, quiet=True)
        self.paused = True
        task = self.task
        if task is None:
            return
        dialog = QProgressDialog(
            "Sending your changes to the team server…", "Close &now", 0, 0, self.window
        )
        dialog.setWindowTitle("Syncing before closing")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)
        loop = QEventLoop()
        task.finished.connect(loop.quit)
        dialog.canceled.connect(loop.quit)
        QTimer.singleShot(CLOSE_SYNC_MS, loop.quit)
        if not task.isFinished():
            loop.exec()
        dialog.close()
        dialog.deleteLater()
        if not task.isFinished():  # given up: it ends by itself; the window is gone by then
            for signal in (task.succeeded, task.failed, task.finished):
                signal.disconnect()

    def wait(self) -> None:
        """Wait for the sync under way (tests; before the database closes)."""
        if self.task is not None:
            self.task.wait()
