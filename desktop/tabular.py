"""Reading and writing tables the way Excel on Windows makes them: CSV and .xlsx.

CSV comes as UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text") or
Windows-1252, separated by commas, semicolons or tabs, with quoted fields that may hold
separators, quotes and line breaks. An .xlsx file is read from its first sheet, keeping real
date cells as dates.

Neither direction trusts what it is handed. A file may claim a million rows, leave a quote open
or be in an encoding it does not say; a stored value may start like a formula or hold a control
character. Each such case is refused with a message that says where, or written so that it
stays plain text, and nothing is ever written outside the target's own folder.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from desktop import cells
from models.errors import KnownError, Progress

SUPPORTED = (".csv", ".xlsx")

READING = "Reading the file"  # the stage `read_table` reports to its progress callback
_REPORT_EVERY = 256  # rows between progress reports

_EXCEL_ROWS = 1_048_576  # a sheet's rows, the header's included
_EXCEL_TEXT = 32_767  # characters in one cell
_MOST_COLUMNS = 1_000  # far beyond any table Rapport reads; a wider header is a damaged file

_ZIP_START = b"PK\x03\x04"
_OLE_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, or an Office file with a password


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
        if suffix == ".xlsx":
            table = _read_xlsx(path, progress)
        else:
            table = _read_csv(path.read_bytes(), path.name, progress)
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


def _has_value(cell: Any) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip()))


def _listing(names: Sequence[str]) -> str:
    """'A', 'A' and 'B', or 'A', 'B' and 'C'."""
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


# ---------------------------------------------------------------------------------- CSV reading

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # as io.StringIO(newline="") splits lines
_SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
_SEP_LINE = re.compile(r"sep=([^\r\n])[\r\n]*", re.IGNORECASE)  # Excel's hint, on line 1

_BYTE_ORDER_MARKS = (  # UTF-32 first: its little-endian mark starts like UTF-16's
    (b"\xef\xbb\xbf", "utf-8", "UTF-8 with byte-order mark"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 little-endian with byte-order mark"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 big-endian with byte-order mark"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 little-endian with byte-order mark"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 big-endian with byte-order mark"),
)
_UTF16_LABELS = {"utf-16-le": "UTF-16 little-endian", "utf-16-be": "UTF-16 big-endian"}
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))

# Signs that Windows-1252 is the wrong reading: a byte it leaves undefined, a run of non-ASCII
# characters holding an unusual symbol (‘ÇÑ±¹¾î’ for 한국어) or four long (‘Ïðèâåò’ for Привет),
# or such a symbol between two letters (‘ŽR“c’ for 山田). Genuine Western text has accented
# letters (at most three together: Ærø) and typographic marks instead.
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_USUAL_MARKS = set("’‘“”„…–—«»·•€£°±×\xa0")
_USUAL_BETWEEN_LETTERS = set("’‘·–—…")  # don’t, col·lecció, well–known
_LETTER = r"[^\W\d_]"
_WORD = re.compile(r"[^\s,;]+")
_BETWEEN_LETTERS = re.compile(rf"(?<={_LETTER})[^\x00-\x7f](?={_LETTER})")

_ENCODING_NAMES = {
    "cp932": "Shift-JIS (cp932)",
    "shift_jis": "Shift-JIS (cp932)",
    "shift_jis_2004": "Shift-JIS (cp932)",
    "shift_jisx0213": "Shift-JIS (cp932)",
    "euc_jp": "EUC-JP",
    "gb2312": "Chinese GBK (gb18030)",
    "gbk": "Chinese GBK (gb18030)",
    "gb18030": "Chinese GBK (gb18030)",
    "big5": "Big5 (cp950)",
    "big5hkscs": "Big5 (cp950)",
    "cp950": "Big5 (cp950)",
    "cp949": "Korean (cp949)",
    "euc_kr": "Korean (cp949)",
    "cp1250": "Central European (Windows-1250)",
    "iso8859_2": "Central European (ISO-8859-2)",
    "cp1251": "Cyrillic (Windows-1251)",
    "koi8_r": "Cyrillic (KOI8-R)",
    "cp1253": "Greek (Windows-1253)",
    "cp1254": "Turkish (Windows-1254)",
    "cp1255": "Hebrew (Windows-1255)",
    "cp1256": "Arabic (Windows-1256)",
    "cp1257": "Baltic (Windows-1257)",
    "cp874": "Thai (Windows-874)",
}
_WESTERN = {"ascii", "utf_8", "cp1252", "latin_1", "iso8859_15", "cp850", "cp437", "mac_roman"}
_SAVE_AS_UTF8 = (
    "save it as UTF-8 (in Excel: Save As ▸ 'CSV UTF-8 (Comma delimited)') and import that"
)


def _read_csv(data: bytes, name: str, progress: Progress | None = None) -> SourceTable:
    _refuse_non_text(data, name)
    text, encoding = _decode(data, name)
    lines = io.StringIO(text, newline="").readlines()
    delimiter = _delimiter(lines)
    # Strict: text after a closing quote, or a quote never closed, is a broken file, never a
    # value to guess at (the lenient reading made one customer of two rows, or three of one).
    reader = csv.reader(iter(lines), delimiter=delimiter, strict=True)
    headers: tuple[str, ...] = ()
    rows = []
    starts = 1
    try:
        for number, record in enumerate(reader, start=1):
            line, starts = starts, reader.line_num + 1
            if progress and number % _REPORT_EVERY == 0:
                progress(READING, reader.line_num / len(lines))
            if not any(cell.strip() for cell in record):
                continue
            if not headers:
                headers = tuple(cells.unneutralised(cell).strip() for cell in record)
                continue
            if reader.line_num > line:
                span = (line, reader.line_num)
                _refuse_run_together(name, record, span, len(headers), delimiter)
            rows.append(SourceRow(line, tuple(cells.unneutralised(cell) for cell in record)))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise KnownError(
                f"{name}, line {starts}: a value starting on this line runs on for more than "
                f"{csv.field_size_limit():,} characters, so a quote opened on it is most likely "
                f"never closed; check the quotes on line {starts}."
            ) from error
        if "unexpected end of data" in str(error):
            raise KnownError(
                f"{name}, line {starts}: a quote opened here is never closed, so every line "
                f"after it was read as one value; check the quotes on line {starts}."
            ) from error
        if "expected after" in str(error) and reader.line_num > starts:
            raise _ran_together(name, starts, reader.line_num) from error
        if "expected after" in str(error):
            raise KnownError(
                f"{name}, line {reader.line_num}: a value's closing quote is followed by more "
                f"text, so the quotes of the row starting on line {starts} do not pair up; "
                f"check them."
            ) from error
        raise KnownError(f"{name}, line {starts}: cannot be read as CSV ({error}).") from error
    if progress:
        progress(READING, 1.0)
    separator = _SEPARATORS.get(delimiter, f"'{delimiter}'")
    return SourceTable(headers, tuple(rows), f"CSV, {encoding}, separated by {separator}")


def _refuse_non_text(data: bytes, name: str) -> None:
    """A workbook saved with a .csv name would otherwise be read as garbled text."""
    if data.startswith(_ZIP_START):
        raise KnownError(
            f"{name} is a zip file (most likely an Excel .xlsx workbook), not CSV text: "
            "if it is a workbook, rename it to end in .xlsx."
        )
    if data.startswith(_OLE_START):
        raise KnownError(
            f"{name} is an old Excel .xls workbook (or another Office file), not CSV text: "
            f"open it in Excel and {_SAVE_AS_UTF8}."
        )


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text and the name of its encoding: a byte-order mark, UTF-16 by its NUL bytes,
    UTF-8, or else Windows-1252 unless that reading comes out garbled."""
    for mark, codec, label in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return _decode_as(data[len(mark) :], codec, label, name), label
    codec = _utf16_without_mark(data)
    if codec is not None:
        label = _UTF16_LABELS[codec]
        return _decode_as(data, codec, label, name), label
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as error:
        failed = data[: error.start].count(b"\n") + 1
    if _mostly_utf8(data):
        raise KnownError(
            f"{name}, line {failed}: this line is not UTF-8, though the rest of the file is; "
            f"{_SAVE_AS_UTF8}."
        )
    text = data.decode("cp1252", errors="replace")
    garbled = _garbled_at(text)
    if garbled is not None:
        line, seen = garbled
        likely = _likely_encoding(data)
        what = f"looks like {likely} text" if likely else "is neither UTF-8 nor Windows-1252"
        raise KnownError(
            f"{name}, line {line}: read as Windows-1252 it comes out garbled ('{seen}'), so the "
            f"file {what}, which Rapport does not read: {_SAVE_AS_UTF8}."
        )
    return text, "Windows-1252"


