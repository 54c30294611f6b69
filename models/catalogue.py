"""The service catalogue: services, their agreed quality standards, and agreements."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from peewee import (
    JOIN,
    BooleanField,
    CharField,
    Check,
    DateField,
    FloatField,
    ForeignKeyField,
    TextField,
    fn,
)

from models import clock
from models.audit import record_change
from models.base import ChoiceField, Record, SoftDeleteRecord, database
from models.choices import AuditAction, Measure, StandardStatus, Unit
from models.listing import ListColumn, Listing
from models.operations import Change, Problems, create, update, validates
from models.people import Member, member_name, owned_by, owner_problems
from models.register import Customer, Department
from models.text import FOLDED
from models.validation import name_problems, required, text_of


class Service(SoftDeleteRecord):
    name = CharField(max_length=200, unique=True)
    category = CharField(max_length=100, default="")
    provider = CharField(max_length=200, default="")  # the providing team
    description = TextField(default="")
    active = BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Standard(SoftDeleteRecord):
    """An agreed quality standard of a service, e.g. "respond within 4 working hours, 95 %".

    Agreed with everyone when neither department nor customer is set; a standard agreed with a
    department or customer overrides the service's general one of the same measure.
    """

    service = ForeignKeyField(Service, backref="standards", on_delete="RESTRICT")
    statement = TextField()
    measure = ChoiceField(Measure)
    target = FloatField()
    unit = ChoiceField(Unit)
    compliance_target = FloatField(
        default=100.0, constraints=[Check("compliance_target BETWEEN 0 AND 100")]
    )
    department = ForeignKeyField(Department, null=True, backref="standards", on_delete="RESTRICT")
    customer = ForeignKeyField(Customer, null=True, backref="standards", on_delete="RESTRICT")
    agreed_on = DateField(null=True)
    review_on = DateField(null=True, index=True)
    status = ChoiceField(StandardStatus, default=StandardStatus.AGREED)
    looked_after_by = ForeignKeyField(Member, null=True, backref="+", on_delete="RESTRICT")

    class Meta:
        constraints = (Check("target >= 0"),)


class Agreement(SoftDeleteRecord):
    """What was agreed with one department or customer, and what happens when it is not met."""

    title = CharField(max_length=200, default="")
    department = ForeignKeyField(Department, null=True, backref="agreements", on_delete="RESTRICT")
    customer = ForeignKeyField(Customer, null=True, backref="agreements", on_delete="RESTRICT")
    procedure = TextField(default="")  # what to do when needs are not met
    signed_off_by = CharField(max_length=200, default="")
    signed_on = DateField(null=True)
    next_review = DateField(null=True)
    notes = TextField(default="")
    looked_after_by = ForeignKeyField(Member, null=True, backref="+", on_delete="RESTRICT")


class AgreementService(Record):
    agreement = ForeignKeyField(Agreement, backref="service_links", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="agreement_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("agreement", "service"), True),)


class AgreementStandard(Record):
    agreement = ForeignKeyField(Agreement, backref="standard_links", on_delete="CASCADE")
    standard = ForeignKeyField(Standard, backref="agreement_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("agreement", "standard"), True),)


REVIEW_WARNING_DAYS = 30


def describe_standard(
    measure: Measure | None, target: Any, unit: Unit | None, compliance: Any
) -> str:
    """A standard in words, e.g. "Respond within 4 working hours, 95 % of the time"."""
    if measure is None or target in (None, "") or unit is None:
        return ""
    amount = f"{float(target):g}"
    unit_words = unit.label[:-1] if amount == "1" and unit.is_time else unit.label  # 1 working day
    share = f", {float(compliance):g} % of the time" if compliance not in (None, "", 100) else ""
    if float(compliance or 100) == 100:
        share = ", every time"
    if measure is Measure.RESPONSE:
        return f"Respond within {amount} {unit_words}{share}"
    if measure is Measure.COMPLETION:
        return f"Complete within {amount} {unit_words}{share}"
    if measure is Measure.ACCURACY:
        return f"{amount} % accuracy{share}"
    if measure is Measure.SATISFACTION:
        target_text = f"{amount} %" if unit is Unit.PERCENT else f"a score of {amount}"
        return f"Satisfaction of at least {target_text}{share}"
    unit_text = "%" if unit is Unit.PERCENT else unit.label
    return f"{amount} {unit_text}{share}"


class ReviewState(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due soon"


def review_state(review_on: date | None, today: date) -> ReviewState | None:
    """Whether a standard's review date has passed, or falls within the next 30 days."""
    if review_on is None:
        return None
    if review_on < today:
        return ReviewState.OVERDUE
    if review_on <= today + timedelta(days=REVIEW_WARNING_DAYS):
        return ReviewState.DUE_SOON
    return None


