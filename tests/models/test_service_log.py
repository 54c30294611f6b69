"""Requests against the standards that apply to them, on the working calendar."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.catalogue import Service, Standard
from models.choices import CustomerKind, Measure, StandardStatus, Unit
from models.delivery import StandardBook, met
from models.operations import ValidationError, create, soft_delete, update
from models.organisation import seed_bank_holidays
from models.register import Customer, Department
from models.service_log import (
    ServiceRequest,
    recompute_open_dues,
    record_request,
    update_request,
)

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def world():
    seed_bank_holidays([2026, 2027])
    hr, _ = create(Department, name="Human Resources")
    ict, _ = create(Department, name="ICT")
    zoe, _ = create(Customer, name="Zoë", kind=CustomerKind.MANAGER, department=hr)
    tom, _ = create(Customer, name="Tom", kind=CustomerKind.COLLEAGUE, department=ict)
    rooms, _ = create(Service, name="Room bookings")

    def standard(measure, target, unit, **extra):
        record, _ = create(
            Standard,
            service=rooms,
            statement=f"{measure} {target} {unit}",
            measure=measure,
            target=target,
            unit=unit,
            compliance_target=95,
            **extra,
        )
        return record

    general = standard(Measure.RESPONSE, 4, Unit.WORKING_HOURS, agreed_on=date(2025, 1, 1))
    for_hr = standard(Measure.RESPONSE, 2, Unit.WORKING_HOURS, department=hr)
    for_zoe = standard(Measure.RESPONSE, 1, Unit.WORKING_HOURS, customer=zoe)
    completion = standard(Measure.COMPLETION, 2, Unit.WORKING_DAYS)
    return locals()


def applicable(world, department=None, customer=None):
    found = StandardBook.load().applicable(world["rooms"], Measure.RESPONSE, department, customer)
    return found and found.standard


def test_the_most_particular_standard_applies(world):
    assert applicable(world) == world["general"].id.hex
    assert applicable(world, department=world["ict"]) == world["general"].id.hex
    assert applicable(world, department=world["hr"]) == world["for_hr"].id.hex
    assert (
        applicable(world, department=world["hr"], customer=world["zoe"]) == world["for_zoe"].id.hex
    )
    assert (
        applicable(world, department=world["ict"], customer=world["tom"]) == world["general"].id.hex
    )


def test_only_standards_in_force_apply(world):
    update(world["for_hr"], status=StandardStatus.DRAFT)
    assert applicable(world, department=world["hr"]) == world["general"].id.hex
    update(world["for_hr"], status=StandardStatus.UNDER_REVIEW)
    assert applicable(world, department=world["hr"]) == world["for_hr"].id.hex
    soft_delete(world["for_hr"])
    assert applicable(world, department=world["hr"]) == world["general"].id.hex


def test_among_equals_the_latest_agreed_applies(world):
    newer, _ = create(
        Standard,
        service=world["rooms"],
        statement="Respond within 3 hours",
        measure=Measure.RESPONSE,
        target=3,
        unit=Unit.WORKING_HOURS,
        compliance_target=95,
        agreed_on=date(2026, 6, 1),
    )
    assert applicable(world) == newer.id.hex


def test_a_request_is_due_as_design_md_says(world, fixed_clock):
    # Received Mon 23 Nov 15:00; 4 working hours -> Tue 11:00 (DESIGN.md §2).
    request, _ = record_request(
        service=world["rooms"], customer=world["tom"], received_at=datetime(2026, 11, 23, 15, 0)
    )
    assert request.department_id == world["ict"].id  # the customer's department
    assert request.response_standard_id == world["general"].id
    assert request.response_due == datetime(2026, 11, 24, 11, 0)
    assert request.completion_due == datetime(2026, 11, 25, 17, 0)
    # Received Thu 24 Dec 11:00; 2 working days over Christmas -> Wed 30 Dec 17:00.
    fixed_clock.moment = datetime(2027, 1, 4, 9, 0)
    christmas, _ = record_request(service=world["rooms"], received_at=datetime(2026, 12, 24, 11, 0))
    assert christmas.completion_due == datetime(2026, 12, 30, 17, 0)


def test_a_department_and_a_customer_get_their_own_timescales(world):
    hr_request, _ = record_request(
        service=world["rooms"], department=world["hr"], received_at=datetime(2026, 11, 23, 15, 0)
    )
    assert hr_request.response_due == datetime(2026, 11, 23, 17, 0)
    zoe_request, _ = record_request(
        service=world["rooms"], customer=world["zoe"], received_at=datetime(2026, 11, 23, 15, 0)
    )
    assert zoe_request.response_due == datetime(2026, 11, 23, 16, 0)


def test_completing_keeps_the_dues_and_moving_the_request_recomputes_them(world):
    request, _ = record_request(
        service=world["rooms"], customer=world["tom"], received_at=datetime(2026, 11, 23, 15, 0)
    )
    update_request(
        request,
        responded_at=datetime(2026, 11, 24, 10, 0),
        completed_at=datetime(2026, 11, 25, 10, 0),
    )
    assert request.response_due == datetime(2026, 11, 24, 11, 0)
    update_request(request, customer=world["zoe"], department=world["hr"])
    assert request.response_due == datetime(2026, 11, 23, 16, 0)  # Zoë's own hour


def test_changed_standards_move_only_open_requests(world):
    open_request, _ = record_request(
        service=world["rooms"], received_at=datetime(2026, 11, 23, 15, 0)
    )
    done, _ = record_request(service=world["rooms"], received_at=datetime(2026, 11, 23, 15, 0))
    update_request(
        done, responded_at=datetime(2026, 11, 23, 16, 0), completed_at=datetime(2026, 11, 24, 9, 30)
    )
    update(world["general"], target=8)  # changing a standard re-dates the open requests itself
    assert recompute_open_dues() == 0
    assert ServiceRequest.get_by_id(open_request.id).response_due == datetime(2026, 11, 24, 15, 0)
    assert ServiceRequest.get_by_id(done.id).response_due == datetime(2026, 11, 24, 11, 0)
    assert recompute_open_dues() == 0


def test_merged_departments_and_standards_imported_in_bulk_re_date_the_open_requests(world):
    from models.operations import create_many
    from models.register import merge_departments

    request, _ = record_request(
        service=world["rooms"], department=world["ict"], received_at=datetime(2026, 11, 23, 15, 0)
    )
    assert request.response_due == datetime(2026, 11, 24, 11, 0)  # the general 4 hours
    merge_departments(world["hr"], world["ict"])  # ICT's requests are HR's now: HR's 2 hours
    assert ServiceRequest.get_by_id(request.id).response_due == datetime(2026, 11, 23, 17, 0)
    create_many(  # an import: HR's newer 1-hour standard
        Standard,
        [
            {
                "service": world["rooms"].id, "statement": "HR: 1 hour",
                "measure": Measure.RESPONSE, "target": 1, "unit": Unit.WORKING_HOURS,
                "compliance_target": 95, "department": world["hr"].id,
                "status": StandardStatus.AGREED, "agreed_on": date(2026, 1, 1),
            }
        ],
    )  # fmt: skip
    assert ServiceRequest.get_by_id(request.id).response_due == datetime(2026, 11, 23, 16, 0)
    assert recompute_open_dues() == 0  # nothing left to re-date


@pytest.mark.parametrize(
    ("done", "now", "expected"),
    [
        (datetime(2026, 11, 24, 11, 0), datetime(2026, 12, 1), True),  # exactly on time is met
        (datetime(2026, 11, 24, 11, 1), datetime(2026, 12, 1), False),
        (None, datetime(2026, 11, 24, 11, 1), False),  # open and past due: missed
        (None, datetime(2026, 11, 24, 10, 59), None),  # open, not yet due: left out
    ],
)
def test_met_missed_or_not_yet_judged(done, now, expected):
    assert met(done, datetime(2026, 11, 24, 11, 0), now) is expected


def test_no_standard_means_nothing_to_judge():
    assert met(datetime(2026, 11, 24), None, datetime(2026, 12, 1)) is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"received_at": None}, "received_at"),
        ({"received_at": datetime(2062, 11, 23, 15, 0)}, "received_at"),  # a typo for 2026
        ({"responded_at": datetime(2026, 11, 23, 14, 0)}, "responded_at"),
        ({"completed_at": datetime(2026, 11, 22, 9, 0)}, "completed_at"),
        (
            {
                "responded_at": datetime(2026, 11, 24, 9, 0),
                "completed_at": datetime(2026, 11, 23, 16, 0),
            },
            "completed_at",
        ),
        ({"needs_met": True}, "needs_met"),
    ],
)
def test_impossible_requests_are_refused(world, values, field):
    with pytest.raises(ValidationError) as refused:
        record_request(
            service=world["rooms"],
            received_at=datetime(2026, 11, 23, 15, 0)
            if "received_at" not in values
            else values["received_at"],
            **{k: v for k, v in values.items() if k != "received_at"},
        )
    assert field in refused.value.problems
    assert ServiceRequest.select().count() == 0


@pytest.mark.parametrize(
    ("received", "response_due", "completion_due"),
    [
        # Saturday: the clock starts on Monday at 09:00.
        (
            datetime(2026, 11, 21, 10, 0),
            datetime(2026, 11, 23, 13, 0),
            datetime(2026, 11, 25, 17, 0),
        ),
        # Friday evening, after hours: the same.
        (
            datetime(2026, 11, 20, 18, 30),
            datetime(2026, 11, 23, 13, 0),
            datetime(2026, 11, 25, 17, 0),
        ),
        # Early on Monday, before the office opens.
        (
            datetime(2026, 11, 23, 7, 45),
            datetime(2026, 11, 23, 13, 0),
            datetime(2026, 11, 25, 17, 0),
        ),
        # Maundy Thursday afternoon: Good Friday and Easter Monday are bank holidays.
        (datetime(2026, 4, 2, 15, 0), datetime(2026, 4, 7, 11, 0), datetime(2026, 4, 8, 17, 0)),
        # Christmas Eve: Christmas Day and Boxing Day (observed on Monday 28th) are closed.
        (
            datetime(2026, 12, 24, 11, 0),
            datetime(2026, 12, 24, 15, 0),
            datetime(2026, 12, 30, 17, 0),
        ),
        # Exactly at close: the clock starts next morning.
        (
            datetime(2026, 11, 23, 17, 0),
            datetime(2026, 11, 24, 13, 0),
            datetime(2026, 11, 26, 17, 0),
        ),
    ],
)
def test_requests_received_outside_working_time(
    world, fixed_clock, received, response_due, completion_due
):
    fixed_clock.moment = datetime(2027, 1, 31, 12, 0)
    request, _ = record_request(service=world["rooms"], received_at=received)
    assert (request.response_due, request.completion_due) == (response_due, completion_due)


def test_a_response_already_given_keeps_the_due_it_was_judged_against(world):
    from datetime import time

    from models.organisation import update_settings

    request, _ = record_request(service=world["rooms"], received_at=datetime(2026, 11, 23, 15, 0))
    update_request(request, responded_at=datetime(2026, 11, 24, 10, 30))
    update_settings(office_end=time(18, 0))
    fresh = ServiceRequest.get_by_id(request.id)
    assert fresh.response_due == datetime(2026, 11, 24, 11, 0)  # judged: met, and stays met
    assert fresh.completion_due == datetime(2026, 11, 25, 18, 0)  # still open: re-dated


def test_a_completed_request_is_never_overdue(world):
    from models.listing import ListRequest
    from models.service_log import SERVICE_REQUEST_LISTING

    done, _ = record_request(service=world["rooms"], received_at=datetime(2026, 11, 16, 9, 0))
    update_request(done, completed_at=datetime(2026, 11, 17, 9, 0))  # no response recorded
    overdue = SERVICE_REQUEST_LISTING.count(ListRequest(filters={"state": "overdue"}))
    assert overdue == 0
