"""Reading one cell of an import file: dates, moments, yes/no, numbers and list words.

Each reader takes what the file holds (text from a CSV, or a typed value from .xlsx) and returns
the value, None for an empty cell, or raises ValueError with a message a user can act on.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, TypeVar

from models.choices import Choice
from models.words import DAY_FORMATS_READ, DEFAULT_TIME, number_from, quoted

C = TypeVar("C", bound=Choice)

_TIME_FORMATS = ("%H:%M", "%H:%M:%S")
_YES = {"yes", "y", "true", "1"}
_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}[.,]\d{3}%?")  # 1,500 and 1.500
_CONTINENTAL = re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?%?")  # 95,5 and 1.234,5
_NO = {"no", "n", "false", "0"}


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number typed into Excel comes back as 1632960001.0
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()  # Excel's line breaks


def read_date(value: Any) -> date | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    written = str(value).strip()
    for pattern in DAY_FORMATS_READ:
        try:
            return datetime.strptime(written, pattern).date()
        except ValueError:
            continue
    moment = _parse_moment(written)
    if moment is not None:
        return moment.date()
    raise ValueError(f"{quoted(written)} is not a date: write 2026-10-03 or 03/10/2026.")


def read_moment(value: Any) -> datetime | None:
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    if isinstance(value, date):
        return datetime.combine(value, DEFAULT_TIME)
    written = " ".join(str(value).split()).replace("T", " ")
    moment = _parse_moment(written)
    if moment is not None:
        return moment
    for pattern in DAY_FORMATS_READ:
        try:
            return datetime.combine(datetime.strptime(written, pattern).date(), DEFAULT_TIME)
        except ValueError:
            continue
    raise ValueError(
        f"{quoted(written)} is not a date and time: write 2026-10-03 14:30 or 03/10/2026 14:30."
    )


def _parse_moment(written: str) -> datetime | None:
    for day_pattern in DAY_FORMATS_READ:
        for time_pattern in _TIME_FORMATS:
            try:
                return datetime.strptime(written, f"{day_pattern} {time_pattern}")
            except ValueError:
                continue
    return None


def read_yes_no(value: Any) -> bool | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(f"{quoted(text(value))} is not yes or no (yes/no, y/n, true/false, 1/0).")


def read_number(value: Any) -> float | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{quoted(value)} is not a number.")
    if isinstance(value, int | float):
        return float(value)
    return number_from(text(value))


def from_decimal_comma(value: Any) -> Any:
    """A decimal written the continental way (95,5 or 1.234,5), as in a file separated by
    semicolons, in the point form `read_number` reads. 1,500 and 1.500 could each mean one
    thousand five hundred or one and a half, so they are refused rather than guessed."""
    if not isinstance(value, str):
        return value
    written = text(value)
    if _AMBIGUOUS.fullmatch(written):
        number = written.rstrip("%")
        thousands = float(number.replace(",", "").replace(".", ""))
        decimal = float(number.replace(",", "."))
        raise ValueError(
            f"{quoted(written)} could mean {thousands:g} or {decimal:g}: write {thousands:g}, or "
            f"{decimal:g} with a comma for the point."
        )
    if not _CONTINENTAL.fullmatch(written):
        return value  # not a continental number: read_number says what is wrong with it
    return written.replace(".", "").replace(",", ".")


def read_whole(value: Any, low: int, high: int) -> int | None:
    number = read_number(value)
    if number is None:
        return None
    if not number.is_integer() or not low <= number <= high:
        raise ValueError(f"{quoted(text(value))} is not a whole number from {low} to {high}.")
    return int(number)


def read_choice(value: Any, choice: type[C]) -> C | None:
    if is_blank(value):
        return None
    return choice.from_word(text(value))


def write_yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


# A spreadsheet takes a cell starting with one of these for a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: str) -> str:
    """Text for a CSV cell that Excel shows as text, never runs: a leading quote before a
    formula start (and before quotes already standing there, so `unneutralised` is exact)."""
    return f"'{value}" if value.lstrip("'").startswith(FORMULA_STARTS) else value


def unneutralised(value: str) -> str:
    """A CSV cell as it was before `neutralised`: exactly one such leading quote removed."""
    if value.startswith("'") and value.lstrip("'").startswith(FORMULA_STARTS):
        return value[1:]
    return value
