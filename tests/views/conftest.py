"""GUI fixtures: message boxes answer at once and are recorded, so no test can hang on one."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtWidgets import QMessageBox


@dataclass
class MessageBoxes:
    """What the program tried to tell the user, as (kind, title, text)."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.shown]


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> MessageBoxes:
    boxes = MessageBoxes()

    def recorder(kind: str):
        def show(parent, title, text, *args, **kwargs):
            boxes.shown.append((kind, title, text))
            return boxes.answer

        return show

    for kind in ("about", "information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(recorder(kind)))
    return boxes


@pytest.fixture(autouse=True)
def restore_process_hooks(monkeypatch: pytest.MonkeyPatch):
    """start_window installs an excepthook and a log file: neither may outlive the test."""
    import logging
    import sys

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch):
    """Modal dialogs are driven by the test, never left waiting (see tests/views/dialogs.py)."""
    from tests.views.dialogs import install

    driver = install(monkeypatch)
    yield driver
    assert not driver.handlers, f"{len(driver.handlers)} expected dialog(s) never opened"


@pytest.fixture(autouse=True)
def no_background_work_outlives_the_test():
    from views.background import stop_all

    yield
    stop_all()


@pytest.fixture(autouse=True)
def collect_garbage_after_each_test():
    """Free each test's widgets while Qt is fully alive, not at interpreter exit."""
    import gc

    yield
    gc.collect()


@pytest.fixture
def show_main_window(qtbot, data_dir):
    """Open the main window on the data folder's (already open) database, shown."""
    from desktop.session import seat
    from views.main_window import MainWindow

    def show() -> MainWindow:
        seat(data_dir)  # as the application does: in the demo, you are its team leader
        window = MainWindow(data_dir, data_dir / "rapport.db")
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        return window

    return show
