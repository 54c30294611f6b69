"""Settings, closures and the calendar built from them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.audit import AuditEntry
from models.choices import ClosureKind, Unit
from models.errors import KnownError
from models.organisation import (
    Closure,
    ensure_bank_holidays_seeded,
    get_settings,
    rename_organisation,
    seed_bank_holidays,
    working_calendar,
)

pytestmark = pytest.mark.usefixtures("db")


def test_seeding_adds_last_this_and_next_years_bank_holidays_once():
    added = ensure_bank_holidays_seeded()
    days = {c.day: c for c in Closure.select()}
    assert date(2025, 12, 25) in days and date(2027, 12, 28) in days
    assert days[date(2026, 12, 28)].name == "Boxing Day (observed)"
    assert days[date(2026, 4, 3)].kind is ClosureKind.BANK_HOLIDAY
    assert added == len(days) == 8 + 9 + 10  # 2025, 2026 and 2027 in England
    assert ensure_bank_holidays_seeded() == 0
    assert get_settings().holidays_seeded_through == 2027


def test_a_removed_bank_holiday_stays_removed_when_seeding_again():
    seed_bank_holidays([2026])
    easter_monday = Closure.get(Closure.day == date(2026, 4, 6))
    easter_monday.stamp_deleted().save()
    assert seed_bank_holidays([2026, 2027]) == 10  # only 2027's are new
    assert date(2026, 4, 6) not in working_calendar().closures


def test_the_region_decides_the_holidays():
    settings = get_settings()
    settings.holiday_subdivision = "SCT"
    settings.save()
    seed_bank_holidays([2026])
    assert Closure.select().where(Closure.day == date(2026, 1, 2)).exists()  # Scotland only
    assert not Closure.select().where(Closure.day == date(2026, 4, 6)).exists()  # not Scotland


def test_the_calendar_follows_settings_and_closures():
    seed_bank_holidays([2026, 2027])
    Closure.create(day=date(2026, 12, 29), name="Christmas closure", kind=ClosureKind.ORGANISATION)
    calendar = working_calendar()
    received = datetime(2026, 12, 24, 11, 0)
    # 25, 28 Dec bank holidays; 29 Dec our own closure: two working days end on Thu 31 Dec.
    assert calendar.due(received, 2, Unit.WORKING_DAYS) == datetime(2026, 12, 31, 17, 0)
    settings = get_settings()
    after_twelfth_night = datetime(2027, 1, 6, 11, 0)  # a Wednesday
    assert working_calendar().due(after_twelfth_night, 2, Unit.WORKING_DAYS) == datetime(
        2027, 1, 8, 17, 0
    )
    settings.working_weekdays = "0,1,2,3"  # a four-day week: Fridays off
    settings.save()
    assert working_calendar().due(after_twelfth_night, 2, Unit.WORKING_DAYS) == datetime(
        2027, 1, 11, 17, 0
    )


def test_naming_the_organisation_is_audited(monkeypatch):
    monkeypatch.setattr("models.audit.os_user", lambda: "priya")
    rename_organisation("  Business   Support ")
    assert get_settings().organisation_name == "Business Support"
    entry = AuditEntry.get()
    assert (entry.user, entry.field, entry.old_value, entry.new_value) == (
        "priya",
        "organisation_name",
        "",
        "Business Support",
    )


@pytest.mark.parametrize(
    ("name", "message"), [("   ", "Type the organisation's name"), ("x" * 201, "at most 200")]
)
def test_a_bad_organisation_name_is_refused_and_nothing_changes(name, message):
    with pytest.raises(KnownError, match=message):
        rename_organisation(name)
    assert get_settings().organisation_name == ""
    assert AuditEntry.select().count() == 0
