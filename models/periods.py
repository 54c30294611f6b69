"""Periods the figures are worked out for: a month, a quarter, a year, or any range of days.

A calendar period compares with the one before it of the same kind (October with September,
Q3 with Q2); any other range with the same number of days just before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from models.words import day_text

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    kind: str = "range"  # "month", "quarter", "year" or "range"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(date(year, month, 1), following - timedelta(days=1), "month")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = date(year, 3 * quarter - 2, 1)
        last = Period.month(year, 3 * quarter).last
        return cls(first, last, "quarter")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), "year")

    @classmethod
    def containing(cls, day: date) -> Period:
        """The month `day` falls in."""
        return cls.month(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2026-10' (a month), '2026-Q3' (a quarter) or '2026' (a year)."""
        written = text.strip().upper()
        try:
            if match := re.fullmatch(r"(\d{4})-(\d{1,2})", written):
                return cls.month(int(match[1]), int(match[2]))
            if match := re.fullmatch(r"(\d{4})-?Q([1-4])", written):
                return cls.quarter(int(match[1]), int(match[2]))
            if re.fullmatch(r"\d{4}", written):
                return cls.year(int(written))
        except ValueError:
            pass
        raise ValueError(f"'{text}' is not a period: write a month as 2026-10, a quarter as "
                         "2026-Q3 or a year as 2026.")  # fmt: skip

    def previous(self) -> Period:
        if self.kind == "month":
            return Period.containing(self.first - timedelta(days=1))
        if self.kind == "quarter":
            before = self.first - timedelta(days=1)
            return Period.quarter(before.year, (before.month + 2) // 3)
        if self.kind == "year":
            return Period.year(self.first.year - 1)
        length = (self.last - self.first).days + 1
        return Period(self.first - timedelta(days=length), self.first - timedelta(days=1))

    @classmethod
    def recent(cls, kind: str, today: date, count: int) -> list[Period]:
        """The `count` months, quarters or years up to the one `today` falls in, newest
        first: what a report can be asked for."""
        current = {
            "month": cls.containing(today),
            "quarter": cls.quarter(today.year, (today.month + 2) // 3),
            "year": cls.year(today.year),
        }[kind]
        periods = [current]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        return periods

    def months_to_here(self, count: int) -> list[Period]:
        """The `count` months ending with the one this period ends in, oldest first."""
        months = [Period.containing(self.last)]
        while len(months) < count:
            months.insert(0, months[0].previous())
        return months

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min)

    @property
    def end(self) -> datetime:
        """The period's last moment (to the second, as moments are stored)."""
        return datetime.combine(self.last, time(23, 59, 59))

    def key(self) -> str:
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month + 2) // 3}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def label(self) -> str:
        if self.kind == "month":
            return f"{MONTH_NAMES[self.first.month - 1]} {self.first.year}"
        if self.kind == "quarter":
            return f"Quarter {(self.first.month + 2) // 3} of {self.first.year}"
        if self.kind == "year":
            return str(self.first.year)
        return f"{day_text(self.first)} to {day_text(self.last)}"

    def short_label(self) -> str:
        """For a chart's axis: 'Oct 26'."""
        if self.kind == "month":
            return f"{MONTH_NAMES[self.first.month - 1][:3]} {self.first:%y}"
        return self.key()
