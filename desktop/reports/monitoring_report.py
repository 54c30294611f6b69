"""The monitoring and evaluation report for a month (or a quarter or a year): the document a
management meeting reads. Every figure comes from `models.monitoring`, as the Overview and the
`summary` command do.

Confidential complaints are counted in every figure but never listed: the lessons learned leave
them out, and no complaint is named.

A summary for a meeting: what people wrote is quoted in table cells, each cut with "…" to a few
lines (typography's `clipped()`), however much is stored; the full text stays in Rapport.

Made in two stages: `monitoring_facts()` works out everything the report prints, in one read of
the database (so a report made while someone edits is true to one moment throughout), and
`build()` lays those facts out without asking the database anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    PageBreak,
    Spacer,
)

from desktop.figures_text import EMPTY, RAG_WORDS, change, number, percent, rate_text, with_n
from desktop.headlines import headlines
from desktop.reports.charts import bar_chart, sparkline, trend_chart
from desktop.reports.findings import key_findings
from desktop.reports.typography import (
    CELL_LINES,
    STATUS_FILLS,
    Built,
    Lines,
    Progress,
    bullet,
    clipped,
    para,
    register_fonts,
    table,
    write_pdf,
)
from desktop.reports.typography import (
    text as escaped,
)
from models import clock
from models.base import database
from models.choices import ComplaintCategory, FeedbackChannel, FeedbackType
from models.monitoring import (
    ActionsToReport,
    Comment,
    DepartmentFigures,
    Lesson,
    OpenComplaint,
    OpenComplaints,
    Rag,
    Summary,
    TrendPoint,
    actions_to_report,
    comments,
    department_figures,
    lessons_learned,
    open_complaints,
    shared_rows,
    standard_trend,
    summary,
    trend,
)
from models.organisation import Settings, get_settings
from models.periods import Period
from models.scores import SCALES
from models.words import day_text, moment_text
from models.workload import OwnerWork, total_work, work_by_owner

TREND_MONTHS = 12
STANDARD_TREND_MONTHS = 6
STATEMENT_LIMIT = 300  # a standard's statement in its cell, beneath the service's name
SERVICE_LINES = 3  # the service's name above it
MEASURE_LIMIT = 100  # each side of an action's "before → after"
SETTING_LIMIT = 10  # a holiday country or region code, as its column holds it
REFERENCE_LIMIT = 40  # a complaint's reference: CMP-YYYY-NNNN, with room to spare
OWNER_LINES = 2  # a member's name in an owner column
NO_ONE = "No one yet"  # the owner of work nobody owns
LEFT = "left the team"  # beneath the name of a member who has
TOTAL = "Total"  # the appendix's last row: each column added up, as the figures above count


@dataclass(frozen=True)
class MonitoringFacts:
    """Everything the report prints, worked out before the first page is laid out."""

    now: Summary  # the period's figures, as at `now.as_of`
    before: Summary  # the period before's, for comparison
    months: list[TrendPoint]  # the last TREND_MONTHS months, oldest first
    standard_history: dict[str, list[float | None]]  # each standard's last months
    departments: list[DepartmentFigures]
    open_complaints: OpenComplaints  # at the period's end
    lessons: list[Lesson]  # from complaints resolved in the period
    comments: list[Comment]  # what people said, a balanced selection
    actions: ActionsToReport  # open at the period's end, and reviewed in it
    owners: list[OwnerWork] | None  # the appendix of work by owner, when asked for
    settings: Settings  # the organisation's name and working calendar
    made_on: date

    @property
    def period(self) -> Period:
        return self.now.period


def monitoring_facts(
    period: Period,
    *,
    as_of: datetime | None = None,
    by_owner: bool = False,
    progress: Progress | None = None,
) -> MonitoringFacts:
    """Work out what the report for `period` prints, as at `as_of` (now unless given), in one
    read transaction: every figure and list comes from the same state of the database."""
    as_of = as_of or clock.now()
    say = progress or (lambda _stage, _fraction: None)
    say("Working out the figures", 0.0)
    with database.atomic(), shared_rows():  # one snapshot; each month's requests read once
        now = summary(period, as_of=as_of)
        before = summary(period.previous(), as_of=as_of)
        say("Working out the figures", 0.3)
        months = trend(period, TREND_MONTHS, as_of=as_of)
        say("Working out the figures", 0.6)
        facts = MonitoringFacts(
            now=now,
            before=before,
            months=months,
            standard_history=standard_trend(period, STANDARD_TREND_MONTHS, as_of=as_of),
            departments=department_figures(period, as_of=as_of),
            open_complaints=open_complaints(period, as_of),
            lessons=lessons_learned(period),
            comments=comments(period),
            actions=actions_to_report(period, as_of),
            owners=work_by_owner(period, as_of=as_of) if by_owner else None,
            settings=get_settings(),
            made_on=clock.today(),
        )
    say("Working out the figures", 1.0)
    return facts


def build(
    facts: MonitoringFacts,
    path: Path | BinaryIO,
    *,
    prepared_by: str = "",
    progress: Progress | None = None,
) -> Built:
    """Lay `facts` out as the report, written to `path` whole or not at all; no query is made."""
    register_fonts()
    now, before = facts.now, facts.before
    organisation = clipped(facts.settings.organisation_name or "Rapport", lines=1)
    story: list[Any] = []
    story += _cover(now, organisation, prepared_by, facts.made_on)
    story += _summary_section(now, before)
    story += _standards_section(now, facts.standard_history)
    story += _complaints_section(now, facts)
    story += _feedback_section(now, before, facts.months, facts.comments)
    story += _actions_section(now, facts.actions)
    story += _departments_section(facts.departments)
    if facts.owners is not None:
        story += _owners_appendix(facts.owners)
    story += _methodology(facts.settings)
    story += _sign_off()
    return write_pdf(
        story,
        path,
        title=f"Monitoring and evaluation report: {facts.period.label()}",
        subject=organisation,
        author=prepared_by,
        footer=f"{organisation} · Monitoring and evaluation · {facts.period.label()}",
        progress=progress,
    )


def build_monitoring_report(
    period: Period,
    path: Path | BinaryIO,
    *,
    prepared_by: str = "",
    as_of: datetime | None = None,
    progress: Progress | None = None,
    by_owner: bool = False,
) -> Built:
    """Write the report for `period` to `path` (written whole, or not at all); `by_owner` adds
    the appendix of each member's work, which names individuals (off unless chosen)."""
    facts = monitoring_facts(period, as_of=as_of, by_owner=by_owner, progress=progress)
    return build(facts, path, prepared_by=prepared_by, progress=progress)


