"""Figures in words, the same on the command line, in the reports and on the Overview:
one decimal place, "—" for nothing to count, n beside every percentage."""

from __future__ import annotations

from models.monitoring import Rag, Rate, StandardResult, Summary
from models.words import EMPTY, moment_text

RAG_WORDS = {Rag.GREEN: "Green", Rag.AMBER: "Amber", Rag.RED: "Red", Rag.NONE: EMPTY}


def number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return EMPTY
    text = f"{value:,.{decimals}f}"
    text = text[: -decimals - 1] if decimals and text.endswith("." + "0" * decimals) else text
    return text.replace("-", "−")  # a real minus sign


def percent(value: float | None) -> str:
    return EMPTY if value is None else f"{number(value)} %"


def signed(value: float | None, unit: str = "") -> str:
    """A change: +2.5, −1, 0 (a real minus sign)."""
    if value is None:
        return EMPTY
    text = number(abs(value))
    sign = "+" if value > 0 else "−" if value < 0 else ""
    if text == "0":  # too small to show: no sign, as "−0" would suggest a fall
        sign = ""
    return f"{sign}{text}{unit}"


def with_n(shown: str, n: int, not_yet_due: int = 0) -> str:
    """ "95.2 % (n = 208)", and how many were left out as not yet due, if any; with nothing
    counted, no "(n = 0)" beside the "—"."""
    text = f"{shown} (n = {n:,})" if n else shown
    return text + (f", {not_yet_due:,} not yet due" if not_yet_due else "")


def rate_text(result: Rate | None) -> str:
    if result is None:
        return EMPTY
    return with_n(percent(result.percent), result.n, result.not_yet_due)


def change(now: float | None, before: float | None, unit: str = "") -> str:
    """The change from the previous period, or "—" when either has nothing to count."""
    if now is None or before is None:
        return EMPTY
    return signed(now - before, unit)


def standard_name(standard: StandardResult) -> str:
    """ "Room bookings: Respond within 4 working hours (Finance)"."""
    agreed = f" ({standard.agreed_with})" if standard.agreed_with else ""
    return f"{standard.service}: {standard.statement}{agreed}"


def summary_text(summary: Summary) -> str:
    """The summary as a plain table for a terminal (the `summary` command)."""
    r, c, f, a = summary.requests, summary.complaints, summary.feedback, summary.improvements
    lines = [
        f"Summary for {summary.period.label()} (as at {moment_text(summary.as_of)})",
        "",
        "Requests",
        f"  received                {r.received:,}",
        f"  completed               {r.completed:,}",
        f"  response on time        {rate_text(r.response)}",
        f"  completion on time      {rate_text(r.completion)}",
        "",
        "Standards",
    ]
    standards = summary.standards
    if not standards:
        lines.append("  none agreed")
    width = max((len(standard_name(s)) for s in standards), default=0)
    width = min(width, 72)
    for standard in standards:
        name = standard_name(standard)
        name = name if len(name) <= width else name[: width - 1] + "…"
        goal = f"{number(standard.goal)}{' %' if standard.unit == '%' else ''}"
        achieved = percent(standard.achieved) if standard.unit == "%" else number(standard.achieved)
        lines.append(
            f"  {name:<{width}}  target {goal:>7}  achieved {achieved:>7}  "
            f"n {standard.n:>5,}  {RAG_WORDS[standard.status]}"
        )
    lines += [
        "",
        "Complaints",
        f"  received                {c.received:,}",
        f"  acknowledged on time    {rate_text(c.acknowledged)}",
        f"  resolved                {c.resolved:,}",
        f"  resolved on time        {rate_text(c.resolved_on_time)}",
        f"  referred                {c.referred:,}",
        f"  open at the end         {c.open:,}",
        f"  overdue at the end      {c.overdue:,}",
        "",
        "Feedback",
        f"  responses               {f.responses:,}",
        f"  NPS                     {with_n(number(f.nps.score), f.nps.responses)}; "
        f"promoters {f.nps.promoters}, passives {f.nps.passives}, "
        f"detractors {f.nps.detractors}",
        f"  CSAT                    {with_n(percent(f.csat.percent), f.csat.responses)}",
        f"  CES                     {with_n(number(f.ces.mean), f.ces.responses)}",
    ]
    for share in f.codes[:5]:
        lines.append(f"  code: {share.code} — {share.count:,} ({percent(share.percent)})")
    lines += [
        "",
        "Improvement actions",
        f"  opened                  {a.opened:,}",
        f"  completed               {a.completed:,}",
        f"  overdue                 {a.overdue:,}",
    ]
    return "\n".join(lines)
