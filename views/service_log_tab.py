"""The service log: requests as they arrive, and how each was delivered against its standards."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QVBoxLayout, QWidget

from models import clock
from models.catalogue import service_choices
from models.choices import RequestChannel
from models.register import customer_choices, department_choices
from models.service_log import (
    SERVICE_REQUEST_LISTING,
    RequestState,
    ServiceRequest,
    record_request,
    request_state,
    update_request,
)
from views.data_bus import DataBus
from views.format import date_label, met_label, yes_no_label
from views.forms import FormField, Kind
from views.owners import OWNER_FILTER, owner_field
from views.record_page import PageSpec, RecordPage
from views.record_table import QuickFilter
from views.table_model import CENTRE, Tone, ViewColumn


def _state_tone(row: dict[str, Any]) -> Tone | None:
    state = request_state(row, clock.now())
    if state is RequestState.OVERDUE:
        return Tone.DANGER
    if state is RequestState.DUE_TODAY:
        return Tone.WARNING
    return None


def _met(done: str, due: str) -> Any:
    # Completing a request answers it too, when no earlier response was recorded.
    return lambda row: met_label(row[done] or row["completed_at"], row[due], clock.now())


REQUEST_PAGE = PageSpec(
    name="requests",
    model=ServiceRequest,
    listing=SERVICE_REQUEST_LISTING,
    columns=(
        ViewColumn("received_at", "Received", format=date_label, width=125),
        ViewColumn("service", "Service", width=170),
        ViewColumn("customer", "Customer", width=160),
        ViewColumn("department", "Department", width=160),
        ViewColumn("description", "Request", width=230),
        ViewColumn("owner", "Owner", width=130),
        ViewColumn("response_due", "Response due", format=date_label, width=125),
        ViewColumn(
            "responded_at",
            "Response",
            align=CENTRE,
            width=70,
            compute=_met("responded_at", "response_due"),
        ),
        ViewColumn("completion_due", "Completion due", format=date_label, width=125),
        ViewColumn(
            "completed_at",
            "Completion",
            align=CENTRE,
            width=80,
            compute=_met("completed_at", "completion_due"),
        ),
        ViewColumn("needs_met", "Needs met", align=CENTRE, format=yes_no_label, width=75),
    ),
    fields=(
        FormField("service", "Service", Kind.LOOKUP, required=True, options=service_choices),
        FormField("received_at", "Received", Kind.MOMENT, required=True),
        owner_field(),
        FormField(
            "customer",
            "Customer",
            Kind.LOOKUP,
            options=customer_choices,
            help="Type part of a name",
        ),
        FormField(
            "department",
            "Department",
            Kind.LOOKUP,
            options=department_choices,
            help="Leave empty to use the customer's department",
        ),
        FormField(
            "channel",
            "Came in by",
            Kind.CHOICE,
            required=True,
            options=lambda: [(c.label, c.value) for c in RequestChannel],
        ),
        FormField("description", "Request", Kind.LONG_TEXT),
        FormField("responded_at", "First response", Kind.MOMENT),
        FormField("completed_at", "Completed", Kind.MOMENT),
        FormField("accurate", "Right first time", Kind.YES_NO),
        FormField("needs_met", "Customer confirmed needs met", Kind.YES_NO),
        FormField("needs_met_note", "How they confirmed it", Kind.LONG_TEXT),
        FormField("notes", "Notes", Kind.LONG_TEXT),
    ),
    noun=("request", "requests"),
    quick_filters=(
        QuickFilter(
            "state",
            "Show",
            lambda: [(state.value.capitalize(), state.value) for state in RequestState],
            "All requests",
        ),
        QuickFilter("service", "Service", service_choices, "All services"),
        QuickFilter("department", "Department", department_choices, "All departments"),
        OWNER_FILTER,
    ),
    tone=_state_tone,
    listens_to=frozenset(
        {"service", "standard", "customer", "department", "settings", "closure", "member"}
    ),
    create=lambda values: record_request(**values),
    update=lambda request, values: update_request(request, **values),
    carry_on=("service", "channel", "owner"),
    assignable=True,
)


class ServiceLogTab(QWidget):
    def __init__(self, bus: DataBus, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.requests = RecordPage(REQUEST_PAGE, bus, settings)
        self.requests.defaults = lambda: {
            "received_at": clock.now(),
            "channel": RequestChannel.EMAIL.value,
        }
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.requests)
