"""Reading an .xlsx workbook's first visible sheet by its real rows, straight from its XML."""

from __future__ import annotations

import contextlib
import zipfile
import zlib
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from desktop.tabular.excel import (
    EXCEL_ROWS,
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
    within,
)
from desktop.tabular.xlsx_workbook import (
    Counting,
    Sheet,
    Workbook,
    elements,
    local,
    open_part,
    open_workbook,
    part_size,
    text_of,
    unescaped,
    with_strings,
)
from models.errors import KnownError, Progress
from models.words import clipped, quoted

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
_EXCEL_ERRORS = frozenset(  # what a cell shows when its formula fails
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#EXTERNAL!",
        "#PYTHON!",
    }
)
_SAVE_AGAIN = "open the workbook in Excel and save it, then try again"


def read_xlsx(path: Path, progress: Progress | None = None) -> SourceTable:
    """The header and rows of the first sheet a user sees (hidden sheets hold lookups and
    workings); `progress` hears how far the shared text and then the sheet have been read."""
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            book = open_workbook(archive, name)
            visible = [sheet for sheet in book.sheets if sheet.visible]
            if not visible:
                raise KnownError(_no_visible_sheet(book))
            sheet = visible[0]
            size = part_size(archive, sheet.part, name, f"sheet {quoted(sheet.title)}")
            strings = archive.getinfo(book.strings_part).file_size if book.strings_part else 0
            share = strings / (strings + size) if strings else 0.0  # of the time reading takes
            book = with_strings(book, within(progress, 0.0, share))
            headers, rows = _read_sheet(book, sheet, size, within(progress, share, 1.0))
            others = [other.title for other in visible[1:] if _holds_values(book, other)]
    except _DAMAGED as error:
        with contextlib.suppress(OSError), path.open("rb") as stream:
            if stream.read(len(OLE_START)) == OLE_START:
                raise KnownError(
                    f"{name} has a password, or is an old .xls workbook named .xlsx: "
                    "open it in Excel, remove the password or save it as an .xlsx workbook, "
                    "and try again."
                ) from error
        raise KnownError(
            f"{name} cannot be read as an Excel workbook ({clipped(str(error), 100)})."
        ) from error
    title = quoted(sheet.title)
    if not headers and others:
        raise KnownError(
            f"{name}: the first sheet, {title}, is empty, and Rapport reads only the "
            f"first sheet; the workbook's data is on {listing(others)}. Move that sheet to "
            "the front (drag its tab to the left), save, and try again."
        )
    notes: tuple[str, ...] = ()
    if others:
        also = listing(others)
        notes = (f"Only the first sheet, {title}, is read; the workbook also has {also}.",)
    if progress:
        progress(READING, 1.0)
    return SourceTable(headers, tuple(rows), f"Excel workbook, sheet {title}", notes)


def _no_visible_sheet(book: Workbook) -> str:
    if not book.sheets:
        return f"{book.name} has no worksheets."
    return (
        f"{book.name}: every sheet is hidden ({listing([sheet.title for sheet in book.sheets])}), "
        "and Rapport reads the first sheet you can see; in Excel, unhide the sheet to import "
        "(right-click a sheet tab ▸ Unhide), save, and try again."
    )


def _read_sheet(
    book: Workbook, sheet: Sheet, size: int, progress: Progress | None
) -> tuple[tuple[str, ...], list[SourceRow]]:
    """The header and rows of one sheet, from the rows the file really holds: missing rows
    cost nothing and no row grows past the header but for one cell, the first value beyond
    it, kept so that the import can say the row is wider than its header. A sheet with more
    rows than Excel's own cannot come from Excel, and is refused before it fills the memory."""
    where = f"{book.name}, sheet {quoted(sheet.title)}"
    headers: tuple[str, ...] = ()
    header_row = 0
    rows: list[SourceRow] = []
    merged: list[str] = []
    shared: dict[str, tuple[str, str]] = {}  # a shared formula's id -> (its text, its cell)
    number = 0
    with book.archive.open(sheet.part) as raw:
        source = Counting(raw)
        wanted = frozenset({"row", "mergeCell"})
        for seen, element in enumerate(elements(source, wanted), start=1):
            if local(element.tag) == "mergeCell":
                merged.append(element.get("ref", ""))
                continue
            number = int(element.get("r") or number + 1)
            if number > EXCEL_ROWS or seen > EXCEL_ROWS:
                raise KnownError(
                    f"{where}: the sheet has rows beyond row {EXCEL_ROWS:,}, the last an Excel "
                    f"sheet has, so the workbook is damaged or was not saved by Excel; "
                    f"{_SAVE_AGAIN}."
                )
            found = _row_values(element, number, book, shared, where)
            if progress and seen % REPORT_EVERY == 0:
                progress(READING, min(source.count / max(size, 1), 1.0))
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
    book: Workbook,
    shared: dict[str, tuple[str, str]],
    where: str,
) -> list[tuple[int, Any]]:
    """(column, value) of each cell in a row that holds something."""
    found = []
    column = 0
    for cell in row:
        if local(cell.tag) != "c":
            continue
        reference = cell.get("r")
        if reference:
            letters, _digits = cell_parts(reference)
            column = column_number(letters)
        else:
            column += 1
            reference = f"{column_letters(column)}{number}"
        try:
            value = _cell_value(cell, reference, book, shared, where)
        except (ValueError, OverflowError) as error:
            raise KnownError(
                f"{where}, cell {reference}: the value cannot be read "
                f"({clipped(str(error), 80)}), so the workbook is damaged; {_SAVE_AGAIN}."
            ) from error
        if value is not None:
            found.append((column, value))
    return found


