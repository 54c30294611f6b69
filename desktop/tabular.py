"""Reading and writing tables the way Excel on Windows makes them: CSV and .xlsx.

CSV comes as UTF-8 (with or without a byte-order mark) or Windows-1252, separated by commas or
semicolons, with quoted fields that may hold separators, quotes and line breaks. An .xlsx file
is read from its first sheet, keeping real date cells as dates.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from models.errors import KnownError

SUPPORTED = (".csv", ".xlsx")


@dataclass(frozen=True)
class SourceRow:
    line: int  # where the row starts in the file (1 = the header), as a user would count
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class SourceTable:
    headers: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    description: str  # e.g. "CSV, Windows-1252, separated by semicolons"


def read_table(path: Path) -> SourceTable:
    """The header and rows of a CSV or .xlsx file; a KnownError says what is wrong with it."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise KnownError(
            f"{path.name}: Rapport reads .csv and .xlsx files, not '{suffix or 'no extension'}'."
        )
    try:
        table = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path.read_bytes())
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


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8 with byte-order mark"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def _read_csv(data: bytes) -> SourceTable:
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError as error:
        raise KnownError(f"The file is marked as UTF-8 but is not: {error}.") from error
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: tuple[str, ...] = ()
    rows = []
    starts = 1
    try:
        for record in reader:
            line, starts = starts, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if not headers:
                headers = tuple(cell.strip() for cell in record)
                continue
            rows.append(SourceRow(line, tuple(record)))
    except csv.Error as error:
        raise KnownError(f"Line {starts}: the file cannot be read as CSV ({error}).") from error
    separator = "semicolons" if delimiter == ";" else "commas"
    return SourceTable(headers, tuple(rows), f"CSV, {encoding}, separated by {separator}")


def _read_xlsx(path: Path) -> SourceTable:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        if isinstance(error, FileNotFoundError | PermissionError | IsADirectoryError):
            raise
        raise KnownError(f"{path.name} cannot be read as an Excel workbook ({error}).") from error
    try:
        sheet = book.worksheets[0]
        headers: tuple[str, ...] = ()
        rows = []
        for line, record in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(_has_value(cell) for cell in record):
                continue
            if not headers:
                headers = tuple("" if cell is None else str(cell).strip() for cell in record)
                continue
            rows.append(SourceRow(line, tuple(record)))
        return SourceTable(headers, tuple(rows), f"Excel workbook, sheet '{sheet.title}'")
    finally:
        book.close()


def _has_value(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write a CSV (UTF-8 with BOM, so Excel shows accents) or .xlsx; returns rows written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise KnownError(
            f"{path.name}: Rapport writes .csv or .xlsx files, not '{suffix or 'no extension'}'."
        )
    temporary = path.with_name(f".{path.name}.part")
    try:
        writer = _write_xlsx if suffix == ".xlsx" else _write_csv
        count = writer(temporary, headers, rows)
        temporary.replace(path)  # a reader never sees half a file
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise KnownError(f"{path}: cannot write the file ({error.strerror or error}).") from error
    return count


def _write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(headers)
        for row in rows:
            writer.writerow(["" if cell is None else _csv_text(cell) for cell in row])
            count += 1
    return count


def _csv_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Rapport")
    bold = Font(bold=True)
    heading = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    book.save(path)
    return count
