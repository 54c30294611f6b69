"""Reading an .xlsx workbook's first sheet by its real rows, straight from its XML."""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from desktop.tabular.excel import (
    MOST_COLUMNS,
    cell_at,
    cell_parts,
    column_letters,
    column_number,
)
from desktop.tabular.table import (
    OLE_START,
    READING,
    REPORT_EVERY,
    SourceRow,
    SourceTable,
    has_value,
    listing,
)
from models.errors import KnownError, Progress

# --------------------------------------------------------------------------------- .xlsx reading
#
# The workbook is read straight from its XML, one row at a time, rather than through
# openpyxl's read-only worksheets: those pad every row to the dimension the file declares
# (a 5 KB file can claim 16,384 columns by a million rows), skip merged cells and cannot tell
# a formula that was never calculated from an empty cell. openpyxl still supplies the date
# rules.

_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    ElementTree.ParseError,
    KeyError,
    IndexError,
    ValueError,
    EOFError,
    NotImplementedError,
    RuntimeError,  # an entry that needs a password
)
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # Excel's escape for characters XML cannot hold


@dataclass(frozen=True)
class _Workbook:
    """What reading a sheet's cells needs from the rest of the workbook."""

    archive: zipfile.ZipFile
    sheets: tuple[tuple[str, str], ...]  # (title, part) of each worksheet, in tab order
    strings: tuple[str, ...]
    dates: frozenset[int]  # styles whose number format is a date
    durations: frozenset[int]  # styles whose number format is a duration ([h]:mm)
    epoch: datetime


class _Counting:
    """A stream that counts what has been read from it, for progress."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


def read_xlsx(path: Path, progress: Progress | None = None) -> SourceTable:
    try:
        with zipfile.ZipFile(path) as archive:
            book = _open_workbook(archive)
            if not book.sheets:
                raise KnownError(f"{path.name} has no worksheets.")
            title, part = book.sheets[0]
            headers, rows = _read_sheet(book, title, part, path.name, progress)
            others = [other for other, at in book.sheets[1:] if _holds_values(archive, at)]
    except _DAMAGED as error:
        with contextlib.suppress(OSError), path.open("rb") as stream:
            if stream.read(len(OLE_START)) == OLE_START:
                raise KnownError(
                    f"{path.name} has a password, or is an old .xls workbook named .xlsx: "
                    "open it in Excel, remove the password or save it as an .xlsx workbook, "
                    "and try again."
                ) from error
        raise KnownError(f"{path.name} cannot be read as an Excel workbook ({error}).") from error
    if not headers and others:
        raise KnownError(
            f"{path.name}: the first sheet, '{title}', is empty, and Rapport reads only the "
            f"first sheet; the workbook's data is on {listing(others)}. Move that sheet to "
            "the front (drag its tab to the left), save, and try again."
        )
    notes = ()
    if others:
        notes = (
            f"Only the first sheet, '{title}', is read; the workbook also has {listing(others)}.",
        )
    if progress:
        progress(READING, 1.0)
    return SourceTable(headers, tuple(rows), f"Excel workbook, sheet '{title}'", notes)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _open_workbook(archive: zipfile.ZipFile) -> _Workbook:
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    book_part = _related(archive, "").get("officeDocument", [""])[0] or "xl/workbook.xml"
    by_id = _relationships(archive, book_part)
    by_kind = _related(archive, book_part)
    epoch = WINDOWS_EPOCH
    sheets = []
    for element in ElementTree.fromstring(archive.read(book_part)).iter():
        tag = _local(element.tag)
        if tag == "workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
            epoch = MAC_EPOCH
        elif tag == "sheet":
            key = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
            kind, target = by_id.get(key, ("", ""))
            if kind == "worksheet":
                sheets.append((element.get("name", ""), target))
    strings = by_kind.get("sharedStrings", [])
    styles = by_kind.get("styles", [])
    dates, durations = _date_styles(archive, styles[0]) if styles else (frozenset(), frozenset())
    return _Workbook(
        archive,
        tuple(sheets),
        _shared_strings(archive, strings[0]) if strings else (),
        dates,
        durations,
        epoch,
    )


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (kind, such as 'worksheet'; the target part)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in archive.namelist():
        return {}
    found = {}
    for element in ElementTree.fromstring(archive.read(rels)).iter():
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        target = element.get("Target", "")
        if target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        kind = element.get("Type", "").rpartition("/")[2]
        found[element.get("Id", "")] = (kind, target)
    return found


def _related(archive: zipfile.ZipFile, part: str) -> dict[str, list[str]]:
    """A part's relationships by kind: kind -> target parts."""
    by_kind: dict[str, list[str]] = {}
    for kind, target in _relationships(archive, part).values():
        by_kind.setdefault(kind, []).append(target)
    return by_kind


