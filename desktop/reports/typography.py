"""Type, styles and the building blocks every report shares.

A bundled Unicode font (DejaVu Sans, with bold and italic) so "Zoë Łukasiewicz" and "Ψυχολογία"
print; every text a user typed goes through `text()`, which escapes it, so `a < b & <b>x</b>`
prints as typed and can never break the document or change its formatting. Table cells are
paragraphs, so they wrap (long words split), and header rows repeat on every page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from desktop.resources import resource_path
from models.errors import Progress

FONT = "DejaVuSans"
PAGE = A4
MARGIN = 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN  # the text block's width

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#c8ced6")
HEADER_FILL = colors.HexColor("#e8edf3")
STATUS_FILLS = {
    "green": colors.HexColor("#d7f0dd"),
    "amber": colors.HexColor("#fde9c4"),
    "red": colors.HexColor("#f8d3d3"),
}

_registered = False


def register_fonts() -> None:
    """Register the bundled family once (regular, bold, italic, bold italic)."""
    global _registered
    if _registered:
        return
    faces = {
        FONT: "DejaVuSans.ttf",
        f"{FONT}-Bold": "DejaVuSans-Bold.ttf",
        f"{FONT}-Oblique": "DejaVuSans-Oblique.ttf",
        f"{FONT}-BoldOblique": "DejaVuSans-BoldOblique.ttf",
    }
    for name, file in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(resource_path(f"fonts/{file}"))))
    pdfmetrics.registerFontFamily(
        FONT,
        normal=FONT,
        bold=f"{FONT}-Bold",
        italic=f"{FONT}-Oblique",
        boldItalic=f"{FONT}-BoldOblique",
    )
    _registered = True


def _style(name: str, size: float, **options: Any) -> ParagraphStyle:
    settings = {"fontName": FONT, "leading": size * 1.3, "textColor": INK} | options
    return ParagraphStyle(name, fontSize=size, **settings)


STYLES = {
    "title": _style("title", 24, spaceAfter=6 * mm, fontName=f"{FONT}-Bold", leading=30),
    "subtitle": _style("subtitle", 14, spaceAfter=3 * mm, textColor=MUTED),
    "h1": _style(
        "h1", 15, spaceBefore=4 * mm, spaceAfter=3 * mm, fontName=f"{FONT}-Bold", keepWithNext=1
    ),
    "h2": _style(
        "h2", 11.5, spaceBefore=3 * mm, spaceAfter=2 * mm, fontName=f"{FONT}-Bold", keepWithNext=1
    ),
    "body": _style("body", 9.5, spaceAfter=2 * mm),
    "small": _style("small", 8, textColor=MUTED),
    "cell": _style("cell", 8.5),
    "cell_right": _style("cell_right", 8.5, alignment=TA_RIGHT),
    "head": _style("head", 8, fontName=f"{FONT}-Bold"),
    "head_right": _style("head_right", 8, fontName=f"{FONT}-Bold", alignment=TA_RIGHT),
    "bullet": _style("bullet", 9.5, leftIndent=5 * mm, bulletIndent=1 * mm, spaceAfter=1 * mm),
    "banner": _style("banner", 11, fontName=f"{FONT}-Bold", textColor=colors.HexColor("#a4262c")),
}


def text(value: Any) -> str:
    """User-entered text made safe for a Paragraph: escaped, line breaks kept."""
    if value is None:
        return ""
    return escape(str(value)).replace("\r\n", "\n").replace("\n", "<br/>")


def para(value: Any, style: str = "body", *, markup: bool = False) -> Paragraph:
    """A paragraph of `value`; escaped unless it is our own `markup`."""
    return Paragraph(str(value) if markup else text(value), STYLES[style])


def bullet(value: str) -> Paragraph:
    return Paragraph(text(value), STYLES["bullet"], bulletText="•")


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    right: Sequence[int] = (),
    fills: Sequence[tuple[int, int, Any]] = (),
) -> Table:
    """A table whose cells wrap, with a header row that repeats on each page.

    `widths` are fractions of the text width; `right` the columns to right-align; `fills`
    (column, row, colour) cells to tint, rows counted from 0 below the header."""
    head = [para(h, "head_right" if i in right else "head") for i, h in enumerate(headers)]
    body = [[_cell(value, i in right) for i, value in enumerate(row)] for row in rows]
    titled = any(headers)  # a table of labels and values has no header row
    rows_shown = [head, *body] if titled else body
    result = Table(rows_shown, colWidths=[w * WIDTH for w in widths], repeatRows=int(titled))
    offset = int(titled)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL if titled else colors.white),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [
        ("BACKGROUND", (c, r + offset), (c, r + offset), fill) for c, r, fill in fills if fill
    ]
    result.setStyle(TableStyle(commands))
    return result


def _cell(value: Any, right: bool) -> Any:
    """Text becomes a wrapping paragraph; a flowable (a chart, a paragraph) stays as it is."""
    if value is None or isinstance(value, str | int | float):
        shown = "" if value is None else str(value).replace("(n = ", "(n\u00a0=\u00a0")
        return para(shown, "cell_right" if right else "cell")  # "(n = 12)" never splits
    return value


def numbered_canvas(footer: str, banner: str = "") -> type[Canvas]:
    """A canvas that writes "Page X of Y" and `footer` on every page once the total is known,
    and `banner` (e.g. CONFIDENTIAL) at the top of each page when given."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
            self.setStrokeColor(RULE)
            self.line(MARGIN, 12 * mm, PAGE[0] - MARGIN, 12 * mm)
            number = f"Page {self._pageNumber} of {total}"
            self.drawRightString(PAGE[0] - MARGIN, 8 * mm, number)
            room = PAGE[0] - 2 * MARGIN - pdfmetrics.stringWidth(number, FONT, 7.5) - 6 * mm
            self.drawString(MARGIN, 8 * mm, fitted(footer, room, FONT, 7.5))
            if banner:
                self.setFont(f"{FONT}-Bold", 9)
                self.setFillColor(colors.HexColor("#a4262c"))
                self.drawCentredString(PAGE[0] / 2, PAGE[1] - 10 * mm, banner)
            self.restoreState()

    return NumberedCanvas


