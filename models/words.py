"""Values as people read them, the same in the window, the reports, the command line and the
messages: British dd/mm/yyyy dates, and "—" for nothing."""

from __future__ import annotations

import re
from datetime import date, datetime, time

EMPTY = "—"
# what is read as a day, typed in a form or written in an import file (no string matches two)
DAY_FORMATS_READ = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y")
DEFAULT_TIME = time(9)  # a date without a time means 09:00 (DESIGN.md §4)


def day_text(value: date | None) -> str:
    """dd/mm/yyyy (the day alone, even of a moment); "—" for none."""
    if value is None:
        return EMPTY
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # strftime drops a year's 0s


def moment_text(value: datetime | None, between: str = " ") -> str:
    """dd/mm/yyyy HH:MM ("03/12/2026 at 09:30" with `between=" at "`); "—" for none."""
    return EMPTY if value is None else f"{day_text(value)}{between}{value:%H:%M}"


def clipped(text: str, limit: int = 40) -> str:
    """Text cut to `limit` characters, '…' marking the cut: a message quotes what a file or a
    record holds, and that may be a million characters where a name should be."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def quoted(value: object, limit: int = 40) -> str:
    """A value in quotes for a message, clipped so the message stays readable."""
    return f"'{clipped(str(value), limit)}'"


_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")  # 1,500 and 12,345.5


def number_from(written: str) -> float:
    """A number as typed or written in a file ("95", "95.5", "1,500", "95 %"): a comma only
    ever separates thousands, never the decimals, so 1,500 is never read as 1.5. A ValueError
    says what is wrong."""
    plain = written.replace("%", "").strip()
    if "," in plain:
        if not _THOUSANDS.fullmatch(plain):
            raise ValueError(
                f"{quoted(written.strip())} is not a number: write decimals with a point (95.5); "
                "a comma is read only between thousands (1,500)."
            )
        plain = plain.replace(",", "")
    try:
        number = float(plain)
    except ValueError:
        raise ValueError(f"{quoted(written.strip())} is not a number.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{quoted(written.strip())} is not a number.")
    return number