def _decode_as(data: bytes, codec: str, label: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as error:
        line = data[: error.start].decode(codec, errors="replace").count("\n") + 1
        raise KnownError(
            f"{name}, line {line}: the file looks like {label} but this line is not; "
            f"{_SAVE_AS_UTF8}."
        ) from error


def _utf16_without_mark(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark has a NUL in every other byte of its ASCII text."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd >= pairs / 4 and even * 8 <= odd:
        return "utf-16-le"
    if even >= pairs / 4 and odd * 8 <= even:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """Whether most non-ASCII bytes form UTF-8 sequences: a UTF-8 file with a stray line."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    in_sequences = sum(len(found) for found in _UTF8_SEQUENCE.findall(data))
    return in_sequences >= 4 and in_sequences >= 0.8 * high


def _garbled_at(text: str) -> tuple[int, str] | None:
    """Where text read as Windows-1252 looks like another encoding read wrongly: the line
    and the odd-looking characters first seen, or None where it reads as genuine text."""
    odd = [
        found
        for found in _NON_ASCII_RUN.finditer(text)
        if "\ufffd" in found.group()
        or len(found.group()) >= 4  # four accented letters together: Cyrillic, Greek…
        or (len(found.group()) >= 2 and any(_unusual(char) for char in found.group()))
    ]
    odd += [
        found
        for found in _BETWEEN_LETTERS.finditer(text)
        if not found.group().isalpha() and found.group() not in _USUAL_BETWEEN_LETTERS
    ]
    runs = len(_NON_ASCII_RUN.findall(text))
    if not odd or len(odd) * 4 < runs:
        return None
    first = min(odd, key=lambda found: found.start())
    window = _WORD.finditer(text, max(first.start() - 20, 0), first.end() + 20)
    word = next((w for w in window if w.start() <= first.start() < w.end()), first)
    return text.count("\n", 0, first.start()) + 1, word.group()[:20]  # the word it is in


def _unusual(char: str) -> bool:
    return not char.isalpha() and char not in _USUAL_MARKS


def _likely_encoding(data: bytes) -> str | None:
    """A name for the file's encoding when one can be told, for the message."""
    with contextlib.suppress(UnicodeDecodeError):
        if re.search("[\u3040-\u30ff]", data.decode("cp932")):  # kana: Japanese alone has them
            return _ENCODING_NAMES["cp932"]
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding in _WESTERN:
        return None
    return _ENCODING_NAMES.get(best.encoding, best.encoding)


def _delimiter(lines: list[str]) -> str:
    """The separator that splits the header line into the most fields (commas on a tie), or
    the one a first line `sep=;` names (that line is then blanked, keeping line numbers)."""
    if lines:
        hint = _SEP_LINE.fullmatch(lines[0])
        if hint:
            lines[0] = "\n"
            return hint.group(1)
    header = next((line for line in lines if line.strip()), "")
    return max(_SEPARATORS, key=lambda separator: _field_count(header, separator))


def _field_count(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _refuse_run_together(
    name: str,
    record: list[str],
    span: tuple[int, int],
    width: int,
    delimiter: str,
) -> None:
    """Refuse a record whose quoted value swallowed line breaks and what looks like rows: a
    quote left open makes one record of several rows. A quoted value whose later lines split
    into as many fields as the header is taken for that."""
    first, _last = span
    opened = first
    for value in record:
        breaks = len(_LINE_BREAK.findall(value))
        if breaks and _holds_rows(value, width, delimiter):
            raise _ran_together(name, opened, opened + breaks)
        opened += breaks


def _ran_together(name: str, opened: int, closed: int) -> KnownError:
    rows = "two rows" if closed == opened + 1 else f"the rows on lines {opened} to {closed}"
    return KnownError(
        f"{name}, line {opened}: a quote opened here is not closed until line {closed}, so "
        f"{rows} ran together; check the quotes on line {opened}."
    )


def _holds_rows(value: str, width: int, delimiter: str) -> bool:
    if width < 2:  # in a one-column file every line looks like a row
        return False
    later = _LINE_BREAK.split(value)[1:]
    return any(_field_count(part, delimiter) == width for part in later)


# --------------------------------------------------------------------------------- .xlsx reading
#
# The workbook is read straight from its XML, one row at a time, rather than through
# openpyxl's read-only worksheets: those pad every row to the dimension the file declares
# (a 5 KB file can claim 16,384 columns by a million rows), skip merged cells and cannot tell
# a formula that was never calculated from an empty cell. openpyxl still supplies the date
# rules.

_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")
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


def _read_xlsx(path: Path, progress: Progress | None = None) -> SourceTable:
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
            if stream.read(len(_OLE_START)) == _OLE_START:
                raise KnownError(
                    f"{path.name} has a password, or is an old .xls workbook named .xlsx: "
                    "open it in Excel, remove the password or save it as an .xlsx workbook, "
                    "and try again."
                ) from error
        raise KnownError(f"{path.name} cannot be read as an Excel workbook ({error}).") from error
    if not headers and others:
        raise KnownError(
            f"{path.name}: the first sheet, '{title}', is empty, and Rapport reads only the "
            f"first sheet; the workbook's data is on {_listing(others)}. Move that sheet to "
            "the front (drag its tab to the left), save, and try again."
        )
    notes = ()
    if others:
        notes = (
            f"Only the first sheet, '{title}', is read; the workbook also has {_listing(others)}.",
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
            if progress and seen % _REPORT_EVERY == 0:
                progress(READING, min(source.count / size, 1.0))
            if not any(_has_value(value) for _, value in found):
                continue
            if not headers:
                width = max(column for column, value in found if _has_value(value))
                if width > _MOST_COLUMNS:
                    raise KnownError(
                        f"{where}: the header row ({number}) runs to column "
                        f"{_letters(width)}, and Rapport reads at most {_MOST_COLUMNS:,} "
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
            letters, _digits = _parts(reference)
            column = _column(letters)
        else:
            column += 1
            reference = f"{_letters(column)}{number}"
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
        elif beyond is None and _has_value(value):
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
        (left, top), (_right, bottom) = _cell_at(first), _cell_at(last)
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


def _parts(reference: str) -> tuple[str, int]:
    found = _CELL.fullmatch(reference)
    if not found:
        raise ValueError(f"'{reference}' is not a cell")
    return found.group(1), int(found.group(2))


def _cell_at(reference: str) -> tuple[int, int]:
    letters, row = _parts(reference)
    return _column(letters), row


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@lru_cache(maxsize=4096)
def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# -------------------------------------------------------------------------------------- writing


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
    writer = _write_xlsx if suffix == ".xlsx" else _write_csv
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


def _write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Text that a spreadsheet would run as a formula gets a leading quote (`cells.neutralised`),
    which the reader takes off again; numbers, dates and control characters go as they are."""
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([_csv_text(header) for header in headers])
        for row in rows:
            writer.writerow(["" if cell is None else _csv_text(cell) for cell in row])
            count += 1
    return count


def _csv_text(value: Any) -> str:
    if isinstance(value, str):
        return cells.neutralised(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)  # a float in full: repr's shortest digits that read back the same


# The .xlsx is written by hand, streamed into the zip: openpyxl's write-only workbook keeps
# each sheet in a file in the system's temporary folder until the end (plain text of an
# encrypted database, left there if the export is killed) and turns text starting with '='
# into a live formula. Here every text is an inline string, never a formula.

_XLSX_NAMESPACE = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_START = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XLSX_PARTS = {
    "[Content_Types].xml": (
        f"{_XML_START}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{_OFFICE}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'{_XML_START}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'{_XML_START}<workbook xmlns="{_XLSX_NAMESPACE}" xmlns:r="{_RELATIONSHIPS}">'
        "<bookViews><workbookView/></bookViews>"
        '<sheets><sheet name="Rapport" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{_XML_START}<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (  # cell styles: 0 plain, 1 bold (the header), 2 a date, 3 a moment
        f'{_XML_START}<styleSheet xmlns="{_XLSX_NAMESPACE}">'
        '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
        '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        "</borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_PART = "xl/worksheets/sheet1.xml"
_SHEET_START = f'{_XML_START}<worksheet xmlns="{_XLSX_NAMESPACE}"><sheetData>'
_SHEET_END = "</sheetData></worksheet>"
_BOLD, _DAY, _MOMENT = 1, 2, 3
_EXACT_WHOLE = 10**15  # Excel keeps 15 digits: a longer whole number is written as text
# XML 1.0 cannot hold these at all; a CR it would read back as a line feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ESCAPE_LOOKALIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, xml in _XLSX_PARTS.items():
            archive.writestr(part, xml)
        with archive.open(_SHEET_PART, "w") as sheet:
            sheet.write(_SHEET_START.encode())
            sheet.write(_xlsx_row(path, headers, 1, headers, _BOLD).encode())
            pending: list[str] = []
            for count, row in enumerate(rows, start=1):
                if count >= _EXCEL_ROWS:
                    raise KnownError(
                        f"{_target_name(path)}: an Excel sheet holds at most "
                        f"{_EXCEL_ROWS - 1:,} rows below its header; export as CSV instead."
                    )
                pending.append(_xlsx_row(path, headers, count + 1, row))
                if len(pending) == _REPORT_EVERY:
                    sheet.write("".join(pending).encode())
                    pending.clear()
            sheet.write(("".join(pending) + _SHEET_END).encode())
    return count


def _target_name(part: Path) -> str:
    """The name of the file a `.name.part` becomes, for messages."""
    return part.name.removeprefix(".").removesuffix(".part")


def _xlsx_row(
    path: Path, headers: Sequence[str], number: int, values: Sequence[Any], style: int = 0
) -> str:
    written = []
    for index, value in enumerate(values):
        if value is None or value == "":
            continue
        reference = f"{_letters(index + 1)}{number}"
        if isinstance(value, str) and len(value) > _EXCEL_TEXT:
            column = headers[index] if index < len(headers) else _letters(index + 1)
            raise KnownError(
                f"{_target_name(path)}, line {number}, column {column}: the text is "
                f"{len(value):,} characters long, and an Excel cell holds at most "
                f"{_EXCEL_TEXT:,}; export as CSV instead."
            )
        written.append(_xlsx_cell(reference, value, style))
    return f'<row r="{number}">{"".join(written)}</row>'


def _xlsx_cell(reference: str, value: Any, style: int) -> str:
    """One cell: a number, True/False, date or moment as such; anything else as text, which
    Excel shows as it is and never runs as a formula."""
    from openpyxl.utils.datetime import to_excel

    styled = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{reference}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) and abs(value) < _EXACT_WHOLE:
        return f'<c r="{reference}"{styled}><v>{value}</v></c>'
    if isinstance(value, float) and math.isfinite(value):
        return f'<c r="{reference}"{styled}><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        serial = to_excel(value.replace(tzinfo=None))
        return f'<c r="{reference}" s="{_MOMENT}"><v>{serial!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{reference}" s="{_DAY}"><v>{int(to_excel(value))}</v></c>'
    text = value if isinstance(value, str) else _csv_text(value)
    return (
        f'<c r="{reference}"{styled} t="inlineStr">'
        f'<is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'
    )


def _xml_text(text: str) -> str:
    """Text as XML can hold it and Excel reads it back exactly. A control character XML
    cannot hold (NUL and the rest of C0 but tab, LF and CR) becomes U+FFFD, the replacement
    character, rather than vanishing: the reader sees that something stood there, and words
    either side are not silently joined. A CR is written as a character reference, which XML
    does not turn into a line feed, and a literal '_x0041_' gets Excel's escaped underscore
    so that Excel does not show it as 'A'."""
    text = _ESCAPE_LOOKALIKE.sub(r"_x005F_\1", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub("\ufffd", text.replace("\r", "&#13;"))
