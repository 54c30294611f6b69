"""Feedback: typing in a stack of paper sheets quickly, and seeing what a period's feedback says."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.figures_text import number, percent, with_n
from models import clock
from models.catalogue import service_choices
from models.choices import FeedbackChannel, FeedbackType
from models.feedback import (
    CODE_LISTING,
    FEEDBACK_LISTING,
    Code,
    Feedback,
    code_choices,
    merge_codes,
    record_feedback,
    set_codes,
)
from models.feedback_analysis import FeedbackFigures, feedback_figures
from models.listing import ListRequest
from models.operations import create, update
from models.register import customer_choices, department_choices
from models.scores import SCALES
from views.background import WORKING, Refresher, not_worked_out
from views.coding_dialog import CodingDialog
from views.data_bus import DataBus
from views.format import EMPTY, choice_label, count_label, date_label, yes_no_label
from views.forms import FormField, Kind, choice_options
from views.record_page import Merger, PageSpec, RecordPage
from views.record_table import QuickFilter
from views.table_model import CENTRE, RIGHT, Tone, ViewColumn


def _save_new(values: dict[str, Any]) -> Any:
    codes = values.pop("codes", [])
    item, changes = record_feedback(codes=codes, **values)
    return item, changes


def _save_edit(item: Feedback, values: dict[str, Any]) -> Any:
    codes = values.pop("codes", None)
    changes = [update(item, **values)]
    if codes is not None:
        changes += set_codes(item, codes)
    return changes


def _score(name: str, label: str) -> FormField:
    scale = SCALES[name]
    return FormField(
        name,
        f"{label} ({scale.span})",
        Kind.WHOLE,
        help=f"{scale.low} to {scale.high}; leave empty if not given",
    )


FEEDBACK_PAGE = PageSpec(
    name="feedback",
    model=Feedback,
    listing=FEEDBACK_LISTING,
    columns=(
        ViewColumn("received_on", "Date", format=date_label, width=90),
        ViewColumn("channel", "Channel", format=choice_label(FeedbackChannel), width=150),
        ViewColumn("customer", "From", width=150),
        ViewColumn("service", "Service", width=150),
        ViewColumn("nps", "NPS", align=CENTRE, width=45),
        ViewColumn("ces", "CES", align=CENTRE, width=45),
        ViewColumn("csat", "CSAT", align=CENTRE, width=50),
        ViewColumn("type", "Type", format=choice_label(FeedbackType), width=140),
        ViewColumn("comment", "Comment", width=260),
        ViewColumn("codes", "Codes", width=220),
    ),
    # In the order of a paper evaluation sheet, so Tab goes down the sheet.
    fields=(
        FormField("received_on", "Date", Kind.DATE, required=True),
        FormField(
            "channel",
            "Channel",
            Kind.CHOICE,
            required=True,
            options=choice_options(FeedbackChannel),
        ),
        FormField("customer", "From", Kind.LOOKUP, options=customer_choices),
        FormField("department", "Department", Kind.LOOKUP, options=department_choices),
        FormField("anonymous", "Anonymous", Kind.CHECK),
        FormField("service", "Service", Kind.LOOKUP, options=service_choices),
        _score("nps", "Likely to recommend"),
        _score("ces", "Easy to get what I needed"),
        _score("csat", "Satisfied"),
        FormField("comment", "Comment", Kind.LONG_TEXT),
        FormField("type", "Type", Kind.CHOICE, options=choice_options(FeedbackType)),
        FormField("theme", "Theme"),
        FormField(
            "codes",
            "Codes",
            Kind.TAGS,
            options=code_choices,
            create=lambda name: create(Code, name=name),
            help="Type part of a code and press Enter; a new name creates the code",
        ),
    ),
    noun=("feedback item", "feedback items"),
    quick_filters=(
        QuickFilter("channel", "Channel", choice_options(FeedbackChannel), "All channels"),
        QuickFilter("type", "Type", choice_options(FeedbackType), "All types"),
        QuickFilter("uncoded", "Coding", lambda: [("Not yet coded", 1)], "Coded or not"),
    ),
    listens_to=frozenset({"feedback_code", "code", "customer", "department", "service"}),
    create=_save_new,
    update=_save_edit,
    extra_values=lambda item: {"codes": [link.code for link in item.code_links]},
    carry_on=("received_on", "channel"),  # a stack of sheets shares its date and channel
)

CODE_PAGE = PageSpec(
    name="codes",
    model=Code,
    listing=CODE_LISTING,
    columns=(
        ViewColumn("name", "Code", width=260),
        ViewColumn("description", "What it means", width=380),
        ViewColumn("items", "Items", align=RIGHT, format=count_label, width=70),
        ViewColumn("retired", "Retired", align=CENTRE, format=yes_no_label, width=70),
    ),
    fields=(
        FormField("name", "Code", required=True, help="A few words someone new would understand"),
        FormField("description", "What it means", Kind.LONG_TEXT),
        FormField("retired", "Retired", Kind.CHECK, help="No longer offered for new coding"),
    ),
    noun=("code", "codes"),
    quick_filters=(
        QuickFilter(
            "retired", "In use", lambda: [("In use", 0), ("Retired", 1)], "In use or retired"
        ),
    ),
    tone=lambda row: Tone.MUTED if row["retired"] else None,
    listens_to=frozenset({"feedback", "feedback_code"}),
)

PERIODS = ("This month", "Last month", "Last 3 months", "Last 12 months")


def period_of(choice: str, today: date) -> tuple[date, date]:
    first_of_month = today.replace(day=1)
    if choice == "This month":
        return first_of_month, today
    last_month_end = first_of_month - timedelta(days=1)
    if choice == "Last month":
        return last_month_end.replace(day=1), last_month_end
    months = 3 if choice == "Last 3 months" else 12
    start = first_of_month
    for _ in range(months):
        start = (start - timedelta(days=1)).replace(day=1)
    return start, last_month_end


def _counted(counts: dict[str, int], choice: type) -> str:
    """'Generic positive: 25, Bug: 3': most first, by their labels."""
    ordered = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    return ", ".join(f"{choice(word).label}: {n:,}" for word, n in ordered) or EMPTY


class FeedbackAnalysis(QWidget):
    """A period's figures: scores with n, types and channels, and code popularity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.period = QComboBox()
        self.period.addItems(PERIODS)
        self.period.setAccessibleName("Period")
        self.service = QComboBox()
        self.service.setAccessibleName("Service")
        self.period.currentIndexChanged.connect(self.refresh)
        self.service.currentIndexChanged.connect(self.refresh)
        self.working = QLabel()
        self.working.setAccessibleName("Figures")
        # room kept for the note, so that the service list does not shrink while it shows
        self.working.setMinimumWidth(self.working.fontMetrics().horizontalAdvance(WORKING) + 8)
        self.refresher = Refresher(self.show_figures, self._failed, self)
        self.refresher.busy_changed.connect(self._busy)
        choose = QHBoxLayout()
        choose.addWidget(QLabel("Period:"))
        choose.addWidget(self.period)
        choose.addWidget(QLabel("Service:"))
        choose.addWidget(self.service, 1)
        choose.addWidget(self.working)
        self.values: dict[str, QLabel] = {}
        scores = QGroupBox("Scores")
        form = QFormLayout(scores)
        for key, label in (
            ("responses", "Feedback items"),
            ("nps", "NPS (−100 to +100)"),
            ("split", "Promoters / passives / detractors"),
            ("csat", "CSAT (satisfied, %)"),
            ("ces", f"CES (mean, {SCALES['ces'].span})"),
            ("agree", "Found it easy (%)"),
            ("types", "By type"),
            ("channels", "By channel"),
        ):
            value = QLabel()
            value.setWordWrap(True)
            value.setAccessibleName(label)
            self.values[key] = value
            form.addRow(f"{label}:", value)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet("color: #8a5300;")
        self.codes = QTableWidget(0, 4)
        self.codes.setHorizontalHeaderLabels(["Code", "Items", "% of coded items", "Change"])
        self.codes.setAccessibleName("Code popularity")
        self.codes.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.codes.verticalHeader().setVisible(False)
        header = self.codes.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the code's name
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(scores)
        layout.addWidget(self.warnings)
        layout.addWidget(QLabel("Code popularity (most popular first):"))
        layout.addWidget(self.codes, 1)
        self._fill_services()

    def _fill_services(self) -> None:
        self.service.blockSignals(True)
        self.service.clear()
        self.service.addItem("All services", None)
        for name, key in service_choices():
            self.service.addItem(name, key)
        self.service.blockSignals(False)

    def refresh(self) -> None:
        """Work out the chosen period's figures in the background (a year of the large demo's
        feedback takes about half a second: the tab stays responsive meanwhile)."""
        first, last = period_of(self.period.currentText(), clock.today())
        service = self.service.currentData()
        self.refresher.refresh(lambda _progress: feedback_figures(first, last, service=service))

    def _busy(self, busy: bool) -> None:
        if busy:
            self.working.setText(WORKING)

    def _failed(self, message: str) -> None:
        self.working.setText(not_worked_out(message))

    def show_figures(self, figures: FeedbackFigures) -> None:
        self.working.clear()
        nps, ces, csat = figures.nps, figures.ces, figures.csat
        shown = {
            "responses": f"{figures.responses:,}  ({figures.period.label()})",
            "nps": with_n(number(nps.score), nps.responses),
            "split": f"{nps.promoters:,} / {nps.passives:,} / {nps.detractors:,}",
            "csat": with_n(percent(csat.percent), csat.responses),
            "ces": with_n(number(ces.mean), ces.responses),
            "agree": with_n(percent(ces.agree_percent), ces.responses),
            "types": _counted(figures.by_type, FeedbackType),
            "channels": _counted(figures.by_channel, FeedbackChannel),
        }
        for key, label in self.values.items():
            label.setText(shown[key])
        self.warnings.setText("\n".join(f"⚠ {warning}" for warning in figures.warnings))
        self.codes.setRowCount(len(figures.codes))
        for row, share in enumerate(figures.codes):
            change = f"{share.change:+,d}" if share.change else "0"
            for column, text in enumerate(
                (share.code, f"{share.count:,}", f"{share.percent:.0f} %", change)
            ):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.codes.setItem(row, column, item)
        # the header sizes the columns (the code's name stretches): resizing them to their
        # contents here would undo the stretch

    def showEvent(self, event: Any) -> None:
        self.refresh()
        super().showEvent(event)


