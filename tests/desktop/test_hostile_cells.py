"""Cells that used to be misread or to crash an import: far dates, numbers with commas."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.importing import check_file, import_file
from desktop.kinds import FORMATS
from models.catalogue import Service, Standard
from models.complaints import Complaint
from models.errors import KnownError
from models.operations import create


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["complaints", "requests", "feedback"])
def test_far_and_ancient_dates_are_row_errors_not_crashes(db, tmp_path, kind):
    create(Service, name="Post")
    first = {
        "complaints": "summary,received",
        "requests": "service,received",
        "feedback": "channel,date",
    }[kind]
    lead = "Late post" if kind == "complaints" else "Post" if kind == "requests" else "email"
    path = write(
        tmp_path / f"{kind}.csv",
        f"{first}\n{lead},9999-12-31\n{lead},0001-01-01 10:00\n{lead},2026-11-02\n",
    )
    plan = import_file(FORMATS[kind](), path)
    where = "date" if kind == "feedback" else "received"
    assert [str(error) for error in plan.errors] == [
        f"Line 2, column {where}: 31/12/9999 is outside the dates Rapport accepts "
        "(01/01/1990 to 31/12/2036; Settings can change them).",
        f"Line 3, column {where}: 01/01/0001 is outside the dates Rapport accepts "
        "(01/01/1990 to 31/12/2036; Settings can change them).",
    ]
    assert plan.written == 0 and Complaint.select().count() == 0


STANDARDS = "service{0}statement{0}measure{0}target{0}unit{0}compliance_target\n"


def standard_row(separator: str, target: str, compliance: str) -> str:
    cells = ["Post", "Post sorted", "completion", target, "working_hours", compliance]
    return separator.join(f'"{cell}"' if separator in cell else cell for cell in cells) + "\n"


def test_a_comma_in_a_number_groups_thousands_and_never_marks_decimals(db, tmp_path):
    create(Service, name="Post")
    path = write(
        tmp_path / "standards.csv",
        STANDARDS.format(",") + standard_row(",", "1,500", "95") + standard_row(",", "4", "95,5"),
    )
    plan = check_file(FORMATS["standards"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 3, column compliance_target: '95,5' is not a number: write decimals with a point "
        "(95.5); a comma is read only between thousands (1,500)."
    ]
    fixed = write(tmp_path / "fixed.csv", STANDARDS.format(",") + standard_row(",", "1,500", "95"))
    assert import_file(FORMATS["standards"](), fixed).ok
    assert Standard.get().target == 1500


def test_a_file_separated_by_semicolons_may_write_decimals_with_a_comma(db, tmp_path):
    create(Service, name="Post")
    path = write(
        tmp_path / "standards.csv",
        STANDARDS.format(";") + standard_row(";", "4", "95,5") + standard_row(";", "1,500", "90"),
    )
    plan = check_file(FORMATS["standards"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 3, column target: '1,500' could mean 1500 or 1.5: write 1500, or 1.5 with a "
        "comma for the point."
    ]
    fixed = write(tmp_path / "fixed.csv", STANDARDS.format(";") + standard_row(";", "4", "95,5"))
    assert import_file(FORMATS["standards"](), fixed).ok
    assert Standard.get().compliance_target == 95.5


def test_a_score_with_a_thousands_separator_is_refused_not_read_as_one(db, tmp_path):
    path = write(tmp_path / "feedback.csv", 'date,channel,nps\n2026-11-02,email,"1,000"\n')
    plan = check_file(FORMATS["feedback"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 2, column nps: '1,000' is not a whole number from 0 to 10."
    ]


def test_an_imported_reference_in_any_case_finds_its_complaint(db, tmp_path):
    from models.complaints import find_by_reference
    from models.errors import KnownError
    from models.operations import soft_delete

    path = write(
        tmp_path / "complaints.csv",
        "summary,received,reference\nLate post,2026-11-02 10:00,hr-17\n"
        "Lost file,2026-11-03 10:00,CMP-2026-0005\n",
    )
    assert import_file(FORMATS["complaints"](), path).ok
    assert find_by_reference(" HR-17 ").summary == "Late post"
    assert find_by_reference("hr-17").summary == "Late post"
    assert find_by_reference("cmp-2026-0005").summary == "Lost file"
    soft_delete(find_by_reference("hr-17"))
    with pytest.raises(KnownError, match="no complaint with the reference 'hr-17'"):
        find_by_reference("hr-17")


def test_a_file_whose_headers_are_not_found_says_how_it_was_read(db, data_dir, tmp_path, capsys):
    from desktop.cli import main

    path = tmp_path / "register.csv"
    path.write_bytes("Full name\tE-mail\nAnn\tann@example.org\n".encode("utf-16"))
    assert main(["--data-dir", str(data_dir), "import", "customers", str(path)]) == 1
    said = capsys.readouterr().err
    assert "Line 1, column name: this column is required but the file has no such header." in said
    assert (
        "Rapport read it as CSV, UTF-16 little-endian with byte-order mark, separated by tabs; "
        "its header row holds: Full name; E-mail." in said
    )


def test_what_the_reader_noticed_is_said_with_the_result(db, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "services.xlsx"
    book = Workbook()
    book.active.title = "Services"
    book.active.append(["name"])
    book.active.append(["Post"])
    book.create_sheet("Old services").append(["Photocopying"])
    book.save(path)
    plan = import_file(FORMATS["services"](), path)
    assert plan.summary() == (
        "services.xlsx: imported 1 services.\n"
        "Only the first sheet, 'Services', is read; the workbook also has 'Old services'."
    )


def test_a_new_code_named_in_a_feedback_file_follows_the_rules_of_a_name(db, tmp_path):
    from models.feedback import Code

    long = "x" * 201
    path = write(
        tmp_path / "feedback.csv",
        f"date,channel,codes\n2026-11-02,email,Bell\x07ringing\n2026-11-02,email,Slow; {long}\n",
    )
    plan = import_file(FORMATS["feedback"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 2, column codes: the new code 'Bell\x07ringing': Contains a control character "
        "(U+0007) at character 5.",
        f"Line 3, column codes: the new code '{'x' * 39}…': At most 200 characters (this has 201).",
    ]
    assert Code.select().count() == 0


def test_a_new_department_named_in_a_register_follows_the_rules_of_a_name(db, tmp_path):
    from models.register import Customer, Department

    path = write(
        tmp_path / "customers.csv",
        f"name,department\nAnn,{'F' * 300}\nBob,Fin\x01ance\nCal,Finance\n",
    )
    plan = import_file(FORMATS["customers"](), path)
    assert [str(error) for error in plan.errors] == [
        f"Line 2, column department: the new department '{'F' * 39}…': At most 200 characters "
        "(this has 300).",
        "Line 3, column department: the new department 'Fin\x01ance': Contains a control "
        "character (U+0001) at character 4.",
    ]
    assert Customer.select().count() == Department.select().count() == 0


def test_references_differing_only_in_case_are_one_reference(db, tmp_path):
    path = write(
        tmp_path / "complaints.csv",
        "summary,received,reference\nLate post,2026-11-02 10:00,hr-17\n"
        "Lost file,2026-11-03 10:00,HR-17\n",
    )
    plan = check_file(FORMATS["complaints"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 3, column reference: HR-17 appears on an earlier row of this file."
    ]
    first = write(tmp_path / "first.csv", "summary,received,reference\nLate,2026-11-02,hr-17\n")
    assert import_file(FORMATS["complaints"](), first).ok
    second = write(tmp_path / "second.csv", "summary,received,reference\nLost,2026-11-03,HR-17\n")
    assert [str(error) for error in check_file(FORMATS["complaints"](), second).errors] == [
        "Line 2, column reference: Another complaint is already hr-17."
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (  # a quote closed mid-value, then a lone carriage return: a row cut short
            'name,category,provider,description\r\n"Fuzz 1,,"\reV",Everything posted\r\n',
            "services.csv, line 3: the value 'eV\"' holds a quote but is not in quotes itself, "
            "so the row's quotes are awry; write the value in quotes, its quote doubled "
            '("5"" floppy"), or check the quotes on this line and the one before.',
        ),
        (  # a stray quote before a quoted value: text follows its closing quote
            'name,category,provider\r\n"Fuzz 1,,"line one",x\r\nPost,,Post room\r\n',
            "services.csv, line 2: a value's closing quote is followed by more text, so the "
            "quotes of the row starting on line 2 do not pair up; check them.",
        ),
    ],
    ids=["loose-quote", "text-after-closing-quote"],
)
def test_quotes_awry_on_one_line_are_refused_naming_it(db, tmp_path, content, message):
    """The fuzz test found these read as short rows, each imported as a service."""
    path = tmp_path / "services.csv"
    path.write_bytes(content.encode())
    plan = None
    with pytest.raises(KnownError) as refused:
        plan = import_file(FORMATS["services"](), path)
    assert str(refused.value) == message and plan is None
    assert Service.select().count() == 0


def test_a_value_quoted_with_its_quotes_doubled_still_imports(db, tmp_path):
    path = write(tmp_path / "services.csv", 'name,description\n"5"" floppy","Disks, ""old"""\n')
    assert import_file(FORMATS["services"](), path).ok
    assert Service.get().description == 'Disks, "old"'


