"""A small line chart of percentages by month, drawn with QPainter (QtCharts is not shipped).

A month with nothing to count leaves a gap: a line joins only months that both have a figure,
and a month alone shows as a dot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

COLOURS = ("#1f6fb2", "#d9822b", "#2e8540", "#8e44ad")  # as in the printed reports' charts
GRID = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per month, oldest first; None: nothing to count


class TrendChart(QWidget):
    """Percentages (0–100) of each series, month by month."""

    def __init__(self, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.empty_text = empty_text
        self.labels: list[str] = []
        self.series: list[Series] = []
        self.setMinimumSize(320, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName("Trend over the last 12 months")

    def sizeHint(self) -> QSize:
        return QSize(520, 260)

    def set_data(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        self.labels, self.series = list(labels), list(series)
        described = [f"{s.name}: {self._latest(s)}" for s in self.series if _known(s.values)]
        self.setAccessibleDescription("; ".join(described) if described else self.empty_text)
        self.setToolTip("\n".join(described))
        self.update()

    @staticmethod
    def _latest(series: Series) -> str:
        known = [value for value in series.values if value is not None]
        return f"latest {known[-1]:.1f} %" if known else "nothing to count"

    @property
    def has_data(self) -> bool:
        return any(_known(s.values) for s in self.series)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(palette.ColorRole.WindowText)
        metrics = painter.fontMetrics()
        if not self.has_data:
            painter.setPen(palette.color(palette.ColorRole.PlaceholderText))
            painter.drawText(
                QRectF(self.rect()).adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            return
        line = metrics.height()
        legend_height = line + 8
        left = metrics.horizontalAdvance("100 %") + 10
        plot = QRectF(left, legend_height + 6, self.width() - left - 12, 0)
        plot.setBottom(self.height() - line - 10)

        # the legend, left to right
        x = float(left)
        for index, series in enumerate(self.series):
            colour = QColor(COLOURS[index % len(COLOURS)])
            painter.fillRect(QRectF(x, 4 + line / 2 - 2, 14, 4), colour)
            painter.setPen(text_colour)
            painter.drawText(QPointF(x + 18, 4 + metrics.ascent()), series.name)
            x += 18 + metrics.horizontalAdvance(series.name) + 16

        def y_of(value: float) -> float:
            return plot.bottom() - plot.height() * max(0.0, min(value, 100.0)) / 100

        grid = QPen(palette.color(palette.ColorRole.Mid))
        grid.setStyle(Qt.PenStyle.DotLine)
        for level in GRID:
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y_of(level)), QPointF(plot.right(), y_of(level)))
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(0, y_of(level) - line / 2, left - 6, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{level} %",
            )
        months = max(len(self.labels), 1)
        step = plot.width() / months

        def x_of(position: int) -> float:
            return plot.left() + step * (position + 0.5)

        for position, label in enumerate(self.labels):
            painter.drawText(
                QRectF(x_of(position) - step / 2, plot.bottom() + 4, step, line),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                label,
            )
        for index, series in enumerate(self.series):
            colour = QColor(COLOURS[index % len(COLOURS)])
            painter.setPen(QPen(colour, 2))
            painter.setBrush(colour)
            points = [
                None if value is None else QPointF(x_of(position), y_of(value))
                for position, value in enumerate(series.values)
            ]
            for before, after in pairwise(points):
                if before is not None and after is not None:
                    painter.drawLine(before, after)
            for point in points:
                if point is not None:
                    painter.drawEllipse(point, 2.5, 2.5)


def _known(values: Sequence[float | None]) -> bool:
    return any(value is not None for value in values)
