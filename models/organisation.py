"""The organisation's settings and closure days, and the working calendar built from them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, time

from peewee import CharField, DateField, IntegerField, TimeField

from models import calendar, clock
from models.audit import record_change
from models.base import ChoiceField, Record, SoftDeleteRecord, database
from models.choices import AuditAction, ClosureKind, Unit
from models.errors import KnownError


class Settings(Record):
    """One row: the organisation and its working calendar and complaints procedure."""

    organisation_name = CharField(max_length=200, default="")
    office_start = TimeField(default=time(9))
    office_end = TimeField(default=time(17))
    working_weekdays = CharField(max_length=20, default="0,1,2,3,4")  # Monday = 0
    holiday_country = CharField(max_length=10, default="GB")
    holiday_subdivision = CharField(max_length=10, default="ENG")
    time_zone = CharField(max_length=60, default="Europe/London")
    acknowledge_within = IntegerField(default=2)
    acknowledge_unit = ChoiceField(Unit, default=Unit.WORKING_DAYS)
    resolve_within = IntegerField(default=10)
    resolve_unit = ChoiceField(Unit, default=Unit.WORKING_DAYS)
    holidays_seeded_through = IntegerField(default=0)  # last year whose bank holidays were added

    @property
    def weekdays(self) -> frozenset[int]:
        return frozenset(int(day) for day in self.working_weekdays.split(",") if day.strip())


class Closure(SoftDeleteRecord):
    """A day the office is shut: a bank holiday (seeded, editable) or the organisation's own.

    A removed bank holiday stays as a deleted row so that seeding never brings it back.
    """

    day = DateField(unique=True)
    name = CharField(max_length=200)
    kind = ChoiceField(ClosureKind, default=ClosureKind.ORGANISATION)


# Natural keys: every database's settings row, and its row for a given closure day, have the
# same id, so that two administrators' databases agree on them when they are merged.
_KEYS = uuid.UUID("6f1c2a9e-4b7d-4c1e-9a53-2d8e0f6b7a10")
SETTINGS_ID = uuid.uuid5(_KEYS, "settings")


def closure_id(day: date) -> uuid.UUID:
    return uuid.uuid5(_KEYS, f"closure/{day.isoformat()}")


def get_settings() -> Settings:
    """The settings row, created with the defaults on first use."""
    settings = Settings.get_or_none(Settings.id == SETTINGS_ID)
    if settings is None:
        settings = Settings.create(id=SETTINGS_ID)
    return settings


def closure_days() -> frozenset[date]:
    return frozenset(day for (day,) in Closure.live(Closure.day).tuples())


def working_calendar(settings: Settings | None = None) -> calendar.WorkingCalendar:
    """The calendar every due moment is computed on: office hours, working days, closures."""
    settings = settings or get_settings()
    return calendar.WorkingCalendar(
        office_start=settings.office_start,
        office_end=settings.office_end,
        working_weekdays=settings.weekdays,
        closures=closure_days(),
    )


def seed_bank_holidays(years: Iterable[int]) -> int:
    """Add the configured region's bank holidays for `years` to the closures; returns how many.

    Days already present (live or deleted) are left as they are, so edits are never undone.
    """
    settings = get_settings()
    years = sorted(set(years))
    found = calendar.bank_holidays(settings.holiday_country, settings.holiday_subdivision, years)
    existing = {day for (day,) in Closure.select(Closure.day).tuples()}
    rows = [
        {"id": closure_id(day), "day": day, "name": name, "kind": ClosureKind.BANK_HOLIDAY}
        for day, name in sorted(found.items())
        if day not in existing
    ]
    with database.atomic():
        for row in rows:
            Closure.create(**row)
        if years and years[-1] > settings.holidays_seeded_through:
            settings.holidays_seeded_through = years[-1]
            settings.save()
    return len(rows)


def ensure_bank_holidays_seeded() -> int:
    """Seed this year and next, once per year: the calendar is then right without a thought."""
    this_year = clock.today().year
    if get_settings().holidays_seeded_through >= this_year + 1:
        return 0
    return seed_bank_holidays(range(this_year - 1, this_year + 2))


def rename_organisation(name: str) -> Settings:
    """Name the organisation (shown in the title bar and on every report)."""
    name = " ".join(name.split())
    if not name:
        raise KnownError("Type the organisation's name.")
    if len(name) > 200:
        raise KnownError("The organisation's name can be at most 200 characters.")
    with database.atomic():
        settings = get_settings()
        old = settings.organisation_name
        if old != name:
            settings.organisation_name = name
            settings.save()
            record_change(settings, AuditAction.UPDATE, {"organisation_name": (old, name)})
    return settings
