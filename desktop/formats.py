"""The import and export formats of DESIGN.md §4, one class per KIND.

Customers are matched by email when the value is an email, otherwise by exact name; services
and departments by exact name; members (an owner, who looks after a standard) by name or email
(models.team). An export writes the same columns, so it imports again unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from peewee import fn

from desktop import cells
from desktop.importing import Column, ImportKind, OncePerFile, RowProblem, check_new_name
from models import clock
from models.base import SoftDeleteRecord
from models.catalogue import Service, Standard
from models.choices import CustomerKind, Measure, MemberRole, StandardStatus, Unit
from models.operations import create_many
from models.register import Customer, Department
from models.team import Member, TeamIndex
from models.words import quoted

_CHUNK = 500


class Directory:
    """The names and emails rows refer to, loaded once per file (and new departments)."""

    def __init__(self) -> None:
        self.departments = {
            name: id_ for id_, name in Department.live(Department.id, Department.name).tuples()
        }
        self.services = {name: id_ for id_, name in Service.live(Service.id, Service.name).tuples()}
        self.by_email: dict[str, Any] = {}
        self.by_name: dict[str, list[Any]] = {}
        self.without_email: set[str] = set()  # names of customers known by name alone
        self.customer_departments: dict[str, Any] = {}
        for id_, name, email, department in Customer.live(
            Customer.id, Customer.name, Customer.email, Customer.department
        ).tuples():
            self.customer_departments[id_.hex] = department
            if email:
                self.by_email[email.lower()] = id_
            else:
                self.without_email.add(name)
            self.by_name.setdefault(name, []).append(id_)
        self.new_departments: dict[str, Any] = {}
        self.team: TeamIndex | None = None  # read when a row first names a member

    def department(self, name: str, column: str, *, create: bool = False) -> Any:
        if name in self.departments:
            return self.departments[name]
        if create:
            if name not in self.new_departments:
                check_new_name(Department, name, column, "department")
                self.new_departments[name] = Department(name=name).id
            return self.new_departments[name]
        raise RowProblem(column, f"there is no department called {quoted(name)}.")

    def service(self, name: str, column: str) -> Any:
        if name in self.services:
            return self.services[name]
        raise RowProblem(column, f"there is no service called {quoted(name)}.")

    def optional_service(self, name: str | None) -> Any:
        """The service a row names in its (optional) service column, or None."""
        return self.service(name, "service") if name else None

    def customer(self, text: str, column: str) -> Any:
        if "@" in text:
            found = self.by_email.get(text.lower())
            if found is None:
                raise RowProblem(column, f"no customer has the email address {quoted(text)}.")
            return found
        matches = self.by_name.get(text, [])
        if not matches:
            raise RowProblem(column, f"there is no customer called {quoted(text)}.")
        if len(matches) > 1:
            raise RowProblem(
                column, f"{len(matches)} customers are called {quoted(text)}: give their email."
            )
        return matches[0]

    def member(self, text: str, column: str) -> Any:
        """The member a row names (an owner): by name or email. One who has left the team is
        found, for the record's own rule to refuse by name."""
        if self.team is None:
            self.team = TeamIndex()
        found = self.team.find(text)
        if found is not None:
            return found.id
        shared = self.team.sharing(text)
        if shared > 1:
            raise RowProblem(
                column, f"{shared} members of the team have the email {quoted(text)}: give a name."
            )
        raise RowProblem(column, f"no member of the team has the name or email {quoted(text)}.")

    def create_new_departments(self) -> None:
        create_many(
            Department, [{"id": id_, "name": name} for name, id_ in self.new_departments.items()]
        )


def records_in_order(
    model: type[SoftDeleteRecord], ids: Sequence[Any] | None, order: Sequence[Any]
) -> Iterator[Any]:
    """The records with `ids` in that order (all live ones in `order` when None), in chunks."""
    if ids is None:
        yield from model.live().order_by(*order).iterator()
        return
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        found = {record.id: record for record in model.select().where(model.id.in_(chunk))}
        yield from (found[id_] for id_ in chunk if id_ in found)


def _names(model: type[SoftDeleteRecord]) -> dict[Any, str]:
    return dict(model.select(model.id, model.name).tuples())


def member_names() -> dict[Any, str]:
    """How an export names a member (an owner): by name, which is theirs alone."""
    return _names(Member)


def customer_reference(
    customer_id: Any, emails: Mapping[Any, str], names: Mapping[Any, str]
) -> str:
    """How an export names a customer: the email if there is one, else the name."""
    if customer_id is None:
        return ""
    return emails.get(customer_id) or names.get(customer_id, "")


class CustomersFormat(ImportKind):
    name = "customers"
    model = Customer
    tables = frozenset({"customer", "department"})
    columns = (
        Column("name", required=True),
        Column("kind", read=lambda value: cells.read_choice(value, CustomerKind)),
        Column("department"),
        Column("job_title"),
        Column("email"),
        Column("phone"),
        Column("location"),
        Column("needs"),
        Column("notes"),
    )

    def start(self) -> None:
        self.directory = Directory()
        self.in_file = OncePerFile()

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        email = row["email"] or ""
        if not email:  # known by name alone: the name must not be taken the same way
            if row["name"] in self.directory.without_email:
                raise RowProblem("name", f"{quoted(row['name'])} is already in the register.")
            self.in_file.claim("name", row["name"], key=row["name"])  # names match exactly
        if email:
            key = email.lower()
            if key in self.directory.by_email:
                raise RowProblem(
                    "email",
                    f"a customer with the email {quoted(email)} is already in the register.",
                )
            self.in_file.claim("email", email)
        department = row["department"]
        return {
            "name": row["name"],
            "kind": row["kind"] or CustomerKind.COLLEAGUE,
            "department": self.directory.department(department, "department", create=True)
            if department
            else None,
            "job_title": row["job_title"] or "",
            "email": email,
            "phone": row["phone"] or "",
            "location": row["location"] or "",
            "needs": row["needs"] or "",
            "notes": row["notes"] or "",
        }

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        self.directory.create_new_departments()
        return len(create_many(Customer, records))

    def export_rows(self, ids: Sequence[Any] | None) -> Iterable[list[Any]]:
        departments = _names(Department)
        for customer in records_in_order(Customer, ids, (fn.LOWER(Customer.name),)):
            yield [
                customer.name,
                customer.kind.value,
                departments.get(customer.department_id, ""),
                customer.job_title,
                customer.email,
                customer.phone,
                customer.location,
                customer.needs,
                customer.notes,
            ]


