"""Work by owner: what each member had open, overdue and finished in a period, for the
monitoring report's optional appendix (a team leader's choice: it names individuals).

Counted in the database, one grouped query per kind of record, by the rules the report's
figures use (`models.monitoring`): open and overdue as at the period's last moment (or now, for
the period in progress); completed or resolved in the period, and of those with a deadline how
many met it. Confidential complaints are counted, as in every figure. A member who has left the
team keeps the work they still own; work no one owns yet has a row of its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import Case, Node, fn

from models import clock
from models.complaints import Complaint
from models.delivery import key
from models.improvements import ImprovementAction
from models.monitoring import (
    Rate,
    action_open_on,
    action_overdue_on,
    complaint_open_at,
    complaint_overdue_at,
    request_open_at,
    request_overdue_at,
)
from models.people import Member
from models.periods import Period
from models.service_log import ServiceRequest

NOTHING = Rate()  # nothing finished with a deadline to judge


@dataclass(frozen=True)
class OwnerWork:
    """One owner's work in a period; `name` None is the work no one owns yet."""

    name: str | None
    left: bool = False  # has left the team
    requests_open: int = 0
    requests_overdue: int = 0
    requests_completed: int = 0  # in the period
    requests_on_time: Rate = NOTHING  # of those completed, against their complete-by
    complaints_open: int = 0
    complaints_overdue: int = 0
    complaints_resolved: int = 0  # in the period
    complaints_on_time: Rate = NOTHING  # of those resolved, against their resolve-by
    actions_open: int = 0
    actions_overdue: int = 0


def work_by_owner(period: Period, *, as_of: datetime | None = None) -> list[OwnerWork]:
    """Each member with work open at the period's end or finished in it, by name (those who
    have left too), then the work no one owns yet, if any."""
    as_of = as_of or clock.now()
    end = min(period.end, as_of)
    last = min(period.last, as_of.date())
    figures: dict[str | None, dict[str, Any]] = {}
    requests = _work(
        ServiceRequest.completed_at,
        ServiceRequest.completion_due,
        request_open_at(end),
        request_overdue_at(end),
        period,
        end,
    )
    complaints = _work(
        Complaint.resolved_at,
        Complaint.resolve_due,
        complaint_open_at(end),
        complaint_overdue_at(end),
        period,
        end,
    )
    finishing = (("requests", "completed", requests), ("complaints", "resolved", complaints))
    for kind, finished, rows in finishing:
        for owner, open_, overdue, done, met, missed in rows:
            figures.setdefault(key(owner), {}).update(
                {
                    f"{kind}_open": open_,
                    f"{kind}_overdue": overdue,
                    f"{kind}_{finished}": done,
                    f"{kind}_on_time": Rate(met, missed),
                }
            )
    for owner, open_, overdue in _actions(last):
        figures.setdefault(key(owner), {}).update(actions_open=open_, actions_overdue=overdue)
    members = {
        key(ident): (name, left is not None)
        for ident, name, left in Member.select(Member.id, Member.name, Member.deleted_at)
        .where(Member.id.in_([owner for owner in figures if owner is not None]))
        .tuples()
    }
    rows = [
        OwnerWork(*members.get(owner, (None, False)), **counts) for owner, counts in figures.items()
    ]  # each grouped query counts only what is open or finished: every row has work
    return sorted(rows, key=lambda row: (row.name is None, (row.name or "").casefold()))


def _count(condition: Node) -> Node:
    """How many of a group's rows meet `condition`."""
    return fn.SUM(Case(None, [(condition, 1)], 0))


def _work(
    finished_at: Any, due: Any, open_: Node, overdue: Node, period: Period, end: datetime
) -> Iterable[tuple[Any, ...]]:
    """Per owner of `finished_at`'s records: open and overdue at `end`; finished in the
    period, and of those with a deadline (`due`) how many met it and how many missed it."""
    model = finished_at.model
    done = finished_at.between(period.start, end)
    judged = done & due.is_null(False)
    return (
        model.live(
            model.owner,
            _count(open_),
            _count(overdue),
            _count(done),
            _count(judged & (finished_at <= due)),
            _count(judged & (finished_at > due)),
        )
        .where(open_ | done)
        .group_by(model.owner)
        .tuples()
    )


def _actions(last: Any) -> Iterable[tuple[Any, ...]]:
    return (
        ImprovementAction.live(
            ImprovementAction.owner,
            _count(action_open_on(last)),
            _count(action_overdue_on(last)),
        )
        .where(action_open_on(last))
        .group_by(ImprovementAction.owner)
        .tuples()
    )
