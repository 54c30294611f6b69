"""Importing a survey export whose columns are the questions, through a mapping step."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.importing import check_file, import_file
from desktop.questionnaire import QuestionnaireFormat, guess_mapping
from desktop.tabular import write_table
from models.choices import FeedbackChannel
from models.db import close_database, open_database
from models.feedback import Feedback
from models.import_mappings import ImportMapping, remembered_mapping
from models.operations import create
from models.register import Department

NPS = "How likely are you to recommend our service to a colleague?"
CSAT = "How satisfied were you with the service you received?"
CES = "The team made it easy for me to get what I needed."
DEPARTMENT = "Which department do you work in?"
COMMENT = "Is there anything else you would like to tell us?"
HEADERS = ["ID", "Start time", "Completion time", "Email", "Name", NPS, CSAT, CES, DEPARTMENT,
           COMMENT]  # fmt: skip
ROWS = [
    [1, "03/11/2026 09:12:01", "03/11/2026 09:14:40", "anonymous", "", 9, "Very satisfied",
     "Strongly agree", "Finance", "Quick and friendly."],
    [2, "04/11/2026 10:00:00", "04/11/2026 10:03:10", "anonymous", "", "6 - Somewhat likely",
     3, "4", "", "Waited a week; a < b & <b>x</b>"],
    [3, "05/11/2026 14:20:00", "05/11/2026 14:22:00", "anonymous", "", 10, 5, 7, "Finance", ""],
]  # fmt: skip
MAPPING = {
    "date": "Completion time",
    "nps": NPS,
    "ces": CES,
    "csat": CSAT,
    "comment": COMMENT,
    "department": DEPARTMENT,
}


def survey(path: Path, rows: list[list[object]] = ROWS, headers: list[str] = HEADERS) -> Path:
    write_table(path, headers, rows)
    return path


def test_rapport_guesses_which_question_is_which():
    assert guess_mapping(HEADERS) == MAPPING | {"customer": "Email"}
    # a satisfaction question that mentions the service is still the satisfaction question
    assert guess_mapping(["Timestamp", "How satisfied are you with our service?", "Service"]) == {
        "date": "Timestamp",
        "csat": "How satisfied are you with our service?",
        "service": "Service",
    }
    assert guess_mapping(["Q1", "Q2"]) == {}


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_questionnaire_imports_through_its_mapping(db, tmp_path, suffix):
    create(Department, name="Finance")
    path = survey(tmp_path / f"forms{suffix}")
    plan = import_file(QuestionnaireFormat(mapping=MAPPING), path)
    assert plan.ok, plan.summary()
    assert plan.summary() == f"forms{suffix}: imported 3 questionnaire responses."
    assert plan.unknown == ["ID", "Start time", "Email", "Name"]
    items = list(Feedback.select().order_by(Feedback.received_on))
    assert [(i.received_on, i.nps, i.ces, i.csat) for i in items] == [
        (date(2026, 11, 3), 9, 7, 5),  # Likert words become their scores
        (date(2026, 11, 4), 6, 4, 3),  # "6 - Somewhat likely" is a 6
        (date(2026, 11, 5), 10, 7, 5),
    ]
    assert [i.comment for i in items] == [
        "Quick and friendly.",
        "Waited a week; a < b & <b>x</b>",
        "",
    ]
    assert {i.channel for i in items} == {FeedbackChannel.QUESTIONNAIRE}
    assert all(i.anonymous and i.customer_id is None for i in items)
    assert [i.department.name if i.department else None for i in items] == [
        "Finance",
        None,
        "Finance",
    ]


def test_the_mapping_is_remembered_for_the_next_file_of_the_same_shape(db, tmp_path):
    create(Department, name="Finance")
    first = survey(tmp_path / "october.csv")
    assert import_file(QuestionnaireFormat(mapping=MAPPING, guess=False), first).ok
    # next month's export: same questions, different answers, headers in another case
    upper = [header.upper() for header in HEADERS]
    later = survey(tmp_path / "november.xlsx", [ROWS[0]], upper)
    again = QuestionnaireFormat(guess=False)
    plan = import_file(again, later)
    assert plan.ok, plan.summary()
    assert again.source == "remembered"
    assert again.mapping == {name: header.upper() for name, header in MAPPING.items()}
    assert Feedback.select().count() == 4
    assert ImportMapping.select().count() == 1
    # a file with other columns is a new shape: nothing remembered, nothing guessed
    other = survey(tmp_path / "other.csv", [ROWS[0]], [*HEADERS, "Extra question"])
    fresh = QuestionnaireFormat(guess=False)
    plan = check_file(fresh, other)
    assert fresh.source == "none"
    assert [(e.line, e.column) for e in plan.errors] == [(1, "date")]


def test_a_dry_run_or_a_failed_import_remembers_nothing(db, tmp_path):
    path = survey(tmp_path / "forms.csv")  # no department called Finance: two rows fail
    plan = import_file(QuestionnaireFormat(mapping=MAPPING), path)
    assert not plan.ok
    assert remembered_mapping("questionnaire", HEADERS) is None
    create(Department, name="Finance")
    assert import_file(QuestionnaireFormat(mapping=MAPPING), path, dry_run=True).ok
    assert remembered_mapping("questionnaire", HEADERS) is None
    assert Feedback.select().count() == 0


def test_problems_name_the_question_the_user_sees(db, tmp_path):
    create(Department, name="Finance")
    rows = [
        [1, "", "31/12/2026 10:00", "", "", 11, "Delighted", 8, "Finance", ""],
        [2, "", "not a date", "", "", 5, 3, 3, "Finance", ""],
        [3, "", "03/11/2026", "", "", 5, 3, 3, "Estates", ""],
    ]
    plan = check_file(QuestionnaireFormat(mapping=MAPPING), survey(tmp_path / "bad.csv", rows))
    assert [(e.line, e.column) for e in plan.errors] == [
        (2, NPS),
        (2, CES),
        (2, CSAT),
        (3, "Completion time"),
        (4, DEPARTMENT),
    ]
    assert "from 0 to 10" in plan.errors[0].message
    assert (
        str(plan.errors[4])
        == f"Line 4, column {DEPARTMENT}: there is no department called 'Estates'."
    )
    future = check_file(
        QuestionnaireFormat(mapping=MAPPING),
        survey(tmp_path / "future.csv", [[*ROWS[2][:2], "31/12/2026 10:00", *ROWS[2][3:]]]),
    )
    assert [(e.line, e.column) for e in future.errors] == [(2, "Completion time")]


def test_a_mapping_that_cannot_work_is_refused_before_any_row(db, tmp_path):
    path = survey(tmp_path / "forms.csv")
    plan = check_file(
        QuestionnaireFormat(mapping={"date": "Submitted", "nps": CSAT, "csat": CSAT}), path
    )
    assert [str(error) for error in plan.errors] == [
        "Line 1, column Submitted: the file has no such column.",
        f"Line 1, column {CSAT}: chosen for both nps and csat.",
        "Line 1, column date: say which of the file's columns holds this.",
    ]
    assert plan.records == []


def test_a_named_respondent_is_matched_to_the_register(demo_db, tmp_path):
    from models.register import Customer

    known = Customer.select().where(Customer.email != "").first()
    rows = [[1, "", "03/11/2026 09:00", known.email, "", 8, 4, 5, "", ""]]
    plan = import_file(
        QuestionnaireFormat(mapping=MAPPING | {"customer": "Email"}, channel=FeedbackChannel.EMAIL),
        survey(tmp_path / "named.csv", rows),
    )
    assert plan.ok, plan.summary()
    item = Feedback.select().order_by(Feedback.created_at.desc()).get()
    assert item.customer_id == known.id and not item.anonymous
    assert item.department_id == known.department_id
    assert item.channel is FeedbackChannel.EMAIL


def run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), "import", "questionnaire", *args])


def test_the_command_line_asks_for_a_mapping_then_remembers_it(data_dir, tmp_path, capsys):
    open_database(data_dir / "rapport.db")
    create(Department, name="Finance")
    close_database()
    path = survey(tmp_path / "forms.csv")
    assert run(data_dir, str(path)) == 1
    err = capsys.readouterr().err
    assert "nothing was imported" in err
    assert f'--map "nps={NPS}"' in err  # the guess, ready to copy
    maps = [f"--map={name}={header}" for name, header in MAPPING.items()]
    assert run(data_dir, str(path), *maps) == 0
    assert "imported 3 questionnaire responses" in capsys.readouterr().out
    assert run(data_dir, str(survey(tmp_path / "next.csv", [ROWS[1]]))) == 0
    assert "imported 1 questionnaire responses" in capsys.readouterr().out
    open_database(data_dir / "rapport.db")
    assert Feedback.select().count() == 4
    close_database()


@pytest.mark.parametrize(
    "args",
    [
        ["--map", "score=Q1"],
        ["--map", "nps"],
        ["--channel", "carrier pigeon"],
    ],
)
def test_the_command_line_refuses_a_mapping_it_cannot_use(data_dir, tmp_path, capsys, args):
    assert run(data_dir, str(survey(tmp_path / "forms.csv")), *args) == 2
    assert capsys.readouterr().err.startswith("rapport import: --")
    assert not (data_dir / "rapport.db").exists()


def test_mapping_options_belong_to_questionnaires_only(data_dir, tmp_path, capsys):
    path = survey(tmp_path / "forms.csv")
    argv = ["--data-dir", str(data_dir), "import", "feedback", str(path), "--map", "date=ID"]
    assert main(argv) == 2
    assert "questionnaire imports only" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["--data-dir", str(data_dir), "export", "questionnaire", str(tmp_path / "x.csv")])
    assert exit_.value.code == 2


def test_datetime_cells_from_excel_keep_their_day(db, tmp_path):
    create(Department, name="Finance")
    rows = [[1, None, datetime(2026, 11, 3, 23, 59), "anonymous", "", 9, 5, 7, "Finance", ""]]
    assert import_file(QuestionnaireFormat(mapping=MAPPING), survey(tmp_path / "x.xlsx", rows)).ok
    assert Feedback.get().received_on == date(2026, 11, 3)
