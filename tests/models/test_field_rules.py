"""The rules every field of a kind follows, on every path (form, import, operation): text
within its length and free of control characters, dates within the accepted range. Every
field of every table is tried, so a new field is covered without anyone adding a case."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from peewee import CharField, DateField, DateTimeField, TextField

from models.base import ChoiceField
from models.choices import CustomerKind
from models.operations import ValidationError, create, problems_with, update
from models.organisation import accepted_dates, get_settings, update_settings
from models.register import Customer
from models.schema import ALL_MODELS
from models.validation import TEXT_LIMIT

SYSTEM = {"id", "created_at", "updated_at", "deleted_at"}


def fields_of(kinds: tuple[type, ...]) -> list[tuple[type, str, object]]:
    found = []
    for model in ALL_MODELS:
        derived = getattr(model, "derived_fields", frozenset())
        for name, field in model._meta.fields.items():
            if name in SYSTEM or name in derived or isinstance(field, ChoiceField):
                continue
            if isinstance(field, kinds):
                found.append((model, name, field))
    return found


def ids(case: tuple[type, str, object]) -> str:
    return f"{case[0].__name__}.{case[1]}"


TEXT_FIELDS = fields_of((CharField, TextField))
DATE_FIELDS = fields_of((DateField, DateTimeField))


@pytest.mark.parametrize("case", TEXT_FIELDS, ids=ids)
def test_no_text_field_takes_a_control_character(db, case):
    model, name, _field = case
    problems = problems_with(model, {name: "Line one\x00 and more"})
    assert "U+0000" in problems[name]


@pytest.mark.parametrize("case", TEXT_FIELDS, ids=ids)
def test_every_text_field_has_a_length_limit(db, case):
    model, name, field = case
    limit = TEXT_LIMIT if isinstance(field, TextField) else field.max_length
    assert limit <= TEXT_LIMIT
    assert "At most" not in problems_with(model, {name: "a" * limit}).get(name, "")
    assert f"At most {limit} characters" in problems_with(model, {name: "a" * (limit + 1)})[name]


@pytest.mark.parametrize("case", DATE_FIELDS, ids=ids)
def test_no_date_field_takes_a_far_or_ancient_date(db, case):
    model, name, field = case
    far, ancient = date(9999, 12, 31), date(1, 1, 1)
    if isinstance(field, DateTimeField):
        far, ancient = datetime(9999, 12, 31, 10), datetime(1, 1, 1, 10)
    assert "outside the dates Rapport accepts" in problems_with(model, {name: far})[name]
    assert "01/01/0001" in problems_with(model, {name: ancient})[name]


def test_one_line_fields_refuse_line_breaks_and_free_text_keeps_them(db):
    assert "one-line field" in problems_with(Customer, {"name": "Sam\nJones"})["name"]
    assert "needs" not in problems_with(Customer, {"needs": "Tea\n\tand biscuits\r\n"})


def test_an_operation_refuses_what_the_rules_refuse_and_writes_nothing(db):
    with pytest.raises(ValidationError, match="control character"):
        create(Customer, name="Sam\x07 Jones", kind=CustomerKind.COLLEAGUE)
    assert Customer.select().count() == 0
    sam, _ = create(Customer, name="Sam Jones", kind=CustomerKind.COLLEAGUE)
    with pytest.raises(ValidationError, match="At most"):
        update(sam, notes="n" * (TEXT_LIMIT + 1))
    assert Customer.get_by_id(sam.id).notes == ""


def test_the_accepted_dates_are_settable(db, fixed_clock):
    dates = accepted_dates()
    assert (dates.first, dates.last) == (date(1990, 1, 1), date(2036, 12, 31))  # now: 2026
    update_settings(earliest_year=2000, years_ahead=2)
    assert accepted_dates() == type(dates)(date(2000, 1, 1), date(2028, 12, 31))
    with pytest.raises(ValidationError, match="Choose from 1 to 50"):
        update_settings(years_ahead=0)
    with pytest.raises(ValidationError, match="Choose a year from 1900 to 2026"):
        update_settings(earliest_year=2027)
    assert get_settings().years_ahead == 2
