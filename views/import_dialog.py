"""File ▸ Import…: choose a file, see what Rapport makes of it, then import all of it or nothing.

The file is checked in the background as soon as it is chosen: the dialog shows the format it
found, which headers became which columns, the first rows, and every problem with its line and
column. Import is possible only when there are none.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.importing import ImportKind, ImportPlan, apply_plan, check_file
from desktop.kinds import FORMATS
from desktop.questionnaire import QuestionnaireFormat
from views.data_bus import DataBus
from views.format import count_label
from views.mapping_panel import MappingPanel
from views.progress_strip import ProgressStrip
from views.table_model import Tone

FILE_FILTER = "Spreadsheets (*.csv *.xlsx);;CSV files (*.csv);;Excel workbooks (*.xlsx)"


class ImportDialog(QDialog):
    """Check a file in the background, show the result, and import it on request."""

    def __init__(self, bus: DataBus, kind: str = "customers", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Import")
        self.resize(960, 720)
        self.bus = bus
        self.plan: ImportPlan | None = None
        self.format: ImportKind | None = None
        self.imported = 0

        self.kind = QComboBox()
        for name in FORMATS:
            self.kind.addItem(FORMATS[name]().noun.capitalize(), name)
        self.kind.setCurrentIndex(max(self.kind.findData(kind), 0))
        self.kind.setAccessibleName("What the file holds")
        self.kind.currentIndexChanged.connect(self.check)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("Choose a .csv or .xlsx file")
        self.path.setAccessibleName("File to import")
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.choose_button)
        top = QFormLayout()
        top.addRow("&What it holds:", self.kind)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.choose_button)
        top.addRow(file_label, file_row)

        self.mapping = MappingPanel()
        self.mapping.hide()
        self.mapping.changed.connect(self.check)
        self.mapped_file = ""  # the file whose columns the mapping panel offers

        self.summary = QLabel("Choose a file to see what it holds.")
        self.summary.setWordWrap(True)
        self.preview = QTableWidget()
        self.preview.setAccessibleName("First rows of the file")
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setAccessibleName("Problems found")
        self.problems.setMaximumHeight(120)

        self.strip = ProgressStrip()
        self.strip.busy_changed.connect(self._busy)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.mapping)
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("First rows:"))
        layout.addWidget(self.preview, 1)
        layout.addWidget(QLabel("Problems:"))
        layout.addWidget(self.problems)
        layout.addWidget(self.strip)
        layout.addWidget(self.buttons)

    # ---------------------------------------------------------------- choosing and checking

    def choose_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import", str(Path.home()), FILE_FILTER)
        if name:
            self.set_file(Path(name))

    def set_file(self, path: Path) -> None:
        self.path.setText(str(path))
        self.check()

    def check(self) -> None:
        if not self.path.text() or self.strip.task is not None:
            return
        self.format = self._format()
        path, kind = Path(self.path.text()), self.format
        self.plan = None
        self.import_button.setEnabled(False)
        self.summary.setText(f"Checking {path.name}…")
        self.strip.run(
            lambda progress: check_file(kind, path, progress),
            self._checked,
            self._failed,
            lambda: self.summary.setText(f"Cancelled: {path.name} was not checked."),
        )

    def _format(self) -> ImportKind:
        """The chosen kind; a questionnaire with the mapping the panel shows for this file."""
        name = self.kind.currentData()
        if name != QuestionnaireFormat.name:
            self.mapping.hide()
            return FORMATS[name]()
        self.mapping.setVisible(self.mapped_file == self.path.text())
        if self.mapped_file != self.path.text():  # a new file: remembered mapping, or guesses
            return QuestionnaireFormat(channel=self.mapping.chosen_channel())
        return QuestionnaireFormat(
            mapping=self.mapping.mapping(), channel=self.mapping.chosen_channel()
        )

    def _checked(self, plan: ImportPlan) -> None:
        self.plan = plan
        if isinstance(self.format, QuestionnaireFormat) and self.mapped_file != self.path.text():
            self.mapping.show_mapping(plan.headers, self.format.mapping or {}, self.format.source)
            self.mapped_file = self.path.text()
            self.mapping.show()
        used = ", ".join(f"{header} → {column}" for header, column in plan.matched.items())
        lines = [f"{plan.path.name}: {plan.description}; {count_label(plan.rows)} row(s)."]
        if used and not isinstance(self.format, QuestionnaireFormat):  # the panel shows them
            lines.append(f"Columns: {used}.")
        if plan.unknown:
            lines.append(f"Not used: {', '.join(plan.unknown)}.")
        lines.extend(plan.notes)
        if plan.headers_unknown:  # the first line says how it was read
            lines.append(f"Its header row holds: {plan.header_row()}.")
        if plan.ok:
            lines.append(f"No problems found: ready to import {count_label(len(plan.records))}.")
        else:
            lines.append(
                f"{len(plan.errors)} problem(s): nothing can be imported until they are put right."
            )
        self.summary.setText("\n".join(lines))
        self.problems.setPlainText("\n".join(str(error) for error in plan.errors) or "None.")
        self._show_preview(plan)
        self.import_button.setEnabled(plan.ok and bool(plan.records))

    def _show_preview(self, plan: ImportPlan) -> None:
        self.preview.clear()
        self.preview.setColumnCount(len(plan.headers))
        self.preview.setRowCount(len(plan.preview))
        bold = QFont()
        bold.setBold(True)
        for position, header in enumerate(plan.headers):
            item = QTableWidgetItem(header)
            if header in plan.matched:
                item.setFont(bold)
            else:
                item.setToolTip("Rapport does not use this column")
            self.preview.setHorizontalHeaderItem(position, item)
        wrong = {error.line for error in plan.errors}
        for row, (line, cells) in enumerate(plan.preview):
            self.preview.setVerticalHeaderItem(row, QTableWidgetItem(str(line)))  # file lines
            for position, value in enumerate(cells[: len(plan.headers)]):
                item = QTableWidgetItem("" if value is None else str(value))
                if line in wrong:
                    item.setBackground(QColor(Tone.DANGER.value))
                    item.setToolTip("This row has a problem: see below")
                self.preview.setItem(row, position, item)
        self.preview.resizeColumnsToContents()

    # ---------------------------------------------------------------- importing

    def start_import(self) -> None:
        if self.plan is None or not self.plan.ok or self.format is None or self.strip.task:
            return
        plan, kind = self.plan, self.format
        self.summary.setText(f"Importing {count_label(len(plan.records))} {kind.noun}…")
        self.strip.run(
            lambda progress: apply_plan(kind, plan, progress),
            self._imported,
            self._failed,
            lambda: self.summary.setText("Cancelled: nothing was imported."),
        )

    def _imported(self, count: int) -> None:
        self.imported = count
        assert self.format is not None
        self.bus.announce(self.format.tables)
        self.summary.setText(f"Imported {count_label(count)} {self.format.noun}.")
        self.accept()

    # ---------------------------------------------------------------- background work

    def _busy(self, busy: bool) -> None:
        for control in (self.choose_button, self.kind, self.mapping):
            control.setEnabled(not busy)
        ready = self.plan is not None and self.plan.ok and bool(self.plan.records)
        self.import_button.setEnabled(ready and not busy)

    def _failed(self, message: str) -> None:
        self.summary.setText(message)
        self.problems.setPlainText(message)

    def reject(self) -> None:
        self.strip.stop()  # closing mid-way cancels, and waits for the rollback
        super().reject()
