"""Choosing several records by typing: codes for a feedback item.

Type part of a name and the matches show beneath, best first; Enter adds the highlighted one,
Up and Down move between them. A name nobody has used yet can be created on the spot (the list
then offers "Create …"). Backspace in the empty box removes the last one chosen, Delete removes
the one selected in the chosen list. Enter in the empty box is left to the dialog, so a form
still saves with Enter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.errors import KnownError
from models.text import fold

Options = Callable[[], Sequence[tuple[str, Any]]]
Create = Callable[[str], tuple[str, Any]]  # a typed name -> the new option (label, key)

_CREATE = object()  # the data of the suggestion row that creates a new option
_SHOWN = 8  # suggestion rows visible at once


class TagPicker(QWidget):
    """A type-ahead box over `options`, and the list of those chosen; see the module."""

    changed = Signal()

    def __init__(
        self,
        options: Options,
        *,
        create: Create | None = None,
        noun: str = "code",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._create = create
        self.noun = noun
        self.options: list[tuple[str, Any]] = list(options())
        self.edit = QLineEdit()
        action = f"Enter adds it{' or creates it' if create else ''}"
        self.edit.setPlaceholderText(f"Type part of a {noun}; {action}")
        self.edit.setAccessibleName(f"Find a {noun}")
        self.edit.textChanged.connect(self._suggest)
        self.edit.installEventFilter(self)
        self.suggestions = QListWidget()
        self.suggestions.setAccessibleName(f"Matching {noun}s")
        self.suggestions.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typing stays in the box
        self.suggestions.itemClicked.connect(lambda _item: self.take_suggestion())
        self.suggestions.hide()
        self.chosen = QListWidget()
        self.chosen.setAccessibleName(f"Chosen {noun}s")
        self.chosen.setFlow(QListView.Flow.LeftToRight)
        self.chosen.setWrapping(True)
        self.chosen.setSpacing(2)
        self.chosen.itemDoubleClicked.connect(self._remove_item)
        self.chosen.installEventFilter(self)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a4262c;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        line = self.fontMetrics().lineSpacing()
        self.chosen.setFixedHeight(line * 3 + 12)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        caption = QLabel(f"Chosen {noun}s (Delete or double-click removes one):")
        caption.setBuddy(self.chosen)
        for widget in (self.edit, self.suggestions, self.problem, caption, self.chosen):
            layout.addWidget(widget)
        layout.addStretch(1)  # room the list does not need goes below, not between the parts
        self.setFocusProxy(self.edit)

    # ---------------------------------------------------------------- values

    def keys(self) -> list[Any]:
        return [
            self.chosen.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.chosen.count())
        ]

    def set_chosen(self, chosen: Iterable[tuple[str, Any]]) -> None:
        """Show `chosen` (label, key) as chosen, even those no longer offered (a retired code
        stays on the items that have it)."""
        labels = {key: label for label, key in self.options}
        self.chosen.clear()
        for label, key in chosen:
            self._add(labels.get(key, label), key, announce=False)
        self.changed.emit()

    # ---------------------------------------------------------------- typing

    def _suggest(self, text: str) -> None:
        self.problem.hide()
        self.suggestions.clear()
        wanted = fold(" ".join(text.split()))
        if not wanted:
            self.suggestions.hide()
            return
        chosen = set(self.keys())
        matches = [(label, key) for label, key in self.options if wanted in fold(label)]
        matches.sort(key=lambda option: (not fold(option[0]).startswith(wanted), fold(option[0])))
        for label, key in matches:
            if key not in chosen:
                self._suggestion(label, key)
        exact = any(fold(label) == wanted for label, _key in matches)
        if self._create is not None and not exact:
            self._suggestion(f"Create the {self.noun} “{' '.join(text.split())}”", _CREATE)
        if not self.suggestions.count():
            self._suggestion(f"Already chosen, or no {self.noun} matches", None)
        self.suggestions.setCurrentRow(0)
        rows = min(self.suggestions.count(), _SHOWN)
        frame = self.suggestions.frameWidth() * 2
        self.suggestions.setFixedHeight(rows * self.suggestions.sizeHintForRow(0) + frame)
        self.suggestions.show()

    def _suggestion(self, label: str, key: Any) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        if key is _CREATE:
            font = item.font()
            font.setItalic(True)
            item.setFont(font)
        self.suggestions.addItem(item)

    def take_suggestion(self) -> None:
        """Add the highlighted suggestion, or create the typed name."""
        item = self.suggestions.currentItem()
        key = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if key is None:
            return
        if key is _CREATE:
            self._make(" ".join(self.edit.text().split()))
            return
        self._add(item.text(), key)

    def _make(self, name: str) -> None:
        assert self._create is not None
        try:
            label, key = self._create(name)
        except KnownError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        self.options.append((label, key))
        self._add(label, key)

    def _add(self, label: str, key: Any, *, announce: bool = True) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.chosen.addItem(item)
        if announce:
            self.edit.clear()
            self.changed.emit()

    def _remove_item(self, item: QListWidgetItem) -> None:
        self.chosen.takeItem(self.chosen.row(item))
        self._suggest(self.edit.text())
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.chosen and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            if self.chosen.currentItem() is not None:
                self._remove_item(self.chosen.currentItem())
            return True
        if watched is not self.edit:
            return super().eventFilter(watched, event)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.edit.text().strip():
            self.take_suggestion()
            return True  # not also the dialog's OK
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.suggestions.isVisible():
            step = 1 if key == Qt.Key.Key_Down else -1
            row = min(max(self.suggestions.currentRow() + step, 0), self.suggestions.count() - 1)
            self.suggestions.setCurrentRow(row)
            return True
        if key == Qt.Key.Key_Backspace and not self.edit.text() and self.chosen.count():
            self._remove_item(self.chosen.item(self.chosen.count() - 1))
            return True
        if key == Qt.Key.Key_Escape and self.edit.text():
            self.edit.clear()  # Esc first clears the box; a second Esc closes the dialog
            return True
        return super().eventFilter(watched, event)
