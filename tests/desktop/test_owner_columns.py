"""Who owns the work, in files: an `owner` column of requests and complaints (a standard's
`looked_after_by`), matched by a member's name or email, written back as their name."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.importing import check_file, export_file, import_file
from desktop.kinds import FORMATS
from desktop.session import open_data_folder
from desktop.tabular import read_table
from models.catalogue import Service, Standard
from models.choices import CustomerKind, Measure, Unit
from models.complaints import Complaint
from models.db import close_database, open_database
from models.integrity import record_counts
from models.operations import create, soft_delete
from models.people import at_keyboard
from models.register import Customer
from models.service_log import ServiceRequest
from models.team import Member, member_by_name_or_email
from tests.desktop.test_cli import rapport


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def team(db):
    """Priya and Sam in the team, Alex gone, and the Post service."""
    create(Service, name="Post")
    priya, _ = create(Member, name="Priya Patel", email="Priya@Example.org")
    sam, _ = create(Member, name="Sam Jones", email="sam@example.org")
    alex, _ = create(Member, name="Alex Kim", email="alex@example.org")
    soft_delete(alex)
    return {"priya": priya, "sam": sam, "alex": alex}


def owners(model) -> dict[str, str | None]:
    return {
        record.description if model is ServiceRequest else record.summary: (
            record.owner.name if record.owner_id else None
        )
        for record in model.select()
    }


def test_a_member_is_found_by_name_or_email_as_people_write_them(team):
    assert member_by_name_or_email("  priya   PATEL ") == team["priya"]
    assert member_by_name_or_email("priya@example.ORG") == team["priya"]
    assert member_by_name_or_email("ALEX@example.org") == team["alex"]  # found; the rule refuses
    assert member_by_name_or_email("Priya") is None
    assert member_by_name_or_email("nobody@example.org") is None
    create(Member, name="Sam Jones (cover)", email="SAM@example.org")
    assert member_by_name_or_email("sam@example.org") is None  # two in the team share it
    assert member_by_name_or_email("sam jones") == team["sam"]  # the name still tells


def test_imported_requests_belong_to_the_members_their_owner_cells_name(team, tmp_path):
    path = write(
        tmp_path / "requests.csv",
        "service,received,description,owner\n"
        "Post,2026-11-02 10:00,By email,SAM@EXAMPLE.ORG\n"
        "Post,2026-11-02 11:00,By name,  priya  patel\n"
        "Post,2026-11-02 12:00,Nobody named,\n",
    )
    with at_keyboard(team["sam"].id):  # a row naming no one is the importer's, as in the window
        plan = import_file(FORMATS["requests"](), path)
    assert plan.ok, plan.summary()
    assert owners(ServiceRequest) == {
        "By email": "Sam Jones",
        "By name": "Priya Patel",
        "Nobody named": "Sam Jones",
    }


def test_an_unknown_owner_or_one_who_has_left_is_a_row_error_and_nothing_is_written(team, tmp_path):
    before = record_counts()
    path = write(
        tmp_path / "complaints.csv",
        "summary,received,owner\n"
        "Fine,2026-11-02 10:00,Sam Jones\n"
        "Unknown,2026-11-02 10:00,Robin Hood\n"
        "Left,2026-11-02 10:00,alex@example.org\n"
        "Typo,2026-11-02 10:00,sam@example.or\n",
    )
    plan = import_file(FORMATS["complaints"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 3, column owner: no member of the team has the name or email 'Robin Hood'.",
        "Line 4, column owner: Alex Kim has left the team: choose someone still in it.",
        "Line 5, column owner: no member of the team has the name or email 'sam@example.or'.",
    ]
    assert "nothing was imported" in plan.summary()
    assert record_counts() == before


def test_an_email_two_members_share_asks_for_a_name(team, tmp_path):
    create(Member, name="Sam Jones (cover)", email="sam@example.org")
    path = write(
        tmp_path / "requests.csv", "service,received,owner\nPost,2026-11-02,sam@example.org\n"
    )
    assert [str(error) for error in check_file(FORMATS["requests"](), path).errors] == [
        "Line 2, column owner: 2 members of the team have the email 'sam@example.org': give a name."
    ]


def test_exports_write_the_owners_name_and_blank_for_no_one(team, tmp_path):
    path = write(
        tmp_path / "complaints.csv",
        "summary,received,owner\nLate post,2026-11-02 10:00,sam@example.org\n"
        "Lost file,2026-11-03 10:00,\n",
    )
    assert import_file(FORMATS["complaints"](), path).ok  # no one at the keyboard: no owner
    out = tmp_path / "out.csv"
    export_file(FORMATS["complaints"](), out)
    table = read_table(out)
    owner = table.headers.index("owner")
    assert table.headers[: owner + 2] == (
        *(c.name for c in FORMATS["complaints"].columns),
        "status",
    )
    assert [(row.cells[0], row.cells[owner]) for row in table.rows] == [
        ("Late post", "Sam Jones"),
        ("Lost file", ""),
    ]


def test_a_standard_is_looked_after_by_a_member_named_in_its_file(team, tmp_path):
    path = write(
        tmp_path / "standards.csv",
        "service,statement,measure,target,unit,looked_after_by\n"
        "Post,Sorted in 4 hours,completion,4,working_hours,priya@example.org\n"
        "Post,Answered in 2 hours,response,2,working_hours,\n"
        "Post,Sorted by Alex,completion,3,working_hours,Alex Kim\n",
    )
    plan = import_file(FORMATS["standards"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 4, column looked_after_by: Alex Kim has left the team: choose someone still in it."
    ]
    fixed = write(tmp_path / "fixed.csv", "\n".join(path.read_text().splitlines()[:3]) + "\n")
    assert import_file(FORMATS["standards"](), fixed).ok
    kept = {s.statement: s.looked_after_by_id for s in Standard.select()}
    assert kept == {"Sorted in 4 hours": team["priya"].id, "Answered in 2 hours": None}
    out = tmp_path / "out.csv"
    export_file(FORMATS["standards"](), out)
    table = read_table(out)
    assert table.headers[-1] == "looked_after_by"
    assert sorted(row.cells[-1] or "" for row in table.rows) == ["", "Priya Patel"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_owned_work_exports_and_imports_into_a_new_folder_unchanged(
    team, data_dir, tmp_path, suffix
):
    create(Customer, name="Tom Hughes", kind=CustomerKind.COLLEAGUE, email="tom@example.org")
    priya, sam = team["priya"], team["sam"]
    create(
        Standard,
        service=Service.get(),
        statement="Sorted in 4 hours",
        measure=Measure.COMPLETION,
        target=4,
        unit=Unit.WORKING_HOURS,
        compliance_target=95,
        looked_after_by=sam,
    )
    for day, owner in ((2, priya), (3, sam), (4, None)):
        create(
            ServiceRequest,
            service=Service.get(),
            received_at=datetime(2026, 11, day, 10),
            description=f"Day {day}",
            owner=owner,
        )
        complaint = {"owner": owner} if owner else {}  # one from before there were owners
        create(
            Complaint,
            reference=f"CMP-2026-000{day}",
            received_at=datetime(2026, 11, day, 10),
            summary=f"Day {day}",
            **complaint,
        )
    kinds = ["members", "customers", "services", "standards", "requests", "complaints"]
    for kind in kinds:
        export_file(FORMATS[kind](include_confidential=True), tmp_path / f"{kind}{suffix}")
    close_database()
    open_database(tmp_path / "new" / "rapport.db")
    for kind in kinds:
        plan = import_file(FORMATS[kind](), tmp_path / f"{kind}{suffix}")
        assert plan.ok, plan.summary()
    assert owners(ServiceRequest) == {"Day 2": "Priya Patel", "Day 3": "Sam Jones", "Day 4": None}
    for kind in kinds[3:]:
        export_file(FORMATS[kind](include_confidential=True), tmp_path / f"again-{kind}{suffix}")
    close_database()
    open_database(data_dir / "rapport.db")
    for kind in kinds[3:]:
        width = len(FORMATS[kind].columns)  # the computed columns follow the calendar
        original = [row.cells[:width] for row in read_table(tmp_path / f"{kind}{suffix}").rows]
        again = [row.cells[:width] for row in read_table(tmp_path / f"again-{kind}{suffix}").rows]
        assert again == original, kind


# The command line, as a user meets it


def run(data_dir: Path, *argv: str) -> int:
    return main(["--data-dir", str(data_dir), *argv])


def test_import_requests_on_the_command_line_assigns_the_owners(
    data_dir, tmp_path, capsys, memory_keyring
):
    from desktop.session import choose_you

    team = write(
        tmp_path / "team.csv",
        "name,email,role\nPriya Patel,priya@example.org,team leader\nSam Jones,sam@example.org,\n",
    )
    assert run(data_dir, "import", "members", str(team)) == 0
    assert run(data_dir, "import", "services", str(write(tmp_path / "s.csv", "name\nPost\n"))) == 0
    choose_you(data_dir, Member.get(Member.name == "Priya Patel"))  # this folder's user
    requests = write(
        tmp_path / "requests.csv",
        "service,received,description,owner\nPost,2026-11-02 10:00,Sam's,sam@example.org\n"
        "Post,2026-11-02 11:00,Mine,\n",
    )
    assert run(data_dir, "import", "requests", str(requests)) == 0
    assert "imported 2 requests" in capsys.readouterr().out
    open_data_folder(data_dir)
    assert owners(ServiceRequest) == {"Sam's": "Sam Jones", "Mine": "Priya Patel"}
    out = tmp_path / "out.xlsx"
    assert run(data_dir, "export", "requests", str(out)) == 0
    table = read_table(out)
    owner = table.headers.index("owner")
    assert [row.cells[owner] for row in table.rows] == ["Sam Jones", "Priya Patel"]


def test_an_unknown_owner_on_the_command_line_is_named_and_nothing_is_written(
    data_dir, tmp_path, capsys, memory_keyring
):
    assert run(data_dir, "import", "services", str(write(tmp_path / "s.csv", "name\nPost\n"))) == 0
    capsys.readouterr()
    path = write(
        tmp_path / "requests.csv",
        "service,received,owner\nPost,2026-11-02 10:00,\nPost,2026-11-03 10:00,Robin Hood\n",
    )
    assert run(data_dir, "import", "requests", str(path)) == 1
    said = capsys.readouterr().err
    assert "requests.csv: 1 problem(s) in 2 row(s); nothing was imported." in said
    assert "Line 3, column owner: no member of the team has the name or email 'Robin Hood'." in said
    open_data_folder(data_dir)
    assert ServiceRequest.select().count() == 0


def test_a_team_then_its_work_from_files_through_main_py(tmp_path):
    """The whole story in real processes: the team from a list, requests naming one of them by
    email, and an export that writes their names."""
    folder = str(tmp_path / "data")
    env = {"RAPPORT_DB_KEY": "ab" * 32}
    team = write(tmp_path / "team.csv", "name*,email,role,active\nMei Chen,MEI@example.org,,yes\n")
    services = write(tmp_path / "services.csv", "name\nPost\n")
    requests = write(
        tmp_path / "requests.csv", "service,received,owner\nPost,2026-11-02 10:00,mei@example.org\n"
    )
    for kind, path in (("members", team), ("services", services), ("requests", requests)):
        done = rapport("--data-dir", folder, "import", kind, str(path), env=env)
        assert done.returncode == 0, done.stderr
    out = tmp_path / "out.csv"
    done = rapport("--data-dir", folder, "export", "requests", str(out), env=env)
    assert done.returncode == 0, done.stderr
    table = read_table(out)
    assert table.rows[0].cells[table.headers.index("owner")] == "Mei Chen"
    bad = write(tmp_path / "bad.csv", "service,received,owner\nPost,2026-11-03,mei@example.com\n")
    refused = rapport("--data-dir", folder, "import", "requests", str(bad), env=env)
    assert refused.returncode == 1
    assert "Line 2, column owner: no member of the team has the name or email " in refused.stderr
    assert "'mei@example.com'" in refused.stderr and "Traceback" not in refused.stderr
    done = rapport("--data-dir", folder, "export", "requests", str(out), env=env)
    assert len(read_table(out).rows) == 1  # the refused file wrote nothing