@validates(Service)
def service_problems(values: Mapping[str, Any], record: Service | None) -> Problems:
    return name_problems(Service, values, record, "service", "the service's name")


_UNITS_FOR = {
    Measure.RESPONSE: (Unit.WORKING_HOURS, Unit.WORKING_DAYS, Unit.CALENDAR_DAYS),
    Measure.COMPLETION: (Unit.WORKING_HOURS, Unit.WORKING_DAYS, Unit.CALENDAR_DAYS),
    Measure.ACCURACY: (Unit.PERCENT,),
    Measure.SATISFACTION: (Unit.PERCENT, Unit.SCORE),
}


@validates(Standard)
def standard_problems(values: Mapping[str, Any], record: Standard | None) -> Problems:
    """SMART: a measure, a number and a unit that fits the measure, and who agreed it."""
    problems: dict[str, str | None] = {}
    if values.get("service") is None:
        problems["service"] = "Choose the service this standard belongs to."
    statement = text_of(values, "statement")
    problems["statement"] = required(statement, "the standard as agreed, in plain words")
    measure, unit = _member(Measure, values.get("measure")), _member(Unit, values.get("unit"))
    target = values.get("target")
    if measure is None:
        problems["measure"] = "Choose what the standard measures."
    if unit is None:
        problems["unit"] = "Choose the unit of the target."
    elif measure in _UNITS_FOR and unit not in _UNITS_FOR[measure]:
        allowed = " or ".join(u.label for u in _UNITS_FOR[measure])
        problems["unit"] = f"A {measure.label.lower()} standard is measured in {allowed}."
    problems["target"] = _target_problem(target, unit)
    problems["compliance_target"] = _percent_problem(values.get("compliance_target"))
    if values.get("department") is not None and values.get("customer") is not None:
        problems["customer"] = "Agree a standard with a department or with one customer, not both."
    agreed, review = values.get("agreed_on"), values.get("review_on")
    if agreed and review and review < agreed:
        problems["review_on"] = "The review date comes before the date it was agreed."
    problems |= owner_problems(values, record, "looked_after_by")
    return {field: message for field, message in problems.items() if message}


def _member(choice: type[Any], value: Any) -> Any:
    """A list word (as a form or file gives it) as its member; None if empty or unknown."""
    try:
        return choice(value) if value else None
    except ValueError:
        return None


def _target_problem(target: Any, unit: Unit | None) -> str | None:
    if target in (None, ""):
        return "Type the target as a number."
    try:
        number = float(target)
    except (TypeError, ValueError):
        return f"'{target}' is not a number."
    if number < 0 or number != number:
        return "The target cannot be negative."
    if unit is Unit.PERCENT and number > 100:
        return "A percentage target is at most 100."
    if unit in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS) and not number.is_integer():
        return f"Count {unit.label} in whole days."
    if unit is not None and unit.is_time and number == 0:
        return "A timescale of nothing cannot be met: give a number above 0."
    return None


def _percent_problem(value: Any) -> str | None:
    if value in (None, ""):
        return "Type what share of requests must meet it (e.g. 95)."
    try:
        number = float(value)
    except (TypeError, ValueError):
        return f"'{value}' is not a number."
    return None if 0 < number <= 100 else "A compliance target is more than 0 and at most 100 %."


@validates(Agreement)
def agreement_problems(values: Mapping[str, Any], record: Agreement | None) -> Problems:
    problems: dict[str, str | None] = {}
    department, customer = values.get("department"), values.get("customer")
    if department is None and customer is None:
        problems["department"] = "Choose the department or the customer it was agreed with."
    elif department is not None and customer is not None:
        problems["customer"] = "An agreement is with a department or with one customer, not both."
    signed, review = values.get("signed_on"), values.get("next_review")
    if signed and review and review < signed:
        problems["next_review"] = "The next review comes before the date it was signed."
    problems |= owner_problems(values, record, "looked_after_by")
    return {field: message for field, message in problems.items() if message}


SERVICE_LISTING = Listing(
    model=Service,
    columns=(
        ListColumn(
            "name", Service.name, searchable=True, sort_expression=Service.name.collate(FOLDED)
        ),
        ListColumn("category", Service.category, searchable=True),
        ListColumn("provider", Service.provider, searchable=True),
        ListColumn("description", Service.description, searchable=True),
        ListColumn(
            "standards",
            Standard.select(fn.COUNT(Standard.id)).where(
                (Standard.service == Service.id) & Standard.deleted_at.is_null()
            ),
        ),
        ListColumn("active", Service.active),
    ),
    filters={
        "category": lambda query, category: query.where(Service.category == category),
        "active": lambda query, active: query.where(Service.active == bool(active)),
    },
    default_sort="name",
)

_AgreedDepartment = Department.alias("agreed_department")