def _elements(source: Any, names: frozenset[str]) -> Iterator[ElementTree.Element]:
    """The elements called `names` as each ends; each is then dropped from the tree, so a part
    of any size streams through in little memory."""
    parents: list[ElementTree.Element] = []
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        if event == "start":
            parents.append(element)
            continue
        parents.pop()
        if _local(element.tag) in names:
            yield element
            if parents:
                parents[-1].remove(element)


def _text(element: ElementTree.Element) -> str:
    """The text of a shared or inline string: its runs, without phonetic hints."""
    parts = []
    for child in element:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(run.text or "" for run in child if _local(run.tag) == "t")
    return _unescaped("".join(parts))


def _unescaped(text: str) -> str:
    """Excel writes characters XML cannot hold (and a CR) as _xHHHH_, and '_' before such a
    look-alike as _x005F_."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda found: chr(int(found.group(1), 16)), text)


def _shared_strings(archive: zipfile.ZipFile, part: str) -> tuple[str, ...]:
    with archive.open(part) as source:
        return tuple(_text(item) for item in _elements(source, frozenset({"si"})))


def _date_styles(archive: zipfile.ZipFile, part: str) -> tuple[frozenset[int], frozenset[int]]:
    """The cell styles whose number format shows a date, and those showing a duration."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    root = ElementTree.fromstring(archive.read(part))
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    cell_styles: list[ElementTree.Element] = []
    for element in root:
        tag = _local(element.tag)
        if tag == "numFmts":
            for number_format in element:
                code = number_format.get("formatCode", "")
                formats[int(number_format.get("numFmtId", "0"))] = code
        elif tag == "cellXfs":
            cell_styles = list(element)
    dates, durations = set(), set()
    for index, style in enumerate(cell_styles):
        code = formats.get(int(style.get("numFmtId", "0")), "")
        if code and is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return frozenset(dates), frozenset(durations)


def _read_sheet(
    book: _Workbook, title: str, part: str, name: str, progress: Progress | None
) -> tuple[tuple[str, ...], list[SourceRow]]:
    """The header and rows of one sheet, from the rows the file really holds: missing rows
    cost nothing and no row grows past the header but for one cell, the first value beyond
    it, kept so that the import can say the row is wider than its header."""
    where = f"{name}, sheet '{title}'"
    size = max(book.archive.getinfo(part).file_size, 1)
    headers: tuple[str, ...] = ()
    header_row = 0
    rows: list[SourceRow] = []
    merged: list[str] = []
    shared: dict[str, tuple[str, str]] = {}  # a shared formula's id -> (its text, its cell)
    number = 0
    with book.archive.open(part) as raw:
        source = _Counting(raw)
        wanted = frozenset({"row", "mergeCell"})
        for seen, element in enumerate(_elements(source, wanted), start=1):
            if _local(element.tag) == "mergeCell":
                merged.append(element.get("ref", ""))
                continue
            number = int(element.get("r") or number + 1)
            found = _row_values(element, number, book, shared, where)
            if progress and seen % REPORT_EVERY == 0:
                progress(READING, min(source.count / size, 1.0))
            if not any(has_value(value) for _, value in found):
                continue
            if not headers:
                width = max(column for column, value in found if has_value(value))
                if width > MOST_COLUMNS:
                    raise KnownError(
                        f"{where}: the header row ({number}) runs to column "
                        f"{column_letters(width)}, and Rapport reads at most {MOST_COLUMNS:,} "
                        "columns; delete the columns to the right of the table and try again."
                    )
                named = dict(found)
                headers = tuple(
                    "" if named.get(column) is None else str(named[column]).strip()
                    for column in range(1, width + 1)
                )
                header_row = number
                continue
            rows.append(SourceRow(number, _row_cells(found, len(headers))))
    _refuse_merged(where, merged, header_row, len(headers))
    return headers, rows


