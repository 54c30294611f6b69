"""Turning raw values into text, in one place: dd/mm/yyyy dates, "—" for nothing, words for
choices."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from models.words import DAY_FORMATS_READ, DEFAULT_TIME, EMPTY, day_text, moment_text


def count_label(n: int) -> str:
    return f"{n:,}"


def date_label(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy (with HH:MM for a moment); "—" for nothing."""
    if value in (None, ""):
        return EMPTY
    if isinstance(value, str):  # a raw SQL value, e.g. from a computed column
        try:
            value = datetime.fromisoformat(value) if " " in value else date.fromisoformat(value)
        except ValueError:
            return value
    return moment_text(value) if isinstance(value, datetime) else day_text(value)


def number_label(value: float | int | None) -> str:
    if value is None or value == "":
        return EMPTY
    return f"{float(value):g}"


def percent_label(value: float | None) -> str:
    return EMPTY if value is None else f"{float(value):g} %"


def yes_no_label(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    return "Yes" if bool(value) else "No"


def value_label(value: Any) -> str:
    """Any value as text: nothing as "—", choices by their label, text as it is."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, Enum):
        return getattr(value, "label", str(value.value))
    if isinstance(value, date | datetime):
        return date_label(value)
    return str(value)


def choice_label(choice: type) -> Any:
    """A formatter for a column holding the words of `choice` (raw SQL gives the word)."""

    def label(value: Any) -> str:
        if value in (None, ""):
            return EMPTY
        try:
            return choice(value).label
        except ValueError:
            return str(value)

    return label


def parse_date(text: str) -> date | None:
    """A date typed the British way (25/11/2026, 25/11/26) or as ISO (2026-11-25)."""
    written = text.strip()
    if not written:
        return None
    for pattern in DAY_FORMATS_READ:
        try:
            return datetime.strptime(written, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{written}' is not a date: type it as dd/mm/yyyy.")


def parse_moment(text: str) -> datetime | None:
    """A date and time typed the British way (25/11/2026 14:30); a date alone means 09:00."""
    written = " ".join(text.split())
    if not written:
        return None
    for pattern in ("%d/%m/%Y %H:%M", "%d/%m/%y %H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"):
        try:
            return datetime.strptime(written, pattern)
        except ValueError:
            continue
    try:
        day = parse_date(written)
    except ValueError:
        raise ValueError(
            f"'{written}' is not a date and time: type it as dd/mm/yyyy hh:mm."
        ) from None
    return None if day is None else datetime.combine(day, DEFAULT_TIME)


def met_label(done_at: datetime | None, due: datetime | None, now: datetime) -> str:
    """Met, Missed, Open (not yet due) or — (no standard applies)."""
    if due is None:
        return EMPTY
    if done_at is not None:
        return "Met" if done_at <= due else "Missed"
    return "Missed" if now > due else "Open"
