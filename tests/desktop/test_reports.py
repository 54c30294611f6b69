"""The printed reports: the figures the summary gives, text printed as typed, confidential
complaints counted but never listed, and the command line."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.cli import main
from desktop.reports.complaint_record import build_complaint_record
from desktop.reports.monitoring_report import build, build_monitoring_report, monitoring_facts
from desktop.reports.typography import FONT, fitted
from models.choices import ComplaintCategory, ComplaintStatus, FeedbackChannel, FeedbackType
from models.complaints import Complaint
from models.db import close_database
from models.feedback import Feedback
from models.monitoring import summary
from models.organisation import rename_organisation
from models.register import Customer
from tests.models.test_monitoring import AS_OF, OCTOBER, october  # noqa: F401
from tests.models.test_workload import owned  # noqa: F401

TRICKY = "a < b & <b>x</b>"


def pdf_text(path) -> str:
    """Every page's text with its runs of space (between cells, lines) made one space, so a
    test reads what a person would."""
    pages = PdfReader(str(path)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).replace("\xa0", " ").split())


@pytest.fixture
def month(october):  # noqa: F811
    zoe = Customer.create(name="Zoë Łukasiewicz", kind="colleague")
    Feedback.create(
        received_on=date(2026, 10, 20),
        channel=FeedbackChannel.EMAIL,
        type=FeedbackType.GENERIC_NEGATIVE,
        comment=f"{TRICKY}\nsecond line",
    )
    Complaint.create(
        reference="CMP-2026-0100", received_at=datetime(2026, 10, 12, 9), customer=zoe,
        summary="Booking lost", resolved_at=datetime(2026, 10, 14, 12),
        resolve_due=datetime(2026, 10, 26, 17), status=ComplaintStatus.RESOLVED,
        lessons_learned="Zoë Łukasiewicz's booking: confirm every change in writing.",
    )  # fmt: skip
    Complaint.create(
        reference="CMP-2026-0101", received_at=datetime(2026, 10, 13, 9), customer=zoe,
        summary="SECRET-SUMMARY", details="SECRET-DETAILS", confidential=True,
        category=ComplaintCategory.SAFEGUARDING, resolved_at=datetime(2026, 10, 15, 12),
        resolve_due=datetime(2026, 10, 27, 17), status=ComplaintStatus.RESOLVED,
        lessons_learned="SECRET-LESSON", resolution="SECRET-RESPONSE",
    )  # fmt: skip
    return october


def test_the_monthly_report_prints_the_summarys_figures(month, tmp_path):
    path = tmp_path / "october.pdf"
    built = build_monitoring_report(OCTOBER, path, prepared_by="Priya Patel", as_of=AS_OF)
    figures = summary(OCTOBER, as_of=AS_OF)
    text = pdf_text(path)
    assert built.pages == len(PdfReader(str(path)).pages) >= 5
    assert f"Page 1 of {built.pages}" in text and f"Page {built.pages} of {built.pages}" in text
    assert "Monitoring and evaluation report" in text and "October 2026" in text
    assert "Priya Patel" in text
    # the same numbers as the summary (and so as `summary --json`)
    assert figures.requests.received == 6
    assert "Requests received 6 1 +5" in text  # October, September, the change
    assert "25 % (n = 4), 1 not yet due" in text  # responded on time
    assert "50 % (n = 4), 1 not yet due" in text  # completed on time
    assert f"25 (n = {figures.feedback.nps.responses})" in text  # NPS
    assert "66.7 % (n = 3)" in text  # CSAT
    assert "Complaints open 3" in text and "Complaints overdue 2" in text
    assert "Complaints overdue 2 0 +2 Red" in text  # October, September, change, status
    assert "Room bookings" in text and "Respond within 4 working hours" in text
    assert "0 of 4 standards with something to judge were met in October 2026." in text


def test_text_is_printed_as_typed_and_confidential_complaints_are_not_listed(month, tmp_path):
    path = tmp_path / "october.pdf"
    build_monitoring_report(OCTOBER, path, as_of=AS_OF)
    text = pdf_text(path)
    assert TRICKY in text  # escaped: printed literally, not taken as markup
    assert f"{TRICKY} second line" in text  # the line break kept
    assert "Ψυχολογία" in text  # a department with Greek letters, in the department table
    assert "Zoë Łukasiewicz's booking" in text  # a lesson learned, in the bundled font
    assert "SECRET" not in text  # counted, but never listed
    assert summary(OCTOBER, as_of=AS_OF).complaints.resolved == 4  # 1, 4, 100 and 101


def test_the_complaint_record(month, tmp_path):
    confidential = Complaint.get(Complaint.reference == "CMP-2026-0101")
    confidential.details = f"{TRICKY}\nSECRET-DETAILS"
    confidential.save()
    path = tmp_path / "record.pdf"
    built = build_complaint_record(confidential, path)
    text = pdf_text(path)
    assert text.count("CONFIDENTIAL") >= built.pages  # marked on every page
    assert "Complaint record CMP-2026-0101" in text
    assert TRICKY in text and "SECRET-DETAILS" in text and "SECRET-RESPONSE" in text
    assert "Zoë Łukasiewicz" in text
    plain = build_complaint_record(Complaint.get(Complaint.reference == "CMP-2026-0100"), path)
    assert plain.pages >= 1
    assert "CONFIDENTIAL" not in pdf_text(path)


def test_reports_on_the_command_line(month, data_dir, tmp_path, capsys):
    close_database()
    out = tmp_path / "october.pdf"
    argv = ["--data-dir", str(data_dir), "report"]
    assert main([*argv, "monthly", "--month", "2026-10", "--out", str(out)]) == 0
    assert "page(s)" in capsys.readouterr().out
    assert "Monitoring and evaluation report" in pdf_text(out)
    assert "work by owner" not in pdf_text(out)  # the appendix only when asked for
    assert main([*argv, "monthly", "--quarter", "2026-Q4", "--out", str(out)]) == 0
    assert "Quarter 4 of 2026" in pdf_text(out)
    record = tmp_path / "record.pdf"
    assert main([*argv, "complaint", "cmp-2026-0100", "--out", str(record)]) == 0
    assert main([*argv, "complaint", "CMP-1999-0001", "--out", str(record)]) == 1
    assert "no complaint with the reference" in capsys.readouterr().err
    assert main([*argv, "monthly", "--month", "2026-10", "--out", str(tmp_path / "x.txt")]) == 2
    missing = tmp_path / "nowhere" / "x.pdf"
    assert main([*argv, "monthly", "--month", "2026-10", "--out", str(missing)]) == 1
    assert not list(tmp_path.glob(".*.part"))  # nothing half-written left behind


def test_a_new_database_prints_a_report_with_nothing_to_count(db, tmp_path):
    path = tmp_path / "empty.pdf"
    built = build_monitoring_report(OCTOBER, path, as_of=AS_OF)
    text = pdf_text(path)
    assert built.pages >= 3
    assert "Nothing to show yet." in text  # the trend charts, with no month to draw
    assert "No standards have been agreed yet." in text
    assert "No comments in this period." in text


def test_a_long_organisation_name_is_shortened_in_the_footer_not_printed_over(month, tmp_path):
    long_name = "Żółć & Ærøskøbing Shared Services Partnership — Corporate Business Support " * 2
    rename_organisation(long_name.strip()[:200])
    path = tmp_path / "october.pdf"
    build_monitoring_report(OCTOBER, path, as_of=AS_OF)
    text = pdf_text(path)
    assert text.count("… · Monitoring and evaluation · October 2026") >= 2  # on every page
    shortened = fitted(f"{long_name} · Complaint record · printed", 200, FONT, 7.5)
    assert shortened.endswith("… · Complaint record · printed")
    assert stringWidth(shortened, FONT, 7.5) <= 200
    assert fitted("short · fine", 200, FONT, 7.5) == "short · fine"


def test_the_findings_name_the_biggest_rise_and_the_biggest_fall_in_complaints():
    from types import SimpleNamespace

    from desktop.reports.findings import _complaint_changes
    from models.choices import ComplaintCategory

    first, second, third = list(ComplaintCategory)[:3]

    def summary(counts):
        return SimpleNamespace(complaints=SimpleNamespace(by_category=counts))

    before = summary({first.value: 5, second.value: 1, third.value: 4})
    now = summary({first.value: 2, second.value: 4, third.value: 4})
    assert _complaint_changes(now, before) == [
        f"Complaints about {second.label.lower()} rose from 1 to 4.",
        f"Complaints about {first.label.lower()} fell from 5 to 2.",
    ]
    assert _complaint_changes(before, before) == []


def test_a_complaint_on_hold_is_not_printed_late_while_its_customer_is_awaited(
    db, fixed_clock, tmp_path
):
    from models.choices import ComplaintEventKind
    from models.complaint_lifecycle import log_complaint, take_step

    complaint, _ = log_complaint(received_at=datetime(2026, 11, 16, 9), summary="Invoice query")
    take_step(complaint, ComplaintEventKind.ACKNOWLEDGED, at=datetime(2026, 11, 16, 10))
    take_step(complaint, ComplaintEventKind.ON_HOLD, at=datetime(2026, 11, 24, 9))
    fixed_clock.moment = datetime(2026, 12, 7, 12)  # past the resolve-by worked out on hold
    assert complaint.resolve_due < fixed_clock.moment
    build_complaint_record(complaint, tmp_path / "record.pdf")
    text = pdf_text(tmp_path / "record.pdf")
    assert "Resolve 14/12/2026 12:00 — not yet due" in text  # the clock is stopped
    assert "late" not in text


def test_the_open_complaints_and_actions_name_their_owners(owned, tmp_path):  # noqa: F811
    path = tmp_path / "october.pdf"
    build_monitoring_report(OCTOBER, path, as_of=AS_OF)
    text = pdf_text(path)
    assert "Open complaints Complaint Category Received Next step Owner" in text
    assert "CMP-2026-0002 Delay 05/10/2026 Resolve by 19/10/2026 (overdue) Ben Bradley" in text
    assert "CMP-2026-0006 Delay 29/10/2026 Acknowledge by 30/10/2026 (overdue) Ann Archer" in text
    assert "CMP-2026-0005 Delay 12/10/2026 On hold, awaiting the customer Ann Archer" in text
    assert "CMP-2026-0003" not in text  # Cat's is confidential: counted, never listed
    assert "1 confidential complaint(s) open as well" in text
    assert "Open actions Action Owner Due Status" in text
    assert "Ann's late action Ann Archer 25/10/2026 In progress (overdue)" in text
    assert "Nobody's action — 31/10/2026 Identified" in text
    assert "Cat's action Cat Cole 30/11/2026 Planned" in text
    assert "work by owner" not in text  # the appendix names individuals: only when asked for


def test_the_appendix_of_work_by_owner_when_asked_for(owned, tmp_path):  # noqa: F811
    path = tmp_path / "october.pdf"
    build_monitoring_report(OCTOBER, path, as_of=AS_OF, by_owner=True)
    text = pdf_text(path)
    assert "Appendix: work by owner" in text
    # open and overdue at the month's end: requests, complaints, actions
    assert "Ann Archer 1 1 2 1 1 1 " in text
    assert "Ben Bradley 2 1 1 1 0 0 " in text
    assert "Cat Cole left the team 0 0 1 0 1 0 " in text
    assert "No one yet 0 0 0 0 1 0 " in text
    assert "Total 3 2 4 2 3 1 " in text  # complaints open and overdue as in the figures
    # on time in the month: requests received and completed on time (an open one past its
    # complete-by missed, as in the figures); complaints resolved, and on time
    assert "Ann Archer 3 33.3 % (n = 3) 0 — " in text
    assert "Ben Bradley 2 0 % (n = 1), 1 not yet due 1 100 % (n = 1) " in text
    assert "Cat Cole left the team 0 — 1 0 % (n = 1) " in text
    assert "No one yet 1 — 0 — " in text
    assert "Total 6 25 % (n = 4), 1 not yet due 2 50 % (n = 2) " in text
    assert "Completed on time 25 % (n = 4), 1 not yet due" in text  # the summary's
    assert text.index("Appendix: work by owner") < text.index("Appendix: how the figures")


def test_the_complaint_record_names_its_owner(owned, tmp_path):  # noqa: F811
    path = tmp_path / "record.pdf"
    build_complaint_record(owned["held"], path)
    text = pdf_text(path)
    assert "Status On hold, awaiting customer Owner Ann Archer" in text  # in the header
    assert "Cat's action Cat Cole 30/11/2026 Planned" in text  # the action's, beside it
    other = Complaint.get(Complaint.reference == "CMP-2026-0003")
    build_complaint_record(other, path)
    assert "Owner Cat Cole (left the team)" in pdf_text(path)


def test_the_appendix_from_the_command_line(owned, data_dir, tmp_path, capsys):  # noqa: F811
    close_database()
    out = tmp_path / "october.pdf"
    argv = ["--data-dir", str(data_dir), "report", "monthly", "--month", "2026-10"]
    assert main([*argv, "--by-owner", "--out", str(out)]) == 0
    assert "page(s)" in capsys.readouterr().out
    text = pdf_text(out)
    assert "Appendix: work by owner" in text and "Ben Bradley 2 1 1 1 0 0 " in text
    assert main([*argv, "--out", str(out)]) == 0
    assert "work by owner" not in pdf_text(out)


def test_the_report_is_laid_out_from_its_facts_without_asking_the_database(demo_db, monkeypatch):
    facts = monitoring_facts(OCTOBER, by_owner=True)
    asked: list[str] = []
    demo_db.connection().set_trace_callback(asked.append)  # whatever reaches SQLite
    monkeypatch.setattr(demo_db, "execute_sql", lambda sql, *args, **kwargs: asked.append(sql))
    built = build(facts, BytesIO(), prepared_by="Priya Patel")
    demo_db.connection().set_trace_callback(None)
    assert built.pages > 5 and facts.open_complaints.listed and facts.lessons
    assert asked == []


def test_the_facts_are_one_moments_though_someone_edits_meanwhile(demo_db, data_dir):
    """A change saved while the figures are worked out (say, from the window, as the report is
    made in the background) shows in none of them, so the lists agree with the counts."""

    def resolve_every_open_complaint(_stage: str, fraction: float) -> None:
        if fraction == 0.3:  # the summary is done; the lists are still to come
            with sqlite3.connect(data_dir / "rapport.db") as other:
                other.execute(
                    "UPDATE complaint SET resolved_at = '2026-10-30 09:00:00', "
                    "status = 'resolved' WHERE resolved_at IS NULL OR resolved_at > '2026-11'"
                )

    facts = monitoring_facts(OCTOBER, progress=resolve_every_open_complaint)
    found = facts.open_complaints
    assert len(found.listed) + found.confidential == facts.now.complaints.open > 0
    assert monitoring_facts(OCTOBER).now.complaints.open == 0  # it was saved
