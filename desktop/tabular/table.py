"""What every reader and writer of tables shares: the table read, and the limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

READING = "Reading the file"  # the stage `read_table` reports to its progress callback
REPORT_EVERY = 256  # rows between progress reports
ZIP_START = b"PK\x03\x04"
OLE_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an Office file with a password


@dataclass(frozen=True)
class SourceRow:
    line: int  # where the row starts in the file (1 = the header), as a user would count
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class SourceTable:
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    # "CSV, <encoding>, separated by <commas|semicolons|tabs>" (e.g. "CSV, UTF-16
    # little-endian with byte-order mark, separated by tabs"), or "Excel workbook, sheet 'X'"
    description: str
    notes: tuple[str, ...] = ()  # what the reader left out, in sentences for the user


def has_value(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def listing(names: Sequence[str]) -> str:
    """'A', 'A' and 'B', or 'A', 'B' and 'C'."""
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


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
