"""The demo organisation: believable, complete, and the same for the same seed."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time
from pathlib import Path

import pytest
from peewee import fn

from models import clock
from models.catalogue import Agreement, Standard
from models.choices import ActionStatus, ComplaintStatus, CustomerKind, FeedbackChannel, Unit
from models.complaints import OPEN_STATUSES, Complaint
from models.db import close_database, open_database
from models.demo import SIZES, generate_demo
from models.errors import Cancelled, KnownError
from models.feedback import Feedback, FeedbackCode
from models.improvements import DONE, ImprovementAction
from models.integrity import check_database, is_empty, record_counts
from models.organisation import get_settings, working_calendar
from models.register import Customer
from models.service_log import ServiceRequest
from models.team import Member, demo_lead, ensure_first_member
from models.worklist import Area, due_now
from tests.conftest import FIXED_NOW


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in key order."""
    connection = sqlite3.connect(path)
    tables = [
        name
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        if not name.startswith("sqlite_")  # SQLite's own (the planner's statistics)
    ]
    rows = {t: connection.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    connection.close()
    return rows


def make_demo(path: Path, seed: int) -> dict[str, list[tuple]]:
    open_database(path)
    generate_demo("small", seed=seed)
    close_database()
    return dump(path)


def test_the_same_seed_gives_identical_rows(tmp_path, small_demo_template):
    again = make_demo(tmp_path / "again.db", seed=1)
    assert again == dump(small_demo_template)
    assert make_demo(tmp_path / "other.db", seed=2) != again


def test_the_small_demo_has_the_promised_shape(demo_db):
    counts = record_counts()
    size = SIZES["small"]
    assert counts["customer"] == size.customers
    assert counts["department"] == size.departments
    assert counts["service"] == size.services
    assert counts["service_request"] == size.requests
    assert counts["complaint"] == size.complaints
    assert counts["feedback"] == size.feedback
    assert counts["improvement_action"] == size.actions
    assert counts["standard"] > size.services
    assert counts["agreement"] >= 3
    assert counts["complaint_event"] > size.complaints * 3
    assert get_settings().organisation_name.startswith("Northshire")
    assert check_database(demo_db).ok


def test_the_demo_covers_every_kind_state_and_channel(demo_db):
    kinds = {c.kind for c in Customer.select(Customer.kind)}
    assert kinds == set(CustomerKind)
    statuses = {c.status for c in Complaint.select(Complaint.status)}
    assert statuses == set(ComplaintStatus)
    assert Complaint.select().where(Complaint.confidential).count() > 0
    assert Complaint.select().where(Complaint.referred_to != "").count() > 0
    channels = {f.channel for f in Feedback.select(Feedback.channel)}
    assert channels == set(FeedbackChannel)
    for score in (Feedback.nps, Feedback.ces, Feedback.csat):
        assert Feedback.select().where(score.is_null(False)).count() > 100
    assert FeedbackCode.select().count() > 300


def test_the_year_ends_before_today_and_starts_twelve_months_back(demo_db):
    first = ServiceRequest.select().order_by(ServiceRequest.received_at).first().received_at
    last = ServiceRequest.select().order_by(ServiceRequest.received_at.desc()).first().received_at
    assert date(2025, 11, 1) <= first.date() < date(2025, 11, 8)
    assert last < datetime(2026, 11, 25) < FIXED_NOW
    completed = ServiceRequest.select().where(ServiceRequest.completed_at.is_null(False))
    assert max(r.completed_at for r in completed) < datetime(2026, 11, 25)
    assert ServiceRequest.select().where(ServiceRequest.completed_at.is_null()).count() > 0


def test_stored_due_moments_are_the_working_calendars(demo_db):
    calendar = working_calendar()
    requests = ServiceRequest.select().where(ServiceRequest.response_standard.is_null(False))
    for request in requests.limit(300):
        standard = request.response_standard
        amount = standard.target if standard.unit is Unit.WORKING_HOURS else int(standard.target)
        assert request.response_due == calendar.due(request.received_at, amount, standard.unit)


def test_most_requests_meet_their_standard_but_not_all(demo_db):
    answered = ServiceRequest.select().where(
        ServiceRequest.responded_at.is_null(False), ServiceRequest.response_due.is_null(False)
    )
    met = sum(r.responded_at <= r.response_due for r in answered)
    assert 0.8 < met / answered.count() < 0.99


def test_demo_refuses_a_database_in_use(demo_db):
    with pytest.raises(KnownError, match="already holds records"):
        generate_demo("small")


def test_unknown_size_is_refused(db):
    with pytest.raises(KnownError, match="Unknown demo size 'huge'"):
        generate_demo("huge")


def test_cancelling_part_way_leaves_the_database_empty(db):
    def cancel_at_requests(stage: str, fraction: float) -> None:
        if stage == "Service requests" and fraction > 0.5:
            raise Cancelled

    with pytest.raises(Cancelled):
        generate_demo("small", progress=cancel_at_requests)
    assert is_empty()
    assert get_settings().organisation_name == ""


def test_complaint_status_agrees_with_its_timeline_and_times(demo_db):
    from models.choices import ComplaintEventKind as Event

    becomes = {
        Event.RECEIVED: ComplaintStatus.RECEIVED,
        Event.ACKNOWLEDGED: ComplaintStatus.ACKNOWLEDGED,
        Event.INVESTIGATING: ComplaintStatus.INVESTIGATING,
        Event.ON_HOLD: ComplaintStatus.ON_HOLD,
        Event.RESUMED: ComplaintStatus.INVESTIGATING,
        Event.REFERRED: ComplaintStatus.REFERRED,
        Event.REFERRAL_OUTCOME: ComplaintStatus.INVESTIGATING,
        Event.RESOLVED: ComplaintStatus.RESOLVED,
        Event.CLOSED: ComplaintStatus.CLOSED,
        Event.REOPENED: ComplaintStatus.INVESTIGATING,
    }
    for complaint in Complaint.select():
        events = sorted(complaint.events, key=lambda e: e.at)
        assert events[0].kind is Event.RECEIVED
        assert events[0].at == complaint.received_at
        steps = [becomes[e.kind] for e in events if e.kind in becomes]
        assert complaint.status is steps[-1], complaint.reference
        assert all(e.at < datetime(2026, 11, 25) for e in events)
        assert all(
            e.kind is Event.RECEIVED or datetime.combine(e.at.date(), time(9)) <= e.at
            for e in events
        )
        if complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED):
            assert complaint.resolved_at is not None
            assert complaint.outcome is not None
        if complaint.acknowledged_at:
            assert complaint.acknowledged_at >= complaint.received_at


