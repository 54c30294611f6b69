"""Coding feedback: the uncoded items one after another, each given its codes (new ones too)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from models.feedback import Code, Feedback, code_choices, set_codes
from models.operations import create, fetch
from views.data_bus import DataBus
from views.format import EMPTY, date_label
from views.tag_picker import TagPicker


class CodingDialog(QDialog):
    """Works through `items` (feedback ids): read the comment, type its codes, Enter for next."""

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
        self.codes = TagPicker(code_choices, create=self.new_code)
        self.codes.setAccessibleName("Codes")

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
        codes_label = QLabel("&Codes (type part of one, Enter adds it; Enter again saves):")
        codes_label.setBuddy(self.codes)
        layout.addWidget(codes_label)
        layout.addWidget(self.codes)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.show_item()

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
            self.codes.set_chosen([])
            self.codes.setEnabled(False)
            self.next_button.setEnabled(False)
            self.skip_button.setEnabled(False)
            return
        self.progress.setText(f"{self.position + 1} of {len(self.items)}")
        kind = item.type.label if item.type else "no type"
        self.about.setText(
            f"{date_label(item.received_on)}, {item.channel.label.lower()}, {kind.lower()}"
        )
        self.comment.setText(item.comment or EMPTY)
        self.codes.set_chosen((link.code.name, link.code_id.hex) for link in item.code_links)
        self.codes.setFocus()

    def new_code(self, name: str) -> tuple[str, Any]:
        """Create a code in place (the picker then adds it to this item)."""
        code, change = create(Code, name=name)
        self.bus.announce(change)
        return code.name, code.id.hex

    def save_and_next(self) -> None:
        item = self.current()
        if item is None:
            return
        chosen = self.codes.keys()
        if chosen:
            self.bus.announce(set_codes(item, chosen))
            self.coded += 1
        self.next_item()

    def next_item(self) -> None:
        self.position += 1
        self.show_item()
