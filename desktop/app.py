"""Starting the window: the Qt application, the data folder, the main window."""

from __future__ import annotations

import logging
import sys
import traceback
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop import APP_NAME, __version__
from desktop.folder_lock import FolderLock, folder_in_use
from desktop.logs import start_logging
from desktop.paths import database_path
from desktop.resources import resource_path
from desktop.session import ensure_data_folder
from models.errors import Cancelled, KnownError

if TYPE_CHECKING:
    from views.main_window import MainWindow

ORGANISATION_DOMAIN = "rapport.local"
log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")
QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named so that Windows and Qt file dialogs know who we are."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setOrganizationDomain(ORGANISATION_DOMAIN)
    app.setWindowIcon(QIcon(str(resource_path("rapport.png"))))
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    return app


def log_qt_messages() -> None:
    """Qt's own warnings go to the log file: a windowed program has no console for them.

    A handler installed before (a test's, which fails on Qt warnings) still hears of them;
    Qt's default one, which writes to stderr, does not.
    """
    previous = None

    def handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        qt_log.log(QT_LEVELS.get(kind, logging.WARNING), "%s", message)
        if previous is not None:
            previous(kind, context, message)

    previous = qInstallMessageHandler(handle)


def start_window(data_dir: Path) -> MainWindow | None:
    """Open the data folder and show the window; None (after telling the user) if it cannot.

    The folder is locked first, so a second Rapport never opens the same database; then the
    database is opened and quickly checked (a damaged one is replaced by a good backup, if the
    user agrees, rather than opened).
    """
    from desktop.backups import sweep_leftovers
    from desktop.session import settle_who
    from views.data_protection import RecoveryKeyDialog, key_for_window
    from views.main_window import MainWindow
    from views.start_checks import open_checked, warn_if_network_share

    create_application()
    lock = FolderLock(data_dir)
    try:
        ensure_data_folder(data_dir)
        if not lock.acquire():
            raise folder_in_use(data_dir, lock.holder())
        sweep_leftovers(data_dir)
        warn_if_network_share(data_dir)
        chosen = key_for_window(data_dir)
        open_checked(data_dir, chosen.key)
        log_file = start_logging(data_dir)
        log_qt_messages()
        you = settle_who(data_dir)  # a new folder's team starts with its maker
    except Cancelled:
        lock.release()
        return None
    except KnownError as error:
        lock.release()
        QMessageBox.critical(None, f"{APP_NAME} cannot open its data", str(error))
        return None
    sys.excepthook = partial(report_bug, log_file)
    window = MainWindow(data_dir, database_path(data_dir), lock=lock)
    window.show()
    log.info("Window opened on %s", database_path(data_dir))
    if chosen.new:
        RecoveryKeyDialog(chosen.key or "", data_dir, window).exec()
    if you is None:  # a team, but nobody chosen here yet (a restored or shared folder)
        window.ask_who_you_are()
    return window


def report_bug(
    log_file: Path,
    kind: type[BaseException],
    error: BaseException,
    trace: TracebackType | None,
) -> None:
    """A bug in a slot: log it and tell the user what happened and where the details are."""
    log.critical("Unexpected error", exc_info=(kind, error, trace))
    details = "".join(traceback.format_exception(kind, error, trace))
    QMessageBox.critical(
        QApplication.activeWindow(),
        f"{APP_NAME} ran into a problem",
        f"Something went wrong that Rapport did not expect: {error}\n\n"
        f"Your data is safe: every change is saved as it is made. The details are in "
        f"{log_file}; please send that file to whoever supports Rapport.\n\n{details}",
    )


def run_window(data_dir: Path) -> int:
    from views.single_instance import hand_over_to_open_window

    create_application()
    if hand_over_to_open_window(data_dir):
        log.info("Rapport is already open on %s: brought it forward", data_dir)
        return 0
    window = start_window(data_dir)
    if window is None:
        return 1
    from views.background import stop_all

    QApplication.instance().aboutToQuit.connect(stop_all)
    return QApplication.instance().exec()
