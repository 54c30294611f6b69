"""The working calendar: every expected moment below was worked out by hand from a real calendar.

Landmarks: Mon 23 Nov 2026; Thu 24 Dec 2026 (Fri 25 Christmas, Sat 26 Boxing Day, Mon 28 Boxing
Day observed, Fri 1 Jan 2027 New Year); Easter 2026 is Good Friday 3 Apr and Easter Monday 6 Apr;
Christmas 2027 falls on a Saturday (Mon 27 and Tue 28 Dec observed). UK clocks change on Sun
29 Mar 2026 and Sun 25 Oct 2026.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache

import pytest

from models.calendar import (
    CALENDAR_DAYS,
    END_OF_DAY,
    MAX_CLOSED_RUN,
    TIME_UNITS,
    WORKING_DAYS,
    WORKING_HOURS,
    WorkingCalendar,
    bank_holidays,
)

STANDARD = WorkingCalendar()


@cache
def england() -> WorkingCalendar:
    """Monday to Friday, 09:00-17:00, closed on the English bank holidays of 2026 and 2027."""
    return WorkingCalendar(closures=frozenset(bank_holidays("GB", "ENG", [2026, 2027])))


def calendar(name: str) -> WorkingCalendar:
    return STANDARD if name == "standard" else england()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- the interface -------------------------------------------------------------------------


def test_units_and_defaults() -> None:
    assert TIME_UNITS == ("working_hours", "working_days", "calendar_days")
    assert (WORKING_HOURS, WORKING_DAYS, CALENDAR_DAYS) == TIME_UNITS
    assert STANDARD.office_start == time(9)
    assert STANDARD.office_end == time(17)
    assert STANDARD.working_weekdays == frozenset({0, 1, 2, 3, 4})
    assert STANDARD.closures == frozenset()
    assert END_OF_DAY.isoformat() == "23:59:59"


def test_calendar_is_frozen_comparable_and_hashable() -> None:
    same = WorkingCalendar(working_weekdays={4, 3, 2, 1, 0}, closures={date(2026, 12, 25)})
    other = WorkingCalendar(closures=frozenset({date(2026, 12, 25)}))
    assert same == other
    assert hash(same) == hash(other)
    assert isinstance(same.working_weekdays, frozenset)
    with pytest.raises(AttributeError):
        same.office_start = time(8)  # type: ignore[misc]


def test_datetime_closures_are_taken_as_their_day() -> None:
    shut = WorkingCalendar(closures={datetime(2026, 11, 23, 0, 0)})
    assert shut.closures == frozenset({date(2026, 11, 23)})
    assert not shut.is_working_day(date(2026, 11, 23))


# --- working days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "day", "expected"),
    [
        ("standard", date(2026, 11, 23), True),  # Monday
        ("standard", date(2026, 11, 27), True),  # Friday
        ("standard", date(2026, 11, 28), False),  # Saturday
        ("standard", date(2026, 11, 29), False),  # Sunday
        ("standard", date(2026, 12, 25), True),  # no closures on the bare calendar
        ("england", date(2026, 12, 24), True),
        ("england", date(2026, 12, 25), False),
        ("england", date(2026, 12, 28), False),  # Boxing Day observed
        ("england", date(2026, 12, 29), True),
        ("england", date(2026, 4, 3), False),  # Good Friday
        ("england", date(2026, 4, 6), False),  # Easter Monday
        ("england", date(2026, 11, 30), True),  # St Andrew's Day is Scotland's, not England's
        ("england", date(2027, 12, 27), False),
        ("england", date(2027, 12, 28), False),
        ("england", date(2027, 12, 29), True),
    ],
)
def test_is_working_day(name: str, day: date, expected: bool) -> None:
    assert calendar(name).is_working_day(day) is expected


def test_is_working_day_accepts_a_datetime() -> None:
    assert not england().is_working_day(datetime(2026, 12, 25, 10, 0))
    assert england().is_working_day(datetime(2026, 12, 24, 10, 0))


@pytest.mark.parametrize(
    ("name", "first", "last", "expected"),
    [
        ("standard", date(2026, 11, 1), date(2026, 11, 30), 21),  # Sun 1 .. Mon 30 Nov
        ("standard", date(2026, 11, 23), date(2026, 11, 23), 1),
        ("standard", date(2026, 11, 28), date(2026, 11, 29), 0),  # a weekend
        ("standard", date(2026, 11, 30), date(2026, 11, 23), 0),  # backwards
        ("standard", date(2026, 12, 1), date(2026, 12, 31), 23),
        ("england", date(2026, 12, 1), date(2026, 12, 31), 21),  # less 25 and 28 Dec
        ("england", date(2026, 12, 24), date(2027, 1, 4), 5),  # 24, 29, 30, 31 Dec, 4 Jan
        ("standard", date(2026, 1, 1), date(2026, 12, 31), 261),  # starts on a Thursday
        ("england", date(2026, 1, 1), date(2026, 12, 31), 253),  # 8 bank holidays, all weekdays
        ("england", date(2026, 12, 25), date(2026, 12, 28), 0),
    ],
)
def test_working_days_in(name: str, first: date, last: date, expected: int) -> None:
    assert calendar(name).working_days_in(first, last) == expected


def test_working_days_in_agrees_with_is_working_day_every_day_of_two_years() -> None:
    cal = WorkingCalendar(
        working_weekdays=frozenset({0, 2, 3, 5}),
        closures=england().closures | {date(2027, 6, 12)},  # a Saturday, counted as closed
    )
    first = date(2026, 1, 1)
    days = [first + timedelta(days=offset) for offset in range(730)]
    for start_index in (0, 3, 100, 359):
        for end_index in (start_index, start_index + 6, start_index + 200, 729):
            expected = sum(cal.is_working_day(day) for day in days[start_index : end_index + 1])
            assert cal.working_days_in(days[start_index], days[end_index]) == expected


# --- the next working moment ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "moment", "expected"),
    [
        ("standard", "2026-11-23 09:00", "2026-11-23 09:00"),  # exactly 09:00: starts at once
        ("standard", "2026-11-23 12:34:56", "2026-11-23 12:34:56"),
        ("standard", "2026-11-23 16:59:59", "2026-11-23 16:59:59"),
        ("standard", "2026-11-23 17:00", "2026-11-24 09:00"),  # exactly 17:00: next morning
        ("standard", "2026-11-23 08:59", "2026-11-23 09:00"),
        ("standard", "2026-11-23 00:00", "2026-11-23 09:00"),
        ("standard", "2026-11-23 22:15", "2026-11-24 09:00"),
        ("standard", "2026-11-27 17:30", "2026-11-30 09:00"),  # Friday evening
        ("standard", "2026-11-28 11:00", "2026-11-30 09:00"),  # Saturday
        ("standard", "2026-11-29 23:59", "2026-11-30 09:00"),  # Sunday night
        ("england", "2026-12-24 17:00", "2026-12-29 09:00"),
        ("england", "2026-12-25 10:00", "2026-12-29 09:00"),  # on Christmas Day
        ("england", "2026-04-02 18:00", "2026-04-07 09:00"),  # Easter weekend
        ("england", "2026-12-31 17:00", "2027-01-04 09:00"),  # New Year
    ],
)
def test_next_working_moment(name: str, moment: str, expected: str) -> None:
    assert calendar(name).next_working_moment(at(moment)) == at(expected)


# --- working hours -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "received", "hours", "expected"),
    [
        # the design's examples
        ("standard", "2026-11-23 15:00", 4, "2026-11-24 11:00"),
        ("standard", "2026-11-23 13:00", 4, "2026-11-23 17:00"),  # ends exactly at close
        # at the edges of the day
        ("standard", "2026-11-23 09:00", 4, "2026-11-23 13:00"),
        ("standard", "2026-11-23 17:00", 4, "2026-11-24 13:00"),
        ("standard", "2026-11-23 09:00", 8, "2026-11-23 17:00"),
        ("standard", "2026-11-23 16:00", 1, "2026-11-23 17:00"),
        # after hours
        ("standard", "2026-11-23 20:30", 2, "2026-11-24 11:00"),
        ("standard", "2026-11-24 07:45", 2, "2026-11-24 11:00"),
        ("standard", "2026-11-28 10:00", 3, "2026-11-30 12:00"),  # Saturday
        ("standard", "2026-11-29 23:00", 3, "2026-11-30 12:00"),  # Sunday night
        ("standard", "2026-11-27 16:00", 2, "2026-11-30 10:00"),  # over the weekend
        # several days
        ("standard", "2026-11-23 10:00", 20, "2026-11-25 14:00"),  # 7 + 8 + 5
        ("standard", "2026-11-23 09:00", 40, "2026-11-27 17:00"),  # a whole working week
        ("standard", "2026-11-26 11:00", 22, "2026-11-30 17:00"),  # 6 + 8 + 8 over a weekend
        # fractions
        ("standard", "2026-11-23 10:00", 0.5, "2026-11-23 10:30"),
        ("standard", "2026-11-23 16:45", 0.5, "2026-11-24 09:15"),
        ("standard", "2026-11-23 16:00", 1.25, "2026-11-24 09:15"),
        ("standard", "2026-11-23 09:00", 0.1, "2026-11-23 09:06"),
        ("standard", "2026-11-23 09:00", Decimal("2.5"), "2026-11-23 11:30"),
        # nothing at all: the clock has still to start
        ("standard", "2026-11-23 10:00", 0, "2026-11-23 10:00"),
        ("standard", "2026-11-28 10:00", 0, "2026-11-30 09:00"),
        # bank holidays
        ("standard", "2026-04-02 15:00", 4, "2026-04-03 11:00"),  # Good Friday not a closure
        ("england", "2026-04-02 15:00", 4, "2026-04-07 11:00"),  # Good Friday to Easter Monday
        ("england", "2026-04-03 10:00", 2, "2026-04-07 11:00"),  # received on Good Friday
        ("england", "2026-12-24 16:00", 3, "2026-12-29 11:00"),  # Christmas, Boxing Day obs.
        ("england", "2026-12-25 10:00", 2, "2026-12-29 11:00"),  # received on Christmas Day
        ("england", "2026-12-31 16:00", 2, "2027-01-04 10:00"),  # New Year's Day
        ("england", "2027-12-24 16:00", 3, "2027-12-29 11:00"),  # 27 and 28 Dec observed
        # the clocks change: wall-clock hours, nothing special
        ("standard", "2026-03-27 16:00", 2, "2026-03-30 10:00"),
        ("standard", "2026-10-23 16:00", 2, "2026-10-26 10:00"),
    ],
)
def test_working_hours(name: str, received: str, hours: float, expected: str) -> None:
    cal = calendar(name)
    assert cal.due(at(received), hours, WORKING_HOURS) == at(expected)
    assert cal.add_working_hours(at(received), hours) == at(expected)


def test_add_working_seconds() -> None:
    assert STANDARD.add_working_seconds(at("2026-11-23 16:59"), 90) == at("2026-11-24 09:00:30")
    assert STANDARD.add_working_seconds(at("2026-11-23 09:00"), 28_800) == at("2026-11-23 17:00")
    assert STANDARD.add_working_seconds(at("2026-11-23 09:00"), 0.25) == at(
        "2026-11-23 09:00:00.250000"
    )


# --- working days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "received", "days", "expected"),
    [
        # the design's examples
        ("england", "2026-12-24 11:00", 2, "2026-12-30 17:00"),
        ("standard", "2026-11-28 10:00", 2, "2026-12-02 17:00"),  # Saturday: starts Monday
        # ordinary weeks
        ("standard", "2026-11-23 10:00", 2, "2026-11-25 17:00"),
        ("standard", "2026-11-23 09:00", 1, "2026-11-24 17:00"),
        ("standard", "2026-11-23 08:00", 2, "2026-11-25 17:00"),  # early: starts that day
        ("standard", "2026-11-23 17:00", 2, "2026-11-26 17:00"),  # at close: starts Tuesday
        ("standard", "2026-11-23 21:00", 2, "2026-11-26 17:00"),
        ("standard", "2026-11-27 12:00", 1, "2026-11-30 17:00"),  # over the weekend
        ("standard", "2026-11-23 10:00", 10, "2026-12-07 17:00"),
        # zero: close of the day the clock starts
        ("standard", "2026-11-23 09:00", 0, "2026-11-23 17:00"),
        ("standard", "2026-11-23 16:59", 0, "2026-11-23 17:00"),
        ("standard", "2026-11-23 18:00", 0, "2026-11-24 17:00"),
        ("standard", "2026-11-28 10:00", 0, "2026-11-30 17:00"),
        ("england", "2026-12-24 17:00", 0, "2026-12-29 17:00"),
        # a float that is a whole number is a whole number
        ("standard", "2026-11-23 10:00", 2.0, "2026-11-25 17:00"),
        # bank holidays
        ("standard", "2026-12-24 11:00", 2, "2026-12-28 17:00"),  # bare calendar: Fri, Mon
        ("england", "2026-04-02 10:00", 1, "2026-04-07 17:00"),
        ("england", "2026-04-02 10:00", 2, "2026-04-08 17:00"),
        ("england", "2026-04-03 10:00", 1, "2026-04-08 17:00"),  # on Good Friday: starts Tue
        ("england", "2026-12-21 10:00", 5, "2026-12-30 17:00"),  # 22, 23, 24, 29, 30
        ("england", "2026-12-24 11:00", 5, "2027-01-05 17:00"),  # 29, 30, 31, 4, 5
        ("england", "2027-12-23 10:00", 2, "2027-12-29 17:00"),  # 24, then 29 Dec
    ],
)
def test_working_days(name: str, received: str, days: int, expected: str) -> None:
    cal = calendar(name)
    assert cal.due(at(received), days, WORKING_DAYS) == at(expected)
    assert cal.add_working_days(at(received), days) == at(expected)


# --- calendar days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "expected"),
    [
        ("2026-11-23 15:00", 10, "2026-12-03 23:59:59"),
        ("2026-11-23 00:00", 1, "2026-11-24 23:59:59"),
        ("2026-11-23 23:59:59", 1, "2026-11-24 23:59:59"),
        ("2026-11-28 22:00", 0, "2026-11-28 23:59:59"),  # a Saturday: no shift to Monday
        ("2026-12-24 11:00", 2, "2026-12-26 23:59:59"),  # bank holidays make no difference
        ("2026-12-25 10:00", 7, "2027-01-01 23:59:59"),
        ("2026-03-27 10:00", 3, "2026-03-30 23:59:59"),  # over the spring clock change
        ("2026-03-29 01:30", 1, "2026-03-30 23:59:59"),  # received in the lost hour
        ("2026-10-24 10:00", 2, "2026-10-26 23:59:59"),  # over the autumn clock change
        ("2026-10-25 01:30", 0, "2026-10-25 23:59:59"),  # received in the repeated hour
        ("2026-02-20 09:00", 10, "2026-03-02 23:59:59"),  # 2026 is not a leap year
    ],
)
def test_calendar_days(received: str, days: int, expected: str) -> None:
    for cal in (STANDARD, england()):
        assert cal.due(at(received), days, CALENDAR_DAYS) == at(expected)
        assert cal.add_calendar_days(at(received), days) == at(expected)


# --- organisation closures and other calendars --------------------------------------------


def test_organisation_closures_add_to_bank_holidays() -> None:
    shutdown = {date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)}
    cal = WorkingCalendar(closures=england().closures | shutdown)
    assert not cal.is_working_day(date(2026, 12, 30))
    # Thu 24 Dec; closed 25 Dec to 3 Jan; Mon 4 Jan is the first, Tue 5 Jan the second day.
    assert cal.due(at("2026-12-24 11:00"), 2, WORKING_DAYS) == at("2027-01-05 17:00")
    assert cal.due(at("2026-12-24 16:00"), 4, WORKING_HOURS) == at("2027-01-04 12:00")
    assert cal.due(at("2026-12-29 10:00"), 1, WORKING_HOURS) == at("2027-01-04 10:00")
    assert cal.next_working_moment(at("2026-12-24 17:00")) == at("2027-01-04 09:00")
    assert cal.working_days_in(date(2026, 12, 1), date(2026, 12, 31)) == 18


@pytest.mark.parametrize(
    ("received", "unit", "amount", "expected"),
    [
        ("2026-11-23 15:00", WORKING_HOURS, 4, "2026-11-24 11:00"),  # 1.5 h, then 2.5 h
        ("2026-11-23 08:00", WORKING_HOURS, 8, "2026-11-23 16:30"),  # ends exactly at close
        ("2026-11-23 08:30", WORKING_HOURS, 1, "2026-11-23 09:30"),  # exactly at opening
        ("2026-11-23 08:45", WORKING_HOURS, 1, "2026-11-23 09:45"),  # open before nine
        ("2026-11-23 16:30", WORKING_HOURS, 1, "2026-11-24 09:30"),  # exactly at close
        ("2026-11-23 16:45", WORKING_HOURS, 1, "2026-11-24 09:30"),  # after close
        ("2026-11-23 10:00", WORKING_DAYS, 1, "2026-11-24 16:30"),
        ("2026-11-23 16:40", WORKING_DAYS, 0, "2026-11-24 16:30"),
    ],
)
def test_custom_office_hours(received: str, unit: str, amount: float, expected: str) -> None:
    cal = WorkingCalendar(office_start=time(8, 30), office_end=time(16, 30))
    assert cal.due(at(received), amount, unit) == at(expected)


def test_custom_office_hours_working_seconds() -> None:
    cal = WorkingCalendar(office_start=time(8, 30), office_end=time(16, 30))
    assert cal.working_seconds_between(at("2026-11-23 08:00"), at("2026-11-24 09:00")) == (
        8 * 3600 + 30 * 60
    )


@pytest.mark.parametrize(
    ("received", "unit", "amount", "expected"),
    [
        ("2026-11-26 15:00", WORKING_HOURS, 4, "2026-11-30 11:00"),  # Thu 2 h, Mon 2 h
        ("2026-11-26 10:00", WORKING_DAYS, 1, "2026-11-30 17:00"),
        ("2026-11-27 10:00", WORKING_HOURS, 1, "2026-11-30 10:00"),  # Friday is not working
        ("2026-11-27 10:00", WORKING_DAYS, 0, "2026-11-30 17:00"),
        ("2026-11-27 10:00", CALENDAR_DAYS, 1, "2026-11-28 23:59:59"),
    ],
)
def test_monday_to_thursday(received: str, unit: str, amount: float, expected: str) -> None:
    cal = WorkingCalendar(working_weekdays=frozenset({0, 1, 2, 3}))
    assert not cal.is_working_day(date(2026, 11, 27))
    assert cal.due(at(received), amount, unit) == at(expected)


def test_monday_to_thursday_counts() -> None:
    cal = WorkingCalendar(working_weekdays=frozenset({0, 1, 2, 3}))
    assert cal.working_days_in(date(2026, 11, 1), date(2026, 11, 30)) == 17
    assert cal.working_seconds_between(at("2026-11-26 16:00"), at("2026-11-30 10:00")) == 7200


def test_weekend_working_calendar() -> None:
    cal = WorkingCalendar(working_weekdays=frozenset({5, 6}))  # a weekend-only service
    assert cal.next_working_moment(at("2026-11-23 10:00")) == at("2026-11-28 09:00")
    assert cal.due(at("2026-11-29 15:00"), 4, WORKING_HOURS) == at("2026-12-05 11:00")


# --- working time between two moments -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start", "end", "hours"),
    [
        ("standard", "2026-11-23 10:00", "2026-11-23 12:30", 2.5),
        ("standard", "2026-11-23 16:00", "2026-11-24 10:00", 2),
        ("standard", "2026-11-23 18:00", "2026-11-24 08:00", 0),  # overnight
        ("standard", "2026-11-23 07:00", "2026-11-23 19:00", 8),
        ("standard", "2026-11-27 16:00", "2026-11-30 10:00", 2),  # over a weekend
        ("standard", "2026-11-28 00:00", "2026-11-30 00:00", 0),  # the weekend itself
        ("standard", "2026-11-23 00:00", "2026-11-30 00:00", 40),
        ("standard", "2026-11-23 09:00", "2026-11-23 17:00", 8),
        ("standard", "2026-11-23 17:00", "2026-11-23 17:00", 0),
        ("standard", "2026-11-24 10:00", "2026-11-23 10:00", 0),  # backwards
        ("standard", "2026-03-27 16:00", "2026-03-30 10:00", 2),  # over the clock change
        ("england", "2026-12-24 09:00", "2026-12-31 09:00", 24),  # 24, 29, 30 Dec
        ("england", "2026-12-24 15:00", "2027-01-04 10:00", 2 + 8 + 8 + 8 + 1),
        ("england", "2026-04-02 00:00", "2026-04-08 00:00", 16),  # Thu 2 and Tue 7 Apr
        ("england", "2026-01-01 00:00", "2027-01-01 00:00", 253 * 8),
    ],
)
def test_working_seconds_between(name: str, start: str, end: str, hours: float) -> None:
    assert calendar(name).working_seconds_between(at(start), at(end)) == hours * 3600


# --- holds ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "amount", "unit", "holds", "expected"),
    [
        # a hold inside one working day: 4 h due 13:00, held 1.5 h -> 14:30
        (
            "2026-11-23 09:00",
            4,
            WORKING_HOURS,
            [("2026-11-23 10:00", "2026-11-23 11:30")],
            "2026-11-23 14:30",
        ),
        # held over the weekend: no working time held, no push
        (
            "2026-11-27 10:00",
            8,
            WORKING_HOURS,
            [("2026-11-27 17:00", "2026-11-30 09:00")],
            "2026-11-30 10:00",
        ),
        (
            "2026-11-27 10:00",
            8,
            WORKING_HOURS,
            [("2026-11-28 10:00", "2026-11-29 18:00")],
            "2026-11-30 10:00",
        ),
        # starts after the due moment: already late, ignored
        (
            "2026-11-23 09:00",
            4,
            WORKING_HOURS,
            [("2026-11-23 14:00", "2026-11-23 16:00")],
            "2026-11-23 13:00",
        ),
        # starts exactly at the due moment: ignored too
        (
            "2026-11-23 09:00",
            4,
            WORKING_HOURS,
            [("2026-11-23 13:00", "2026-11-23 15:00")],
            "2026-11-23 13:00",
        ),
        # overlapping holds merge into 10:00-12:00 (2 h, not 1 h + 1.5 h), in any order
        (
            "2026-11-23 09:00",
            4,
            WORKING_HOURS,
            [("2026-11-23 10:30", "2026-11-23 12:00"), ("2026-11-23 10:00", "2026-11-23 11:00")],
            "2026-11-23 15:00",
        ),
        # a hold wholly inside another counts once
        (
            "2026-11-23 09:00",
            4,
            WORKING_HOURS,
            [("2026-11-23 10:00", "2026-11-23 12:00"), ("2026-11-23 10:30", "2026-11-23 11:00")],
            "2026-11-23 15:00",
        ),
        # the second hold starts after the first due moment (13:00) but before the pushed one
        (
            "2026-11-23 09:00",
            4,
            WORKING_HOURS,
            [("2026-11-23 10:00", "2026-11-23 12:00"), ("2026-11-23 14:00", "2026-11-23 15:00")],
            "2026-11-23 16:00",
        ),
        # the push runs over the end of the day and the weekend
        (
            "2026-11-27 09:00",
            6,
            WORKING_HOURS,
            [("2026-11-27 10:00", "2026-11-27 13:00")],
            "2026-11-30 10:00",
        ),
        # time on hold before receipt never counted, so gives nothing back (10:00-11:00 only)
        (
            "2026-11-23 10:00",
            4,
            WORKING_HOURS,
            [("2026-11-23 08:00", "2026-11-23 11:00")],
            "2026-11-23 15:00",
        ),
        # a hold of no length
        (
            "2026-11-23 09:00",
            4,
            WORKING_HOURS,
            [("2026-11-23 10:00", "2026-11-23 10:00")],
            "2026-11-23 13:00",
        ),
        # working days: due Wed 17:00; held Tue 14:00-Wed 11:00 (3 h + 2 h) -> Thu 14:00
        (
            "2026-11-23 10:00",
            2,
            WORKING_DAYS,
            [("2026-11-24 14:00", "2026-11-25 11:00")],
            "2026-11-26 14:00",
        ),
        # working days, held overnight: nothing held, the 17:00 due moment stays put
        (
            "2026-11-23 10:00",
            1,
            WORKING_DAYS,
            [("2026-11-23 18:00", "2026-11-24 08:00")],
            "2026-11-24 17:00",
        ),
        # calendar days: wall-clock duration (2 days 6 h), weekends included
        (
            "2026-11-23 15:00",
            10,
            CALENDAR_DAYS,
            [("2026-11-24 12:00", "2026-11-26 18:00")],
            "2026-12-06 05:59:59",
        ),
        # calendar days, held over the weekend: the weekend counts as held time
        (
            "2026-11-23 15:00",
            10,
            CALENDAR_DAYS,
            [("2026-11-28 00:00", "2026-11-30 00:00")],
            "2026-12-05 23:59:59",
        ),
        # calendar days, a hold after the due moment is ignored
        (
            "2026-11-23 15:00",
            1,
            CALENDAR_DAYS,
            [("2026-11-25 00:00", "2026-11-26 00:00")],
            "2026-11-24 23:59:59",
        ),
        # calendar days, a hold over the spring clock change is 24 wall-clock hours
        (
            "2026-03-27 10:00",
            3,
            CALENDAR_DAYS,
            [("2026-03-28 12:00", "2026-03-29 12:00")],
            "2026-03-31 23:59:59",
        ),
    ],
)
def test_holds(
    received: str, amount: float, unit: str, holds: list[tuple[str, str]], expected: str
) -> None:
    periods = [(at(start), at(end)) for start, end in holds]
    assert STANDARD.due(at(received), amount, unit, periods) == at(expected)


def test_hold_over_christmas() -> None:
    # 16 working hours from Mon 21 Dec 09:00 is due Tue 22 Dec 17:00. Held Tue 15:00 to
    # Tue 29 Dec 11:00: 2 + 8 + 8 + 2 = 20 working hours, so 2 h remain after the hold ends.
    holds = [(at("2026-12-22 15:00"), at("2026-12-29 11:00"))]
    due = england().due(at("2026-12-21 09:00"), 16, WORKING_HOURS, holds)
    assert due == at("2026-12-29 13:00")


def test_open_hold_runs_until_as_of() -> None:
    # Due 13:00; on hold since 11:00 and still on hold at 16:00: 5 h -> 17:00 + 1 h.
    holds = [(at("2026-11-23 11:00"), None)]
    due = STANDARD.due(
        at("2026-11-23 09:00"), 4, WORKING_HOURS, holds, as_of=at("2026-11-23 16:00")
    )
    assert due == at("2026-11-24 10:00")


def test_open_hold_with_as_of_before_it_started_holds_nothing() -> None:
    holds = [(at("2026-11-23 11:00"), None)]
    due = STANDARD.due(
        at("2026-11-23 09:00"), 4, WORKING_HOURS, holds, as_of=at("2026-11-23 10:00")
    )
    assert due == at("2026-11-23 13:00")


def test_open_hold_on_calendar_days() -> None:
    holds = [(at("2026-11-24 12:00"), None)]
    due = STANDARD.due(at("2026-11-23 15:00"), 10, CALENDAR_DAYS, holds, at("2026-11-25 12:00"))
    assert due == at("2026-12-04 23:59:59")


def test_open_hold_needs_as_of() -> None:
    holds = [(at("2026-11-23 11:00"), None)]
    with pytest.raises(ValueError, match="as_of"):
        STANDARD.due(at("2026-11-23 09:00"), 4, WORKING_HOURS, holds)
    # ... even one that would be ignored for starting after the due moment
    late = [(at("2026-11-30 11:00"), None)]
    with pytest.raises(ValueError, match="as_of"):
        STANDARD.due(at("2026-11-23 09:00"), 4, WORKING_HOURS, late)


def test_hold_that_ends_before_it_starts_is_refused() -> None:
    holds = [(at("2026-11-23 11:00"), at("2026-11-23 10:00"))]
    with pytest.raises(ValueError, match="before it starts"):
        STANDARD.due(at("2026-11-23 09:00"), 4, WORKING_HOURS, holds)


def test_no_holds_is_the_base_due_moment() -> None:
    assert STANDARD.due(at("2026-11-23 15:00"), 4, WORKING_HOURS, []) == at("2026-11-24 11:00")
    assert STANDARD.due(at("2026-11-23 15:00"), 4, WORKING_HOURS, (), as_of=None) == at(
        "2026-11-24 11:00"
    )


# --- units given as a str enum -------------------------------------------------------------


class Unit(StrEnum):
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (Unit.WORKING_HOURS, "2026-11-24 11:00"),
        (Unit.WORKING_DAYS, "2026-11-27 17:00"),
        (Unit.CALENDAR_DAYS, "2026-11-27 23:59:59"),
    ],
)
def test_str_enum_units(unit: Unit, expected: str) -> None:
    assert STANDARD.due(at("2026-11-23 15:00"), 4, unit) == at(expected)


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        (4, "fortnights", "Unknown time unit"),
        (4, "percent", "Unknown time unit"),
        (4, "", "Unknown time unit"),
        (4, None, "Unknown time unit"),
        (-1, WORKING_HOURS, "negative"),
        (-0.5, WORKING_HOURS, "negative"),
        (-1, WORKING_DAYS, "negative"),
        (-1, CALENDAR_DAYS, "negative"),
        (2.5, WORKING_DAYS, "whole number"),
        (2.5, CALENDAR_DAYS, "whole number"),
        (float("nan"), WORKING_HOURS, "must be a number"),
        (float("inf"), WORKING_HOURS, "must be a number"),
        ("4", WORKING_HOURS, "must be a number"),
        (None, WORKING_DAYS, "must be a number"),
        (True, WORKING_HOURS, "must be a number"),
    ],
)
def test_due_refuses(amount: object, unit: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        STANDARD.due(at("2026-11-23 10:00"), amount, unit)  # type: ignore[arg-type]


def test_add_methods_refuse_negative_and_partial_amounts() -> None:
    start = at("2026-11-23 10:00")
    with pytest.raises(ValueError, match="negative"):
        STANDARD.add_working_hours(start, -1)
    with pytest.raises(ValueError, match="negative"):
        STANDARD.add_working_seconds(start, -1)
    with pytest.raises(ValueError, match="whole number"):
        STANDARD.add_working_days(start, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="whole number"):
        STANDARD.add_calendar_days(start, 0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"office_start": time(17), "office_end": time(9)}, "open before it closes"),
        ({"office_start": time(9), "office_end": time(9)}, "open before it closes"),
        ({"office_start": "09:00"}, "time of day"),
        ({"working_weekdays": frozenset()}, "at least one working weekday"),
        ({"working_weekdays": frozenset({0, 7})}, "0 \\(Monday\\) to 6 \\(Sunday\\)"),
        ({"working_weekdays": frozenset({-1, 1})}, "0 \\(Monday\\) to 6 \\(Sunday\\)"),
        ({"working_weekdays": frozenset({"Mon"})}, "0 \\(Monday\\) to 6 \\(Sunday\\)"),
    ],
)
def test_invalid_calendar(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkingCalendar(**settings)  # type: ignore[arg-type]


# --- a calendar with no working days must fail, not hang ----------------------------------


def closed_for(first: date, days: int) -> frozenset[date]:
    return frozenset(first + timedelta(days=offset) for offset in range(days))


def test_calendar_closed_for_years_raises_instead_of_hanging() -> None:
    shut = WorkingCalendar(closures=closed_for(date(2026, 1, 1), 366 * 12))
    start = at("2026-11-23 10:00")
    with pytest.raises(ValueError, match="no working day"):
        shut.next_working_moment(start)
    with pytest.raises(ValueError, match="no working day"):
        shut.due(start, 4, WORKING_HOURS)
    with pytest.raises(ValueError, match="no working day"):
        shut.due(start, 2, WORKING_DAYS)
    with pytest.raises(ValueError, match="no working day"):
        shut.add_working_seconds(start, 60)
    # Calendar days never look at the office, so they still work.
    assert shut.due(start, 1, CALENDAR_DAYS) == at("2026-11-24 23:59:59")
    # Counting needs no search, so it answers too.
    assert shut.working_days_in(date(2026, 1, 1), date(2026, 12, 31)) == 0
    assert shut.working_seconds_between(start, at("2027-11-23 10:00")) == 0


def test_calendar_closed_mid_count_raises() -> None:
    # Open on Mon 23 Nov 2026, then closed for more than ten years.
    shut = WorkingCalendar(closures=closed_for(date(2026, 11, 24), MAX_CLOSED_RUN + 10))
    start = at("2026-11-23 10:00")
    assert shut.due(start, 7, WORKING_HOURS) == at("2026-11-23 17:00")
    with pytest.raises(ValueError, match="no working day"):
        shut.due(start, 8, WORKING_HOURS)
    with pytest.raises(ValueError, match="no working day"):
        shut.due(start, 1, WORKING_DAYS)


def test_long_closure_shorter_than_the_limit_is_fine() -> None:
    # Closed every day from 1 Jan 2026 to 31 Dec 2033 (2,922 days); Mon 2 Jan 2034 is the first
    # working day (Sun 1 Jan 2034 is a weekend).
    shut = WorkingCalendar(closures=closed_for(date(2026, 1, 1), 2922))
    assert shut.next_working_moment(at("2026-01-01 10:00")) == at("2034-01-02 09:00")
    assert shut.due(at("2026-01-01 10:00"), 1, WORKING_DAYS) == at("2034-01-03 17:00")


# --- bank holidays -------------------------------------------------------------------------


def test_bank_holidays_england() -> None:
    found = bank_holidays("GB", "ENG", [2026, 2027])
    assert all(isinstance(day, date) and isinstance(name, str) for day, name in found.items())
    assert found[date(2026, 4, 3)] == "Good Friday"
    assert found[date(2026, 4, 6)] == "Easter Monday"
    assert found[date(2026, 12, 25)] == "Christmas Day"
    assert "Boxing Day" in found[date(2026, 12, 28)]
    assert "Christmas Day" in found[date(2027, 12, 27)]
    assert "Boxing Day" in found[date(2027, 12, 28)]
    assert date(2026, 1, 2) not in found  # Scotland's, not England's
    assert date(2026, 11, 30) not in found
    assert {day.year for day in found} == {2026, 2027}
    assert list(found) == sorted(found)


def test_bank_holidays_scotland() -> None:
    found = bank_holidays("GB", "SCT", range(2026, 2027))
    assert date(2026, 1, 2) in found
    assert date(2026, 11, 30) in found  # St Andrew's Day
    assert date(2026, 4, 6) not in found  # no Easter Monday in Scotland
    assert {day.year for day in found} == {2026}


def test_bank_holidays_no_years_is_empty() -> None:
    assert bank_holidays("GB", "ENG", []) == {}


@pytest.mark.parametrize(("country", "subdivision"), [("XX", None), ("GB", "NOWHERE")])
def test_bank_holidays_unknown_region(country: str, subdivision: str | None) -> None:
    with pytest.raises(ValueError, match="No public holidays are known"):
        bank_holidays(country, subdivision, [2026])
