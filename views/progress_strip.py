"""One piece of long work at a time under a form: what it is doing, how far it has got, Cancel.

The report and import dialogs show their work here rather than in a separate progress window,
so the form it came from stays in view (and can say what happened).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSizePolicy, QWidget

from views.background import BackgroundTask, Progress


class ProgressStrip(QWidget):
    """A stage, a progress bar and Cancel, shown only while work runs.

    Signals:
        busy_changed(bool): work started (True) or ended, however it ended (False); the form
            disables what must not change meanwhile.
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: BackgroundTask | None = None
        self.stage = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setAccessibleName("Progress")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stage)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)  # one line
        self.hide()

    def run(
        self,
        work: Callable[[Progress], Any],
        on_success: Callable[[Any], None],
        on_failure: Callable[[str], None],
        on_cancel: Callable[[], None] | None = None,
    ) -> BackgroundTask:
        """Start `work(progress)` in the background. Exactly one of the callbacks runs, on the
        GUI thread, once the work's thread has ended: it may start the next piece of work."""
        if self.task is not None:
            raise RuntimeError("One piece of work at a time: this strip is busy.")
        task = BackgroundTask(work)
        self.task = task
        self.stage.setText("Starting…")
        self.bar.setValue(0)
        self.cancel_button.setEnabled(True)
        self.show()
        task.progressed.connect(self._progressed)
        task.succeeded.connect(lambda result: self._end(task, lambda: on_success(result)))
        task.failed.connect(lambda message: self._end(task, lambda: on_failure(message)))
        task.cancelled.connect(lambda: self._end(task, on_cancel))
        self.busy_changed.emit(True)
        task.start()
        return task

    def cancel(self) -> None:
        """Ask the work to stop; it rolls back and then says it was cancelled."""
        if self.task is not None:
            self.stage.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            self.task.cancel()

    def stop(self) -> None:
        """Cancel and wait for the work to end (the form is closing)."""
        if self.task is not None:
            self.task.cancel()
            self.task.wait()

    def _progressed(self, stage: str, fraction: float) -> None:
        if self.task is not None and self.cancel_button.isEnabled():  # not after Cancel
            self.stage.setText(stage)
        self.bar.setValue(round(fraction * 100))

    def _end(self, task: BackgroundTask, then: Callable[[], None] | None) -> None:
        task.wait()  # its last signal is sent: the thread is only closing its connection
        if self.task is task:
            self.task = None
            self.hide()
            self.busy_changed.emit(False)
        if then is not None:
            then()
