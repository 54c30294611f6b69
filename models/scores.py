"""The satisfaction scores of DESIGN.md §2, computed one way for the window, the summary and the
printed report. No responses means no score (None), never 0.

- NPS: 0-10; promoters 9-10, passives 7-8, detractors 0-6; 100 x (promoters - detractors) / n.
- CES: 1-7; the mean, and the share who agree (5-7).
- CSAT: 1-5; 100 x responses scoring 4 or 5 / n.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SMALL_SAMPLE = 10  # below this many responses a figure is shown with a warning


@dataclass(frozen=True)
class Scale:
    """The whole numbers one score may take."""

    name: str
    low: int
    high: int

    @property
    def span(self) -> str:
        return f"{self.low}–{self.high}"


SCALES = {
    "nps": Scale("NPS", 0, 10),
    "ces": Scale("CES", 1, 7),
    "csat": Scale("CSAT", 1, 5),
}  # by the feedback field that holds the score


@dataclass(frozen=True)
class Nps:
    responses: int
    promoters: int
    passives: int
    detractors: int

    @property
    def score(self) -> float | None:
        if not self.responses:
            return None
        return 100 * (self.promoters - self.detractors) / self.responses

    @property
    def small(self) -> bool:
        return self.responses < SMALL_SAMPLE


@dataclass(frozen=True)
class Ces:
    responses: int
    total: int
    agreeing: int

    @property
    def mean(self) -> float | None:
        return self.total / self.responses if self.responses else None

    @property
    def agree_percent(self) -> float | None:
        return 100 * self.agreeing / self.responses if self.responses else None

    @property
    def small(self) -> bool:
        return self.responses < SMALL_SAMPLE


@dataclass(frozen=True)
class Csat:
    responses: int
    satisfied: int

    @property
    def percent(self) -> float | None:
        return 100 * self.satisfied / self.responses if self.responses else None

    @property
    def small(self) -> bool:
        return self.responses < SMALL_SAMPLE


def nps(scores: Iterable[int | None]) -> Nps:
    given = [score for score in scores if score is not None]
    return Nps(
        responses=len(given),
        promoters=sum(score >= 9 for score in given),
        passives=sum(7 <= score <= 8 for score in given),
        detractors=sum(score <= 6 for score in given),
    )


def ces(scores: Iterable[int | None]) -> Ces:
    given = [score for score in scores if score is not None]
    return Ces(responses=len(given), total=sum(given), agreeing=sum(score >= 5 for score in given))


def csat(scores: Iterable[int | None]) -> Csat:
    given = [score for score in scores if score is not None]
    return Csat(responses=len(given), satisfied=sum(score >= 4 for score in given))
