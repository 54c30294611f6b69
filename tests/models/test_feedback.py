"""Feedback scores, code popularity and the code frame, on data worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from models.catalogue import Service
from models.choices import CustomerKind, FeedbackChannel, FeedbackType
from models.feedback import Code, Feedback, FeedbackCode, merge_codes, record_feedback, set_codes
from models.feedback_analysis import Period, feedback_figures
from models.operations import ValidationError, create
from models.register import Customer
from models.scores import ces, csat, nps


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([10, 9, 8, 7, 6, 0, None], (6, 2, 2, 2, 0.0)),  # blanks are not responses
        ([9, 10, 9], (3, 3, 0, 0, 100.0)),
        ([0, 6], (2, 0, 0, 2, -100.0)),
        ([7, 8, 7, 8], (4, 0, 4, 0, 0.0)),  # all passive: a real score of 0
        ([10, 10, 10, 6], (4, 3, 0, 1, 50.0)),
        ([None, None], (0, 0, 0, 0, None)),  # no responses: no score, never 0
        ([], (0, 0, 0, 0, None)),
    ],
)
def test_nps(scores, expected):
    result = nps(scores)
    assert (
        result.responses,
        result.promoters,
        result.passives,
        result.detractors,
        result.score,
    ) == expected


def test_ces_and_csat():
    effort = ces([7, 5, 4, 1, None])
    assert (effort.responses, effort.mean, effort.agree_percent) == (4, 4.25, 50.0)
    satisfaction = csat([5, 4, 3, 1, None])
    assert (satisfaction.responses, satisfaction.percent) == (4, 50.0)
    assert ces([]).mean is None
    assert ces([]).agree_percent is None
    assert csat([None]).percent is None
    assert nps([9] * 9).small
    assert not nps([9] * 10).small


@pytest.fixture
def coded(db):
    rooms, _ = create(Service, name="Room bookings")
    post, _ = create(Service, name="Post")
    fast, _ = create(Code, name="Quick response appreciated")
    late, _ = create(Code, name="Minutes too slow to arrive")

    def item(day, codes=(), service=rooms, **scores):
        return record_feedback(
            codes=[c.id for c in codes],
            received_on=day,
            channel=FeedbackChannel.FEEDBACK_SHEET,
            service=service,
            type=scores.pop("type", FeedbackType.GENERIC_POSITIVE),
            **scores,
        )[0]

    november = [
        item(date(2026, 11, 2), [fast], nps=10, csat=5, ces=7),
        item(date(2026, 11, 3), [fast], nps=9, csat=4),
        item(
            date(2026, 11, 4),
            [fast, late],
            nps=3,
            csat=2,
            ces=3,
            type=FeedbackType.GENERIC_NEGATIVE,
        ),
        item(date(2026, 11, 5), [], nps=8, type=FeedbackType.OTHER),
        item(date(2026, 11, 6), [late], service=post, nps=0),
    ]
    item(date(2026, 10, 20), [fast])  # the month before
    return {"rooms": rooms, "post": post, "fast": fast, "late": late, "november": november}


def test_a_months_figures(coded):
    figures = feedback_figures(date(2026, 11, 1), date(2026, 11, 30))
    assert figures.responses == 5
    assert (figures.nps.promoters, figures.nps.passives, figures.nps.detractors) == (2, 1, 2)
    assert figures.nps.score == 0.0
    assert figures.csat.percent == pytest.approx(100 * 2 / 3)
    assert (figures.ces.mean, figures.ces.agree_percent) == (5.0, 50.0)
    assert figures.coded_items == 4
    popularity = [(c.code, c.count, round(c.percent, 2), c.change) for c in figures.codes]
    assert popularity == [
        ("Quick response appreciated", 3, 75.0, 2),  # 3 of the 4 coded items; 1 in October
        ("Minutes too slow to arrive", 2, 50.0, 2),
    ]
    assert figures.by_type == {"generic positive": 3, "generic negative": 1, "other": 1}
    assert figures.by_channel == {"feedback sheet": 5}
    assert figures.uncoded_percent == 20.0
    assert any("20 % of the feedback has no code" in w for w in figures.warnings)
    assert any("typed 'other'" in w for w in figures.warnings)
    assert any(w.startswith("NPS rests on 5 response(s)") for w in figures.warnings)


def test_figures_for_one_service(coded):
    figures = feedback_figures(date(2026, 11, 1), date(2026, 11, 30), service=coded["post"].id)
    assert figures.responses == 1
    assert figures.nps.score == -100.0
    assert [(c.code, c.percent) for c in figures.codes] == [("Minutes too slow to arrive", 100.0)]


def test_an_empty_period_has_no_scores(db):
    figures = feedback_figures(date(2030, 1, 1), date(2030, 1, 31))
    assert (figures.responses, figures.nps.score, figures.csat.percent, figures.ces.mean) == (
        0,
        None,
        None,
        None,
    )
    assert figures.codes == []
    assert figures.warnings == []


def test_periods_compare_with_the_one_before():
    assert Period(date(2026, 11, 1), date(2026, 11, 30)).previous() == Period(
        date(2026, 10, 2), date(2026, 10, 31)
    )


def test_merging_two_codes_keeps_every_items_coding(coded):
    fast, late = coded["fast"], coded["late"]
    merge_codes(fast, late)
    everyone = [i.id for i in coded["november"]]
    codes_of = {
        i: [link.code.name for link in FeedbackCode.select().where(FeedbackCode.feedback == i)]
        for i in everyone
    }
    assert codes_of == {
        everyone[0]: ["Quick response appreciated"],
        everyone[1]: ["Quick response appreciated"],
        everyone[2]: ["Quick response appreciated"],  # had both: keeps one
        everyone[3]: [],
        everyone[4]: ["Quick response appreciated"],  # had the merged code
    }
    assert Code.get_by_id(late.id).deleted_at is not None


def test_codes_are_set_and_unset(coded):
    item = coded["november"][2]
    set_codes(item, [coded["late"].id])
    assert [link.code.name for link in item.code_links] == ["Minutes too slow to arrive"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"nps": 11}, "nps"),
        ({"nps": -1}, "nps"),
        ({"ces": 0}, "ces"),  # 0 on a 1-7 scale is refused at the field
        ({"ces": 8}, "ces"),
        ({"csat": 6}, "csat"),
        ({"csat": 4.5}, "csat"),
        ({"received_on": date(2027, 1, 1)}, "received_on"),
        ({"channel": None}, "channel"),
    ],
)
def test_scores_outside_their_scales_are_refused(db, values, field):
    with pytest.raises(ValidationError) as refused:
        record_feedback(
            **({"received_on": date(2026, 11, 2), "channel": FeedbackChannel.EMAIL} | values)
        )
    assert field in refused.value.problems
    assert Feedback.select().count() == 0


def test_anonymous_feedback_names_no_customer(db):
    ann, _ = create(Customer, name="Ann", kind=CustomerKind.COLLEAGUE)
    with pytest.raises(ValidationError, match="names no customer"):
        record_feedback(
            received_on=date(2026, 11, 2),
            channel=FeedbackChannel.SUGGESTIONS_BOX,
            anonymous=True,
            customer=ann,
        )


def test_merging_codes_moves_the_improvement_actions_that_came_from_the_merged_one(coded):
    from models.choices import ActionSource, ActionStatus
    from models.improvements import ImprovementAction

    fast, late = coded["fast"], coded["late"]
    action = ImprovementAction.create(
        title="Answer faster", source=ActionSource.FEEDBACK_CODE, code=late,
        status=ActionStatus.IDENTIFIED,
    )  # fmt: skip
    merge_codes(fast, late)
    assert ImprovementAction.get_by_id(action.id).code_id == fast.id  # not a deleted code
