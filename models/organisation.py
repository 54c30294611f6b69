"""The organisation's settings and closure days, and the working calendar built from them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from peewee import BooleanField, CharField, DateField, IntegerField, TimeField

from models import calendar, clock
from models.audit import record_change
from models.base import ChoiceField, Record, SoftDeleteRecord, database
from models.choices import AuditAction, ClosureKind, Unit
from models.errors import KnownError
from models.operations import Change, Problems, create, soft_delete, update, validates
from models.validation import DateRange
from models.words import day_text


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
    demo = BooleanField(default=False)  # the demo organisation: it may stay unencrypted
    earliest_year = IntegerField(default=1990)  # the first year a date entered may fall in
    years_ahead = IntegerField(default=10)  # how far into the future a date entered may fall

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


def accepted_dates(settings: Settings | None = None) -> DateRange:
    """The dates a record may hold, as the settings say, counted from today."""
    settings = settings or get_settings()
    last_year = min(clock.today().year + settings.years_ahead, date.max.year)
    return DateRange(date(settings.earliest_year, 1, 1), date(last_year, 12, 31))


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


def holiday_countries() -> list[tuple[str, str]]:
    """(name, code) of every country whose public holidays the `holidays` package knows."""
    import holidays  # a large package: only load it when the list is wanted

    countries = {
        code: module.replace("_", " ").title()
        for module, (_, code, *_) in holidays.registry.COUNTRIES.items()
    }
    return sorted(((name, code) for code, name in countries.items()), key=lambda pair: pair[0])


def holiday_subdivisions(country: str) -> list[tuple[str, str]]:
    """(name, code) of a country's regions with their own holidays (England, Scotland, …)."""
    import holidays

    try:
        known = holidays.country_holidays(country)
    except NotImplementedError:
        return []
    names = {code: name for name, code in getattr(known, "subdivisions_aliases", {}).items()}
    return [(names.get(code, code), code) for code in known.subdivisions]


FIRST_YEAR_FROM = 1900  # the earliest first year that can be chosen


def earliest_years() -> tuple[int, int]:
    """The years the first accepted date may be chosen from: 1900 to this year."""
    return FIRST_YEAR_FROM, clock.today().year


YEARS_AHEAD = (1, 50)
_CALENDAR_FIELDS = {"office_start", "office_end", "working_weekdays"}
_PROCEDURE_FIELDS = {"acknowledge_within", "acknowledge_unit", "resolve_within", "resolve_unit"}
_REGION_FIELDS = {"holiday_country", "holiday_subdivision"}


TIMESCALE = (1, 365)  # a complaint's timescale, in its unit


@validates(Settings)
def settings_problems(values: Mapping[str, Any], record: Settings | None) -> Problems:
    problems: dict[str, str | None] = {}
    start, end = values.get("office_start"), values.get("office_end")
    if start is not None and end is not None and start >= end:
        problems["office_end"] = "The office must close after it opens."
    weekdays = [day for day in str(values.get("working_weekdays", "")).split(",") if day.strip()]
    if not weekdays:
        problems["working_weekdays"] = "Choose at least one working day."
    for name in ("acknowledge_within", "resolve_within"):
        amount = values.get(name)
        if amount is None or not TIMESCALE[0] <= int(amount) <= TIMESCALE[1]:
            problems[name] = f"Give a timescale from {TIMESCALE[0]} to {TIMESCALE[1]}."
    for name in ("acknowledge_unit", "resolve_unit"):
        unit = values.get(name)
        if unit is not None and not Unit(unit).is_time:
            problems[name] = (
                "A complaint timescale is counted in working hours, working days or calendar days."
            )
    earliest = values.get("earliest_year")
    first, last = earliest_years()
    if earliest is not None and not first <= int(earliest) <= last:
        problems["earliest_year"] = f"Choose a year from {first} to {last}."
    ahead = values.get("years_ahead")
    if ahead is not None and not YEARS_AHEAD[0] <= int(ahead) <= YEARS_AHEAD[1]:
        problems["years_ahead"] = f"Choose from {YEARS_AHEAD[0]} to {YEARS_AHEAD[1]} years."
    country = values.get("holiday_country")
    if country and country not in {code for _, code in holiday_countries()}:
        problems["holiday_country"] = f"No public holidays are known for '{country}'."
    elif country and values.get("holiday_subdivision"):
        regions = {code for _, code in holiday_subdivisions(country)}
        if values["holiday_subdivision"] not in regions:
            problems["holiday_subdivision"] = (
                f"'{values['holiday_subdivision']}' is not a region of {country}."
            )
    return {field: message for field, message in problems.items() if message}


def update_settings(**values: Any) -> list[Change]:
    """Change the settings; a new region brings its bank holidays (and drops the old region's
    untouched ones), and open requests and complaints are judged by the new calendar."""
    from models.complaint_lifecycle import recompute_open_complaint_dues
    from models.service_log import recompute_open_dues

    settings = get_settings()
    old_region = (settings.holiday_country, settings.holiday_subdivision)
    with database.atomic():
        change = update(settings, **values)
        if change.fields.keys() & _REGION_FIELDS:
            _reseed_region(settings, *old_region)
        if change.fields.keys() & (_CALENDAR_FIELDS | _PROCEDURE_FIELDS | _REGION_FIELDS):
            recompute_open_dues()
            recompute_open_complaint_dues()
    return [change, Change("closure", change.action, settings)]


def _reseed_region(settings: Settings, old_country: str, old_subdivision: str) -> None:
    """Swap the old region's bank holidays for the new one's. Only days exactly as seeded go
    (a day the user renamed or removed stays as the user left it), and they go for good, so
    switching back brings them back."""
    years = range(clock.today().year - 1, clock.today().year + 2)
    old = calendar.bank_holidays(old_country, old_subdivision, years)
    new = calendar.bank_holidays(settings.holiday_country, settings.holiday_subdivision, years)
    for closure in Closure.live().where(Closure.kind == ClosureKind.BANK_HOLIDAY):
        if closure.day in old and old[closure.day] == closure.name and closure.day not in new:
            closure.delete_instance()
    seed_bank_holidays(years)


def add_closure(day: date, name: str) -> tuple[Closure, list[Change]]:
    """The organisation shuts on `day` (a Christmas closure, an away day): open items move."""
    from models.complaint_lifecycle import recompute_open_complaint_dues
    from models.service_log import recompute_open_dues

    name = " ".join(name.split())
    if not name:
        raise KnownError("Say why the office is closed that day.")
    existing = Closure.get_or_none(Closure.day == day)
    with database.atomic():
        if existing is not None and existing.deleted_at is None:
            raise KnownError(f"{day_text(day)} is already closed ({existing.name}).")
        if existing is not None:  # a removed closure comes back under its new name
            existing.deleted_at, existing.name, existing.kind = None, name, ClosureKind.ORGANISATION
            existing.save()
            closure, change = existing, Change("closure", AuditAction.RESTORE, existing)
        else:
            closure, change = create(Closure, day=day, name=name, kind=ClosureKind.ORGANISATION)
        recompute_open_dues()
        recompute_open_complaint_dues()
    return closure, [change]


def remove_closure(closure: Closure) -> list[Change]:
    from models.complaint_lifecycle import recompute_open_complaint_dues
    from models.service_log import recompute_open_dues

    with database.atomic():
        change = soft_delete(closure)
        recompute_open_dues()
        recompute_open_complaint_dues()
    return [change]


def closures_from(first: date) -> list[Closure]:
    """Live closures from `first` on, in date order: what the settings dialog lists."""
    return list(Closure.live().where(Closure.day >= first).order_by(Closure.day))
