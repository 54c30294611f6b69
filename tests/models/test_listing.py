"""Listings search, filter, sort and page in SQL, the same way for every table."""

from __future__ import annotations

import pytest

from models.catalogue import SERVICE_LISTING, STANDARD_LISTING, Service
from models.choices import CustomerKind
from models.listing import ListRequest
from models.operations import create, soft_delete
from models.register import CUSTOMER_LISTING, DEPARTMENT_LISTING, Customer, Department


@pytest.fixture
def people(db):
    hr, _ = create(Department, name="Human Resources")
    ict, _ = create(Department, name="ICT")
    rows = [
        ("Zoë Łukasiewicz", CustomerKind.MANAGER, hr, "zoe@example.org"),
        ("Tom Hughes", CustomerKind.COLLEAGUE, ict, "tom.hughes@example.org"),
        ("anna smith", CustomerKind.COLLEAGUE, hr, "anna_smith@example.org"),
        ("100% Print Ltd", CustomerKind.SUPPLIER, None, "orders@print.example"),
    ]
    made = {}
    for name, kind, department, email in rows:
        made[name], _ = create(Customer, name=name, kind=kind, department=department, email=email)
    return made | {"hr": hr, "ict": ict}


def names(request: ListRequest, listing=CUSTOMER_LISTING) -> list[str]:
    return [row[1] for row in listing.page(request, 0, 100)]


def test_rows_come_sorted_by_name_ignoring_case_with_the_id_first(people):
    rows = CUSTOMER_LISTING.page(ListRequest(), 0, 100)
    assert [row[1] for row in rows] == [
        "100% Print Ltd",
        "anna smith",
        "Tom Hughes",
        "Zoë Łukasiewicz",
    ]
    assert rows[2][0] == people["Tom Hughes"].id
    assert rows[2][1:4] == ("Tom Hughes", CustomerKind.COLLEAGUE.value, "ICT")


def test_search_matches_any_visible_text_column_every_word(people):
    assert names(ListRequest(search="HUGHES")) == ["Tom Hughes"]
    assert names(ListRequest(search="human")) == ["anna smith", "Zoë Łukasiewicz"]
    assert names(ListRequest(search="human zoe@")) == ["Zoë Łukasiewicz"]
    assert names(ListRequest(search="Zoë")) == ["Zoë Łukasiewicz"]
    assert CUSTOMER_LISTING.count(ListRequest(search="nobody")) == 0


def test_search_treats_percent_and_underscore_literally(people):
    assert names(ListRequest(search="100%")) == ["100% Print Ltd"]
    assert names(ListRequest(search="anna_")) == ["anna smith"]  # not "any one character"


def test_quick_filters_and_sorting(people):
    request = ListRequest(filters={"department": people["hr"].id}, sort_key="name", descending=True)
    assert names(request) == ["Zoë Łukasiewicz", "anna smith"]
    assert names(ListRequest(filters={"kind": CustomerKind.SUPPLIER})) == ["100% Print Ltd"]
    by_department = ListRequest(sort_key="department")
    assert names(by_department)[0] == "100% Print Ltd"  # no department sorts first


def test_deleted_rows_are_shown_only_when_asked(people):
    soft_delete(people["Tom Hughes"])
    assert "Tom Hughes" not in names(ListRequest())
    assert names(ListRequest(deleted=True)) == ["Tom Hughes"]


def test_pages_cover_every_row_once(people):
    request = ListRequest(sort_key="email")
    pages = [CUSTOMER_LISTING.page(request, offset, 3) for offset in (0, 3)]
    assert [len(page) for page in pages] == [3, 1]
    assert len({row[0] for page in pages for row in page}) == CUSTOMER_LISTING.count(request) == 4


def test_departments_list_their_live_customers(people):
    soft_delete(people["anna smith"])
    rows = {row[1]: row[2] for row in DEPARTMENT_LISTING.page(ListRequest(), 0, 10)}
    assert rows == {"Human Resources": 1, "ICT": 1}


def test_services_and_their_standards_on_the_demo(demo_db):
    services = SERVICE_LISTING.page(ListRequest(search="room bookings"), 0, 10)
    assert [row[1] for row in services] == ["Room bookings"]
    rooms = Service.get(Service.name == "Room bookings")
    request = ListRequest(filters={"service": rooms.id})
    standards = STANDARD_LISTING.page(request, 0, 10)
    assert len(standards) == STANDARD_LISTING.count(request) == services[0][5]
    assert all(isinstance(row[3], float) for row in standards)
