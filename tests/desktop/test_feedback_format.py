"""Importing and exporting feedback, with its scores and codes."""

from __future__ import annotations

from datetime import date

from desktop.cli import main
from desktop.importing import check_file, export_file, import_file
from desktop.kinds import FORMATS
from desktop.session import folder_key
from models.catalogue import Service
from models.choices import CustomerKind, FeedbackChannel, FeedbackType
from models.db import close_database, open_database
from models.feedback import Code, Feedback
from models.operations import create
from models.register import Customer, Department


def test_feedback_imports_with_its_codes(db, tmp_path):
    finance, _ = create(Department, name="Finance")
    create(
        Customer,
        name="Ann",
        kind=CustomerKind.COLLEAGUE,
        department=finance,
        email="ann@example.org",
    )
    create(Service, name="Room bookings")
    create(Code, name="Quick response appreciated")
    path = tmp_path / "sheets.csv"
    path.write_text(
        "date,channel,customer,service,anonymous,nps,ces,csat,comment,type,theme,codes\n"
        "03/11/2026,Feedback sheet,ann@example.org,Room bookings,no,9,6,5,"
        "Fast and friendly,generic positive,Speed,Quick response appreciated; Friendly staff\n"
        "04/11/2026,suggestions box,,,yes,,,,Open earlier please,new feature request,,"
        "Out-of-hours cover\n",
        encoding="utf-8",
    )
    plan = import_file(FORMATS["feedback"](), path)
    assert plan.ok, plan.summary()
    sheet = Feedback.get(Feedback.comment == "Fast and friendly")
    assert (sheet.nps, sheet.ces, sheet.csat) == (9, 6, 5)
    assert sheet.department.name == "Finance"  # the customer's department
    assert sheet.channel is FeedbackChannel.FEEDBACK_SHEET
    assert sorted(link.code.name for link in sheet.code_links) == [
        "Friendly staff",
        "Quick response appreciated",
    ]
    slip = Feedback.get(Feedback.comment == "Open earlier please")
    assert slip.anonymous and slip.customer_id is None
    assert slip.type is FeedbackType.NEW_FEATURE_REQUEST
    assert sorted(c.name for c in Code.select()) == [
        "Friendly staff",
        "Out-of-hours cover",
        "Quick response appreciated",
    ]


def test_scores_off_their_scales_are_named_and_nothing_is_written(db, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "date,channel,nps,ces,csat,type\n"
        "2026-11-03,email,11,,,\n"
        "2026-11-03,email,,0,,\n"
        "2026-11-03,email,,,9,\n"
        "2026-11-03,carrier pigeon,,,,\n"
        "2026-11-03,email,,,,praise\n"
        "2026-11-03,email,7,5,4,generic positive\n",
        encoding="utf-8",
    )
    plan = check_file(FORMATS["feedback"](), path)
    assert [(e.line, e.column) for e in plan.errors] == [
        (2, "nps"),
        (3, "ces"),
        (4, "csat"),
        (5, "channel"),
        (6, "type"),
    ]
    assert "from 1 to 7" in plan.errors[1].message
    assert Feedback.select().count() == 0


def test_a_feedback_export_imports_again_unchanged(demo_db, data_dir, tmp_path):
    kinds = ["customers", "services", "feedback"]
    for name in kinds:
        export_file(FORMATS[name](), tmp_path / f"{name}.csv")
    close_database()
    open_database(tmp_path / "empty" / "rapport.db")
    for name in kinds:
        assert import_file(FORMATS[name](), tmp_path / f"{name}.csv").ok
    export_file(FORMATS["feedback"](), tmp_path / "again.csv")
    close_database()
    open_database(data_dir / "rapport.db")
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "feedback.csv").read_bytes()


def test_feedback_on_the_command_line(data_dir, tmp_path, capsys, memory_keyring):
    path = tmp_path / "slips.csv"
    path.write_text(
        "date,channel,comment\n2026-11-03,suggestions box,More chairs\n", encoding="utf-8"
    )
    assert main(["--data-dir", str(data_dir), "import", "feedback", str(path)]) == 0
    assert "imported 1 feedback" in capsys.readouterr().out
    out = tmp_path / "out.xlsx"
    assert main(["--data-dir", str(data_dir), "export", "feedback", str(out)]) == 0
    assert "Exported 1 feedback" in capsys.readouterr().out
    open_database(data_dir / "rapport.db", key=folder_key(data_dir))
    assert Feedback.get().received_on == date(2026, 11, 3)
    close_database()
