"""The monitoring figures (DESIGN.md "The monthly summary"), one function per figure, shared by
the Overview tab, the `summary` command and the printed reports so the three always agree.

Which records count in a period: requests and complaints *received* in it, feedback *dated* in
it, complaints *resolved* in it for `resolved` and `resolved_on_time`, complaints *referred* in it
for `referred`, and `open` and `overdue` as at the period's last moment. A timescale is judged
met ÷ (met + missed) × 100 over the items a standard or procedure applies to, where an item still
open and past due is missed and one still open and not yet due is left out (and counted as not
yet due). Events after `as_of` (normally now) have not happened yet. Nothing to count → None.

What is open, overdue and due next is each record type's own rule (`models.complaints`,
`models.service_log`, `models.improvements`), read here as at the period's last moment.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from peewee import Case, Node, fn

from models import clock
from models.base import database
from models.catalogue import Service, Standard, describe_standard
from models.choices import ActionStatus, Measure, Unit
from models.complaints import (
    Complaint,
    complaint_acknowledging_at,
    complaint_next_due,
    complaint_on_hold_at,
    complaint_open_at,
    complaint_overdue_at,
)
from models.delivery import IN_FORCE, StandardBook, Timescale, key
from models.feedback import Feedback
from models.feedback_analysis import FeedbackFigures, feedback_figures, feedback_scores
from models.improvements import (
    DONE,
    ActionRow,
    ImprovementAction,
    action_open_on,
    action_overdue_on,
    action_rows,
)
from models.people import member_name
from models.periods import Period
from models.register import Customer, Department
from models.scores import csat, nps
from models.service_log import ServiceRequest

AMBER_POINTS = 5.0  # within this many points below its target, a figure is amber, not red
TOP_CODES = 10


@dataclass(frozen=True)
class Rate:
    """How often a timescale (or a yes/no measure) was met, with its n."""

    met: int = 0
    missed: int = 0
    not_yet_due: int = 0

    @property
    def n(self) -> int:
        return self.met + self.missed

    @property
    def percent(self) -> float | None:
        return 100 * self.met / self.n if self.n else None

    def __add__(self, other: Rate) -> Rate:
        """Two groups' outcomes together (a team's, from each member's)."""
        return Rate(
            self.met + other.met,
            self.missed + other.missed,
            self.not_yet_due + other.not_yet_due,
        )


def rate(outcomes: Iterable[bool | None]) -> Rate:
    """Count met (True), missed (False) and not yet due (None) outcomes."""
    counts = Counter(outcomes)
    return Rate(counts[True], counts[False], counts[None])


# What `judged` gives; NULL where no deadline applies.
MET, MISSED, NOT_YET_DUE = 1, 0, -1


def judged(done: Node, due: Node, at: datetime) -> Node:
    """A deadline judged as at `at`, as `delivery.met` judges one item, in SQL so that a
    figure and its breakdown by owner count alike: MET (done by its due moment), MISSED (done
    late, or still not done after it), NOT_YET_DUE, or NULL with no deadline. Anything done
    after `at` had not been done then."""
    return Case(
        None,
        [(due.is_null(), None), (done <= at, Case(None, [(done <= due, MET)], MISSED))],
        Case(None, [(due < at, MISSED)], NOT_YET_DUE),
    )


def count_where(condition: Node) -> Node:
    """How many of a query's rows (or of a group's) meet `condition`."""
    return fn.SUM(Case(None, [(condition, 1)], 0))


def rate_columns(outcome: Node, among: Node | None = None) -> tuple[Node, Node, Node]:
    """The columns that make a `Rate` of `outcome` (`judged`) over a query's rows, or over each
    group of them; only the rows meeting `among`, if given."""

    def where(value: int) -> Node:
        wanted = outcome == value
        return count_where(wanted if among is None else among & wanted)

    return where(MET), where(MISSED), where(NOT_YET_DUE)


