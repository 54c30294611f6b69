"""Settings: the calendar and the procedure change, open items follow, closed ones keep theirs."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from models.catalogue import Service, Standard
from models.choices import ComplaintEventKind, Measure, Unit
from models.complaint_lifecycle import log_complaint, take_step
from models.complaints import Complaint
from models.errors import KnownError
from models.operations import ValidationError, create
from models.organisation import (
    Closure,
    add_closure,
    ensure_bank_holidays_seeded,
    get_settings,
    holiday_countries,
    holiday_subdivisions,
    remove_closure,
    update_settings,
)
from models.service_log import ServiceRequest, record_request, update_request

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def requests():
    ensure_bank_holidays_seeded()
    rooms, _ = create(Service, name="Room bookings")
    create(
        Standard,
        service=rooms,
        statement="Respond within 4 working hours",
        measure=Measure.RESPONSE,
        target=4,
        unit=Unit.WORKING_HOURS,
        compliance_target=95,
    )
    received = datetime(2026, 11, 23, 15, 0)
    still_open, _ = record_request(service=rooms, received_at=received)
    done, _ = record_request(service=rooms, received_at=received)
    update_request(
        done, responded_at=datetime(2026, 11, 24, 9, 30), completed_at=datetime(2026, 11, 24, 10, 0)
    )
    return still_open, done


def test_new_office_hours_move_open_requests_only(requests):
    still_open, done = requests
    assert still_open.response_due == datetime(2026, 11, 24, 11, 0)
    update_settings(office_start=time(8, 0), office_end=time(16, 0))
    # Mon 15:00-16:00 is one hour, then three more from 08:00 on Tuesday.
    assert ServiceRequest.get_by_id(still_open.id).response_due == datetime(2026, 11, 24, 11, 0)
    update_settings(office_start=time(10, 0), office_end=time(16, 0))
    assert ServiceRequest.get_by_id(still_open.id).response_due == datetime(2026, 11, 24, 13, 0)
    assert ServiceRequest.get_by_id(done.id).response_due == datetime(2026, 11, 24, 11, 0)


def test_a_closure_moves_open_items_and_can_be_removed(requests):
    still_open, _ = requests
    closure, _ = add_closure(date(2026, 11, 24), "Staff away day")
    assert ServiceRequest.get_by_id(still_open.id).response_due == datetime(2026, 11, 25, 11, 0)
    with pytest.raises(KnownError, match="already closed"):
        add_closure(date(2026, 11, 24), "Again")
    remove_closure(closure)
    assert ServiceRequest.get_by_id(still_open.id).response_due == datetime(2026, 11, 24, 11, 0)
    again, _ = add_closure(date(2026, 11, 24), "Training day")
    assert again.id == closure.id  # the same day's row, back under its new name
    assert Closure.get_by_id(closure.id).name == "Training day"


def test_a_new_procedure_timescale_moves_open_complaints_only():
    ensure_bank_holidays_seeded()
    open_one, _ = log_complaint(received_at=datetime(2026, 11, 2, 9, 0), summary="Open")
    resolved, _ = log_complaint(received_at=datetime(2026, 11, 2, 9, 0), summary="Resolved")
    take_step(resolved, ComplaintEventKind.ACKNOWLEDGED, at=datetime(2026, 11, 2, 10, 0))
    take_step(
        resolved,
        ComplaintEventKind.RESOLVED,
        at=datetime(2026, 11, 5, 10, 0),
        resolution="Done",
        outcome="upheld",
    )
    assert open_one.resolve_due == datetime(2026, 11, 16, 17, 0)
    update_settings(resolve_within=15)
    assert Complaint.get_by_id(open_one.id).resolve_due == datetime(2026, 11, 23, 17, 0)
    assert Complaint.get_by_id(resolved.id).resolve_due == datetime(2026, 11, 16, 17, 0)


def test_a_new_region_brings_its_own_bank_holidays_and_switching_back_restores_them():
    ensure_bank_holidays_seeded()
    spring = Closure.get(Closure.day == date(2026, 5, 25))
    spring.name = "Spring bank holiday (office party)"  # a user's edit is kept
    spring.save()
    may_day = Closure.get(Closure.day == date(2026, 5, 4))
    may_day.stamp_deleted().save()  # so is a user's removal
    update_settings(holiday_subdivision="SCT")
    live = {c.day for c in Closure.live()}
    assert date(2026, 1, 2) in live  # Scotland's second of January
    assert date(2026, 4, 6) not in live  # no Easter Monday in Scotland
    assert date(2026, 5, 25) in live  # renamed by the user: left alone
    update_settings(holiday_subdivision="ENG")
    live = {c.day for c in Closure.live()}
    assert {date(2026, 4, 6), date(2026, 8, 31)} <= live  # England's days come back
    assert date(2026, 1, 2) not in live
    assert date(2026, 5, 4) not in live  # still removed, as the user wanted
    assert (
        Closure.get(Closure.day == date(2026, 5, 25)).name == "Spring bank holiday (office party)"
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"office_start": time(17), "office_end": time(9)}, "office_end"),
        ({"working_weekdays": ""}, "working_weekdays"),
        ({"resolve_within": 0}, "resolve_within"),
        ({"acknowledge_unit": Unit.PERCENT}, "acknowledge_unit"),
        ({"holiday_country": "XX"}, "holiday_country"),
        ({"holiday_subdivision": "YORKS"}, "holiday_subdivision"),
    ],
)
def test_settings_that_make_no_sense_are_refused(values, field):
    with pytest.raises(ValidationError) as refused:
        update_settings(**values)
    assert field in refused.value.problems
    assert get_settings().office_start == time(9)


def test_countries_and_regions_for_the_settings_form():
    countries = dict(holiday_countries())
    assert countries["United Kingdom"] == "GB"
    assert dict(holiday_subdivisions("GB")) == {
        "England": "ENG",
        "Northern Ireland": "NIR",
        "Scotland": "SCT",
        "Wales": "WLS",
    }
