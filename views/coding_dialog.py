"""Coding feedback: the uncoded items one after another, each given its codes (new ones too)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.errors import KnownError
from models.feedback import Code, Feedback, code_choices, set_codes
from models.operations import create, fetch
from views.data_bus import DataBus
from views.format import EMPTY, date_label


class CodingDialog(QDialog):
    """Works through `items` (feedback ids): read the comment, tick its codes, Enter for next."""

    def __init__(self, bus: DataBus, items: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Code feedback")
        self.resize(640, 560)
        self.bus = bus
        self.items = list(items)
        self.position = 0
        self.coded = 0

        self.progress = QLabel()
        self.about = QLabel()
        self.about.setWordWrap(True)
        self.comment = QLabel()
        self.comment.setWordWrap(True)
        self.comment.setTextFormat(Qt.TextFormat.PlainText)
        self.comment.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.comment.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.comment.setFont(font)
        self.codes = QListWidget()
        self.codes.setAccessibleName("Codes")
        self.new_code = QLineEdit()
        self.new_code.setPlaceholderText("A new code: a few words someone new would understand")
        self.new_code.setAccessibleName("New code")
        self.new_code.installEventFilter(self)
        add = QPushButton("&Add code")
        add.setAutoDefault(False)
        add.clicked.connect(self.add_code)
        adding = QHBoxLayout()
        adding.addWidget(self.new_code, 1)
        adding.addWidget(add)

        self.buttons = QDialogButtonBox()
        self.next_button = self.buttons.addButton(
            "&Save and next", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.next_button.setDefault(True)
        self.skip_button = self.buttons.addButton("S&kip", QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.save_and_next)
        self.skip_button.clicked.connect(self.next_item)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("Item:", self.progress)
        form.addRow("About:", self.about)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Comment:"))
        layout.addWidget(self.comment)
        layout.addWidget(QLabel("Codes (arrows and Space to tick):"))
        layout.addWidget(self.codes, 1)
        layout.addLayout(adding)
        layout.addWidget(self.buttons)
        self.show_item()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Enter in the new-code box adds the code; it does not also save and move on."""
        if (
            watched is self.new_code
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.add_code()
            return True
        return super().eventFilter(watched, event)

    def current(self) -> Feedback | None:
        return (
            fetch(Feedback, self.items[self.position]) if self.position < len(self.items) else None
        )

    def show_item(self) -> None:
        item = self.current()
        if item is None:
            self.progress.setText(f"All done: {self.coded} item(s) coded.")
            self.about.setText("")
            self.comment.setText("")
            self.codes.clear()
            self.next_button.setEnabled(False)
            self.skip_button.setEnabled(False)
            return
        self.progress.setText(f"{self.position + 1} of {len(self.items)}")
        kind = item.type.label if item.type else "no type"
        self.about.setText(
            f"{date_label(item.received_on)}, {item.channel.label.lower()}, {kind.lower()}"
        )
        self.comment.setText(item.comment or EMPTY)
        ticked = {link.code_id.hex for link in item.code_links}
        self._fill_codes(ticked)

    def _fill_codes(self, ticked: set[str]) -> None:
        self.codes.clear()
        for name, key in code_choices():
            entry = QListWidgetItem(name)
            entry.setData(Qt.ItemDataRole.UserRole, key)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if key in ticked else Qt.CheckState.Unchecked)
            self.codes.addItem(entry)
        if self.codes.count():
            self.codes.setCurrentRow(0)
        self.codes.setFocus()

    def ticked(self) -> list[str]:
        return [
            self.codes.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.codes.count())
            if self.codes.item(row).checkState() == Qt.CheckState.Checked
        ]

    def add_code(self) -> None:
        """Create a code in place, ticked for this item."""
        name = " ".join(self.new_code.text().split())
        if not name:
            return
        try:
            code, change = create(Code, name=name)
        except KnownError as error:
            QMessageBox.warning(self, "New code", str(error))
            return
        self.bus.announce(change)
        self.new_code.clear()
        self._fill_codes(set(self.ticked()) | {code.id.hex})

    def save_and_next(self) -> None:
        item = self.current()
        if item is None:
            return
        chosen = self.ticked()
        if chosen:
            self.bus.announce(set_codes(item, chosen))
            self.coded += 1
        self.next_item()

    def next_item(self) -> None:
        self.position += 1
        self.show_item()
