"""A member's modified Rapport (or psql) pushing what Rapport never would: the server and
every other laptop stay whole. Each bad value is refused and said; syncs go on; a confidential
complaint's words stay with those who may read them."""

from __future__ import annotations

import uuid
from datetime import datetime

import psycopg
import pytest
from psycopg.types.json import Jsonb

from desktop.cli import EXIT_OK
from desktop.sync.server import PROTOCOL
from models.choices import CustomerKind
from models.operations import create
from models.organisation import SETTINGS_ID, get_settings
from models.register import Customer, Department

SECRET = "Bullied by the night manager"


@pytest.fixture
def published(team):
    """Priya's register (a customer in a department) on the server; Mal, a member whose
    Rapport has been tampered with."""
    priya = team.laptop(team.member("Priya Patel", confidential=True))
    with priya.open():
        finance, _ = create(Department, name="Finance")
        ann, _ = create(Customer, name="Ann", kind=CustomerKind.COLLEAGUE, department=finance.id)
    assert priya.sync("--publish") == EXIT_OK
    return priya, team.member_url(team.member("Mal Ory")), finance.id.hex, ann.id.hex


def push(url, *changes):
    with psycopg.connect(url, autocommit=True) as connection:
        (result,) = connection.execute(
            "SELECT rapport.push(%s, %s, %s)", (PROTOCOL, uuid.uuid4(), Jsonb(list(changes)))
        ).fetchone()
    return result


def change(kind, key, /, **fields):
    return {
        "kind": kind,
        "id": key,
        "version": None,
        "fields": {name: {"base": base, "value": value} for name, (base, value) in fields.items()},
    }


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("feedback", "nps", 10**30),  # more than SQLite holds
        ("customer", "updated_at", "2026-11-20 10:00:00+05:00"),  # a moment with a time zone
        ("customer", "kind", "emperor"),  # not a word of the list
        ("customer", "department_id", uuid.uuid4().hex),  # a department no one has
    ],
)
def test_a_value_rapport_never_writes_is_refused_and_syncs_go_on(published, kind, field, value):
    priya, mal, _, ann = published
    key = ann if kind == "customer" else uuid.uuid4().hex
    push(mal, change(kind, key, **{field: (None, value)}))
    assert priya.sync() == EXIT_OK
    assert priya.sync() == EXIT_OK  # and the next one too: nothing is wedged
    with priya.open():
        held = Customer.get(Customer.id == ann)
        assert held.kind == CustomerKind.COLLEAGUE and held.updated_at.tzinfo is None
        assert held.department.name == "Finance"


@pytest.mark.parametrize("resolve_within", [10**30, 10**12, -5])
def test_settings_from_the_server_pass_the_settings_rules(published, resolve_within):
    priya, mal, _, _ = published
    with priya.open():
        before = get_settings().resolve_within
    push(mal, change("settings", SETTINGS_ID.hex, resolve_within=(before, resolve_within)))
    assert priya.sync() == EXIT_OK
    with priya.open():
        assert get_settings().resolve_within == before


def test_only_links_and_closures_are_removed_outright(published):
    priya, mal, finance, _ = published
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="not a change Rapport"):
        push(mal, change("department", finance, _gone=(None, True)))
    assert priya.sync() == EXIT_OK


def test_a_member_without_the_role_can_neither_unseal_nor_overwrite_nor_probe(team):
    from models.complaint_lifecycle import log_complaint
    from models.complaints import Complaint

    priya = team.laptop(team.member("Priya Patel", confidential=True))
    mal = team.member_url(team.member("Mal Ory"))
    with priya.open():
        secret, _ = log_complaint(
            received_at=datetime(2026, 11, 20, 10), summary=SECRET, confidential=True
        )
    assert priya.sync("--publish") == EXIT_OK
    key = secret.id.hex
    said = push(
        mal,
        change("complaint", key, confidential=(1, 0), summary=(SECRET, SECRET)),  # a guess
    )
    assert {c["field"] for c in said["conflicts"]} == {"confidential", "summary"}
    assert all(c["theirs"] == "(confidential)" for c in said["conflicts"])
    with psycopg.connect(mal) as direct:
        text = " ".join(
            t for (t,) in direct.execute("SELECT fields::text FROM rapport.pull(0, 5000)")
        )
    assert "Bullied" not in text
    assert priya.sync() == EXIT_OK
    with priya.open():
        held = Complaint.get(Complaint.id == key)
        assert held.confidential and held.summary == SECRET