def rate_of(counts: Iterable[int | None]) -> Rate:
    """A `Rate` from the `rate_columns` a query gave (NULL when it had no rows)."""
    met_, missed, not_yet_due = (count or 0 for count in counts)
    return Rate(met_, missed, not_yet_due)


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # nothing to judge


def rag(achieved: float | None, goal: float | None, margin: float = AMBER_POINTS) -> Rag:
    """Green at or above the goal, amber within `margin` below it, red further below."""
    if achieved is None or goal is None:
        return Rag.NONE
    if achieved >= goal:
        return Rag.GREEN
    return Rag.AMBER if achieved >= goal - margin else Rag.RED


# ---------------------------------------------------------------- requests and standards


@dataclass(frozen=True, slots=True)
class RequestRow:
    service: str
    department: str | None
    customer: str | None
    response_standard: str | None
    completion_standard: str | None
    response: int | None  # judged (MET, MISSED, NOT_YET_DUE), None where no standard applies
    completion: int | None
    completed: bool
    accurate: bool | None


# Each thread its own: the Overview and a report work out figures in different threads.
_sharing = threading.local()


@contextmanager
def shared_rows() -> Iterator[None]:
    """Within this block each period's requests are read once: a report reads a month's
    requests for the summary, the trend and each standard's history."""
    outer = getattr(_sharing, "rows", None)
    _sharing.rows = {} if outer is None else outer
    try:
        yield
    finally:
        _sharing.rows = outer


def _request_rows(period: Period, as_of: datetime, department: Any = None) -> list[RequestRow]:
    wanted = (period, as_of, key(department))
    shared = getattr(_sharing, "rows", None)
    if shared is not None and wanted in shared:
        return shared[wanted]
    rows = _read_request_rows(period, as_of, department)
    if shared is not None:
        shared[wanted] = rows
    return rows


def _read_request_rows(period: Period, as_of: datetime, department: Any) -> list[RequestRow]:
    """The period's requests as stored (keys as hex text), judged in the query: reading a
    year of them through the model classes would take seconds."""
    query = ServiceRequest.live(
        ServiceRequest.service,
        ServiceRequest.department,
        ServiceRequest.customer,
        ServiceRequest.response_standard,
        ServiceRequest.completion_standard,
        response_judged(as_of),
        completion_judged(as_of),
        ServiceRequest.completed_at <= as_of,
        ServiceRequest.accurate,
    ).where(requests_received_in(period))
    if department is not None:
        query = query.where(ServiceRequest.department == key(department))
    sql, params = query.sql()
    return [  # the columns in RequestRow's order; the two flags come back from SQLite as 0/1
        RequestRow(*row[:7], bool(row[7]), None if row[8] is None else bool(row[8]))
        for row in database.execute_sql(sql, params)
    ]


def requests_received_in(period: Period) -> Node:
    """The query condition: the requests a period's figures judge, those received in it."""
    return ServiceRequest.received_at.between(period.start, period.end)


def response_judged(as_of: datetime) -> Node:
    """A request's response judged against its respond-by (`judged`), where a standard
    applies: completing it answers it too when no earlier response was recorded."""
    first_reply = fn.COALESCE(
        Case(None, [(ServiceRequest.responded_at <= as_of, ServiceRequest.responded_at)], None),
        ServiceRequest.completed_at,
    )
    return Case(
        None,
        [
            (
                ServiceRequest.response_standard.is_null(False),
                judged(first_reply, ServiceRequest.response_due, as_of),
            )
        ],
        None,
    )


def completion_judged(as_of: datetime) -> Node:
    """A request's completion judged against its complete-by (`judged`), where a standard
    applies."""
    return Case(
        None,
        [
            (
                ServiceRequest.completion_standard.is_null(False),
                judged(ServiceRequest.completed_at, ServiceRequest.completion_due, as_of),
            )
        ],
        None,
    )


