"""Three laptops and a real team server (tests/postgres.py), driven by Hypothesis in random order:
edits of a customer's fields, new customers, deletions and restorations, conflicts settled
("keep mine"), laptops going offline and coming back, syncs, and syncs cut off by the network
(the push lost on its way, or its answer lost after the server committed it).

After a final quiet round (everyone online, each laptop syncing twice, in turn):
- every laptop holds the same team, table by table, and the server's customers are theirs;
- nothing waits in any outbox, and every customer made anywhere is everywhere;
- every edit a laptop sent is either in the server's history (the record held that value when
  the laptop first tried to send it, or later) or recorded as a conflict on that laptop, with
  that value as its "mine": nothing is lost without a trace.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from psycopg import sql

from desktop.cli import EXIT_FAILED, EXIT_OK
from models.base import database
from models.choices import CustomerKind
from models.operations import create, restore, soft_delete, update
from models.register import Customer
from models.sync.state import open_conflicts, resolve
from models.sync.tables import SyncConflict
from tests.desktop.sync_checks import assert_converged, assert_nothing_waits, server, server_seq
from tests.desktop.sync_helpers import PASSWORD, Laptop, Team, customer
from tests.desktop.sync_proxy import Cut, Proxy

LAPTOPS = 3
# few values, so that two laptops often choose the same one, or differ
WORDS = st.sampled_from(("", "A", "B", "C"))
VALUES = {
    "phone": st.sampled_from(("", "111", "222", "333")),
    "job_title": WORDS,
    "location": WORDS,
    "notes": WORDS,
}
UNREACHABLE = "postgresql://127.0.0.1:1/nowhere?sslmode=disable"

who = st.integers(0, LAPTOPS - 1)
pick = st.integers(0, 1_000)  # which of the laptop's records, by name (modulo how many)
change = st.sampled_from(sorted(VALUES)).flatmap(
    lambda column: st.tuples(st.just(column), VALUES[column])
)


@dataclass
class Waiting:
    """A field a laptop changed and has not yet sent: its value before the first change and
    now, and the server's last change number when a sync first tried to send it."""

    before: Any
    after: Any
    since: int | None = None


@dataclass(frozen=True)
class Sent:
    """A field's value a laptop sent, and the server's last change number before it did."""

    laptop: int
    key: str
    field: str
    value: Any
    seq: int


def stored(key: str, column: str) -> Any:
    """A customer's column as the database stores it (what goes to the server)."""
    query = f'SELECT "{column}" FROM customer WHERE id = ?'
    return database.execute_sql(query, (key,)).fetchone()[0]


