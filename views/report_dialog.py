"""Make a report, look at it, print it or save it.

The PDF is made in the background (with a progress bar and Cancel) into memory, previewed with
QtPdf, printed page by page at no more than 300 dpi through the system's print dialog, and only
written to disk where the user saves it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSettings, QSize, QStandardPaths, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.reports.complaint_record import build_complaint_record
from desktop.reports.monitoring_report import build_monitoring_report
from models import clock
from models.complaints import Complaint
from models.periods import Period
from views.background import Progress
from views.progress_strip import ProgressStrip

MAX_PRINT_DPI = 300
PERIOD_KINDS = (("month", "Month", 24), ("quarter", "Quarter", 8), ("year", "Year", 5))


@dataclass(frozen=True)
class Made:
    """A report made in memory."""

    data: bytes
    pages: int


def make_in_memory(build: Callable[[io.BytesIO, Progress], Any], progress: Progress) -> Made:
    buffer = io.BytesIO()
    built = build(buffer, progress)
    return Made(buffer.getvalue(), built.pages)


def choose_printer(parent: QWidget, pages: int) -> QPrinter | None:
    """The system print dialog; None when the user cancels."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, pages)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_pages(
    document: QPdfDocument, printer: QPrinter, on_page: Callable[[int, int], bool]
) -> int:
    """Render each page chosen in `printer` onto it, one at a time; `on_page(done, total)`
    returning False stops. Returns how many pages were printed."""
    first = max(printer.fromPage(), 1) - 1
    last = (printer.toPage() or document.pageCount()) - 1
    last = min(last, document.pageCount() - 1)
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("The printer could not be started.")
    printed = 0
    try:
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(first, last + 1):
            if printed and not printer.newPage():
                raise OSError("The printer would not take another page.")
            points = document.pagePointSize(page)
            image = document.render(
                page, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72))
            )
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(area.topLeft().x(), area.topLeft().y(), image.scaled(size))
            printed += 1
            if not on_page(printed, last - first + 1):
                break
    finally:
        painter.end()
    return printed


