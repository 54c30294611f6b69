"""The main window: menus, status bar, and either the first-run page or the tabs."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, QTimer, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from desktop import APP_NAME, __version__
from desktop.backups import (
    CLOSING,
    DAILY,
    automatic_backups,
    changed_since_backup,
    daily_backup_due,
    take_backup,
)
from desktop.folder_lock import FolderLock
from desktop.importing import export_file
from desktop.kinds import FORMATS
from desktop.session import choose_you, settle_who
from models.base import database
from models.complaints import Worklist
from models.db import close_database
from models.demo import generate_demo
from models.errors import KnownError
from models.integrity import is_empty
from models.operations import fetch
from models.organisation import get_settings, rename_organisation
from models.people import member_at_keyboard
from models.schema import ALL_MODELS
from models.service_log import RequestState
from models.team import Member, member_choices, member_for_your_name
from models.worklist import Area, DueGroup, DueItem
from views.audit_log import AuditLogDialog
from views.background import BackgroundTask
from views.backups_dialog import BackupsDialog, back_up_now
from views.catalogue_tab import CatalogueTab
from views.complaints_tab import ComplaintsTab
from views.data_bus import DataBus
from views.feedback_tab import FeedbackTab
from views.first_run import FirstRunPage
from views.import_dialog import ImportDialog
from views.improvements_tab import ImprovementsTab
from views.long_work import run_with_progress, wait_with_progress
from views.overview_tab import OverviewTab
from views.record_page import RecordPage
from views.register_tab import RegisterTab
from views.service_log_tab import ServiceLogTab
from views.settings_dialog import SettingsDialog
from views.single_instance import InstanceServer
from views.sync_status import TeamSync
from views.team_dialog import TeamDialog

if TYPE_CHECKING:
    from views.report_dialog import ReportDialog

EXPORT_FILTER = "Excel workbook (*.xlsx);;CSV, comma-separated (*.csv)"
BACKUP_CHECK_MS = 60 * 60 * 1000  # is the day's backup due? hourly, so a window left open
FIRST_BACKUP_CHECK_MS = 2 * 60 * 1000  # for days backs up daily; first soon after start


class MainWindow(QMainWindow):
    """Rapport's window over one data folder."""

    def __init__(
        self,
        data_dir: Path,
        database_file: Path,
        parent: QWidget | None = None,
        lock: FolderLock | None = None,
    ):
        super().__init__(parent)
        self.data_dir = data_dir
        self.database_file = database_file
        self.folder_lock = lock  # held while the window is open: one writer at a time
        self.instance_server: InstanceServer | None = None
        if lock is not None:  # a second Rapport on this folder brings this window forward
            self.instance_server = InstanceServer(data_dir, self)
            self.instance_server.show_requested.connect(self.come_forward)
        self.settings = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
        self.bus = DataBus(self)
        self.task: BackgroundTask | None = None
        self.audit_log: AuditLogDialog | None = None

        you = member_at_keyboard()
        self.first_run = FirstRunPage(
            get_settings().organisation_name, fetch(Member, you).name if you else ""
        )
        self.first_run.start_requested.connect(self.start_organisation)
        self.first_run.demo_requested.connect(lambda: self.take_your_name() and self.load_demo())
        self.first_run.import_requested.connect(
            lambda: self.take_your_name() and self.import_file("customers")
        )
        self.register = RegisterTab(self.bus, self.settings)
        self.catalogue = CatalogueTab(self.bus, self.settings)
        self.overview = OverviewTab(self.bus, self.settings)
        self.overview.open_requested.connect(self.open_due)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.overview, "&Overview")
        self.tabs.addTab(self.register, "&Register")
        self.tabs.addTab(self.catalogue, "Service &catalogue")
        self.service_log = ServiceLogTab(self.bus, self.settings)
        self.tabs.addTab(self.service_log, "Service &log")
        self.complaints = ComplaintsTab(self.bus, self.settings)
        self.tabs.addTab(self.complaints, "Co&mplaints")
        self.feedback = FeedbackTab(self.bus, self.settings)
        self.tabs.addTab(self.feedback, "&Feedback")
        self.improvements = ImprovementsTab(self.bus, self.settings)
        self.tabs.addTab(self.improvements, "&Improvements")
        self.complaints.detail.action_requested.connect(self.improvements.new_from_complaint)
        self.feedback.action_from_item.connect(self.improvements.new_from_feedback)
        self.feedback.action_from_code.connect(self.improvements.new_from_code)
        self.catalogue.action_for_standard.connect(self.improvements.new_from_standard)
        for tab in self.tab_pages():
            tab.setObjectName(type(tab).__name__)
            if tab.objectName() == self.settings.value("window/tab"):
                self.tabs.setCurrentWidget(tab)
        self.tabs.currentChanged.connect(self._remember_tab)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.first_run)
        self.pages.addWidget(self.tabs)
        self.setCentralWidget(self.pages)

        self.team_sync = TeamSync(self, data_dir, self.bus, self.settings)
        self._build_menus()
        self.statusBar().addPermanentWidget(self.team_sync.widget)
        self.database_label = QLabel(f"Database: {database_file} ({_protection()})")
        self.database_label.setAccessibleName("Database in use")
        self.statusBar().addPermanentWidget(self.database_label)
        self.bus.changed.connect(lambda _tables: self.refresh())

        self.resize(1200, 760)
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.refresh()

        self.backup_task: BackgroundTask | None = None
        self.backup_timer = QTimer(self, interval=BACKUP_CHECK_MS)
        self.backup_timer.timeout.connect(self.back_up_daily)
        self.backup_timer.start()
        QTimer.singleShot(FIRST_BACKUP_CHECK_MS, self.back_up_daily)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = self._action(file_menu, "&Import…", "Ctrl+I", self.import_file)
        self.export_action = self._action(file_menu, "&Export…", "Ctrl+E", self.export_current)
        file_menu.addSeparator()
        self.report_action = self._action(
            file_menu, "Monitoring &report…", QKeySequence.StandardKey.Print, self.make_report
        )
        file_menu.addSeparator()
        self._action(file_menu, "&Back up now", "Ctrl+B", self.back_up_now)
        self._action(file_menu, "Backups and res&tore…", None, self.show_backups)
        file_menu.addSeparator()
        self.team_server_action = self._action(
            file_menu, "Team &server…", None, self.team_sync.open_server_dialog
        )
        self.sync_action = self._action(file_menu, "Sync &now", "F9", self.team_sync.sync_now)
        self.sync_action.setToolTip("Send your changes to the team server and take the team's")
        file_menu.addSeparator()
        self.demo_action = self._action(file_menu, "Load &demo data…", None, self.load_demo)
        file_menu.addSeparator()
        quit_action = self._action(file_menu, "E&xit", "Ctrl+Q", self.close)
        quit_action.setShortcuts([QKeySequence("Ctrl+Q"), QKeySequence("Alt+F4")])

        edit_menu = self.menuBar().addMenu("&Edit")
        self.team_action = self._action(edit_menu, "&Team…", None, self.edit_team)
        self.settings_action = self._action(
            edit_menu, "&Settings…", QKeySequence.StandardKey.Preferences, self.edit_settings
        )
        if self.settings_action.shortcut().isEmpty():  # Windows has no standard key for it
            self.settings_action.setShortcut(QKeySequence("Ctrl+,"))

        view_menu = self.menuBar().addMenu("&View")
        self.full_screen_action = QAction("&Full screen", self, checkable=True)
        self.full_screen_action.setShortcut(QKeySequence.StandardKey.FullScreen)
        self.full_screen_action.toggled.connect(self._set_full_screen)
        view_menu.addAction(self.full_screen_action)
        self._action(view_menu, "&Audit log…", "Ctrl+Shift+H", self.show_audit_log)
        self.conflicts_action = self._action(
            view_menu, "&Conflicts…", None, self.team_sync.show_conflicts
        )
        view_menu.addSeparator()
        status_action = QAction("&Status bar", self, checkable=True, checked=True)
        status_action.toggled.connect(lambda shown: self.statusBar().setVisible(shown))
        view_menu.addAction(status_action)

        help_menu = self.menuBar().addMenu("&Help")
        self._action(
            help_menu, f"&About {APP_NAME}", QKeySequence.StandardKey.HelpContents, self.show_about
        )

    def _action(self, menu: Any, text: str, shortcut: Any, slot: Any) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    # ------------------------------------------------------------------ state

    def refresh(self) -> None:
        """The first-run page for a new database, otherwise the tabs."""
        organisation = get_settings().organisation_name
        empty = is_empty()
        self.demo_action.setEnabled(empty and self.task is None)
        self.export_action.setEnabled(not empty)
        if empty and not organisation:
            self.pages.setCurrentWidget(self.first_run)
            QTimer.singleShot(0, self.first_run.name_edit.setFocus)
        else:
            self.pages.setCurrentWidget(self.tabs)
        self.setWindowTitle(f"{organisation} — {APP_NAME}" if organisation else APP_NAME)

    def start_organisation(self, name: str, _you: str) -> None:
        try:
            rename_organisation(name)
        except KnownError as error:
            QMessageBox.warning(self, "Welcome to Rapport", str(error))
            return
        if not self.take_your_name():
            return
        self.statusBar().showMessage("Organisation saved.", 5000)
        self.refresh()

    def take_your_name(self) -> bool:
        """The first-run page's "Your name", whichever way the user starts: the member they
        are (a colleague already in the team is chosen, never renamed) is chosen as them."""
        typed = self.first_run.you_edit.text()
        if not typed.strip():
            return True
        you = member_at_keyboard()
        try:
            member, change = member_for_your_name(typed, fetch(Member, you) if you else None)
        except KnownError as error:
            QMessageBox.warning(self, "Welcome to Rapport", str(error))
            return False
        choose_you(self.data_dir, member)
        if change is not None:
            self.bus.announce(change)
        return True

    def load_demo(self) -> None:
        """Generate the small demo organisation in the background, with progress and cancel."""
        if self.task is not None or not is_empty():
            return
        self.first_run.set_busy(True)
        self.demo_action.setEnabled(False)

        def loaded(_counts: Any) -> None:
            self.statusBar().showMessage("Demo data loaded.", 5000)
            self.bus.announce(model._meta.table_name for model in ALL_MODELS)

        def ended() -> None:
            self.task = None
            self.first_run.set_busy(False)
            self.refresh()

        self.task = run_with_progress(
            self,
            "Creating the demo organisation",
            lambda progress: generate_demo("small", progress=progress),
            loaded,
            ended,
        )

    def make_report(self) -> ReportDialog:
        from views.report_dialog import ReportDialog  # ReportLab and QtPdf: not at start-up

        dialog = ReportDialog(self.settings, self)
        dialog.exec()
        return dialog

    def ask_who_you_are(self) -> None:
        """Which member this folder's user is, where none is chosen yet: their changes are
        recorded under that name (Settings ▸ You are changes it later)."""
        choices = member_choices()
        if not choices:
            return
        names = [name for name, _key in choices]
        name, chosen = QInputDialog.getItem(
            self,
            "Who are you?",
            "Rapport records your changes under your name. Which member of the team are you?",
            names,
            0,
            False,
        )
        if chosen:
            choose_you(self.data_dir, fetch(Member, dict(choices)[name]))
            self.statusBar().showMessage(f"Your changes are recorded as {name}.", 8000)

    def edit_team(self) -> TeamDialog:
        dialog = TeamDialog(self.bus, self.settings, self)
        dialog.exec()
        return dialog

    def edit_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.bus, self.data_dir, self)
        if dialog.exec():
            self.statusBar().showMessage(
                "Settings saved; open items follow the new calendar.", 8000
            )
        return dialog

    # ------------------------------------------------------------------ files

    def import_file(self, kind: str | None = None) -> ImportDialog:
        dialog = ImportDialog(self.bus, kind or self._current_kind() or "customers", self)
        if dialog.exec() and dialog.imported:
            self.statusBar().showMessage(f"Imported {dialog.imported:,} records.", 8000)
            self.refresh()
            self.tabs.setCurrentWidget(self._tab_for(dialog.kind.currentData()))
        return dialog

    def _tab_for(self, kind: str) -> QWidget:
        """Where an import of `kind` shows: the user sees what came in."""
        return {
            "customers": self.register,
            "services": self.catalogue,
            "standards": self.catalogue,
            "requests": self.service_log,
            "complaints": self.complaints,
            "feedback": self.feedback,
            "questionnaire": self.feedback,
        }.get(kind, self.tabs.currentWidget())

    def current_page(self) -> RecordPage | None:
        """The list the user is looking at: what File ▸ Export… writes out."""
        if self.pages.currentWidget() is not self.tabs:
            return None
        tab = self.tabs.currentWidget()
        if tab is self.register:
            return self.register.customers if self.register.pages.currentIndex() == 0 else None
        if tab is self.service_log:
            return self.service_log.requests
        if tab is self.complaints:
            return self.complaints.complaints
        if tab is self.feedback:
            return self.feedback.entries if self.feedback.pages.currentIndex() == 0 else None
        if tab is self.catalogue:
            if self.catalogue.pages.currentIndex() != 0:
                return None
            return self.catalogue.active_page
        return None

    def _remember_tab(self, _index: int) -> None:
        self.settings.setValue("window/tab", self.tabs.currentWidget().objectName())

    def tab_pages(self) -> list[QWidget]:
        return [self.tabs.widget(index) for index in range(self.tabs.count())]

    def open_due(self, target: DueItem | DueGroup) -> None:
        """Open a due record in its tab, in the list it is due in; for a whole group, its
        tab's Overdue list (or Due today, when nothing of it is overdue)."""
        item = target if isinstance(target, DueItem) else None
        area = target.area
        overdue = item.overdue if item is not None else target.overdue > 0
        chosen: dict[str, Any] = {}
        if area is Area.REQUEST:
            self.tabs.setCurrentWidget(self.service_log)
            table = self.service_log.requests.table
            chosen["state"] = (RequestState.OVERDUE if overdue else RequestState.DUE_TODAY).value
        elif area is Area.COMPLAINT:
            self.tabs.setCurrentWidget(self.complaints)
            table = self.complaints.complaints.table
            chosen["worklist"] = (Worklist.OVERDUE if overdue else Worklist.DUE_TODAY).value
        elif area is Area.ACTION:
            self.tabs.setCurrentWidget(self.improvements)
            table = self.improvements.actions.table
            if overdue:
                chosen["overdue"] = 1
        elif area is Area.AGREEMENT:
            self.tabs.setCurrentWidget(self.catalogue)
            self.catalogue.pages.setCurrentIndex(1)
            table = self.catalogue.agreements.table
            chosen["review"] = "due"
        else:
            self.tabs.setCurrentWidget(self.catalogue)
            self.catalogue.pages.setCurrentIndex(0)
            if item is not None:
                self.catalogue.services.table.show_record(item.parent_id)
            table = self.catalogue.standards.table
        if self.overview.whose() is not None and "owner" in table.combos:
            chosen["owner"] = self.overview.whose()  # the list shows the same person's work
        if item is None:
            table.clear_filters(chosen)
            table.view.setFocus()
        elif not table.show_record(item.record_id, chosen):
            self.statusBar().showMessage("That record is no longer due: it has changed.", 8000)

    def _current_kind(self) -> str | None:
        page = self.current_page()
        return page.spec.name if page is not None and page.spec.name in FORMATS else None

    def export_current(self) -> None:
        kind = self._current_kind()
        page = self.current_page()
        if kind is None or page is None:
            QMessageBox.information(
                self, "Export", "Choose the customers, services or standards list to export."
            )
            return
        suggested = str(Path.home() / f"{kind}.xlsx")
        name, _ = QFileDialog.getSaveFileName(self, f"Export {kind}", suggested, EXPORT_FILTER)
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_suffix(".xlsx")
        include_confidential = False
        if kind == "complaints":
            include_confidential = (
                QMessageBox.question(
                    self,
                    "Export complaints",
                    "Include confidential details (summary, details, complainant, response)?\n\n"
                    "Without them, confidential complaints are counted but show only "
                    "'Confidential'.",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                == QMessageBox.StandardButton.Yes
            )
        ids = page.table.model.ids()  # what the list shows, with its search and filters
        self.task = run_with_progress(
            self,
            f"Exporting {kind}",
            lambda _progress: export_file(
                FORMATS[kind](include_confidential=include_confidential), path, ids
            ),
            lambda count: self.statusBar().showMessage(
                f"Exported {count:,} {kind} to {path}.", 8000
            ),
            lambda: setattr(self, "task", None),
        )

    # ------------------------------------------------------------------ menus

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            f"About {APP_NAME}",
            f"<h3>{APP_NAME} {__version__}</h3>"
            "<p>Deliver, monitor and evaluate customer service to internal customers.</p>"
            f"<p>Data folder: {self.data_dir}<br>Database: {self.database_file}</p>"
            f"<p>Qt {qVersion()}</p>",
        )

    def _set_full_screen(self, on: bool) -> None:
        self.showFullScreen() if on else self.showNormal()

    def show_audit_log(self) -> AuditLogDialog:
        """Every change to the data, filterable; one window, kept open beside the tabs."""
        if self.audit_log is None:
            self.audit_log = AuditLogDialog(self, settings=self.settings, bus=self.bus)
        self.audit_log.show()
        self.audit_log.raise_()
        self.audit_log.activateWindow()
        return self.audit_log

    # ------------------------------------------------------------------ backups

    def back_up_now(self) -> None:
        if self.task is not None:
            return
        self.task = back_up_now(
            self,
            self.data_dir,
            lambda backup: self.statusBar().showMessage(f"Backed up to {backup.path}.", 8000),
            lambda: setattr(self, "task", None),
        )

    def show_backups(self) -> BackupsDialog:
        dialog = BackupsDialog(self.data_dir, self.settings, self)
        dialog.about_to_restore.connect(self.let_go_of_database)
        dialog.restored.connect(self.database_replaced)
        dialog.exec()
        if not self.backup_timer.isActive():  # a restore that failed or was cancelled
            self.backup_timer.start()
        if self.team_sync.paused:
            self.team_sync.resume()
        return dialog

    def let_go_of_database(self) -> None:
        """Stop everything that reads the database, so that it can be replaced (the daily
        backup waits until the restore is done)."""
        self.team_sync.pause()
        self._stop_background(cancel=False)
        close_database()

    def database_replaced(self, _restored: object) -> None:
        """After a restore every list, form and figure is read again, and who you are is
        found in the restored team (a backup from before you joined has no record of you)."""
        self.backup_timer.start()
        self.team_sync.resume()
        you = settle_who(self.data_dir)
        self.bus.announce(model._meta.table_name for model in ALL_MODELS)
        self.refresh()
        self.statusBar().showMessage("The backup was restored.", 8000)
        if you is None:
            self.ask_who_you_are()

    def back_up_daily(self) -> None:
        """The automatic backup, once a day while the window is open, in the background."""
        if self.backup_task is not None or not self.backup_timer.isActive():
            return  # already at it, or the window is closing or restoring
        if not automatic_backups(self.data_dir):
            return
        if not daily_backup_due(self.data_dir):
            return
        self.backup_task = BackgroundTask(lambda _progress: take_backup(self.data_dir, DAILY))
        self.backup_task.succeeded.connect(
            lambda backup: self.statusBar().showMessage(f"Backed up to {backup.path}.", 8000)
        )
        self.backup_task.failed.connect(
            lambda message: self.statusBar().showMessage(f"The daily backup failed: {message}")
        )
        self.backup_task.finished.connect(lambda: setattr(self, "backup_task", None))
        self.backup_task.start()

    def back_up_on_closing(self) -> None:
        """Back up what changed since the last backup before the window closes; a failure is
        said, and closing goes on (the data itself is safe on disk)."""
        if not automatic_backups(self.data_dir) or not changed_since_backup(self.data_dir):
            return
        try:
            wait_with_progress(
                self,
                "Backing up before closing",
                lambda _progress: take_backup(self.data_dir, CLOSING),
                cancel=False,
            )
        except KnownError as error:
            QMessageBox.warning(self, "Backing up before closing", str(error))

    def come_forward(self) -> None:
        """Another Rapport was started on this folder: show this window instead."""
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def _stop_background(self, *, cancel: bool) -> None:
        """Stop the figures being worked out and the daily backup; wait for the long task under
        way (cancelled when the window closes, let finish before a restore)."""
        self.overview.stop()
        self.feedback.analysis.refresher.stop()
        self.backup_timer.stop()
        for task in (self.task, self.backup_task):
            if task is not None:
                if cancel:
                    task.cancel()
                task.wait()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.team_sync.sync_before_closing()
        self._stop_background(cancel=True)
        self.back_up_on_closing()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        if self.instance_server is not None:
            self.instance_server.server.close()
        if self.folder_lock is not None:
            close_database()
            self.folder_lock.release()
        super().closeEvent(event)


def _protection() -> str:
    """Whether the open database is encrypted, in words for the status bar."""
    if getattr(database.obj, "encrypted", False):
        return "encrypted"
    return "demo data, not encrypted" if get_settings().demo else "not encrypted"
