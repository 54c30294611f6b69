"""One rule per kind of record for what is open, due next and overdue: the window's lists, the
Overview's due list and the report's figures read it alike, now or as at a period's end."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models import clock
from models.choices import ActionStatus, ComplaintStatus
from models.complaints import COMPLAINT_LISTING, Complaint, Worklist, next_deadline
from models.delivery import met
from models.improvements import ACTION_LISTING, ImprovementAction, action_overdue
from models.listing import ListRequest
from models.monitoring import (
    MET,
    MISSED,
    NOT_YET_DUE,
    acknowledgement_judged,
    action_figures,
    complaint_figures,
    completion_judged,
    open_complaints,
    response_judged,
)
from models.periods import Period
from models.service_log import SERVICE_REQUEST_LISTING, RequestState, ServiceRequest
from models.worklist import Area, due_now

NOW = datetime(2026, 11, 11, 12, 0)
NOVEMBER = Period.month(2026, 11)
MADE = datetime(2026, 10, 20, 9)


def rows(listing, **filters):
    """The list's rows as the window's table reads them: by column."""
    found = listing.page(ListRequest(filters=filters), 0, 100)
    return [dict(zip(listing.column_keys(), row[1:], strict=True)) for row in found]


def test_a_complaint_with_no_acknowledge_by_is_due_at_its_resolve_by_everywhere(db):
    """Before, the lists and the Overview saw no deadline at all, while the report counted it
    overdue: its resolve-by is the deadline it must meet next."""
    Complaint.create(
        reference="CMP-2026-0001", received_at=datetime(2026, 11, 2, 9), summary="Old",
        acknowledge_due=None, resolve_due=datetime(2026, 11, 10, 17),
    )  # fmt: skip
    with clock.use_clock(clock.FixedClock(NOW)):
        (row,) = rows(COMPLAINT_LISTING, worklist=Worklist.OVERDUE.value)
        complaints = {group.area: group for group in due_now(NOW)}[Area.COMPLAINT]
    assert next_deadline(row) == datetime(2026, 11, 10, 17)
    assert complaints.overdue == 1
    assert [(item.task, item.overdue) for item in complaints.items] == [("Resolve", True)]
    assert complaint_figures(NOVEMBER, NOW).overdue == 1
    (listed,) = open_complaints(NOVEMBER, NOW).listed
    assert (listed.next_due, listed.acknowledging, listed.overdue) == (
        next_deadline(row),
        False,
        True,
    )


def test_an_action_with_a_completion_date_is_finished_everywhere(db):
    """Before, the actions list and the Overview went by its status alone and called it
    overdue, while the figures counted it completed: the date recorded finishes it."""
    ImprovementAction.create(
        title="Done, status not updated", due_on=date(2026, 11, 1),
        status=ActionStatus.IN_PROGRESS, completed_on=date(2026, 11, 5), created_at=MADE,
    )  # fmt: skip
    ImprovementAction.create(title="Late", due_on=date(2026, 11, 2), created_at=MADE)
    with clock.use_clock(clock.FixedClock(NOW)):
        overdue = rows(ACTION_LISTING, overdue=1)
        actions = {group.area: group for group in due_now(NOW)}[Area.ACTION]
        every = rows(ACTION_LISTING)
    assert [row["title"] for row in overdue] == ["Late"]
    assert [item.what for item in actions.items] == ["Late"]
    assert [row["title"] for row in every if action_overdue(row, NOW.date())] == ["Late"]
    figures = action_figures(NOVEMBER, NOW)
    assert (figures.completed, figures.open, figures.overdue) == (1, 1, 1)


def test_on_the_demo_the_lists_the_overview_and_the_figures_agree_now(demo_db, fixed_clock):
    now = fixed_clock.now()
    month = Period.month(now.year, now.month)  # in progress: its figures are as at now
    groups = {group.area: group for group in due_now(now)}
    requests = rows(SERVICE_REQUEST_LISTING, state=RequestState.OVERDUE.value)
    complaints = COMPLAINT_LISTING.count(ListRequest(filters={"worklist": Worklist.OVERDUE}))
    actions = ACTION_LISTING.count(ListRequest(filters={"overdue": 1}))
    figures = complaint_figures(month, now)
    assert groups[Area.REQUEST].overdue == len(requests) > 0
    assert groups[Area.COMPLAINT].overdue == complaints == figures.overdue > 0
    assert groups[Area.ACTION].overdue == actions == action_figures(month, now).overdue > 0
    assert COMPLAINT_LISTING.count(ListRequest(filters={"worklist": Worklist.OPEN})) == (
        figures.open
    )
    open_requests = ServiceRequest.live().where(ServiceRequest.completed_at.is_null()).count()
    assert SERVICE_REQUEST_LISTING.count(ListRequest(filters={"state": "open"})) == open_requests
    held = Complaint.live().where(Complaint.status == ComplaintStatus.ON_HOLD).count()
    listed = open_complaints(month, now).listed
    assert sum(complaint.on_hold for complaint in listed) <= held
    assert all(c.next_due is None for c in listed if c.on_hold)  # the clock is stopped


def test_the_figures_judge_each_deadline_as_delivery_met_judges_one(demo_db, fixed_clock):
    """The figures and work by owner count `judged` in SQL; a record's own page, its export
    and the complaint record use `delivery.met`. As at a moment with work done after it."""
    at = fixed_clock.now() - timedelta(days=20, hours=3)
    verdicts = {MET: True, MISSED: False, NOT_YET_DUE: None, None: None}
    requests = ServiceRequest.live(
        ServiceRequest.responded_at,
        ServiceRequest.completed_at,
        ServiceRequest.response_due,
        ServiceRequest.completion_due,
        response_judged(at),
        completion_judged(at),
    ).where(ServiceRequest.response_standard.is_null(False))
    checked = 0
    for (
        responded,
        completed,
        response_due,
        completion_due,
        response,
        completion,
    ) in requests.tuples():
        completed = completed if completed is not None and completed <= at else None
        replied = responded if responded is not None and responded <= at else completed
        assert verdicts[response] == met(replied, response_due, at)
        assert verdicts[completion] == met(completed, completion_due, at)
        checked += 1
    complaints = Complaint.live(
        Complaint.acknowledged_at,
        Complaint.acknowledge_due,
        acknowledgement_judged(at),
    ).tuples()
    for acknowledged, due, verdict in complaints:
        done = acknowledged if acknowledged is not None and acknowledged <= at else None
        assert verdicts[verdict] == met(done, due, at)
        checked += 1
    assert checked > 1000
