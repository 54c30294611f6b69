"""The people of the team: who does the work, owns it and is at the keyboard.

A member who leaves is retired (deleted softly), so the work and history that name them stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from peewee import fn

from models.choices import MemberRole
from models.listing import ListColumn, Listing
from models.operations import Change, Problems, create, update, validates
from models.people import Member
from models.text import FOLDED
from models.validation import bad_email, name_problems, text_of


@validates(Member)
def member_problems(values: Mapping[str, Any], record: Member | None) -> Problems:
    problems = name_problems(Member, values, record, "team member", "the member's name")
    email = bad_email(text_of(values, "email"))
    if email:
        problems["email"] = email
    return problems


MEMBER_LISTING = Listing(
    model=Member,
    columns=(
        ListColumn(
            "name", Member.name, searchable=True, sort_expression=Member.name.collate(FOLDED)
        ),
        ListColumn("role", Member.role, searchable=True),
        ListColumn("email", Member.email, searchable=True),
    ),
    default_sort="name",
)


def member_choices() -> list[tuple[str, str]]:
    """(name, key) of the members still in the team, for pick lists."""
    query = Member.live(Member.name, Member.id).order_by(Member.name.collate(FOLDED))
    return [(name, key.hex) for name, key in query.tuples()]


def ensure_first_member(full_name: str) -> Member | None:
    """A new data folder's team starts with the person who made it (their name as the
    operating system knows it, which the first-run page lets them correct); None where the
    team has members already."""
    if Member.select().exists():
        return None
    return _founder(full_name)[0]


def member_for_your_name(name: str, you: Member | None) -> tuple[Member, Change | None]:
    """Who the first-run page's "Your name" means: a member already called so (chosen, never
    renamed: a colleague keeps their record), else `you` renamed, else a new member (an
    administrator: they set the folder up). Returns the member and what changed."""
    name = " ".join(name.split())
    taken = Member.live().where(fn.LOWER(Member.name) == name.lower()).first()
    if taken is not None:
        return taken, None
    if you is not None:
        return you, update(you, name=name)
    return _founder(name)


def _founder(name: str) -> tuple[Member, Change]:
    """The member who sets a data folder up: an administrator of its team."""
    return create(Member, name=" ".join(name.split()), role=MemberRole.ADMINISTRATOR)


def demo_lead() -> Member | None:
    """Who a user plays in the demo organisation: its team leader."""
    return Member.live().where(Member.role == MemberRole.TEAM_LEADER).order_by(Member.name).first()


def member_by_name_or_email(text: str) -> Member | None:
    """The member `text` names, as a person writes one in a list: see `TeamIndex.find`."""
    return TeamIndex().find(text)


class TeamIndex:
    """Every member, those who have left too, read once to find many by what a file writes
    (an import's owners); members are few."""

    def __init__(self) -> None:
        self.by_name: dict[str, Member] = {}
        self.by_email: dict[str, list[Member]] = {}
        # those still in the team last, so that they win where two names differ only in case
        order = (Member.deleted_at.is_null(), Member.name)
        for member in Member.select().order_by(*order):
            self.by_name[_tidied(member.name)] = member
            if member.email.strip():
                self.by_email.setdefault(member.email.strip().casefold(), []).append(member)

    def find(self, text: str) -> Member | None:
        """By name (case and spacing aside), else by email (case aside), one still in the team
        before one who has left. None for no one, and where several in the team share the
        email: only their names tell them apart (`sharing` says how many)."""
        named = self.by_name.get(_tidied(text))
        if named is not None:
            return named
        with_email = self.by_email.get(text.strip().casefold(), [])
        in_team = [member for member in with_email if member.deleted_at is None]
        if len(in_team) > 1:
            return None
        return in_team[0] if in_team else next(iter(with_email), None)

    def sharing(self, email: str) -> int:
        """How many members still in the team have `email`."""
        with_email = self.by_email.get(email.strip().casefold(), [])
        return sum(member.deleted_at is None for member in with_email)


def _tidied(name: str) -> str:
    return " ".join(name.split()).casefold()
