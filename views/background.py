"""Long work off the GUI thread, with progress and cancel (imports, demo data, reports)."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from models.base import database
from models.errors import Cancelled, KnownError, Progress, explain_database_error

log = logging.getLogger(__name__)


_started: list[BackgroundTask] = []  # kept until finished, whatever happens to their owners


class BackgroundTask(QThread):
    """Runs `work(progress)` in its own thread; the database connection is its own too.

    Signals:
        progressed(str, float): a stage name and the fraction done (0–1).
        succeeded(object): the work's result.
        failed(str): a message for the user (a known problem, or a bug with its traceback).
        cancelled(): the user cancelled; the work rolled back.
    """

    progressed = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        # No Qt parent: a widget deleted while its work runs must not take the running thread
        # with it (Qt aborts the program). `stop_all` waits for every task instead.
        super().__init__()
        self._work = work
        self._cancel_requested = False
        self.progress_dialog: Any = None  # the dialog showing this task's progress, if any

    def cancel(self) -> None:
        self._cancel_requested = True

    def start(self, *args: Any) -> None:
        _started[:] = [task for task in _started if not _finished(task)]
        _started.append(self)
        super().start(*args)

    def _progress(self, stage: str, fraction: float) -> None:
        if self._cancel_requested:
            raise Cancelled
        self.progressed.emit(stage, fraction)

    def run(self) -> None:
        try:
            result = self._work(self._progress)
        except Cancelled:
            self.cancelled.emit()
        except KnownError as error:
            self.failed.emit(str(error))
        except Exception as error:
            known = explain_database_error(error)
            if known is not None:
                self.failed.emit(str(known))
                return
            log.exception("Background work failed")
            self.failed.emit(f"Something went wrong:\n\n{traceback.format_exc()}")
        else:
            self.succeeded.emit(result)
        finally:
            if not database.is_closed():
                database.close()  # this thread's own connection


def _finished(task: BackgroundTask) -> bool:
    try:
        return task.isFinished()
    except RuntimeError:  # already deleted
        return True


def stop_all() -> None:
    """Cancel every background task still running and wait for it to roll back: before the
    program quits (and after each test), no thread may outlive the work it was given."""
    for task in _started:
        if not _finished(task):
            task.cancel()
            task.wait()
    _started.clear()


WORKING = "Working out the figures…"  # what a view shows while its Refresher runs


def not_worked_out(message: str) -> str:
    """A failed run, in a line that fits beside the figures."""
    return f"The figures could not be worked out: {message.splitlines()[0]}"


class Refresher(QObject):
    """Figures worked out in the background, one run at a time, for a view that shows the
    latest: asking again while a run is under way runs the newest ask once it ends, and a run
    overtaken by a newer ask is never shown (no flicker of stale figures).

    Signals:
        busy_changed(bool): a run started (True) or the last one ended (False).
    """

    busy_changed = Signal(bool)

    def __init__(
        self,
        show: Callable[[Any], None],
        failed: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._show = show
        self._failed = failed
        self.task: BackgroundTask | None = None
        self._next: Callable[[Progress], Any] | None = None

    def refresh(self, work: Callable[[Progress], Any]) -> None:
        if self.task is not None:
            self._next = work
            return
        task = BackgroundTask(work)
        self.task = task
        task.succeeded.connect(lambda result: self._deliver(task, self._show, result))
        task.failed.connect(lambda message: self._deliver(task, self._failed, message))
        task.finished.connect(lambda: self._ended(task))
        self.busy_changed.emit(True)
        task.start()

    def stop(self) -> None:
        """Cancel the run under way, forget any asked for, and wait (the view is closing):
        nothing of it is shown afterwards."""
        self._next = None
        task, self.task = self.task, None
        if task is not None:
            task.cancel()
            task.wait()
            self.busy_changed.emit(False)

    def _deliver(self, task: BackgroundTask, to: Callable[[Any], None], value: Any) -> None:
        if self.task is task and self._next is None:  # not stopped, nor overtaken
            to(value)

    def _ended(self, task: BackgroundTask) -> None:
        task.wait()
        if self.task is not task:  # stopped
            return
        self.task = None
        work, self._next = self._next, None
        if work is not None:
            self.refresh(work)
        else:
            self.busy_changed.emit(False)