def fitted(text: str, width: float, font: str, size: float) -> str:
    """`text` within `width`: a long first part (" · " separates the parts; an organisation's
    name) is shortened with "…" so that what follows it (the document and period) stays."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    first, separator, rest = text.partition(" · ")
    tail = f"…{separator}{rest}" if separator else "…"
    while first and pdfmetrics.stringWidth(first.rstrip() + tail, font, size) > width:
        first = first[:-1]
    if first:
        return first.rstrip() + tail
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:  # even the rest
        text = text[:-1]
    return text + "…"


def progress_callback(progress: Progress | None, stage: str) -> Callable[[str, Any], None]:
    """ReportLab's progress calls, as a fraction for our progress bars (which may cancel)."""
    size = {"pages": 1}

    def report(kind: str, value: Any) -> None:
        if progress is None:
            return
        if kind == "SIZE_EST":
            size["pages"] = max(int(value), 1)
        elif kind == "PROGRESS":
            progress(stage, min(float(value) / size["pages"], 1.0))

    return report


@dataclass(frozen=True)
class Built:
    """A written PDF and how many pages it has."""

    path: Path | None  # None when written to a file object
    pages: int


def write_pdf(
    story: list[Any],
    path: Path | BinaryIO,
    *,
    title: str,
    subject: str,
    footer: str,
    banner: str = "",
    author: str = "",
    progress: Progress | None = None,
) -> Built:
    """Lay `story` out into `path`, written whole or not at all; or into a file object (the
    window keeps a report in memory, so no copy of it lies about on disk)."""
    in_memory = not isinstance(path, str | Path)
    temporary = None if in_memory else Path(path).with_name(f".{Path(path).name}.part")
    document = SimpleDocTemplate(
        path if temporary is None else str(temporary),
        pagesize=PAGE,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author=author or subject,
        subject=subject,
        creator="Rapport",
    )
    document.setProgressCallBack(progress_callback(progress, "Laying out the pages"))
    if temporary is None:
        document.build(story, canvasmaker=numbered_canvas(footer, banner))
        return Built(None, document.page)
    try:
        document.build(story, canvasmaker=numbered_canvas(footer, banner))
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return Built(Path(path), document.page)