class FeedbackTab(QWidget):
    """Entries, analysis and the code frame.

    Signals:
        action_from_item(object): an improvement action is wanted for a feedback item.
        action_from_code(object): an improvement action is wanted for a code (double-clicked
            in the popularity table).
    """

    action_from_item = Signal(object)
    action_from_code = Signal(object)

    def __init__(self, bus: DataBus, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.entries = RecordPage(FEEDBACK_PAGE, bus, settings)
        self.entries.defaults = lambda: {
            "received_on": clock.today(),
            "channel": FeedbackChannel.FEEDBACK_SHEET.value,
        }
        self.code_action = QAction("Code &uncoded items…", self)
        self.code_action.setToolTip("Work through the items without a code, one after another")
        self.code_action.triggered.connect(self.code_uncoded)
        self.entries.toolbar.addSeparator()
        self.entries.toolbar.addAction(self.code_action)
        self.action_action = QAction("Improvement &action…", self)
        self.action_action.setToolTip("Start an improvement action from the selected item")
        self.action_action.triggered.connect(self._action_from_item)
        self.entries.toolbar.addAction(self.action_action)
        self.analysis = FeedbackAnalysis()
        self.analysis.codes.cellDoubleClicked.connect(self._action_from_code_row)
        self.analysis.codes.setToolTip("Double-click a code to start an improvement action")
        self.codes = RecordPage(CODE_PAGE, bus, settings)
        self.merger = Merger(
            self.codes,
            code_choices,
            merge_codes,
            "Code every item coded '{merged}' as '{kept}' instead, then delete '{merged}'?",
            "Fold this code into another: every item keeps its coding",
        )
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.entries, "&Entries")
        self.pages.addTab(self.analysis, "&Analysis")
        self.pages.addTab(self.codes, "&Codes")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        bus.changed.connect(self._changed)

    def _action_from_item(self) -> None:
        item = self.entries.current_record()
        if item is not None:
            self.action_from_item.emit(item)

    def _action_from_code_row(self, row: int, _column: int) -> None:
        name = self.analysis.codes.item(row, 0).text()
        code = Code.get_or_none(Code.name == name)
        if code is not None:
            self.action_from_code.emit(code)

    def code_uncoded(self) -> CodingDialog:
        """The uncoded items, newest first, one after another."""
        uncoded = ListRequest(filters={"uncoded": 1}, sort_key="received_on", descending=True)
        dialog = CodingDialog(self.bus, FEEDBACK_LISTING.ids(uncoded), self)
        dialog.exec()
        return dialog

    def _changed(self, tables: frozenset[str]) -> None:
        if tables & {"service"}:
            self.analysis._fill_services()
        if tables & {"feedback", "feedback_code", "code"} and self.analysis.isVisible():
            self.analysis.refresh()