class ServicesFormat(ImportKind):
    name = "services"
    model = Service
    tables = frozenset({"service"})
    columns = (
        Column("name", required=True),
        Column("category"),
        Column("provider"),
        Column("description"),
    )

    def start(self) -> None:
        self.in_file = OncePerFile()

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        self.in_file.claim("name", row["name"])
        return {
            "name": row["name"],
            "category": row["category"] or "",
            "provider": row["provider"] or "",
            "description": row["description"] or "",
        }

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        return len(create_many(Service, records))

    def export_rows(self, ids: Sequence[Any] | None) -> Iterable[list[Any]]:
        for service in records_in_order(Service, ids, (fn.LOWER(Service.name),)):
            yield [service.name, service.category, service.provider, service.description]


class StandardsFormat(ImportKind):
    name = "standards"
    model = Standard
    tables = frozenset({"standard"})
    columns = (
        Column("service", required=True),
        Column("statement", required=True),
        Column("measure", required=True, read=lambda value: cells.read_choice(value, Measure)),
        Column("target", required=True, read=cells.read_number, decimal=True),
        Column("unit", required=True, read=lambda value: cells.read_choice(value, Unit)),
        Column("compliance_target", read=cells.read_number, decimal=True),
        Column("agreed_with", field="department"),
        Column("agreed_on", read=cells.read_date),
        Column("review_on", read=cells.read_date),
        Column("looked_after_by"),
    )

    def start(self) -> None:
        self.directory = Directory()

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        department = customer = None
        agreed_with = row["agreed_with"]
        if agreed_with:  # a department, or else one customer (as an export writes it)
            if agreed_with in self.directory.departments:
                department = self.directory.departments[agreed_with]
            else:
                try:
                    customer = self.directory.customer(agreed_with, "agreed_with")
                except RowProblem:
                    raise RowProblem(
                        "agreed_with",
                        f"there is no department or customer called {quoted(agreed_with)}.",
                    ) from None
        compliance = row["compliance_target"]
        return {
            "service": self.directory.service(row["service"], "service"),
            "statement": row["statement"],
            "measure": row["measure"],
            "target": row["target"],
            "unit": row["unit"],
            "compliance_target": 100.0 if compliance is None else compliance,
            "department": department,
            "customer": customer,
            "agreed_on": row["agreed_on"],
            "review_on": row["review_on"],
            "status": StandardStatus.AGREED,
            "looked_after_by": self.directory.member(row["looked_after_by"], "looked_after_by")
            if row["looked_after_by"]
            else None,
        }

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        return len(create_many(Standard, records))

    def export_rows(self, ids: Sequence[Any] | None) -> Iterable[list[Any]]:
        services, departments = _names(Service), _names(Department)
        emails = dict(Customer.select(Customer.id, Customer.email).tuples())
        names, members = _names(Customer), member_names()
        rows = []
        for standard in records_in_order(Standard, ids, (Standard.statement,)):
            agreed_with = departments.get(standard.department_id) or customer_reference(
                standard.customer_id, emails, names
            )
            rows.append(
                [
                    services.get(standard.service_id, ""),
                    standard.statement,
                    standard.measure.value,
                    standard.target,
                    standard.unit.value,
                    standard.compliance_target,
                    agreed_with,
                    standard.agreed_on,
                    standard.review_on,
                    members.get(standard.looked_after_by_id, ""),
                ]
            )
        if ids is None:  # by name, so that the same catalogue exports the same file anywhere
            rows.sort(key=lambda row: (row[0].lower(), row[1], row[6], str(row[7])))
        return rows


class MembersFormat(ImportKind):
    """The team, set up from a list: a member marked not active comes in retired."""

    name = "members"
    model = Member
    tables = frozenset({"member"})

    @property
    def noun(self) -> str:
        return "team members"

    columns = (
        Column("name", required=True),
        Column("email"),
        Column("role", read=lambda value: cells.read_choice(value, MemberRole)),
        Column("active", read=cells.read_yes_no),
    )

    def start(self) -> None:
        self.in_file = OncePerFile()

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        self.in_file.claim("name", row["name"])
        return {
            "name": row["name"],
            "email": row["email"] or "",
            "role": row["role"] or MemberRole.TEAM_MEMBER,
            "deleted_at": clock.now() if row["active"] is False else None,  # retired
        }

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        return len(create_many(Member, records))

    def export_rows(self, ids: Sequence[Any] | None) -> Iterable[list[Any]]:
        """Every member, retired ones too (as not active), so the list imports again whole."""
        query = Member.select().order_by(fn.LOWER(Member.name))
        if ids is not None:
            query = query.where(Member.id.in_(list(ids)))
        for member in query.iterator():
            active = cells.write_yes_no(member.deleted_at is None)
            yield [member.name, member.email, member.role.value, active]
