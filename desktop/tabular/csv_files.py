"""CSV as Excel on Windows writes it: UTF-8 (with or without a byte-order mark), UTF-16
(Excel's "Unicode text") or Windows-1252, separated by commas, semicolons or tabs, with quoted
fields that may hold separators, quotes and line breaks. A file in another encoding, or with its
quotes awry, is refused naming the line, never guessed at; text that a spreadsheet would run as
a formula is written with a leading quote, which reading takes off again."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from desktop import cells
from desktop.tabular.table import (
    CSV_BYTES,
    OLE_START,
    READING,
    REPORT_EVERY,
    ZIP_START,
    SourceRow,
    SourceTable,
    megabytes,
    written,
)
from models.errors import KnownError, Progress
from models.words import quoted

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


def read_csv_file(path: Path, progress: Progress | None = None) -> SourceTable:
    """A CSV file read whole, as long as it is no larger than CSV_BYTES: the file and its
    text are both held in memory, so a larger one is refused before it is read."""
    with path.open("rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        data = b"" if size > CSV_BYTES else stream.read(CSV_BYTES + 1)  # if it grew meanwhile
    if size > CSV_BYTES or len(data) > CSV_BYTES:
        raise KnownError(
            f"{path.name} is {megabytes(max(size, len(data)))}, and Rapport reads files up to "
            f"{megabytes(CSV_BYTES)}; split it into smaller files and import each in turn."
        )
    return read_csv(data, path.name, progress)


def read_csv(data: bytes, name: str, progress: Progress | None = None) -> SourceTable:
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
            if progress and number % REPORT_EVERY == 0:
                progress(READING, reader.line_num / len(lines))
            if not any(cell.strip() for cell in record):
                continue
            if not headers:
                headers = tuple(cells.unneutralised(cell).strip() for cell in record)
                continue
            if reader.line_num > line:
                span = (line, reader.line_num)
                _refuse_run_together(name, record, span, len(headers), delimiter)
            _refuse_loose_quote(name, record, line, "".join(lines[line - 1 : reader.line_num]))
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
    description = f"CSV, {encoding}, separated by {separator}"
    return SourceTable(headers, tuple(rows), description, separator=delimiter)


def _refuse_non_text(data: bytes, name: str) -> None:
    """A workbook saved with a .csv name would otherwise be read as garbled text."""
    if data.startswith(ZIP_START):
        raise KnownError(
            f"{name} is a zip file (most likely an Excel .xlsx workbook), not CSV text: "
            "if it is a workbook, rename it to end in .xlsx."
        )
    if data.startswith(OLE_START):
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
            f"{name}, line {line}: read as Windows-1252 it comes out garbled "
            f"({quoted(seen, 20)}), so the file {what}, which Rapport does not read: "
            f"{_SAVE_AS_UTF8}."
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
    return text.count("\n", 0, first.start()) + 1, word.group()  # the word it is in


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
    quote left open makes one record of several rows. A quoted value with a later line that
    reads as a row (`_looks_like_row`) is taken for that."""
    first, _last = span
    opened = first
    for value in record:
        breaks = len(_LINE_BREAK.findall(value))
        if breaks and _holds_rows(value, width, delimiter):
            raise _ran_together(name, opened, opened + breaks)
        opened += breaks


def _refuse_loose_quote(name: str, record: list[str], line: int, raw: str) -> None:
    """Refuse a quote inside a value that is not itself quoted: Excel quotes every value that
    holds one (doubling it), so a loose one means the quotes are awry and the row's values
    are not what the file meant (a quote left open can end a row early)."""
    for value in record:
        if '"' in value and f'"{value.replace(chr(34), chr(34) * 2)}"' not in raw:
            raise KnownError(
                f"{name}, line {line}: the value {quoted(value)} holds a quote but is not in "
                "quotes itself, so the row's quotes are awry; write the value in quotes, its quote "
                'doubled ("5"" floppy"), or check the quotes on this line and the one before.'
            )


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
    return any(_looks_like_row(part, width, delimiter) for part in later)


def _looks_like_row(line: str, width: int, delimiter: str) -> bool:
    """Whether a line inside a quoted value reads as a row of the file rather than prose: it
    splits into as many fields as the header, and (but for tabs, which prose does not hold)
    no field after the first starts with a space. Prose puts a space after its commas
    ('Flat 2, 12 High St, Leeds'); Excel writes a row's values straight after their
    separators, unless a value itself starts with a space."""
    fields = next(csv.reader([line], delimiter=delimiter), [])
    if len(fields) != width:
        return False
    return delimiter == "\t" or not any(field.startswith(" ") for field in fields[1:])


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
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
    return cells.neutralised(value) if isinstance(value, str) else written(value)