def _row_values(
    row: ElementTree.Element,
    number: int,
    book: _Workbook,
    shared: dict[str, tuple[str, str]],
    where: str,
) -> list[tuple[int, Any]]:
    """(column, value) of each cell in a row that holds something."""
    found = []
    column = 0
    for cell in row:
        if _local(cell.tag) != "c":
            continue
        reference = cell.get("r")
        if reference:
            letters, _digits = cell_parts(reference)
            column = column_number(letters)
        else:
            column += 1
            reference = f"{column_letters(column)}{number}"
        value = _cell_value(cell, reference, book, shared, where)
        if value is not None:
            found.append((column, value))
    return found


def _cell_value(
    cell: ElementTree.Element,
    reference: str,
    book: _Workbook,
    shared: dict[str, tuple[str, str]],
    where: str,
) -> Any:
    """A cell's value as Excel last saved it: text, number, True/False, date or moment."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    kind = cell.get("t", "n")
    saved: str | None = None
    has_saved = False
    formula = inline = None
    for child in cell:
        tag = _local(child.tag)
        if tag == "v":
            saved, has_saved = child.text, True
        elif tag == "f":
            formula = child
        elif tag == "is":
            inline = child
    if kind == "inlineStr":
        return None if inline is None else _text(inline)
    if formula is not None and (not has_saved or (not saved and kind != "str")):
        raise KnownError(
            f"{where}, cell {reference}: {_formula_text(formula, reference, shared)} has no "
            "saved value (the workbook was written by a program, not saved by Excel); open "
            "the workbook in Excel and save it, then try again."
        )
    if formula is not None and formula.get("t") == "shared" and formula.text:
        shared[formula.get("si", "")] = (formula.text, reference)
    if saved is None:
        return None
    if kind == "s":
        return book.strings[int(saved)]
    if kind in ("str", "e"):  # a formula's text, or an error such as #N/A
        return _unescaped(saved)
    if kind == "b":
        return saved.strip().lower() in ("1", "true")
    if kind == "d":
        return from_ISO8601(saved)
    number = float(saved) if any(mark in saved for mark in ".eE") else int(saved)
    style = int(cell.get("s") or 0)
    if style in book.dates:
        with contextlib.suppress(OverflowError, ValueError):
            return from_excel(number, book.epoch, timedelta=style in book.durations)
    return number


def _formula_text(
    formula: ElementTree.Element, reference: str, shared: dict[str, tuple[str, str]]
) -> str:
    text = formula.text
    if not text and formula.get("si", "") in shared:
        from openpyxl.formula.translate import Translator

        source, origin = shared[formula.get("si", "")]
        with contextlib.suppress(Exception):  # only for the message
            text = Translator(f"={source}", origin=origin).translate_formula(reference)[1:]
    return f"the formula ={text}" if text else "a formula"


def _row_cells(found: list[tuple[int, Any]], width: int) -> tuple[Any, ...]:
    values: list[Any] = [None] * width
    beyond = None
    for column, value in found:
        if column <= width:
            values[column - 1] = value
        elif beyond is None and has_value(value):
            beyond = value
    if beyond is not None:
        values.append(beyond)
    return tuple(values)


def _refuse_merged(where: str, merged: list[str], header_row: int, width: int) -> None:
    """Merged cells hold one value for several rows (or columns): all but the first would be
    read as empty, so they are refused from the header on."""
    within = []
    across_rows = False
    for reference in merged:
        first, _, last = reference.partition(":")
        if not last:
            continue
        (left, top), (_right, bottom) = cell_at(first), cell_at(last)
        if header_row and bottom >= header_row and left <= width:
            within.append(reference)
            across_rows = across_rows or bottom > top
    if not within:
        return
    shown = within[:3]
    if len(within) > 3:
        shown.append(f"{len(within) - 3} more ranges")
    names = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    each = "row" if across_rows else "column"
    raise KnownError(
        f"{where}: cells {names} are merged; unmerge them so each {each} has its own value."
    )


def _holds_values(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a sheet has any cell with a value, reading only as far as the first."""
    with archive.open(part) as source:
        for row in _elements(source, frozenset({"row"})):
            for element in row.iter():
                if _local(element.tag) in ("v", "t") and (element.text or "").strip():
                    return True
    return False
