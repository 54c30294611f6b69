"""The team's members: a list imported and exported, and the first member of a new folder."""

from __future__ import annotations

from pathlib import Path

from desktop.cli import main
from desktop.importing import export_file, import_file
from desktop.kinds import FORMATS
from desktop.user_name import os_full_name
from models.choices import MemberRole
from models.db import open_database
from models.team import Member, ensure_first_member


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_team_imports_from_a_list_with_a_leaver_retired(db, tmp_path):
    path = write(
        tmp_path / "team.csv",
        "name,email,role,active\nPriya Patel,priya@example.org,team leader,yes\n"
        "Sam Jones,,team member,\nAlex Kim,alex@example.org,administrator,no\n",
    )
    plan = import_file(FORMATS["members"](), path)
    assert plan.summary() == "team.csv: imported 3 team members."
    members = {m.name: (m.role, m.deleted_at is None) for m in Member.select()}
    assert members == {
        "Priya Patel": (MemberRole.TEAM_LEADER, True),
        "Sam Jones": (MemberRole.TEAM_MEMBER, True),
        "Alex Kim": (MemberRole.ADMINISTRATOR, False),
    }
    out = tmp_path / "again.csv"
    assert export_file(FORMATS["members"](), out) == 3
    assert out.read_text(encoding="utf-8-sig").splitlines() == [
        "name,email,role,active",
        "Alex Kim,alex@example.org,administrator,no",
        "Priya Patel,priya@example.org,team leader,yes",
        "Sam Jones,,team member,yes",
    ]


def test_the_members_kind_has_the_columns_of_the_issue():
    """name*, email, role, active: what a team's list holds (DESIGN.md §4)."""
    assert [column.header for column in FORMATS["members"].columns] == [
        "name*",
        "email",
        "role",
        "active",
    ]


def test_a_bad_member_row_names_itself_and_nothing_is_written(db, tmp_path):
    path = write(
        tmp_path / "team.csv",
        "name,email,role\nPriya Patel,not-an-email,team leader\nSam,,captain\n,x@example.org,\n"
        "Priya Patel,,\n",
    )
    plan = import_file(FORMATS["members"](), path)
    assert [str(error) for error in plan.errors] == [
        "Line 2, column email: This does not look like an email address (name@example.org).",
        "Line 3, column role: 'captain' is not one of: administrator, team leader, team member",
        "Line 4, column name: required, but empty.",
        "Line 5, column name: 'Priya Patel' appears on an earlier row of this file.",
    ]
    assert Member.select().count() == 0


def test_members_import_and_export_on_the_command_line(db, data_dir, tmp_path, capsys):
    path = write(tmp_path / "team.csv", "name,role\nPriya Patel,team leader\n")
    assert main(["--data-dir", str(data_dir), "import", "members", str(path)]) == 0
    assert "imported 1 team members" in capsys.readouterr().out
    out = tmp_path / "team.xlsx"
    assert main(["--data-dir", str(data_dir), "export", "members", str(out)]) == 0
    assert "Exported 1 members" in capsys.readouterr().out


def test_a_new_folder_starts_with_its_maker_who_may_correct_the_name(db, data_dir):
    from desktop.session import settle_who
    from models.team import member_for_your_name

    made = settle_who(data_dir)  # the window's first start: the team starts with its maker
    assert made is not None and made.name == os_full_name()
    assert made.role is MemberRole.ADMINISTRATOR
    assert ensure_first_member("Someone Else") is None  # only a team with nobody in it
    member, change = member_for_your_name("  Priya   Patel ", made)
    assert (member.id, member.name) == (made.id, "Priya Patel") and change is not None
    sam = Member.create(name="Sam Jones")
    chosen, change = member_for_your_name("sam jones", member)  # a colleague: chosen, kept
    assert (chosen.id, chosen.name, change) == (sam.id, "Sam Jones", None)
    assert Member.select().count() == 2


def test_the_system_name_is_cleaned_of_what_a_name_may_not_hold(monkeypatch):
    from desktop import user_name

    monkeypatch.setattr(user_name, "_unix_full_name", lambda: "Zo\udce9 \x07 Smith")
    assert user_name.os_full_name() == "Zo Smith"
    monkeypatch.setattr(user_name, "_unix_full_name", lambda: "")
    monkeypatch.setattr(user_name, "os_user", lambda: "priya")
    assert user_name.os_full_name() == "priya"


def test_the_folder_remembers_who_is_at_the_keyboard_and_the_trail_names_them(
    db, data_dir, tmp_path
):
    from desktop.session import YOU_FILE, choose_you, seat, settle_who
    from models.audit import AuditEntry, audit_users, os_user, who_did_it
    from models.operations import create, soft_delete, update
    from models.people import member_at_keyboard
    from models.register import Department

    before, _ = create(Department, name="Made before there was a team")
    priya = settle_who(data_dir)
    assert priya is not None and member_at_keyboard() == priya.id
    assert (data_dir / YOU_FILE).exists()  # made for this user, and chosen as them
    sam, _ = create(Member, name="Sam Jones")
    choose_you(data_dir, sam)
    finance, _ = create(Department, name="Finance")
    update(finance, notes="Second floor")
    assert seat(data_dir) == sam  # as remembered for this folder
    update(sam, name="Samuel Jones")  # the trail shows a member as they are called now
    names = dict(
        AuditEntry.select(AuditEntry.record_id, who_did_it())
        .where(AuditEntry.table_name == "department")
        .tuples()
    )
    assert names[finance.id.hex] == "Samuel Jones"
    assert names[before.id.hex] == os_user()  # made before there was a team: the login
    assert "Samuel Jones" in audit_users()
    soft_delete(Member.get_by_id(sam.id))  # retired: nobody is chosen, never someone else
    assert seat(data_dir) is None and member_at_keyboard() is None
    (data_dir / YOU_FILE).write_text("not json", encoding="utf-8")
    assert seat(data_dir) is None  # a damaged choice is no choice


def test_a_command_records_the_member_chosen_for_the_folder(db, data_dir, tmp_path, capsys):
    from desktop.session import choose_you
    from models.audit import AuditEntry, who_did_it
    from models.operations import create
    from models.people import set_member_at_keyboard

    ensure_first_member("Priya Patel")
    mei, _ = create(Member, name="Mei Chen")
    choose_you(data_dir, mei)
    set_member_at_keyboard(None)  # the command must find out for itself
    path = write(tmp_path / "services.csv", "name\nPost\n")
    assert main(["--data-dir", str(data_dir), "import", "services", str(path)]) == 0
    open_database(data_dir / "rapport.db")
    who = AuditEntry.select(who_did_it()).where(AuditEntry.table_name == "service").scalar()
    assert who == "Mei Chen"


def test_the_complaint_record_names_the_member_who_acknowledged_it(db, tmp_path):
    from datetime import datetime

    from pypdf import PdfReader

    from desktop.reports.complaint_record import build_complaint_record
    from models.choices import ComplaintEventKind
    from models.complaint_lifecycle import log_complaint, take_step
    from models.operations import create
    from models.people import at_keyboard

    ensure_first_member("Priya Patel")
    mei, _ = create(Member, name="Mei Chen")
    with at_keyboard(mei.id):
        complaint, _ = log_complaint(received_at=datetime(2026, 11, 2, 10), summary="Post late")
        take_step(complaint, ComplaintEventKind.ACKNOWLEDGED, at=datetime(2026, 11, 2, 11))
    out = tmp_path / "record.pdf"
    build_complaint_record(complaint, out)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Acknowledged" in text and "Mei Chen" in text