class ReportDialog(QDialog):
    """Choose the report and its period, make it, then preview, print or save it."""

    def __init__(
        self, settings: QSettings, parent: QWidget | None = None, complaint: Complaint | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.complaint = complaint
        self.made: Made | None = None
        self.buffer: QBuffer | None = None
        self.setWindowTitle(
            f"Complaint record {complaint.reference}" if complaint else "Monitoring report"
        )

        self.kind = QComboBox()
        self.kind.setAccessibleName("Report for a")
        for key, label, _count in PERIOD_KINDS:
            self.kind.addItem(label, key)
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        self.period.setMinimumContentsLength(18)
        self.prepared_by = QLineEdit(str(settings.value("reports/prepared_by", "") or ""))
        self.prepared_by.setPlaceholderText("Your name, for the cover")
        self.prepared_by.setAccessibleName("Prepared by")
        # off each time: naming individuals in a management pack is the team leader's choice
        self.by_owner = QCheckBox("Appendix: work by &owner (names individuals)")
        self.by_owner.setAccessibleName("Appendix: work by owner (names individuals)")
        self.by_owner.setToolTip(
            "Add a page with each member's open, overdue and finished requests, complaints "
            "and improvement actions."
        )
        self.make_button = QPushButton("&Make report")
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make)
        form = QFormLayout()
        choice = QHBoxLayout()
        choice.addWidget(self.kind)
        choice.addWidget(self.period, 1)
        kind_label = QLabel("&Report for a:")
        kind_label.setBuddy(self.kind)
        form.addRow(kind_label, choice)
        form.addRow("Prepared &by:", self.prepared_by)
        form.addRow("", self.by_owner)
        self.choices = QWidget()
        self.choices.setLayout(form)
        self.choices.setVisible(complaint is None)
        self.kind.currentIndexChanged.connect(self._fill_periods)
        remembered = self.kind.findData(settings.value("reports/kind", "month"))
        self.kind.setCurrentIndex(max(remembered, 0))
        self._fill_periods()

        self.strip = ProgressStrip()
        self.strip.busy_changed.connect(self._busy)

        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("Preview")
        self.view.setMinimumSize(480, 360)
        self.hint = QLabel(
            "Choose the period and press Make report: the report appears here to check before "
            "printing or saving."
            if complaint is None
            else "Making the record…"
        )
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.info = QLabel()
        self.info.setAccessibleName("Report made")
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("&Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton("&Save as…", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_report)
        self.save_button.clicked.connect(self.save_report)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_report)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_report)

        top = QHBoxLayout()
        top.addWidget(self.choices, 1)
        top.addWidget(self.make_button, 0, Qt.AlignmentFlag.AlignTop)
        self.make_button.setVisible(complaint is None)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.strip)
        layout.addWidget(self.hint, 1)  # the preview's place while there is none
        layout.addWidget(self.view, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.info, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self._set_ready(False)
        self.resize(900, 760)
        geometry = settings.value("reports/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if complaint is not None:
            self.make()

    # ---------------------------------------------------------------- choosing

    def _fill_periods(self) -> None:
        key = self.kind.currentData()
        count = next(count for k, _label, count in PERIOD_KINDS if k == key)
        today = clock.today()
        periods = Period.recent(key, today, count)
        self.period.clear()
        for period in periods:
            so_far = " (so far)" if period.last >= today else ""
            self.period.addItem(period.label() + so_far, period.key())
        # the last whole period is what a meeting reviews: last month, on the first working day
        self.period.setCurrentIndex(1 if len(periods) > 1 else 0)

    def chosen_period(self) -> Period:
        return Period.parse(self.period.currentData())

    def _build(self) -> tuple[str, Callable[[io.BytesIO, Progress], Any]]:
        if self.complaint is not None:
            complaint = self.complaint
            return (
                f"Complaint record {complaint.reference}",
                lambda target, progress: build_complaint_record(
                    complaint, target, progress=progress
                ),
            )
        period, prepared_by = self.chosen_period(), self.prepared_by.text().strip()
        by_owner = self.by_owner.isChecked()
        return (
            f"Monitoring report {period.label()}",
            lambda target, progress: build_monitoring_report(
                period, target, prepared_by=prepared_by, progress=progress, by_owner=by_owner
            ),
        )

    # ---------------------------------------------------------------- making

    def make(self) -> None:
        if self.strip.task is not None:
            return
        self.settings.setValue("reports/prepared_by", self.prepared_by.text().strip())
        self.settings.setValue("reports/kind", self.kind.currentData())
        self.title, build = self._build()
        self._set_ready(False)
        self.document.close()
        self.made = None
        self.info.clear()
        self.hint.setText(f"Making the {self.title[0].lower()}{self.title[1:]}…")
        self.strip.run(
            lambda progress: make_in_memory(build, progress),
            self._made,
            self._failed,
            lambda: self.hint.setText("Cancelled: no report was made."),
        )

    def _made(self, made: Made) -> None:
        self.made = made
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(made.data))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self.buffer)
        if self.document.status() != QPdfDocument.Status.Ready:
            self._failed("The report was made but could not be shown.")
            return
        self.info.setText(f"{self.title}: {made.pages} page{'' if made.pages == 1 else 's'}.")
        self._set_ready(True)
        self.view.setFocus()

    def _failed(self, message: str) -> None:
        self.hint.setText("No report was made.")
        QMessageBox.warning(self, self.windowTitle(), message)

    def _busy(self, busy: bool) -> None:
        self.make_button.setEnabled(not busy)
        self.choices.setEnabled(not busy)

    def _set_ready(self, ready: bool) -> None:
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        self.view.setVisible(ready)
        self.hint.setVisible(not ready)

    # ---------------------------------------------------------------- using it

    def save_report(self) -> Path | None:
        if self.made is None:
            return None
        folder = self.settings.value("reports/folder") or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        suggested = str(Path(str(folder)) / f"{self.title}.pdf")
        name, _ = QFileDialog.getSaveFileName(self, "Save the report", suggested, "PDF (*.pdf)")
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        partial = path.with_name(f".{path.name}.part")
        try:
            partial.write_bytes(self.made.data)
            partial.replace(path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            QMessageBox.warning(
                self, "Save the report", f"The report could not be saved to {path}:\n{error}"
            )
            return None
        self.settings.setValue("reports/folder", str(path.parent))
        self.info.setText(f"Saved to {path}.")
        return path

    def print_report(self) -> int:
        if self.made is None:
            return 0
        printer = choose_printer(self, self.document.pageCount())
        if printer is None:
            return 0
        waiting = QProgressDialog("Printing…", "Cancel", 0, self.document.pageCount(), self)
        waiting.setWindowModality(Qt.WindowModality.WindowModal)
        waiting.setMinimumDuration(500)

        def on_page(done: int, total: int) -> bool:
            waiting.setMaximum(total)
            waiting.setValue(done)
            return not waiting.wasCanceled()

        try:
            printed = print_pages(self.document, printer, on_page)
        except OSError as error:
            QMessageBox.warning(self, "Print", str(error))
            return 0
        finally:
            waiting.close()
        return printed

    def done(self, result: int) -> None:
        self.strip.stop()
        self.settings.setValue("reports/geometry", self.saveGeometry())
        super().done(result)
