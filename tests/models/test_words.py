"""Dates read the British way everywhere, and nothing shown as a dash."""

from datetime import date, datetime

from models.words import EMPTY, day_text, moment_text


def test_days_and_moments_read_day_first():
    assert day_text(date(2026, 12, 3)) == "03/12/2026"
    assert day_text(datetime(2026, 12, 3, 9, 30)) == "03/12/2026"  # the day alone
    assert moment_text(datetime(2026, 12, 3, 9, 5)) == "03/12/2026 09:05"
    assert moment_text(datetime(2026, 12, 3, 17, 0), " at ") == "03/12/2026 at 17:00"


def test_nothing_is_a_dash():
    assert day_text(None) == moment_text(None) == EMPTY == "—"
