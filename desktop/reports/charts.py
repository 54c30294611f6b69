"""Charts drawn with reportlab.graphics: trend lines, category bars and sparklines.

A month with nothing to count is a gap in a line, never a fall to zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Circle, Drawing, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from desktop.reports.typography import FONT, INK, MUTED, RULE, WIDTH

PALETTE = [colors.HexColor(c) for c in ("#1f6fb2", "#d9822b", "#2e8540", "#8e44ad")]


def trend_chart(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    low: float,
    high: float,
    step: float,
    height: float = 55 * mm,
    unit: str = "",
) -> Drawing:
    """Lines over the months `labels`, one per named series, with a legend beneath."""
    drawing = Drawing(WIDTH, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 12 * mm, 14 * mm
    chart.width, chart.height = WIDTH - 16 * mm, height - 18 * mm
    # The chart draws the axes only (a hidden flat line): the series are drawn below as runs of
    # known values, since its own lines cannot leap a gap or show a lone month.
    chart.data = [[low] * len(labels)]
    chart.categoryAxis.categoryNames = list(labels)
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.joinAxisMode = "bottom"  # month names below the chart, even under 0
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = low, high, step
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = f"%g{unit}"
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.lines[0].strokeColor = colors.Color(0, 0, 0, alpha=0)
    chart.lines[0].symbol = None
    drawing.add(chart)
    for index, values in enumerate(series.values()):
        colour = PALETTE[index % len(PALETTE)]
        run: list[float] = []
        for position, value in enumerate([*values, None]):
            if value is None:
                if len(run) >= 4:
                    drawing.add(PolyLine(run, strokeColor=colour, strokeWidth=1.6))
                run = []
                continue
            x = chart.x + chart.width * (position + 0.5) / len(labels)
            y = chart.y + chart.height * (min(max(value, low), high) - low) / (high - low)
            run += [x, y]
            drawing.add(Circle(x, y, 1.6, fillColor=colour, strokeColor=None))
    if not any(value is not None for values in series.values() for value in values):
        drawing.add(
            String(
                chart.x + chart.width / 2,
                chart.y + chart.height / 2,
                "Nothing to show yet.",
                fontName=FONT,
                fontSize=8,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    legend = Legend()
    legend.x, legend.y = 12 * mm, 3 * mm
    legend.fontName, legend.fontSize = FONT, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 45 * mm
    legend.colorNamePairs = [(PALETTE[i], name) for i, name in enumerate(series)]
    drawing.add(legend)
    return drawing


def bar_chart(labels: Sequence[str], values: Sequence[int], *, bar: float = 5 * mm) -> Drawing:
    """Horizontal bars, largest first as given, each labelled with its count."""
    height = max(len(labels), 1) * bar + 8 * mm
    drawing = Drawing(WIDTH, height)
    if not labels:
        drawing.add(String(0, height / 2, "Nothing to show.", fontName=FONT, fontSize=8))
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y = 60 * mm, 4 * mm
    chart.width, chart.height = WIDTH - 75 * mm, height - 8 * mm
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.strokeColor = RULE
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(values), 1) * 1.15
    chart.valueAxis.visible = False
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    drawing.add(chart)
    return drawing


def sparkline(
    values: Sequence[float | None], goal: float | None = None, *, width: float = 22 * mm
) -> Drawing:
    """A small line of the last months' results, with the goal as a faint rule."""
    height = 5 * mm
    drawing = Drawing(width, height)
    known = [v for v in values if v is not None]
    if not known:
        drawing.add(String(0, 1.5 * mm, "—", fontName=FONT, fontSize=7, fillColor=MUTED))
        return drawing
    low = min([*known, goal if goal is not None else min(known)]) - 1
    high = max([*known, goal if goal is not None else max(known)]) + 1

    def y(value: float) -> float:
        return 0.5 * mm + (height - 1 * mm) * (value - low) / (high - low)

    step = width / max(len(values) - 1, 1)
    if goal is not None:
        drawing.add(PolyLine([0, y(goal), width, y(goal)], strokeColor=RULE, strokeWidth=0.5))
    points: list[float] = []
    for index, value in enumerate(values):
        if value is None:
            if len(points) >= 4:
                drawing.add(PolyLine(points, strokeColor=INK, strokeWidth=0.8))
            points = []
            continue
        points += [index * step, y(value)]
    if len(points) >= 4:
        drawing.add(PolyLine(points, strokeColor=INK, strokeWidth=0.8))
    last = len(values) - 1
    if values[last] is not None:
        drawing.add(
            Circle(last * step, y(values[last]), 1.2, fillColor=PALETTE[0], strokeColor=None)
        )
    return drawing
