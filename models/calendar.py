"""The working calendar: which time counts towards a timescale, and when something falls due.

Every timescale ("acknowledge within 2 working days", "resolve within 20 working hours", "reply
within 10 calendar days") is measured here, on one calendar, so that the window, the reports and
the demo data always agree on what was late.

Datetimes are naive local wall-clock time (one time zone per database). A working hour is an hour
on the office clock, so the weekends when the clocks change need no special handling.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays

WORKING_HOURS = "working_hours"
WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
TIME_UNITS = (WORKING_HOURS, WORKING_DAYS, CALENDAR_DAYS)

Hold = tuple[datetime, datetime | None]
"""A period "on hold" (waiting for the customer, say): start, and end or None while still open."""

MAX_CLOSED_RUN = 3660
"""Consecutive non-working days after which the calendar is taken to be broken (about 10 years)."""

END_OF_DAY = time(23, 59, 59)
"""A calendar-days timescale runs to the last second of its last day."""

_ONE_DAY = timedelta(days=1)
_NO_TIME = timedelta(0)
_NINE = time(9)
_FIVE = time(17)
_MONDAY_TO_FRIDAY = frozenset({0, 1, 2, 3, 4})


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours, working weekdays and closure days: the time during which the clock runs.

    Working time is [office_start, office_end) on a working day (a working weekday that is not a
    closure). Frozen, so that one calendar can be shared and compared freely; a change of
    settings builds a new calendar and the open items are recomputed on it.
    """

    office_start: time = _NINE
    office_end: time = _FIVE
    working_weekdays: frozenset[int] = _MONDAY_TO_FRIDAY  # Monday = 0
    closures: frozenset[date] = frozenset()
    # Derived once, because due() runs hundreds of thousands of times for a large demo dataset.
    _day_length: timedelta = field(init=False, repr=False, compare=False)
    _working_closures: tuple[date, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("office_start", "office_end"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise ValueError(f"{name} must be a time of day, not {value!r}.")
            if value.tzinfo is not None:
                raise ValueError(f"{name} must be local wall-clock time, without a time zone.")
        if self.office_start >= self.office_end:
            raise ValueError(
                f"The office must open before it closes (opens {self.office_start:%H:%M}, "
                f"closes {self.office_end:%H:%M})."
            )
        weekdays = frozenset(self.working_weekdays)
        if not weekdays:
            raise ValueError("The calendar needs at least one working weekday.")
        if any(not isinstance(day, int) or isinstance(day, bool) for day in weekdays) or not (
            weekdays <= frozenset(range(7))
        ):
            raise ValueError(
                f"Working weekdays must be numbers from 0 (Monday) to 6 (Sunday), "
                f"not {sorted(weekdays, key=repr)}."
            )
        # A datetime never equals a date, so one slipped in among the closures would be ignored.
        closures = frozenset(
            day.date() if isinstance(day, datetime) else day for day in self.closures
        )
        object.__setattr__(self, "working_weekdays", weekdays)
        object.__setattr__(self, "closures", closures)
        object.__setattr__(
            self,
            "_day_length",
            datetime.combine(date.min, self.office_end)
            - datetime.combine(date.min, self.office_start),
        )
        object.__setattr__(
            self,
            "_working_closures",
            tuple(sorted(day for day in closures if day.weekday() in weekdays)),
        )

    # --- days -----------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Whether the office is open at all on `day` (a working weekday and not a closure)."""
        if isinstance(day, datetime):
            day = day.date()
        return day.weekday() in self.working_weekdays and day not in self.closures

    def working_days_in(self, first: date, last: date) -> int:
        """Working days in first..last inclusive, counted without visiting each day (reports)."""
        if last < first:
            return 0
        weeks, extra = divmod((last - first).days + 1, 7)
        weekday = first.weekday()
        count = weeks * len(self.working_weekdays) + sum(
            1 for offset in range(extra) if (weekday + offset) % 7 in self.working_weekdays
        )
        closed = self._working_closures
        return count - (bisect_right(closed, last) - bisect_left(closed, first))

    def _first_working_day(self, day: date) -> date:
        """`day` if it is a working day, else the next one; gives up rather than loop for ever."""
        weekdays, closures, first = self.working_weekdays, self.closures, day
        for _ in range(MAX_CLOSED_RUN):
            if day.weekday() in weekdays and day not in closures:
                return day
            day += _ONE_DAY
        raise ValueError(
            f"The working calendar has no working day in the {MAX_CLOSED_RUN:,} days from "
            f"{first:%d %B %Y}: check the working weekdays and the closure days."
        )

    # --- moments --------------------------------------------------------------------------

    def next_working_moment(self, moment: datetime) -> datetime:
        """`moment` if the office is open then, else the next opening: when a clock starts."""
        day = moment.date()
        if day.weekday() in self.working_weekdays and day not in self.closures:
            clock = moment.time()
            if clock < self.office_start:
                return datetime.combine(day, self.office_start)
            if clock < self.office_end:
                return moment
        return datetime.combine(self._first_working_day(day + _ONE_DAY), self.office_start)

    def working_seconds_between(self, start: datetime, end: datetime) -> float:
        """Working time in [start, end), in seconds; 0 if end is not after start."""
        return self._working_time(start, end).total_seconds()

    def _working_time(self, start: datetime, end: datetime) -> timedelta:
        if end <= start:
            return _NO_TIME
        first, last = start.date(), end.date()
        if first == last:
            return self._open_within(first, start, end)
        # Partial first and last days, and whole working days in between (counted, not walked).
        whole_days = self.working_days_in(first + _ONE_DAY, last - _ONE_DAY)
        return (
            self._open_within(first, start, end)
            + whole_days * self._day_length
            + self._open_within(last, start, end)
        )

    def _open_within(self, day: date, start: datetime, end: datetime) -> timedelta:
        """Working time on `day` that falls inside [start, end)."""
        if day.weekday() not in self.working_weekdays or day in self.closures:
            return _NO_TIME
        opens = max(start, datetime.combine(day, self.office_start))
        closes = min(end, datetime.combine(day, self.office_end))
        return closes - opens if closes > opens else _NO_TIME

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of working time after `start` (which may be outside working time)."""
        return self._add_working(start, timedelta(hours=_non_negative(hours, "working hours")))

    def add_working_seconds(self, start: datetime, seconds: float) -> datetime:
        """As add_working_hours, in seconds: a hold's working time is measured in seconds."""
        return self._add_working(start, timedelta(seconds=_non_negative(seconds, "seconds")))

    def _add_working(self, start: datetime, remaining: timedelta) -> datetime:
        # timedelta arithmetic is exact to the microsecond, so 0.1 h never drifts by a float ulp.
        moment = self.next_working_moment(start)
        day = moment.date()
        left_today = datetime.combine(day, self.office_end) - moment
        if remaining <= left_today:  # ending exactly at close is due at close, not next morning
            return moment + remaining
        remaining -= left_today
        day_length = self._day_length
        while True:
            day = self._first_working_day(day + _ONE_DAY)
            if remaining <= day_length:
                return datetime.combine(day, self.office_start) + remaining
            remaining -= day_length

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Close of the `days`-th working day after the day the clock starts (0: that day)."""
        count = _whole(days, "working days")
        day = self.next_working_moment(start).date()
        for _ in range(count):
            day = self._first_working_day(day + _ONE_DAY)
        return datetime.combine(day, self.office_end)

    def add_calendar_days(self, start: datetime, days: int) -> datetime:
        """Last second of the `days`-th day after `start`: no office hours, no closures."""
        count = _whole(days, "calendar days")
        return datetime.combine(start.date() + timedelta(days=count), END_OF_DAY)

    # --- timescales -----------------------------------------------------------------------

    def due(
        self,
        start: datetime,
        amount: float,
        unit: str,
        holds: Sequence[Hold] = (),
        as_of: datetime | None = None,
    ) -> datetime:
        """When something received at `start` falls due, allowing for the time it was on hold.

        `unit` is one of TIME_UNITS (a str enum with the same value will do). An open hold (end
        None) runs until `as_of`, which is then required.
        """
        if unit == WORKING_HOURS:
            moment = self.add_working_hours(start, amount)
        elif unit == WORKING_DAYS:
            moment = self.add_working_days(start, _whole(amount, "working days"))
        elif unit == CALENDAR_DAYS:
            moment = self.add_calendar_days(start, _whole(amount, "calendar days"))
        else:
            raise ValueError(
                f"Unknown time unit {unit!r}: expected one of {', '.join(TIME_UNITS)}."
            )
        if holds:
            moment = self._after_holds(start, moment, unit == CALENDAR_DAYS, holds, as_of)
        return moment

    def push_by_holds(
        self,
        start: datetime,
        due: datetime,
        holds: Sequence[Hold],
        as_of: datetime | None = None,
    ) -> datetime:
        """`due` (say, an agreed extension) pushed later by the working time on hold after
        `start`, by the same rules as `due()`."""
        return self._after_holds(start, due, False, holds, as_of) if holds else due

    def _after_holds(
        self,
        start: datetime,
        moment: datetime,
        calendar_days: bool,
        holds: Sequence[Hold],
        as_of: datetime | None,
    ) -> datetime:
        """Push the due moment later by the time on hold, one merged hold at a time."""
        periods: list[tuple[datetime, datetime]] = []
        for hold_start, hold_end in holds:
            if hold_end is None:
                if as_of is None:
                    raise ValueError(
                        "A hold that has not ended needs as_of, the moment to measure it up to."
                    )
                hold_end = max(as_of, hold_start)  # a hold cannot run backwards
            elif hold_end < hold_start:
                raise ValueError(
                    f"A hold cannot end ({hold_end:%d %b %Y %H:%M}) before it starts "
                    f"({hold_start:%d %b %Y %H:%M})."
                )
            # Time before the clock started never counted, so holding it cannot give any back.
            hold_start = max(hold_start, start)
            if hold_end > hold_start:
                periods.append((hold_start, hold_end))
        periods.sort()
        merged: list[list[datetime]] = []
        for hold_start, hold_end in periods:
            if merged and hold_start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], hold_end)
            else:
                merged.append([hold_start, hold_end])
        for hold_start, hold_end in merged:
            if hold_start >= moment:
                break  # already late when put on hold; later holds start later still
            if calendar_days:
                moment += hold_end - hold_start
            else:
                held = self._working_time(hold_start, hold_end)
                if held:  # adding nothing must not move a 17:00 due moment to the next morning
                    moment = self._add_working(moment, held)
        return moment


def _non_negative(amount: float, what: str) -> float:
    """`amount` as a float, refusing what no timescale means: negative, infinite, not a number."""
    try:  # Decimal and Fraction are fine; True and "3" are mistakes, not numbers
        value = math.nan if isinstance(amount, bool | str | bytes) else float(amount)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(f"The number of {what} must be a number, not {amount!r}.")
    if value < 0:
        raise ValueError(f"The number of {what} cannot be negative ({amount!r}).")
    return value


def _whole(amount: float, what: str) -> int:
    """`amount` as a whole number: a day is counted or not, never in part."""
    value = _non_negative(amount, what)
    if not value.is_integer():
        raise ValueError(f"The number of {what} must be a whole number, not {amount!r}.")
    return int(value)


def bank_holidays(country: str, subdivision: str | None, years: Iterable[int]) -> dict[date, str]:
    """Public holidays from the `holidays` package, date -> name: the seed for closure days.

    Substitute days ("Boxing Day (observed)") are included, as the office is shut on them.
    """
    try:
        found = holidays.country_holidays(country, subdiv=subdivision, years=list(years))
    except NotImplementedError as error:
        region = f"{country}-{subdivision}" if subdivision else country
        raise ValueError(f"No public holidays are known for {region}: {error}") from error
    return dict(sorted(found.items()))