def _tally(outcomes: Iterable[int | None]) -> Rate:
    """A `Rate` of judged outcomes (`judged`'s values; None where no standard applies)."""
    counts = Counter(outcomes)
    return Rate(counts[MET], counts[MISSED], counts[NOT_YET_DUE])


def _timescale_rate(rows: Iterable[RequestRow], measure: str) -> Rate:
    return _tally(getattr(row, measure) for row in rows)


@dataclass(frozen=True)
class RequestFigures:
    received: int
    completed: int
    response: Rate
    completion: Rate


def request_figures(rows: list[RequestRow]) -> RequestFigures:
    return RequestFigures(
        received=len(rows),
        completed=sum(row.completed for row in rows),
        response=_timescale_rate(rows, "response"),
        completion=_timescale_rate(rows, "completion"),
    )


@dataclass(frozen=True)
class StandardResult:
    """One agreed standard in a period: what was achieved against its goal."""

    standard: str
    service: str
    statement: str
    measure: Measure
    goal: float  # the compliance target, or for an accuracy or satisfaction rate its target
    unit: str  # "%" or "" (a score)
    result: Rate | None  # met / missed for timescales and accuracy; None for a score
    achieved: float | None
    agreed_with: str = ""  # a department's or customer's name; "" for everyone
    n: int = 0

    @property
    def met(self) -> bool | None:
        return None if self.achieved is None else self.achieved >= self.goal

    @property
    def status(self) -> Rag:
        margin = AMBER_POINTS if self.unit == "%" else self.goal * AMBER_POINTS / 100
        return rag(self.achieved, self.goal, margin)


@dataclass(frozen=True)
class ServiceResult:
    service: str
    name: str
    requests: int
    response: Rate
    completion: Rate
    standards: list[StandardResult]


def _standards_in_view(rows: list[RequestRow]) -> list[Standard]:
    """Standards in force now, and any others the period's requests were judged against."""
    used = {row.response_standard for row in rows} | {row.completion_standard for row in rows}
    used.discard(None)
    query = (
        Standard.select(Standard, Service)
        .join(Service)
        .where(
            Service.deleted_at.is_null(),
            (Standard.deleted_at.is_null() & Standard.status.in_(IN_FORCE))
            | Standard.id.in_(list(used)),
        )
        .order_by(Service.name, Standard.measure, Standard.target)
    )
    return list(query)


def _agreed_with(standard: Standard, names: dict[str, str]) -> str:
    return names.get(key(standard.department_id)) or names.get(key(standard.customer_id)) or ""


def _standard_result(
    standard: Standard, rows: list[RequestRow], judged: Judged, names: dict[str, str]
) -> StandardResult:
    measure, ident = standard.measure, key(standard.id)
    result: Rate | None = None
    achieved: float | None = None
    unit = "%"
    goal = float(standard.compliance_target or 100)
    n = 0
    if measure.is_timescale:
        attribute = "response" if measure is Measure.RESPONSE else "completion"
        result = _tally(
            getattr(row, attribute)
            for row in rows
            if getattr(row, f"{attribute}_standard") == ident
        )
        achieved, n = result.percent, result.n
    elif measure is Measure.ACCURACY:
        goal = float(standard.target)
        result = rate(judged.accuracy.get(ident, []))
        achieved, n = result.percent, result.n
    elif measure is Measure.SATISFACTION:
        goal = float(standard.target)
        given = judged.satisfaction.get(ident, [])
        n = len(given)
        if standard.unit is Unit.PERCENT:
            achieved = csat(given).percent
        else:
            unit = ""
            achieved = sum(given) / n if n else None
    return StandardResult(
        standard=ident,
        service=standard.service.name,
        statement=standard.statement
        or describe_standard(measure, standard.target, standard.unit, standard.compliance_target),
        measure=measure,
        goal=goal,
        unit=unit,
        result=result,
        achieved=achieved,
        agreed_with=_agreed_with(standard, names),
        n=n,
    )


