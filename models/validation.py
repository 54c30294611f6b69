"""Small checks the validators share; each returns a message, or None when all is well."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from peewee import CharField, DateField, DateTimeField, TextField, fn

from models.base import ChoiceField, Record, SoftDeleteRecord
from models.words import day_text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+()\-\s.]*(ext\.?\s*[0-9]+)?$", re.IGNORECASE)


def text_of(values: dict[str, Any] | Any, name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value).strip()


def required(text: str, what: str) -> str | None:
    return None if text else f"Type {what}."


def too_long(text: str, limit: int) -> str | None:
    return f"At most {limit} characters (this has {len(text)})." if len(text) > limit else None


def bad_email(text: str) -> str | None:
    if text and not _EMAIL.match(text):
        return "This does not look like an email address (name@example.org)."
    return None


def bad_phone(text: str) -> str | None:
    if text and not _PHONE.match(text):
        return "Use digits, spaces, +, brackets and dashes only."
    return None


def name_taken(
    model: type[SoftDeleteRecord], name: str, record: Record | None, what: str
) -> str | None:
    """A message if another record of `model` already has this name (ignoring case)."""
    if not name:
        return None
    clash = model.select(model.deleted_at).where(fn.LOWER(model.name) == name.lower())
    if record is not None:
        clash = clash.where(model.id != record.id)
    found = clash.first()
    if found is None:
        return None
    if found.deleted_at is not None:
        return f"A deleted {what} is called '{name}': restore it instead."
    return f"There is already a {what} called '{name}'."


def first_problem(*messages: str | None) -> str | None:
    return next((message for message in messages if message), None)


def name_problems(
    model: type[SoftDeleteRecord], values: Any, record: Record | None, what: str, asked: str
) -> dict[str, str]:
    """The rule every named record shares: a name given (`asked` says how), not another's
    (its length is the rule of every field, `field_problems`)."""
    name = text_of(values, "name")
    message = first_problem(required(name, asked), name_taken(model, name, record, what))
    return {"name": message} if message else {}


TEXT_LIMIT = 20_000  # free text (notes, comments, a complaint's details): generous, not endless
# C0 control characters (NUL and the like come only from broken files and break spreadsheets)
# and lone surrogates (half a character, which no file can hold); shared with the reports.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a line break"}


def bad_characters(text: str, *, multi_line: bool) -> str | None:
    """A message naming the first character `text` may not hold (tab and line breaks are
    allowed where the field holds more than one line), or None."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None and not multi_line:
        found = _LINE_BREAKS.search(text)
    if found is None:
        return None
    char, where = found.group(), found.start() + 1
    if char in _NAMES:
        return f"Contains {_NAMES[char]} at character {where}: this is a one-line field."
    return f"Contains a control character (U+{ord(char):04X}) at character {where}."


@dataclass(frozen=True)
class DateRange:
    """The dates a record may hold: from the organisation's first year to some years ahead,
    so that a mistyped year (0026, 9999) is caught where it is entered."""

    first: date
    last: date

    def problem(self, value: date | datetime) -> str | None:
        day = value.date() if isinstance(value, datetime) else value
        if self.first <= day <= self.last:
            return None
        return (
            f"{day_text(day)} is outside the dates Rapport accepts ({day_text(self.first)} to "
            f"{day_text(self.last)}; Settings can change them)."
        )


def field_problems(
    model: type[Record], values: Mapping[str, Any], dates: DateRange
) -> dict[str, str]:
    """The rules every field of its type follows, whatever the record: text within its length
    and free of control characters, dates within `dates` (except those the record works out)."""
    problems: dict[str, str] = {}
    fields = model._meta.fields
    derived = getattr(model, "derived_fields", frozenset())
    for name, value in values.items():
        field = fields.get(name)
        if field is None or value is None or isinstance(field, ChoiceField):
            continue
        message = None
        if isinstance(value, str) and isinstance(field, TextField):
            message = first_problem(
                bad_characters(value, multi_line=True), too_long(value, TEXT_LIMIT)
            )
        elif isinstance(value, str) and isinstance(field, CharField):
            message = first_problem(
                bad_characters(value, multi_line=False), too_long(value, field.max_length)
            )
        elif isinstance(value, date) and isinstance(field, DateField | DateTimeField):
            message = None if name in derived else dates.problem(value)
        if message:
            problems[name] = message
    return problems