def test_complaint_dues_follow_the_procedure_on_the_calendar(demo_db):
    calendar = working_calendar()
    for complaint in Complaint.select().where(Complaint.extended_due.is_null()):
        assert complaint.acknowledge_due == calendar.due(
            complaint.received_at, 2, Unit.WORKING_DAYS
        )
        if complaint.status is not ComplaintStatus.ON_HOLD and not any(
            e.kind.value == "on hold" for e in complaint.events
        ):
            assert complaint.resolve_due == calendar.due(
                complaint.received_at, 10, Unit.WORKING_DAYS
            )


def test_completion_dues_are_the_calendars_too(demo_db):
    calendar = working_calendar()
    requests = ServiceRequest.select().where(ServiceRequest.completion_standard.is_null(False))
    for request in requests.limit(300):
        standard = request.completion_standard
        amount = standard.target if standard.unit is Unit.WORKING_HOURS else int(standard.target)
        assert request.completion_due == calendar.due(request.received_at, amount, standard.unit)
        if request.completed_at and request.responded_at:
            assert request.received_at <= request.responded_at <= request.completed_at


def test_improvement_actions_are_only_reviewed_once_their_review_is_due(demo_db):
    from models.choices import ActionStatus
    from models.improvements import ImprovementAction

    statuses = {a.status for a in ImprovementAction.select()}
    assert len(statuses) >= 4
    for action in ImprovementAction.select():
        if action.status is ActionStatus.REVIEWED:
            assert action.review_on <= date(2026, 11, 25)
            assert action.effective is not None
        else:
            assert action.review_outcome == ""


def test_the_demo_keeps_a_name_the_user_gave_and_their_own_closures(db):
    from models.choices import ClosureKind
    from models.organisation import Closure, rename_organisation

    rename_organisation("Acme Business Support")
    mine = Closure.create(
        day=date(2026, 8, 14), name="Staff away day", kind=ClosureKind.ORGANISATION
    )
    generate_demo("small")
    assert get_settings().organisation_name == "Acme Business Support"
    assert Closure.get_by_id(mine.id).created_at == FIXED_NOW


def test_the_demo_has_a_team_with_one_member_retired(demo_db):
    from models.choices import MemberRole
    from models.team import Member

    team = {m.name: (m.role, m.deleted_at is None) for m in Member.select()}
    assert len(team) == 6
    assert team["Priya Patel"] == (MemberRole.TEAM_LEADER, True)
    assert [name for name, (_role, active) in team.items() if not active] == ["Daniel Okafor"]


# ------------------------------------------------------------------ who owns the work

OWNED = (
    (ServiceRequest, ServiceRequest.owner),
    (Complaint, Complaint.owner),
    (ImprovementAction, ImprovementAction.owner),
)
LOOKED_AFTER = ((Standard, Standard.looked_after_by), (Agreement, Agreement.looked_after_by))


