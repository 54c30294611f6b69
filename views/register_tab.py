"""The internal customer register: customers with their needs, and the departments they are in."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from models.choices import CustomerKind
from models.operations import fetch
from models.register import (
    CUSTOMER_LISTING,
    DEPARTMENT_LISTING,
    Customer,
    Department,
    department_choices,
    merge_departments,
)
from views.data_bus import DataBus
from views.format import EMPTY, choice_label, count_label, yes_no_label
from views.forms import FormField, Kind, choice_options
from views.record_page import Merger, PageSpec, RecordPage, remember_splitter
from views.record_table import QuickFilter
from views.table_model import CENTRE, RIGHT, Tone, ViewColumn

CUSTOMER_PAGE = PageSpec(
    name="customers",
    model=Customer,
    listing=CUSTOMER_LISTING,
    columns=(
        ViewColumn("name", "Name", width=200),
        ViewColumn("kind", "Kind", format=choice_label(CustomerKind), width=110),
        ViewColumn("department", "Department", width=190),
        ViewColumn("job_title", "Job title", width=170),
        ViewColumn("email", "Email", width=230),
        ViewColumn("phone", "Phone", width=110),
        ViewColumn("location", "Location", width=160),
        ViewColumn("active", "Active", align=CENTRE, format=yes_no_label, width=60),
    ),
    fields=(
        FormField("name", "Name", required=True),
        FormField("kind", "Kind", Kind.CHOICE, required=True, options=choice_options(CustomerKind)),
        FormField("department", "Department", Kind.LOOKUP, options=department_choices),
        FormField("job_title", "Job title"),
        FormField("email", "Email", placeholder="name@example.org"),
        FormField("phone", "Phone"),
        FormField("location", "Location", placeholder="Building, floor or site"),
        FormField(
            "needs",
            "Needs and expectations",
            Kind.LONG_TEXT,
            help="What this customer needs from the team, and expects of it",
        ),
        FormField("notes", "Notes", Kind.LONG_TEXT),
        FormField("active", "Active", Kind.CHECK, help="Untick for someone who has left"),
    ),
    noun=("customer", "customers"),
    quick_filters=(
        QuickFilter("kind", "Kind", choice_options(CustomerKind), "All kinds"),
        QuickFilter("department", "Department", department_choices, "All departments"),
        QuickFilter(
            "active", "Active", lambda: [("Active", 1), ("Not active", 0)], "Active or not"
        ),
    ),
    tone=lambda row: None if row["active"] else Tone.MUTED,
    listens_to=frozenset({"department"}),
)

DEPARTMENT_PAGE = PageSpec(
    name="departments",
    model=Department,
    listing=DEPARTMENT_LISTING,
    columns=(
        ViewColumn("name", "Department", width=280),
        ViewColumn("customers", "Customers", align=RIGHT, format=count_label, width=90),
        ViewColumn("notes", "Notes", width=300),
    ),
    fields=(
        FormField("name", "Name", required=True),
        FormField("notes", "Notes", Kind.LONG_TEXT),
    ),
    noun=("department", "departments"),
    listens_to=frozenset({"customer"}),
)


class CustomerDetail(QWidget):
    """The selected customer: who they are, and what they need and expect."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # labels above: a narrow panel
        for key, label in (
            ("kind", "Kind"),
            ("department", "Department"),
            ("job_title", "Job title"),
            ("email", "Email"),
            ("phone", "Phone"),
            ("location", "Location"),
            ("needs", "Needs and expectations"),
            ("notes", "Notes"),
        ):
            value = QLabel()
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            self.values[key] = value
            heading = QLabel(f"{label}:")
            heading.setStyleSheet("font-weight: bold;")
            form.addRow(heading, value)
        self.hint = QLabel("Choose a customer in the list to see what they need and expect.")
        self.hint.setWordWrap(True)
        self.facts = QWidget()  # hidden while no customer is chosen
        self.facts.setLayout(form)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.facts)
        layout.addStretch(1)
        self.show_customer(None)

    def show_customer(self, customer: Customer | None) -> None:
        if customer is None:
            self.title.setText("No customer selected")
            self.hint.show()
            self.facts.hide()
            return
        self.hint.hide()
        self.facts.show()
        self.title.setText(customer.name + ("" if customer.active else " (not active)"))
        department = customer.department.name if customer.department_id else ""
        shown: dict[str, Any] = {
            "kind": customer.kind.label,
            "department": department,
            "job_title": customer.job_title,
            "email": customer.email,
            "phone": customer.phone,
            "location": customer.location,
            "needs": customer.needs,
            "notes": customer.notes,
        }
        for key, label in self.values.items():
            label.setText(shown[key] or EMPTY)


class RegisterTab(QWidget):
    """Customers (with a detail panel) and departments, on two pages of one tab."""

    def __init__(self, bus: DataBus, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.customers = RecordPage(CUSTOMER_PAGE, bus, settings)
        self.customers.defaults = lambda: {"kind": CustomerKind.COLLEAGUE.value, "active": True}
        self.detail = CustomerDetail()
        self.customers.current_changed.connect(self._show_customer)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # text wraps
        scroller.setWidget(self.detail)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.customers)
        self.splitter.addWidget(scroller)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        remember_splitter(self.splitter, settings, "register/splitter", [900, 300])

        self.departments = RecordPage(DEPARTMENT_PAGE, bus, settings)
        self.merger = Merger(
            self.departments,
            department_choices,
            merge_departments,
            "Move every customer, request, complaint, feedback item, standard and agreement "
            "of '{merged}' to '{kept}', then delete '{merged}'?",
            "Move everything linked to this department onto another",
        )

        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.addTab(self.splitter, "&Customers")
        self.pages.addTab(self.departments, "De&partments")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.pages)
        bus.changed.connect(self._refresh_detail)

    def _show_customer(self, customer_id: Any) -> None:
        self.detail.show_customer(None if customer_id is None else fetch(Customer, customer_id))

    def _refresh_detail(self, tables: frozenset[str]) -> None:
        if tables & {"customer", "department"}:
            self._show_customer(self.customers.current_id())