def _cell_value(
    cell: ElementTree.Element,
    reference: str,
    book: Workbook,
    shared: dict[str, tuple[str, str]],
    where: str,
) -> Any:
    """A cell's value as Excel last saved it: text, number, True/False, date or moment. An
    error a formula left (#N/A from a VLOOKUP that found nothing) is no value at all, and
    would land in a text field as if it were one, so it is refused naming the cell."""
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    kind = cell.get("t", "n")
    saved: str | None = None
    has_saved = False
    formula = inline = None
    for child in cell:
        tag = local(child.tag)
        if tag == "v":
            saved, has_saved = child.text, True
        elif tag == "f":
            formula = child
        elif tag == "is":
            inline = child
    if kind == "inlineStr":
        return None if inline is None else text_of(inline)
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
        return _shared_string(book, saved, reference, where)
    if kind == "e":
        _refuse_error(saved, reference, where)
        return None  # an error cell saved without its error
    if kind == "str":  # a formula's text
        return unescaped(saved)
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


def _shared_string(book: Workbook, saved: str, reference: str, where: str) -> str:
    index = int(saved)
    if not 0 <= index < len(book.strings):  # a negative index would quietly read another
        raise KnownError(
            f"{where}, cell {reference}: refers to shared text number "
            f"{clipped(saved.strip(), 20)}, but the workbook's shared text has "
            f"{len(book.strings):,} entries (numbered from 0), so the workbook is damaged; "
            f"{_SAVE_AGAIN}."
        )
    return book.strings[index]


def _refuse_error(saved: str, reference: str, where: str) -> None:
    error = saved.strip()
    if not error:
        return
    shown = error if error in _EXCEL_ERRORS else quoted(error)
    raise KnownError(
        f"{where}, cell {reference}: holds Excel's error {shown}, not a value; put the value "
        "right in Excel and save, then try again."
    )


def _formula_text(
    formula: ElementTree.Element, reference: str, shared: dict[str, tuple[str, str]]
) -> str:
    text = formula.text
    if not text and formula.get("si", "") in shared:
        from openpyxl.formula.translate import Translator

        source, origin = shared[formula.get("si", "")]
        with contextlib.suppress(Exception):  # only for the message
            text = Translator(f"={source}", origin=origin).translate_formula(reference)[1:]
    return f"the formula ={clipped(text, 60)}" if text else "a formula"


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
    within_table = []
    across_rows = False
    for reference in merged:
        first, _, last = reference.partition(":")
        if not last:
            continue
        (left, top), (_right, bottom) = cell_at(first), cell_at(last)
        if header_row and bottom >= header_row and left <= width:
            within_table.append(reference)
            across_rows = across_rows or bottom > top
    if not within_table:
        return
    shown = within_table[:3]
    if len(within_table) > 3:
        shown.append(f"{len(within_table) - 3} more ranges")
    names = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    each = "row" if across_rows else "column"
    raise KnownError(
        f"{where}: cells {names} are merged; unmerge them so each {each} has its own value."
    )


def _holds_values(book: Workbook, sheet: Sheet) -> bool:
    """Whether a sheet has any cell with a value, reading only as far as the first."""
    what = f"sheet {quoted(sheet.title)}"
    with open_part(book.archive, sheet.part, book.name, what) as source:
        for row in elements(source, frozenset({"row"})):
            for element in row.iter():
                if local(element.tag) in ("v", "t") and (element.text or "").strip():
                    return True
    return False
