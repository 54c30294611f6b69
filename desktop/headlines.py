"""The headline figures of a period beside the period before: the Overview's tiles and the
report's summary table are this one list, so the window and the paper always agree.

A headline is coloured red, amber or green only against something agreed:
- on-time rates against the compliance targets of the standards that judged them (weighted by
  how many requests each judged);
- standards met by the worst status among them;
- complaint timescales against the complaints procedure, which expects every one on time;
- anything overdue is green at none and red otherwise.
Other figures (how many requests, the satisfaction scores) show only how they moved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from desktop.figures_text import EMPTY, change, number, percent, with_n
from models.choices import Measure
from models.monitoring import Rag, Rate, StandardResult, Summary, rag
from models.scores import SCALES

PROCEDURE_GOAL = 100.0  # the complaints procedure's timescales are promises, every time


class Better(StrEnum):
    """Which way a figure should move."""

    UP = "up"
    DOWN = "down"
    NEITHER = "neither"  # more requests or complaints is neither good nor bad in itself


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    value: str  # this period's figure in words ("95.2 %", "1,204", "5 of 7")
    n: int | None  # how many it was worked out from, where that matters
    before: str  # the previous period's figure in words
    change: str  # "+2.5 pts", "−3", or "—"
    moved: float | None  # the change as a number, for its colour
    better: Better
    status: Rag = Rag.NONE
    not_yet_due: int = 0  # items left out of a rate because they are not due yet

    @property
    def value_with_n(self) -> str:
        """As the reports print it: "25 % (n = 4), 1 not yet due"."""
        return self.value if self.n is None else with_n(self.value, self.n, self.not_yet_due)

    @property
    def improved(self) -> bool | None:
        """True for a change the right way, False the wrong way, None for none or neither."""
        if not self.moved or self.better is Better.NEITHER:
            return None
        return (self.moved > 0) == (self.better is Better.UP)


def headlines(now: Summary, before: Summary) -> list[Headline]:
    r, c, f, a = now.requests, now.complaints, now.feedback, now.improvements
    pr, pc, pf, pa = before.requests, before.complaints, before.feedback, before.improvements
    return [
        _count("requests", "Requests received", r.received, pr.received),
        _rate(
            "response",
            "Responded to on time",
            r.response,
            pr.response,
            _agreed_goal(now.standards, Measure.RESPONSE),
        ),
        _rate(
            "completion",
            "Completed on time",
            r.completion,
            pr.completion,
            _agreed_goal(now.standards, Measure.COMPLETION),
        ),
        Headline(
            "standards",
            "Standards met",
            f"{now.standards_met.met} of {now.standards_met.n}" if now.standards_met.n else EMPTY,
            None,
            f"{before.standards_met.met} of {before.standards_met.n}"
            if before.standards_met.n
            else EMPTY,
            EMPTY,
            None,
            Better.UP,
            _worst(standard.status for standard in now.standards),
        ),
        _count("complaints", "Complaints received", c.received, pc.received),
        _rate(
            "acknowledged",
            "Complaints acknowledged on time",
            c.acknowledged,
            pc.acknowledged,
            PROCEDURE_GOAL,
        ),
        _count("resolved", "Complaints resolved", c.resolved, pc.resolved),
        _rate(
            "resolved_on_time",
            "Complaints resolved on time",
            c.resolved_on_time,
            pc.resolved_on_time,
            PROCEDURE_GOAL,
        ),
        _count("complaints_open", "Complaints open", c.open, pc.open, Better.DOWN),
        _overdue("complaints_overdue", "Complaints overdue", c.overdue, pc.overdue),
        _count("feedback", "Feedback received", f.responses, pf.responses),
        _score("nps", "NPS (−100 to +100)", f.nps.score, f.nps.responses, pf.nps.score),
        _score(
            "csat", "CSAT (% satisfied)", f.csat.percent, f.csat.responses, pf.csat.percent, "%"
        ),
        _score(
            "ces", f"CES (mean, {SCALES['ces'].span})", f.ces.mean, f.ces.responses, pf.ces.mean
        ),
        _count("actions_open", "Improvement actions open", a.open, pa.open, Better.NEITHER),
        _overdue("actions_overdue", "Improvement actions overdue", a.overdue, pa.overdue),
    ]


def _count(
    key: str, label: str, now: int, before: int, better: Better = Better.NEITHER
) -> Headline:
    return Headline(key, label, f"{now:,}", None, f"{before:,}", *_moved(now, before), better)


def _overdue(key: str, label: str, now: int, before: int) -> Headline:
    status = Rag.GREEN if now == 0 else Rag.RED
    return Headline(
        key, label, f"{now:,}", None, f"{before:,}", *_moved(now, before), Better.DOWN, status
    )


def _moved(now: int, before: int) -> tuple[str, int]:
    return change(now, before), now - before


def _rate(key: str, label: str, now: Rate, before: Rate, goal: float | None) -> Headline:
    return replace(
        _score(key, label, now.percent, now.n, before.percent, "%"),
        status=rag(now.percent, goal),
        not_yet_due=now.not_yet_due,
    )


def _score(
    key: str, label: str, now: float | None, n: int, before: float | None, unit: str = ""
) -> Headline:
    """A percentage (`unit` "%") or a score, with its n, to one decimal place."""

    def shown(value: float | None) -> str:
        return percent(value) if unit == "%" else number(value)

    moved = None if now is None or before is None else round(now - before, 1)  # as shown
    return Headline(
        key,
        label,
        shown(now),
        n,
        shown(before),
        change(now, before, " pts" if unit == "%" else ""),
        moved,
        Better.UP,
    )


def _agreed_goal(standards: Iterable[StandardResult], measure: Measure) -> float | None:
    """The compliance target the requests were held to: each standard's target weighted by
    how many requests it judged. None when no standard of the kind judged any."""
    judged = [s for s in standards if s.measure is measure and s.result is not None and s.n]
    total = sum(s.n for s in judged)
    return sum(s.goal * s.n for s in judged) / total if total else None


def _worst(statuses: Iterable[Rag]) -> Rag:
    found = set(statuses)
    for status in (Rag.RED, Rag.AMBER, Rag.GREEN):
        if status in found:
            return status
    return Rag.NONE
