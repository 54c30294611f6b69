"""Small checks the validators share; each returns a message, or None when all is well."""

from __future__ import annotations

import re
from typing import Any

from peewee import fn

from models.base import Record, SoftDeleteRecord

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
    """The rule every named record shares: a name given (`asked` says how), not too long,
    not another's."""
    name = text_of(values, "name")
    message = first_problem(
        required(name, asked), too_long(name, 200), name_taken(model, name, record, what)
    )
    return {"name": message} if message else {}
