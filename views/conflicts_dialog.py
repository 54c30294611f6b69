"""View ▸ Conflicts…: the fields two people changed differently before either synced, with
what it was (before), mine and theirs side by side; each is settled by keeping one side or by
typing the value. Settling is an ordinary audited change, sent with the next sync."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.errors import KnownError
from models.sync.by_hand import LINE, typed_as
from models.sync.state import OpenConflict, open_conflicts, resolve
from models.words import EMPTY, moment_text
from views.data_bus import DataBus
from views.history import kind_label

COLUMNS = ("Record", "Field", "Before", "Mine", "Theirs", "Noticed")
COLUMN_TIPS = (
    "The record both changed",
    "What both changed",
    "What it was before either change",
    "What you (this laptop) changed it to",
    "What the team's server holds: the record shows this until you settle it",
    "When the sync found it",
)
WIDTHS = (190, 110, 130, 130, 130, 120)


def side_text(conflict: OpenConflict, which: str) -> str:
    """One side of a conflict as a person reads it (a deletion: deleted on …, or kept)."""
    if conflict.about_deletion:
        value = getattr(conflict, which)
        if which == "base":
            return "Not deleted"
        return f"Deleted on {conflict.shown(which)}" if value else "Kept"
    return conflict.shown(which)


def record_text(conflict: OpenConflict) -> str:
    return f"{kind_label(conflict.kind)}: {conflict.record}"


def field_text(conflict: OpenConflict) -> str:
    label = "Deleted or kept" if conflict.about_deletion else conflict.field_label
    return label[:1].upper() + label[1:]


class ConflictsDialog(QDialog):
    """The open conflicts, one a row; Keep mine, Keep theirs, Edit…."""

    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.conflicts: list[OpenConflict] = []
        self.setWindowTitle("Conflicts from syncing")
        explanation = QLabel(
            "You and someone else changed the same thing before either of you synced. Until "
            "you choose, the record shows theirs. Your choice is an ordinary change: it is "
            "recorded in the audit log and goes to the team with the next sync."
        )
        explanation.setWordWrap(True)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("Open conflicts")
        for column, (title, tip) in enumerate(zip(COLUMNS, COLUMN_TIPS, strict=True)):
            header = QTableWidgetItem(title)
            header.setToolTip(tip)
            self.table.setHorizontalHeaderItem(column, header)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(WIDTHS):
            header.resizeSection(column, width)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = QLabel("No conflicts: there is nothing to settle.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.mine_button = QPushButton("Keep &mine")
        self.mine_button.setToolTip("The record takes your value; the team gets it next sync")
        self.mine_button.clicked.connect(lambda: self.settle("mine"))
        self.theirs_button = QPushButton("Keep &theirs")
        self.theirs_button.setToolTip("The record keeps the team's value, as it shows now")
        self.theirs_button.clicked.connect(lambda: self.settle("theirs"))
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setToolTip("Type the value it should have (text only)")
        self.edit_button.clicked.connect(self.edit)
        row = QHBoxLayout()
        for button in (self.mine_button, self.theirs_button, self.edit_button):
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.close_button = close.button(QDialogButtonBox.StandardButton.Close)
        row.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(row)
        self.resize(900, 380)
        bus.changed.connect(self._data_changed)
        self.reload()
        self.table.setFocus()

    # ------------------------------------------------------------------ the list

    def reload(self, keep_row: int = 0) -> None:
        self.conflicts = open_conflicts()
        self.table.setRowCount(len(self.conflicts))
        for row, conflict in enumerate(self.conflicts):
            cells = (
                record_text(conflict),
                field_text(conflict),
                side_text(conflict, "base"),
                side_text(conflict, "mine"),
                side_text(conflict, "theirs"),
                moment_text(conflict.at) if conflict.at else EMPTY,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(" ".join(text.split()) if column < 5 else text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        has_any = bool(self.conflicts)
        self.table.setVisible(has_any)
        self.empty.setVisible(not has_any)
        if has_any:
            self.table.selectRow(min(keep_row, len(self.conflicts) - 1))
        self._update_buttons()

    def _data_changed(self, _tables: Any) -> None:
        """A sync found more (or another window settled one): read the list again."""
        self.reload(self.table.currentRow() if self.table.currentRow() >= 0 else 0)

    def current(self) -> OpenConflict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.conflicts[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        conflict = self.current()
        for button in (self.mine_button, self.theirs_button):
            button.setEnabled(conflict is not None)
        typed = conflict is not None and typed_as(conflict) is not None
        self.edit_button.setEnabled(typed)
        if conflict is not None and not typed:
            self.edit_button.setToolTip(
                "Only text can be typed here: keep one side, then change the record in its list"
            )
        else:
            self.edit_button.setToolTip("Type the value it should have")

    # ------------------------------------------------------------------ settling

    def settle(self, keep: str, value: Any = None) -> None:
        conflict = self.current()
        if conflict is None:
            return
        row = self.table.currentRow()
        try:
            resolve(conflict.id, keep, value)
        except KnownError as error:
            QMessageBox.warning(self, "Settling a conflict", str(error))
            self.reload(row)
            return
        self.bus.announce(conflict.kind)  # its list drops the mark; the status bar counts
        self.reload(row)
        self.table.setFocus()

    def edit(self) -> None:
        conflict = self.current()
        if conflict is None or typed_as(conflict) is None:
            return
        dialog = ConflictValueDialog(conflict, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.settle("edited", dialog.value())


class ConflictValueDialog(QDialog):
    """The value a conflicted field should have, typed; it starts as mine."""

    def __init__(self, conflict: OpenConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        field = field_text(conflict)
        self.setWindowTitle(f"{field} of {conflict.record}")
        intro = QLabel(f"You and someone else changed the {field.lower()} of {conflict.record}.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        mine = "" if conflict.mine is None else str(conflict.mine)
        self.line: QLineEdit | None = None
        self.text: QPlainTextEdit | None = None
        if typed_as(conflict) == LINE:
            self.line = QLineEdit(mine)
            self.line.selectAll()
            editor: QWidget = self.line
        else:
            self.text = QPlainTextEdit(mine)
            self.text.setTabChangesFocus(True)
            editor = self.text
        editor.setAccessibleName(f"{field} should be")
        form = QFormLayout()
        for label, which in (("Mine:", "mine"), ("Theirs:", "theirs")):
            shown = QLabel(conflict.shown(which))
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setWordWrap(True)
            form.addRow(label, shown)
        should_be = QLabel("&Should be:")
        should_be.setBuddy(editor)
        form.addRow(should_be, editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        editor.setFocus()
        self.resize(460, self.sizeHint().height() if self.line is not None else 320)

    def value(self) -> str:
        if self.line is not None:
            return self.line.text()
        return self.text.toPlainText() if self.text is not None else ""
