"""Type, styles and the building blocks every report shares.

A bundled Unicode font (DejaVu Sans, with bold and italic) so "Zoë Łukasiewicz" and "Ψυχολογία"
print; every text a user typed goes through `text()`, which escapes it, so `a < b & <b>x</b>`
prints as typed and can never break the document or change its formatting. Table cells are
paragraphs, so they wrap (long words split), and header rows repeat on every page.

No stored text can break a report, however long: the database may hold what no form would
accept (an old database, another laptop, an import). A table row or a heading cannot grow past
a page, so whatever a person typed that goes into a cell or a fixed place passes through
`clipped()`, which cuts it with "…" to what fits; text printed in full (a complaint's record)
goes into `whole()` cells and plain paragraphs, which split across pages. A word too long for
its line (a code, a web address) is split onto the next lines, never printed past the margin.
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
from models.validation import CONTROL_CHARACTERS

FONT = "DejaVuSans"
PAGE = A4
MARGIN = 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN  # the text block's width

ELLIPSIS = "…"
NAME_LIMIT = 200  # a name or title as the forms take it (the columns' max_length)
CELL_LINES = 16  # the most lines of a person's text in one table cell of a summary
CELL_PADDING = 3  # left and right, points

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
    settings = {
        "fontName": FONT,
        "leading": size * 1.3,
        "textColor": INK,
        "splitLongWords": 1,  # a word longer than its line (a code, an address) is split
    } | options
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
    "cell_bold": _style("cell_bold", 8.5, fontName=f"{FONT}-Bold"),
    "head": _style("head", 8, fontName=f"{FONT}-Bold"),
    "head_right": _style("head_right", 8, fontName=f"{FONT}-Bold", alignment=TA_RIGHT),
    "bullet": _style("bullet", 9.5, leftIndent=5 * mm, bulletIndent=1 * mm, spaceAfter=1 * mm),
    "banner": _style("banner", 11, fontName=f"{FONT}-Bold", textColor=colors.HexColor("#a4262c")),
}


def plain(value: Any) -> str:
    """`value` as printable text: line breaks as "\\n", a tab as a space, no control characters
    (they print as empty boxes: what a broken file or another laptop may have left)."""
    if value is None:
        return ""
    shown = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return CONTROL_CHARACTERS.sub("", shown)


def text(value: Any) -> str:
    """User-entered text made safe for a Paragraph: escaped, line breaks kept."""
    return escape(plain(value)).replace("\n", "<br/>")


def para(value: Any, style: str = "body", *, markup: bool = False) -> Paragraph:
    """A paragraph of `value`; escaped unless it is our own `markup` (which must escape every
    user text it holds with `text()`). It splits across pages, so it may be as long as it is."""
    return Paragraph(str(value) if markup else text(value), STYLES[style])


def clipped(value: Any, limit: int = NAME_LIMIT, *, lines: int | None = None) -> str:
    """`value` as text of at most `limit` characters (and `lines` lines), cut with "…" at a
    word's end where there is one near. The one way a person's text goes into a place of fixed
    size (a table cell, a heading, the footer, the document's properties): those cannot grow
    past a page, and the database may hold text no form would have taken."""
    shown = plain(value)
    cut = False
    if lines is not None and shown.count("\n") >= lines:
        shown, cut = "\n".join(shown.split("\n")[: max(lines, 1)]), True
    if len(shown) > limit:
        shown, cut = shown[: max(limit - 1, 0)], True
        space = shown.rfind(" ", int(len(shown) * 0.8))  # a whole last word, if one is close
        shown = shown[:space] if space > 0 else shown
    return shown.rstrip() + ELLIPSIS if cut else shown


@dataclass(frozen=True)
class Lines:
    """Text for a table cell in a style of its own and in at most `lines` lines; a cell may
    hold a list of them (a name in bold above its statement), each `clipped()` to fit."""

    value: Any
    style: str = "cell"
    lines: int = CELL_LINES


class Whole(Paragraph):
    """A table cell printed in full, however long: see `whole()`."""


def whole(value: Any) -> Whole:
    """A table cell printed in full (a complaint's record keeps every word): the table holding
    it lets its rows split across pages, as a paragraph's lines do."""
    return Whole(text(value), STYLES["cell"])


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
    (column, row, colour) cells to tint, rows counted from 0 below the header.

    A row cannot split across pages, so text cells are `clipped()` to at most `CELL_LINES`
    lines of their column (`Lines` cells to their own number), and any other flowable (a
    chart) must be small. The exception: a table with a `whole()` cell flows, its rows
    splitting across pages wherever the page ends."""
    columns = [w * WIDTH for w in widths]
    head = [para(h, "head_right" if i in right else "head") for i, h in enumerate(headers)]
    body = [[_cell(value, i in right, columns[i]) for i, value in enumerate(row)] for row in rows]
    titled = any(headers)  # a table of labels and values has no header row
    rows_shown = [head, *body] if titled else body
    flows = any(isinstance(value, Whole) for row in body for value in row)
    result = Table(
        rows_shown,
        colWidths=columns,
        repeatRows=int(titled),
        splitByRow=int(not flows),  # a flowing table fills each page, splitting a row in two
        splitInRow=int(flows),
    )
    offset = int(titled)
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL if titled else colors.white),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    commands += [
        ("BACKGROUND", (c, r + offset), (c, r + offset), fill) for c, r, fill in fills if fill
    ]
    result.setStyle(TableStyle(commands))
    return result


def _cell(value: Any, right: bool, width: float) -> Any:
    """Text becomes a wrapping paragraph that fits; a flowable (a chart) stays as it is."""
    room = width - 2 * CELL_PADDING
    if value is None or isinstance(value, str | int | float):
        shown = "" if value is None else str(value).replace("(n = ", "(n\u00a0=\u00a0")
        style = "cell_right" if right else "cell"  # "(n = 12)" never splits
        return fitting_paragraph(shown, style, room, CELL_LINES)
    if isinstance(value, Lines):
        return fitting_paragraph(value.value, value.style, room, value.lines)
    if isinstance(value, list) and all(isinstance(part, Lines) for part in value):
        return [_cell(part, right, width) for part in value]
    return value


def fitting_paragraph(value: Any, style: str, width: float, lines: int) -> Paragraph:
    """A paragraph of `value` no taller than `lines` lines at `width`, `clipped()` as needed.

    The cut is first guessed from the characters a line holds, then checked by laying the
    paragraph out, since wide letters, short words and line breaks all take more room."""
    size = STYLES[style].fontSize
    tallest = lines * STYLES[style].leading
    limit = max(int(width / (0.5 * size)) * lines, 1)  # generous: the check trims the rest
    while True:
        shown = clipped(value, limit, lines=lines)
        paragraph = para(shown, style)
        height = paragraph.wrap(width, 10 * PAGE[1])[1]
        if height <= tallest or limit <= 1:
            return paragraph
        limit = min(limit - 1, int(limit * tallest / height))


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
    kept = _longest(first, lambda start: start.rstrip() + tail, width, font, size)
    if kept.strip():
        return kept.rstrip() + tail
    return _longest(text, lambda start: start + "…", width, font, size) + "…"  # even the rest


def _longest(text: str, shown: Callable[[str], str], width: float, font: str, size: float) -> str:
    """The longest start of `text` whose `shown` form fits `width`; found by halving, as the
    text may be thousands of characters long and this runs on every page."""
    low, high = 0, len(text)  # text[:low] fits (or is empty); nothing longer than text[:high]
    while low < high:
        middle = (low + high + 1) // 2
        if pdfmetrics.stringWidth(shown(text[:middle]), font, size) <= width:
            low = middle
        else:
            high = middle - 1
    return text[:low]


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
        title=clipped(title, lines=1),  # the properties a PDF reader lists: one line each
        author=clipped(author or subject, lines=1),
        subject=clipped(subject, lines=1),
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