@dataclass
class Judged:
    """What each accuracy and satisfaction standard judges in a period, by the standard's key:
    each request's accuracy and each feedback's CSAT go to the one standard that applies to
    its customer (their own, else their department's, else the service's general one), as a
    request's timescales do."""

    accuracy: dict[str, list[bool | None]] = field(default_factory=lambda: defaultdict(list))
    satisfaction: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _judge(standards: list[Standard], rows: list[RequestRow], period: Period) -> Judged:
    book = StandardBook(Timescale.of(standard) for standard in standards)
    judged = Judged()
    services_with: dict[Measure, set[str | None]] = defaultdict(set)
    for standard in standards:
        services_with[standard.measure].add(key(standard.service_id))
    chosen_for: dict[tuple[Any, ...], Any] = {}  # many requests share service and customer
    for row in rows:
        if row.service in services_with[Measure.ACCURACY]:
            who = (row.service, row.department, row.customer)
            if who not in chosen_for:
                chosen_for[who] = book.applicable(row.service, Measure.ACCURACY, *who[1:])
            if chosen_for[who] is not None:
                judged.accuracy[chosen_for[who].standard].append(row.accurate)
    if services_with[Measure.SATISFACTION]:
        for service, department, customer, score in (
            Feedback.live(Feedback.service, Feedback.department, Feedback.customer, Feedback.csat)
            .where(
                Feedback.received_on.between(period.first, period.last),
                Feedback.csat.is_null(False),
                Feedback.service.in_(list(services_with[Measure.SATISFACTION])),
            )
            .tuples()
        ):
            chosen = book.applicable(service, Measure.SATISFACTION, department, customer)
            if chosen is not None:
                judged.satisfaction[chosen.standard].append(score)
    return judged


def service_results(rows: list[RequestRow], period: Period) -> list[ServiceResult]:
    """Per service: its requests and how its standards fared, services by name."""
    by_service: dict[str, list[RequestRow]] = defaultdict(list)
    for row in rows:
        by_service[row.service].append(row)
    names = _names()
    standards_of: dict[str, list[StandardResult]] = defaultdict(list)
    service_names: dict[str, str] = {}
    standards = _standards_in_view(rows)
    judged = _judge(standards, rows, period)
    for standard in standards:
        service = key(standard.service_id)
        service_names[service] = standard.service.name
        standards_of[service].append(
            _standard_result(standard, by_service.get(service, []), judged, names)
        )
    for service, name in Service.select(Service.id, Service.name).tuples():
        if key(service) in by_service:
            service_names[key(service)] = name
    results = [
        ServiceResult(
            service=service,
            name=name,
            requests=len(by_service.get(service, [])),
            response=_timescale_rate(by_service.get(service, []), "response"),
            completion=_timescale_rate(by_service.get(service, []), "completion"),
            standards=standards_of.get(service, []),
        )
        for service, name in service_names.items()
    ]
    return sorted(results, key=lambda result: result.name.casefold())


def _names() -> dict[str, str]:
    """Department and customer names by key, for saying who a standard was agreed with."""
    names = {
        key(id_): name for id_, name in Department.select(Department.id, Department.name).tuples()
    }
    customers = Customer.select(Customer.id, Customer.name).where(
        Customer.id.in_(Standard.select(Standard.customer).where(Standard.customer.is_null(False)))
    )
    return names | {key(id_): name for id_, name in customers.tuples()}


# ---------------------------------------------------------------- complaints


@dataclass(frozen=True)
class ComplaintFigures:
    received: int
    acknowledged: Rate  # of those received
    resolved: int  # in the period
    resolved_on_time: Rate  # of those resolved
    referred: int  # in the period
    open: int  # at the period's last moment
    overdue: int  # open then, and past its next deadline (acknowledge-by, else resolve-by)
    by_category: dict[str, int] = field(default_factory=dict)  # of those received


