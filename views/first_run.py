"""The page a new database opens on: name the organisation, or start from demo data."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class FirstRunPage(QWidget):
    """Welcome page for an empty database.

    Signals:
        start_requested(str): the user named the organisation and wants to start.
        demo_requested(): the user wants to explore with demo data.
    """

    start_requested = Signal(str)
    demo_requested = Signal()

    def __init__(self, organisation_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunPage")

        title = QLabel("<h1>Welcome to Rapport</h1>")
        intro = QLabel(
            "Rapport keeps your register of internal customers, the services you offer them "
            "and the standards you agreed, your service and complaints logs, and the feedback "
            "you collect — and prints the monthly evaluation report.<br><br>"
            "To begin, name your organisation. If you would rather look around first, load "
            "the demo organisation: a year of made-up service you can explore freely."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.name_edit = QLineEdit(organisation_name)
        self.name_edit.setPlaceholderText("e.g. Business Support, Adult Services Directorate")
        self.name_edit.setMaxLength(200)
        self.name_edit.setAccessibleName("Organisation name")
        self.name_edit.textChanged.connect(self._update_buttons)
        self.name_edit.returnPressed.connect(self._start)

        self.start_button = QPushButton("&Start")
        self.start_button.setDefault(True)
        self.start_button.setAccessibleName("Start with this organisation name")
        self.start_button.clicked.connect(self._start)

        self.demo_button = QPushButton("Load &demo data…")
        self.demo_button.setAccessibleName("Load demo data")
        self.demo_button.setToolTip("Fill this database with a demo organisation to explore")
        self.demo_button.clicked.connect(self.demo_requested)

        form = QFormLayout()
        form.addRow("Organisation &name:", self.name_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("or"))
        buttons.addWidget(self.demo_button)

        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(12)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addStretch(1)

        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(640)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(box, 3)
        outer.addStretch(1)

        self.setTabOrder(self.name_edit, self.start_button)
        self.setTabOrder(self.start_button, self.demo_button)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.start_button.setEnabled(bool(self.name_edit.text().strip()))

    def _start(self) -> None:
        if self.start_button.isEnabled():
            self.start_requested.emit(self.name_edit.text())

    def set_busy(self, busy: bool) -> None:
        self.name_edit.setEnabled(not busy)
        self.demo_button.setEnabled(not busy)
        self.start_button.setEnabled(not busy and bool(self.name_edit.text().strip()))
