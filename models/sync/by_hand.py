"""What a person does about sync in the window beyond what the engine does: settle a conflict
by typing the value, or give the team server's new address. Nothing here knows Qt."""

from __future__ import annotations

from peewee import CharField, TextField

from models.base import ChoiceField, database
from models.sync import state
from models.sync.state import OpenConflict

LINE = "line"  # one line of text: a name, a job title
TEXT = "text"  # several lines: details, a response


def typed_as(conflict: OpenConflict) -> str | None:
    """How a person may type a conflict's settled value: LINE, TEXT, or None where it is
    not text (a date, a choice, a linked record, a deletion): those are settled by keeping one
    side, then changing the record in its list if need be."""
    column = conflict.column
    if conflict.about_deletion or isinstance(column, ChoiceField):
        return None
    if isinstance(column, TextField):
        return TEXT
    if isinstance(column, CharField):
        return LINE
    return None


def move_address(url: str) -> None:
    """The team server's address, corrected (the same server, moved or renamed: Test
    connection has shown that this folder syncs with the server at `url`)."""
    with database.atomic():
        state.put("url", url)