def complaint_figures(period: Period, as_of: datetime, department: Any = None) -> ComplaintFigures:
    live = Complaint.live()
    if department is not None:
        live = live.where(Complaint.department == key(department))
    received = live.where(complaints_received_in(period))
    count, *acknowledged = received.select(
        fn.COUNT(Complaint.id), *rate_columns(acknowledgement_judged(as_of))
    ).scalar(as_tuple=True)
    resolved, *on_time = (
        live.where(complaints_resolved_in(period, as_of))
        .select(fn.COUNT(Complaint.id), *rate_columns(resolution_judged(as_of)))
        .scalar(as_tuple=True)
    )
    end = min(period.end, as_of)
    by_category = received.select(Complaint.category, fn.COUNT(Complaint.id)).where(
        Complaint.category.is_null(False)
    )
    return ComplaintFigures(
        received=count,
        acknowledged=rate_of(acknowledged),
        resolved=resolved,
        resolved_on_time=rate_of(on_time),
        referred=live.where(Complaint.referred_on.between(period.first, period.last)).count(),
        open=live.where(complaint_open_at(end)).count(),
        overdue=live.where(complaint_overdue_at(end)).count(),
        by_category={
            str(category): n for category, n in by_category.group_by(Complaint.category).tuples()
        },
    )


def complaints_received_in(period: Period) -> Node:
    """The query condition: the complaints whose acknowledgement a period's figures judge,
    those received in it."""
    return Complaint.received_at.between(period.start, period.end)


def complaints_resolved_in(period: Period, as_of: datetime) -> Node:
    """The query condition: the complaints whose resolution a period's figures judge, those
    resolved in it (by `as_of`)."""
    return Complaint.resolved_at.between(period.start, min(period.end, as_of))


def acknowledgement_judged(as_of: datetime) -> Node:
    """A complaint's acknowledgement judged against its acknowledge-by (`judged`)."""
    return judged(Complaint.acknowledged_at, Complaint.acknowledge_due, as_of)


def resolution_judged(as_of: datetime) -> Node:
    """A complaint's resolution judged against its resolve-by (`judged`)."""
    return judged(Complaint.resolved_at, Complaint.resolve_due, as_of)


# ---------------------------------------------------------------- improvement actions


@dataclass(frozen=True)
class ActionFigures:
    opened: int
    completed: int
    open: int  # at the period's last day
    overdue: int
    reviewed: int  # reviews recorded in the period
    effective: int  # of those, judged to have worked


def action_figures(period: Period, as_of: datetime) -> ActionFigures:
    last = min(period.last, as_of.date())
    rows = list(
        ImprovementAction.live(
            ImprovementAction.created_at,
            ImprovementAction.completed_on,
            ImprovementAction.status,
            ImprovementAction.review_on,
            ImprovementAction.effective,
        ).tuples()
    )
    opened = completed = reviewed = effective = 0
    for created, completed_on, status, review_on, worked in rows:
        made = created.date()
        if period.first <= made <= period.last:
            opened += 1
        finished = completed_on
        if status in DONE and finished is None:
            finished = made  # done without a date: as good as done from the start
        if finished is not None and period.first <= finished <= period.last:
            completed += 1
        if (
            status is ActionStatus.REVIEWED
            and review_on is not None
            and period.first <= review_on <= period.last
        ):
            reviewed += 1
            effective += bool(worked)
    live = ImprovementAction.live()
    return ActionFigures(
        opened,
        completed,
        live.where(action_open_on(last)).count(),
        live.where(action_overdue_on(last)).count(),
        reviewed,
        effective,
    )


# ---------------------------------------------------------------- the summary


