"""Writing an .xlsx workbook: one sheet, streamed into the zip, every text a string."""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from desktop.tabular.excel import EXCEL_ROWS, EXCEL_TEXT, column_letters
from desktop.tabular.table import REPORT_EVERY, written
from models.errors import KnownError

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


def write_xlsx(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, xml in _XLSX_PARTS.items():
            archive.writestr(part, xml)
        # ZIP64 from the start: the sheet's size is known only at its end, and a sheet past
        # 2 GiB written without it fails there, the export lost.
        with archive.open(_SHEET_PART, "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_START.encode())
            sheet.write(_xlsx_row(path, headers, 1, headers, _BOLD).encode())
            pending: list[str] = []
            for count, row in enumerate(rows, start=1):
                if count >= EXCEL_ROWS:
                    raise KnownError(
                        f"{_target_name(path)}: an Excel sheet holds at most "
                        f"{EXCEL_ROWS - 1:,} rows below its header; export as CSV instead."
                    )
                pending.append(_xlsx_row(path, headers, count + 1, row))
                if len(pending) == REPORT_EVERY:
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
        reference = f"{column_letters(index + 1)}{number}"
        if isinstance(value, str) and len(value) > EXCEL_TEXT:
            column = headers[index] if index < len(headers) else column_letters(index + 1)
            raise KnownError(
                f"{_target_name(path)}, line {number}, column {column}: the text is "
                f"{len(value):,} characters long, and an Excel cell holds at most "
                f"{EXCEL_TEXT:,}; export as CSV instead."
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
    text = value if isinstance(value, str) else written(value)
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
