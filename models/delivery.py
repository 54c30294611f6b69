"""Which agreed standard applies to a request, when the request falls due, and whether it was met.

One place for these rules, so the service log, the importer, the demo and the monthly figures
can never disagree about a due moment (DESIGN.md §2: a standard agreed with a department or a
customer overrides the service's general one of the same measure).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from models.calendar import WorkingCalendar
from models.catalogue import Standard
from models.choices import Measure, StandardStatus, Unit

IN_FORCE = (StandardStatus.AGREED, StandardStatus.UNDER_REVIEW)
TIMED_MEASURES = (Measure.RESPONSE, Measure.COMPLETION)


def key(value: Any) -> str | None:
    """A record's key as one kind of value: a record, a UUID and its hex all give the hex."""
    if value is None:
        return None
    value = getattr(value, "id", value)
    return value.hex if isinstance(value, uuid.UUID) else str(value)


@dataclass(frozen=True)
class Timescale:
    """A standard as the rules for choosing and applying it need it (named for the time-bound
    ones the service log dates requests by)."""

    standard: str
    service: str
    measure: Measure
    target: float
    unit: Unit
    department: str | None = None
    customer: str | None = None
    agreed_on: date | None = None

    @classmethod
    def of(cls, standard: Standard) -> Timescale:
        return cls(
            standard=key(standard.id),
            service=key(standard.service_id),
            measure=standard.measure,
            target=standard.target,
            unit=standard.unit,
            department=key(standard.department_id),
            customer=key(standard.customer_id),
            agreed_on=standard.agreed_on,
        )

    def due(self, calendar: WorkingCalendar, received: datetime) -> datetime:
        amount = self.target if self.unit is Unit.WORKING_HOURS else int(self.target)
        return calendar.due(received, amount, self.unit)


class StandardBook:
    """Standards arranged for finding the one that applies to a customer: the time-bound ones
    in force for the service log, or any set of them for judging a period."""

    def __init__(self, timescales: Iterable[Timescale]) -> None:
        self._by_service: dict[tuple[str, Measure], list[Timescale]] = defaultdict(list)
        for timescale in timescales:
            self._by_service[(timescale.service, timescale.measure)].append(timescale)

    @classmethod
    def load(cls) -> StandardBook:
        """The standards in force now: agreed or under review, timed, not deleted."""
        query = Standard.live().where(
            Standard.status.in_(IN_FORCE),
            Standard.measure.in_(TIMED_MEASURES),
            Standard.unit.in_([u for u in Unit if u.is_time]),
        )
        return cls(Timescale.of(standard) for standard in query)

    def applicable(
        self,
        service: Any,
        measure: Measure,
        department: Any = None,
        customer: Any = None,
    ) -> Timescale | None:
        """The customer's own standard, else their department's, else the service's general one;
        among equals, the one agreed last."""
        customer, department = key(customer), key(department)

        def rank(timescale: Timescale) -> tuple[int, date]:
            if timescale.customer is not None:
                fits = 3 if timescale.customer == customer else -1
            elif timescale.department is not None:
                fits = 2 if timescale.department == department else -1
            else:
                fits = 1
            return fits, timescale.agreed_on or date.min

        candidates = [
            t for t in self._by_service.get((key(service), measure), []) if rank(t)[0] > 0
        ]
        return max(candidates, key=rank, default=None)


def request_dues(
    book: StandardBook,
    calendar: WorkingCalendar,
    *,
    service: Any,
    received_at: datetime,
    department: Any = None,
    customer: Any = None,
) -> dict[str, Any]:
    """The standards that apply to a request and its response and completion due moments."""
    values: dict[str, Any] = {}
    for measure, name in ((Measure.RESPONSE, "response"), (Measure.COMPLETION, "completion")):
        timescale = book.applicable(service, measure, department, customer)
        values[f"{name}_standard"] = timescale.standard if timescale else None
        values[f"{name}_due"] = timescale.due(calendar, received_at) if timescale else None
    return values


def met(done_at: datetime | None, due: datetime | None, now: datetime) -> bool | None:
    """Met (done by the due moment), missed (done late, or still open after it), or None:
    no standard applies, or the item is still open and not yet due."""
    if due is None:
        return None
    if done_at is not None:
        return done_at <= due
    return False if now > due else None
