"""A few key findings in plain English, generated from the figures (never typed by hand).

The names and statements they quote are people's text, put on one line and `clipped()` so that
a finding stays a sentence whatever the database holds."""

from __future__ import annotations

from desktop.figures_text import number, percent
from desktop.reports.typography import NAME_LIMIT, clipped
from models.choices import ComplaintCategory, Measure
from models.monitoring import Rag, StandardResult, Summary

MAX_FINDINGS = 6
STATEMENT_LIMIT = 160  # a standard's statement, quoted in a finding
_MEASURE_WORDS = {
    Measure.RESPONSE: "response",
    Measure.COMPLETION: "completion",
    Measure.ACCURACY: "accuracy",
    Measure.SATISFACTION: "satisfaction",
}


def key_findings(now: Summary, before: Summary) -> list[str]:
    """Standards missed and met, what moved in complaints and satisfaction, what is overdue."""
    findings: list[str] = []
    judged = [s for s in now.standards if s.achieved is not None and s.n]
    missed = sorted(
        (s for s in judged if s.status in (Rag.RED, Rag.AMBER)),
        key=lambda s: (s.achieved or 0) - s.goal,
    )
    for standard in missed[:2]:
        findings.append(
            f"{_quoted(standard.service)} missed its {_MEASURE_WORDS.get(standard.measure, '')} "
            f"standard (“{_statement(standard)}”{_with(standard)}): {_achieved(standard)} "
            f"against a target of {_goal(standard)} (n = {standard.n})."
        )
    met = sorted((s for s in judged if s.status is Rag.GREEN), key=lambda s: -s.n)
    if met:
        standard = met[0]
        findings.append(
            f"{_quoted(standard.service)} met its {_MEASURE_WORDS.get(standard.measure, '')} "
            f"standard (“{_statement(standard)}”{_with(standard)}) {_achieved(standard)} of the "
            f"time against a target of {_goal(standard)} (n = {standard.n})."
            if standard.unit == "%"
            else f"{_quoted(standard.service)} met its standard (“{_statement(standard)}”)."
        )
    if judged:
        findings.append(
            f"{now.standards_met.met} of {now.standards_met.n} standards with something to "
            f"judge were met in {now.period.label()}."
        )
    findings += _complaint_changes(now, before)
    nps_now, nps_before = now.feedback.nps.score, before.feedback.nps.score
    if nps_now is not None and nps_before is not None and round(nps_now) != round(nps_before):
        direction = "rose" if nps_now > nps_before else "fell"
        findings.append(
            f"NPS {direction} from {number(nps_before)} to {number(nps_now)} "
            f"(n = {now.feedback.nps.responses})."
        )
    if now.feedback.codes:
        top = now.feedback.codes[0]
        findings.append(
            f"The point made most often in feedback was “{_quoted(top.code)}”: "
            f"{top.count} item(s), {percent(top.percent)} of the coded items."
        )
    overdue = now.complaints.overdue
    if overdue:
        findings.append(f"{overdue} complaint(s) were overdue at the end of the period.")
    return findings[:MAX_FINDINGS]


def _complaint_changes(now: Summary, before: Summary) -> list[str]:
    """The category whose complaints rose most, and the one that fell most."""
    now_counts, before_counts = now.complaints.by_category, before.complaints.by_category
    moves = {c: now_counts.get(c, 0) - before_counts.get(c, 0) for c in now_counts | before_counts}
    rises = sorted((-change, c) for c, change in moves.items() if change > 0)
    falls = sorted((change, c) for c, change in moves.items() if change < 0)
    found = []
    for _size, category in rises[:1] + falls[:1]:  # ties: the category first by name
        word = ComplaintCategory(category).label.lower()
        direction = "rose" if moves[category] > 0 else "fell"
        found.append(
            f"Complaints about {word} {direction} from {before_counts.get(category, 0)} "
            f"to {now_counts.get(category, 0)}."
        )
    return found


def _with(standard: StandardResult) -> str:
    return f", agreed with {_quoted(standard.agreed_with)}" if standard.agreed_with else ""


def _statement(standard: StandardResult) -> str:
    return _quoted(standard.statement, STATEMENT_LIMIT)


def _quoted(value: str, limit: int = NAME_LIMIT) -> str:
    """A person's text as a sentence quotes it: on one line, and not too long to read."""
    return clipped(" ".join(value.split()), limit)


def _achieved(standard: StandardResult) -> str:
    return percent(standard.achieved) if standard.unit == "%" else number(standard.achieved)


def _goal(standard: StandardResult) -> str:
    return percent(standard.goal) if standard.unit == "%" else number(standard.goal)