class TeamOfThree(RuleBasedStateMachine):
    def __init__(self, cluster, tmp_path, proxy: Proxy) -> None:
        super().__init__()
        self.cluster, self.proxy = cluster, proxy
        name = f"prop_{uuid.uuid4().hex[:12]}"
        self.team = Team(cluster, cluster.create_database(name), tmp_path / name)
        self.team.tmp_path.mkdir()
        logins = [self.team.member(f"{first} Member") for first in ("Priya", "Sam", "Kim")]
        self.laptops = [self.team.laptop(login) for login in logins]
        self.online = [True] * LAPTOPS
        self.waiting: list[dict[tuple[str, str], Waiting]] = [{} for _ in range(LAPTOPS)]
        self.sent: list[Sent] = []
        self.made: set[str] = set()
        with self.laptops[0].open():
            for _ in range(3):
                self._new()
        assert self.laptops[0].sync("--publish") == EXIT_OK
        for laptop in self.laptops[1:]:
            assert laptop.sync("--join") == EXIT_OK

    # ------------------------------------------------------------------ helpers

    def _new(self) -> None:
        name = f"Customer {len(self.made)}"
        record, _ = create(Customer, name=name, kind=CustomerKind.COLLEAGUE)
        self.made.add(record.id.hex)

    def _edited(self, laptop: int, key: str, column: str, before: Any, after: Any) -> None:
        waiting = self.waiting[laptop].setdefault((key, column), Waiting(before, after))
        waiting.after = after

    @staticmethod
    def _choose(records: list[Customer], index: int) -> Customer | None:
        return records[index % len(records)] if records else None

    def _tried(self, laptop: int, seq: int) -> None:
        """A sync of `laptop` began when the server's last change was `seq`."""
        for waiting in self.waiting[laptop].values():
            if waiting.since is None:
                waiting.since = seq

    def _done(self, laptop: int) -> None:
        """The laptop's sync went through: everything it waited to send is sent."""
        for (key, column), waiting in self.waiting[laptop].items():
            if waiting.after != waiting.before:  # else put back as it was: nothing to send
                self.sent.append(Sent(laptop, key, column, waiting.after, waiting.since))
        self.waiting[laptop] = {}

    def _sync(self, laptop: int) -> None:
        machine = self.laptops[laptop]
        if not self.online[laptop]:  # the server cannot be reached: nothing changes
            assert Laptop(machine.folder, UNREACHABLE, machine.login).sync() == EXIT_FAILED
            return
        self._tried(laptop, server_seq(self.team))
        assert machine.sync() == EXIT_OK
        self._done(laptop)

    # ------------------------------------------------------------------ rules

    @rule(laptop=who, index=pick, change=change)
    def edit(self, laptop, index, change):
        column, value = change
        with self.laptops[laptop].open():
            record = self._choose(list(Customer.live().order_by(Customer.name)), index)
            if record is None:
                return
            key = record.id.hex
            before = stored(key, column)
            update(record, **{column: value})
            self._edited(laptop, key, column, before, stored(key, column))

    @rule(laptop=who)
    def add(self, laptop):
        with self.laptops[laptop].open():
            self._new()

    @rule(laptop=who, index=pick)
    def delete(self, laptop, index):
        with self.laptops[laptop].open():
            record = self._choose(list(Customer.live().order_by(Customer.name)), index)
            if record is None:
                return
            key = record.id.hex
            soft_delete(record)
            self._edited(laptop, key, "deleted_at", None, stored(key, "deleted_at"))

    @rule(laptop=who, index=pick)
    def restore(self, laptop, index):
        with self.laptops[laptop].open():
            deleted = Customer.select().where(Customer.deleted_at.is_null(False))
            record = self._choose(list(deleted.order_by(Customer.name)), index)
            if record is None:
                return
            key = record.id.hex
            before = stored(key, "deleted_at")
            restore(record)
            self._edited(laptop, key, "deleted_at", before, None)

    @rule(laptop=who)
    def keep_mine(self, laptop):
        """The laptop's oldest open conflict settled "keep mine": an ordinary edit."""
        with self.laptops[laptop].open():
            found = open_conflicts()
            if not found:
                return
            conflict = found[0]
            before = stored(conflict.record_id, conflict.field)
            resolve(conflict.id, "mine")
            after = stored(conflict.record_id, conflict.field)
            if after != before:
                self._edited(laptop, conflict.record_id, conflict.field, before, after)

    @rule(laptop=who)
    def go_offline_or_back(self, laptop):
        self.online[laptop] = not self.online[laptop]

    @rule(laptops=st.lists(who, min_size=1, max_size=LAPTOPS, unique=True))
    def sync(self, laptops):
        """Some of the laptops sync, in this order (offline ones fail and change nothing)."""
        for laptop in laptops:
            self._sync(laptop)

    @rule(laptop=who, cut=st.sampled_from((Cut.REQUEST, Cut.REPLY)))
    def sync_cut_off(self, laptop, cut):
        """A sync whose first push is lost on its way to the server, or whose answer is lost
        after the server committed it. With nothing to push, it is a sync like any other."""
        if not self.online[laptop]:
            return
        machine = self.laptops[laptop]
        self._tried(laptop, server_seq(self.team))
        cuts = self.proxy.cuts
        self.proxy.arm(b"rapport.push", cut)
        said = Laptop(machine.folder, self.proxy.url(machine.url), machine.login).sync()
        self.proxy.disarm()
        if self.proxy.cuts == cuts:
            assert said == EXIT_OK
            self._done(laptop)
        else:
            assert said == EXIT_FAILED

    # ------------------------------------------------------------------ the end

    def teardown(self) -> None:
        try:
            self.online = [True] * LAPTOPS
            for _ in range(2):
                for laptop in range(LAPTOPS):
                    self._sync(laptop)
            tables = assert_converged(self.team, *self.laptops)
            assert_nothing_waits(*self.laptops, conflicts=True)
            assert self.made <= set(tables["customer"])
            self._every_edit_applied_or_a_conflict()
        finally:
            self._drop()

    def _every_edit_applied_or_a_conflict(self) -> None:
        histories = self._histories()
        mine = [self._conflicts(laptop) for laptop in self.laptops]
        for sent in self.sent:
            history = histories.get(sent.key, [])
            # the record as it stood when the laptop first tried to send, and after that
            later = [i for i, (seq, _) in enumerate(history) if seq > sent.seq]
            start = max(0, (later[0] if later else len(history)) - 1)
            held = [fields.get(sent.field) for _, fields in history[start:]]
            conflicted = (sent.key, sent.field, json.dumps(sent.value)) in mine[sent.laptop]
            assert sent.value in held or conflicted, (sent, held)

    def _histories(self) -> dict[str, list[tuple[int, dict[str, Any]]]]:
        """Each customer's states on the server: after each change, in order."""
        with server(self.team) as connection:
            rows = connection.execute(
                "SELECT seq, replace(id::text, '-', ''), fields FROM rapport.change "
                "WHERE kind = 'customer' ORDER BY seq"
            ).fetchall()
        histories: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        for seq, key, fields in rows:
            states = histories.setdefault(key, [])
            now = {**(states[-1][1] if states else {}), **fields}
            states.append((seq, now))
        return histories

    @staticmethod
    def _conflicts(laptop: Laptop) -> set[tuple[str, str, str]]:
        """Every conflict the laptop recorded, settled or not: (key, field, mine as JSON)."""
        with laptop.open():
            rows = SyncConflict.select().where(SyncConflict.kind == "customer")
            return {(row.record_id, row.field, row.mine) for row in rows}

    def _drop(self) -> None:
        with psycopg.connect(self.cluster.url(), autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(self.team.database)
                )
            )


