"""The one source of "now", so that anything due, overdue or "this month" can be tested.

Code asks `clock.now()`; tests swap in a `FixedClock` with `use_clock` and get the same answer
on every day of the year.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Local wall-clock time, to the second (datetimes are stored as local time)."""

    def now(self) -> datetime:
        return datetime.now().replace(microsecond=0)


class FixedClock:
    """A clock that stands still until told to move."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


_current: Clock = SystemClock()


def now() -> datetime:
    return _current.now()


def today() -> date:
    return _current.now().date()


def set_clock(clock: Clock) -> Clock:
    """Make `clock` the source of now; returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous


@contextmanager
def use_clock(clock: Clock) -> Iterator[Clock]:
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)
