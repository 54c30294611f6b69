"""The page a new database opens on: name the organisation, or start from demo data."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
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
        start_requested(str, str): the organisation's name and the user's own, to start.
        demo_requested(): the user wants to explore with demo data.
        import_requested(): the user wants to start from a register kept in a spreadsheet.
    """

    start_requested = Signal(str, str)
    demo_requested = Signal()
    import_requested = Signal()

    def __init__(
        self, organisation_name: str = "", your_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunPage")

        icon = QLabel()
        icon.setPixmap(QApplication.windowIcon().pixmap(56, 56))
        title = QLabel("<h1>Welcome to Rapport</h1>")
        heading = QHBoxLayout()
        heading.addWidget(icon)
        heading.addWidget(title, 1)
        intro = _paragraph(
            "Rapport keeps your register of internal customers, the services you offer them and "
            "the standards you agreed, your service and complaints logs, and the feedback you "
            "collect — and prints the monthly evaluation report."
        )

        self.name_edit = self._name_box(
            organisation_name, "Organisation name", "e.g. Business Support, Adult Services"
        )
        self.you_edit = self._name_box(
            your_name, "Your name", "As your colleagues know you, e.g. Priya Patel"
        )

        self.start_button = QPushButton("&Start")
        self.start_button.setDefault(True)
        self.start_button.setAccessibleName("Start with this organisation name")
        self.start_button.clicked.connect(self._start)

        self.demo_button = QPushButton("Load &demo data…")
        self.demo_button.setAccessibleName("Load demo data")
        self.demo_button.setToolTip("Fill this database with a demo organisation to explore")
        self.demo_button.clicked.connect(self.demo_requested)

        names = QFormLayout()
        names.addRow("Organisation &name:", self.name_edit)
        names.addRow("&Your name:", self.you_edit)
        name_row = QHBoxLayout()
        name_row.addLayout(names, 1)
        name_row.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.import_button = QPushButton("&Import a register…")
        self.import_button.setAccessibleName("Import a register of internal customers")
        self.import_button.setToolTip("Start from a CSV or Excel list of your internal customers")
        self.import_button.clicked.connect(self.import_requested)
        import_row = QHBoxLayout()
        import_row.addWidget(self.import_button)
        import_row.addStretch(1)
        demo_row = QHBoxLayout()
        demo_row.addWidget(self.demo_button)
        demo_row.addStretch(1)

        column = QVBoxLayout()
        column.addLayout(heading)
        column.addWidget(intro)
        column.addSpacing(16)
        column.addWidget(QLabel("<h3>Start with your organisation</h3>"))
        column.addWidget(
            _paragraph(
                "Name it as it should appear on reports and letters, and say who you are: you "
                "are the first member of the team (Edit ▸ Team… adds your colleagues)."
            )
        )
        column.addLayout(name_row)
        column.addSpacing(16)
        column.addWidget(QLabel("<h3>Or bring your register</h3>"))
        column.addWidget(
            _paragraph(
                "Import your internal customers from a CSV or Excel file — the departments "
                "they belong to are created as they come."
            )
        )
        column.addLayout(import_row)
        column.addSpacing(16)
        column.addWidget(QLabel("<h3>Or explore first</h3>"))
        column.addWidget(
            _paragraph(
                "Load a made-up council business-support team with a year of requests, "
                "complaints and feedback, and try everything without risk."
            )
        )
        column.addLayout(demo_row)

        box = QWidget()
        box.setLayout(column)
        box.setMaximumWidth(680)
        across = QHBoxLayout()
        across.addStretch(1)
        across.addWidget(box, 4)
        across.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(across)
        outer.addStretch(2)

        self.setTabOrder(self.name_edit, self.you_edit)
        self.setTabOrder(self.you_edit, self.start_button)
        self.setTabOrder(self.start_button, self.import_button)
        self.setTabOrder(self.import_button, self.demo_button)
        self._update_buttons()

    def _name_box(self, text: str, name: str, example: str) -> QLineEdit:
        box = QLineEdit(text)
        box.setPlaceholderText(example)
        box.setMaxLength(200)
        box.setAccessibleName(name)
        box.textChanged.connect(self._update_buttons)
        box.returnPressed.connect(self._start)
        return box

    def _ready(self) -> bool:
        return bool(self.name_edit.text().strip() and self.you_edit.text().strip())

    def _update_buttons(self) -> None:
        self.start_button.setEnabled(self._ready())

    def _start(self) -> None:
        if self.start_button.isEnabled():
            self.start_requested.emit(self.name_edit.text(), self.you_edit.text())

    def set_busy(self, busy: bool) -> None:
        self.name_edit.setEnabled(not busy)
        self.you_edit.setEnabled(not busy)
        self.demo_button.setEnabled(not busy)
        self.import_button.setEnabled(not busy)
        self.start_button.setEnabled(not busy and self._ready())


def _paragraph(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label