@dataclass
class Summary:
    period: Period
    as_of: datetime
    requests: RequestFigures
    services: list[ServiceResult]
    complaints: ComplaintFigures
    feedback: FeedbackFigures
    improvements: ActionFigures

    @property
    def standards(self) -> list[StandardResult]:
        return [standard for service in self.services for standard in service.standards]

    @property
    def standards_met(self) -> Rate:
        """How many standards with something to judge met their goal."""
        return rate(standard.met for standard in self.standards if standard.met is not None)

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md JSON: percentages unrounded, null where there is nothing to count."""
        requests, complaints, feedback = self.requests, self.complaints, self.feedback
        return {
            "month" if self.period.kind == "month" else "period": self.period.key(),
            "requests": {
                "received": requests.received,
                "completed": requests.completed,
                "response_met_percent": requests.response.percent,
                "completion_met_percent": requests.completion.percent,
            },
            "services": [
                {
                    "service": service.name,
                    "requests": service.requests,
                    "response_met_percent": service.response.percent,
                    "completion_met_percent": service.completion.percent,
                    "standards": [
                        {
                            "statement": standard.statement,
                            "compliance_target": standard.goal,
                            "achieved_percent": standard.achieved,
                            "met": standard.met,
                        }
                        for standard in service.standards
                    ],
                }
                for service in self.services
            ],
            "complaints": {
                "received": complaints.received,
                "acknowledged_on_time": complaints.acknowledged.percent,
                "resolved": complaints.resolved,
                "resolved_on_time": complaints.resolved_on_time.percent,
                "referred": complaints.referred,
                "open": complaints.open,
                "overdue": complaints.overdue,
            },
            "feedback": {
                "responses": feedback.responses,
                "nps": feedback.nps.score,
                "promoters": feedback.nps.promoters,
                "passives": feedback.nps.passives,
                "detractors": feedback.nps.detractors,
                "csat_percent": feedback.csat.percent,
                "ces_mean": feedback.ces.mean,
                "by_type": dict(sorted(feedback.by_type.items())),
                "top_codes": [
                    {"code": share.code, "count": share.count, "percent": share.percent}
                    for share in feedback.codes[:TOP_CODES]
                ],
            },
            "improvements": {
                "opened": self.improvements.opened,
                "completed": self.improvements.completed,
                "overdue": self.improvements.overdue,
            },
        }


def summary(period: Period, *, as_of: datetime | None = None) -> Summary:
    """Every figure of `period`, judged as at `as_of` (now unless given)."""
    as_of = as_of or clock.now()
    rows = _request_rows(period, as_of)
    return Summary(
        period=period,
        as_of=as_of,
        requests=request_figures(rows),
        services=service_results(rows, period),
        complaints=complaint_figures(period, as_of),
        feedback=feedback_figures(period.first, period.last),
        improvements=action_figures(period, as_of),
    )


# ---------------------------------------------------------------- breakdowns and trends


@dataclass(frozen=True)
class DepartmentFigures:
    department: str
    requests: RequestFigures
    complaints: int
    feedback: int
    nps: float | None
    nps_n: int
    csat: float | None
    csat_n: int


def department_figures(period: Period, *, as_of: datetime | None = None) -> list[DepartmentFigures]:
    """The headline figures for each department with anything in the period, by name."""
    as_of = as_of or clock.now()
    requests: dict[str | None, list[RequestRow]] = defaultdict(list)
    for row in _request_rows(period, as_of):
        requests[row.department].append(row)
    complaints = Counter(
        key(dept)
        for (dept,) in Complaint.select(Complaint.department)
        .where(
            Complaint.deleted_at.is_null(),
            Complaint.received_at.between(period.start, period.end),
        )
        .tuples()
    )
    scores: dict[str | None, list[tuple[int | None, int | None]]] = defaultdict(list)
    for dept, nps_score, csat_score in (
        Feedback.live(Feedback.department, Feedback.nps, Feedback.csat)
        .where(Feedback.received_on.between(period.first, period.last))
        .tuples()
    ):
        scores[key(dept)].append((nps_score, csat_score))
    result = []
    for dept, name in Department.select(Department.id, Department.name).tuples():
        ident = key(dept)
        if not (requests.get(ident) or complaints.get(ident) or scores.get(ident)):
            continue
        promoters = nps(score for score, _ in scores.get(ident, []))
        satisfied = csat(score for _, score in scores.get(ident, []))
        result.append(
            DepartmentFigures(
                department=name,
                requests=request_figures(requests.get(ident, [])),
                complaints=complaints.get(ident, 0),
                feedback=len(scores.get(ident, [])),
                nps=promoters.score,
                nps_n=promoters.responses,
                csat=satisfied.percent,
                csat_n=satisfied.responses,
            )
        )
    return sorted(result, key=lambda figures: figures.department.casefold())


def standard_trend(
    period: Period, months: int = 6, *, as_of: datetime | None = None
) -> dict[str, list[float | None]]:
    """Each standard's achieved figure in each of the `months` months ending with `period`'s
    last, oldest first, by the standard's key; None for a month with nothing to judge."""
    as_of = as_of or clock.now()
    history: dict[str, list[float | None]] = {}
    window = period.months_to_here(months)
    for position, month in enumerate(window):
        for service in service_results(_request_rows(month, as_of), month):
            for standard in service.standards:
                history.setdefault(standard.standard, [None] * len(window))[position] = (
                    standard.achieved
                )
    return history


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    response: Rate
    completion: Rate
    nps: float | None
    csat: float | None
    ces: float | None
    complaints: int
    feedback: int