def test_an_owner_cell_is_a_member_to_find_never_text_to_keep(db, tmp_path):
    from models.service_log import ServiceRequest
    from models.team import Member

    create(Service, name="Post")
    priya, _ = create(Member, name="Priya Patel", email="priya@example.org")
    path = write(
        tmp_path / "requests.csv",
        "service,received,owner\n"
        "Post,2026-11-02,Priya\u00a0\u00a0Patel\n"  # non-breaking spaces, pasted from a page
        'Post,2026-11-02,"=HYPERLINK(""http://example.invalid"",""Priya Patel"")"\n'
        f"Post,2026-11-02,{'x' * 300}\n"
        "Post,2026-11-02,Priya\x07Patel\n",
    )
    plan = check_file(FORMATS["requests"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 3, column owner: no member of the team has the name or email "
        '\'=HYPERLINK("http://example.invalid","Pr…\'.',
        f"Line 4, column owner: no member of the team has the name or email '{'x' * 39}…'.",
        "Line 5, column owner: no member of the team has the name or email 'Priya\x07Patel'.",
    ]
    fine = write(
        tmp_path / "fine.csv", "service,received,owner\nPost,2026-11-02,PRIYA\u00a0PATEL\n"
    )
    assert import_file(FORMATS["requests"](), fine).ok
    assert ServiceRequest.get().owner_id == priya.id