# ---------------------------------------------------------------- sections


def _cover(now: Summary, organisation: str, prepared_by: str, made_on: date) -> list[Any]:
    return [
        Spacer(1, 45 * mm),
        para(organisation, "subtitle"),
        para("Monitoring and evaluation report", "title"),
        para(now.period.label(), "subtitle"),
        Spacer(1, 20 * mm),
        table(
            ["", ""],
            [
                ["Period", f"{day_text(now.period.first)} to {day_text(now.period.last)}"],
                ["Figures as at", moment_text(now.as_of)],
                ["Prepared by", prepared_by or EMPTY],
                ["Date", day_text(made_on)],
            ],
            [0.3, 0.7],
        ),
        PageBreak(),
    ]


def _summary_section(now: Summary, before: Summary) -> list[Any]:
    rows, fills = [], []
    for index, headline in enumerate(headlines(now, before)):
        rows.append(
            [
                headline.label,
                headline.value_with_n,
                headline.before,
                headline.change,
                RAG_WORDS[headline.status] if headline.status is not Rag.NONE else "",
            ]
        )
        fills.append((4, index, STATUS_FILLS.get(headline.status.value)))
    story: list[Any] = [
        para("Summary", "h1"),
        table(
            ["Figure", now.period.label(), before.period.label(), "Change", "Status"],
            rows,
            [0.34, 0.26, 0.15, 0.13, 0.12],
            right=(1, 2, 3),
            fills=fills,
        ),
        para(
            "Status is shown only against something agreed: on-time rates against the "
            "standards' compliance targets, complaint timescales against the procedure (every "
            "one on time), and anything overdue.",
            "small",
        ),
        para("Key findings", "h2"),
    ]
    findings = key_findings(now, before)
    story += [bullet(finding) for finding in findings] or [para("Nothing to report yet.")]
    for warning in now.feedback.warnings:
        story.append(para(f"Note: {warning}", "small"))
    return story


