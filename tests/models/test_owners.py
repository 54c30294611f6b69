"""Who owns the work: owners default to the member at the keyboard, work is handed on in one
audited operation, each list and the due list show one person's work, and the free-text owners
of an older database become members."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

import pytest
from peewee import SqliteDatabase

from models import clock
from models.assignment import assign
from models.audit import AuditEntry, who_did_it
from models.base import database
from models.catalogue import Agreement, Service, Standard
from models.choices import ActionStatus, ComplaintEventKind, Measure, Unit
from models.complaint_lifecycle import log_complaint, timeline_rows
from models.complaints import COMPLAINT_LISTING
from models.db import close_database, open_database, upgrade_schema
from models.errors import KnownError
from models.improvements import ACTION_LISTING, ImprovementAction
from models.listing import ListRequest
from models.migrations import MIGRATIONS
from models.operations import ValidationError, create, soft_delete, update
from models.people import MINE, NOBODY, Member, at_keyboard
from models.register import Department
from models.service_log import SERVICE_REQUEST_LISTING, ServiceRequest, record_request
from models.worklist import Area, due_now

NOW = datetime(2026, 11, 11, 12, 0)


@pytest.fixture
def team(db):
    with clock.use_clock(clock.FixedClock(NOW)):
        priya, _ = create(Member, name="Priya Patel")
        sam, _ = create(Member, name="Sam Jones")
        with at_keyboard(priya.id):
            yield priya, sam


def a_request(**values):
    service = Service.get_or_none(Service.name == "Room bookings") or Service.create(
        name="Room bookings"
    )
    return record_request(service=service, received_at=datetime(2026, 11, 2, 9), **values)[0]


def a_complaint(**values):
    return log_complaint(received_at=datetime(2026, 11, 2, 9), summary="Late room", **values)[0]


def test_new_work_is_yours_unless_given_to_someone(team):
    priya, sam = team
    assert a_request().owner == priya
    assert a_complaint().owner == priya
    action, _ = create(ImprovementAction, title="Confirm bookings")
    assert action.owner == priya
    assert a_request(owner=sam).owner == sam
    assert a_request(owner=None).owner is None  # a request may be no one's yet


def test_work_goes_only_to_someone_still_in_the_team(team):
    _, sam = team
    soft_delete(sam)
    with pytest.raises(ValidationError, match="Sam Jones has left the team"):
        a_request(owner=sam)
    with pytest.raises(ValidationError, match="no such member"):
        a_request(owner="0" * 32)


def test_a_complaint_or_action_keeps_an_owner_once_it_has_one(team):
    complaint = a_complaint()
    with pytest.raises(ValidationError, match="A complaint needs an owner"):
        update(complaint, owner=None)
    request = a_request()
    update(request, owner=None)  # optional for a request
    assert ServiceRequest.get_by_id(request.id).owner is None


def test_work_owned_by_a_member_who_left_can_still_be_edited(team):
    _, sam = team
    complaint = a_complaint(owner=sam)
    soft_delete(sam)
    update(complaint, details="More detail")  # the owner is not changed, so not judged again
    assert complaint.owner == sam


def test_assigning_hands_every_record_on_in_one_audited_operation(team):
    _, sam = team
    requests = [a_request() for _ in range(3)]
    complaint = a_complaint()
    changes = assign([*requests, complaint], sam, note="Sam knows this customer")
    assert len(changes) == 4
    assert all(ServiceRequest.get_by_id(r.id).owner == sam for r in requests)
    entries = AuditEntry.select(AuditEntry, who_did_it().alias("by")).where(
        AuditEntry.field == "owner", AuditEntry.action == "update"
    )
    assert (
        sorted((e.old_value, e.new_value, e.by) for e in entries)
        == [("Priya Patel", "Sam Jones", "Priya Patel")] * 4
    )
    last = timeline_rows(complaint)[-1]
    assert (last.step, last.who, last.by, last.note) == (
        ComplaintEventKind.ASSIGNED.label,
        "Sam Jones",
        "Priya Patel",
        "Sam knows this customer",
    )
    assert assign([complaint], sam) == []  # already theirs: nothing changes, nothing noted
    assert len(timeline_rows(complaint)) == 2


def test_assigning_to_someone_who_left_changes_nothing(team):
    priya, sam = team
    request = a_request()
    soft_delete(sam)
    with pytest.raises(ValidationError, match="has left the team"):
        assign([request], sam)
    assert ServiceRequest.get_by_id(request.id).owner == priya
    with pytest.raises(KnownError, match="have no owner"):
        assign([Department.create(name="Finance")], priya)


def test_each_list_filters_by_owner_mine_and_nobody(team):
    _, sam = team
    mine, theirs, nobodys = a_request(), a_request(owner=sam), a_request(owner=None)
    a_complaint(owner=sam)
    create(ImprovementAction, title="Mine")

    def listed(listing, who):
        return {row[0] for row in listing.page(ListRequest(filters={"owner": who}), 0, 100)}

    assert listed(SERVICE_REQUEST_LISTING, MINE) == {mine.id}
    assert listed(SERVICE_REQUEST_LISTING, sam.id.hex) == {theirs.id}
    assert listed(SERVICE_REQUEST_LISTING, NOBODY) == {nobodys.id}
    assert len(listed(COMPLAINT_LISTING, MINE)) == 0
    assert len(listed(COMPLAINT_LISTING, sam.id)) == 1
    assert len(listed(ACTION_LISTING, MINE)) == 1
    owners = [row[-1] for row in SERVICE_REQUEST_LISTING.page(ListRequest(), 0, 100)]
    assert sorted(owners) == ["", "Priya Patel", "Sam Jones"]
    with at_keyboard(None):  # no one at the keyboard: nothing is "mine"
        assert listed(SERVICE_REQUEST_LISTING, MINE) == set()


def test_my_due_list_holds_my_work_and_the_reviews_i_look_after(team):
    priya, sam = team
    overdue = {"response_due": datetime(2026, 11, 10, 9), "completion_due": datetime(2026, 11, 20)}
    ServiceRequest.create(service=Service.create(name="Post"), received_at=NOW, owner=priya,
                          **overdue)  # fmt: skip
    ServiceRequest.create(service=Service.get(Service.name == "Post"), received_at=NOW,
                          owner=sam, **overdue)  # fmt: skip
    service = Service.get(Service.name == "Post")

    def standard(who):
        Standard.create(service=service, statement=f"{who.name}'s", measure=Measure.RESPONSE,
                        target=4, unit=Unit.WORKING_HOURS, review_on=date(2026, 11, 1),
                        looked_after_by=who)  # fmt: skip

    standard(priya)
    standard(sam)
    finance = Department.create(name="Finance")
    Agreement.create(department=finance, next_review=date(2026, 11, 11), looked_after_by=priya)
    Agreement.create(department=finance, next_review=date(2026, 11, 2), looked_after_by=sam)
    ImprovementAction.create(title="Sam's", due_on=date(2026, 11, 1), owner=sam,
                             status=ActionStatus.PLANNED)  # fmt: skip

    def counted(who):
        return {group.area: (group.overdue, group.today) for group in due_now(NOW, who=who)}

    assert counted(MINE) == {
        Area.REQUEST: (1, 0),
        Area.COMPLAINT: (0, 0),
        Area.STANDARD: (1, 0),
        Area.AGREEMENT: (0, 1),
        Area.ACTION: (0, 0),
    }
    assert counted(None) == {
        Area.REQUEST: (2, 0),
        Area.COMPLAINT: (0, 0),
        Area.STANDARD: (2, 0),
        Area.AGREEMENT: (1, 1),
        Area.ACTION: (1, 0),
    }
    agreements = {group.area: group for group in due_now(NOW)}[Area.AGREEMENT]
    assert [(item.what, item.owner) for item in agreements.items] == [
        ("Agreement with Finance", "Sam Jones"),
        ("Agreement with Finance", "Priya Patel"),
    ]


# --- the upgrade from schema 7: free-text owners become members ---------------------------


LONG = "Bartholomew " * 20  # 240 characters: longer than a member's name may be


def schema_7_database(path):
    """A database as Rapport left it before owners: built by the frozen steps 1–7."""
    old = SqliteDatabase(str(path))
    database.initialize(old)
    upgrade_schema(old, path, MIGRATIONS[:7], keep_backup=False)
    old.close()
    connection = sqlite3.connect(path)
    stamp = "2026-10-01 09:00:00"
    for name, left in (("Priya Patel", None), ("sam jones", stamp), ("Sam Jones", None)):
        connection.execute(
            "INSERT INTO member VALUES (lower(hex(randomblob(16))), ?, ?, ?, ?, '', 'team member')",
            (stamp, stamp, left, name),
        )
    actions = [  # owner, status, deleted
        ("priya patel", "planned", None),
        ("Tom  Brown", "planned", None),
        ("tom brown ", "implemented", None),
        ("", "planned", None),
        ("  ", "planned", None),
        ("\t\r\n", "planned", None),  # only white space: no one
        ("Ana Silva", "reviewed", None),  # owns only finished work: has left since
        ("Priya Patel", "planned", None),
        ("SAM JONES", "planned", None),  # the one still in the team, not the leaver
        ("Lee\x07Chan", "planned", None),  # a control character from a pasted cell
        (LONG, "planned", None),
        ("Zed Zoo", "planned", stamp),  # a deleted action's owner: has left since
    ]
    for number, (owner, status, deleted) in enumerate(actions):
        connection.execute(
            "INSERT INTO improvement_action (id, created_at, updated_at, deleted_at, title, "
            "source, problem, analysis, options, chosen_action, owner, status, review_outcome,"
            " measure_before, measure_after)"
            " VALUES (?, ?, ?, ?, ?, 'other', 'Slow', '', '', '', ?, ?, '', '', '')",
            (f"{number:032x}", stamp, stamp, deleted, f"Action {number}", owner, status),
        )
    connection.execute(
        "INSERT INTO audit_entry (id, created_at, updated_at, at, user, action, table_name, "
        "record_id, field, old_value, new_value) VALUES (lower(hex(randomblob(16))), "
        "?, ?, ?, 'jsmith', 'create', 'improvement_action', ?, '', NULL, NULL)",
        (stamp, stamp, stamp, f"{0:032x}"),
    )
    connection.commit()
    connection.close()
    return len(actions)


def test_free_text_owners_become_members_and_no_row_is_lost(data_dir, fixed_clock):
    path = data_dir / "rapport.db"
    count = schema_7_database(path)
    open_database(path)
    try:
        actions = {action.title: action for action in ImprovementAction.select()}
        assert len(actions) == count
        owners = {
            title: (action.owner.name if action.owner else None)
            for title, action in actions.items()
        }
        cut = LONG.strip()[:200].strip()
        assert owners == {
            "Action 0": "Priya Patel",  # the member already called so, case ignored
            "Action 1": "Tom Brown",  # spaces tidied: one member for both spellings
            "Action 2": "Tom Brown",
            "Action 3": None,
            "Action 4": None,
            "Action 5": None,
            "Action 6": "Ana Silva",
            "Action 7": "Priya Patel",
            "Action 8": "Sam Jones",
            "Action 9": "Lee Chan",
            "Action 10": cut,
            "Action 11": "Zed Zoo",
        }
        assert actions["Action 8"].owner.deleted_at is None
        team = {m.name: m.deleted_at is None for m in Member.select()}
        assert team == {
            "Priya Patel": True,
            "sam jones": False,
            "Sam Jones": True,
            "Tom Brown": True,
            "Ana Silva": False,  # only finished work: made as having left
            "Lee Chan": True,
            cut: True,
            "Zed Zoo": False,  # only a deleted action
        }
        # where the name had to be cut or cleaned, the words as written are kept
        assert actions["Action 10"].problem == f"Slow\n\nOwner as first written: {LONG.strip()}"
        assert actions["Action 9"].problem == "Slow\n\nOwner as first written: Lee\x07Chan"
        assert actions["Action 1"].problem == "Slow"
        (entry,) = AuditEntry.select(AuditEntry, who_did_it().alias("by"))
        assert entry.by == "jsmith"  # an entry from before the team keeps its login
    finally:
        close_database()


def test_a_new_complaint_or_action_left_without_an_owner_is_refused(team):
    with pytest.raises(ValidationError, match="A complaint needs an owner"):
        a_complaint(owner=None)
    with pytest.raises(ValidationError, match="An improvement action needs an owner"):
        create(ImprovementAction, title="Nobody's", owner="")
    assert a_request(owner="").owner is None  # a blank pick list: no owner, not an error


def test_a_complaint_made_before_there_was_a_team_needs_no_owner(db):
    complaint = a_complaint(owner=None)  # no one in the team yet: no one to own it
    assert complaint.owner is None


def test_once_you_have_left_the_team_new_work_is_no_ones(team):
    priya, _ = team
    soft_delete(priya)
    request = a_request()  # not refused for naming someone who has left
    assert request.owner is None


def test_assigning_refuses_deleted_work_and_no_one(team):
    _, sam = team
    request = a_request()
    soft_delete(request)
    with pytest.raises(KnownError, match="is deleted: restore it"):
        assign([request], sam)
    with pytest.raises(KnownError, match="Choose the member"):
        assign([a_request()], None)


def test_a_colleague_renamed_is_named_anew_in_the_timeline(team):
    _, sam = team
    complaint = a_complaint()
    assign([complaint], sam)
    update(sam, name="Samantha Jones")
    assert timeline_rows(complaint)[-1].who == "Samantha Jones"


def test_standards_and_agreements_filter_by_who_looks_after_them(team):
    from models.catalogue import AGREEMENT_LISTING, STANDARD_LISTING

    priya, sam = team
    service = Service.create(name="Post")
    for who in (priya, sam, None):
        Standard.create(service=service, statement=f"By {who}", measure=Measure.RESPONSE,
                        target=4, unit=Unit.WORKING_HOURS, looked_after_by=who)  # fmt: skip
        Agreement.create(department=Department.create(name=f"For {who}"), looked_after_by=who)

    def listed(listing, who):
        rows = listing.page(ListRequest(filters={"owner": who}), 0, 100)
        return sorted(row[-1] for row in rows)  # the last column: who looks after it

    assert listed(STANDARD_LISTING, MINE) == ["Priya Patel"]
    assert listed(AGREEMENT_LISTING, sam.id.hex) == ["Sam Jones"]
    assert listed(AGREEMENT_LISTING, NOBODY) == [""]
    assert listed(STANDARD_LISTING, None) == ["", "Priya Patel", "Sam Jones"]


def test_finished_work_may_name_someone_who_has_left(team):
    """History keeps who did the work: an export of it imports again after they left."""
    _, sam = team
    soft_delete(sam)
    done = a_request(owner=sam, completed_at=datetime(2026, 11, 3, 9))
    assert done.owner == sam
    action, _ = create(ImprovementAction, title="Done", owner=sam, status=ActionStatus.REVIEWED,
                       effective=True)  # fmt: skip
    assert action.owner == sam
    with pytest.raises(ValidationError, match="has left the team"):
        create(ImprovementAction, title="Still to do", owner=sam, status="planned")
    with pytest.raises(ValidationError, match="has left the team"):
        assign([a_request()], sam)


def test_complaints_and_actions_are_found_by_their_owners_name(team):
    _, sam = team
    a_complaint(owner=sam)
    a_complaint()
    create(ImprovementAction, title="Sam's", owner=sam)

    def found(listing, words):
        return len(listing.page(ListRequest(search=words), 0, 100))

    assert found(COMPLAINT_LISTING, "sam jon") == 1
    assert found(ACTION_LISTING, "JONES") == 1