def test_three_laptops_syncing_in_any_order_converge_and_lose_no_edit(
    postgres_cluster, tmp_path, monkeypatch
):
    monkeypatch.setenv("RAPPORT_SYNC_PASSWORD", PASSWORD)
    monkeypatch.setenv("RAPPORT_DB_KEY", "ab" * 32)
    with Proxy(postgres_cluster.port) as proxy:
        run_state_machine_as_test(
            lambda: TeamOfThree(postgres_cluster, tmp_path, proxy),
            settings=settings(
                max_examples=max(settings.default.max_examples, 20),
                stateful_step_count=20,
                deadline=None,
                # neither shrinking nor explaining: each example sets up a team server (a
                # second), and the explain phase traces every line; a failing example is
                # shown whole (20 steps at most) within the suite's time-out
                phases=[Phase.explicit, Phase.reuse, Phase.generate],
            ),
        )
    assert not proxy.errors


# ---------------------------------------------------------------------- examples found by it


def test_a_value_changed_and_put_back_by_another_does_not_undo_ones_own_later_edit(team):
    """Sam changes Ann's phone and puts it back, syncing each time; Priya, who has seen
    neither, then changes it. Her push is applied (the server holds the value she started
    from); the pull that follows brings Sam's two changes, older than hers: her phone must
    stay hers, as on the server and on Sam's laptop."""
    priya, sam = team.pair()
    for phone in ("111", ""):
        with sam.open():
            update(customer("Ann Lee"), phone=phone)
        assert sam.sync() == EXIT_OK
    with priya.open():
        update(customer("Ann Lee"), phone="222")
    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    tables = assert_converged(team, priya, sam)
    assert [row["phone"] for row in tables["customer"].values()] == ["222"]
    assert_nothing_waits(priya, sam)
