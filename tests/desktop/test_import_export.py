"""Imports are all or nothing and name every bad row; exports import again unchanged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.importing import check_file, export_file, import_file
from desktop.kinds import FORMATS
from models.audit import AuditEntry
from models.catalogue import Service, Standard
from models.choices import CustomerKind, Measure, Unit
from models.db import close_database, open_database
from models.errors import Cancelled
from models.integrity import record_counts
from models.operations import create
from models.register import Customer, Department

CUSTOMERS = FORMATS["customers"]()
SERVICES = FORMATS["services"]()
STANDARDS = FORMATS["standards"]()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_register_imports_with_its_departments(db, tmp_path):
    path = write(
        tmp_path / "register.csv",
        "Name*;Kind;Department;Job Title;EMAIL;phone;location;needs;notes\r\n"
        "Zoë Łukasiewicz;manager;Human Resources;HR Business Partner;zoe@example.org;"
        '01632 960001;County Hall;"Minutes within 3 days;\r\nno jargon";\r\n'
        "Tom Hughes;;ICT;Analyst;;;;;\r\n"
        "Payroll Services;Shared Service;Human Resources;;pay@example.org;;;;\r\n",
    )
    plan = import_file(CUSTOMERS, path)
    assert plan.ok, plan.summary()
    assert plan.written == 3
    assert sorted(d.name for d in Department.select()) == ["Human Resources", "ICT"]
    zoe = Customer.get(Customer.email == "zoe@example.org")
    assert (zoe.name, zoe.kind, zoe.department.name) == (
        "Zoë Łukasiewicz",
        CustomerKind.MANAGER,
        "Human Resources",
    )
    assert zoe.needs == "Minutes within 3 days;\nno jargon"
    assert Customer.get(Customer.name == "Tom Hughes").kind is CustomerKind.COLLEAGUE
    assert Customer.get(Customer.name == "Payroll Services").kind is CustomerKind.SHARED_SERVICE
    assert AuditEntry.select().where(AuditEntry.table_name == "customer").count() == 3


def test_a_file_with_bad_rows_writes_nothing_and_names_every_one(db, tmp_path):
    create(Customer, name="Existing", kind=CustomerKind.COLLEAGUE, email="taken@example.org")
    before = record_counts()
    path = write(
        tmp_path / "register.csv",
        "name,kind,department,email\n"
        "Good Person,colleague,New Department,good@example.org\n"
        ",colleague,,nameless@example.org\n"
        "Bad Kind,boss,,badkind@example.org\n"
        "Bad Email,colleague,,not-an-email\n"
        "Taken,colleague,,TAKEN@example.org\n"
        "Twice,colleague,,good@example.org\n",
    )
    plan = import_file(CUSTOMERS, path)
    assert not plan.ok
    assert [(e.line, e.column) for e in plan.errors] == [
        (3, "name"),
        (4, "kind"),
        (5, "email"),
        (6, "email"),
        (7, "email"),
    ]
    messages = [str(error) for error in plan.errors]
    assert messages[0] == "Line 3, column name: required, but empty."
    assert "'boss' is not one of: colleague, team" in messages[1]
    assert "does not look like an email address" in messages[2]
    assert "already in the register" in messages[3]
    assert "earlier row of this file" in messages[4]
    assert "nothing was imported" in plan.summary()
    assert record_counts() == before
    assert not Department.select().where(Department.name == "New Department").exists()


def test_a_dry_run_checks_everything_and_writes_nothing(db, tmp_path):
    path = write(
        tmp_path / "services.csv", "name,category\nRoom bookings,Facilities\nPost,Facilities\n"
    )
    plan = import_file(SERVICES, path, dry_run=True)
    assert plan.ok
    assert plan.written == 0
    assert "2 row(s) checked, no problems found; nothing written" in plan.summary()
    assert Service.select().count() == 0


def test_missing_required_and_unknown_columns(db, tmp_path):
    path = write(tmp_path / "standards.csv", "service,statement,measure,colour\nA,B,response,red\n")
    plan = check_file(STANDARDS, path)
    assert [(e.line, e.column) for e in plan.errors] == [(1, "target"), (1, "unit")]
    assert "required but the file has no such header" in plan.errors[0].message
    assert plan.unknown == ["colour"]


def test_standards_name_their_service_and_are_checked_for_smartness(db, tmp_path):
    create(Service, name="Room bookings")
    create(Department, name="Human Resources")
    path = write(
        tmp_path / "standards.csv",
        "service,statement,measure,target,unit,compliance_target,agreed_with,agreed_on,review_on\n"
        "Room bookings,Respond within 4 hours,Response,4,Working_Hours,95,,03/01/2026,2027-01-03\n"
        "Room bookings,HR bookings within 2 hours,response,2,working_hours,,Human Resources,,\n"
        "Minutes,Circulate within 3 days,completion,3,working_days,90,,,\n"
        "Room bookings,Accurate,accuracy,99,working_days,95,,,\n"
        "Room bookings,Someone,response,1,working_days,95,Nobody,,\n",
    )
    plan = check_file(STANDARDS, path)
    assert [(e.line, e.column, e.message) for e in plan.errors] == [
        (4, "service", "there is no service called 'Minutes'."),
        (5, "unit", "A accuracy rate standard is measured in %."),
        (6, "agreed_with", "there is no department or customer called 'Nobody'."),
    ]
    good = write(tmp_path / "good.csv", "\n".join(path.read_text().splitlines()[:3]) + "\n")
    assert import_file(STANDARDS, good).written == 2
    general, hr = Standard.select().order_by(Standard.target.desc())
    assert (general.measure, general.target, general.unit) == (
        Measure.RESPONSE,
        4.0,
        Unit.WORKING_HOURS,
    )
    assert general.compliance_target == 95.0
    assert str(general.agreed_on) == "2026-01-03"
    assert hr.department.name == "Human Resources"
    assert hr.compliance_target == 100.0  # the default


def test_a_cancelled_import_leaves_nothing_behind(db, tmp_path):
    path = write(tmp_path / "services.csv", "name\nRoom bookings\nPost\n")

    def cancel_while_writing(stage: str, fraction: float) -> None:
        if stage == "Writing" and fraction == 1.0:
            raise Cancelled

    with pytest.raises(Cancelled):
        import_file(SERVICES, path, progress=cancel_while_writing)
    assert Service.select().count() == 0
    assert AuditEntry.select().count() == 0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_imports_into_an_empty_database_unchanged(demo_db, data_dir, tmp_path, suffix):
    kinds = ("members", "customers", "services", "standards")  # the team, whom standards name
    exported = {}
    for kind in kinds:
        exported[kind] = tmp_path / f"{kind}{suffix}"
        assert export_file(FORMATS[kind](), exported[kind]) > 0
    assert Standard.select().where(Standard.looked_after_by.is_null(False)).exists()
    close_database()
    open_database(tmp_path / "empty" / "rapport.db")
    for kind in kinds:
        plan = import_file(FORMATS[kind](), exported[kind])
        assert plan.ok, plan.summary()
    again = {}
    for kind in kinds:
        again[kind] = tmp_path / f"again-{kind}.csv"
        export_file(FORMATS[kind](), again[kind])
    close_database()
    open_database(data_dir / "rapport.db")
    for kind in kinds:
        original = tmp_path / f"original-{kind}.csv"
        export_file(FORMATS[kind](), original)
        assert original.read_bytes() == again[kind].read_bytes(), kind


def test_export_of_chosen_records_keeps_their_order(demo_db, tmp_path):
    chosen = [c.id for c in Customer.select().order_by(Customer.email.desc()).limit(3)]
    path = tmp_path / "chosen.csv"
    assert export_file(CUSTOMERS, path, chosen) == 3
    emails = [line.split(",")[4] for line in path.read_text(encoding="utf-8-sig").splitlines()[1:]]
    assert emails == [Customer.get_by_id(i).email for i in chosen]


def test_command_line_import_and_export(data_dir, tmp_path, capsys, memory_keyring):
    good = write(tmp_path / "services.csv", "name,provider\nRoom bookings,Bookings team\n")
    assert main(["--data-dir", str(data_dir), "import", "services", str(good), "--dry-run"]) == 0
    assert "no problems found; nothing written" in capsys.readouterr().out
    assert main(["--data-dir", str(data_dir), "import", "services", str(good)]) == 0
    assert "imported 1 services" in capsys.readouterr().out
    bad = write(tmp_path / "bad.csv", "name,provider\n,Nobody\n")
    assert main(["--data-dir", str(data_dir), "import", "services", str(bad)]) == 1
    assert "Line 2, column name: required, but empty." in capsys.readouterr().err
    out = tmp_path / "out.xlsx"
    assert main(["--data-dir", str(data_dir), "export", "services", str(out)]) == 0
    assert "Exported 1 services" in capsys.readouterr().out
    assert (
        main(["--data-dir", str(data_dir), "import", "services", str(tmp_path / "none.csv")]) == 1
    )
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["--data-dir", str(data_dir), "import", "requests-from-mars", str(good)])
    assert usage.value.code == 2


def test_an_excel_export_from_windows_imports(db, tmp_path):
    """A register as Excel saves 'CSV (semicolon)' on a UK Windows PC, in Windows-1252."""
    source = Path(__file__).parent.parent / "fixtures" / "register-excel-cp1252.csv"
    path = tmp_path / source.name
    shutil.copy(source, path)
    plan = import_file(CUSTOMERS, path)
    assert plan.ok, plan.summary()
    assert "Windows-1252" in plan.description
    assert Customer.get(Customer.email == "zoe.muller@example.org").name == "Zoë Müller"
    assert (
        Customer.get(Customer.name == "Siobhán O'Connor").notes == 'Says "thanks, team"\nTwo lines'
    )