def trend(period: Period, months: int = 12, *, as_of: datetime | None = None) -> list[TrendPoint]:
    """The headline figures of each of the `months` months ending with `period`'s last."""
    as_of = as_of or clock.now()
    points = []
    for month in period.months_to_here(months):
        rows = _request_rows(month, as_of)
        figures = request_figures(rows)
        given = feedback_scores(month.first, month.last)
        complaints = (
            Complaint.select()
            .where(
                Complaint.deleted_at.is_null(),
                Complaint.received_at.between(month.start, month.end),
            )
            .count()
        )
        points.append(
            TrendPoint(
                period=month,
                response=figures.response,
                completion=figures.completion,
                nps=given.nps.score,
                csat=given.csat.percent,
                ces=given.ces.mean,
                complaints=complaints,
                feedback=given.responses,
            )
        )
    return points


# ---------------------------------------------------------------- what the report lists


@dataclass(frozen=True)
class Comment:
    received_on: Any
    channel: str
    type: str | None
    text: str


def comments(period: Period, limit: int = 30) -> list[Comment]:
    """The period's comments, junk left out: all of them when there are at most `limit`,
    otherwise a balanced selection (each type in turn, newest first), in date order."""
    rows = [
        Comment(day, str(channel), None if kind is None else str(kind), text)
        for day, channel, kind, text in Feedback.live(
            Feedback.received_on, Feedback.channel, Feedback.type, Feedback.comment
        )
        .where(
            Feedback.received_on.between(period.first, period.last),
            Feedback.comment != "",
            Feedback.type.is_null() | (Feedback.type != "junk"),
        )
        .order_by(Feedback.received_on.desc(), Feedback.id)
        .tuples()
    ]
    if len(rows) > limit:
        by_type: dict[str | None, list[Comment]] = defaultdict(list)
        for row in rows:
            by_type[row.type].append(row)
        queues = sorted(by_type.values(), key=len, reverse=True)
        chosen: list[Comment] = []
        while len(chosen) < limit:
            for queue in queues:
                if queue and len(chosen) < limit:
                    chosen.append(queue.pop(0))
        rows = chosen
    return sorted(rows, key=lambda row: row.received_on)


@dataclass(frozen=True)
class Lesson:
    reference: str
    category: str | None
    lesson: str


