"""The one lazy table model: a page of rows at a time from a model-layer listing.

Sorting and filtering happen in SQL (the listing does them). The model holds the ordered keys of
the matching rows (one integer each) and the rows fetched so far; scrolling fetches the next
page by key, which costs the same on page 1,000 as on page 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from models.listing import Listing, ListRequest
from views import format as fmt

ModelIndex = QModelIndex | QPersistentModelIndex
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTRE = Qt.AlignmentFlag.AlignCenter
MARK = "⚠ "  # before the first column's text: the record has a conflict from syncing
MARK_TIP = "Conflict from syncing: see View ▸ Conflicts…"
MARK_COLOUR = "#8a3800"  # as the status bar's conflicts button


class Tone(Enum):
    """How a row should stand out."""

    WARNING = "#fff4ce"  # amber: due soon
    DANGER = "#fde7e9"  # red: overdue
    MUTED = "#f0f0f0"  # grey: deleted or inactive


@dataclass(frozen=True)
class ViewColumn:
    """A column as the user sees it: the listing key, a title, alignment, a formatter."""

    key: str
    title: str
    align: Qt.AlignmentFlag = LEFT
    format: Callable[[Any], str] = fmt.value_label
    width: int = 140
    compute: Callable[[dict[str, Any]], Any] | None = None  # a value worked out from the row


class LazyTableModel(QAbstractTableModel):
    """Rows of a `Listing`, fetched a page at a time as the view scrolls."""

    PAGE = 200

    def __init__(
        self,
        listing: Listing,
        columns: Sequence[ViewColumn],
        tone: Callable[[dict[str, Any]], Tone | None] | None = None,
        parent: Any = None,
        *,
        load: bool = True,
        marked: Callable[[], set[str]] | None = None,
    ) -> None:
        super().__init__(parent)
        self.listing = listing
        self.columns = list(columns)
        self._positions = {
            key: position for position, key in enumerate(listing.column_keys(), start=1)
        }
        self._tone = tone
        self._marks = marked  # the keys (hex) of records to mark, read with every refresh
        self._marked: set[str] = set()
        self.request = listing.default_request()
        self._keys: list[int] = []
        self._rows: list[tuple] = []
        self._fetched = 0  # how many of the keys have been fetched as rows
        self._tones: dict[int, Tone | None] = {}  # per row: painting asks once per cell
        self.loaded = False
        if load:
            self.refresh()

    # ---------------------------------------------------------------- what to show

    def set_request(self, request: ListRequest) -> None:
        """Show the rows `request` asks for, starting again from the first page."""
        self.request = request
        self.refresh()

    def refresh(self) -> None:
        """Read the first page again (after a change, a new filter or a new sort)."""
        self.beginResetModel()
        self._keys = self.listing.keys(self.request)
        self._tones.clear()
        self._marked = self._marks() if self._marks is not None else set()
        self._rows = self.listing.rows(self._keys[: self.PAGE])
        self._fetched = min(self.PAGE, len(self._keys))
        self.loaded = True
        self.endResetModel()

    @property
    def total(self) -> int:
        """How many rows match, fetched or not."""
        return len(self._keys)

    def row_id(self, row: int) -> Any:
        return self._rows[row][0]

    def row_values(self, row: int) -> dict[str, Any]:
        record = self._rows[row]
        return {key: record[position] for key, position in self._positions.items()}

    def find(self, record_id: Any, within: int | None = None) -> int | None:
        """The row of `record_id`, fetching more pages if need be (up to `within` rows)."""
        checked = 0
        while True:
            for row in range(checked, len(self._rows)):
                if self._rows[row][0] == record_id:
                    return row
            checked = len(self._rows)
            if not self.canFetchMore(QModelIndex()) or (within is not None and checked >= within):
                return None
            self.fetchMore(QModelIndex())

    def ids(self) -> list[Any]:
        """Every matching record's id, in the order shown (for an export of this view)."""
        return self.listing.ids(self.request)

    # ---------------------------------------------------------------- Qt's model API

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and self._fetched < len(self._keys)

    def fetchMore(self, parent: ModelIndex) -> None:
        if parent.isValid():
            return
        keys = self._keys[self._fetched : self._fetched + self.PAGE]
        self._fetched += len(keys)
        page = self.listing.rows(keys)  # rows deleted meanwhile are simply not there
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = column.format(self._value(index.row(), column))
            if index.column() == 0 and self.is_marked(index.row()):
                if role == Qt.ItemDataRole.ToolTipRole:
                    return f"{MARK_TIP}\n{text}" if len(text) > 30 else MARK_TIP
                return MARK + text
            return text if role == Qt.ItemDataRole.DisplayRole or len(text) > 30 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.ForegroundRole:
            marked = index.column() == 0 and self.is_marked(index.row())
            return QBrush(QColor(MARK_COLOUR)) if marked else None
        if role == Qt.ItemDataRole.BackgroundRole and self._tone is not None:
            row = index.row()
            if row not in self._tones:
                self._tones[row] = self._tone(self.row_values(row))
            tone = self._tones[row]
            return QBrush(QColor(tone.value)) if tone else None
        return None

    def is_marked(self, row: int) -> bool:
        """Whether the row's record has an open conflict from syncing."""
        if not self._marked:
            return False
        key = self._rows[row][0]
        return getattr(key, "hex", key) in self._marked

    def _value(self, row: int, column: ViewColumn) -> Any:
        """The cell's value: stored, or worked out from the row (asked only for its text)."""
        if column.compute is not None:
            return column.compute(self.row_values(row))
        return self._rows[row][self._positions[column.key]]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(self.columns[section].align)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        request = replace(self.request, sort_key=self.columns[column].key, descending=descending)
        if self.loaded:
            self.set_request(request)
        else:  # not read yet: the sort waits for the first read
            self.request = request
