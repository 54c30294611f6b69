"""A searchable, sortable table of records: a filter bar above one lazy table view.

Every tab's list is one of these, so search as you type, quick filters, the row count, "show
deleted", remembered column widths, order and sort work the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QByteArray, QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.listing import Listing, ListRequest
from models.schema import BY_KIND
from models.sync.state import conflicted_records
from views.format import count_label
from views.table_model import LazyTableModel, Tone, ViewColumn

SEARCH_DELAY_MS = 250
KEEP_SELECTION_ROWS = 5000  # how far a reload looks to keep the selected row selected


FILTERS_ON_ONE_ROW = 4  # this many drop-downs or more go on a row below the search


@dataclass(frozen=True)
class QuickFilter:
    """A drop-down of the filter bar: a listing filter key and its options (label, value)."""

    key: str
    label: str  # for screen readers and the tooltip
    options: Callable[[], Sequence[tuple[str, Any]]]
    all_label: str  # the first entry, which filters nothing: "All departments"
    remembered: bool = False  # the user's choice is kept for next time (whose work)


class RecordTable(QWidget):
    """Filter bar, count and table over one listing.

    Signals:
        current_changed(object): the id of the selected record, or None.
        activated(object): a record was double-clicked or Enter was pressed on it.
    """

    current_changed = Signal(object)
    activated = Signal(object)
    selection_changed = Signal()  # rows were selected or unselected (Assign… acts on them)

    def __init__(
        self,
        name: str,
        listing: Listing,
        columns: Sequence[ViewColumn],
        settings: QSettings,
        *,
        quick_filters: Sequence[QuickFilter] = (),
        tone: Callable[[dict[str, Any]], Tone | None] | None = None,
        noun: tuple[str, str] = ("record", "records"),
        removed: str = "deleted",  # or "retired", for people
        several: bool = False,  # several rows may be selected at once (to assign them)
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.settings = settings
        self.noun = noun
        self.fixed_filters: dict[str, Any] = {}

        self.search = QLineEdit()
        self.search.setPlaceholderText("Search… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(120)
        self.search.setAccessibleName(f"Search {noun[1]}")
        self.search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(self.search_timer.start)

        self.quick_filters = list(quick_filters)
        self.combos: dict[str, QComboBox] = {}
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.search, 3)
        # many drop-downs get a row of their own, so that none is cut to a few letters
        filters = QHBoxLayout() if len(self.quick_filters) >= FILTERS_ON_ONE_ROW else bar
        for quick in self.quick_filters:
            combo = QComboBox()
            combo.setAccessibleName(quick.label)
            combo.setToolTip(quick.label)
            combo.setMinimumContentsLength(6)  # shrinks with the window; the list shows all
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            self.combos[quick.key] = combo
            self._fill_combo(quick)
            if quick.remembered:
                kept = settings.value(self._filter_key(quick))
                combo.setCurrentIndex(max(combo.findData(kept), 0))
                combo.activated.connect(lambda _index, quick=quick: self._remember_filter(quick))
            combo.currentIndexChanged.connect(self.apply_filters)
            filters.addWidget(combo, 1)
        self.show_deleted = QCheckBox(f"Show &{removed}")
        self.show_deleted.setToolTip(f"List {removed} {noun[1]}, to restore them")
        self.show_deleted.toggled.connect(self.apply_filters)
        bar.addWidget(self.show_deleted)
        self.clear_button = QToolButton(text="Clear")
        self.clear_button.setToolTip("Clear the search and filters")
        self.clear_button.setAccessibleName("Clear search and filters")
        self.clear_button.clicked.connect(self._clear_clicked)
        bar.addWidget(self.clear_button)
        self.count = QLabel()
        self.count.setAccessibleName(f"Number of {noun[1]} shown")

        # Rows are read when the table is first shown, and read again on show after a change
        # elsewhere: a hidden tab never reloads 250,000 rows behind the user's back.
        self.model = LazyTableModel(
            listing, columns, tone=tone, parent=self, load=False, marked=_conflicts_of(listing)
        )
        self._stale = True
        self._quiet = False  # while reloading: the selection is said once, at the end
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(noun[1].capitalize())
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if several
            else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        default = listing.default_sort
        keys = [column.key for column in columns]
        order = (
            Qt.SortOrder.DescendingOrder
            if listing.default_descending
            else Qt.SortOrder.AscendingOrder
        )
        self.view.horizontalHeader().setSortIndicator(
            keys.index(default) if default in keys else -1, order
        )
        self.view.setSortingEnabled(True)  # sorts by the indicator: ascending, as listed
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 8)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        for position, column in enumerate(columns):
            header.resizeSection(position, column.width)
        self._restore_header()
        header.sortIndicatorChanged.connect(self._save_header)
        header.sectionResized.connect(self._save_header)
        header.sectionMoved.connect(self._save_header)
        self.view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.activated.connect(self._activate)  # a double-click, or Enter on a row
        self.model.modelReset.connect(self._model_reset)

        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.activated.connect(self.focus_search)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        if filters is not bar:
            filters.setContentsMargins(0, 0, 0, 0)
            layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self._update_count()

    # ---------------------------------------------------------------- filters

    def _fill_combo(self, quick: QuickFilter) -> None:
        combo = self.combos[quick.key]
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(quick.all_label, None)
        for label, value in quick.options():
            combo.addItem(label, value)
        found = combo.findData(current)
        combo.setCurrentIndex(max(found, 0))
        combo.blockSignals(False)

    def request(self) -> ListRequest:
        filters = {key: combo.currentData() for key, combo in self.combos.items()}
        return ListRequest(
            search=self.search.text(),
            filters=self.fixed_filters | filters,
            sort_key=self.model.request.sort_key,
            descending=self.model.request.descending,
            deleted=self.show_deleted.isChecked(),
        )

    def apply_filters(self) -> None:
        """Read the rows for the filters shown, keeping the selected record selected if it is
        still listed; the selection is announced once (a detail pane redraws once)."""
        self.search_timer.stop()
        self._stale = False
        selected = self.current_id()
        with self._announced_once():
            self.model.set_request(self.request())
            if selected is not None:
                self.select(selected, within=KEEP_SELECTION_ROWS)

    def set_fixed_filter(self, key: str, value: Any) -> None:
        """A filter the user does not choose (e.g. the standards of the selected service)."""
        self.fixed_filters[key] = value
        self.apply_filters()

    def clear_filters(self, chosen: dict[str, Any] | None = None) -> None:
        """Clear the search and filters, or set the quick filters `chosen` (key → value)."""
        chosen = chosen or {}
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(chosen.get(key)), 0))
            combo.blockSignals(False)
        self.show_deleted.blockSignals(True)
        self.show_deleted.setChecked(False)
        self.show_deleted.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filters()

    def _clear_clicked(self) -> None:
        self.clear_filters()
        for quick in self.quick_filters:
            if quick.remembered:
                self._remember_filter(quick)

    def _filter_key(self, quick: QuickFilter) -> str:
        return f"tables/{self.name}/filters/{quick.key}"

    def _remember_filter(self, quick: QuickFilter) -> None:
        """Keep the user's choice (not one made for them, as opening a record from the
        Overview clears the filters to find it)."""
        self.settings.setValue(self._filter_key(quick), self.combos[quick.key].currentData())

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def reload(self) -> None:
        """Read the rows again after data changed (now if shown, else when next shown),
        keeping the selection where possible."""
        if not self.isVisible():
            self._stale = True
            return
        for quick in self.quick_filters:
            self._fill_combo(quick)
        self.apply_filters()

    def ensure_loaded(self) -> None:
        """Read the rows now if they have not been read since the last change."""
        if self._stale:
            for quick in self.quick_filters:
                self._fill_combo(quick)
            self.apply_filters()

    def showEvent(self, event: Any) -> None:
        self.ensure_loaded()
        super().showEvent(event)

    # ---------------------------------------------------------------- selection

    def current_id(self) -> Any:
        index = self.view.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[Any]:
        """The ids of the selected rows, in the order listed (the current one if none is)."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        ids = [self.model.row_id(row) for row in rows]
        current = self.current_id()
        return [i for i in ids if i is not None] or ([] if current is None else [current])

    def select(self, record_id: Any, *, within: int | None = None) -> bool:
        """Make `record_id` the current row, fetching pages to reach it (up to `within`)."""
        self.ensure_loaded()
        row = self.model.find(record_id, within)
        if row is None:
            return False
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.view.selectionModel().setCurrentIndex(index, flags)
        self.view.scrollTo(index)
        return True

    def show_record(self, record_id: Any, chosen: dict[str, Any] | None = None) -> bool:
        """Bring `record_id` into view: filters cleared (or set to `chosen`), then selected."""
        with self._announced_once():
            self.ensure_loaded()
            self.clear_filters(chosen)
            found = self.select(record_id)
        self.view.setFocus()
        return found

    @contextmanager
    def _announced_once(self) -> Iterator[None]:
        """Selection changes made inside are announced once, at the end, with where the
        selection ended up: a reload resets the model (nothing selected) and then selects the
        same row again, which would redraw a detail pane two or three times."""
        if self._quiet:  # an outer block announces
            yield
            return
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False
        self.current_changed.emit(self.current_id())

    def _current_row_changed(self, current: Any, _previous: Any) -> None:
        if self._quiet:
            return
        self.current_changed.emit(self.model.row_id(current.row()) if current.isValid() else None)

    def _activate(self, index: Any) -> None:
        self.activated.emit(self.model.row_id(index.row()))

    def _model_reset(self) -> None:
        self._update_count()
        if not self._quiet:
            self.current_changed.emit(None)

    def _selection_changed(self, *_args: Any) -> None:
        self._update_count()
        self.selection_changed.emit()

    def _update_count(self) -> None:
        total = self.model.total
        text = f"{count_label(total)} {self.noun[0] if total == 1 else self.noun[1]}"
        selected = len(self.view.selectionModel().selectedRows())
        self.count.setText(text + (f" · {selected:,} selected" if selected > 1 else ""))

    # ---------------------------------------------------------------- remembered layout

    def _settings_key(self) -> str:
        return f"tables/{self.name}/header"

    def _restore_header(self) -> None:
        state = self.settings.value(self._settings_key())
        header = self.view.horizontalHeader()
        if isinstance(state, QByteArray) and header.restoreState(state):
            section = header.sortIndicatorSection()
            if 0 <= section < self.model.columnCount():
                self.model.sort(section, header.sortIndicatorOrder())

    def _save_header(self, *_args: Any) -> None:
        self.settings.setValue(self._settings_key(), self.view.horizontalHeader().saveState())


def _conflicts_of(listing: Listing) -> Callable[[], set[str]] | None:
    """Where the listing's records sync with a team: the keys of those with an open conflict
    (their rows are marked until it is settled)."""
    kind = getattr(getattr(listing.model, "_meta", None), "table_name", None)
    if kind not in BY_KIND or kind == "audit_entry":  # the trail's entries never conflict
        return None
    return lambda: conflicted_records(kind)
