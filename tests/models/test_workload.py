"""Work by owner, on a small October worked out by hand (not the demo), and the owners the
report's lists of open complaints and actions name.

October 2026, judged as at Monday 2 November 10:00. Ann and Ben are in the team; Cat has left
but still owns work. Each record's comment says what it adds to whom. Each column of work by
owner adds up to the month's figures, here and on the demo.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from models.catalogue import Service, Standard
from models.choices import (
    ActionStatus,
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintStatus,
    Measure,
    Unit,
)
from models.complaints import Complaint, ComplaintEvent
from models.improvements import ImprovementAction, actions_for_complaint
from models.monitoring import (
    Rate,
    action_figures,
    actions_to_report,
    complaint_figures,
    open_complaints,
    summary,
)
from models.people import Member
from models.periods import Period
from models.service_log import ServiceRequest
from models.workload import OwnerWork, total_work, work_by_owner

OCTOBER = Period.month(2026, 10)
AS_OF = datetime(2026, 11, 2, 10, 0)


def at(day: int, hour: int = 10, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0)


@pytest.fixture
def owned(db):
    ann = Member.create(name="Ann Archer")
    ben = Member.create(name="Ben Bradley")
    cat = Member.create(name="Cat Cole", deleted_at=at(20))  # left the team in October
    post = Service.create(name="Post")
    respond, complete = (
        Standard.create(service=post, statement=statement, measure=measure, target=target,
                        unit=unit)
        for statement, measure, target, unit in (
            ("Respond within 4 working hours", Measure.RESPONSE, 4, Unit.WORKING_HOURS),
            ("Complete within 3 working days", Measure.COMPLETION, 3, Unit.WORKING_DAYS),
        )
    )  # fmt: skip

    def request(received, owner, **values):
        standards = {
            "response_standard": respond if values.get("response_due") else None,
            "completion_standard": complete if values.get("completion_due") else None,
        }
        return ServiceRequest.create(
            service=post, received_at=received, owner=owner, **standards, **values
        )

    # Ann: completed on time, completed late, open and past its respond-by; two not October's
    request(at(5), ann, completed_at=at(6, 9), completion_due=at(6, 17))
    request(at(6), ann, completed_at=at(8, 12), completion_due=at(7, 17))
    request(at(20), ann, response_due=at(20, 14), completion_due=at(23, 17))
    request(at(1, 10, 9), ann, completed_at=at(2, 10, 9))  # received in September
    request(at(21), ann, deleted_at=at(22))  # deleted: not counted
    # Ben: open, due after the month; open at its end though completed in November, and late
    request(at(30, 16), ben, response_due=at(2, 12, 11), completion_due=at(3, 17, 11))
    request(at(1), ben, responded_at=at(1, 11), completed_at=at(5, 12, 11),
            completion_due=at(10, 17))  # fmt: skip
    # no one's: completed with no deadline to judge
    request(at(10), None, completed_at=at(11))

    def complaint(number, received, owner, **values):
        values = {"category": ComplaintCategory.DELAY} | values
        return Complaint.create(
            reference=f"CMP-2026-{number:04d}", received_at=received, summary="—", owner=owner,
            **values,
        )  # fmt: skip

    # Ben: resolved on time; open at the month's end (resolved in November), past its resolve-by
    complaint(1, at(1), ben, acknowledged_at=at(2), acknowledge_due=at(5, 17), resolved_at=at(10),
              resolve_due=at(15, 17), status=ComplaintStatus.RESOLVED)  # fmt: skip
    complaint(2, at(5), ben, acknowledged_at=at(6), acknowledge_due=at(7, 17),
              resolve_due=at(19, 17), resolved_at=at(3, 10, 11),
              status=ComplaintStatus.RESOLVED)  # fmt: skip
    # Cat: open and confidential, not yet due; resolved in October, late
    complaint(3, at(30), cat, acknowledge_due=at(3, 17, 11), resolve_due=at(13, 17, 11),
              confidential=True, category=None)  # fmt: skip
    complaint(4, at(20, 10, 9), cat, acknowledged_at=at(21, 10, 9),
              acknowledge_due=at(22, 17, 9), resolve_due=at(1, 17), resolved_at=at(2),
              status=ComplaintStatus.RESOLVED)  # fmt: skip
    # Ann: past its resolve-by, but on hold awaiting the customer since before it: not overdue
    held = complaint(5, at(12), ann, acknowledged_at=at(12, 11), acknowledge_due=at(14, 17),
                     resolve_due=at(26, 17), status=ComplaintStatus.ON_HOLD)  # fmt: skip
    ComplaintEvent.create(complaint=held, at=at(15), kind=ComplaintEventKind.ON_HOLD)
    # Ann: not acknowledged by its acknowledge-by, well before its resolve-by: overdue
    complaint(6, at(29), ann, acknowledge_due=at(30, 17), resolve_due=at(12, 17, 11))

    def action(title, owner, made, **values):
        return ImprovementAction.create(title=title, owner=owner, created_at=made, **values)

    action("Ann's late action", ann, at(2), due_on=date(2026, 10, 25),
           status=ActionStatus.IN_PROGRESS)  # fmt: skip
    action("Cat's action", cat, at(3, 10, 9), due_on=date(2026, 11, 30),
           status=ActionStatus.PLANNED, complaint=held)  # fmt: skip
    action("Ben's finished action", ben, at(2), due_on=date(2026, 10, 30),
           status=ActionStatus.IMPLEMENTED, completed_on=date(2026, 10, 20))  # fmt: skip
    action("Nobody's action", None, at(1), due_on=date(2026, 10, 31))  # due on the last day
    return {"ann": ann, "ben": ben, "cat": cat, "held": held}


def test_each_owners_work_counted_by_hand(owned):
    assert work_by_owner(OCTOBER, as_of=AS_OF) == [
        OwnerWork(
            "Ann Archer",
            requests_open=1,
            requests_overdue=1,
            requests_received=3,
            requests_on_time=Rate(met=1, missed=2),  # the open one past its complete-by: missed
            complaints_open=2,  # one on hold: open, never overdue
            complaints_overdue=1,
            actions_open=1,
            actions_overdue=1,
        ),
        OwnerWork(
            "Ben Bradley",
            requests_open=2,
            requests_overdue=1,
            requests_received=2,
            requests_on_time=Rate(missed=1, not_yet_due=1),  # completed after 2 November
            complaints_open=1,
            complaints_overdue=1,
            complaints_resolved=1,
            complaints_on_time=Rate(met=1),
        ),
        OwnerWork(
            "Cat Cole",
            left=True,
            complaints_open=1,  # confidential, counted
            complaints_resolved=1,
            complaints_on_time=Rate(missed=1),
            actions_open=1,
        ),
        OwnerWork(None, requests_received=1, actions_open=1),  # no one yet, last
    ]


def adds_up(period: Period, as_of: datetime) -> OwnerWork:
    """Work by owner, added up, after checking each column against the period's figures."""
    owners = work_by_owner(period, as_of=as_of)
    total, figures = total_work(owners), summary(period, as_of=as_of)
    complaints, actions = figures.complaints, figures.improvements
    assert total.requests_received == figures.requests.received
    assert total.requests_on_time == figures.requests.completion  # met, missed, not yet due
    assert (total.complaints_open, total.complaints_overdue) == (
        complaints.open,
        complaints.overdue,
    )
    assert total.complaints_resolved == complaints.resolved
    assert total.complaints_on_time == complaints.resolved_on_time
    assert (total.actions_open, total.actions_overdue) == (actions.open, actions.overdue)
    return total