def _standards_section(now: Summary, history: dict[str, list[float | None]]) -> list[Any]:
    story: list[Any] = [
        CondPageBreak(60 * mm),
        para("Performance against the agreed standards", "h1"),
        para(
            "Each standard's result is met ÷ (met + missed) × 100 over the requests it applies "
            "to; an open request past its due moment counts as missed. Green: at or above "
            "target; amber: within 5 points below; red: further below.",
            "small",
        ),
        Spacer(1, 2 * mm),
    ]
    rows, fills = [], []
    for index, standard in enumerate(now.standards):
        who = f" — agreed with {clipped(standard.agreed_with)}" if standard.agreed_with else ""
        statement = f"{clipped(standard.statement, STATEMENT_LIMIT)}{who}"
        goal = percent(standard.goal) if standard.unit == "%" else number(standard.goal)
        achieved = percent(standard.achieved) if standard.unit == "%" else number(standard.achieved)
        rows.append(
            [
                [
                    Lines(standard.service, "cell_bold", SERVICE_LINES),
                    Lines(statement, "cell", CELL_LINES - SERVICE_LINES),
                ],
                goal,
                achieved,
                f"{standard.n:,}",
                RAG_WORDS[standard.status],
                sparkline(history.get(standard.standard, []), standard.goal),
            ]
        )
        fills.append((4, index, STATUS_FILLS.get(standard.status.value)))
    if not rows:
        return [*story, para("No standards have been agreed yet.")]
    story.append(
        table(
            [
                "Service and standard",
                "Target",
                "Achieved",
                "n",
                "Status",
                f"Last {STANDARD_TREND_MONTHS} months",
            ],
            rows,
            [0.42, 0.09, 0.12, 0.07, 0.1, 0.2],
            right=(1, 2, 3),
            fills=fills,
        )
    )
    return story


def _complaints_section(now: Summary, facts: MonitoringFacts) -> list[Any]:
    c = now.complaints
    story: list[Any] = [
        CondPageBreak(80 * mm),
        para("Complaints", "h1"),
        table(
            [
                "Received",
                "Acknowledged on time",
                "Resolved",
                "Resolved on time",
                "Referred",
                "Open at the end",
                "Overdue",
            ],
            [
                [
                    f"{c.received:,}",
                    rate_text(c.acknowledged),
                    f"{c.resolved:,}",
                    rate_text(c.resolved_on_time),
                    f"{c.referred:,}",
                    f"{c.open:,}",
                    f"{c.overdue:,}",
                ]
            ],
            [0.11, 0.2, 0.11, 0.2, 0.11, 0.14, 0.13],
        ),
        para("Complaints received, by category", "h2"),
    ]
    ranked = sorted(c.by_category.items(), key=lambda pair: (-pair[1], pair[0]))
    labels = [ComplaintCategory(name).label for name, _count in ranked]
    story.append(bar_chart(labels, [count for _name, count in ranked]))
    story += _open_complaints(facts.open_complaints)
    lessons = facts.lessons
    story.append(para("Lessons learned from complaints resolved", "h2"))
    if lessons:
        story.append(
            table(
                ["Complaint", "Category", "Lesson learned"],
                [
                    [lesson.reference, _category(lesson.category), lesson.lesson]
                    for lesson in lessons
                ],
                [0.18, 0.2, 0.62],
            )
        )
    else:
        story.append(para("None recorded for complaints resolved in this period."))
    story.append(
        para(
            "Confidential complaints are included in every figure above but are not listed.",
            "small",
        )
    )
    return story


def _open_complaints(found: OpenComplaints) -> list[Any]:
    story: list[Any] = [para("Open complaints", "h2")]
    rows, fills = [], []
    for index, complaint in enumerate(found.listed):
        rows.append(
            [
                clipped(complaint.reference, REFERENCE_LIMIT, lines=1),
                _category(complaint.category),
                day_text(complaint.received_at),
                _next_step(complaint),
                _owner(complaint.owner),
            ]
        )
        if complaint.overdue:
            fills.append((3, index, STATUS_FILLS["red"]))
    story.append(
        table(
            ["Complaint", "Category", "Received", "Next step", "Owner"],
            rows,
            [0.15, 0.22, 0.12, 0.31, 0.2],
            fills=fills,
        )
        if rows
        else para("None." if not found.confidential else "None to list.")
    )
    if found.confidential:
        story.append(
            para(
                f"{found.confidential:,} confidential complaint(s) open as well: counted in the "
                "figures, not listed.",
                "small",
            )
        )
    return story


def _next_step(complaint: OpenComplaint) -> str:
    """What the complaint awaited at the period's end, and by when."""
    if complaint.on_hold:
        return "On hold, awaiting the customer"
    if complaint.next_due is None:
        return EMPTY
    task = "Acknowledge" if complaint.acknowledging else "Resolve"
    return f"{task} by {day_text(complaint.next_due)}" + (" (overdue)" if complaint.overdue else "")