STANDARD_LISTING = Listing(
    model=Standard,
    columns=(
        ListColumn("statement", Standard.statement, searchable=True),
        ListColumn("measure", Standard.measure, searchable=True),
        ListColumn("target", Standard.target),
        ListColumn("unit", Standard.unit),
        ListColumn("compliance_target", Standard.compliance_target),
        ListColumn(
            "agreed_with",
            fn.COALESCE(_AgreedDepartment.name, Customer.name, ""),
            searchable=True,
        ),
        ListColumn("agreed_on", Standard.agreed_on),
        ListColumn("review_on", Standard.review_on),
        ListColumn("status", Standard.status, searchable=True),
        ListColumn("looked_after_by", member_name(Standard.looked_after_by)),
    ),
    joins=lambda query: (
        query.join(
            _AgreedDepartment, JOIN.LEFT_OUTER, on=Standard.department == _AgreedDepartment.id
        )
        .switch(Standard)
        .join(Customer, JOIN.LEFT_OUTER, on=Standard.customer == Customer.id)
    ),
    filters={
        "service": lambda query, service: query.where(Standard.service == service),
        "owner": lambda query, who: query.where(owned_by(Standard.looked_after_by, who)),
    },
    default_sort="statement",
)

_AgreementDepartment = Department.alias("agreement_department")

AGREEMENT_LISTING = Listing(
    model=Agreement,
    columns=(
        ListColumn("title", Agreement.title, searchable=True),
        ListColumn(
            "agreed_with",
            fn.COALESCE(_AgreementDepartment.name, Customer.name, ""),
            searchable=True,
        ),
        ListColumn("signed_off_by", Agreement.signed_off_by, searchable=True),
        ListColumn("signed_on", Agreement.signed_on),
        ListColumn("next_review", Agreement.next_review),
        ListColumn("looked_after_by", member_name(Agreement.looked_after_by)),
    ),
    joins=lambda query: (
        query.join(
            _AgreementDepartment,
            JOIN.LEFT_OUTER,
            on=Agreement.department == _AgreementDepartment.id,
        )
        .switch(Agreement)
        .join(Customer, JOIN.LEFT_OUTER, on=Agreement.customer == Customer.id)
    ),
    filters={
        "owner": lambda query, who: query.where(owned_by(Agreement.looked_after_by, who)),
        "review": lambda query, _: query.where(Agreement.next_review <= clock.today()),
    },
    default_sort="agreed_with",
)


def save_agreement(
    agreement: Agreement | None,
    values: Mapping[str, Any],
) -> tuple[Agreement, list[Change]]:
    """Create or update an agreement together with the services and standards it covers."""
    services = list(values.get("services") or [])
    standards = list(values.get("standards") or [])
    fields = {k: v for k, v in values.items() if k not in ("services", "standards")}
    with database.atomic():
        if agreement is None:
            agreement, change = create(Agreement, **fields)
        else:
            change = update(agreement, **fields)
        _replace_links(AgreementService, agreement, "service", services)
        _replace_links(AgreementStandard, agreement, "standard", standards)
    return agreement, [change, Change("agreement_service", change.action, agreement)]


def _replace_links(model: type[Record], agreement: Agreement, name: str, keys: list[Any]) -> None:
    wanted = {getattr(key, "hex", key) for key in keys}
    current = {
        getattr(link, f"{name}_id").hex: link
        for link in model.select().where(model.agreement == agreement.id)
    }
    for key, link in current.items():
        if key not in wanted:
            link.delete_instance()
            record_change(agreement, AuditAction.UPDATE, {f"{name}s": (key, None)})
    for key in sorted(wanted - set(current)):
        model.create(agreement=agreement.id, **{name: key})
        record_change(agreement, AuditAction.UPDATE, {f"{name}s": (None, key)})


def agreement_links(agreement: Agreement) -> dict[str, list[str]]:
    """The keys of the services and standards an agreement covers, for its form."""
    return {
        "services": [link.service_id.hex for link in agreement.service_links],
        "standards": [link.standard_id.hex for link in agreement.standard_links],
    }


def service_categories() -> list[str]:
    query = (
        Service.live(Service.category)
        .where(Service.category != "")
        .distinct()
        .order_by(Service.category)
    )
    return [category for (category,) in query.tuples()]


def service_choices() -> list[tuple[str, str]]:
    query = Service.live(Service.name, Service.id).order_by(fn.LOWER(Service.name))
    return [(name, key.hex) for name, key in query.tuples()]


def standard_choices() -> list[tuple[str, str]]:
    query = (
        Standard.live(Service.name, Standard.statement, Standard.id)
        .join(Service)
        .order_by(fn.LOWER(Service.name), Standard.statement)
    )
    return [(f"{service} — {statement}", key.hex) for service, statement, key in query.tuples()]
