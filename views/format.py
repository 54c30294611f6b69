"""Turning raw values into text, in one place: dd/mm/yyyy dates, "—" for nothing."""

from __future__ import annotations

import html
from datetime import date, datetime

EMPTY = "—"


def plain(text: str) -> str:
    """User text made safe for a rich-text label."""
    return html.escape(text or "")


def count_label(n: int) -> str:
    return f"{n:,}"


def date_label(value: date | datetime | None) -> str:
    if value is None:
        return EMPTY
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")