def _owner(name: str) -> Lines:
    """A member's name in an owner column: a line or two, however long the name stored."""
    return Lines(name or EMPTY, "cell", OWNER_LINES)


def _category(word: str | None) -> str:
    return ComplaintCategory(word).label if word else EMPTY


def _feedback_section(
    now: Summary, before: Summary, months: list[TrendPoint], chosen: list[Comment]
) -> list[Any]:
    f = now.feedback
    story: list[Any] = [
        PageBreak(),
        para("Feedback and satisfaction", "h1"),
        table(
            ["Score", "This period", "n", "Previous", "Change"],
            [
                [
                    "NPS (promoters − detractors, % of responses)",
                    number(f.nps.score),
                    f"{f.nps.responses:,}",
                    number(before.feedback.nps.score),
                    change(f.nps.score, before.feedback.nps.score),
                ],
                [
                    "Promoters / passives / detractors",
                    f"{f.nps.promoters} / {f.nps.passives} / {f.nps.detractors}",
                    "",
                    "",
                    "",
                ],
                [
                    "CSAT (% scoring 4 or 5 of 5)",
                    percent(f.csat.percent),
                    f"{f.csat.responses:,}",
                    percent(before.feedback.csat.percent),
                    change(f.csat.percent, before.feedback.csat.percent, " pts"),
                ],
                [
                    f"CES (mean of {SCALES['ces'].span})",
                    number(f.ces.mean),
                    f"{f.ces.responses:,}",
                    number(before.feedback.ces.mean),
                    change(f.ces.mean, before.feedback.ces.mean),
                ],
                [
                    "CES: % who found it easy (5–7)",
                    percent(f.ces.agree_percent),
                    f"{f.ces.responses:,}",
                    percent(before.feedback.ces.agree_percent),
                    change(f.ces.agree_percent, before.feedback.ces.agree_percent, " pts"),
                ],
            ],
            [0.44, 0.16, 0.1, 0.14, 0.16],
            right=(1, 2, 3, 4),
        ),
    ]
    for warning in f.warnings:
        story.append(para(f"Note: {warning}", "small"))
    labels = [month.period.short_label() for month in months]
    story += [
        para(f"Satisfaction over the last {len(months)} months", "h2"),
        trend_chart(
            labels,
            {"NPS": [m.nps for m in months], "CSAT %": [m.csat for m in months]},
            low=-100,
            high=100,
            step=25,
        ),
        para(f"Requests on time over the last {len(months)} months", "h2"),
        trend_chart(
            labels,
            {
                "Responded to on time %": [m.response.percent for m in months],
                "Completed on time %": [m.completion.percent for m in months],
            },
            low=0,
            high=100,
            step=20,
        ),
    ]
    channels = sorted(f.by_channel.items(), key=lambda pair: (-pair[1], pair[0]))
    types = sorted(f.by_type.items(), key=lambda pair: (-pair[1], pair[0]))
    story += [
        CondPageBreak(60 * mm),
        para("Responses by channel and by type", "h2"),
        table(
            ["Channel", "Responses"],
            [[FeedbackChannel(name).label, f"{count:,}"] for name, count in channels]
            or [["No feedback in this period", ""]],
            [0.5, 0.2],
            right=(1,),
        ),
        Spacer(1, 3 * mm),
        table(
            ["Type", "Responses"],
            [[FeedbackType(name).label, f"{count:,}"] for name, count in types]
            or [["No feedback typed in this period", ""]],
            [0.5, 0.2],
            right=(1,),
        ),
        CondPageBreak(50 * mm),
        para("How popular each code is", "h2"),
        para(
            f"A code's share is the items carrying it ÷ the {f.coded_items:,} coded item(s) of "
            f"the period; change against {before.period.label()}.",
            "small",
        ),
        table(
            ["Code", "Items", "% of coded items", "Change"],
            [
                [
                    share.code,
                    f"{share.count:,}",
                    percent(share.percent),
                    change(share.count, share.previous_count),
                ]
                for share in f.codes
            ]
            or [["No coded feedback in this period", "", "", ""]],
            [0.55, 0.12, 0.18, 0.15],
            right=(1, 2, 3),
        ),
    ]
    story.append(para("What people said", "h2"))
    if chosen:
        if len(chosen) < sum(f.by_type.values()) and len(chosen) >= 30:
            story.append(para("A balanced selection across the types of feedback.", "small"))
        story.append(
            table(
                ["Date", "Channel", "Type", "Comment"],
                [
                    [
                        day_text(item.received_on),
                        FeedbackChannel(item.channel).label,
                        FeedbackType(item.type).label if item.type else EMPTY,
                        item.text,
                    ]
                    for item in chosen
                ],
                [0.13, 0.18, 0.16, 0.53],
            )
        )
    else:
        story.append(para("No comments in this period."))
    return story


