"""Importing and exporting the service log and the complaints log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.importing import check_file, export_file, import_file
from desktop.kinds import FORMATS
from desktop.tabular import read_table
from models.catalogue import Service, Standard
from models.choices import ComplaintEventKind, ComplaintStatus, CustomerKind, Measure, Unit
from models.complaints import Complaint
from models.db import close_database, open_database
from models.operations import create
from models.organisation import seed_bank_holidays
from models.register import Customer, Department
from models.service_log import ServiceRequest


@pytest.fixture
def world(db):
    seed_bank_holidays([2026])
    ict, _ = create(Department, name="ICT")
    create(
        Customer,
        name="Tom Hughes",
        kind=CustomerKind.COLLEAGUE,
        department=ict,
        email="tom@example.org",
    )
    rooms, _ = create(Service, name="Room bookings")
    for measure, target, unit in (
        (Measure.RESPONSE, 4, Unit.WORKING_HOURS),
        (Measure.COMPLETION, 2, Unit.WORKING_DAYS),
    ):
        create(
            Standard,
            service=rooms,
            statement=str(measure),
            measure=measure,
            target=target,
            unit=unit,
            compliance_target=95,
        )
    return {"ict": ict, "rooms": rooms}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_imported_requests_get_their_dues(world, tmp_path):
    path = write(
        tmp_path,
        "requests.csv",
        "service,received,customer,responded,completed,accurate,needs_met,description\n"
        "Room bookings,2026-11-23 15:00,tom@example.org,23/11/2026 16:10,2026-11-24 10:00,"
        "yes,y,Book 2.14\n"
        "Room bookings,23/11/2026,,,,,,No time given\n",
    )
    plan = import_file(FORMATS["requests"](), path)
    assert plan.ok, plan.summary()
    first = ServiceRequest.get(ServiceRequest.description == "Book 2.14")
    assert first.department_id == world["ict"].id  # Tom's department
    assert (first.response_due, first.completion_due) == (
        datetime(2026, 11, 24, 11, 0),
        datetime(2026, 11, 25, 17, 0),
    )
    assert (first.accurate, first.needs_met) == (True, True)
    second = ServiceRequest.get(ServiceRequest.description == "No time given")
    assert second.received_at == datetime(2026, 11, 23, 9, 0)  # a date alone means 09:00
    assert second.response_due == datetime(2026, 11, 23, 13, 0)


def test_bad_request_rows_are_all_named(world, tmp_path):
    path = write(
        tmp_path,
        "requests.csv",
        "service,received,customer,responded,completed,needs_met\n"
        "Post,2026-11-23 15:00,,,,\n"
        "Room bookings,2026-11-23 15:00,nobody@example.org,,,\n"
        "Room bookings,2026-11-23 15:00,,2026-11-23 14:00,,\n"
        "Room bookings,2026-11-23 15:00,,,,yes\n"
        "Room bookings,tomorrow,,,,\n",
    )
    plan = check_file(FORMATS["requests"](), path)
    assert [(e.line, e.column) for e in plan.errors] == [
        (2, "service"),
        (3, "customer"),
        (4, "responded"),
        (5, "needs_met"),
        (6, "received"),
    ]
    assert ServiceRequest.select().count() == 0


def test_request_exports_say_whether_each_standard_was_met(world, tmp_path, fixed_clock):
    path = write(
        tmp_path,
        "requests.csv",
        "service,received,responded,completed\n"
        "Room bookings,2026-11-23 15:00,2026-11-24 11:00,2026-11-24 12:00\n"  # both met
        "Room bookings,2026-11-23 15:00,2026-11-24 11:01,\n"  # response late; completion not due
        "Room bookings,2026-11-20 09:00,,\n",  # both past due and still open: missed
    )
    assert import_file(FORMATS["requests"](), path).ok
    out = tmp_path / "out.csv"
    export_file(FORMATS["requests"](), out)
    table = read_table(out)
    assert table.headers[-4:] == (
        "response_due",
        "response_met",
        "completion_due",
        "completion_met",
    )
    met = table.headers.index("response_met"), table.headers.index("completion_met")
    flags = [(row.cells[met[0]], row.cells[met[1]]) for row in table.rows]
    assert flags == [("no", "no"), ("yes", "yes"), ("no", "")]


def test_imported_complaints_get_references_dues_status_and_a_timeline(world, tmp_path):
    path = write(
        tmp_path,
        "complaints.csv",
        "summary,received,reference,customer,category,acknowledged,referred_to,referred_on,resolved\n"
        "Minutes late,2026-11-02 10:00,,tom@example.org,delay,2026-11-02 15:00,,,2026-11-10 12:00\n"
        "Rude remark,2026-11-03 10:00,,,inappropriate remarks,,,,\n"
        "Referred,2026-11-04 10:00,CMP-2026-0050,,,2026-11-04 11:00,HR,05/11/2026,\n",
    )
    plan = import_file(FORMATS["complaints"](), path)
    assert plan.ok, plan.summary()
    late, remark, referred = Complaint.select().order_by(Complaint.received_at)
    assert [c.reference for c in (late, remark, referred)] == [
        "CMP-2026-0001",
        "CMP-2026-0002",
        "CMP-2026-0050",
    ]
    assert [c.status for c in (late, remark, referred)] == [
        ComplaintStatus.RESOLVED,
        ComplaintStatus.RECEIVED,
        ComplaintStatus.REFERRED,
    ]
    assert remark.confidential  # a personal category
    assert late.acknowledge_due == datetime(2026, 11, 4, 17, 0)
    assert [e.kind for e in late.events.order_by(late.events.model.at)] == [
        ComplaintEventKind.RECEIVED,
        ComplaintEventKind.ACKNOWLEDGED,
        ComplaintEventKind.RESOLVED,
    ]
    assert (
        referred.events.where(referred.events.model.kind == ComplaintEventKind.REFERRED).get().who
        == "HR"
    )


def test_bad_complaint_rows_are_named(world, tmp_path):
    path = write(
        tmp_path,
        "complaints.csv",
        "summary,received,reference,category,acknowledged\n"
        "One,2026-11-02 10:00,CMP-2026-0009,,\n"
        "Two,2026-11-02 10:00,CMP-2026-0009,,\n"
        "Three,2026-11-02 10:00,,bad manners,\n"
        "Four,2026-11-02 10:00,,,2026-11-01 10:00\n",
    )
    plan = check_file(FORMATS["complaints"](), path)
    assert [(e.line, e.column) for e in plan.errors] == [
        (3, "reference"),
        (4, "category"),
        (5, "acknowledged"),
    ]


@pytest.fixture
def confidential(world, tmp_path):
    path = write(
        tmp_path,
        "complaints.csv",
        "summary,received,customer,category,details,resolution\n"
        "Remarks about my religion,2026-11-03 10:00,tom@example.org,discrimination,"
        "Said at reception,Apologised\n"
        "Minutes late,2026-11-04 10:00,tom@example.org,delay,Three weeks,Sent\n",
    )
    assert import_file(FORMATS["complaints"](), path).ok
    return path


def test_confidential_details_stay_out_of_an_export_unless_asked_for(confidential, tmp_path):
    plain, full = tmp_path / "plain.csv", tmp_path / "full.csv"
    export_file(FORMATS["complaints"](), plain)
    export_file(FORMATS["complaints"](include_confidential=True), full)
    text = plain.read_text(encoding="utf-8-sig")
    for secret in ("religion", "Said at reception", "Apologised"):
        assert secret not in text
    hidden, open_row = read_table(plain).rows
    assert hidden.cells[0] == "Confidential"
    assert hidden.cells[3] == ""  # no customer
    assert open_row.cells[0] == "Minutes late"  # others are untouched
    assert "Remarks about my religion" in full.read_text(encoding="utf-8-sig")


def test_the_command_line_keeps_confidential_details_out_by_default(
    confidential, data_dir, tmp_path, capsys
):
    close_database()
    plain, full = tmp_path / "cli-plain.xlsx", tmp_path / "cli-full.csv"
    assert main(["--data-dir", str(data_dir), "export", "complaints", str(plain)]) == 0
    assert (
        main(
            [
                "--data-dir",
                str(data_dir),
                "export",
                "complaints",
                str(full),
                "--include-confidential",
            ]
        )
        == 0
    )
    summaries = [row.cells[0] for row in read_table(plain).rows]
    assert summaries == ["Confidential", "Minutes late"]
    assert "Remarks about my religion" in full.read_text(encoding="utf-8-sig")
    open_database(data_dir / "rapport.db")


@pytest.mark.parametrize("kind", ["requests", "complaints"])
def test_an_export_imports_again_with_the_same_columns(demo_db, data_dir, tmp_path, kind):
    kinds = ["members", "customers", "services", "standards", kind]  # the owners first
    for name in kinds:
        export_file(FORMATS[name](include_confidential=True), tmp_path / f"{name}.csv")
    close_database()
    open_database(tmp_path / "empty" / "rapport.db")
    for name in kinds:
        plan = import_file(FORMATS[name](), tmp_path / f"{name}.csv")
        assert plan.ok, plan.summary()
    export_file(FORMATS[kind](include_confidential=True), tmp_path / "again.csv")
    close_database()
    open_database(data_dir / "rapport.db")
    width = len(FORMATS[kind].columns)  # the computed columns depend on each database's calendar
    original = [row.cells[:width] for row in read_table(tmp_path / f"{kind}.csv").rows]
    again = [row.cells[:width] for row in read_table(tmp_path / "again.csv").rows]
    assert again == original
