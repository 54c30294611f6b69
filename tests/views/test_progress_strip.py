"""Long work under a form: its stage and progress, Cancel, and exactly one ending."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from models.errors import KnownError
from views.data_bus import DataBus
from views.import_dialog import ImportDialog
from views.progress_strip import ProgressStrip

pytestmark = pytest.mark.usefixtures("db")  # background work closes its own connection


class Ended:
    """Which ending the strip called, and with what."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    def success(self, result: object) -> None:
        self.calls.append(("success", result))

    def failure(self, message: str) -> None:
        self.calls.append(("failure", message))

    def cancel(self) -> None:
        self.calls.append(("cancel", None))


def until_cancelled(release: threading.Event):
    """Work that reports progress until it is told to stop (or released)."""

    def work(progress):
        while not release.is_set():
            progress("Counting sheep", 0.4)
            time.sleep(0.01)
        return "never"

    return work


@pytest.fixture
def strip(qtbot):
    parent = QWidget()  # the form it sits under
    qtbot.addWidget(parent)
    widget = ProgressStrip(parent)
    parent.show()
    yield widget  # the parent, kept alive until here, keeps the strip alive
    parent.close()


def test_work_that_succeeds_shows_its_stage_then_hides_and_hands_over_its_result(strip, qtbot):
    ended, busy = Ended(), []
    strip.busy_changed.connect(busy.append)
    release = threading.Event()
    strip.run(until_cancelled(release), ended.success, ended.failure, ended.cancel)
    assert strip.isVisible() and busy == [True]
    qtbot.waitUntil(lambda: strip.stage.text() == "Counting sheep")
    assert strip.bar.value() == 40
    with pytest.raises(RuntimeError, match="One piece of work at a time"):
        strip.run(lambda _progress: None, ended.success, ended.failure)
    release.set()
    qtbot.waitUntil(lambda: strip.task is None)
    assert ended.calls == [("success", "never")]
    assert busy == [True, False] and not strip.isVisible()


def test_cancel_says_so_and_ends_with_the_cancel_callback(strip, qtbot):
    ended = Ended()
    strip.run(until_cancelled(threading.Event()), ended.success, ended.failure, ended.cancel)
    qtbot.waitUntil(lambda: strip.stage.text() == "Counting sheep")
    strip.cancel_button.click()
    assert strip.stage.text() == "Cancelling…" and not strip.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: strip.task is None)
    assert ended.calls == [("cancel", None)]


def test_a_known_problem_is_handed_to_the_failure_callback_and_the_next_work_can_start(
    strip, qtbot
):
    ended = Ended()

    def fails(_progress):
        raise KnownError("The file is open in Excel.")

    strip.run(fails, ended.success, ended.failure, ended.cancel)
    qtbot.waitUntil(lambda: strip.task is None)
    strip.run(lambda _progress: 42, ended.success, ended.failure)
    assert strip.cancel_button.isEnabled()  # a new piece of work can be cancelled again
    qtbot.waitUntil(lambda: strip.task is None)
    assert ended.calls == [("failure", "The file is open in Excel."), ("success", 42)]


def test_cancelling_the_import_dialogs_check_says_the_file_was_not_checked(
    qtbot, monkeypatch, tmp_path
):
    monkeypatch.setattr(
        "views.import_dialog.check_file",
        lambda _kind, _path, progress: until_cancelled(threading.Event())(progress),
    )
    dialog = ImportDialog(DataBus())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(Path(tmp_path / "customers.csv"))
    assert not dialog.choose_button.isEnabled() and not dialog.kind.isEnabled()
    qtbot.waitUntil(lambda: dialog.strip.stage.text() == "Counting sheep")
    dialog.strip.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.strip.task is None)
    assert dialog.summary.text() == "Cancelled: customers.csv was not checked."
    assert dialog.choose_button.isEnabled() and dialog.kind.isEnabled()
    assert not dialog.import_button.isEnabled()  # nothing checked, nothing to import
    dialog.reject()


def test_the_import_dialog_says_how_a_file_was_read_and_what_the_reader_noticed(qtbot, tmp_path):
    from openpyxl import Workbook

    tabs = tmp_path / "register.csv"
    tabs.write_bytes("Full name\tE-mail\nAnn\tann@example.org\n".encode("utf-16"))
    book = Workbook()
    book.active.title = "Register"
    book.active.append(["name"])
    book.active.append(["Ann"])
    book.create_sheet("Leavers").append(["Bob"])
    book.save(tmp_path / "register.xlsx")
    dialog = ImportDialog(DataBus())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_file(tabs)
    qtbot.waitUntil(lambda: dialog.strip.task is None and dialog.plan is not None)
    shown = dialog.summary.text()
    assert "CSV, UTF-16 little-endian with byte-order mark, separated by tabs" in shown
    assert "Its header row holds: Full name; E-mail." in shown
    dialog.set_file(tmp_path / "register.xlsx")
    qtbot.waitUntil(lambda: "Leavers" in dialog.summary.text())
    assert "Only the first sheet, 'Register', is read; the workbook also has 'Leavers'." in (
        dialog.summary.text()
    )
    assert dialog.import_button.isEnabled()
    dialog.reject()
