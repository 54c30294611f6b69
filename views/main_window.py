"""The main window: menus, status bar, and the page that fits the database's state."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, qVersion
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QWidget,
)

from desktop import APP_NAME, __version__
from models.demo import generate_demo
from models.errors import KnownError
from models.integrity import is_empty, record_counts
from models.organisation import get_settings, rename_organisation
from views.background import BackgroundTask
from views.first_run import FirstRunPage
from views.home import HomePage


class MainWindow(QMainWindow):
    """Rapport's window over one data folder."""

    def __init__(self, data_dir: Path, database_file: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.data_dir = data_dir
        self.database_file = database_file
        self.settings = QSettings(str(data_dir / "window.ini"), QSettings.Format.IniFormat)
        self.task: BackgroundTask | None = None
        self.progress: QProgressDialog | None = None

        self.first_run = FirstRunPage(get_settings().organisation_name)
        self.first_run.start_requested.connect(self.start_organisation)
        self.first_run.demo_requested.connect(self.load_demo)
        self.home = HomePage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.first_run)
        self.pages.addWidget(self.home)
        self.setCentralWidget(self.pages)

        self._build_menus()
        self.database_label = QLabel(f"Database: {database_file}")
        self.database_label.setAccessibleName("Database in use")
        self.statusBar().addPermanentWidget(self.database_label)

        self.resize(1100, 720)
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.refresh()

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.demo_action = QAction("Load &demo data…", self)
        self.demo_action.triggered.connect(self.load_demo)
        file_menu.addAction(self.demo_action)
        file_menu.addSeparator()
        quit_action = QAction("E&xit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setShortcuts([QKeySequence("Ctrl+Q"), QKeySequence("Alt+F4")])
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        view_menu = self.menuBar().addMenu("&View")
        self.full_screen_action = QAction("&Full screen", self, checkable=True)
        self.full_screen_action.setShortcut(QKeySequence.StandardKey.FullScreen)
        self.full_screen_action.toggled.connect(self._set_full_screen)
        view_menu.addAction(self.full_screen_action)
        status_action = QAction("&Status bar", self, checkable=True, checked=True)
        status_action.toggled.connect(lambda shown: self.statusBar().setVisible(shown))
        view_menu.addAction(status_action)

        help_menu = self.menuBar().addMenu("&Help")
        about_action = QAction(f"&About {APP_NAME}", self)
        about_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

    # ------------------------------------------------------------------ state

    def refresh(self) -> None:
        """Show the first-run page for a new database, otherwise what it holds."""
        organisation = get_settings().organisation_name
        first_run = is_empty() and not organisation
        self.demo_action.setEnabled(is_empty())
        if first_run:
            self.pages.setCurrentWidget(self.first_run)
            self.setWindowTitle(APP_NAME)
            QTimer.singleShot(0, self.first_run.name_edit.setFocus)
        else:
            self.home.show_state(organisation, record_counts())
            self.pages.setCurrentWidget(self.home)
            self.setWindowTitle(f"{organisation} — {APP_NAME}")

    def start_organisation(self, name: str) -> None:
        try:
            rename_organisation(name)
        except KnownError as error:
            QMessageBox.warning(self, "Organisation name", str(error))
            return
        self.statusBar().showMessage("Organisation saved.", 5000)
        self.refresh()

    def load_demo(self) -> None:
        """Generate the small demo organisation in the background, with progress and cancel."""
        if self.task is not None or not is_empty():
            return
        self.first_run.set_busy(True)
        self.progress = QProgressDialog("Creating the demo organisation…", "Cancel", 0, 100, self)
        self.progress.setWindowTitle("Load demo data")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.task = BackgroundTask(lambda progress: generate_demo("small", progress=progress), self)
        self.progress.canceled.connect(self.task.cancel)
        self.task.progressed.connect(self._show_progress)
        self.task.succeeded.connect(lambda _counts: self._demo_finished("Demo data loaded."))
        self.task.cancelled.connect(lambda: self._demo_finished("Loading demo data cancelled."))
        self.task.failed.connect(self._demo_failed)
        self.task.start()

    def _show_progress(self, stage: str, fraction: float) -> None:
        if self.progress is not None:
            self.progress.setLabelText(f"Creating the demo organisation: {stage.lower()}…")
            self.progress.setValue(round(fraction * 100))

    def _demo_finished(self, message: str) -> None:
        if self.task is not None:
            self.task.wait()
            self.task = None
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        self.first_run.set_busy(False)
        self.statusBar().showMessage(message, 5000)
        self.refresh()

    def _demo_failed(self, message: str) -> None:
        self._demo_finished("Loading demo data failed.")
        QMessageBox.warning(self, "Load demo data", message)

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

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.wait()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        super().closeEvent(event)
