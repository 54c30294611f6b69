"""What is due today and overdue, worked out by hand for Wednesday 11 November 2026, 12:00."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models import clock
from models.catalogue import Service, Standard
from models.choices import ActionStatus, ComplaintStatus, Measure, StandardStatus, Unit
from models.complaints import COMPLAINT_LISTING, Complaint, Worklist
from models.improvements import ImprovementAction
from models.listing import ListRequest
from models.people import Member
from models.register import Customer
from models.service_log import SERVICE_REQUEST_LISTING, RequestState, ServiceRequest
from models.worklist import Area, due_now

NOW = datetime(2026, 11, 11, 12, 0)


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour)


@pytest.fixture
def groups(db):
    rooms = Service.create(name="Room bookings")
    zoe = Customer.create(name="Zoë", kind="colleague")

    def request(description, **values):
        ServiceRequest.create(
            service=rooms, received_at=at(2, 9), description=description, **values
        )

    request("late reply", response_due=at(10, 14), completion_due=at(13, 17), customer=zoe)
    request("answered, completion late", responded_at=at(2, 10), response_due=at(2, 13),
            completion_due=at(11, 9))  # fmt: skip
    request("answer this afternoon", response_due=at(11, 15), completion_due=at(12, 17))
    request("complete by tonight", responded_at=at(9, 10), response_due=at(9, 13),
            completion_due=at(11, 17))  # fmt: skip
    request("tomorrow", response_due=at(12, 10), completion_due=at(13, 17))
    request("done late", completed_at=at(10, 9), response_due=at(5, 10), completion_due=at(6, 17))
    request("deleted", response_due=at(5, 10), deleted_at=at(6, 9))
    request("no standard")

    def complaint(number, **values):
        values.setdefault("received_at", at(2, 9))
        Complaint.create(reference=f"CMP-2026-{number:04d}", summary=f"Summary {number}", **values)

    complaint(1, acknowledge_due=at(4, 17), resolve_due=at(16, 17))  # not acknowledged: overdue
    complaint(2, acknowledged_at=at(3, 9), acknowledge_due=at(4, 17), resolve_due=at(11, 17),
              status=ComplaintStatus.INVESTIGATING, confidential=True)  # fmt: skip
    complaint(3, acknowledged_at=at(3, 9), acknowledge_due=at(4, 17), resolve_due=at(6, 17),
              status=ComplaintStatus.ON_HOLD)  # the clock is stopped  # fmt: skip
    complaint(4, acknowledged_at=at(3, 9), resolved_at=at(5, 9), resolve_due=at(6, 17),
              status=ComplaintStatus.RESOLVED)  # fmt: skip

    def standard(statement, review_on, status=StandardStatus.AGREED):
        Standard.create(service=rooms, statement=statement, measure=Measure.RESPONSE, target=4,
                        unit=Unit.WORKING_HOURS, review_on=review_on, status=status)  # fmt: skip

    standard("Review was last week", date(2026, 11, 4))
    standard("Review today", date(2026, 11, 11))
    standard("Review next month", date(2026, 12, 11))
    standard("Retired, never reviewed again", date(2026, 1, 1), StandardStatus.RETIRED)

    priya = Member.create(name="Priya")

    def action(title, due_on, status=ActionStatus.IN_PROGRESS):
        ImprovementAction.create(title=title, due_on=due_on, status=status, owner=priya)

    action("Late", date(2026, 11, 10))
    action("Today", date(2026, 11, 11))
    action("Done, though late", date(2026, 11, 1), ActionStatus.IMPLEMENTED)
    action("Later", date(2026, 11, 30))
    return {group.area: group for group in due_now(NOW)}


def test_requests_at_their_next_deadline(groups):
    requests = groups[Area.REQUEST]
    assert (requests.overdue, requests.today) == (2, 2)
    assert [(item.task, item.what, item.due, item.overdue) for item in requests.items] == [
        ("Respond", "Room bookings for Zoë: late reply", at(10, 14), True),
        ("Complete", "Room bookings: answered, completion late", at(11, 9), True),
        ("Respond", "Room bookings: answer this afternoon", at(11, 15), False),
        ("Complete", "Room bookings: complete by tonight", at(11, 17), False),
    ]


def test_complaints_name_no_confidential_summary_and_skip_those_on_hold(groups):
    complaints = groups[Area.COMPLAINT]
    assert (complaints.overdue, complaints.today) == (1, 1)
    assert [(item.task, item.what, item.overdue) for item in complaints.items] == [
        ("Acknowledge", "CMP-2026-0001: Summary 1", True),
        ("Resolve", "CMP-2026-0002: Confidential", False),
    ]


def test_reviews_and_actions_by_date(groups):
    reviews, actions = groups[Area.STANDARD], groups[Area.ACTION]
    assert (reviews.overdue, reviews.today) == (1, 1)
    assert [item.what for item in reviews.items] == [
        "Room bookings: Review was last week",
        "Room bookings: Review today",
    ]
    assert reviews.items[0].parent_id is not None  # its service, for the catalogue
    assert (actions.overdue, actions.today) == (1, 1)
    assert [(item.what, item.owner, item.overdue) for item in actions.items] == [
        ("Late", "Priya", True),
        ("Today", "Priya", False),
    ]


def test_a_new_database_has_nothing_due(db):
    assert all(group.total == 0 and not group.items for group in due_now(NOW))


def test_only_the_most_pressing_are_listed_but_all_are_counted(groups):
    requests = due_now(NOW, listed=1)[0]
    assert (requests.overdue, requests.today, len(requests.items)) == (2, 2, 1)
    assert requests.items[0].due == at(10, 14)


def test_the_tabs_due_today_and_overdue_lists_hold_what_the_overview_counts(groups):
    """'Due today' means later today in every tab: a deadline passed this morning is overdue
    only, never in both lists."""

    def listed(listing, name, value):
        return listing.count(ListRequest(filters={name: value.value}))

    with clock.use_clock(clock.FixedClock(NOW)):
        requests = (
            listed(SERVICE_REQUEST_LISTING, "state", RequestState.OVERDUE),
            listed(SERVICE_REQUEST_LISTING, "state", RequestState.DUE_TODAY),
        )
        complaints = (
            listed(COMPLAINT_LISTING, "worklist", Worklist.OVERDUE),
            listed(COMPLAINT_LISTING, "worklist", Worklist.DUE_TODAY),
            listed(COMPLAINT_LISTING, "worklist", Worklist.DUE_THIS_WEEK),
        )
    assert requests == (groups[Area.REQUEST].overdue, groups[Area.REQUEST].today) == (2, 2)
    assert complaints == (1, 1, 1)  # this week from now: the one due today, no more
    assert complaints[:2] == (groups[Area.COMPLAINT].overdue, groups[Area.COMPLAINT].today)
