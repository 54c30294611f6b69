"""Named operations: validated, atomic, audited, and they say what changed."""

from __future__ import annotations

from datetime import date

import pytest
from peewee import SQL

from models import operations
from models.audit import AuditEntry
from models.catalogue import Agreement, Service, Standard, describe_standard, review_state
from models.choices import AuditAction, CustomerKind, Measure, Unit
from models.complaints import Complaint
from models.errors import KnownError
from models.operations import ValidationError, create, problems_with, restore, soft_delete, update
from models.register import Customer, Department, merge_departments
from models.service_log import ServiceRequest
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture(autouse=True)
def known_user(monkeypatch):
    monkeypatch.setattr("models.audit.os_user", lambda: "priya")


def audit_rows() -> list[tuple]:
    query = AuditEntry.select().order_by(SQL("rowid"))  # the order they were written
    return [(e.action, e.table_name, e.field, e.old_value, e.new_value) for e in query]


def test_create_validates_writes_and_audits():
    hr, change = create(Department, name="Human Resources")
    assert (change.table, change.action, change.record) == ("department", AuditAction.CREATE, hr)
    customer, _ = create(
        Customer, name="Zoë Łukasiewicz", kind=CustomerKind.COLLEAGUE, department=hr
    )
    assert Customer.get_by_id(customer.id).department.name == "Human Resources"
    assert ("create", "customer", "department", None, "Human Resources") in audit_rows()
    assert {e.user for e in AuditEntry.select()} == {"priya"}


def test_update_writes_only_what_changed_with_old_and_new(fixed_clock):
    tom, _ = create(Customer, name="Tom Hughes", kind=CustomerKind.COLLEAGUE, job_title="Officer")
    fixed_clock.advance(minutes=5)
    change = update(tom, job_title="Team Manager", name="Tom Hughes")
    assert change.fields == {"job_title": ("Officer", "Team Manager")}
    assert audit_rows()[-1] == ("update", "customer", "job_title", "Officer", "Team Manager")
    assert Customer.get_by_id(tom.id).updated_at > FIXED_NOW
    written = len(audit_rows())
    nothing = update(tom, job_title="Team Manager")
    assert nothing.fields == {}
    assert len(audit_rows()) == written  # nothing changed, nothing audited


def test_invalid_values_are_refused_with_every_problem_and_nothing_written():
    with pytest.raises(ValidationError) as refused:
        create(Customer, name="  ", kind=None, email="not-an-email", phone="call me")
    assert set(refused.value.problems) == {"name", "kind", "email", "phone"}
    assert "email address" in refused.value.problems["email"]
    assert Customer.select().count() == 0
    assert AuditEntry.select().count() == 0


def test_an_update_that_breaks_a_rule_changes_nothing():
    tom, _ = create(Customer, name="Tom", kind=CustomerKind.COLLEAGUE)
    with pytest.raises(ValidationError, match="email"):
        update(tom, email="tom@", job_title="Boss")
    fresh = Customer.get_by_id(tom.id)
    assert (fresh.email, fresh.job_title) == ("", "")


def test_soft_delete_and_restore_round_trip():
    hr, _ = create(Department, name="HR")
    soft_delete(hr)
    assert Department.get_by_id(hr.id).deleted_at == FIXED_NOW
    with pytest.raises(KnownError, match="already deleted"):
        soft_delete(hr)
    restore(hr)
    assert Department.get_by_id(hr.id).deleted_at is None
    assert [row[0] for row in audit_rows()] == ["create", "delete", "restore"]


def test_names_are_unique_ignoring_case_and_a_deleted_one_is_pointed_out():
    hr, _ = create(Department, name="Human Resources")
    with pytest.raises(ValidationError, match="already a department called 'human resources'"):
        create(Department, name="human resources")
    soft_delete(hr)
    with pytest.raises(ValidationError, match="restore it instead"):
        create(Department, name="Human Resources")
    assert update(hr, name="Human Resources").fields == {}  # its own name is no clash


def test_merging_departments_moves_every_link_then_deletes_the_merged_one():
    keep, _ = create(Department, name="Human Resources")
    merge, _ = create(Department, name="HR")
    person, _ = create(Customer, name="Ann", kind=CustomerKind.COLLEAGUE, department=merge)
    service, _ = create(Service, name="Room bookings")
    request = ServiceRequest.create(service=service, department=merge, received_at=FIXED_NOW)
    complaint = Complaint.create(
        reference="CMP-2026-0001", received_at=FIXED_NOW, summary="x", department=merge
    )
    agreement, _ = create(Agreement, department=merge)
    merge_departments(keep, merge)
    assert Customer.get_by_id(person.id).department_id == keep.id
    assert ServiceRequest.get_by_id(request.id).department_id == keep.id
    assert Complaint.get_by_id(complaint.id).department_id == keep.id
    assert Agreement.get_by_id(agreement.id).department_id == keep.id
    assert Department.get_by_id(merge.id).deleted_at is not None
    assert ("update", "department", "merged_into", None, "Human Resources") in audit_rows()


