"""The Overview: where service stands this month, what is due today and overdue, and the
trend over the last twelve months. The figures are worked out off the GUI thread, from the same
model functions as the `summary` command and the printed report.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.figures_text import RAG_WORDS
from desktop.headlines import Headline, headlines
from models import clock
from models.integrity import is_empty
from models.monitoring import Rag, TrendPoint, shared_rows, summary, trend
from models.people import MINE, member_at_keyboard
from models.periods import Period
from models.words import moment_text
from models.worklist import Area, DueGroup, DueItem, due_now
from views.background import WORKING, Progress, Refresher, not_worked_out
from views.data_bus import DataBus
from views.format import date_label
from views.trend_chart import Series, TrendChart

TREND_MONTHS = 12
REFRESH_DELAY_MS = 400  # a burst of changes (an import, a demo) is worked out once
COLUMNS = 4
RAG_COLOURS = {Rag.GREEN: "#2e8540", Rag.AMBER: "#d9822b", Rag.RED: "#c0392b", Rag.NONE: "#b0b0b0"}
BETTER, WORSE = "#2e7d32", "#b3261e"
AREA_NAMES = {
    Area.REQUEST: "Service requests",
    Area.COMPLAINT: "Complaints",
    Area.STANDARD: "Standards to review",
    Area.AGREEMENT: "Agreements to review",
    Area.ACTION: "Improvement actions",
}
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
WHOSE_KEY = "overview/whose"


@dataclass(frozen=True)
class OverviewFigures:
    month: Period
    as_of: datetime
    headlines: list[Headline]
    due: list[DueGroup]
    trend: list[TrendPoint]
    empty: bool  # nothing recorded at all yet


def work_out(progress: Progress, as_of: datetime | None = None, who: Any = None) -> OverviewFigures:
    """Everything the Overview shows, as at now; what is due of everyone's work, or of `who`'s
    (MINE: the member at the keyboard)."""
    as_of = as_of or clock.now()
    month = Period.containing(as_of.date())
    progress("Working out this month", 0.0)
    with shared_rows():
        now = summary(month, as_of=as_of)
        before = summary(month.previous(), as_of=as_of)
        progress("Working out the trend", 0.4)
        months = trend(month, TREND_MONTHS, as_of=as_of)
    progress("Finding what is due", 0.8)
    due = due_now(as_of, who=who)
    return OverviewFigures(month, as_of, headlines(now, before), due, months, is_empty())


class Tile(QFrame):
    """One headline figure: its value with n, how it moved since last month, and its status."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # screen readers read each tile in turn
        self.label = QLabel()
        self.value = QLabel()
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        self.value.setFont(font)
        self.detail = QLabel()
        self.moved = QLabel()
        for label in (self.label, self.value, self.detail, self.moved):
            label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.setSpacing(1)
        for label in (self.label, self.value, self.detail, self.moved):
            layout.addWidget(label)

    def show_headline(self, headline: Headline, previous_month: str) -> None:
        self.headline = headline
        self.label.setText(headline.label)
        self.value.setText(headline.value)
        details = []
        if headline.n:
            details.append(f"n = {headline.n:,}")
        if headline.not_yet_due:
            details.append(f"{headline.not_yet_due:,} not yet due")
        if headline.status is not Rag.NONE:
            details.append(RAG_WORDS[headline.status])
        self.detail.setText(" · ".join(details) or " ")
        self.moved.setText(_moved_words(headline, previous_month) or " ")
        colour = {True: BETTER, False: WORSE}.get(headline.improved)  # type: ignore[arg-type]
        self.moved.setStyleSheet(f"color: {colour};" if colour else "")
        edge = RAG_COLOURS[headline.status]
        self.setStyleSheet(
            f"Tile {{ border: 1px solid palette(mid); border-left: 6px solid {edge};"
            " border-radius: 3px; }"
        )
        words = f"{headline.label}: {headline.value_with_n}"
        if headline.status is not Rag.NONE:
            words += f", {RAG_WORDS[headline.status].lower()}"
        if moved := _moved_words(headline, previous_month):
            words += f"; {moved}"
        self.setAccessibleName(words)
        self.setToolTip(f"{previous_month}: {headline.before}")


