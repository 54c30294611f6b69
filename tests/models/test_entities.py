"""Every entity saves and loads with its values intact; soft deletion keeps the row."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import pytest
from peewee import IntegrityError

from models.audit import AuditEntry, record_change
from models.catalogue import Agreement, AgreementService, AgreementStandard, Service, Standard
from models.choices import (
    ActionSource,
    ActionStatus,
    AuditAction,
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintOutcome,
    ComplaintStatus,
    CustomerKind,
    FeedbackChannel,
    FeedbackType,
    Measure,
    RequestChannel,
    StandardStatus,
    Unit,
)
from models.complaints import Complaint, ComplaintEvent
from models.feedback import Code, Feedback, FeedbackCode
from models.import_mappings import remember_mapping
from models.improvements import ImprovementAction
from models.organisation import Closure, get_settings
from models.register import Customer, Department
from models.schema import ALL_MODELS
from models.service_log import ServiceRequest
from models.team import Member
from tests.conftest import FIXED_NOW

pytestmark = pytest.mark.usefixtures("db")


def make_world() -> dict[str, object]:
    """One record of every entity, linked the way real data is."""
    priya = Member.create(name="Priya Patel", email="priya@example.org")
    hr = Department.create(name="Human Resources")
    zoe = Customer.create(
        name="Zoë Łukasiewicz",
        kind=CustomerKind.MANAGER,
        department=hr,
        job_title="HR Business Partner",
        email="zoe.lukasiewicz@example.org",
        phone="01632 960001",
        location="County Hall",
        needs="Minutes within 3 working days",
        notes="Prefers email",
    )
    rooms = Service.create(name="Room bookings", category="Facilities", provider="Bookings")
    standard = Standard.create(
        service=rooms,
        statement="Respond within 4 working hours, 95 % of the time",
        measure=Measure.RESPONSE,
        target=4,
        unit=Unit.WORKING_HOURS,
        compliance_target=95,
        department=hr,
        agreed_on=date(2026, 1, 5),
        review_on=date(2027, 1, 5),
        status=StandardStatus.AGREED,
    )
    agreement = Agreement.create(
        title="HR service agreement",
        department=hr,
        procedure="Phone the customer within a day when a standard is missed.",
        signed_off_by="Head of HR",
        signed_on=date(2026, 1, 5),
        next_review=date(2027, 1, 5),
    )
    AgreementService.create(agreement=agreement, service=rooms)
    AgreementStandard.create(agreement=agreement, standard=standard)
    request = ServiceRequest.create(
        service=rooms,
        customer=zoe,
        department=hr,
        received_at=datetime(2026, 11, 23, 15, 0),
        channel=RequestChannel.EMAIL,
        description="Book Room 2.14",
        responded_at=datetime(2026, 11, 24, 10, 0),
        accurate=True,
        needs_met=None,
        response_standard=standard,
        response_due=datetime(2026, 11, 24, 11, 0),
    )
    complaint = Complaint.create(
        reference="CMP-2026-0001",
        received_at=datetime(2026, 11, 2, 9, 30),
        customer=zoe,
        department=hr,
        service=rooms,
        category=ComplaintCategory.DISCRIMINATION,
        summary="Remarks at reception",
        confidential=True,
        status=ComplaintStatus.RESOLVED,
        resolved_at=datetime(2026, 11, 10, 16, 0),
        outcome=ComplaintOutcome.PARTLY_UPHELD,
    )
    event = ComplaintEvent.create(
        complaint=complaint,
        at=datetime(2026, 11, 3, 11, 0),
        kind=ComplaintEventKind.COMMUNICATION,
        channel=FeedbackChannel.PHONE,
        who="Zoë",
        note="Called to acknowledge",
    )
    code = Code.create(name="Quick response appreciated", description="Fast first reply")
    feedback = Feedback.create(
        received_on=date(2026, 11, 20),
        channel=FeedbackChannel.FEEDBACK_SHEET,
        customer=zoe,
        service=rooms,
        nps=9,
        ces=6,
        csat=5,
        comment="a < b & <b>x</b>",
        type=FeedbackType.GENERIC_POSITIVE,
        theme="Speed",
    )
    FeedbackCode.create(feedback=feedback, code=code)
    action = ImprovementAction.create(
        title="Confirm completion every time",
        source=ActionSource.COMPLAINT,
        complaint=complaint,
        owner=priya,
        due_on=date(2026, 12, 18),
        status=ActionStatus.PLANNED,
    )
    Closure.create(day=date(2026, 12, 29), name="Christmas closure")
    remember_mapping("questionnaire", ["Completion time", "Rate us"], {"date": "Completion time"})
    settings = get_settings()
    record_change(zoe, AuditAction.CREATE)
    return locals()


def test_every_entity_saves_and_loads_its_values():
    world = make_world()
    zoe = Customer.get_by_id(world["zoe"].id)
    assert zoe.name == "Zoë Łukasiewicz"
    assert zoe.kind is CustomerKind.MANAGER
    assert zoe.department.name == "Human Resources"
    standard = Standard.get_by_id(world["standard"].id)
    assert (standard.measure, standard.target, standard.unit) == (
        Measure.RESPONSE,
        4.0,
        Unit.WORKING_HOURS,
    )
    assert standard.department.name == "Human Resources"
    assert standard.review_on == date(2027, 1, 5)
    request = ServiceRequest.get_by_id(world["request"].id)
    assert request.received_at == datetime(2026, 11, 23, 15, 0)
    assert request.response_standard.id == standard.id
    assert request.accurate is True and request.needs_met is None
    complaint = Complaint.get(Complaint.reference == "CMP-2026-0001")
    assert complaint.category.confidential_by_default
    assert complaint.outcome is ComplaintOutcome.PARTLY_UPHELD
    assert [e.kind for e in complaint.events] == [ComplaintEventKind.COMMUNICATION]
    feedback = Feedback.get_by_id(world["feedback"].id)
    assert (feedback.nps, feedback.ces, feedback.csat) == (9, 6, 5)
    assert feedback.comment == "a < b & <b>x</b>"
    assert [link.code.name for link in feedback.code_links] == ["Quick response appreciated"]
    action = ImprovementAction.get_by_id(world["action"].id)
    assert action.complaint.reference == "CMP-2026-0001"
    assert [s.service.name for s in world["agreement"].service_links] == ["Room bookings"]
    assert Closure.get(Closure.day == date(2026, 12, 29)).name == "Christmas closure"


def test_every_table_has_uuid_key_and_time_stamps():
    make_world()
    for model in ALL_MODELS:
        row = model.select().first()
        assert isinstance(row.id, uuid.UUID), model
        assert row.created_at == FIXED_NOW, model
        assert row.updated_at == FIXED_NOW, model


def test_saving_moves_updated_at_but_not_created_at(fixed_clock):
    customer = Customer.create(name="Tom Hughes")
    fixed_clock.advance(hours=2)
    customer.job_title = "Team Manager"
    customer.save()
    again = Customer.get_by_id(customer.id)
    assert again.created_at == FIXED_NOW
    assert again.updated_at == datetime(2026, 11, 25, 12, 30)


def test_soft_delete_keeps_the_row_and_its_links():
    world = make_world()
    zoe = world["zoe"]
    zoe.stamp_deleted().save()
    assert Customer.live().where(Customer.id == zoe.id).count() == 0
    kept = Customer.get_by_id(zoe.id)
    assert kept.is_deleted and kept.deleted_at == FIXED_NOW
    assert ServiceRequest.get_by_id(world["request"].id).customer.name == "Zoë Łukasiewicz"


def test_a_linked_record_cannot_be_hard_deleted():
    world = make_world()
    with pytest.raises(IntegrityError):
        world["hr"].delete_instance()


@pytest.mark.parametrize(
    ("field", "value"), [("nps", 11), ("nps", -1), ("ces", 0), ("ces", 8), ("csat", 6)]
)
def test_scores_outside_their_scale_are_refused_by_the_database(field, value):
    with pytest.raises(IntegrityError):
        Feedback.create(
            received_on=date(2026, 11, 1), channel=FeedbackChannel.EMAIL, **{field: value}
        )


def test_compliance_target_must_be_a_percentage():
    rooms = Service.create(name="Room bookings")
    with pytest.raises(IntegrityError):
        Standard.create(
            service=rooms,
            statement="x",
            measure=Measure.ACCURACY,
            target=99,
            unit=Unit.PERCENT,
            compliance_target=120,
        )


def test_a_word_outside_its_list_is_refused_before_it_is_stored():
    with pytest.raises(ValueError, match="boss"):
        Customer.create(name="X", kind="boss")


def test_complaint_references_are_unique():
    Complaint.create(reference="CMP-2026-0001", received_at=FIXED_NOW, summary="a")
    with pytest.raises(IntegrityError):
        Complaint.create(reference="CMP-2026-0001", received_at=FIXED_NOW, summary="b")


def test_settings_come_with_the_default_procedure_and_calendar():
    settings = get_settings()
    assert settings.organisation_name == ""
    assert (settings.office_start, settings.office_end) == (time(9), time(17))
    assert settings.weekdays == frozenset({0, 1, 2, 3, 4})
    assert (settings.holiday_country, settings.holiday_subdivision) == ("GB", "ENG")
    assert (settings.acknowledge_within, settings.acknowledge_unit) == (2, Unit.WORKING_DAYS)
    assert (settings.resolve_within, settings.resolve_unit) == (10, Unit.WORKING_DAYS)
    assert get_settings().id == settings.id  # one row, not one per call


def test_audit_entries_record_who_changed_what(monkeypatch):
    monkeypatch.setattr("models.audit.os_user", lambda: "priya")
    customer = Customer.create(name="Tom")
    record_change(customer, AuditAction.UPDATE, {"job_title": ("", "Team Manager")})
    entry = AuditEntry.get()
    assert (entry.user, entry.action, entry.table_name) == ("priya", AuditAction.UPDATE, "customer")
    assert (entry.record_id, entry.field) == (customer.id.hex, "job_title")
    assert (entry.old_value, entry.new_value) == ("", "Team Manager")


def test_save_on_a_new_record_inserts_it():
    finance = Department(name="Finance")
    assert finance.save() == 1
    assert Department.get(Department.name == "Finance").id == finance.id
