"""Work by owner: what each member had open and overdue at a period's end, and how their share
of the period's work fared on time, for the monitoring report's optional appendix (a team
leader's choice: it names individuals).

Counted in the database, one grouped query per kind of record, by the very conditions the
report's figures use, grouped by owner, so the rows add up to the figures above them: open and
overdue as at the period's last moment (or now, for the period in progress), by each record
type's own rule; completed on time over the requests received in the period, an open one past
its complete-by counted as missed (`monitoring.completion_judged`); resolved on time over the
complaints resolved in it (`monitoring.resolution_judged`). Confidential complaints are counted,
as in every figure. A member who has left the team keeps the work they still own; work no one
owns yet has a row of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from typing import Any

from models import clock
from models.complaints import Complaint, complaint_open_at, complaint_overdue_at
from models.delivery import key
from models.improvements import ImprovementAction, action_open_on, action_overdue_on
from models.monitoring import (
    Rate,
    complaints_resolved_in,
    completion_judged,
    count_where,
    rate_columns,
    rate_of,
    requests_received_in,
    resolution_judged,
)
from models.people import Member
from models.periods import Period
from models.service_log import ServiceRequest, request_open_at, request_overdue_at

NOTHING = Rate()  # nothing with a deadline to judge


@dataclass(frozen=True)
class OwnerWork:
    """One owner's work in a period; `name` None is the work no one owns yet."""

    name: str | None
    left: bool = False  # has left the team
    requests_open: int = 0
    requests_overdue: int = 0
    requests_received: int = 0  # in the period
    requests_on_time: Rate = NOTHING  # of those received, against their complete-by
    complaints_open: int = 0
    complaints_overdue: int = 0
    complaints_resolved: int = 0  # in the period
    complaints_on_time: Rate = NOTHING  # of those resolved, against their resolve-by
    actions_open: int = 0
    actions_overdue: int = 0


def work_by_owner(period: Period, *, as_of: datetime | None = None) -> list[OwnerWork]:
    """Each member with work open at the period's end or judged in it, by name (those who
    have left too), then the work no one owns yet, if any."""
    as_of = as_of or clock.now()
    end = min(period.end, as_of)
    figures: dict[str | None, dict[str, Any]] = {}
    for owner, open_, overdue, received, *on_time in _requests(period, end, as_of):
        figures.setdefault(key(owner), {}).update(
            requests_open=open_,
            requests_overdue=overdue,
            requests_received=received,
            requests_on_time=rate_of(on_time),
        )
    for owner, open_, overdue, resolved, *on_time in _complaints(period, end, as_of):
        figures.setdefault(key(owner), {}).update(
            complaints_open=open_,
            complaints_overdue=overdue,
            complaints_resolved=resolved,
            complaints_on_time=rate_of(on_time),
        )
    for owner, open_, overdue in _actions(min(period.last, as_of.date())):
        figures.setdefault(key(owner), {}).update(actions_open=open_, actions_overdue=overdue)
    members = {
        key(ident): (name, left is not None)
        for ident, name, left in Member.select(Member.id, Member.name, Member.deleted_at)
        .where(Member.id.in_([owner for owner in figures if owner is not None]))
        .tuples()
    }
    rows = [
        OwnerWork(*members.get(owner, (None, False)), **counts) for owner, counts in figures.items()
    ]  # each grouped query counts only what is open or judged: every row has work
    return sorted(rows, key=lambda row: (row.name is None, (row.name or "").casefold()))


def total_work(owners: Iterable[OwnerWork]) -> OwnerWork:
    """Everyone's work added up: the period's figures, counted again by owner."""
    counted = [field.name for field in fields(OwnerWork) if field.name not in ("name", "left")]
    total = OwnerWork(None)
    for work in owners:
        total = replace(
            total, **{name: getattr(total, name) + getattr(work, name) for name in counted}
        )
    return total


def _requests(period: Period, end: datetime, as_of: datetime) -> Iterable[tuple[Any, ...]]:
    """Per owner: open and overdue at `end`; received in the period, and of those how many
    met, missed or are not yet due at their complete-by."""
    open_, received = request_open_at(end), requests_received_in(period)
    return (
        ServiceRequest.live(
            ServiceRequest.owner,
            count_where(open_),
            count_where(request_overdue_at(end)),
            count_where(received),
            *rate_columns(completion_judged(as_of), among=received),
        )
        .where(open_ | received)
        .group_by(ServiceRequest.owner)
        .tuples()
    )


def _complaints(period: Period, end: datetime, as_of: datetime) -> Iterable[tuple[Any, ...]]:
    """Per owner: open and overdue at `end`; resolved in the period, and of those how many
    met or missed their resolve-by."""
    open_, resolved = complaint_open_at(end), complaints_resolved_in(period, as_of)
    return (
        Complaint.live(
            Complaint.owner,
            count_where(open_),
            count_where(complaint_overdue_at(end)),
            count_where(resolved),
            *rate_columns(resolution_judged(as_of), among=resolved),
        )
        .where(open_ | resolved)
        .group_by(Complaint.owner)
        .tuples()
    )


def _actions(last: date) -> Iterable[tuple[Any, ...]]:
    return (
        ImprovementAction.live(
            ImprovementAction.owner,
            count_where(action_open_on(last)),
            count_where(action_overdue_on(last)),
        )
        .where(action_open_on(last))
        .group_by(ImprovementAction.owner)
        .tuples()
    )
