"""The mapping step of a questionnaire import: which of the file's columns holds what.

Rapport fills it with the mapping remembered for files of this shape, or with its guesses; the
user corrects any list and the file is checked again at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel, QWidget

from desktop.questionnaire import TARGETS
from models.choices import FeedbackChannel

NOT_IN_FILE = "(not in this file)"
_SOURCES = {
    "remembered": "Remembered from the last file with these columns.",
    "guessed": "Rapport's guesses from the questions' wording: check each one.",
}


class MappingPanel(QGroupBox):
    """One list of the file's columns per thing Rapport records, and how the answers came in."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Which column holds what", parent)
        self.headers: tuple[str, ...] = ()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.boxes: dict[str, QComboBox] = {}
        grid = QGridLayout(self)
        grid.addWidget(self.note, 0, 0, 1, 4)
        self.channel = QComboBox()
        for member in FeedbackChannel:
            self.channel.addItem(member.label, member.value)
        self.channel.setCurrentIndex(self.channel.findData(FeedbackChannel.QUESTIONNAIRE.value))
        self.channel.setAccessibleName("How the answers came in")
        self.channel.currentIndexChanged.connect(self.changed)
        rows = [*TARGETS, ("channel", "How they came in")]
        half = (len(rows) + 1) // 2
        for position, (target, label) in enumerate(rows):
            box = self.channel if target == "channel" else self._column_box(target, label)
            caption = QLabel(f"{label}:")
            caption.setBuddy(box)
            row, pair = 1 + position % half, position // half
            grid.addWidget(caption, row, pair * 2)
            grid.addWidget(box, row, pair * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

    def _column_box(self, target: str, label: str) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(f"Column for {label}")
        box.setMinimumContentsLength(24)
        box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        box.currentIndexChanged.connect(self.changed)
        self.boxes[target] = box
        return box

    def show_mapping(self, headers: Sequence[str], mapping: Mapping[str, str], source: str) -> None:
        """Offer `headers` in every list, with `mapping` chosen; says where it came from."""
        self.headers = tuple(headers)
        for target, box in self.boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(NOT_IN_FILE, None)
            for header in headers:
                if header:
                    box.addItem(header, header)
                    box.setItemData(box.count() - 1, header, Qt.ItemDataRole.ToolTipRole)
            box.setCurrentIndex(max(box.findData(mapping.get(target)), 0))
            box.blockSignals(False)
        self.note.setText(_SOURCES.get(source, "Choose the column for each question."))

    def mapping(self) -> dict[str, str]:
        return {
            target: box.currentData() for target, box in self.boxes.items() if box.currentData()
        }

    def chosen_channel(self) -> FeedbackChannel:
        return FeedbackChannel(self.channel.currentData())
