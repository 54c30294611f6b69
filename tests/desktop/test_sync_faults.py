"""Sync cut off where it hurts, against a real PostgreSQL (tests/postgres.py): a connection lost
before a push reaches the server and after the server committed it but before the laptop heard
so (a loopback proxy, tests/desktop/sync_proxy.py, cuts it), the server crashing mid-sync
(`pg_ctl -m immediate`), and Rapport itself killed (SIGKILL) mid-pull.

After each the sync says what happened in one line and exits 1, and a later sync converges:
both laptops hold the same team, the server's records agree with them, nothing is lost and
nothing is applied twice (one change on the server per record changed, one audit entry per
edit, no conflict that nobody made), and a push cut off never goes where it does not belong.
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK
from desktop.sync import client
from models.audit import AuditEntry
from models.base import database
from models.choices import CustomerKind
from models.db import PRAGMAS
from models.operations import create_many, restore, soft_delete, update
from models.register import Customer
from models.sync.state import status
from tests.desktop.sync_checks import (
    assert_converged,
    assert_nothing_waits,
    changes_since,
    pushes,
    server_conflicts,
    server_records,
    server_seq,
)
from tests.desktop.sync_helpers import Laptop, Team, customer, new_customer
from tests.desktop.sync_proxy import Cut, Proxy

KEY = "ab" * 32
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def pair(team):
    """Priya publishes Ann Lee of Finance; Sam joins."""
    return team.pair()


@pytest.fixture
def proxy(postgres_cluster):
    with Proxy(postgres_cluster.port) as relay:
        yield relay
    assert not relay.errors, relay.errors


def through(proxy: Proxy, laptop: Laptop) -> Laptop:
    """The same laptop, reaching the server through the proxy."""
    return Laptop(laptop.folder, proxy.url(laptop.url), laptop.login)


def said_in_one_line(capsys) -> str:
    """What the failed sync printed: one line on standard error, no traceback."""
    error = capsys.readouterr().err.strip()
    assert error.startswith("rapport: ") and "\n" not in error, error
    assert "Traceback" not in error
    return error


def audit_entries(laptop: Laptop, record_id: str, field: str = "") -> int:
    """How many audit entries the laptop holds for one field of one record."""
    with laptop.open():
        return (
            AuditEntry.select()
            .where(AuditEntry.record_id == record_id, AuditEntry.field == field)
            .count()
        )


# ------------------------------------------------------------------ the proxy cuts


def ann_phoned_and_bob_added(priya, team) -> tuple[str, str, int, int]:
    """Priya's work waiting to go: Ann's new phone and Bob; their keys, and where the
    server's change log and pushes stood."""
    with priya.open():
        ann = customer("Ann Lee")
        update(ann, phone="4455")
        bob = new_customer("Bob Hart")
    return ann.id.hex, bob.id.hex, server_seq(team), pushes(team)


def test_a_push_cut_off_before_the_server_has_it_goes_with_the_next_sync(pair, team, proxy, capsys):
    """The connection drops as Priya's push (Ann's new phone, Bob new) leaves: the server
    never has it, the sync says so in one line, and the next sync takes it, once."""
    priya, sam = pair
    ann_id, bob_id, seq, pushed = ann_phoned_and_bob_added(priya, team)
    proxy.arm(b"rapport.push", Cut.REQUEST)
    capsys.readouterr()
    assert through(proxy, priya).sync() == EXIT_FAILED
    proxy.wait()
    assert "connection to the team server was lost" in said_in_one_line(capsys)
    assert (server_seq(team), pushes(team)) == (seq, pushed)  # nothing reached it
    with priya.open():
        assert status().waiting == 2  # Ann's change and Bob: still waiting

    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    assert_converged(team, priya, sam)
    assert_nothing_waits(priya, sam)
    changed = changes_since(team, seq)
    assert changed[("customer", ann_id)] == changed[("customer", bob_id)] == 1
    assert set(changed.values()) == {1}  # every record once: the audit entries too
    assert audit_entries(sam, ann_id, "phone") == 1
    assert server_conflicts(team) == []


def test_a_push_whose_answer_is_lost_is_not_applied_twice(pair, team, proxy, capsys):
    """The server commits Priya's push, and the connection drops before its answer reaches
    her: the next sync sends it again, and the server changes nothing a second time."""
    priya, sam = pair
    ann_id, bob_id, seq, pushed = ann_phoned_and_bob_added(priya, team)
    proxy.arm(b"rapport.push", Cut.REPLY)
    capsys.readouterr()
    assert through(proxy, priya).sync() == EXIT_FAILED
    proxy.wait()
    assert "connection to the team server was lost" in said_in_one_line(capsys)
    assert pushes(team) == pushed + 1 and server_seq(team) > seq  # the server committed it

    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    assert_converged(team, priya, sam)
    assert_nothing_waits(priya, sam)
    changed = changes_since(team, seq)
    assert changed[("customer", ann_id)] == changed[("customer", bob_id)] == 1
    assert set(changed.values()) == {1}
    assert audit_entries(sam, ann_id, "phone") == audit_entries(priya, ann_id, "phone") == 1
    with sam.open():
        assert customer("Ann Lee").phone == "4455" and customer("Bob Hart")
    assert server_conflicts(team) == []


