"""Running long work with a progress dialog and a Cancel button, off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from models.errors import Cancelled, KnownError
from views.background import BackgroundTask, Progress


def run_with_progress(
    parent: QWidget,
    title: str,
    work: Callable[[Progress], Any],
    on_success: Callable[[Any], None],
    on_end: Callable[[], None] | None = None,
) -> BackgroundTask:
    """Start `work(progress)` in the background behind a modal progress dialog.

    `on_success(result)` runs on the GUI thread when it finishes; a known problem is shown in a
    message box; `on_end()` runs whatever happened (success, failure or cancel).
    """
    dialog = _progress_dialog(parent, title)
    task = BackgroundTask(work)
    dialog.canceled.connect(task.cancel)

    def show(stage: str, fraction: float) -> None:
        dialog.setLabelText(f"{title}: {stage.lower()}…")
        dialog.setValue(round(fraction * 100))

    def finish() -> None:
        task.wait()
        dialog.close()
        dialog.deleteLater()
        if on_end is not None:
            on_end()

    def failed(message: str) -> None:
        finish()
        QMessageBox.warning(parent, title, message)

    task.progressed.connect(show)
    task.succeeded.connect(lambda result: (finish(), on_success(result)))
    task.cancelled.connect(finish)
    task.failed.connect(failed)
    task.progress_dialog = dialog  # for tests and for whoever wants to cancel
    task.start()
    return task


def _progress_dialog(parent: QWidget | None, title: str) -> QProgressDialog:
    dialog = QProgressDialog(f"{title}…", "Cancel", 0, 100, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(
        Qt.WindowModality.WindowModal if parent is not None else Qt.WindowModality.ApplicationModal
    )
    dialog.setMinimumDuration(300)  # quick work finishes before a dialog flashes up
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def wait_with_progress(
    parent: QWidget | None, title: str, work: Callable[[Progress], Any], cancel: bool = True
) -> Any:
    """Run `work(progress)` in the background behind a progress dialog and wait for it: for
    work that must finish before the program goes on (checking the database at start-up).

    Returns the result; raises KnownError with the work's message, or Cancelled.
    """
    dialog = _progress_dialog(parent, title)
    if not cancel:
        dialog.setCancelButton(None)
    task = BackgroundTask(work)
    dialog.canceled.connect(task.cancel)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()
    task.progressed.connect(
        lambda stage, fraction: (
            dialog.setLabelText(f"{stage}…"),
            dialog.setValue(round(fraction * 100)),
        )
    )
    task.succeeded.connect(lambda result: outcome.setdefault("result", result))
    task.failed.connect(lambda message: outcome.setdefault("failed", message))
    task.cancelled.connect(lambda: outcome.setdefault("cancelled", True))
    task.finished.connect(loop.quit)
    task.progress_dialog = dialog
    task.start()
    loop.exec()  # the results and `finished` are queued to this thread: none can be missed
    task.wait()
    dialog.close()
    dialog.deleteLater()
    if "failed" in outcome:
        raise KnownError(outcome["failed"])
    if "cancelled" in outcome:
        raise Cancelled
    return outcome.get("result")
