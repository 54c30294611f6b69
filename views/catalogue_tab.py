"""The service catalogue: services, their agreed quality standards, and agreements."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from models import clock
from models.catalogue import (
    AGREEMENT_LISTING,
    SERVICE_LISTING,
    STANDARD_LISTING,
    Agreement,
    ReviewState,
    Service,
    Standard,
    agreement_links,
    describe_standard,
    review_state,
    save_agreement,
    service_categories,
    service_choices,
    standard_choices,
)
from models.choices import Measure, StandardStatus, Unit
from models.operations import fetch
from models.register import customer_choices, department_choices
from views.data_bus import DataBus
from views.format import (
    choice_label,
    count_label,
    date_label,
    number_label,
    percent_label,
    yes_no_label,
)
from views.forms import FormField, Kind, choice_options
from views.owners import REVIEWER_FILTER, owner_field
from views.record_page import PageSpec, RecordPage, remember_splitter
from views.record_table import QuickFilter
from views.table_model import CENTRE, RIGHT, Tone, ViewColumn

SERVICE_PAGE = PageSpec(
    name="services",
    model=Service,
    listing=SERVICE_LISTING,
    columns=(
        ViewColumn("name", "Service", width=220),
        ViewColumn("category", "Category", width=120),
        ViewColumn("provider", "Provider", width=200),
        ViewColumn("standards", "Standards", align=RIGHT, format=count_label, width=80),
        ViewColumn("active", "Active", align=CENTRE, format=yes_no_label, width=60),
        ViewColumn("description", "Description", width=260),
    ),
    fields=(
        FormField("name", "Name", required=True),
        FormField("category", "Category"),
        FormField("provider", "Provider team"),
        FormField("description", "Description", Kind.LONG_TEXT),
        FormField("active", "Active", Kind.CHECK, help="Untick a service no longer offered"),
    ),
    noun=("service", "services"),
    quick_filters=(
        QuickFilter(
            "category", "Category", lambda: [(c, c) for c in service_categories()], "All categories"
        ),
        QuickFilter(
            "active", "Active", lambda: [("Active", 1), ("Not active", 0)], "Active or not"
        ),
    ),
    tone=lambda row: None if row["active"] else Tone.MUTED,
    listens_to=frozenset({"standard"}),
)


def _standard_tone(row: dict[str, Any]) -> Tone | None:
    state = review_state(row["review_on"], clock.today())
    if state is ReviewState.OVERDUE:
        return Tone.DANGER
    if state is ReviewState.DUE_SOON:
        return Tone.WARNING
    return None


def _review_label(value: Any) -> str:
    text = date_label(value)
    state = review_state(value, clock.today()) if value else None
    return f"{text} ({state.value})" if state else text


def _in_words(values: dict[str, Any]) -> str:
    measure = Measure(values["measure"]) if values.get("measure") else None
    unit = Unit(values["unit"]) if values.get("unit") else None
    words = describe_standard(measure, values.get("target"), unit, values.get("compliance_target"))
    return f"In words: {words}" if words else "In words: choose a measure, a target and a unit."


STANDARD_PAGE = PageSpec(
    name="standards",
    model=Standard,
    listing=STANDARD_LISTING,
    columns=(
        ViewColumn("statement", "Standard", width=320),
        ViewColumn("measure", "Measure", format=choice_label(Measure), width=140),
        ViewColumn("target", "Target", align=RIGHT, format=number_label, width=60),
        ViewColumn("unit", "Unit", format=choice_label(Unit), width=110),
        ViewColumn("compliance_target", "Compliance", align=RIGHT, format=percent_label, width=90),
        ViewColumn("agreed_with", "Agreed with", width=170),
        ViewColumn("agreed_on", "Agreed on", format=date_label, width=90),
        ViewColumn("review_on", "Review on", format=_review_label, width=150),
        ViewColumn("status", "Status", format=choice_label(StandardStatus), width=100),
        ViewColumn("looked_after_by", "Looked after by", width=140),
    ),
    fields=(
        FormField("statement", "Standard as agreed", Kind.LONG_TEXT, required=True),
        FormField(
            "measure", "Measure", Kind.CHOICE, required=True, options=choice_options(Measure)
        ),
        FormField("target", "Target", Kind.NUMBER, required=True, placeholder="e.g. 4"),
        FormField("unit", "Unit", Kind.CHOICE, required=True, options=choice_options(Unit)),
        FormField(
            "compliance_target",
            "Compliance target (%)",
            Kind.NUMBER,
            required=True,
            help="The share of requests that must meet the standard, e.g. 95",
        ),
        FormField(
            "department",
            "Agreed with department",
            Kind.LOOKUP,
            options=department_choices,
            help="Leave empty (and no customer) for a standard agreed with everyone",
        ),
        FormField("customer", "…or with one customer", Kind.LOOKUP, options=customer_choices),
        FormField("agreed_on", "Agreed on", Kind.DATE),
        FormField("review_on", "Review on", Kind.DATE),
        owner_field("Reviews looked after by", "looked_after_by"),
        FormField(
            "status", "Status", Kind.CHOICE, required=True, options=choice_options(StandardStatus)
        ),
    ),
    noun=("standard", "standards"),
    quick_filters=(REVIEWER_FILTER,),
    tone=_standard_tone,
    listens_to=frozenset({"member"}),
    preview=_in_words,
)

AGREEMENT_PAGE = PageSpec(
    name="agreements",
    model=Agreement,
    listing=AGREEMENT_LISTING,
    columns=(
        ViewColumn("agreed_with", "Agreed with", width=220),
        ViewColumn("title", "Title", width=220),
        ViewColumn("signed_off_by", "Signed off by", width=160),
        ViewColumn("signed_on", "Signed on", format=date_label, width=90),
        ViewColumn("next_review", "Next review", format=_review_label, width=150),
        ViewColumn("looked_after_by", "Looked after by", width=140),
    ),
    fields=(
        FormField("title", "Title", placeholder="e.g. Service level agreement 2026–27"),
        FormField("department", "Department", Kind.LOOKUP, options=department_choices),
        FormField("customer", "…or customer", Kind.LOOKUP, options=customer_choices),
        FormField("services", "Services agreed", Kind.MULTI, options=service_choices),
        FormField("standards", "Standards agreed", Kind.MULTI, options=standard_choices),
        FormField(
            "procedure",
            "When needs are not met",
            Kind.LONG_TEXT,
            help="The procedure to follow when a standard is missed or a need is not met",
        ),
        FormField("signed_off_by", "Signed off by"),
        FormField("signed_on", "Signed on", Kind.DATE),
        FormField("next_review", "Next review", Kind.DATE),
        owner_field("Reviews looked after by", "looked_after_by"),
        FormField("notes", "Notes", Kind.LONG_TEXT),
    ),
    noun=("agreement", "agreements"),
    quick_filters=(
        QuickFilter("review", "Reviews", lambda: [("Review due", "due")], "Any review date"),
        REVIEWER_FILTER,
    ),
    tone=lambda row: _standard_tone({"review_on": row["next_review"]}),
    listens_to=frozenset({"department", "customer", "service", "standard", "member"}),
    create=lambda values: save_agreement(None, values),
    update=lambda agreement, values: save_agreement(agreement, values)[1],
    extra_values=agreement_links,
)


class CatalogueTab(QWidget):
    """Services beside the standards of the selected one; agreements on a second page.

    Signals:
        action_for_standard(object): an improvement action is wanted for a missed standard.
    """

    action_for_standard = Signal(object)

    def __init__(self, bus: DataBus, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = RecordPage(SERVICE_PAGE, bus, settings)
        self.services.defaults = lambda: {"active": True}
        self.standards = RecordPage(STANDARD_PAGE, bus, settings)
        self.standards.defaults = lambda: {
            "status": StandardStatus.AGREED.value,
            "compliance_target": 100,
        }
        self.standards.can_create = lambda: bool(self.standards.context)
        self.action_action = QAction("Improvement &action…", self)
        self.action_action.setToolTip("Start an improvement action for a standard that was missed")
        self.action_action.triggered.connect(self._action_for_standard)
        self.standards.toolbar.addSeparator()
        self.standards.toolbar.addAction(self.action_action)
        self.standards_title = QLabel()
        self.standards_title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.standards_title.font()
        font.setBold(True)
        self.standards_title.setFont(font)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.standards_title)
        column.addWidget(self.standards, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.services)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        remember_splitter(self.splitter, settings, "catalogue/splitter", [300, 400])
        self.services.current_changed.connect(self.show_service)

        self.agreements = RecordPage(AGREEMENT_PAGE, bus, settings)
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.splitter, "&Services and standards")
        self.pages.addTab(self.agreements, "A&greements")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        self.active_page: RecordPage = self.services
        QApplication.instance().focusChanged.connect(self._focus_changed)
        self.show_service(None)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Remember whether services or standards were worked on last (for File ▸ Export…)."""
        for page in (self.services, self.standards):
            if new is not None and page.isAncestorOf(new):
                self.active_page = page

    def _action_for_standard(self) -> None:
        standard = self.standards.current_record()
        if standard is not None:
            self.action_for_standard.emit(standard)

    def show_service(self, service_id: Any) -> None:
        """List the standards of the chosen service; new standards belong to it."""
        self.standards.context = {"service": service_id.hex} if service_id else {}
        self.standards.table.set_fixed_filter("service", service_id.hex if service_id else "none")
        self.standards.update_actions()
        if service_id is None:
            self.standards_title.setText("Standards: choose a service above")
        else:
            service = fetch(Service, service_id)
            self.standards_title.setText(f"Agreed quality standards of {service.name}")