def _actions_section(now: Summary, lists: ActionsToReport) -> list[Any]:
    a = now.improvements
    story: list[Any] = [
        CondPageBreak(60 * mm),
        para("Improvement actions", "h1"),
        table(
            ["Opened", "Completed", "Open at the end", "Overdue", "Reviewed", "Worked"],
            [
                [
                    f"{a.opened:,}",
                    f"{a.completed:,}",
                    f"{a.open:,}",
                    f"{a.overdue:,}",
                    f"{a.reviewed:,}",
                    f"{a.effective:,}",
                ]
            ],
            [1 / 6] * 6,
        ),
        para("Open actions", "h2"),
    ]
    open_rows, fills = [], []
    for index, action in enumerate(lists.open):
        open_rows.append(
            [
                action.title,
                _owner(action.owner),
                day_text(action.due_on),
                action.status.label + (" (overdue)" if action.overdue else ""),
            ]
        )
        if action.overdue:
            fills.append((3, index, STATUS_FILLS["red"]))
    story.append(
        table(["Action", "Owner", "Due", "Status"], open_rows, [0.47, 0.19, 0.14, 0.2], fills=fills)
        if open_rows
        else para("None.")
    )
    story.append(para("Outcomes of actions reviewed", "h2"))
    reviewed = lists.reviewed
    story.append(
        table(
            ["Action", "Worked?", "Before → after", "Outcome"],
            [
                [
                    action.title,
                    EMPTY if action.effective is None else ("Yes" if action.effective else "No"),
                    f"{clipped(action.measure_before or EMPTY, MEASURE_LIMIT)} → "
                    f"{clipped(action.measure_after or EMPTY, MEASURE_LIMIT)}",
                    action.review_outcome or EMPTY,
                ]
                for action in reviewed
            ],
            [0.3, 0.1, 0.2, 0.4],
        )
        if reviewed
        else para("No reviews recorded in this period.")
    )
    return story


def _departments_section(departments: list[DepartmentFigures]) -> list[Any]:
    story: list[Any] = [CondPageBreak(60 * mm), para("By department", "h1")]
    if not departments:
        return [*story, para("Nothing recorded for any department in this period.")]
    story.append(
        table(
            [
                "Department",
                "Requests",
                "Responded on time",
                "Completed on time",
                "Complaints",
                "Feedback",
                "NPS",
                "CSAT",
            ],
            [
                [
                    d.department,
                    f"{d.requests.received:,}",
                    rate_text(d.requests.response),
                    rate_text(d.requests.completion),
                    f"{d.complaints:,}",
                    f"{d.feedback:,}",
                    with_n(number(d.nps), d.nps_n),
                    with_n(percent(d.csat), d.csat_n),
                ]
                for d in departments
            ],
            [0.2, 0.1, 0.14, 0.14, 0.12, 0.1, 0.1, 0.1],
            right=(1, 2, 3, 4, 5, 6, 7),  # every figure lines up on the right
        )
    )
    return story