def _moved_words(headline: Headline, previous_month: str) -> str:
    """ "+3 on October", "same as October", or "" when either month had nothing to count."""
    if headline.moved is None:
        return ""
    if not headline.moved:
        return f"same as {previous_month}"
    return f"{headline.change} on {previous_month}"


class OverviewTab(QWidget):
    """Headline tiles, the to-do list and the trend.

    Signals:
        open_requested(object): a due item (DueItem) was opened, or a group (DueGroup) to list.
    """

    open_requested = Signal(object)
    loaded = Signal()  # the figures on screen are up to date (for tests and the status bar)

    def __init__(
        self, bus: DataBus, settings: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.refresher = Refresher(self._show, self._failed, self)
        self._stale = True
        self.figures: OverviewFigures | None = None
        self.timer = QTimer(self, singleShot=True, interval=REFRESH_DELAY_MS)
        self.timer.timeout.connect(self.refresh)
        bus.changed.connect(lambda _tables: self._changed())

        self.title = QLabel("Overview")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.as_at = QLabel()
        self.as_at.setAccessibleName("Figures as at")
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Work the figures out again (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.refresher.busy_changed.connect(lambda busy: self.refresh_button.setEnabled(not busy))
        QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self, self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addWidget(self.as_at, 1)
        top.addWidget(self.refresh_button)

        self.empty_note = QLabel(
            "Nothing has been recorded yet. Log a request in the Service log, a complaint in "
            "Complaints or feedback in Feedback, import your spreadsheets with File ▸ Import… "
            "(Ctrl+I), or try the demo organisation (File ▸ Load demo data…). The figures appear "
            "here as soon as there is something to count."
        )
        self.empty_note.setWordWrap(True)
        self.empty_note.setFrameShape(QFrame.Shape.StyledPanel)
        self.empty_note.setMargin(8)
        self.empty_note.hide()

        self.tiles: dict[str, Tile] = {}
        self.tile_grid = QGridLayout()
        self.tile_grid.setSpacing(8)

        self.mine = QRadioButton("&Mine")
        self.mine.setToolTip("What is due of the work you own and the reviews you look after")
        self.everyone = QRadioButton("E&veryone")
        self.everyone.setToolTip("What is due of the whole team's work")
        whose = QButtonGroup(self)
        for button in (self.mine, self.everyone):
            whose.addButton(button)
        mine_kept = settings is not None and settings.value(WHOSE_KEY) == MINE
        (self.mine if mine_kept else self.everyone).setChecked(True)
        self.mine.toggled.connect(self._whose_changed)

        self.due = QTreeWidget()
        self.due.setHeaderLabels(["What", "To do", "Due", "Owner"])
        self.due.setAccessibleName("Due today and overdue")
        self.due.setRootIsDecorated(True)
        self.due.setUniformRowHeights(True)
        header = self.due.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.due.itemActivated.connect(self._activated)  # double-click or Enter
        due_box = QWidget()
        due_column = QVBoxLayout(due_box)
        due_column.setContentsMargins(0, 0, 0, 0)
        due_title = QLabel("<b>Due today and overdue</b> — double-click to open")
        due_title.setBuddy(self.due)
        due_top = QHBoxLayout()
        due_top.addWidget(due_title, 1)
        due_top.addWidget(QLabel("Whose:"))
        due_top.addWidget(self.mine)
        due_top.addWidget(self.everyone)
        due_column.addLayout(due_top)
        due_column.addWidget(self.due, 1)

        self.chart = TrendChart(
            "The trend appears once requests or feedback have been recorded in a month."
        )
        chart_box = QWidget()
        chart_column = QVBoxLayout(chart_box)
        chart_column.setContentsMargins(0, 0, 0, 0)
        chart_column.addWidget(QLabel(f"<b>The last {TREND_MONTHS} months</b>"))
        chart_column.addWidget(self.chart, 1)

        self.splitter = QSplitter()
        self.splitter.addWidget(due_box)
        self.splitter.addWidget(chart_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        body = QWidget()
        column = QVBoxLayout(body)
        column.addLayout(top)
        column.addWidget(self.empty_note)
        column.addLayout(self.tile_grid)
        column.addWidget(self.splitter, 1)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroller)
        self.as_at.setText(WORKING)

    # ---------------------------------------------------------------- loading

    def _changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.timer.start()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:
            self.timer.start(0)

    def refresh(self) -> None:
        """Work the figures out again in the background (once more if asked while working)."""
        self.timer.stop()
        self._stale = False
        self.as_at.setText(WORKING)
        who = self.whose()
        self.refresher.refresh(lambda progress: work_out(progress, who=who))

    def whose(self) -> str | None:
        """MINE, or None for everyone's work."""
        return MINE if self.mine.isChecked() else None

    def _whose_changed(self) -> None:
        """Only the due list changes with whose work it shows: the month's figures stay (and
        are not worked out again, which takes a second on a large register)."""
        if self.settings is not None:
            self.settings.setValue(WHOSE_KEY, self.whose() or "everyone")
        figures, who = self.figures, self.whose()
        if figures is None or self._stale or self.refresher.task is not None:
            self.refresh()  # the whole Overview is due to be worked out anyway
            return
        self.refresher.refresh(
            lambda _progress: replace(figures, due=due_now(figures.as_of, who=who))
        )

    def _nothing_due(self) -> str:
        if self.whose() is None:
            return "Nothing is due today or overdue."
        if member_at_keyboard() is None:
            return "Say who you are (Edit ▸ Settings ▸ You are) to see your own work."
        return "Nothing of yours is due today or overdue."

    def stop(self) -> None:
        """Cancel any work under way and wait for it (before the window closes)."""
        self.timer.stop()
        self.refresher.stop()

    def _failed(self, message: str) -> None:
        self.as_at.setText(not_worked_out(message))

    # ---------------------------------------------------------------- showing

    def _show(self, figures: OverviewFigures) -> None:
        self.figures = figures
        self.title.setText(f"{figures.month.label()} so far")
        self.as_at.setText(f"as at {moment_text(figures.as_of)}")
        self.empty_note.setVisible(figures.empty)
        previous = figures.month.previous().label().split()[0]
        for position, headline in enumerate(figures.headlines):
            tile = self.tiles.get(headline.key)
            if tile is None:
                tile = self.tiles[headline.key] = Tile()
                self.tile_grid.addWidget(tile, position // COLUMNS, position % COLUMNS)
            tile.show_headline(headline, previous)
        self._show_due(figures.due)
        self.chart.set_data(
            [point.period.short_label().split()[0] for point in figures.trend],
            [
                Series("Responded on time", [p.response.percent for p in figures.trend]),
                Series("Completed on time", [p.completion.percent for p in figures.trend]),
                Series("CSAT (% satisfied)", [p.csat for p in figures.trend]),
            ],
        )
        self.loaded.emit()

    def _show_due(self, groups: list[DueGroup]) -> None:
        self.due.clear()
        if not any(group.total for group in groups):
            self.due.addTopLevelItem(QTreeWidgetItem([self._nothing_due()]))
            return
        for group in groups:
            if not group.total:
                continue
            counts = [
                f"{count:,} {word}"
                for count, word in ((group.overdue, "overdue"), (group.today, "due today"))
                if count
            ]
            top = QTreeWidgetItem([f"{AREA_NAMES[group.area]}: {', '.join(counts)}"])
            top.setData(0, ITEM_ROLE, group)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setToolTip(0, "Double-click to list them all in their tab")
            for item in group.items:
                row = QTreeWidgetItem([item.what, item.task, date_label(item.due), item.owner])
                row.setData(0, ITEM_ROLE, item)
                row.setToolTip(0, f"Overdue: {item.what}" if item.overdue else item.what)
                if item.overdue:
                    for column in range(4):
                        row.setForeground(column, QColor(WORSE))
                top.addChild(row)
            shown = len(group.items)
            if group.total > shown:
                more = QTreeWidgetItem([f"… and {group.total - shown:,} more"])
                more.setData(0, ITEM_ROLE, group)
                top.addChild(more)
            self.due.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            top.setExpanded(True)
        self.due.setColumnHidden(3, self.whose() is not None)  # mine: all the owners are you

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        target = item.data(0, ITEM_ROLE)
        if isinstance(target, DueItem | DueGroup):
            self.open_requested.emit(target)
