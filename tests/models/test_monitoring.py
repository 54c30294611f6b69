"""The monitoring figures on a small month worked out by hand (DESIGN.md "The monthly summary").

October 2026, judged as at Monday 2 November 10:00. Each record's comment says what it adds.
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
    FeedbackChannel,
    FeedbackType,
    Measure,
    StandardStatus,
    Unit,
)
from models.complaints import Complaint, ComplaintEvent
from models.feedback import Code, Feedback, FeedbackCode
from models.improvements import ImprovementAction
from models.monitoring import Rag, Rate, department_figures, rag, summary, trend
from models.periods import Period
from models.register import Customer, Department
from models.service_log import ServiceRequest

OCTOBER = Period.month(2026, 10)
AS_OF = datetime(2026, 11, 2, 10, 0)


def at(day: int, hour: int = 10, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0)


@pytest.fixture
def october(db):
    finance = Department.create(name="Finance")
    hr = Department.create(name="Ψυχολογία")
    rooms = Service.create(name="Room bookings")
    post = Service.create(name="Post")  # no standards: its requests count, but not for timescales
    standard = {
        measure: Standard.create(
            service=rooms,
            statement=statement,
            measure=measure,
            target=target,
            unit=unit,
            compliance_target=compliance,
            status=StandardStatus.AGREED,
        )
        for measure, statement, target, unit, compliance in (
            (Measure.RESPONSE, "Respond within 4 working hours", 4, Unit.WORKING_HOURS, 95),
            (Measure.COMPLETION, "Complete within 1 working day", 1, Unit.WORKING_DAYS, 90),
            (Measure.ACCURACY, "98 % accuracy", 98, Unit.PERCENT, 100),
            (Measure.SATISFACTION, "Satisfaction of 80 %", 80, Unit.PERCENT, 100),
        )
    }
    Standard.create(  # a draft is not yet agreed: not judged
        service=rooms, statement="Draft", measure=Measure.RESPONSE, target=1,
        unit=Unit.WORKING_HOURS, compliance_target=95, status=StandardStatus.DRAFT,
    )  # fmt: skip

    def request(received, *, service=rooms, department=finance, **values):
        timed = service is rooms
        return ServiceRequest.create(
            service=service,
            department=department,
            received_at=received,
            response_standard=standard[Measure.RESPONSE] if timed else None,
            completion_standard=standard[Measure.COMPLETION] if timed else None,
            **values,
        )

    # 1: responded and completed on time, accurate
    request(at(5), responded_at=at(5, 11), response_due=at(5, 14), completed_at=at(6, 9),
            completion_due=at(6, 17), accurate=True)  # fmt: skip
    # 2: response late, completion on time, not accurate
    request(at(6), responded_at=at(6, 16), response_due=at(6, 14), completed_at=at(7, 12),
            completion_due=at(7, 17), accurate=False, department=hr)  # fmt: skip
    # 3: still open, both past due: two misses
    request(at(7), response_due=at(7, 14), completion_due=at(8, 17))
    # 4: received at the month's end, both due after AS_OF: not yet due, left out
    request(at(30, 16), response_due=at(2, 12, 11), completion_due=at(3, 17, 11))
    # 5: a service with no standard: received and completed, judged against nothing
    request(at(8), service=post, completed_at=at(8, 12))
    # 6: completed on 5 November, after AS_OF: still open then, and past due: two misses
    request(at(9), completed_at=at(5, 12, 11), response_due=at(9, 14), completion_due=at(12, 17))
    # not October's: September, November, and a deleted one
    request(at(30, 10, 9), response_due=at(30, 14, 9), responded_at=at(30, 11, 9))
    request(at(1, 10, 11), response_due=at(2, 14, 11))
    request(at(12), response_due=at(12, 14), deleted_at=at(13))

    def complaint(number, received, **values):
        return Complaint.create(
            reference=f"CMP-2026-{number:04d}", received_at=received, summary="—", **values
        )

    complaint(1, at(1), acknowledged_at=at(2), acknowledge_due=at(5, 17), resolved_at=at(10),
              resolve_due=at(15, 17), status=ComplaintStatus.RESOLVED,
              category=ComplaintCategory.DELAY, department=finance)  # fmt: skip
    complaint(2, at(5), acknowledged_at=at(9), acknowledge_due=at(7, 17), resolve_due=at(19, 17),
              resolved_at=at(3, 10, 11), status=ComplaintStatus.RESOLVED,
              category=ComplaintCategory.DELAY)  # fmt: skip
    complaint(3, at(30), acknowledge_due=at(3, 17, 11), resolve_due=at(13, 17, 11),
              category=ComplaintCategory.DISCRIMINATION, confidential=True)  # fmt: skip
    complaint(4, at(20, 10, 9), acknowledged_at=at(21, 10, 9), acknowledge_due=at(22, 17, 9),
              resolve_due=at(1, 17), resolved_at=at(2), referred_to="HR",
              referred_on=date(2026, 10, 3),
              status=ComplaintStatus.RESOLVED)  # fmt: skip
    complaint(5, at(6), deleted_at=at(7))
    complaint(6, at(25, 10, 9), acknowledged_at=at(25, 12, 9), acknowledge_due=at(29, 17, 9),
              resolve_due=at(20, 17), status=ComplaintStatus.INVESTIGATING)  # fmt: skip

    fast, friendly = Code.create(name="Fast"), Code.create(name="Friendly")
    for nps_, csat_, ces_, kind, codes in (
        (10, 5, 7, FeedbackType.GENERIC_POSITIVE, [fast, friendly]),
        (9, 4, 5, FeedbackType.GENERIC_POSITIVE, [fast]),
        (8, 2, 3, FeedbackType.USABILITY_ISSUE, []),
        (None, None, None, FeedbackType.OTHER, []),
        (3, None, None, None, []),
    ):
        item = Feedback.create(
            received_on=date(2026, 10, 14), channel=FeedbackChannel.FEEDBACK_SHEET, service=rooms,
            nps=nps_, csat=csat_, ces=ces_, type=kind, department=finance,
        )  # fmt: skip
        for code in codes:
            FeedbackCode.create(feedback=item, code=code)
    Feedback.create(received_on=date(2026, 11, 1), channel=FeedbackChannel.EMAIL, nps=0, csat=1)

    ImprovementAction.create(title="Done in October", created_at=at(2), due_on=date(2026, 10, 30),
                             status=ActionStatus.IMPLEMENTED,
                             completed_on=date(2026, 10, 20))  # fmt: skip
    ImprovementAction.create(title="Late", created_at=at(3), due_on=date(2026, 10, 25),
                             status=ActionStatus.IN_PROGRESS)  # fmt: skip
    ImprovementAction.create(title="From September", created_at=at(3, 10, 9),
                             due_on=date(2026, 11, 15), status=ActionStatus.PLANNED)  # fmt: skip
    return standard


def test_the_months_request_figures(october):
    figures = summary(OCTOBER, as_of=AS_OF).requests
    assert (figures.received, figures.completed) == (6, 3)  # 1, 2, 5 completed by AS_OF
    assert figures.response == Rate(met=1, missed=3, not_yet_due=1)  # 1 | 2, 3, 6 | 4
    assert figures.response.percent == 25.0
    assert figures.completion == Rate(met=2, missed=2, not_yet_due=1)  # 1, 2 | 3, 6 | 4
    assert figures.completion.percent == 50.0


def test_each_standard_against_its_goal(october):
    result = summary(OCTOBER, as_of=AS_OF)
    post, rooms = result.services  # by name
    assert (rooms.name, rooms.requests, post.name, post.requests) == ("Room bookings", 5, "Post", 1)
    assert post.response.percent is None and post.standards == []  # nothing to judge: null
    by_measure = {standard.measure: standard for standard in rooms.standards}
    assert len(rooms.standards) == 4  # the draft is not judged
    response = by_measure[Measure.RESPONSE]
    assert (response.achieved, response.goal, response.n, response.met) == (25.0, 95.0, 4, False)
    assert response.result.not_yet_due == 1
    assert response.status is Rag.RED
    accuracy = by_measure[Measure.ACCURACY]
    assert (accuracy.achieved, accuracy.goal, accuracy.n) == (50.0, 98.0, 2)
    satisfaction = by_measure[Measure.SATISFACTION]
    assert satisfaction.achieved == pytest.approx(200 / 3)  # 5, 4 of 5, 4, 2
    assert satisfaction.n == 3
    assert result.standards_met == Rate(met=0, missed=4)


@pytest.mark.parametrize(
    ("achieved", "goal", "status"),
    [
        (95.0, 95.0, Rag.GREEN),
        (99.0, 95.0, Rag.GREEN),
        (90.0, 95.0, Rag.AMBER),  # exactly 5 points below
        (89.9, 95.0, Rag.RED),
        (None, 95.0, Rag.NONE),
    ],
)
def test_red_amber_green(achieved, goal, status):
    assert rag(achieved, goal) is status


def test_the_months_complaints(october):
    figures = summary(OCTOBER, as_of=AS_OF).complaints
    assert figures.received == 3  # 1, 2, 3 (4 and 6 came in September; 5 is deleted)
    assert figures.acknowledged == Rate(met=1, missed=1, not_yet_due=1)
    assert figures.resolved == 2  # 1 and 4 in October; 2 only in November
    assert figures.resolved_on_time == Rate(met=1, missed=1)  # 4 was a day late
    assert figures.referred == 1
    assert figures.open == 3  # 2, 3 and 6 at 31 October 23:59:59
    assert figures.overdue == 2  # 2 and 6 were past their resolve-by moment
    assert figures.by_category == {"delay": 2, "discrimination": 1}


def test_the_months_feedback_and_actions(october):
    result = summary(OCTOBER, as_of=AS_OF)
    feedback = result.feedback
    assert feedback.responses == 5
    assert (feedback.nps.promoters, feedback.nps.passives, feedback.nps.detractors) == (2, 1, 1)
    assert feedback.nps.score == 25.0
    assert feedback.csat.percent == pytest.approx(200 / 3)
    assert feedback.ces.mean == 5.0
    assert [(c.code, c.count, c.percent) for c in feedback.codes] == [
        ("Fast", 2, 100.0),
        ("Friendly", 1, 50.0),
    ]
    actions = result.improvements
    assert (actions.opened, actions.completed, actions.overdue, actions.open) == (2, 1, 1, 2)


def test_the_json_is_the_design_shape_with_nulls_for_nothing_to_count(october):
    data = summary(OCTOBER, as_of=AS_OF).to_json()
    assert list(data) == ["month", "requests", "services", "complaints", "feedback", "improvements"]
    assert data["month"] == "2026-10"
    assert data["requests"] == {
        "received": 6,
        "completed": 3,
        "response_met_percent": 25.0,
        "completion_met_percent": 50.0,
    }
    assert data["services"][0] == {
        "service": "Post",
        "requests": 1,
        "response_met_percent": None,
        "completion_met_percent": None,
        "standards": [],
    }
    assert data["services"][1]["standards"][0] == {
        "statement": "98 % accuracy",
        "compliance_target": 98.0,
        "achieved_percent": 50.0,
        "met": False,
    }
    assert data["complaints"] == {
        "received": 3,
        "acknowledged_on_time": 50.0,
        "resolved": 2,
        "resolved_on_time": 50.0,
        "referred": 1,
        "open": 3,
        "overdue": 2,
    }
    assert data["feedback"] | {"csat_percent": None} == {
        "responses": 5,
        "nps": 25.0,
        "promoters": 2,
        "passives": 1,
        "detractors": 1,
        "csat_percent": None,
        "ces_mean": 5.0,
        "by_type": {"generic positive": 2, "other": 1, "usability issue": 1},
        "top_codes": [
            {"code": "Fast", "count": 2, "percent": 100.0},
            {"code": "Friendly", "count": 1, "percent": 50.0},
        ],
    }
    assert data["improvements"] == {"opened": 2, "completed": 1, "overdue": 1}


def test_an_empty_month_has_no_scores_never_zero(db):
    data = summary(Period.month(2026, 3), as_of=AS_OF).to_json()
    assert data["requests"]["response_met_percent"] is None
    assert data["complaints"]["acknowledged_on_time"] is None
    assert data["feedback"]["nps"] is None
    assert data["feedback"]["csat_percent"] is None
    assert data["feedback"]["ces_mean"] is None


def test_departments_and_the_trend(october):
    finance, psychology = department_figures(OCTOBER, as_of=AS_OF)
    assert finance.department == "Finance"
    assert finance.requests.received == 5  # all but 2, which was Ψυχολογία's
    assert psychology.requests.response == Rate(met=0, missed=1)
    assert (finance.feedback, finance.nps, finance.complaints) == (5, 25.0, 1)
    points = trend(OCTOBER, 3, as_of=AS_OF)
    assert [point.period.key() for point in points] == ["2026-08", "2026-09", "2026-10"]
    assert points[-1].response.percent == 25.0
    assert points[1].response == Rate(met=1)  # the September request
    assert points[1].complaints == 2


def test_periods():
    assert Period.parse("2026-10") == OCTOBER
    assert OCTOBER.previous() == Period.month(2026, 9)
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.parse("2026-q1").previous() == Period.quarter(2025, 4)
    assert Period.parse("2026").last == date(2026, 12, 31)
    assert Period.quarter(2026, 4).label() == "Quarter 4 of 2026"
    assert OCTOBER.label() == "October 2026"
    assert Period.recent("month", date(2026, 1, 15), 3) == [
        Period.month(2026, 1),
        Period.month(2025, 12),
        Period.month(2025, 11),
    ]
    assert Period.recent("quarter", date(2026, 4, 1), 2) == [
        Period.quarter(2026, 2),
        Period.quarter(2026, 1),
    ]
    assert [p.key() for p in Period.recent("year", date(2026, 12, 31), 2)] == ["2026", "2025"]
    with pytest.raises(ValueError, match="write a month as 2026-10"):
        Period.parse("2026-13")


def test_a_complaint_on_hold_at_the_periods_end_is_open_but_not_overdue(october):
    waiting = Complaint.create(
        reference="CMP-2026-0050", received_at=at(1), acknowledged_at=at(2),
        acknowledge_due=at(3, 17), resolve_due=at(15, 17), summary="Awaiting the customer",
        status=ComplaintStatus.ON_HOLD,
    )  # fmt: skip
    ComplaintEvent.create(complaint=waiting, at=at(10), kind=ComplaintEventKind.ON_HOLD)
    figures = summary(OCTOBER, as_of=AS_OF).complaints
    assert (figures.open, figures.overdue) == (4, 2)  # counted open; the clock is stopped
    ComplaintEvent.create(complaint=waiting, at=at(20), kind=ComplaintEventKind.RESUMED)
    figures = summary(OCTOBER, as_of=AS_OF).complaints
    assert (figures.open, figures.overdue) == (4, 3)  # resumed on the 20th: late again


def test_a_customers_or_departments_own_standard_judges_their_items_not_the_general_one(
    october,
):
    rooms = Service.get(Service.name == "Room bookings")
    finance = Department.get(Department.name == "Finance")
    zoe = Customer.create(name="Zoë", kind="colleague", department=finance)
    Standard.create(  # Finance's own accuracy standard: Finance's requests leave the general one
        service=rooms, statement="Finance: 90 % accuracy", measure=Measure.ACCURACY, target=90,
        unit=Unit.PERCENT, department=finance, status=StandardStatus.AGREED,
    )  # fmt: skip
    Standard.create(  # Zoë's own satisfaction standard: her feedback leaves the others
        service=rooms, statement="Zoë: satisfaction of 60 %", measure=Measure.SATISFACTION,
        target=60, unit=Unit.PERCENT, customer=zoe, status=StandardStatus.AGREED,
    )  # fmt: skip
    Feedback.create(received_on=date(2026, 10, 15), channel=FeedbackChannel.EMAIL,
                    service=rooms, customer=zoe, department=finance, csat=1)  # fmt: skip
    (rooms_result,) = [
        s for s in summary(OCTOBER, as_of=AS_OF).services if s.name == "Room bookings"
    ]
    by_statement = {standard.statement: standard for standard in rooms_result.standards}
    finance_accuracy = by_statement["Finance: 90 % accuracy"]
    assert (finance_accuracy.achieved, finance_accuracy.n) == (100.0, 1)  # request 1
    general_accuracy = by_statement["98 % accuracy"]
    assert (general_accuracy.achieved, general_accuracy.n) == (0.0, 1)  # request 2 (Ψυχολογία)
    zoes = by_statement["Zoë: satisfaction of 60 %"]
    assert (zoes.achieved, zoes.n) == (0.0, 1)
    general = by_statement["Satisfaction of 80 %"]
    assert (general.achieved, general.n) == (pytest.approx(200 / 3), 3)  # unchanged without Zoë


def test_an_open_complaint_not_acknowledged_in_time_is_overdue_before_its_resolve_by(october):
    Complaint.create(
        reference="CMP-2026-0051", received_at=at(27), acknowledge_due=at(29, 17),
        resolve_due=at(10, 17, month=11), summary="Nobody has answered",
    )  # fmt: skip
    Complaint.create(
        reference="CMP-2026-0052", received_at=at(27), acknowledge_due=at(29, 17),
        acknowledged_at=at(2, month=11), resolve_due=at(10, 17, month=11),
        summary="Answered only in November",
    )  # fmt: skip
    Complaint.create(
        reference="CMP-2026-0053", received_at=at(27), acknowledge_due=at(29, 17),
        acknowledged_at=at(28), resolve_due=at(10, 17, month=11), summary="Answered in time",
    )  # fmt: skip
    figures = summary(OCTOBER, as_of=AS_OF).complaints
    # the first two had not been acknowledged by their 29 October deadline, as the worklist says
    assert (figures.open, figures.overdue) == (6, 4)
