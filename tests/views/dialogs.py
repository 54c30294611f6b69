"""Driving modal dialogs in tests: `exec()` hands the real dialog to the test's next handler.

A dialog nobody expected fails the test at once instead of waiting for a click that never
comes; a handler works the dialog's real widgets (typing, clicking OK) like a user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog

Handler = Callable[[QDialog], None]


class DialogDriver:
    def __init__(self) -> None:
        self.handlers: list[Handler] = []
        self.files: list[str] = []
        self.choices: list[str | None] = []
        self.seen: list[QDialog] = []

    def expect(self, handler: Handler) -> None:
        """The next modal dialog goes to `handler`."""
        self.handlers.append(handler)

    def choose_file(self, path: Any) -> None:
        """The next file dialog answers `path` (open or save)."""
        self.files.append(str(path))

    def choose_item(self, item: str | None) -> None:
        """The next QInputDialog.getItem answers `item` (None: the user cancels)."""
        self.choices.append(item)

    def run(self, dialog: QDialog) -> int:
        if not self.handlers:
            pytest.fail(f"Unexpected modal dialog: {dialog.windowTitle()!r}")
        self.seen.append(dialog)
        dialog.show()
        self.handlers.pop(0)(dialog)
        dialog.hide()
        return dialog.result()

    def file(self, *_args: Any, **_kwargs: Any) -> tuple[str, str]:
        if not self.files:
            pytest.fail("Unexpected file dialog")
        return self.files.pop(0), ""

    def item(self, *_args: Any, **_kwargs: Any) -> tuple[str, bool]:
        if not self.choices:
            pytest.fail("Unexpected choice dialog")
        chosen = self.choices.pop(0)
        return (chosen or "", chosen is not None)


def install(monkeypatch: pytest.MonkeyPatch) -> DialogDriver:
    driver = DialogDriver()
    monkeypatch.setattr(QDialog, "exec", lambda dialog: driver.run(dialog))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(driver.file))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(driver.file))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(driver.item))
    return driver
