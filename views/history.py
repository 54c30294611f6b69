"""One record's history: who created, changed, deleted or restored it, when, and what changed.

The rows come from the audit trail's listing (filtered to the record) through the one lazy
table model, so the history and the audit log show values the same way: names for linked
records, dd/mm/yyyy for dates, "(confidential)" where a complaint is confidential.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from models.audit import action_word, audit_listing, record_name, typed_value
from models.base import Record
from models.choices import AuditAction
from models.listing import ListRequest
from views.format import EMPTY, count_label, date_label, number_label, value_label, yes_no_label
from views.table_model import LazyTableModel, ViewColumn

Row = dict[str, Any]


def field_label(name: str | None, labels: Mapping[str, str] | None = None) -> str:
    """A field as the form calls it where known, else its name in words: job_title → Job title."""
    if not name:
        return EMPTY
    if labels and name in labels:
        return labels[name]
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def kind_label(table: str | None) -> str:
    """A table as a kind of record: service_request → Service request."""
    return field_label(table)


def action_label(action: Any) -> str:
    return EMPTY if not action else action_word(action)


def value_text(value: Any) -> str:
    """A value from the trail as text: Yes/No, 4 not 4.0, dd/mm/yyyy, labels for list words."""
    if isinstance(value, bool):
        return yes_no_label(value)
    if isinstance(value, float):
        return number_label(value)
    return value_label(value)


def old_value(row: Row) -> Any:
    return typed_value(row["table"], row["field"], row["old"])


def new_value(row: Row) -> Any:
    return typed_value(row["table"], row["field"], row["new"])


def change_text(row: Row) -> str:
    """'old → new' for a change; the value alone for a new record; nothing for a deletion."""
    if not row["field"] and row["old"] is None and row["new"] is None:
        return EMPTY
    new = value_text(new_value(row))
    if row["action"] == AuditAction.CREATE:  # there was nothing before
        return new
    return f"{value_text(old_value(row))} → {new}"


def make_read_only(view: QTableView) -> None:
    """A table of the trail: rows selected whole, nothing edited, fixed row height."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)


class HistoryDialog(QDialog):
    """The audit entries of one record, newest first. Read only: the trail is never edited."""

    def __init__(
        self,
        record: Record,
        *,
        noun: str = "record",
        labels: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        name = record_name(record)
        self.setWindowTitle(f"History — {name}")
        self.resize(820, 440)
        labels = dict(labels or {})
        columns = (
            ViewColumn("at", "When", format=date_label, width=120),
            ViewColumn("user", "Who", width=110),
            ViewColumn("action", "What", format=action_label, width=80),
            ViewColumn("field", "Field", format=lambda f: field_label(f, labels), width=160),
            ViewColumn("new", "Change", compute=change_text, width=300),
        )
        self.model = LazyTableModel(audit_listing(), columns, parent=self, load=False)
        self.model.request = ListRequest(filters={"record": record.id.hex, "informative": True})

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(f"History of the {noun}")
        make_read_only(self.view)
        header = self.view.horizontalHeader()
        for position, column in enumerate(columns):
            header.resizeSection(position, column.width)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.view.setSortingEnabled(True)  # sets the model's sort; rows are read once, next
        self.model.refresh()

        heading = QLabel(f"{noun[:1].upper()}{noun[1:]}: {name}")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        total = self.model.total
        self.summary = QLabel(
            f"{count_label(total)} {'entry' if total == 1 else 'entries'}, newest first."
            if total
            else f"Nothing recorded for this {noun} yet. Records loaded as demo data, or made "
            "before the history was kept, have none; every change from now on appears here."
        )
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("History summary")

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.view.setFocus()
