"""What the window shows once the database holds an organisation: what it holds and where."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from views.format import count_label

_SHOWN = (
    ("customer", "Internal customers"),
    ("department", "Departments"),
    ("service", "Services"),
    ("standard", "Quality standards"),
    ("service_request", "Service requests"),
    ("complaint", "Complaints"),
    ("feedback", "Feedback items"),
    ("improvement_action", "Improvement actions"),
)


class HomePage(QWidget):
    """The organisation and what its database holds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("homePage")
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # user text is never markup
        self.title.setWordWrap(True)
        heading = self.title.font()
        heading.setPointSizeF(heading.pointSizeF() * 1.8)
        heading.setBold(True)
        self.title.setFont(heading)
        self.counts: dict[str, QLabel] = {}
        group = QGroupBox("This database holds")
        form = QFormLayout(group)
        for table, label in _SHOWN:
            value = QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setAccessibleName(label)
            self.counts[table] = value
            form.addRow(f"{label}:", value)
        group.setMaximumWidth(420)
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 16, 24, 16)
        column.addWidget(self.title)
        column.addSpacing(8)
        column.addWidget(group)
        column.addStretch(1)

    def show_state(self, organisation: str, counts: Mapping[str, int]) -> None:
        self.title.setText(organisation)
        for table, label in self.counts.items():
            label.setText(count_label(counts.get(table, 0)))