def test_merging_a_department_into_itself_is_refused():
    hr, _ = create(Department, name="HR")
    with pytest.raises(KnownError, match="two different departments"):
        merge_departments(hr, hr)


def standard_values(**overrides):
    service = (
        Service.get_or_none(Service.name == "Room bookings")
        or create(Service, name="Room bookings")[0]
    )
    values = {
        "service": service,
        "statement": "Respond to booking requests within 4 working hours",
        "measure": Measure.RESPONSE,
        "target": 4,
        "unit": Unit.WORKING_HOURS,
        "compliance_target": 95,
    }
    return values | overrides


def test_a_smart_standard_is_accepted():
    standard, _ = create(Standard, **standard_values())
    assert Standard.get_by_id(standard.id).unit is Unit.WORKING_HOURS


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"measure": None}, "measure", "Choose what the standard measures"),
        ({"unit": None}, "unit", "Choose the unit"),
        ({"target": None}, "target", "as a number"),
        ({"target": "four"}, "target", "'four' is not a number"),
        ({"target": -1}, "target", "cannot be negative"),
        ({"target": 0}, "target", "cannot be met"),
        ({"unit": Unit.PERCENT}, "unit", "measured in working hours or working days or calendar"),
        ({"measure": Measure.ACCURACY, "unit": Unit.WORKING_DAYS}, "unit", "measured in %"),
        (
            {"measure": Measure.ACCURACY, "unit": Unit.PERCENT, "target": 101},
            "target",
            "at most 100",
        ),
        ({"unit": Unit.WORKING_DAYS, "target": 2.5}, "target", "whole days"),
        ({"compliance_target": 0}, "compliance_target", "more than 0"),
        ({"compliance_target": 120}, "compliance_target", "at most 100"),
        ({"statement": " "}, "statement", "plain words"),
        ({"service": None}, "service", "Choose the service"),
        (
            {"agreed_on": date(2026, 5, 1), "review_on": date(2026, 4, 1)},
            "review_on",
            "comes before",
        ),
    ],
)
def test_a_standard_that_is_not_smart_is_refused_at_the_field(overrides, field, message):
    problems = problems_with(Standard, standard_values(**overrides))
    assert field in problems
    assert message in problems[field]


def test_a_standard_is_agreed_with_a_department_or_a_customer_not_both():
    hr, _ = create(Department, name="HR")
    ann, _ = create(Customer, name="Ann", kind=CustomerKind.COLLEAGUE)
    problems = problems_with(Standard, standard_values(department=hr, customer=ann))
    assert "not both" in problems["customer"]


@pytest.mark.parametrize(
    ("measure", "target", "unit", "compliance", "words"),
    [
        (
            Measure.RESPONSE,
            4,
            Unit.WORKING_HOURS,
            95,
            "Respond within 4 working hours, 95 % of the time",
        ),
        (
            Measure.COMPLETION,
            3,
            Unit.WORKING_DAYS,
            90,
            "Complete within 3 working days, 90 % of the time",
        ),
        (
            Measure.COMPLETION,
            5,
            Unit.CALENDAR_DAYS,
            100,
            "Complete within 5 calendar days, every time",
        ),
        (Measure.ACCURACY, 99, Unit.PERCENT, 95, "99 % accuracy, 95 % of the time"),
        (
            Measure.SATISFACTION,
            4,
            Unit.SCORE,
            80,
            "Satisfaction of at least a score of 4, 80 % of the time",
        ),
        (Measure.RESPONSE, None, Unit.WORKING_HOURS, 95, ""),
    ],
)
def test_a_standard_reads_in_words(measure, target, unit, compliance, words):
    assert describe_standard(measure, target, unit, compliance) == words


@pytest.mark.parametrize(
    ("review_on", "state"),
    [
        (date(2026, 11, 24), "overdue"),
        (date(2026, 11, 25), "due soon"),
        (date(2026, 12, 25), "due soon"),
        (date(2026, 12, 26), None),
        (None, None),
    ],
)
def test_review_dates_that_have_passed_or_are_near_are_flagged(review_on, state):
    assert review_state(review_on, date(2026, 11, 25)) == state


def test_every_record_type_a_user_edits_has_rules():
    for model in (Department, Customer, Service, Standard, Agreement):
        assert model in operations._VALIDATORS