def _owners_appendix(owners: list[OwnerWork]) -> list[Any]:
    """Each member's work: what was on their desk at the period's end, and how their share of
    the period's timescales fared; each column adds up to the figures above (the last row)."""
    story: list[Any] = [
        CondPageBreak(80 * mm),
        para("Appendix: work by owner", "h1"),
        para(
            "The requests, complaints and improvement actions each member of the team owns, "
            "counted as in the figures above, so that each column adds up to them (the total "
            "row). Overdue at the end of the period: a request past its respond-by or "
            "complete-by, a complaint past its acknowledge-by or resolve-by (never while on "
            "hold), an action past its due date. Completed on time: of the requests received "
            "in the period, those completed by their complete-by, where a standard sets one; "
            "one still open after it is missed, one not yet due is left out. Resolved on time: "
            "of the complaints resolved in the period, those resolved by their resolve-by. "
            "Confidential complaints are counted but not named.",
            "small",
        ),
    ]
    if not owners:
        return [*story, para("Nothing was open or judged in this period.")]
    rows = [(_owner_name(work), work) for work in owners]
    rows.append(([Lines(TOTAL, "cell_bold", 1)], total_work(owners)))
    open_rows, fills = [], []
    for index, (name, work) in enumerate(rows):
        open_rows.append(
            [
                name,
                f"{work.requests_open:,}",
                f"{work.requests_overdue:,}",
                f"{work.complaints_open:,}",
                f"{work.complaints_overdue:,}",
                f"{work.actions_open:,}",
                f"{work.actions_overdue:,}",
            ]
        )
        late = {2: work.requests_overdue, 4: work.complaints_overdue, 6: work.actions_overdue}
        fills += [(column, index, STATUS_FILLS["red"]) for column, n in late.items() if n]
    story += [
        para("Open and overdue at the end of the period", "h2"),
        table(
            [
                "Owner",
                "Requests open",
                "Requests overdue",
                "Complaints open",
                "Complaints overdue",
                "Actions open",
                "Actions overdue",
            ],
            open_rows,
            [0.28] + [0.12] * 6,
            right=(1, 2, 3, 4, 5, 6),
            fills=fills,
        ),
        para("On time in the period", "h2"),
        table(
            [
                "Owner",
                "Requests received",
                "Completed on time",
                "Complaints resolved",
                "Resolved on time",
            ],
            [
                [
                    name,
                    f"{work.requests_received:,}",
                    rate_text(work.requests_on_time),
                    f"{work.complaints_resolved:,}",
                    rate_text(work.complaints_on_time),
                ]
                for name, work in rows
            ],
            [0.24, 0.12, 0.32, 0.12, 0.2],
            right=(1, 2, 3, 4),
        ),
    ]
    return story


def _owner_name(work: OwnerWork) -> list[Lines]:
    """The owner's name, and beneath it, never cut off by a long name, that they have left."""
    name = [Lines(NO_ONE if work.name is None else work.name, "cell", OWNER_LINES)]
    return [*name, Lines(LEFT, "small", 1)] if work.left else name


def _methodology(settings: Any) -> list[Any]:
    weekdays = [int(d) for d in settings.working_weekdays.split(",") if d.strip()]
    names = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    lines = [
        "<b>Which records count.</b> Requests and complaints received in the period; feedback "
        "dated in it; complaints resolved in it for “resolved” and “resolved on time”; "
        "complaints referred in it for “referred”; open and overdue complaints and actions as "
        "at the period's last moment.",
        "<b>Timescales.</b> On time = met ÷ (met + missed) × 100, over the items a standard or "
        "the complaints procedure applies to. An item still open after its due moment is "
        "missed; one still open and not yet due is left out. Events after the “figures as at” "
        "moment on the cover have not happened yet.",
        "<b>Standards.</b> Green at or above the target, amber up to 5 points below it, red "
        "further below. n is the number of requests (or responses) judged.",
        "<b>NPS</b> = 100 × (promoters scoring 9–10 − detractors scoring 0–6) ÷ responses with "
        "a score, from −100 to +100. <b>CSAT</b> = 100 × responses scoring 4 or 5 ÷ responses. "
        "<b>CES</b> = the mean of 1–7, with the share who agree (5–7). No responses: no score "
        "(shown “—”), never 0. Fewer than 10 responses: read with care.",
        "<b>Code popularity</b> = items carrying the code ÷ the period's items with at least "
        "one code × 100.",
        f"<b>Working calendar.</b> Office hours {settings.office_start:%H:%M}–"
        f"{settings.office_end:%H:%M}, {', '.join(names[d] for d in weekdays)}; bank holidays of "
        f"{escaped(clipped(settings.holiday_country, SETTING_LIMIT, lines=1))}-"
        f"{escaped(clipped(settings.holiday_subdivision, SETTING_LIMIT, lines=1))} and the "
        "organisation's own closure days do not count. N working hours count only working "
        "time; N working days end at the close of the Nth working day after the clock starts; "
        "time a complaint spends on hold awaiting the customer does not count.",
    ]
    return [
        CondPageBreak(80 * mm),
        para("Appendix: how the figures are worked out", "h1"),
        *[para(line, "body", markup=True) for line in lines],
    ]


def _sign_off() -> list[Any]:
    rows = [["Prepared by", "", "Date", ""], ["Approved by", "", "Date", ""]]
    return [
        Spacer(1, 6 * mm),
        KeepTogether(
            [
                para("Sign-off", "h2"),
                table(["", "Name and signature", "", ""], rows, [0.18, 0.5, 0.1, 0.22]),
            ]
        ),
    ]
