"""The team's members as stored, and who of them is at the keyboard.

Kept apart from their rules (models/team.py) so that the audit trail, which every operation
writes, can name the member who made a change without an import circle.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from peewee import CharField, Field, Node, fn

from models.base import ChoiceField, SoftDeleteRecord
from models.choices import MemberRole
from models.text import FOLDED


class Member(SoftDeleteRecord):
    """One person of the team."""

    name = CharField(max_length=200, unique=True)
    email = CharField(max_length=254, default="")
    role = ChoiceField(MemberRole, default=MemberRole.TEAM_MEMBER)

    def __str__(self) -> str:
        return self.name

    @property
    def shown(self) -> str:
        """The name as lists and records show it: marked once the member has left the team
        (their work waits to be passed on)."""
        return shown_name(self.name, left=self.deleted_at is not None)


def shown_name(name: str, *, left: bool) -> str:
    return f"{name} (left the team)" if left else name


def name_or_login(key: Field, login: Field) -> Node:
    """Who made an entry, as a person reads it: the member's name as it is now, else the login
    an entry made before there was a team recorded (for the audit trail and the timeline)."""
    return fn.COALESCE(Member.select(Member.name).where(Member.id == key), login)


def owner_problems(
    values: Mapping[str, Any],
    record: Any,
    field: str = "owner",
    *,
    needed: str | None = None,
    finished: bool = False,
) -> dict[str, str]:
    """The rule of every owner (and "looked after by"): when it changes, someone still in the
    team, unless the work is `finished` (history names who did it, whoever has left since);
    and once a record has one, taken away only where it is optional (`needed` names the record
    that must keep one: "A complaint")."""
    new = _key(values.get(field))
    old = _key(getattr(record, f"{field}_id", None)) if record is not None else None
    if new == old and record is not None:
        return {}
    if new is None:
        # a new one left without an owner on purpose (a blank form field or file cell), while
        # the team has someone to own it; one made before there were owners keeps none
        emptied = old is not None or (record is None and field in values and _a_team())
        if needed and emptied:
            return {field: f"{needed} needs an owner: choose who in the team deals with it."}
        return {}
    member = Member.get_or_none(Member.id == new)
    if member is None:
        return {field: "There is no such member of the team."}
    if member.deleted_at is not None and not finished:
        return {field: f"{member.name} has left the team: choose someone still in it."}
    return {}


def _a_team() -> bool:
    return Member.live().exists()


def you_in_the_team() -> uuid.UUID | None:
    """The member at the keyboard while they are still in the team: whose new work is."""
    you = member_at_keyboard()
    if you is None or not Member.live().where(Member.id == you).exists():
        return None
    return you


def _key(value: Any) -> uuid.UUID | None:
    """A member, its key or its hex key, as a key."""
    value = getattr(value, "id", value)
    if value in (None, ""):
        return None
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return uuid.UUID(int=0)  # no member has it: "no such member"


def owner_choices() -> list[tuple[str, str]]:
    """(name, key) of everyone who may be named as an owner: the team, then those who have left
    (so that a record they still own shows them; choosing one is refused by the rule)."""
    query = Member.select(Member.name, Member.id, Member.deleted_at).order_by(
        Member.deleted_at.is_null(False), Member.name.collate(FOLDED)
    )
    return [
        (shown_name(name, left=left is not None), key.hex) for name, key, left in query.tuples()
    ]


MINE = "mine"  # an owner filter's word for the member at the keyboard
NOBODY = "nobody"  # … and for work no one owns yet


def owned_by(field: Field, who: Any) -> Node:
    """The condition of an owner filter: `who` is a member's key, MINE or NOBODY."""
    if who == NOBODY:
        return field.is_null()
    key = member_at_keyboard() if who == MINE else _key(who)
    return field == key if key is not None else field.in_([])  # no one at the keyboard: none


def member_name(field: Field) -> Node:
    """The name of the member `field` holds, as a list's column (members are few: a lookup by
    key per row costs less than a join every list would have to alias)."""
    # in a function, so that peewee does not read the name back as the key it compares
    return fn.COALESCE(Member.select(Member.name).where(Member.id == field), "")


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