def test_an_edit_made_after_a_lost_answer_is_no_conflict_with_oneself(pair, team, proxy, capsys):
    """The push went in but its answer was lost; Priya goes on editing the same field before
    the next sync. Her own earlier value on the server is no one else's: no conflict, and her
    latest value reaches the team."""
    priya, sam = pair
    with priya.open():
        update(customer("Ann Lee"), phone="4455")
    proxy.arm(b"rapport.push", Cut.REPLY)
    assert through(proxy, priya).sync() == EXIT_FAILED
    proxy.wait()
    with priya.open():
        update(customer("Ann Lee"), phone="5566")
    capsys.readouterr()
    assert priya.sync() == EXIT_OK
    assert "conflict" not in capsys.readouterr().out
    assert sam.sync() == EXIT_OK
    assert_converged(team, priya, sam)
    assert_nothing_waits(priya, sam)
    with sam.open():
        assert customer("Ann Lee").phone == "5566"
    assert server_conflicts(team) == []


@pytest.mark.parametrize("cut", [Cut.REQUEST, Cut.REPLY])
def test_an_edit_put_back_after_a_cut_off_push_is_put_back_everywhere(pair, team, proxy, cut):
    """Priya's push (Ann's new phone, Ann deleted) is cut off, before or after the server has
    it; she puts both back before the next sync. Whatever the server took of the push that
    was cut off, it ends as she left it, as does every laptop."""
    priya, sam = pair
    with priya.open():
        update(customer("Ann Lee"), phone="4455")
        soft_delete(customer("Ann Lee"))
    proxy.arm(b"rapport.push", cut)
    assert through(proxy, priya).sync() == EXIT_FAILED
    proxy.wait()
    with priya.open():
        restore(customer("Ann Lee"))
        update(customer("Ann Lee"), phone="")
    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    assert priya.sync() == EXIT_OK
    assert_converged(team, priya, sam)
    with sam.open():
        ann = customer("Ann Lee")
        assert (ann.phone, ann.deleted_at) == ("", None)
    assert_nothing_waits(priya, sam)


def test_a_push_whose_answer_is_lost_does_not_conflict_with_a_later_edit_built_on_it(
    pair, team, proxy, capsys
):
    """Priya's push went in, its answer lost; Sam pulls her value and changes it again. When
    Priya syncs, Sam's change was made on top of hers: no conflict."""
    priya, sam = pair
    with priya.open():
        update(customer("Ann Lee"), phone="4455")
    proxy.arm(b"rapport.push", Cut.REPLY)
    assert through(proxy, priya).sync() == EXIT_FAILED
    assert sam.sync() == EXIT_OK
    with sam.open():
        assert customer("Ann Lee").phone == "4455"
        update(customer("Ann Lee"), phone="7788")
    assert sam.sync() == EXIT_OK
    capsys.readouterr()
    assert priya.sync() == EXIT_OK
    assert "conflict" not in capsys.readouterr().out
    assert_converged(team, priya, sam)
    assert_nothing_waits(priya, sam)
    with priya.open():
        assert customer("Ann Lee").phone == "7788"
    assert server_conflicts(team) == []


def test_a_push_cut_off_is_not_sent_to_another_team_joined_meanwhile(
    pair, team, proxy, postgres_cluster, tmp_path, capsys
):
    """Priya's push never reached her team's server; she then joins another team's server,
    replacing her register with theirs. What she had kept for the first server must not go to
    the second: it would hold a customer her laptop no longer has."""
    priya, _ = pair
    with priya.open():
        new_customer("Bob Hart")
    proxy.arm(b"rapport.push", Cut.REQUEST)
    assert through(proxy, priya).sync() == EXIT_FAILED
    proxy.wait()
    other = Team(postgres_cluster, postgres_cluster.create_database(f"{team.database}_b"), tmp_path)
    carl = other.laptop(other.member("Carl Diaz"))
    with carl.open():
        new_customer("Dee Ray")
    assert carl.sync("--publish") == EXIT_OK
    other.member("Priya Patel")
    moved = Laptop(priya.folder, other.url, f"priya_{other.suffix}")
    assert moved.sync("--join", "--replace-mine") == EXIT_OK
    assert carl.sync() == EXIT_OK
    assert {row["name"] for row in server_records(other, "customer").values()} == {"Dee Ray"}
    assert_converged(other, moved, carl)


# ------------------------------------------------------------------ the server crashes


def crash(cluster):
    """What makes the server crash and start again: `pg_ctl stop -m immediate` (no
    shutdown: recovery from the write-ahead log on starting), then `pg_ctl start`."""
    return functools.partial(cluster.restart, "immediate")


