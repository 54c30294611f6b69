"""The `summary` command: the same figures as the model functions, as a table or as JSON."""

from __future__ import annotations

import json

from desktop.cli import main
from models.db import close_database
from models.monitoring import summary
from models.periods import Period
from tests.models.test_monitoring import october  # noqa: F401  (the hand-built month)


def test_summary_json_is_the_model_functions_figures(october, data_dir, capsys):  # noqa: F811
    expected = summary(Period.month(2026, 10)).to_json()
    close_database()
    assert main(["--data-dir", str(data_dir), "summary", "--month", "2026-10", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == expected
    assert printed["feedback"]["nps"] == 25.0
    assert printed["complaints"]["received"] == 3


def test_summary_as_a_table(october, data_dir, capsys):  # noqa: F811
    close_database()
    assert main(["--data-dir", str(data_dir), "summary", "--month", "2026-10"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Summary for October 2026 (as at 25/11/2026 10:30)")
    assert "NPS                     25 (n = 4); promoters 2, passives 1, detractors 1" in text
    assert "Room bookings: Respond within 4 working hours" in text
    assert "CSAT                    66.7 % (n = 3)" in text


def test_a_quarter_and_bad_periods(october, data_dir, capsys):  # noqa: F811
    close_database()
    assert main(["--data-dir", str(data_dir), "summary", "--quarter", "2026-Q4", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["period"] == "2026-Q4"
    assert main(["--data-dir", str(data_dir), "summary", "--month", "2026-Q4"]) == 2
    assert "not a month" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "summary", "--month", "October"]) == 2


def test_summary_needs_a_database(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path), "summary", "--year", "2026"]) == 1
    assert "no Rapport database" in capsys.readouterr().err
    assert not (tmp_path / "rapport.db").exists()
