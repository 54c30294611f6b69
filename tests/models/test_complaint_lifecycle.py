"""The complaints procedure: every step, every refusal, and due moments that allow for holds."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.audit import AuditEntry
from models.choices import ComplaintCategory, ComplaintEventKind, ComplaintOutcome, ComplaintStatus
from models.complaint_lifecycle import allowed_steps, dues_now, log_complaint, take_step
from models.complaints import Complaint
from models.errors import KnownError
from models.operations import ValidationError
from models.organisation import seed_bank_holidays

K = ComplaintEventKind
S = ComplaintStatus
pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture(autouse=True)
def calendar(db):
    seed_bank_holidays([2026, 2027])


def at(day: int, hour: int, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0)


def test_references_count_up_within_the_year(fixed_clock):
    first, _ = log_complaint(received_at=at(2, 10), summary="Minutes late")
    second, _ = log_complaint(received_at=at(3, 10), summary="Wrong room")
    given, _ = log_complaint(received_at=at(4, 10), summary="Imported", reference="CMP-2026-0107")
    after, _ = log_complaint(received_at=at(5, 10), summary="Next")
    assert [c.reference for c in (first, second, given, after)] == [
        "CMP-2026-0001",
        "CMP-2026-0002",
        "CMP-2026-0107",
        "CMP-2026-0108",
    ]


def test_a_reference_cannot_be_used_twice():
    log_complaint(received_at=at(2, 10), summary="One", reference="CMP-2026-0001")
    with pytest.raises(ValidationError, match="already CMP-2026-0001"):
        log_complaint(received_at=at(2, 11), summary="Two", reference="CMP-2026-0001")


@pytest.mark.parametrize(
    ("category", "given", "confidential"),
    [
        (ComplaintCategory.DISCRIMINATION, None, True),
        (ComplaintCategory.SAFEGUARDING, None, True),
        (ComplaintCategory.DELAY, None, False),
        (None, None, False),
        (ComplaintCategory.DISCRIMINATION, False, False),  # the user may decide otherwise
        (ComplaintCategory.TRAINING, True, True),
    ],
)
def test_personal_categories_are_confidential_by_default(category, given, confidential):
    extra = {} if given is None else {"confidential": given}
    complaint, _ = log_complaint(received_at=at(2, 10), summary="x", category=category, **extra)
    assert complaint.confidential is confidential


def test_dues_follow_the_procedure_over_christmas(fixed_clock):
    fixed_clock.moment = datetime(2027, 1, 20, 12, 0)
    complaint, _ = log_complaint(received_at=at(24, 11, month=12), summary="Over Christmas")
    assert complaint.acknowledge_due == datetime(2026, 12, 30, 17, 0)  # DESIGN.md's example
    assert complaint.resolve_due == datetime(2027, 1, 12, 17, 0)  # 10 working days


def test_time_on_hold_does_not_count():
    complaint, _ = log_complaint(received_at=at(9, 9), summary="Awaiting papers")
    assert complaint.resolve_due == datetime(2026, 11, 23, 17, 0)
    take_step(complaint, K.ACKNOWLEDGED, at=at(9, 10))
    take_step(complaint, K.ON_HOLD, at=at(10, 9), note="Asked for the original request")
    take_step(complaint, K.RESUMED, at=at(12, 9), note="Papers arrived")
    # Two working days on hold: resolve-by moves from Mon 23 to Wed 25 November.
    assert complaint.resolve_due == datetime(2026, 11, 25, 17, 0)
    assert complaint.acknowledge_due == datetime(2026, 11, 11, 17, 0)  # not moved by a hold


def test_a_hold_still_open_counts_up_to_now(fixed_clock):
    complaint, _ = log_complaint(received_at=at(16, 9), summary="x")
    take_step(complaint, K.ACKNOWLEDGED, at=at(16, 10))
    take_step(complaint, K.ON_HOLD, at=at(24, 9))  # Tue 24 November 09:00; now is Wed 25 10:30
    assert complaint.status is S.ON_HOLD
    # Due Mon 30 Nov 17:00 before the hold. On hold from Tue 24 09:00 to now (Wed 25 10:30):
    # 8 + 1.5 working hours, which push the due moment to Wed 2 December 10:30.
    assert complaint.resolve_due == datetime(2026, 12, 2, 10, 30)


def test_while_on_hold_the_resolve_by_shown_moves_on_with_the_clock(fixed_clock):
    complaint, _ = log_complaint(received_at=at(16, 9), summary="x")
    take_step(complaint, K.ACKNOWLEDGED, at=at(16, 10))
    take_step(complaint, K.ON_HOLD, at=at(24, 9))
    stored = complaint.resolve_due  # worked out at Wed 25 10:30: Wed 2 December 10:30
    fixed_clock.moment = datetime(2026, 12, 7, 12, 0)  # Monday, still waiting on the customer
    acknowledge_by, resolve_by = dues_now(complaint)
    assert acknowledge_by == complaint.acknowledge_due
    # the 40 working hours left when it went on hold (Tue 24 09:00 to Mon 30 17:00) count from
    # now: 5 today, 8 a day Tuesday to Friday, and 3 on Monday 14 December
    assert resolve_by == datetime(2026, 12, 14, 12, 0) > fixed_clock.moment > stored
    take_step(complaint, K.RESUMED, at=fixed_clock.moment)
    assert dues_now(complaint) == (complaint.acknowledge_due, complaint.resolve_due)
    assert complaint.resolve_due == resolve_by  # what was shown is what it is judged by


def test_one_complaint_through_every_step(monkeypatch):
    monkeypatch.setattr("models.audit.os_user", lambda: "priya")
    complaint, _ = log_complaint(
        received_at=at(2, 9),
        summary="Purchase order delayed",
        category=ComplaintCategory.DELAY,
        remedy_sought="The order raised this week",
    )
    take_step(complaint, K.ACKNOWLEDGED, at=at(2, 15), note="Letter sent")
    take_step(complaint, K.INVESTIGATING, at=at(3, 9))
    take_step(
        complaint,
        K.COMMUNICATION,
        at=at(3, 11),
        note="Called the complainant",
        who="Ann",
        channel="phone",
    )
    take_step(complaint, K.REFERRED, at=at(4, 10), who="Finance manager", reason="Budget approval")
    assert complaint.status is S.REFERRED
    take_step(complaint, K.REFERRAL_OUTCOME, at=at(6, 10), outcome="Budget approved")
    take_step(
        complaint, K.EXTENDED, at=at(6, 11), new_due=date(2026, 11, 20), reason="Supplier delay"
    )
    assert complaint.resolve_due == datetime(2026, 11, 20, 17, 0)
    take_step(
        complaint,
        K.RESOLVED,
        at=at(18, 16),
        resolution="We have raised the order and apologise.",
        outcome=ComplaintOutcome.UPHELD,
        remedy_given="Order raised; apology",
        lessons_learned="Chase orders weekly",
    )
    assert complaint.resolved_at <= complaint.resolve_due  # resolved on time, as extended
    take_step(complaint, K.CLOSED, at=at(24, 10), followed_up_on=date(2026, 11, 24), satisfied=True)
    fresh = Complaint.get_by_id(complaint.id)
    assert fresh.status is S.CLOSED
    assert (fresh.acknowledged_at, fresh.referred_to, fresh.referral_outcome) == (
        at(2, 15),
        "Finance manager",
        "Budget approved",
    )
    assert (fresh.outcome, fresh.satisfied, fresh.followed_up_on) == (
        ComplaintOutcome.UPHELD,
        True,
        date(2026, 11, 24),
    )
    assert [e.kind for e in fresh.events.order_by(fresh.events.model.at)] == [
        K.RECEIVED,
        K.ACKNOWLEDGED,
        K.INVESTIGATING,
        K.COMMUNICATION,
        K.REFERRED,
        K.REFERRAL_OUTCOME,
        K.EXTENDED,
        K.RESOLVED,
        K.CLOSED,
    ]
    communication = fresh.events.where(fresh.events.model.kind == K.COMMUNICATION).get()
    assert (communication.who, communication.channel.value, communication.recorded_by) == (
        "Ann",
        "phone",
        "priya",
    )
    assert AuditEntry.select().where(AuditEntry.field == "status").count() == 7


def test_a_closed_complaint_can_be_reopened():
    complaint, _ = log_complaint(received_at=at(2, 9), summary="x")
    take_step(complaint, K.ACKNOWLEDGED, at=at(2, 10))
    take_step(complaint, K.RESOLVED, at=at(3, 10), resolution="Done", outcome="not upheld")
    take_step(complaint, K.CLOSED, at=at(5, 10), satisfied=False)
    assert allowed_steps(complaint) == [K.REOPENED, K.COMMUNICATION, K.NOTE]
    take_step(complaint, K.REOPENED, at=at(9, 10), note="New evidence")
    assert complaint.status is S.INVESTIGATING
    assert (complaint.closed_at, complaint.satisfied) == (None, None)


@pytest.mark.parametrize(
    ("steps", "refused", "details", "message"),
    [
        ([], K.CLOSED, {"satisfied": True}, "Resolve CMP-2026-0001 before closing it"),
        ([], K.INVESTIGATING, {}, "Acknowledge CMP-2026-0001 before investigating it"),
        ([], K.RESUMED, {}, "is not on hold"),
        ([K.ACKNOWLEDGED], K.ACKNOWLEDGED, {}, "has already been acknowledged"),
        ([K.ACKNOWLEDGED], K.REOPENED, {"note": "x"}, "still open"),
        (
            [K.ACKNOWLEDGED],
            K.RESOLVED,
            {"resolution": "Done"},
            "written response sent and the outcome",
        ),
        ([K.ACKNOWLEDGED], K.REFERRED, {"who": "HR"}, "to whom the complaint is referred, and why"),
        ([K.ACKNOWLEDGED], K.EXTENDED, {"reason": "x"}, "new resolve-by date"),
        (
            [],
            K.RESOLVED,
            {"resolution": "Done", "outcome": "upheld"},
            "cannot be resolved while it is received",
        ),
        ([], K.ON_HOLD, {}, "can be put on hold only while it is being dealt with"),
        ([], K.REFERRAL_OUTCOME, {"outcome": "x"}, "has not been referred"),
        ([K.ACKNOWLEDGED], K.REFERRAL_OUTCOME, {"outcome": "x"}, "has not been referred"),
        ([K.ACKNOWLEDGED], K.CLOSED, {"satisfied": True}, "before closing it"),
        (
            [K.ACKNOWLEDGED, K.ON_HOLD],
            K.REFERRED,
            {"who": "HR", "reason": "x"},
            "only while it is being dealt with",
        ),
        (
            [K.ACKNOWLEDGED, K.ON_HOLD],
            K.RESOLVED,
            {"resolution": "x", "outcome": "upheld"},
            "while it is on hold",
        ),
    ],
)
def test_impossible_steps_are_refused_and_change_nothing(steps, refused, details, message):
    complaint, _ = log_complaint(received_at=at(2, 9), summary="x")
    for step in steps:
        take_step(complaint, step, at=at(2, 10))
    before = (complaint.status, complaint.events.count())
    with pytest.raises(KnownError, match=message):
        take_step(complaint, refused, at=at(3, 10), **details)
    fresh = Complaint.get_by_id(complaint.id)
    assert (fresh.status, fresh.events.count()) == before


def test_a_step_cannot_be_dated_before_receipt_or_in_the_future():
    complaint, _ = log_complaint(received_at=at(20, 9), summary="x")
    with pytest.raises(KnownError, match="before CMP-2026-0001 was received"):
        take_step(complaint, K.ACKNOWLEDGED, at=at(19, 9))
    with pytest.raises(KnownError, match="in the future"):
        take_step(complaint, K.ACKNOWLEDGED, at=at(26, 9))


def every_refused_pair():
    from models.complaint_lifecycle import STEPS

    for status in ComplaintStatus:
        for kind, step in STEPS.items():
            if status not in step.allowed_from:
                yield pytest.param(status, kind, id=f"{kind.value} from {status.value}")


@pytest.mark.parametrize(("status", "kind"), list(every_refused_pair()))
def test_every_step_the_procedure_does_not_allow_is_refused(status, kind):
    complaint, _ = log_complaint(received_at=at(2, 9), summary="x")
    Complaint.update(status=status, resolved_at=at(3, 9)).where(
        Complaint.id == complaint.id
    ).execute()
    complaint = Complaint.get_by_id(complaint.id)
    events = complaint.events.count()
    with pytest.raises(KnownError):
        take_step(
            complaint,
            kind,
            at=at(4, 9),
            note="x",
            who="HR",
            reason="x",
            outcome="upheld",
            resolution="x",
            new_due=date(2026, 12, 31),
            satisfied=True,
        )
    assert Complaint.get_by_id(complaint.id).status is status
    assert complaint.events.count() == events


def test_a_complaint_on_hold_is_never_overdue(fixed_clock):
    from models.complaints import COMPLAINT_LISTING, next_deadline
    from models.listing import ListRequest

    complaint, _ = log_complaint(received_at=at(2, 9), summary="Awaiting papers")
    take_step(complaint, K.ACKNOWLEDGED, at=at(2, 10))
    take_step(complaint, K.ON_HOLD, at=at(3, 9), note="Asked for the papers")
    fixed_clock.moment = datetime(2026, 12, 20, 12, 0)  # long past the original resolve-by
    overdue = COMPLAINT_LISTING.count(ListRequest(filters={"worklist": "overdue"}))
    assert overdue == 0
    (listed,) = COMPLAINT_LISTING.page(ListRequest(), 0, 10)  # as the complaints tab reads it
    row = dict(zip(COMPLAINT_LISTING.column_keys(), listed[1:], strict=True))
    assert next_deadline(row) is None
    take_step(complaint, K.RESUMED, at=datetime(2026, 12, 14, 9, 0))
    # 8 Nov ... 14 Dec on hold: resolve-by moves on by the working time spent waiting.
    assert complaint.resolve_due > datetime(2026, 12, 20, 12, 0)
    (listed,) = COMPLAINT_LISTING.page(ListRequest(), 0, 10)
    row = dict(zip(COMPLAINT_LISTING.column_keys(), listed[1:], strict=True))
    assert next_deadline(row) == complaint.resolve_due  # the clock runs again


def test_steps_are_recorded_in_the_order_they_happened():
    complaint, _ = log_complaint(received_at=at(2, 9), summary="x")
    take_step(complaint, K.ACKNOWLEDGED, at=at(2, 10))
    take_step(complaint, K.ON_HOLD, at=at(10, 9), note="Waiting")
    with pytest.raises(KnownError, match="comes before the last step"):
        take_step(complaint, K.RESUMED, at=at(5, 9))
    take_step(
        complaint,
        K.COMMUNICATION,
        at=at(4, 9),
        note="A call last week, noted late",
        channel="phone",
    )
    assert complaint.status is S.ON_HOLD


def test_reopening_takes_back_the_resolution():
    complaint, _ = log_complaint(received_at=at(2, 9), summary="x")
    take_step(complaint, K.ACKNOWLEDGED, at=at(2, 10))
    take_step(
        complaint,
        K.RESOLVED,
        at=at(3, 10),
        resolution="Done",
        outcome="upheld",
        remedy_given="Apology",
    )
    take_step(complaint, K.REOPENED, at=at(4, 10), note="New evidence")
    fresh = Complaint.get_by_id(complaint.id)
    assert (fresh.resolved_at, fresh.outcome, fresh.resolution, fresh.remedy_given) == (
        None,
        None,
        "",
        "",
    )
    assert [e.kind for e in fresh.events.order_by(fresh.events.model.at)][-2:] == [
        K.RESOLVED,
        K.REOPENED,
    ]


def test_time_on_hold_after_an_extension_still_does_not_count():
    complaint, _ = log_complaint(received_at=at(2, 9), summary="x")
    take_step(complaint, K.ACKNOWLEDGED, at=at(2, 10))
    take_step(
        complaint, K.EXTENDED, at=at(3, 10), new_due=date(2026, 11, 30), reason="Witness away"
    )
    assert complaint.resolve_due == datetime(2026, 11, 30, 17, 0)
    take_step(complaint, K.ON_HOLD, at=at(4, 9), note="Waiting")
    take_step(complaint, K.RESUMED, at=at(6, 9))  # two working days on hold
    assert complaint.resolve_due == datetime(2026, 12, 2, 17, 0)


def test_a_deleted_complaint_takes_no_steps():
    from models.operations import soft_delete

    complaint, _ = log_complaint(received_at=at(2, 9), summary="x")
    soft_delete(complaint)
    assert allowed_steps(complaint) == []
    with pytest.raises(KnownError, match="is deleted"):
        take_step(complaint, K.NOTE, at=at(3, 9), note="x")


def test_the_audit_trail_keeps_confidential_details_out():
    from models.audit import AuditEntry

    complaint, _ = log_complaint(
        received_at=at(2, 9),
        summary="Remarks about my religion",
        details="Said at reception",
        category=ComplaintCategory.DISCRIMINATION,
    )
    take_step(complaint, K.ACKNOWLEDGED, at=at(2, 10))
    take_step(
        complaint, K.RESOLVED, at=at(3, 10), resolution="We apologise to Ms X", outcome="upheld"
    )
    written = " ".join(f"{e.old_value} {e.new_value}" for e in AuditEntry.select())
    for secret in ("religion", "reception", "Ms X"):
        assert secret not in written
    assert AuditEntry.select().where(AuditEntry.field == "status").count() == 3  # still audited


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"acknowledged_at": at(1, 9)}, "acknowledged_at"),
        ({"acknowledged_at": at(3, 9), "resolved_at": at(2, 12)}, "resolved_at"),
        ({"resolved_at": datetime(2031, 1, 1, 9, 0)}, "resolved_at"),
        ({"referred_on": date(2026, 11, 5)}, "referred_to"),
        ({"referred_to": "HR", "referred_on": date(2026, 11, 1)}, "referred_on"),
        (
            {"referred_to": "HR", "referred_on": date(2026, 11, 9), "resolved_at": at(4, 9)},
            "referred_on",
        ),
    ],
)
def test_impossible_moments_are_refused(values, field):
    from models.complaints import complaint_problems

    problems = complaint_problems({"summary": "x", "received_at": at(2, 9)} | values, None)
    assert field in problems


def test_correcting_the_receipt_moves_an_open_complaints_dues():
    from models.complaint_lifecycle import update_complaint

    complaint, _ = log_complaint(received_at=at(2, 9), summary="x")
    update_complaint(complaint, received_at=at(9, 9))
    assert complaint.acknowledge_due == datetime(2026, 11, 11, 17, 0)
    assert Complaint.get_by_id(complaint.id).events.get().at == at(9, 9)
    take_step(complaint, K.ACKNOWLEDGED, at=at(10, 9))
    with pytest.raises(ValidationError, match="before the complaint was received"):
        update_complaint(complaint, received_at=at(11, 9))
