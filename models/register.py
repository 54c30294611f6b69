"""The internal customer register: departments and the customers who depend on the team."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from peewee import JOIN, BooleanField, CharField, ForeignKeyField, TextField, fn

from models.base import ChoiceField, SoftDeleteRecord, database
from models.choices import CustomerKind
from models.errors import KnownError
from models.listing import ListColumn, Listing
from models.operations import Change, Problems, merge_records, validates
from models.text import FOLDED
from models.validation import (
    bad_email,
    bad_phone,
    name_problems,
    required,
    text_of,
)


class Department(SoftDeleteRecord):
    name = CharField(max_length=200, unique=True)
    notes = TextField(default="")

    def __str__(self) -> str:
        return self.name


class Customer(SoftDeleteRecord):
    """A person, team, department, shared service, supplier or manager the team serves."""

    name = CharField(max_length=200, index=True)
    kind = ChoiceField(CustomerKind, default=CustomerKind.COLLEAGUE)
    department = ForeignKeyField(Department, null=True, backref="customers", on_delete="RESTRICT")
    job_title = CharField(max_length=200, default="")
    email = CharField(max_length=254, default="", index=True)
    phone = CharField(max_length=50, default="")
    location = CharField(max_length=200, default="")
    needs = TextField(default="")  # needs and expectations
    notes = TextField(default="")
    active = BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


@validates(Department)
def department_problems(values: Mapping[str, Any], record: Department | None) -> Problems:
    return name_problems(Department, values, record, "department", "the department's name")


@validates(Customer)
def customer_problems(values: Mapping[str, Any], record: Customer | None) -> Problems:
    name = text_of(values, "name")
    problems = {
        "name": required(name, "the customer's name"),
        "kind": None if values.get("kind") else "Choose what kind of customer this is.",
        "email": bad_email(text_of(values, "email")),
        "phone": bad_phone(text_of(values, "phone")),
    }
    return {field: message for field, message in problems.items() if message}


def merge_departments(keep: Department, merge: Department) -> list[Change]:
    """Move everything linked to `merge` onto `keep`, then delete `merge` (softly).

    One transaction: every customer, request, complaint, feedback item, standard and agreement
    that named the merged department names the kept one afterwards.
    """
    if keep.id == merge.id:
        raise KnownError("Choose two different departments to merge.")
    if keep.deleted_at is not None or merge.deleted_at is not None:
        raise KnownError("Restore a deleted department before merging it.")
    with database.atomic():
        return merge_records(keep, merge)


DEPARTMENT_LISTING = Listing(
    model=Department,
    columns=(
        ListColumn(
            "name",
            Department.name,
            searchable=True,
            sort_expression=Department.name.collate(FOLDED),
        ),
        ListColumn(
            "customers",
            Customer.select(fn.COUNT(Customer.id)).where(
                (Customer.department == Department.id) & Customer.deleted_at.is_null()
            ),
        ),
        ListColumn("notes", Department.notes, searchable=True),
    ),
    default_sort="name",
)

CUSTOMER_LISTING = Listing(
    model=Customer,
    columns=(
        ListColumn(
            "name", Customer.name, searchable=True, sort_expression=Customer.name.collate(FOLDED)
        ),
        ListColumn("kind", Customer.kind, searchable=True),
        ListColumn("department", Department.name, searchable=True),
        ListColumn("job_title", Customer.job_title, searchable=True),
        ListColumn("email", Customer.email, searchable=True),
        ListColumn("phone", Customer.phone, searchable=True),
        ListColumn("location", Customer.location, searchable=True),
        ListColumn("active", Customer.active),
    ),
    joins=lambda query: query.join(
        Department, JOIN.LEFT_OUTER, on=Customer.department == Department.id
    ),
    filters={
        "kind": lambda query, kind: query.where(Customer.kind == kind),
        "department": lambda query, department: query.where(Customer.department == department),
        "active": lambda query, active: query.where(Customer.active == bool(active)),
    },
    default_sort="name",
)


def department_choices() -> list[tuple[str, str]]:
    """(name, key) of every live department, for pick lists."""
    query = Department.live(Department.name, Department.id).order_by(fn.LOWER(Department.name))
    return [(name, key.hex) for name, key in query.tuples()]


def customer_choices() -> list[tuple[str, str]]:
    """(name, key) of every live customer, with the email where two share a name."""
    rows = list(
        Customer.live(Customer.name, Customer.email, Customer.id)
        .order_by(fn.LOWER(Customer.name))
        .tuples()
    )
    counts = Counter(name for name, _, _ in rows)
    return [
        (f"{name} <{email}>" if counts[name] > 1 and email else name, key.hex)
        for name, email, key in rows
    ]
