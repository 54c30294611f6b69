"""The complaints log: the worklist, each complaint's timeline, and the steps of the procedure."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models import clock
from models.catalogue import service_choices
from models.choices import (
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintOutcome,
    ComplaintStatus,
    FeedbackChannel,
)
from models.complaint_lifecycle import (
    allowed_steps,
    dues_now,
    log_complaint,
    take_step,
    timeline_rows,
    update_complaint,
)
from models.complaints import COMPLAINT_LISTING, Complaint, Worklist, next_deadline
from models.improvements import actions_for_complaint
from models.operations import fetch
from models.register import customer_choices, department_choices
from views.data_bus import DataBus
from views.format import EMPTY, choice_label, date_label, met_label, yes_no_label
from views.forms import FormField, Kind, RecordForm, choice_options
from views.owners import OWNER_FILTER, owner_field
from views.record_page import PageSpec, RecordPage, remember_splitter
from views.record_table import QuickFilter
from views.table_model import Tone, ViewColumn

if TYPE_CHECKING:
    from views.report_dialog import ReportDialog

K = ComplaintEventKind
ON_HOLD_RESOLVE = "Paused: on hold"


def _tone(row: dict[str, Any]) -> Tone | None:
    due = next_deadline(row)
    now = clock.now()
    if due is not None and due < now:
        return Tone.DANGER
    if due is not None and due.date() == now.date():
        return Tone.WARNING
    return None


def _resolve_by(row: dict[str, Any]) -> datetime | str | None:
    """The stored resolve-by, except on hold: it moves on with the clock while the customer is
    awaited (the detail pane shows it as at now), so a stored date would mislead."""
    return ON_HOLD_RESOLVE if row["status"] == ComplaintStatus.ON_HOLD else row["resolve_due"]


def _tick_confidential_for_personal_categories(form: RecordForm) -> None:
    """A personal category (discrimination, safeguarding, …) makes a complaint confidential."""
    category = form.widgets["category"]

    def follow(_index: int) -> None:
        value = category.currentData()
        if value and ComplaintCategory(value).confidential_by_default:
            form.widgets["confidential"].setChecked(True)

    category.currentIndexChanged.connect(follow)


COMPLAINT_PAGE = PageSpec(
    name="complaints",
    model=Complaint,
    listing=COMPLAINT_LISTING,
    columns=(
        ViewColumn("reference", "Reference", width=115),
        ViewColumn("received_at", "Received", format=date_label, width=125),
        ViewColumn("status", "Status", format=choice_label(ComplaintStatus), width=150),
        ViewColumn("owner", "Owner", width=130),
        ViewColumn("category", "Category", format=choice_label(ComplaintCategory), width=150),
        ViewColumn("summary", "Summary", width=260),
        ViewColumn("customer", "Customer", width=160),
        ViewColumn("acknowledge_due", "Acknowledge by", format=date_label, width=125),
        ViewColumn("resolve_due", "Resolve by", compute=_resolve_by, width=125),
    ),
    fields=(
        FormField("received_at", "Received", Kind.MOMENT, required=True),
        owner_field(),
        FormField("customer", "Complainant", Kind.LOOKUP, options=customer_choices),
        FormField("department", "Department", Kind.LOOKUP, options=department_choices),
        FormField("service", "Service", Kind.LOOKUP, options=service_choices),
        FormField("category", "Category", Kind.CHOICE, options=choice_options(ComplaintCategory)),
        FormField("summary", "Summary", required=True, placeholder="One line: what went wrong"),
        FormField("details", "Details", Kind.LONG_TEXT),
        FormField("remedy_sought", "What they ask for", Kind.LONG_TEXT),
        FormField(
            "confidential",
            "Confidential",
            Kind.CHECK,
            help="Shown as 'Confidential' in lists and exports until the complaint is opened",
        ),
    ),
    noun=("complaint", "complaints"),
    quick_filters=(
        QuickFilter(
            "worklist",
            "Worklist",
            lambda: [(w.value.capitalize(), w.value) for w in Worklist],
            "All complaints",
        ),
        QuickFilter("status", "Status", choice_options(ComplaintStatus), "Any status"),
        QuickFilter("category", "Category", choice_options(ComplaintCategory), "Any category"),
        OWNER_FILTER,
    ),
    tone=_tone,
    listens_to=frozenset(
        {"complaint_event", "customer", "department", "settings", "closure", "member"}
    ),
    create=lambda values: log_complaint(**values),
    update=lambda complaint, values: update_complaint(complaint, **values),
    on_form=_tick_confidential_for_personal_categories,
    assignable=True,
)


_WHEN = FormField("at", "When", Kind.MOMENT, required=True)
_NOTE = FormField("note", "Note", Kind.LONG_TEXT)

# What each step asks for; the model checks the rest and says what is missing.
STEP_FIELDS: dict[ComplaintEventKind, tuple[str, tuple[FormField, ...]]] = {
    K.ACKNOWLEDGED: ("Acknowledge", (_WHEN, _NOTE)),
    K.INVESTIGATING: ("Start investigating", (_WHEN, _NOTE)),
    K.ON_HOLD: (
        "Put on hold, awaiting the customer",
        (_WHEN, FormField("note", "What we are waiting for", Kind.LONG_TEXT, required=True)),
    ),
    K.RESUMED: ("Resume", (_WHEN, _NOTE)),
    K.REFERRED: (
        "Refer",
        (
            _WHEN,
            FormField("who", "Referred to", required=True, placeholder="A person or a department"),
            FormField("reason", "Why", Kind.LONG_TEXT, required=True),
        ),
    ),
    K.REFERRAL_OUTCOME: (
        "Record the referral's outcome",
        (_WHEN, FormField("outcome", "Outcome", Kind.LONG_TEXT, required=True)),
    ),
    K.EXTENDED: (
        "Agree an extension",
        (
            _WHEN,
            FormField("new_due", "New resolve-by date", Kind.DATE, required=True),
            FormField(
                "reason", "Reason agreed with the complainant", Kind.LONG_TEXT, required=True
            ),
        ),
    ),
    K.RESOLVED: (
        "Resolve",
        (
            _WHEN,
            FormField("resolution", "Written response sent", Kind.LONG_TEXT, required=True),
            FormField(
                "outcome",
                "Outcome",
                Kind.CHOICE,
                required=True,
                options=choice_options(ComplaintOutcome),
            ),
            FormField("remedy_given", "Remedy given", Kind.LONG_TEXT),
            FormField("lessons_learned", "Lessons learned", Kind.LONG_TEXT),
        ),
    ),
    K.CLOSED: (
        "Close after follow-up",
        (
            _WHEN,
            FormField("followed_up_on", "Customer contacted on", Kind.DATE, required=True),
            FormField("satisfied", "Satisfied with the outcome", Kind.YES_NO, required=True),
        ),
    ),
    K.REOPENED: (
        "Reopen",
        (_WHEN, FormField("note", "Why it is reopened", Kind.LONG_TEXT, required=True)),
    ),
    K.COMMUNICATION: (
        "Record a communication",
        (
            _WHEN,
            FormField(
                "channel",
                "How",
                Kind.CHOICE,
                required=True,
                options=choice_options(FeedbackChannel),
            ),
            FormField("who", "With whom"),
            FormField("note", "What was said", Kind.LONG_TEXT, required=True),
        ),
    ),
    K.NOTE: ("Add a note", (_WHEN, FormField("note", "Note", Kind.LONG_TEXT, required=True))),
}


class ComplaintDetail(QWidget):
    """One complaint opened: everything about it, its timeline, and the next steps (which go
    through the data bus like every other change).

    Signals:
        action_requested(object): the user wants an improvement action for this complaint.
        record_requested(object): the user wants this complaint's record printed.
    """

    action_requested = Signal(object)
    record_requested = Signal(object)

    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        self.complaint: Complaint | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.values: dict[str, QLabel] = {}
        facts = QFormLayout()
        facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for name, label in (
            ("status", "Status"),
            ("owner", "Owner"),
            ("summary", "Summary"),
            ("complainant", "Complainant"),
            ("service", "Service"),
            ("category", "Category"),
            ("details", "Details"),
            ("remedy_sought", "Asks for"),
            ("acknowledge", "Acknowledge by"),
            ("resolve", "Resolve by"),
            ("referral", "Referral"),
            ("resolution", "Response"),
            ("follow_up", "Follow-up"),
            ("actions", "Improvement actions"),
        ):
            value = QLabel()
            value.setTextFormat(Qt.TextFormat.PlainText)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(label)
            self.values[name] = value
            facts.addRow(f"{label}:", value)
        self.timeline = QTableWidget(0, 5)
        self.timeline.setHorizontalHeaderLabels(["When", "Step", "With whom", "By", "Note"])
        self.timeline.setAccessibleName("Timeline")
        self.timeline.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.horizontalHeader().setStretchLastSection(True)
        self.timeline.horizontalHeader().setMaximumSectionSize(130)  # the note keeps its room
        self.timeline.horizontalHeader().sectionResized.connect(  # wrapped notes shown whole
            lambda *_: self.timeline.resizeRowsToContents()
        )
        self.timeline.setWordWrap(True)
        steps = QGroupBox("Next steps")
        self.steps_grid = QGridLayout(steps)
        self.step_buttons: dict[ComplaintEventKind, QPushButton] = {}
        self.record_button = QPushButton("&Print record…")
        self.record_button.setToolTip("The complaint record, to preview, print or save as PDF")
        self.record_button.clicked.connect(self._request_record)
        self.action_button = QPushButton("Create an improvement action…")
        self.action_button.setToolTip("An action to stop this happening again, linked to it")
        self.action_button.clicked.connect(self._request_action)
        for kind, (label, _) in STEP_FIELDS.items():
            button = QPushButton(f"{label}…", steps)
            button.hide()
            button.clicked.connect(lambda _checked=False, kind=kind: self.take(kind))
            self.step_buttons[kind] = button
        self.hint = QLabel(
            "Choose a complaint in the list to see its timeline and take the next step, "
            "or press New complaint (Ctrl+N) to log one."
        )
        self.hint.setWordWrap(True)
        self.sections = QWidget()  # everything about the complaint, hidden when there is none
        inner = QVBoxLayout(self.sections)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(facts)
        inner.addWidget(steps)
        below = QHBoxLayout()
        below.addWidget(self.action_button)
        below.addWidget(self.record_button)
        inner.addLayout(below)
        inner.addWidget(QLabel("Timeline:"))
        inner.addWidget(self.timeline, 1)
        body = QWidget()
        column = QVBoxLayout(body)
        column.addWidget(self.title)
        column.addWidget(self.hint)
        column.addWidget(self.sections, 1)
        column.addStretch(0)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroller)
        self.show_complaint(None)

    def show_complaint(self, complaint: Complaint | None) -> None:
        self.complaint = complaint
        allowed = set(allowed_steps(complaint)) if complaint is not None else set()
        offered = [button for kind, button in self.step_buttons.items() if kind in allowed]
        for button in self.step_buttons.values():  # only the steps offered, two to a row
            self.steps_grid.removeWidget(button)
            button.hide()
        for number, button in enumerate(offered):
            self.steps_grid.addWidget(button, number // 2, number % 2)
            button.show()
        if complaint is None:
            self.title.setText("No complaint selected")
            self.hint.show()
            self.sections.hide()
            self.timeline.setRowCount(0)
            return
        self.hint.hide()
        self.sections.show()
        now = clock.now()
        marked = " — CONFIDENTIAL" if complaint.confidential else ""
        self.title.setText(f"{complaint.reference}{marked}")
        who = complaint.customer.name if complaint.customer_id else ""
        if complaint.department_id:
            who = f"{who} ({complaint.department.name})" if who else complaint.department.name
        acknowledge_due, resolve_due = dues_now(complaint)
        acknowledged = met_label(complaint.acknowledged_at, acknowledge_due, now)
        resolved = met_label(complaint.resolved_at, resolve_due, now)
        shown = {
            "status": complaint.status.label,
            "owner": complaint.owner.shown if complaint.owner_id else "",
            "summary": complaint.summary,
            "complainant": who,
            "service": complaint.service.name if complaint.service_id else "",
            "category": complaint.category.label if complaint.category else "",
            "details": complaint.details,
            "remedy_sought": complaint.remedy_sought,
            "acknowledge": f"{date_label(acknowledge_due)} — {acknowledged.lower()}",
            "resolve": f"{date_label(resolve_due)} — {resolved.lower()}"
            + (f" (extended: {complaint.extension_reason})" if complaint.extended_due else ""),
            "referral": f"{complaint.referred_to}: {complaint.referral_reason}"
            if complaint.referred_to
            else "",
            "resolution": (
                f"{complaint.outcome.label if complaint.outcome else ''} — {complaint.resolution}"
                if complaint.resolved_at
                else ""
            ),
            "actions": "; ".join(
                f"{action.title} ({action.status.label.lower()})"
                for action in actions_for_complaint(complaint)
            ),
            "follow_up": (
                f"{date_label(complaint.followed_up_on)}; "
                f"satisfied: {yes_no_label(complaint.satisfied).lower()}"
                if complaint.followed_up_on
                else ""
            ),
        }
        for name, label in self.values.items():
            label.setText(shown[name] or EMPTY)
        steps = timeline_rows(complaint)
        self.timeline.setRowCount(len(steps))
        for row, step in enumerate(steps):
            for column, text in enumerate(
                (date_label(step.at), step.step, step.who, step.by, step.note)
            ):
                self.timeline.setItem(row, column, QTableWidgetItem(text))
        for column in range(4):  # the note takes what is left, and wraps
            self.timeline.resizeColumnToContents(column)
        self.timeline.resizeRowsToContents()

    def _request_action(self) -> None:
        if self.complaint is not None:
            self.action_requested.emit(self.complaint)

    def _request_record(self) -> None:
        if self.complaint is not None:
            self.record_requested.emit(self.complaint)

    def take(self, kind: ComplaintEventKind) -> RecordForm | None:
        """Open the step's form; saving takes the step (or says why it cannot be taken)."""
        complaint = self.complaint
        if complaint is None:
            return None
        title, fields = STEP_FIELDS[kind]

        def save(values: dict[str, Any]) -> None:
            if values.get("channel"):
                values["channel"] = FeedbackChannel(values["channel"])
            self.bus.announce(take_step(complaint, kind, **values))

        form = RecordForm(
            f"{title}: {complaint.reference}",
            None,
            fields,
            save,
            values={"at": clock.now()},
            parent=self,
        )
        form.exec()
        return form


class ComplaintsTab(QWidget):
    def __init__(self, bus: DataBus, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.complaints = RecordPage(COMPLAINT_PAGE, bus, settings)
        self.complaints.defaults = lambda: {"received_at": clock.now()}
        self.settings = settings
        self.detail = ComplaintDetail(bus)
        self.detail.record_requested.connect(self.print_record)
        self.complaints.current_changed.connect(self.open_complaint)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.complaints)
        self.splitter.addWidget(self.detail)
        remember_splitter(self.splitter, settings, "complaints/splitter", [700, 500])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.splitter)
        bus.changed.connect(self._changed)

    def print_record(self, complaint: Complaint) -> ReportDialog:
        from views.report_dialog import ReportDialog  # ReportLab and QtPdf: not at start-up

        dialog = ReportDialog(self.settings, self, complaint=complaint)
        dialog.exec()
        return dialog

    def open_complaint(self, complaint_id: Any) -> None:
        self.detail.show_complaint(None if complaint_id is None else fetch(Complaint, complaint_id))

    def _changed(self, tables: frozenset[str]) -> None:
        if tables & {
            "complaint",
            "complaint_event",
            "customer",
            "department",
            "improvement_action",
        }:
            self.open_complaint(self.complaints.current_id())
