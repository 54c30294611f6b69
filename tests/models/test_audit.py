"""Reading the audit trail: the listing's order, filters, search and sort, worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.audit import (
    MASKED,
    audit_listing,
    audit_users,
    audited_tables,
    record_name,
    typed_value,
)
from models.catalogue import Service, Standard, save_agreement
from models.choices import CustomerKind, Measure, Unit
from models.complaint_lifecycle import log_complaint
from models.listing import ListRequest
from models.operations import create, restore, soft_delete, update
from models.register import Customer, Department

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def ann(fixed_clock, user) -> Customer:
    """Ten entries over three days (the clock starts at Wed 25/11/2026 10:30):

    25/11 priya creates Finance, HR and Ann Lee (Clerk, in Finance): 1 + 1 + 4 entries;
    26/11 sam makes Ann a Manager in HR: 2 entries;
    27/11 priya deletes Ann, and an hour later restores her: 2 entries.
    """
    finance, _ = create(Department, name="Finance")
    hr, _ = create(Department, name="HR")
    ann, _ = create(
        Customer, name="Ann Lee", kind=CustomerKind.COLLEAGUE, department=finance, job_title="Clerk"
    )
    fixed_clock.advance(days=1)
    user("sam")
    update(ann, job_title="Manager", department=hr.id.hex)  # a form gives the key, as hex
    fixed_clock.advance(days=1)
    user("priya")
    soft_delete(ann)
    fixed_clock.advance(hours=1)
    restore(ann)
    return ann


def newest(**asked: object) -> ListRequest:
    """What the audit log asks for: newest first, with `asked` (filters, search)."""
    return ListRequest(sort_key="at", descending=True, **asked)


def shown(request: ListRequest | None = None) -> list[tuple]:
    """(action, record, field, before, after) of each row, in the order asked for."""
    listing = audit_listing()
    keys = ["action", "record", "field", "old", "new"]
    positions = [listing.column_keys().index(key) + 1 for key in keys]  # after the id
    rows = listing.page(request or listing.default_request(), 0, 100)
    return [tuple(row[p] for p in positions) for row in rows]


def column(key: str, request: ListRequest) -> list:
    listing = audit_listing()
    position = listing.column_keys().index(key) + 1
    return [row[position] for row in listing.page(request, 0, 100)]


def test_newest_first_with_linked_records_named_not_keyed(ann):
    assert shown() == [
        ("restore", "Ann Lee", "", None, None),
        ("delete", "Ann Lee", "", None, None),
        # one save, one second: its entries newest first too
        ("update", "Ann Lee", "department", "Finance", "HR"),  # the stored key, named
        ("update", "Ann Lee", "job_title", "Clerk", "Manager"),
        ("create", "Ann Lee", "job_title", None, "Clerk"),
        ("create", "Ann Lee", "department", None, "Finance"),
        ("create", "Ann Lee", "kind", None, "colleague"),
        ("create", "Ann Lee", "name", None, "Ann Lee"),
        ("create", "HR", "name", None, "HR"),
        ("create", "Finance", "name", None, "Finance"),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"user": "sam"}, [("Ann Lee", "department"), ("Ann Lee", "job_title")]),
        ({"table": "department"}, [("HR", "name"), ("Finance", "name")]),
        ({"action": "delete"}, [("Ann Lee", "")]),
        ({"action": "update", "user": "priya"}, []),
        (
            {"from": date(2026, 11, 26), "to": date(2026, 11, 26)},  # the whole of that day
            [("Ann Lee", "department"), ("Ann Lee", "job_title")],
        ),
        ({"from": date(2026, 11, 27)}, [("Ann Lee", ""), ("Ann Lee", "")]),
        (
            {"to": date(2026, 11, 25), "table": "customer"},
            [("Ann Lee", field) for field in ("job_title", "department", "kind", "name")],
        ),
        ({"user": None, "table": ""}, None),  # an empty choice filters nothing
    ],
)
def test_filters_narrow_the_entries(ann, filters, expected):
    rows = [(record, field) for _, record, field, _, _ in shown(newest(filters=filters))]
    if expected is None:
        assert len(rows) == 10
    else:
        assert rows == expected


def test_one_records_entries(ann):
    request = ListRequest(filters={"record": ann.id.hex})
    assert len(shown(request)) == 8
    assert audit_listing().count(request) == 8


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("manager", [("Ann Lee", "job_title")]),  # a value
        ("HR", [("Ann Lee", "department"), ("HR", "name")]),  # a linked record's name
        ("ann manager", [("Ann Lee", "job_title")]),  # every word, in any column
        ("job_ti", [("Ann Lee", "job_title")] * 2),  # a field; _ is literal, not a wildcard
        ("kitchen", []),
    ],
)
def test_search_looks_in_records_fields_and_values(ann, search, expected):
    rows = [(record, field) for _, record, field, _, _ in shown(newest(search=search))]
    assert rows == expected


def test_search_finds_a_record_by_its_key(ann):
    assert len(shown(newest(search=ann.id.hex[:12]))) == 8


def test_columns_sort_in_sql_and_ties_keep_their_order(ann):
    by_user = ListRequest(sort_key="user")
    assert column("user", by_user) == ["priya"] * 8 + ["sam"] * 2
    by_record = ListRequest(sort_key="record")
    assert column("record", by_record) == ["Ann Lee"] * 8 + ["Finance", "HR"]
    oldest = ListRequest(sort_key="at")
    assert [field for *_, field, _, _ in shown(oldest)][:3] == ["name", "name", "name"]
    assert column("at", oldest)[-1] == datetime(2026, 11, 27, 11, 30)


def test_nothing_is_ever_deleted_from_the_trail(ann):
    assert shown(newest(deleted=True)) == []


def test_a_complaint_made_confidential_later_is_masked_and_not_found(user):
    complaint, _ = log_complaint(
        received_at=datetime(2026, 11, 20, 10, 0), summary="Printer jam", category="technology"
    )
    mine = ListRequest(filters={"record": complaint.id.hex})
    assert ("create", complaint.reference, "summary", None, "Printer jam") in shown(mine)
    update(complaint, confidential=True)
    assert ("create", complaint.reference, "summary", None, MASKED) in shown(mine)
    assert shown(newest(search="printer")) == []
    assert ("create", complaint.reference, "reference", None, complaint.reference) in shown(mine)


def test_a_many_to_many_link_is_named(user):
    service, _ = create(Service, name="Room bookings")
    finance, _ = create(Department, name="Finance")
    agreement, _ = save_agreement(
        None, {"title": "Finance SLA", "department": finance.id.hex, "services": [service.id]}
    )
    rows = shown(newest(filters={"record": agreement.id.hex, "action": "update"}))
    assert rows == [("update", "Finance SLA", "services", None, "Room bookings")]


def test_values_read_back_as_their_fields_hold_them():
    assert typed_value("customer", "kind", "shared service") is CustomerKind.SHARED_SERVICE
    assert typed_value("customer", "active", "False") is False
    assert typed_value("complaint", "received_at", "2026-11-20 10:00:00") == datetime(
        2026, 11, 20, 10
    )
    assert typed_value("standard", "review_on", "2027-03-31") == date(2027, 3, 31)
    assert typed_value("standard", "target", "3.0") == 3.0
    assert typed_value("standard", "unit", Unit.WORKING_HOURS.value) is Unit.WORKING_HOURS
    assert typed_value("customer", "kind", "a retired word") == "a retired word"
    assert typed_value("customer", "department", "Finance") == "Finance"  # already a name
    assert typed_value("complaint", "summary", MASKED) == MASKED
    assert typed_value("agreement", "services", "Room bookings") == "Room bookings"
    assert typed_value("no_such_table", "x", "7") == "7"
    assert typed_value("customer", "phone", None) is None


def test_records_are_named_as_people_call_them(user):
    service, _ = create(Service, name="Room bookings")
    standard, _ = create(
        Standard,
        service=service.id,
        statement="Respond within 4 working hours",
        measure=Measure.RESPONSE,
        target=4,
        unit=Unit.WORKING_HOURS,
        compliance_target=95,
    )
    assert record_name(service) == "Room bookings"
    assert record_name(standard) == "Respond within 4 working hours"


def test_the_filters_choices_come_from_the_trail(ann):
    assert audit_users() == ["priya", "sam"]
    assert audited_tables() == ["customer", "department"]


def test_the_empty_fields_of_a_new_record_can_be_left_out(user):
    ann, _ = create(
        Customer, name="Ann Lee", kind=CustomerKind.COLLEAGUE, email="", department=None
    )
    everything = newest(filters={"record": ann.id.hex})
    assert {field for _, _, field, _, _ in shown(everything)} == {
        "name",
        "kind",
        "email",
        "department",
    }
    informative = newest(filters={"record": ann.id.hex, "informative": True})
    assert {field for _, _, field, _, _ in shown(informative)} == {"name", "kind"}
    update(ann, email="ann@example.org")
    soft_delete(ann)
    assert [field for _, _, field, _, _ in shown(informative)] == ["", "email", "kind", "name"]
