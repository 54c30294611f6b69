"""An .xlsx workbook's parts that its sheets rely on: the list of sheets, the shared text and
the date styles, each part unpacked only within the size limits of `excel`.

The parts are read straight from their XML, streamed so that a part of any size passes
through in little memory; openpyxl still supplies the date rules."""

from __future__ import annotations

import dataclasses
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any
from xml.etree import ElementTree

from desktop.tabular import excel
from desktop.tabular.table import READING, REPORT_EVERY, megabytes
from models.errors import KnownError, Progress
from models.words import quoted

_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # Excel's escape for characters XML cannot hold
_SURROGATE = re.compile("[\ud800-\udfff]")
_HIDDEN = ("hidden", "veryHidden")  # a sheet's states other than 'visible'


@dataclass(frozen=True)
class Sheet:
    title: str
    part: str  # where its XML is in the zip
    visible: bool  # hidden sheets hold lookups and workings, never the table to import


@dataclass(frozen=True)
class Workbook:
    """What reading a sheet's cells needs from the rest of the workbook."""

    archive: zipfile.ZipFile
    name: str  # the file's name, for messages
    sheets: tuple[Sheet, ...]  # every worksheet, in tab order
    strings_part: str | None  # where the shared text is, if the workbook has any
    dates: frozenset[int]  # styles whose number format is a date
    durations: frozenset[int]  # styles whose number format is a duration ([h]:mm)
    epoch: datetime
    strings: tuple[str, ...] = ()  # the shared text, once `with_strings` has read it