def lessons_learned(period: Period) -> list[Lesson]:
    """Lessons recorded on complaints resolved in the period; confidential ones are counted in
    the figures but never listed."""
    query = (
        Complaint.select(Complaint.reference, Complaint.category, Complaint.lessons_learned)
        .where(
            Complaint.deleted_at.is_null(),
            Complaint.resolved_at.between(period.start, period.end),
            Complaint.lessons_learned != "",
            ~Complaint.confidential,
        )
        .order_by(Complaint.resolved_at)
    )
    return [
        Lesson(reference, None if category is None else str(category), lesson)
        for reference, category, lesson in query.tuples()
    ]


@dataclass(frozen=True)
class ReviewedAction:
    """An action reviewed in the period: did it work?"""

    title: str
    effective: bool | None
    measure_before: str
    measure_after: str
    review_outcome: str


@dataclass(frozen=True)
class ActionsToReport:
    open: list[ActionRow]  # at the period's end, the longest overdue first
    reviewed: list[ReviewedAction]  # reviews recorded in the period


def actions_to_report(period: Period, as_of: datetime | None = None) -> ActionsToReport:
    """Actions open at the period's end (overdue first) and those reviewed in it."""
    as_of = as_of or clock.now()
    last = min(period.last, as_of.date())
    open_ = (
        ImprovementAction.live()
        .where(action_open_on(last))
        .order_by(ImprovementAction.due_on.is_null(), ImprovementAction.due_on)
    )
    reviewed = (
        ImprovementAction.live(
            ImprovementAction.title,
            ImprovementAction.effective,
            ImprovementAction.measure_before,
            ImprovementAction.measure_after,
            ImprovementAction.review_outcome,
        )
        .where(
            ImprovementAction.status == ActionStatus.REVIEWED,
            ImprovementAction.review_on.between(period.first, period.last),
        )
        .order_by(ImprovementAction.review_on)
    )
    return ActionsToReport(
        open=action_rows(open_, last),
        reviewed=[ReviewedAction(*row) for row in reviewed.tuples()],
    )


@dataclass(frozen=True)
class OpenComplaint:
    """A complaint open at the period's end, as the report lists it: no summary or details."""

    reference: str
    category: str | None
    received_at: datetime
    next_due: datetime | None  # acknowledge-by until acknowledged, then resolve-by; none on hold
    acknowledging: bool  # the next deadline is acknowledging it, not resolving it
    on_hold: bool  # awaiting the customer: the clock is stopped
    overdue: bool
    owner: str  # the member's name; "" when no one owns it


@dataclass(frozen=True)
class OpenComplaints:
    listed: list[OpenComplaint]  # overdue first, then by their next deadline
    confidential: int  # open too, counted in the figures but never listed


def open_complaints(period: Period, as_of: datetime | None = None) -> OpenComplaints:
    """The complaints open at the period's end (or now, for the period in progress), as the
    figures count them; confidential ones only counted."""
    end = min(period.end, as_of or clock.now())
    open_ = Complaint.live().where(complaint_open_at(end))
    next_due = complaint_next_due(end)
    overdue = complaint_overdue_at(end)
    rows = (
        open_.select(
            Complaint.reference,
            Complaint.category,
            Complaint.received_at,
            next_due.alias("next_due"),
            complaint_acknowledging_at(end),
            complaint_on_hold_at(end),
            overdue,
            member_name(Complaint.owner),
        )
        .where(~Complaint.confidential)
        .order_by(overdue.desc(), next_due.is_null(), next_due, Complaint.received_at)
        .tuples()
    )
    listed = [
        OpenComplaint(
            reference,
            None if category is None else str(category),
            _moment(received),
            _moment(due),
            bool(acknowledging),
            bool(held),
            bool(late),
            owner or "",
        )
        for reference, category, received, due, acknowledging, held, late, owner in rows
    ]
    return OpenComplaints(listed, open_.where(Complaint.confidential).count())


def _moment(value: Any) -> datetime | None:
    """A moment read back from an expression (not a field), which SQLite gives as text."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
