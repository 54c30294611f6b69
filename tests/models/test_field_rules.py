"""The rules every field of a kind follows, on every path (form, import, operation): text
within its length and free of control characters, dates within the accepted range. Every
field of every table is tried, so a new field is covered without anyone adding a case."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from peewee import CharField, DateField, DateTimeField, TextField

from models.base import ChoiceField
from models.choices import CustomerKind
from models.complaints import Complaint
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


def test_a_complaints_steps_follow_the_rules_of_their_fields(db):
    from models.choices import ComplaintEventKind as K
    from models.complaint_lifecycle import log_complaint, take_step
    from models.complaints import ComplaintEvent

    complaint, _ = log_complaint(received_at=datetime(2026, 11, 2, 10), summary="Post late")
    moment = datetime(2026, 11, 3, 10)
    with pytest.raises(ValidationError) as refused:
        take_step(complaint, K.ACKNOWLEDGED, at=moment, note="Rang\x00 back")
    assert "note" in refused.value.problems
    take_step(complaint, K.ACKNOWLEDGED, at=moment, note="Rang back")
    steps = [
        (K.REFERRED, {"who": "HR\n\x07", "reason": "Pay"}, "referred_to"),
        (K.REFERRED, {"who": "HR", "reason": "r" * (TEXT_LIMIT + 1)}, "referral_reason"),
        (K.EXTENDED, {"new_due": date(9999, 1, 1), "reason": "Agreed"}, "extended_due"),
    ]
    for kind, details, field in steps:
        with pytest.raises(ValidationError) as refused:
            take_step(complaint, kind, at=moment, **details)
        assert field in refused.value.problems, field
    again = Complaint.get_by_id(complaint.id)
    assert (again.referred_to, again.referral_reason, again.extended_due) == ("", "", None)
    assert ComplaintEvent.select().where(ComplaintEvent.complaint == complaint).count() == 2


def test_a_value_held_before_the_rules_does_not_stop_an_edit_or_a_restore(db):
    from models.operations import restore, soft_delete
    from models.register import Department

    complaint, _ = log_complaint_in_1985()
    update(complaint, details="Corrected the details")  # received 1985 is left as it was
    assert Complaint.get_by_id(complaint.id).details == "Corrected the details"
    with pytest.raises(ValidationError, match="outside the dates"):
        update(complaint, received_at=datetime(1985, 5, 2, 10))  # a new value is judged
    finance, _ = create(Department, name="Finance")
    Department.update(notes="Old\x0bnotes").where(Department.id == finance.id).execute()
    soft_delete(Department.get_by_id(finance.id))
    restore(Department.get_by_id(finance.id))
    assert Department.get_by_id(finance.id).deleted_at is None


def log_complaint_in_1985():
    """A complaint as an older Rapport (or another laptop) may hold it."""
    from models.complaint_lifecycle import log_complaint

    complaint, change = log_complaint(received_at=datetime(2026, 11, 2, 10), summary="Old")
    Complaint.update(received_at=datetime(1985, 5, 1, 10)).where(
        Complaint.id == complaint.id
    ).execute()
    return Complaint.get_by_id(complaint.id), change


def test_a_validation_error_reads_as_one_sentence():
    error = ValidationError({"extended_due": "Too late.", "extension_reason": "Say why."})
    assert str(error) == "extended due: Too late; extension reason: Say why."
