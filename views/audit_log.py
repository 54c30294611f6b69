"""The audit log: every change anyone made, searched and filtered by the database, read only.

A window of its own (shown, not run modally), so it can stay open beside the tabs while the
user works; with the data bus it follows their changes as they make them.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from models.audit import ACTION_WORDS, audit_listing, audit_users, audited_tables
from views.data_bus import DataBus
from views.format import date_label, parse_date
from views.history import (
    action_label,
    field_label,
    kind_label,
    make_read_only,
    new_value,
    old_value,
    value_text,
)
from views.record_table import QuickFilter, RecordTable
from views.table_model import ViewColumn

GEOMETRY_KEY = "audit_log/geometry"

COLUMNS = (
    ViewColumn("at", "When", format=date_label, width=120),
    ViewColumn("user", "Who", width=90),
    ViewColumn("action", "What", format=action_label, width=75),
    ViewColumn("table", "Kind", format=kind_label, width=110),
    ViewColumn("record", "Record", width=180),
    ViewColumn("field", "Field", format=field_label, width=120),
    ViewColumn("old", "Before", compute=old_value, format=value_text, width=160),
    ViewColumn("new", "After", compute=new_value, format=value_text, width=160),
    ViewColumn("record_id", "Record key", width=260),
)

QUICK_FILTERS = (
    QuickFilter(
        "table",
        "Kind of record",
        lambda: [(kind_label(table), table) for table in audited_tables()],
        "All kinds",
    ),
    QuickFilter("user", "Who", lambda: [(user, user) for user in audit_users()], "Everyone"),
    QuickFilter(
        "action",
        "What was done",
        lambda: [(word, action.value) for action, word in ACTION_WORDS.items()],
        "Any action",
    ),
)


class AuditLogDialog(QDialog):
    """Every audit entry, newest first, filtered by kind, person, action, dates and text.

    Nothing here edits the trail: the table is read only and there is no edit action.
    `settings` (else the parent window's) keeps the window's size and the columns' layout;
    `bus` (optional) reloads the log after every change made in the window.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        bus: DataBus | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit log")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint)
        self.settings = settings or _window_settings(parent) or QSettings()
        self.bus = bus
        self._shown_before = False

        intro = QLabel(
            "Every record created, changed, deleted or restored, and who did it. "
            "Rapport keeps this log itself: nobody can edit or delete its entries."
        )
        intro.setWordWrap(True)

        self.table = RecordTable(
            "audit_log",
            audit_listing(),
            COLUMNS,
            self.settings,
            quick_filters=QUICK_FILTERS,
            noun=("entry", "entries"),
        )
        self.table.fixed_filters["informative"] = True  # not the empty boxes of each new record
        self.table.search.setPlaceholderText("Search records, fields and values… (Ctrl+F)")
        self.table.show_deleted.hide()  # nothing is ever deleted from the trail
        make_read_only(self.table.view)
        self.table.clear_button.clicked.connect(self._clear_dates)

        self.date_from = self._date_edit("From", "Entries on or after this day")
        self.date_to = self._date_edit("To", "Entries on or before this day")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #a4262c;")
        self.problem.setAccessibleName("Problem with the dates")
        dates = QHBoxLayout()
        for text, edit in (("&From:", self.date_from), ("&To:", self.date_to)):
            label = QLabel(text)
            label.setBuddy(edit)
            dates.addWidget(label)
            dates.addWidget(edit)
        dates.addWidget(self.problem, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(intro, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(dates)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.resize(1180, 620)
        geometry = self.settings.value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if bus is not None:
            bus.changed.connect(lambda _tables: self.table.reload())
        self.table.search.setFocus()

    # ---------------------------------------------------------------- dates

    def _date_edit(self, name: str, tip: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText("dd/mm/yyyy")
        edit.setClearButtonEnabled(True)
        edit.setMaximumWidth(130)
        edit.setAccessibleName(f"{name} date")
        edit.setToolTip(tip)
        edit.textChanged.connect(lambda _text: self._dates_changed(finished=False))
        edit.editingFinished.connect(lambda: self._dates_changed(finished=True))
        return edit

    def _dates_changed(self, *, finished: bool) -> None:
        """Filter by the dates as soon as they read as dates; say what is wrong once the user
        leaves a field (not while they are half-way through typing one)."""
        problems = []
        chosen: dict[str, date | None] = {}
        for key, edit, name in (("from", self.date_from, "From"), ("to", self.date_to, "To")):
            try:
                chosen[key] = parse_date(edit.text())
            except ValueError as error:
                problems.append(f"{name}: {error}")
        if not problems and chosen["from"] and chosen["to"] and chosen["from"] > chosen["to"]:
            problems.append("The From date is after the To date, so no entry can match.")
        if problems and not finished:
            return
        self.problem.setText(" ".join(problems))
        filters = self.table.fixed_filters
        changed = False
        for key, day in chosen.items():
            if filters.get(key) != day:
                filters[key] = day
                changed = True
        if changed:
            self.table.search_timer.start()  # as a search: after a pause in typing

    def _clear_dates(self) -> None:
        for edit in (self.date_from, self.date_to):
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self.problem.clear()
        if any(self.table.fixed_filters.get(key) for key in ("from", "to")):
            self.table.fixed_filters.update({"from": None, "to": None})
            self.table.apply_filters()

    # ---------------------------------------------------------------- window

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._shown_before and self.bus is None:  # nobody told it of changes meanwhile
            self.table.reload()
        self._shown_before = True

    def hideEvent(self, event: QHideEvent) -> None:
        self.settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().hideEvent(event)


def _window_settings(parent: QWidget | None) -> QSettings | None:
    """The main window's settings, where the dialog's parent is (in) the main window."""
    settings = getattr(parent.window(), "settings", None) if parent is not None else None
    return settings if isinstance(settings, QSettings) else None
