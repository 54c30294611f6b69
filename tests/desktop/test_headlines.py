"""The headline figures (Overview tiles, report summary): values, changes and colours worked out
by hand from the October fixture of tests/models/test_monitoring.py."""

from __future__ import annotations

from dataclasses import replace

from desktop.figures_text import change, signed
from desktop.headlines import Better, headlines
from models.choices import Measure
from models.feedback_analysis import feedback_figures
from models.monitoring import (
    ActionFigures,
    ComplaintFigures,
    Rag,
    Rate,
    RequestFigures,
    ServiceResult,
    StandardResult,
    Summary,
    summary,
)
from tests.models.test_monitoring import AS_OF, OCTOBER, october  # noqa: F401


def by_key(now, before):
    return {headline.key: headline for headline in headlines(now, before)}


def test_octobers_headlines_beside_september(october):  # noqa: F811
    now, before = summary(OCTOBER, as_of=AS_OF), summary(OCTOBER.previous(), as_of=AS_OF)
    shown = by_key(now, before)
    requests = shown["requests"]
    assert (requests.value, requests.before, requests.change) == ("6", "1", "+5")
    assert requests.status is Rag.NONE and requests.improved is None  # more is not worse
    response = shown["response"]  # 1 met of 4; September's one request was answered in time
    assert (response.value, response.n, response.before) == ("25 %", 4, "100 %")
    assert response.value_with_n == "25 % (n = 4), 1 not yet due"
    assert response.change == "−75 pts" and response.improved is False
    assert response.status is Rag.RED  # against the standard's 95 %
    completion = shown["completion"]
    assert (completion.value, completion.before, completion.change) == ("50 %", "—", "—")
    assert completion.status is Rag.RED and completion.improved is None
    standards = shown["standards"]
    assert (standards.value, standards.status) == ("0 of 4", Rag.RED)
    acknowledged = shown["acknowledged"]  # the procedure: every one on time
    assert (acknowledged.value, acknowledged.n, acknowledged.status) == ("50 %", 2, Rag.RED)
    overdue = shown["complaints_overdue"]
    assert (overdue.value, overdue.before, overdue.status, overdue.improved) == (
        "2",
        "0",
        Rag.RED,
        False,
    )
    assert shown["complaints_open"].better is Better.DOWN
    nps = shown["nps"]
    assert (nps.value, nps.n, nps.status, nps.better) == ("25", 4, Rag.NONE, Better.UP)
    assert shown["csat"].value_with_n == "66.7 % (n = 3)"
    assert shown["ces"].value == "5"
    actions = shown["actions_overdue"]
    assert (actions.value, actions.status) == ("1", Rag.RED)
    nothing = by_key(before, before)["actions_overdue"]  # September: none overdue
    assert (nothing.value, nothing.status, nothing.change) == ("0", Rag.GREEN, "0")


def _timed(goal: float, n: int, achieved: float) -> StandardResult:
    return StandardResult(
        standard=f"s{goal}",
        service="Room bookings",
        statement="Respond in time",
        measure=Measure.RESPONSE,
        goal=goal,
        unit="%",
        result=Rate(met=n),
        achieved=achieved,
        n=n,
    )


def test_an_on_time_rate_is_judged_against_the_targets_weighted_by_what_each_judged(
    october,  # noqa: F811
):
    # 30 requests held to 95 %, 10 to 80 %: together they were held to 91.25 %
    standards = [_timed(95, 30, 100.0), _timed(80, 10, 100.0)]
    service = ServiceResult("x", "Room bookings", 40, Rate(), Rate(), standards)
    base = summary(OCTOBER, as_of=AS_OF)
    for met, status in ((37, Rag.GREEN), (35, Rag.AMBER), (34, Rag.RED)):  # 92.5, 87.5, 85 %
        figures = RequestFigures(40, 40, Rate(met=met, missed=40 - met), Rate())
        now = replace(base, services=[service], requests=figures)
        assert by_key(now, base)["response"].status is status, met
    assert by_key(now, base)["standards"].status is Rag.GREEN  # both standards met


def test_a_change_too_small_to_show_has_no_sign_and_is_no_change(db):
    assert signed(-0.04, " pts") == "0 pts" and change(5.7, 5.66) == "0"
    assert signed(-0.05) == "−0.1" and signed(2.0) == "+2"
    now = Rate(met=900, missed=100)  # 90.0 %
    before = Rate(met=8996, missed=1004)  # 89.96 %
    base = RequestFigures(1000, 1000, now, now)
    shown = by_key(
        replace(summary_shell(), requests=base),
        replace(summary_shell(), requests=RequestFigures(10000, 10000, before, before)),
    )["response"]
    assert (shown.change, shown.moved, shown.improved) == ("0 pts", 0, None)


def summary_shell() -> Summary:
    """A month with nothing in it, to put figures into."""
    return Summary(
        period=OCTOBER,
        as_of=AS_OF,
        requests=RequestFigures(0, 0, Rate(), Rate()),
        services=[],
        complaints=ComplaintFigures(0, Rate(), 0, Rate(), 0, 0, 0),
        feedback=feedback_figures(OCTOBER.first, OCTOBER.last),
        improvements=ActionFigures(0, 0, 0, 0, 0, 0),
    )
