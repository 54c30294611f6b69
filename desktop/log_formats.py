"""The `requests` and `complaints` formats of DESIGN.md §4.

An export writes the import columns, then the figures Rapport computes (due moments and whether
they were met), so a file imports again unchanged and a spreadsheet shows what the window shows.
Confidential complaints keep their summary, details, customer and response out of an export
unless the user asks for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from typing import Any

from desktop import cells
from desktop.formats import Directory, customer_reference, member_names, records_in_order
from desktop.importing import Column, ImportKind, RowProblem, check_new_name
from models import clock
from models.base import bulk_insert
from models.catalogue import Service
from models.choices import (
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintStatus,
    FeedbackChannel,
    FeedbackType,
)
from models.complaints import Complaint, ComplaintEvent, complaint_dues, next_reference
from models.delivery import StandardBook, key, met, request_dues
from models.feedback import Code, Feedback, FeedbackCode
from models.listing import rowid_of
from models.operations import create_many
from models.organisation import get_settings, working_calendar
from models.people import member_at_keyboard, you_in_the_team
from models.register import Customer, Department
from models.scores import SCALES, Scale
from models.service_log import ServiceRequest

CONFIDENTIAL = "Confidential"


class _LogFormat(ImportKind):
    """What the two logs share: who the row is about, looked up the same way."""

    def start(self) -> None:
        self.directory = Directory()
        self.you = you_in_the_team()  # once per file: whose a row with no owner is

    def who(self, row: Mapping[str, Any]) -> tuple[Any, Any]:
        """The customer and department a row names; the department defaults to the customer's."""
        customer = self.directory.customer(row["customer"], "customer") if row["customer"] else None
        department = None
        if row["department"]:
            department = self.directory.department(row["department"], "department")
        elif customer is not None:
            department = self.directory.customer_departments.get(key(customer))
        return customer, department

    def owner(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """Whose work the row is: the member its owner cell names, else (as for a record made
        in the window) the member at the keyboard; no one, where no one has said who they are."""
        if row["owner"]:
            return {"owner": self.directory.member(row["owner"], "owner")}
        return {} if self.you is None else {"owner": self.you}

    def export_names(self) -> tuple[dict, dict, dict, dict]:
        return (
            dict(Service.select(Service.id, Service.name).tuples()),
            dict(Department.select(Department.id, Department.name).tuples()),
            dict(Customer.select(Customer.id, Customer.email).tuples()),
            dict(Customer.select(Customer.id, Customer.name).tuples()),
        )


class RequestsFormat(_LogFormat):
    name = "requests"
    model = ServiceRequest
    tables = frozenset({"service_request"})
    columns = (
        Column("service", required=True),
        Column("received", required=True, read=cells.read_moment, field="received_at"),
        Column("customer"),
        Column("department"),
        Column("responded", read=cells.read_moment, field="responded_at"),
        Column("completed", read=cells.read_moment, field="completed_at"),
        Column("accurate", read=cells.read_yes_no),
        Column("needs_met", read=cells.read_yes_no),
        Column("description"),
        Column("notes"),
        Column("owner"),
    )
    computed = ("response_due", "response_met", "completion_due", "completion_met")

    def start(self) -> None:
        super().start()
        self.book = StandardBook.load()
        self.calendar = working_calendar()

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        service = self.directory.service(row["service"], "service")
        customer, department = self.who(row)
        values = {
            "service": service,
            "customer": customer,
            "department": department,
            "received_at": row["received"],
            "responded_at": row["responded"],
            "completed_at": row["completed"],
            "accurate": row["accurate"],
            "needs_met": row["needs_met"],
            "description": row["description"] or "",
            "notes": row["notes"] or "",
            **self.owner(row),
        }
        return values | request_dues(
            self.book,
            self.calendar,
            service=service,
            received_at=row["received"],
            department=department,
            customer=customer,
        )

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        return len(create_many(ServiceRequest, records))

    def export_headers(self) -> list[str]:
        return [*super().export_headers(), *self.computed]

    def export_rows(self, ids: Sequence[Any] | None) -> Iterable[list[Any]]:
        services, departments, emails, names = self.export_names()
        now = clock.now()
        members = member_names()
        order = (ServiceRequest.received_at, rowid_of(ServiceRequest))  # file order on ties
        for request in records_in_order(ServiceRequest, ids, order):
            yield [
                services.get(request.service_id, ""),
                request.received_at,
                customer_reference(request.customer_id, emails, names),
                departments.get(request.department_id, ""),
                request.responded_at,
                request.completed_at,
                cells.write_yes_no(request.accurate),
                cells.write_yes_no(request.needs_met),
                request.description,
                request.notes,
                members.get(request.owner_id, ""),
                request.response_due,
                cells.write_yes_no(
                    met(request.responded_at or request.completed_at, request.response_due, now)
                ),
                request.completion_due,
                cells.write_yes_no(met(request.completed_at, request.completion_due, now)),
            ]


class ComplaintsFormat(_LogFormat):
    name = "complaints"
    model = Complaint
    tables = frozenset({"complaint", "complaint_event"})
    columns = (
        Column("summary", required=True),
        Column("received", required=True, read=cells.read_moment, field="received_at"),
        Column("reference"),
        Column("customer"),
        Column("department"),
        Column("service"),
        Column("category", read=lambda value: cells.read_choice(value, ComplaintCategory)),
        Column("details"),
        Column("confidential", read=cells.read_yes_no),
        Column("acknowledged", read=cells.read_moment, field="acknowledged_at"),
        Column("referred_to"),
        Column("referred_on", read=cells.read_date),
        Column("resolved", read=cells.read_moment, field="resolved_at"),
        Column("resolution"),
        Column("owner"),
    )
    computed = (
        "status",
        "acknowledge_due",
        "acknowledged_on_time",
        "resolve_due",
        "resolved_on_time",
    )

    def start(self) -> None:
        super().start()
        self.settings = get_settings()
        self.calendar = working_calendar()
        self.references: set[str] = set()  # upper case: hr-17 and HR-17 are one reference
        self.next_numbers: dict[int, int] = {}

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        received: datetime = row["received"]
        reference = row["reference"] or self._new_reference(received.year)
        if reference.upper() in self.references:
            raise RowProblem("reference", f"{reference} appears on an earlier row of this file.")
        self.references.add(reference.upper())
        customer, department = self.who(row)
        category = row["category"]
        confidential = row["confidential"]
        if confidential is None:
            confidential = bool(category) and category.confidential_by_default
        referred_on = row["referred_on"]
        for name, moment in (("acknowledged", row["acknowledged"]), ("resolved", row["resolved"])):
            if moment is not None and moment < received:
                raise RowProblem(name, "comes before the complaint was received.")
        if referred_on is not None and referred_on < received.date():
            raise RowProblem("referred_on", "comes before the complaint was received.")
        acknowledge_due, resolve_due = complaint_dues(
            received, [], None, self.settings, self.calendar, as_of=clock.now()
        )
        return {
            "reference": reference,
            "received_at": received,
            "customer": customer,
            "department": department,
            "service": self.directory.optional_service(row["service"]),
            "category": category,
            "summary": row["summary"],
            "details": row["details"] or "",
            "confidential": confidential,
            "acknowledged_at": row["acknowledged"],
            "referred_to": row["referred_to"] or "",
            "referred_on": referred_on,
            "resolved_at": row["resolved"],
            "resolution": row["resolution"] or "",
            **self.owner(row),
            "status": _status(row),
            "acknowledge_due": acknowledge_due,
            "resolve_due": resolve_due,
        }

    def _new_reference(self, year: int) -> str:
        if year not in self.next_numbers:
            self.next_numbers[year] = int(next_reference(year).rsplit("-", 1)[1])
        while True:
            reference = f"CMP-{year}-{self.next_numbers[year]:04d}"
            self.next_numbers[year] += 1
            if reference.upper() not in self.references:
                return reference

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        complaints = create_many(Complaint, records)
        events = []
        for complaint in complaints:
            for kind, moment, note in _timeline(complaint):
                events.append(
                    {
                        "id": ComplaintEvent().id,
                        "created_at": complaint.created_at,
                        "updated_at": complaint.created_at,
                        "complaint": complaint.id,
                        "at": moment,
                        "kind": kind,
                        "note": note,
                        "channel": None,
                        "who": complaint.referred_to if kind is ComplaintEventKind.REFERRED else "",
                        "recorded_by": "import",
                        "member": member_at_keyboard(),
                    }
                )
        bulk_insert(ComplaintEvent, events)
        return len(complaints)

    def export_headers(self) -> list[str]:
        return [*super().export_headers(), *self.computed]

    def export_rows(self, ids: Sequence[Any] | None) -> Iterable[list[Any]]:
        services, departments, emails, names = self.export_names()
        now = clock.now()
        members = member_names()
        order = (Complaint.received_at, Complaint.reference)
        for complaint in records_in_order(Complaint, ids, order):
            hidden = complaint.confidential and not self.include_confidential
            yield [
                CONFIDENTIAL if hidden else complaint.summary,
                complaint.received_at,
                complaint.reference,
                "" if hidden else customer_reference(complaint.customer_id, emails, names),
                departments.get(complaint.department_id, ""),
                services.get(complaint.service_id, ""),
                complaint.category.value if complaint.category else "",
                "" if hidden else complaint.details,
                cells.write_yes_no(complaint.confidential),
                complaint.acknowledged_at,
                complaint.referred_to,
                complaint.referred_on,
                complaint.resolved_at,
                "" if hidden else complaint.resolution,
                members.get(complaint.owner_id, ""),
                complaint.status.value,
                complaint.acknowledge_due,
                cells.write_yes_no(met(complaint.acknowledged_at, complaint.acknowledge_due, now)),
                complaint.resolve_due,
                cells.write_yes_no(
                    None  # on hold: the clock is stopped, the resolve-by date is not yet final
                    if complaint.status is ComplaintStatus.ON_HOLD
                    else met(complaint.resolved_at, complaint.resolve_due, now)
                ),
            ]


def _status(row: Mapping[str, Any]) -> ComplaintStatus:
    """How far an imported complaint had got, from the moments the file gives."""
    if row["resolved"]:
        return ComplaintStatus.RESOLVED
    if row["referred_to"]:
        return ComplaintStatus.REFERRED
    if row["acknowledged"]:
        return ComplaintStatus.ACKNOWLEDGED
    return ComplaintStatus.RECEIVED


def _timeline(complaint: Complaint) -> list[tuple[ComplaintEventKind, datetime, str]]:
    """The timeline an imported complaint's moments imply."""
    steps = [(ComplaintEventKind.RECEIVED, complaint.received_at, "Imported.")]
    if complaint.acknowledged_at:
        steps.append((ComplaintEventKind.ACKNOWLEDGED, complaint.acknowledged_at, ""))
    if complaint.referred_to:
        moment = datetime.combine(complaint.referred_on or complaint.received_at.date(), time(9))
        steps.append((ComplaintEventKind.REFERRED, max(moment, complaint.received_at), ""))
    if complaint.resolved_at:
        steps.append((ComplaintEventKind.RESOLVED, complaint.resolved_at, ""))
    return steps


def _whole_within(scale: Scale) -> Any:
    return lambda value: cells.read_whole(value, scale.low, scale.high)


def _codes(value: Any) -> list[str]:
    """Codes separated by semicolons, each a descriptive label."""
    return [" ".join(part.split()) for part in cells.text(value).split(";") if part.strip()]


class FeedbackFormat(_LogFormat):
    name = "feedback"
    model = Feedback
    tables = frozenset({"feedback", "feedback_code", "code"})
    columns = (
        Column("date", required=True, read=cells.read_date, field="received_on"),
        Column(
            "channel", required=True, read=lambda value: cells.read_choice(value, FeedbackChannel)
        ),
        Column("customer"),
        Column("department"),
        Column("service"),
        Column("anonymous", read=cells.read_yes_no),
        *(Column(name, read=_whole_within(scale)) for name, scale in SCALES.items()),
        Column("comment"),
        Column("type", read=lambda value: cells.read_choice(value, FeedbackType)),
        Column("theme"),
        Column("codes", read=_codes),
    )

    def start(self) -> None:
        super().start()
        self.known_codes = {name: id_.hex for id_, name in Code.live(Code.id, Code.name).tuples()}
        self.new_codes: dict[str, str] = {}
        self.coding: list[list[str]] = []

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        anonymous = bool(row["anonymous"])
        customer, department = (None, None) if anonymous else self.who(row)
        if anonymous and row["department"]:
            department = self.directory.department(row["department"], "department")
        codes = []
        for name in row["codes"] or []:
            if name not in self.known_codes and name not in self.new_codes:
                check_new_name(Code, name, "codes", "code")
                self.new_codes[name] = Code(name=name).id.hex
            codes.append(self.known_codes.get(name) or self.new_codes[name])
        values = {
            "received_on": row["date"],
            "channel": row["channel"],
            "customer": customer,
            "department": department,
            "service": self.directory.optional_service(row["service"]),
            "anonymous": anonymous,
            "nps": row["nps"],
            "ces": row["ces"],
            "csat": row["csat"],
            "comment": row["comment"] or "",
            "type": row["type"],
            "theme": row["theme"] or "",
        }
        self.coding.append(codes)
        return values

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        create_many(Code, [{"id": id_, "name": name} for name, id_ in self.new_codes.items()])
        items = create_many(Feedback, records)
        links = [
            {
                "id": FeedbackCode().id,
                "created_at": item.created_at,
                "updated_at": item.created_at,
                "feedback": item.id,
                "code": code,
            }
            for item, codes in zip(items, self.coding, strict=True)
            for code in dict.fromkeys(codes)
        ]
        bulk_insert(FeedbackCode, links)
        return len(items)

    def export_rows(self, ids: Sequence[Any] | None) -> Iterable[list[Any]]:
        services, departments, emails, names = self.export_names()
        code_names = dict(Code.select(Code.id, Code.name).tuples())
        coding: dict[Any, list[str]] = {}
        for feedback_id, code_id in FeedbackCode.select(
            FeedbackCode.feedback, FeedbackCode.code
        ).tuples():
            coding.setdefault(feedback_id, []).append(code_names[code_id])
        order = (Feedback.received_on, rowid_of(Feedback))
        for item in records_in_order(Feedback, ids, order):
            yield [
                item.received_on,
                item.channel.value,
                customer_reference(item.customer_id, emails, names),
                departments.get(item.department_id, ""),
                services.get(item.service_id, ""),
                cells.write_yes_no(item.anonymous),
                item.nps,
                item.ces,
                item.csat,
                item.comment,
                item.type.value if item.type else "",
                item.theme,
                "; ".join(sorted(coding.get(item.id, []))),
            ]
