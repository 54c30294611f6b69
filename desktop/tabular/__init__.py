"""Reading and writing tables the way Excel on Windows makes them: CSV and .xlsx.

CSV comes as UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text") or
Windows-1252, separated by commas, semicolons or tabs, with quoted fields that may hold
separators, quotes and line breaks. An .xlsx file is read from its first visible sheet, keeping
real date cells as dates.

Neither direction trusts what it is handed. A file may claim a million rows, unpack to
gigabytes, leave a quote open or be in an encoding it does not say; a stored value may start
like a formula or hold a control character. Each such case is refused with a message that
says where, or written so that it stays plain text, and nothing is ever written outside the
target's own folder.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from desktop.tabular.csv_files import read_csv_file, write_csv
from desktop.tabular.table import READING, SourceRow, SourceTable
from desktop.tabular.xlsx_reading import read_xlsx
from desktop.tabular.xlsx_writing import write_xlsx
from models.errors import KnownError, Progress

__all__ = ["READING", "SUPPORTED", "SourceRow", "SourceTable", "read_table", "write_table"]

SUPPORTED = (".csv", ".xlsx")


def read_table(path: Path, progress: Progress | None = None) -> SourceTable:
    """The header and rows of a CSV or .xlsx file; a KnownError says what is wrong with it.

    `progress` hears (READING, fraction) every few hundred rows and may raise Cancelled."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise KnownError(
            f"{path.name}: Rapport reads .csv and .xlsx files, not '{suffix or 'no extension'}'."
        )
    try:
        table = read_xlsx(path, progress) if suffix == ".xlsx" else read_csv_file(path, progress)
    except FileNotFoundError as error:
        raise KnownError(f"{path}: no such file.") from error
    except PermissionError as error:
        raise KnownError(
            f"{path}: Rapport may not read this file (is it open in another program?)."
        ) from error
    except IsADirectoryError as error:
        raise KnownError(f"{path} is a folder, not a file.") from error
    if not table.headers:
        raise KnownError(f"{path.name} is empty: the first row should name the columns.")
    return table


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV (UTF-8 with BOM, so Excel shows accents) or .xlsx; returns rows written.

    Everything goes to a hidden `.name.part` beside the target, renamed over it at the end, so
    a reader never sees half a file; on any failure the `.part` is removed and the error goes
    on, and nothing is written anywhere else (not even the system's temporary folder)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise KnownError(
            f"{path.name}: Rapport writes .csv or .xlsx files, not '{suffix or 'no extension'}'."
        )
    temporary = path.with_name(f".{path.name}.part")
    writer: Callable[[Path, Sequence[str], Iterable[Sequence[Any]]], int]
    writer = write_xlsx if suffix == ".xlsx" else write_csv
    iterator = iter(rows)
    try:
        count = writer(temporary, headers, iterator)
        temporary.replace(path)  # a reader never sees half a file
    except BaseException as error:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        if isinstance(error, PermissionError):
            raise KnownError(
                f"{path}: cannot write the file (is it open in another program?)."
            ) from error
        if isinstance(error, OSError):
            raise KnownError(
                f"{path}: cannot write the file ({error.strerror or error})."
            ) from error
        raise
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()  # a generator stopped part-way releases its cursor now, quietly
    return count