def test_the_owners_add_up_to_the_months_figures(owned):
    total = adds_up(OCTOBER, AS_OF)
    assert total.requests_on_time == Rate(met=1, missed=3, not_yet_due=1)
    assert (total.complaints_open, total.complaints_overdue) == (4, 2)
    assert (total.complaints_resolved, total.complaints_on_time) == (2, Rate(met=1, missed=1))
    assert (total.actions_open, total.actions_overdue) == (3, 1)
    assert complaint_figures(OCTOBER, AS_OF).open == 4
    assert action_figures(OCTOBER, AS_OF).open == 3


@pytest.mark.parametrize("month", [Period.month(2026, 11), Period.month(2026, 6)])
def test_the_owners_add_up_to_the_demos_figures(demo_db, month, fixed_clock):
    """November is in progress at the fixed clock, June long finished."""
    total = adds_up(month, fixed_clock.now())
    assert total.requests_on_time.n and total.complaints_on_time.n and total.actions_open


def test_an_owner_with_nothing_open_or_finished_in_the_period_has_no_row(owned):
    september = work_by_owner(Period.month(2026, 9), as_of=AS_OF)
    assert september == [  # Ben's work and no one's all came in October
        OwnerWork("Ann Archer", requests_received=1),
        OwnerWork("Cat Cole", left=True, complaints_open=1, actions_open=1),
    ]
    assert work_by_owner(Period.month(2025, 1), as_of=AS_OF) == []


def test_the_open_complaints_name_their_owner_and_leave_out_the_confidential(owned):
    found = open_complaints(OCTOBER, AS_OF)
    assert found.confidential == 1  # Cat's: counted, not listed
    assert len(found.listed) + found.confidential == complaint_figures(OCTOBER, AS_OF).open
    assert [
        (c.reference, c.owner, c.overdue, c.on_hold, c.acknowledging, c.next_due)
        for c in found.listed
    ] == [
        ("CMP-2026-0002", "Ben Bradley", True, False, False, at(19, 17)),  # overdue first
        ("CMP-2026-0006", "Ann Archer", True, False, True, at(30, 17)),  # not acknowledged
        ("CMP-2026-0005", "Ann Archer", False, True, False, None),  # on hold: nothing due
    ]


def test_the_open_actions_name_their_owner(owned):
    open_ = actions_to_report(OCTOBER, AS_OF).open
    assert [(a.title, a.owner, a.overdue) for a in open_] == [
        ("Ann's late action", "Ann Archer", True),
        ("Nobody's action", "", False),  # due on the month's last day: not yet overdue
        ("Cat's action", "Cat Cole", False),
    ]
    assert [(a.title, a.owner) for a in actions_for_complaint(owned["held"])] == [
        ("Cat's action", "Cat Cole")
    ]
