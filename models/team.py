"""The people of the team: who does the work, owns it and is at the keyboard.

A member who leaves is retired (deleted softly), so the work and history that name them stay.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    name = " ".join(full_name.split())[:200] or "Me"
    member, _change = create(Member, name=name, role=MemberRole.ADMINISTRATOR)
    return member


def first_member() -> Member | None:
    """The member a data folder started with (the oldest still in the team)."""
    return Member.live().order_by(Member.created_at, Member.name).first()


def name_first_member(name: str) -> Change | None:
    """The first-run page's correction of the name the system gave: the first member renamed
    (or made, where there is none yet). None where nothing changes."""
    name = " ".join(name.split())
    member = first_member()
    if member is None:
        return create(Member, name=name, role=MemberRole.ADMINISTRATOR)[1]
    if member.name == name:
        return None
    return update(member, name=name)