class Counting:
    """A stream that counts what has been read from it, for progress."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.count += len(data)
        return data


def open_workbook(archive: zipfile.ZipFile, name: str) -> Workbook:
    """The workbook's sheets, date styles and epoch; its shared text is read apart, by
    `with_strings`, so that reading it can report progress."""
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    book_part = _related(archive, "", name).get("officeDocument", [""])[0] or "xl/workbook.xml"
    by_id = _relationships(archive, book_part, name)
    by_kind = _related(archive, book_part, name)
    epoch = WINDOWS_EPOCH
    sheets = []
    what = "its list of sheets"
    for element in ElementTree.fromstring(read_part(archive, book_part, name, what)).iter():
        tag = local(element.tag)
        if tag == "workbookPr" and element.get("date1904", "").lower() in ("1", "true"):
            epoch = MAC_EPOCH
        elif tag == "sheet":
            key = next((v for k, v in element.attrib.items() if local(k) == "id"), "")
            kind, target = by_id.get(key, ("", ""))
            if kind == "worksheet":
                visible = element.get("state", "visible") not in _HIDDEN
                sheets.append(Sheet(element.get("name", ""), target, visible))
    strings = by_kind.get("sharedStrings", [])
    styles = by_kind.get("styles", [])
    dates, durations = (
        _date_styles(archive, styles[0], name) if styles else (frozenset(), frozenset())
    )
    return Workbook(
        archive, name, tuple(sheets), strings[0] if strings else None, dates, durations, epoch
    )


def part_size(
    archive: zipfile.ZipFile, part: str, name: str, what: str, limit: int | None = None
) -> int:
    """A part's size unpacked, as the zip declares it (zipfile never unpacks more); a part
    larger than `limit` (PART_BYTES unless said) is refused before anything of it is read.
    `what` names the part for the user: "sheet 'Data'"."""
    size = archive.getinfo(part).file_size
    limit = excel.PART_BYTES if limit is None else limit
    if size > limit:
        raise KnownError(
            f"{name}: {what} unpacks to {megabytes(size)}, and Rapport reads files up to "
            f"{megabytes(limit)} unpacked; split the table into smaller workbooks and import "
            "each in turn."
        )
    return size


def open_part(archive: zipfile.ZipFile, part: str, name: str, what: str | None = None) -> IO[bytes]:
    """A part to stream, once its size is known to be within PART_BYTES."""
    part_size(archive, part, name, what or f"its part {quoted(part)}")
    return archive.open(part)


def read_part(archive: zipfile.ZipFile, part: str, name: str, what: str | None = None) -> bytes:
    """A small part (the list of sheets, the styles, relationships) read whole, once its size
    is known to be within PART_BYTES."""
    with open_part(archive, part, name, what) as source:
        return source.read()


def with_strings(book: Workbook, progress: Progress | None = None) -> Workbook:
    """The workbook with its shared text read; `progress` hears how far, and may cancel."""
    if book.strings_part is None:
        return book
    what = "the text of its cells (its shared strings)"
    size = part_size(book.archive, book.strings_part, book.name, what, excel.STRINGS_BYTES)
    strings = []
    with book.archive.open(book.strings_part) as raw:
        source = Counting(raw)
        for count, item in enumerate(elements(source, frozenset({"si"})), start=1):
            strings.append(text_of(item))
            if progress and count % REPORT_EVERY == 0:
                progress(READING, min(source.count / max(size, 1), 1.0))
    return dataclasses.replace(book, strings=tuple(strings))


def local(tag: str) -> str:
    return tag.rpartition("}")[2]


def elements(source: Any, names: frozenset[str]) -> Iterator[ElementTree.Element]:
    """The elements called `names` as each ends. Each is then dropped from the tree, and so
    is every element outside them as it ends, so a part of any size streams through in
    little memory: a few kilobytes of zip can unpack to millions of elements read for
    nothing, and not one of them is kept."""
    parents: list[ElementTree.Element] = []
    wanted: dict[str, bool] = {}  # by tag, namespace and all
    inside = 0  # how many of the open elements are wanted ones
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        tag = element.tag
        if tag not in wanted:
            wanted[tag] = local(tag) in names
        if event == "start":
            parents.append(element)
            inside += wanted[tag]
            continue
        parents.pop()
        if wanted[tag]:
            inside -= 1
            yield element
        if parents and (wanted[tag] or not inside):
            parents[-1].remove(element)


def text_of(element: ElementTree.Element) -> str:
    """The text of a shared or inline string: its runs, without phonetic hints."""
    parts = []
    for child in element:
        tag = local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(run.text or "" for run in child if local(run.tag) == "t")
    return unescaped("".join(parts))


def unescaped(text: str) -> str:
    """Excel writes characters XML cannot hold (and a CR) as _xHHHH_, and '_' before such a
    look-alike as _x005F_. A character beyond U+FFFF comes as two escapes, a surrogate pair,
    which is joined into one; a surrogate alone is no character at all (text holding one
    cannot be saved or shown), so it becomes U+FFFD, the replacement character."""
    if "_x" not in text:
        return text
    text = _ESCAPED.sub(lambda found: chr(int(found.group(1), 16)), text)
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _relationships(archive: zipfile.ZipFile, part: str, name: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (kind, such as 'worksheet'; the target part)."""
    folder, base = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{base}.rels")
    if rels not in archive.namelist():
        return {}
    found = {}
    for element in ElementTree.fromstring(read_part(archive, rels, name)).iter():
        if local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        target = element.get("Target", "")
        if target.startswith("/"):
            target = target.lstrip("/")
        else:
            target = posixpath.normpath(posixpath.join(folder, target))
        kind = element.get("Type", "").rpartition("/")[2]
        found[element.get("Id", "")] = (kind, target)
    return found


def _related(archive: zipfile.ZipFile, part: str, name: str) -> dict[str, list[str]]:
    """A part's relationships by kind: kind -> target parts."""
    by_kind: dict[str, list[str]] = {}
    for kind, target in _relationships(archive, part, name).values():
        by_kind.setdefault(kind, []).append(target)
    return by_kind


def _date_styles(
    archive: zipfile.ZipFile, part: str, name: str
) -> tuple[frozenset[int], frozenset[int]]:
    """The cell styles whose number format shows a date, and those showing a duration."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format

    root = ElementTree.fromstring(read_part(archive, part, name, "its styles"))
    formats: dict[int, str] = dict(BUILTIN_FORMATS)
    cell_styles: list[ElementTree.Element] = []
    for element in root:
        tag = local(element.tag)
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