def still_open(model):
    """The condition of `model`'s records that are still to be done."""
    return {
        ServiceRequest: ServiceRequest.completed_at.is_null(),
        Complaint: Complaint.status.in_(list(OPEN_STATUSES)),
        ImprovementAction: ImprovementAction.status.not_in(list(DONE)),
    }[model]


def open_owners(model, field) -> list:
    return [key for (key,) in model.select(field).where(still_open(model)).tuples()]


def test_every_demo_record_has_an_owner_or_someone_looking_after_it(demo_db):
    team = {key for (key,) in Member.select(Member.id).tuples()}
    for model, field in (*OWNED, *LOOKED_AFTER):
        assert model.select().count() > 0
        assert not model.select().where(field.is_null()).exists(), model.__name__
        assert {key for (key,) in model.select(field).tuples()} <= team, model.__name__


def test_the_member_who_left_owns_only_work_finished_before_they_went(demo_db):
    leaver = Member.get(Member.name == "Daniel Okafor")
    left = leaver.deleted_at
    assert left == datetime(2026, 9, 26, 17, 0)  # 60 days before the fixed today
    requests = ServiceRequest.select().where(ServiceRequest.owner == leaver.id)
    assert requests.count() > 100  # they did their share while they were here
    assert all(r.completed_at is not None and r.completed_at <= left for r in requests)
    complaints = Complaint.select().where(Complaint.owner == leaver.id)
    assert complaints.count() > 0
    for complaint in complaints:
        assert complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED)
        assert max(e.at for e in complaint.events) <= left, complaint.reference
    for action in ImprovementAction.select().where(ImprovementAction.owner == leaver.id):
        assert action.status is ActionStatus.REVIEWED
        assert action.created_at <= left and action.review_on <= left.date()
    for model, field in OWNED:
        assert leaver.id not in open_owners(model, field), model.__name__
        received = getattr(model, "received_at", model.created_at)
        assert not model.select().where(field == leaver.id, received > left).exists()
    for model, field in LOOKED_AFTER:
        assert not model.select().where(field == leaver.id).exists()


def test_open_work_is_shared_among_the_members_still_in_the_team(demo_db):
    current = {m.id: m.name for m in Member.live()}
    assert len(current) == 5
    load = dict.fromkeys(current.values(), 0)
    for model, field in OWNED:
        for key in open_owners(model, field):
            assert key in current, f"an open {model.__name__} belongs to someone who left"
            load[current[key]] += 1
    assert all(count > 0 for count in load.values()), load


def test_workloads_are_uneven_as_in_a_real_team(demo_db):
    lead = demo_lead()
    requests = dict(
        ServiceRequest.select(Member.name, fn.COUNT(ServiceRequest.id))
        .join(Member, on=ServiceRequest.owner == Member.id)
        .group_by(Member.name)
        .tuples()
    )
    busiest = max(requests, key=requests.__getitem__)
    assert busiest != lead.name and requests[busiest] > 3 * requests[lead.name]
    assert requests[lead.name] == min(requests.values())  # the team leader takes few requests
    confidential = {
        key for (key,) in Complaint.select(Complaint.owner).where(Complaint.confidential).tuples()
    }
    assert confidential == {lead.id}  # but handles the confidential complaints
    others = Complaint.select(Complaint.owner).where(~Complaint.confidential).distinct()
    assert others.count() == 6  # the rest are spread over the team, the member who left too


def test_the_team_leader_the_user_plays_has_work_due_of_their_own(demo_db):
    lead = demo_lead()
    mine = {group.area: group for group in due_now(clock.now(), who=lead.id)}
    everyone = {group.area: group for group in due_now(clock.now())}
    assert mine[Area.REQUEST].overdue >= 1 and mine[Area.REQUEST].today >= 1
    assert mine[Area.AGREEMENT].overdue >= 1  # reviews the team leader looks after
    assert 0 < sum(g.total for g in mine.values()) < sum(g.total for g in everyone.values())
    assert all(item.owner == lead.name for group in mine.values() for item in group.items)


def test_the_demo_gives_work_only_to_members_in_the_team(db):
    you = ensure_first_member("Priya Patel")  # the user shares a name with the team leader
    colleague = Member.create(name="Sam Jones")  # and a member the demo's story does not know
    generate_demo("small", seed=1)
    current = {key for (key,) in Member.live(Member.id).tuples()}
    for model, field in OWNED:
        owners = set(open_owners(model, field))
        assert owners and owners <= current, model.__name__
        assert not model.select().where(field.is_null()).exists()
        assert not model.select().where(field == colleague.id).exists()
    assert you.id in open_owners(ServiceRequest, ServiceRequest.owner)
    for model, field in LOOKED_AFTER:
        keepers = {key for (key,) in model.select(field).tuples()}
        assert you.id in keepers and keepers <= current
