"""Importing a questionnaire export: a survey tool's file whose columns are the questions.

The user says which column holds the date, the NPS, CES and CSAT answers, the comment and who
answered; Rapport offers its guesses first and remembers the choice for the next file with the
same columns. Answers may be numbers or, as Microsoft Forms writes Likert questions, words
("Very satisfied", "Strongly agree") or a number with its label ("9 - Very likely").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from desktop import cells
from desktop.importing import Column
from desktop.log_formats import FeedbackFormat
from models.choices import FeedbackChannel
from models.import_mappings import remember_mapping, remembered_mapping
from models.scores import SCALES

# What a question can be mapped to, in the order the mapping step asks.
TARGETS: tuple[tuple[str, str], ...] = (
    ("date", "Date answered"),
    ("nps", f"Recommend question (NPS, {SCALES['nps'].span})"),
    ("ces", f"Ease question (CES, {SCALES['ces'].span})"),
    ("csat", f"Satisfaction question (CSAT, {SCALES['csat'].span})"),
    ("comment", "Comment"),
    ("department", "Department"),
    ("service", "Service"),
    ("customer", "Customer (email or name)"),
)

# Words that give a question away, strongest first; the targets are tried in this order, so
# "How satisfied were you with the service?" is a CSAT question before it is a service.
_CLUES: dict[str, tuple[str, ...]] = {
    "nps": ("recommend",),
    "ces": ("easy", "effort", "easier"),
    "csat": ("satisf",),
    "date": ("completion time", "submitted", "submission", "date", "timestamp", "end time"),
    "department": ("department", "directorate", "team"),
    "service": ("service",),
    "customer": ("email", "e-mail", "name"),
    "comment": ("comment", "anything else", "suggest", "improve", "why", "feedback", "other"),
}

_WORDS: dict[str, dict[str, int]] = {
    "csat": {
        "very dissatisfied": 1,
        "dissatisfied": 2,
        "neither satisfied nor dissatisfied": 3,
        "neutral": 3,
        "satisfied": 4,
        "very satisfied": 5,
    },
    "ces": {
        "strongly disagree": 1,
        "disagree": 2,
        "somewhat disagree": 3,
        "neither agree nor disagree": 4,
        "neutral": 4,
        "somewhat agree": 5,
        "agree": 6,
        "strongly agree": 7,
    },
}
_LEADING_NUMBER = re.compile(r"^\s*(\d+)\s*(?:[-–:.)]|stars?\b|$)")


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Rapport's guess at which header is which question; the user checks it."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for target, clues in _CLUES.items():
        for clue in clues:
            found = next(
                (h for h in headers if h and h not in taken and clue in h.casefold()), None
            )
            if found is not None:
                mapping[target] = found
                taken.add(found)
                break
    return {target: mapping[target] for target, _label in TARGETS if target in mapping}


def _score_reader(target: str) -> Any:
    words = _WORDS.get(target, {})
    low, high = SCALES[target].low, SCALES[target].high

    def read(value: Any) -> int | None:
        written = cells.text(value)
        folded = " ".join(written.casefold().split())
        if folded in words:
            return words[folded]
        number = _LEADING_NUMBER.match(written)
        if number and not isinstance(value, int | float):
            return cells.read_whole(number.group(1), low, high)
        return cells.read_whole(value, low, high)

    return read


class QuestionnaireFormat(FeedbackFormat):
    """The `feedback` columns, filled from whichever of the file's columns the mapping names."""

    name = "questionnaire"
    exports = False
    noun = "questionnaire responses"
    columns = tuple(
        {
            "channel": Column("channel"),
            **{name: Column(name, read=_score_reader(name)) for name in SCALES},
        }.get(column.name, column)
        for column in FeedbackFormat.columns
    )

    def __init__(
        self,
        *,
        mapping: Mapping[str, str] | None = None,
        channel: FeedbackChannel = FeedbackChannel.QUESTIONNAIRE,
        guess: bool = True,
        include_confidential: bool = False,
    ) -> None:
        super().__init__(include_confidential=include_confidential)
        self.mapping = dict(mapping) if mapping is not None else None
        self.channel = channel
        self.guess = guess
        self.source = "given" if mapping is not None else ""  # or "remembered", "guessed"
        self.headers: tuple[str, ...] = ()

    def mapping_for(self, headers: Sequence[str]) -> Mapping[str, str]:
        self.headers = tuple(headers)
        if self.mapping is None:
            remembered = remembered_mapping(self.name, headers)
            if remembered is not None:
                self.mapping, self.source = remembered, "remembered"
            elif self.guess:
                self.mapping, self.source = guess_mapping(headers), "guessed"
            else:
                self.mapping, self.source = {}, "none"
        return self.mapping

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        customer = row["customer"]
        if customer and customer.casefold() == "anonymous":  # how Microsoft Forms writes it
            customer = None
        anonymous = customer is None
        return super().build(
            {**row, "customer": customer, "channel": self.channel, "anonymous": anonymous}
        )

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        written = super().write(records)
        remember_mapping(self.name, self.headers, self.mapping or {})
        return written
