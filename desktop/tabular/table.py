"""What every reader and writer of tables shares: the table read, and the limits."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.errors import Progress
from models.words import quoted

READING = "Reading the file"  # the stage `read_table` reports to its progress callback
REPORT_EVERY = 256  # rows between progress reports
ZIP_START = b"PK\x03\x04"
OLE_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an Office file with a password
# A CSV file is held in memory whole (and its text beside it), so a larger one is refused
# before it is read rather than exhausting the memory part-way.
CSV_BYTES = 512 * 2**20


@dataclass(frozen=True)
class SourceRow:
    line: int  # where the row starts in the file (1 = the header), as a user would count
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class SourceTable:
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    # "CSV, <encoding>, separated by <commas|semicolons|tabs>" (e.g. "CSV, UTF-16
    # little-endian with byte-order mark, separated by tabs"), or "Excel workbook, sheet 'X'":
    # a sentence for the user, never to be taken apart by code
    description: str
    notes: tuple[str, ...] = ()  # what the reader left out, in sentences for the user
    # The character separating a CSV file's values: ",", ";" or "\t" (or whatever a first
    # line `sep=X` names); None for a workbook, whose numbers are numbers already. Code that
    # must know how the file writes numbers (a decimal comma beside semicolons) reads this.
    separator: str | None = None


def has_value(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def listing(names: Sequence[str]) -> str:
    """'A', 'A' and 'B', or 'A', 'B' and 'C' (each name clipped, as it comes from a file)."""
    shown = [quoted(name) for name in names]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"


def megabytes(size: int) -> str:
    """A size for a message as Windows shows one ('512 MB' for 512 MiB), rounded up to a tenth
    so that a file just over a limit never reads as the limit itself."""
    tenths = math.ceil(size * 10 / 2**20)
    return f"{tenths // 10:,} MB" if tenths % 10 == 0 else f"{tenths / 10:,.1f} MB"


def within(progress: Progress | None, start: float, end: float) -> Progress | None:
    """A progress callback for one stage of a longer reading, reporting its fractions as the
    share from `start` to `end` of the whole, so that the whole only ever moves forward."""
    if progress is None:
        return None
    report: Progress = progress

    def scaled(stage: str, fraction: float) -> None:
        report(stage, start + (end - start) * fraction)

    return scaled


def written(value: Any) -> str:
    """A value that is not text as a file writes it: dates as DESIGN.md §4 says (2026-10-03,
    2026-10-03 14:30), whole numbers without '.0', other numbers in full."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)  # a float in full: repr's shortest digits that read back the same
