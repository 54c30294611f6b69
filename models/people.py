"""The team's members as stored, and who of them is at the keyboard.

Kept apart from their rules (models/team.py) so that the audit trail, which every operation
writes, can name the member who made a change without an import circle.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from peewee import CharField, Field, Node, fn

from models.base import ChoiceField, SoftDeleteRecord
from models.choices import MemberRole


class Member(SoftDeleteRecord):
    """One person of the team."""

    name = CharField(max_length=200, unique=True)
    email = CharField(max_length=254, default="")
    role = ChoiceField(MemberRole, default=MemberRole.TEAM_MEMBER)

    def __str__(self) -> str:
        return self.name


def name_or_login(key: Field, login: Field) -> Node:
    """Who made an entry, as a person reads it: the member's name as it is now, else the login
    an entry made before there was a team recorded (for the audit trail and the timeline)."""
    return fn.COALESCE(Member.select(Member.name).where(Member.id == key), login)


_at_keyboard: uuid.UUID | None = None


def member_at_keyboard() -> uuid.UUID | None:
    """The member this data folder's user is (chosen on first run and in Settings): whose
    name the audit trail and a complaint's timeline record. None before there is a team."""
    return _at_keyboard


def set_member_at_keyboard(member_id: uuid.UUID | str | None) -> None:
    global _at_keyboard
    _at_keyboard = None if member_id is None else uuid.UUID(str(member_id))


@contextmanager
def at_keyboard(member_id: uuid.UUID | str | None) -> Iterator[None]:
    """`member_id` at the keyboard for the duration (tests; a command run for someone)."""
    before = _at_keyboard
    set_member_at_keyboard(member_id)
    try:
        yield
    finally:
        set_member_at_keyboard(before)