def test_the_server_crashing_mid_pull_loses_nothing(
    pair, team, proxy, postgres_cluster, monkeypatch, capsys
):
    """Sam pulls page by page; the server crashes (`pg_ctl -m immediate`) as he asks for the
    second page. He keeps the first; the next sync takes the rest."""
    priya, sam = pair
    with priya.open():
        names = [f"Customer {number:02}" for number in range(12)]
        for name in names:
            new_customer(name)
    assert priya.sync() == EXIT_OK
    with sam.open():
        before = int(client.state.last_seq())
    monkeypatch.setattr(client, "PAGE", 5)
    proxy.arm(b"rapport.pull", Cut.REQUEST, nth=2, then=crash(postgres_cluster))
    capsys.readouterr()
    assert through(proxy, sam).sync() == EXIT_FAILED
    proxy.wait()  # the server is up again
    said_in_one_line(capsys)
    with sam.open():
        assert int(client.state.last_seq()) == before + 5  # the first page, and no more
        held = {c.name for c in Customer.select()}
        assert 0 < len(held & set(names)) < len(names)
    assert sam.sync() == EXIT_OK
    assert priya.sync() == EXIT_OK
    tables = assert_converged(team, priya, sam)
    assert {row["name"] for row in tables["customer"].values()} >= set(names)
    assert_nothing_waits(priya, sam)


@pytest.mark.parametrize(
    "cut", [Cut.AFTER_SENDING, Cut.REPLY], ids=["while-it-works", "once-it-committed"]
)
def test_the_server_crashing_during_a_push_loses_nothing(
    pair, team, proxy, postgres_cluster, capsys, cut
):
    """A push of 500 records goes to the server, which crashes while it works on it (its
    transaction is then rolled back, unless it was quick enough to commit), or once it has
    committed but before its answer left: either way the next sync sends what is missing,
    once."""
    priya, sam = pair
    with priya.open(), database.atomic():
        rows = [
            {"name": f"Bulk {number:04}", "kind": CustomerKind.COLLEAGUE} for number in range(400)
        ]
        create_many(Customer, rows)
    seq, pushed = server_seq(team), pushes(team)
    proxy.arm(b"rapport.push", cut, then=crash(postgres_cluster))
    capsys.readouterr()
    assert through(proxy, priya).sync() == EXIT_FAILED
    proxy.wait()
    said_in_one_line(capsys)
    if cut is Cut.REPLY:
        assert pushes(team) == pushed + 1  # committed before the crash
    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    tables = assert_converged(team, priya, sam)
    assert len(tables["customer"]) == 401
    assert_nothing_waits(priya, sam)
    assert set(changes_since(team, seq).values()) == {1}
    assert len(changes_since(team, seq)) == 800  # 400 customers and their audit entries


# ------------------------------------------------------------------ Rapport killed


def last_seq_of(folder: Path) -> int:
    """The laptop's last pulled change, read beside the process that writes it."""
    from playhouse.sqlcipher_ext import sqlcipher

    connection = sqlcipher.connect(str(folder / "rapport.db"), timeout=5)
    try:
        connection.execute(f"PRAGMA key = \"x'{KEY}'\"")
        connection.execute(f"PRAGMA busy_timeout = {PRAGMAS['busy_timeout']}")
        row = connection.execute("SELECT value FROM sync_state WHERE key = 'last_seq'").fetchone()
        return int(row[0]) if row else 0
    finally:
        connection.close()


def test_rapport_killed_mid_pull_takes_the_rest_with_the_next_sync(pair, team):
    """Sam's `sync` (the command, in a process of its own) pulls thousands of changes in
    pages; it is killed (SIGKILL; TerminateProcess on Windows) once the first page is in. The
    next sync takes the rest, each once."""
    priya, sam = pair
    with priya.open(), database.atomic():
        rows = [
            {"name": f"Bulk {number:04}", "kind": CustomerKind.COLLEAGUE} for number in range(2500)
        ]
        create_many(Customer, rows)
    assert priya.sync() == EXIT_OK
    before = last_seq_of(sam.folder)
    newest = server_seq(team)
    assert newest - before > 2 * client.PAGE  # three pages at least
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, str(ROOT / "main.py"), "--data-dir", str(sam.folder)]
    command += ["sync", "--url", sam.url, "--login", sam.login]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while last_seq_of(sam.folder) == before:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the first page never came"
            time.sleep(0.005)
    finally:
        process.kill()  # SIGKILL: no handler, no clean-up, as a power cut or Task Manager
        process.communicate()
    if os.name != "nt":
        assert process.returncode == -signal.SIGKILL
    reached = last_seq_of(sam.folder)
    assert before < reached < newest  # killed mid-pull
    assert sam.sync() == EXIT_OK
    assert last_seq_of(sam.folder) == newest
    tables = assert_converged(team, priya, sam)
    assert len(tables["customer"]) == 2501
    assert_nothing_waits(priya, sam)
