"""Reports in the window: made in the background into memory, previewed, printed and saved; and
a complaint's record from its detail."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings, Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from models.complaints import Complaint
from models.errors import KnownError
from tests.desktop.test_reports import pdf_text
from tests.models.test_workload import owned  # noqa: F401
from views import report_dialog
from views.report_dialog import ReportDialog


@pytest.fixture
def window(demo_db, show_main_window):
    window = show_main_window()
    yield window
    window.close()


def made(qtbot, dialog: ReportDialog) -> ReportDialog:
    qtbot.waitUntil(lambda: dialog.strip.task is None, timeout=60_000)
    return dialog


def test_the_monthly_report_is_made_previewed_and_saved(window, dialogs, qtbot, tmp_path):
    target = tmp_path / "out" / "october"
    target.parent.mkdir()
    seen = {}

    def work(dialog: ReportDialog) -> None:
        assert dialog.period.currentText() == "October 2026"  # last month: what a meeting reviews
        assert dialog.period.itemText(0) == "November 2026 (so far)"
        assert not dialog.save_button.isEnabled()
        dialog.prepared_by.setText("Priya Patel")
        qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
        assert dialog.strip.task is not None and not dialog.make_button.isEnabled()
        made(qtbot, dialog)
        assert dialog.document.status() == QPdfDocument.Status.Ready
        assert dialog.document.pageCount() == dialog.made.pages >= 5
        assert dialog.view.isVisible() and dialog.save_button.isEnabled()
        assert dialog.info.text() == f"Monitoring report October 2026: {dialog.made.pages} pages."
        dialogs.choose_file(target)  # no suffix: .pdf is added
        seen["saved"] = dialog.save_report()
        dialog.accept()

    dialogs.expect(work)
    window.report_action.trigger()
    saved = seen["saved"]
    assert saved == target.with_suffix(".pdf") and saved.exists()
    text = pdf_text(saved)
    assert "Monitoring and evaluation report" in text and "Priya Patel" in text
    assert "October 2026" in text
    assert not list(target.parent.glob(".*.part"))  # written whole
    assert window.settings.value("reports/prepared_by") == "Priya Patel"  # remembered

    def again(dialog: ReportDialog) -> None:
        assert dialog.prepared_by.text() == "Priya Patel"
        dialog.kind.setCurrentIndex(dialog.kind.findData("quarter"))
        assert dialog.period.currentText() == "Quarter 3 of 2026"
        dialog.reject()

    dialogs.expect(again)
    window.report_action.trigger()


def test_printing_renders_the_chosen_pages(window, dialogs, qtbot, tmp_path, monkeypatch):
    printed_to = tmp_path / "printed.pdf"

    def pdf_printer(_parent, pages):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed_to))
        printer.setFromTo(2, 3)
        assert pages > 3
        return printer

    monkeypatch.setattr(report_dialog, "choose_printer", pdf_printer)
    result = {}

    def work(dialog: ReportDialog) -> None:
        dialog.make()
        made(qtbot, dialog)
        result["pages"] = dialog.print_report()
        dialog.accept()

    dialogs.expect(work)
    window.report_action.trigger()
    assert result["pages"] == 2
    assert len(PdfReader(str(printed_to)).pages) == 2


def test_cancel_stops_the_report_and_nothing_is_made(window, dialogs, qtbot):
    def work(dialog: ReportDialog) -> None:
        dialog.make()
        with qtbot.waitSignal(dialog.strip.task.cancelled, timeout=30_000):
            qtbot.mouseClick(dialog.strip.cancel_button, Qt.MouseButton.LeftButton)
        made(qtbot, dialog)
        assert dialog.made is None and not dialog.save_button.isEnabled()
        assert dialog.hint.text() == "Cancelled: no report was made."
        assert dialog.make_button.isEnabled()  # and it can be made again
        dialog.reject()

    dialogs.expect(work)
    window.report_action.trigger()


def test_a_report_that_cannot_be_made_says_why(
    window, dialogs, qtbot, message_boxes, monkeypatch, tmp_path
):
    def broken(*_args, **_kwargs):
        raise KnownError("The database is busy.")

    monkeypatch.setattr(report_dialog, "build_monitoring_report", broken)

    def work(dialog: ReportDialog) -> None:
        dialog.make()
        made(qtbot, dialog)
        assert dialog.made is None and not dialog.print_button.isEnabled()
        dialog.reject()

    dialogs.expect(work)
    window.report_action.trigger()
    assert message_boxes.shown == [("warning", "Monitoring report", "The database is busy.")]


def test_saving_where_it_cannot_be_written_says_so(window, dialogs, qtbot, message_boxes, tmp_path):
    def work(dialog: ReportDialog) -> None:
        dialog.make()
        made(qtbot, dialog)
        dialogs.choose_file(tmp_path / "no such folder" / "report.pdf")
        assert dialog.save_report() is None
        dialog.reject()

    dialogs.expect(work)
    window.report_action.trigger()
    ((kind, title, text),) = message_boxes.shown
    assert (kind, title) == ("warning", "Save the report")
    assert "could not be saved" in text and "no such folder" in text


def test_a_confidential_complaints_record_from_its_detail(window, dialogs, qtbot, tmp_path):
    complaint = Complaint.select().where(Complaint.confidential).first()
    window.tabs.setCurrentWidget(window.complaints)
    assert window.complaints.complaints.table.show_record(complaint.id)
    detail = window.complaints.detail
    assert detail.record_button.isVisible()
    saved = tmp_path / "record.pdf"

    def work(dialog: ReportDialog) -> None:
        assert dialog.windowTitle() == f"Complaint record {complaint.reference}"
        assert not dialog.choices.isVisible()  # nothing to choose: it is made at once
        made(qtbot, dialog)
        assert dialog.made is not None
        dialogs.choose_file(saved)
        dialog.save_report()
        dialog.accept()

    dialogs.expect(work)
    qtbot.mouseClick(detail.record_button, Qt.MouseButton.LeftButton)
    text = pdf_text(saved)
    assert f"Complaint record {complaint.reference}" in text
    assert text.count("CONFIDENTIAL") >= len(PdfReader(str(saved)).pages)


def test_the_appendix_of_work_by_owner_is_the_team_leaders_tick(owned, qtbot, tmp_path):  # noqa: F811
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    dialog = ReportDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    box = dialog.by_owner
    assert box.accessibleName() == "Appendix: work by owner (names individuals)"
    assert box.isVisible() and not box.isChecked()  # it names individuals: off unless chosen

    def made_text() -> str:
        qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
        made(qtbot, dialog)
        path = tmp_path / "made.pdf"
        path.write_bytes(dialog.made.data)
        return pdf_text(path)

    text = made_text()
    assert "Open complaints" in text and "Ben Bradley" in text  # owners in the open lists
    assert "work by owner" not in text
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)  # ticked
    assert box.isChecked()
    text = made_text()
    assert "Appendix: work by owner" in text
    assert "Ben Bradley 2 1 1 1 0 0 " in text and "No one yet 1 — 0 — " in text
    dialog.reject()
    again = ReportDialog(settings)  # chosen for one report, not for every report after it
    qtbot.addWidget(again)
    assert not again.by_owner.isChecked()
