"""What a period's feedback says: scores with their n, counts by channel and type, and how
popular each code is (DESIGN.md §2: collate, categorise, code, count, summarise).

A code's share is its count of items divided by the period's items that carry at least one code;
the change is against the period of the same length just before.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from peewee import fn

from models.choices import FeedbackType
from models.feedback import Code, Feedback, FeedbackCode
from models.periods import Period
from models.scores import SMALL_SAMPLE, Ces, Csat, Nps, ces, csat, nps

WARN_SHARE = 10.0  # % of items uncoded, or typed "other", above which the coding needs work


@dataclass(frozen=True)
class CodeShare:
    code: str
    count: int
    percent: float
    previous_count: int

    @property
    def change(self) -> int:
        return self.count - self.previous_count


@dataclass
class FeedbackFigures:
    period: Period
    responses: int
    nps: Nps
    ces: Ces
    csat: Csat
    by_channel: dict[str, int]
    by_type: dict[str, int]
    coded_items: int
    codes: list[CodeShare]
    warnings: list[str] = field(default_factory=list)

    @property
    def uncoded_percent(self) -> float | None:
        if not self.responses:
            return None
        return 100 * (self.responses - self.coded_items) / self.responses


def _items(period: Period, service: Any = None, department: Any = None) -> Any:
    query = Feedback.live().where(Feedback.received_on.between(period.first, period.last))
    if service is not None:
        query = query.where(Feedback.service == service)
    if department is not None:
        query = query.where(Feedback.department == department)
    return query


def _code_counts(items: Any) -> Counter[str]:
    """How many of `items` carry each (live) code."""
    query = (
        FeedbackCode.select(Code.name, fn.COUNT(fn.DISTINCT(FeedbackCode.feedback)))
        .join(Code)
        .where(FeedbackCode.feedback.in_(items.select(Feedback.id)), Code.deleted_at.is_null())
        .group_by(Code.name)
    )
    return Counter(dict(query.tuples()))


@dataclass(frozen=True)
class Scores:
    responses: int
    nps: Nps
    ces: Ces
    csat: Csat


def _scores(rows: list[tuple[Any, ...]]) -> Scores:
    """Scores from (nps, ces, csat) rows."""
    return Scores(
        responses=len(rows),
        nps=nps(row[0] for row in rows),
        ces=ces(row[1] for row in rows),
        csat=csat(row[2] for row in rows),
    )


def feedback_scores(first: date, last: date) -> Scores:
    """Only the scores of the feedback dated `first`..`last` (what a trend line needs)."""
    items = _items(Period(first, last))
    return _scores(list(items.select(Feedback.nps, Feedback.ces, Feedback.csat).tuples()))


def feedback_figures(
    first: date, last: date, *, service: Any = None, department: Any = None
) -> FeedbackFigures:
    """The figures of the feedback dated `first`..`last`, optionally for one service or
    department."""
    period = Period(first, last)
    items = _items(period, service, department)
    rows = list(
        items.select(
            Feedback.nps, Feedback.ces, Feedback.csat, Feedback.channel, Feedback.type
        ).tuples()
    )
    scores = _scores(rows)
    coded = (
        FeedbackCode.select(fn.COUNT(fn.DISTINCT(FeedbackCode.feedback)))
        .join(Code)
        .where(FeedbackCode.feedback.in_(items.select(Feedback.id)), Code.deleted_at.is_null())
        .scalar()
    ) or 0
    counts = _code_counts(items)
    before = _code_counts(_items(period.previous(), service, department))
    shares = [
        CodeShare(name, count, 100 * count / coded, before.get(name, 0))
        for name, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
    ]
    figures = FeedbackFigures(
        period=period,
        responses=scores.responses,
        nps=scores.nps,
        ces=scores.ces,
        csat=scores.csat,
        by_channel=dict(Counter(str(row[3]) for row in rows)),
        by_type=dict(Counter(str(row[4]) for row in rows if row[4] is not None)),
        coded_items=coded,
        codes=shares,
    )
    figures.warnings = _warnings(figures)
    return figures


def _warnings(figures: FeedbackFigures) -> list[str]:
    warnings = []
    for name, result in (("NPS", figures.nps), ("CES", figures.ces), ("CSAT", figures.csat)):
        if 0 < result.responses < SMALL_SAMPLE:
            warnings.append(f"{name} rests on {result.responses} response(s): read it with care.")
    uncoded = figures.uncoded_percent
    if uncoded is not None and uncoded > WARN_SHARE:
        warnings.append(f"{uncoded:.0f} % of the feedback has no code yet.")
    other = figures.by_type.get(FeedbackType.OTHER.value, 0)
    if figures.responses and 100 * other / figures.responses > WARN_SHARE:
        share = 100 * other / figures.responses
        warnings.append(
            f"{share:.0f} % of the feedback is typed 'other': the types may need refining."
        )
    return warnings
