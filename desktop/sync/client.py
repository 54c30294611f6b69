"""One sync of a data folder with its team server: send what waits in the outbox, then take
every change after the last one seen, page by page. Publishing sends a whole register to an
empty server; joining takes the team's register as it stands at one moment.

Every page taken is applied and remembered in one local transaction, and every push is kept
(id and changes) until the server has answered it, so a sync cut off anywhere (the network, a
restarted server, a killed Rapport) picks up where it was: nothing applied twice, nothing lost.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import psycopg

from desktop.session import choose_you
from desktop.sync.connection import ServerError, connect, said_in_one_line, shown_address
from desktop.sync.server import PROTOCOL
from models import clock
from models.base import database
from models.errors import KnownError, Progress
from models.people import Member
from models.schema import BY_KIND, SYNCED_KINDS, TEAM_MODELS
from models.sync import outbox, state
from models.sync.apply import Applied, apply_changes, apply_snapshot, bulk_loading, hex_key
from models.sync.tracking import set_tracking, untracked

PAGE = 2000  # changes taken from the server at a time
BATCH = 500  # records sent in one push
PUBLISH_BATCH = 2000  # records new to the team, sent in one push


class Mode(StrEnum):
    SYNC = "sync"
    PUBLISH = "publish"
    JOIN = "join"


class Mine(StrEnum):
    """What a laptop that holds its own register does with it on joining a team's."""

    REPLACE = "replace"  # after a backup, the team's register only
    ADD = "add"  # mine added to the team's


@dataclass
class Outcome:
    """What one sync did: what the command prints and the status bar tells."""

    sent: int = 0
    received: int = 0
    conflicts: int = 0
    applied: Applied = field(default_factory=Applied)
    waiting: int = 0

    def said(self) -> str:
        parts = [f"Sent {self.sent} change(s); received {self.received}"]
        if self.conflicts:
            parts.append(f"{self.conflicts} new conflict(s): see 'conflicts'")
        if self.applied.renamed:
            parts.append("renamed: " + "; ".join(self.applied.renamed))
        if self.applied.refused:
            parts.append(f"{len(self.applied.refused)} value(s) refused (see the log)")
        return "; ".join(parts) + "."


@dataclass(frozen=True)
class Account:
    url: str
    login: str
    password: str


def sync(
    data_dir: Path,
    account: Account,
    mode: Mode = Mode.SYNC,
    *,
    mine: Mine | None = None,
    progress: Progress | None = None,
) -> Outcome:
    """Sync the open database (the folder `data_dir`'s) with the server of `account`.
    `progress` may raise Cancelled: a join then leaves this laptop as it was."""
    outcome = Outcome()
    with connect(account.url, user=account.login, password=account.password) as server:
        server.autocommit = True
        with said_in_one_line("sync"):
            server_id = _check_server(server)
            if mode is Mode.PUBLISH:
                _start_publishing(server, server_id, account)
            elif mode is Mode.JOIN:
                _join(server, server_id, account, data_dir, mine, outcome, progress)
            elif state.get("server") != server_id:
                raise KnownError(_not_joined(server_id))
            if mode is not Mode.SYNC or state.get("you") is None:
                _seat_you(server, data_dir)
            mine_seqs: set[int] = set()
            if state.get("publishing") == server_id:
                _push(server, outcome, mine_seqs, progress)  # one left unanswered goes first
                _publish(server, outcome, mine_seqs, progress)
            for _ in range(3):  # what a pull changes here (a rename, a date derived) goes too
                _push(server, outcome, mine_seqs, progress)
                _pull(server, outcome, mine_seqs, progress)
                if not outbox.waiting():
                    break
            with database.atomic():
                state.put("synced_at", clock.now().isoformat(timespec="seconds"))
    outcome.waiting = outbox.waiting()
    return outcome


def _check_server(server: psycopg.Connection) -> str:
    """The server's identity, after refusing one this Rapport cannot talk to."""
    found = dict(server.execute("SELECT key, value FROM rapport.meta").fetchall())
    protocol = int(found.get("protocol", "0"))
    if protocol > PROTOCOL:
        raise ServerError(
            f"The team server speaks a newer protocol ({protocol}; this Rapport speaks "
            f"{PROTOCOL}): update Rapport to sync with it."
        )
    if protocol < PROTOCOL:
        raise ServerError(
            f"The team server is set up for an older Rapport (protocol {protocol}): ask its "
            "administrator to run 'server init' with this version."
        )
    return found["server"]


def _not_joined(server_id: str) -> str:
    if state.get("server") is None:
        return "This data folder does not sync with a team server yet: publish or join first."
    return (
        "This data folder syncs with another team server: to change servers, join the new "
        "one (Replace mine or Add mine)."
    )


def _last_seq(server: psycopg.Connection) -> int:
    return server.execute("SELECT rapport.last_seq()").fetchone()[0]


def _start_publishing(server: psycopg.Connection, server_id: str, account: Account) -> None:
    if state.get("publishing") != server_id and _last_seq(server) > 0:
        raise KnownError(
            "The team server holds a register already: join it instead (this laptop's "
            "records can be added to the team's)."
        )
    with database.atomic():
        _remember(server_id, account, last_seq=0)
        state.put("publishing", server_id)
        database.execute_sql("DELETE FROM sync_outbox")  # everything goes
        set_tracking(True)


def _remember(server_id: str, account: Account, last_seq: int) -> None:
    if state.get("server") != server_id:
        state.put(_KEPT, None)  # a push for another server never goes to this one
    state.put("server", server_id)
    state.put("url", shown_address(account.url))  # never a password written in it
    state.put("login", account.login)
    state.put("last_seq", str(last_seq))


def _publish(
    server: psycopg.Connection, outcome: Outcome, mine_seqs: set[int], progress: Progress | None
) -> None:
    """Send every record held here (again, where a publish was cut off: the server then
    holds the same values and changes nothing, so a push whose answer was lost needs no
    keeping). The changes it made come back to no one's benefit: the next pull starts after
    them, unless someone else's came between."""
    total = sum(model.select().count() for model in TEAM_MODELS) or 1
    done, pushes = 0, []
    for count, changes in outbox.everything(PUBLISH_BATCH, only_unknown=True):
        pushes.append(str(uuid.uuid4()))
        _note_versions(_resend(server, pushes[-1], changes), mine_seqs)
        outcome.sent += count
        done += count
        if progress:
            progress("Publishing this register", min(done / total, 1.0))
    others = server.execute(
        "SELECT min(seq) FROM rapport.change WHERE seq > %s AND NOT push_id = ANY(%s)",
        (state.last_seq(), pushes),
    ).fetchone()[0]
    with database.atomic():
        state.put("publishing", None)
        if mine_seqs:
            state.put("last_seq", str(others - 1 if others else max(mine_seqs)))


def _resend(server: psycopg.Connection, push_id: str, changes: str) -> Any:
    (result,) = server.execute(
        "SELECT rapport.push(%s, %s, %s::jsonb)", (PROTOCOL, push_id, changes)
    ).fetchone()
    return result


def _note_versions(result: dict[str, Any], mine_seqs: set[int]) -> None:
    """The server's versions of the records a push changed (inside the caller's
    transaction where there is one)."""
    rows = [
        (str(said["kind"]), hex_key(said["id"]), int(said["version"]))
        for said in result.get("records", [])
        if said.get("applied") is True  # else this laptop has not seen the latest yet
    ]
    with database.atomic():
        database.cursor().executemany(
            "INSERT INTO sync_version (kind, record_id, version) VALUES (?, ?, ?) "
            "ON CONFLICT (kind, record_id) DO UPDATE SET version = excluded.version",
            rows,
        )
    mine_seqs.update(version for _, _, version in rows)


_KEPT = "push"  # the push sent and not yet answered: its id, changes and outbox entries


def _push(
    server: psycopg.Connection,
    outcome: Outcome,
    mine_seqs: set[int],
    progress: Progress | None = None,
) -> None:
    """Send the outbox a batch at a time. Each push is kept here before it goes, so one whose
    answer was lost (a cut connection, a closed laptop) is sent again unchanged, and its
    answer then does here exactly what it would have done."""
    kept = state.get(_KEPT)
    while True:
        if kept is None:
            batch = outbox.next_batch(BATCH)
            if not batch.records:
                return
            kept = json.dumps(
                {
                    "id": str(uuid.uuid4()),
                    "changes": json.dumps(batch.changes),
                    "upto": batch.upto,
                    "records": batch.records,
                }
            )
            with database.atomic():
                state.put(_KEPT, kept)
        push = json.loads(kept)
        changes = json.loads(push["changes"])
        result = _resend(server, push["id"], push["changes"]) if changes else {}
        with database.atomic():
            outbox.acknowledge(
                outbox.Batch(upto=push["upto"], records=[tuple(r) for r in push["records"]])
            )
            mine = {
                (change["kind"], change["id"], column): sent
                for change in changes
                for column, sent in change["fields"].items()
            }
            outcome.conflicts += state.note_conflicts(result.get("conflicts", []), mine)
            _take_theirs(result.get("conflicts", []))
            _note_versions(result, mine_seqs)
            state.put(_KEPT, None)
        outcome.sent += _counted(change["kind"] for change in changes)
        kept = None
        if progress:  # between pushes, where the user may stop a sync (Cancelled)
            progress("Sending changes", 0.0)


def _take_theirs(conflicts: list[dict[str, Any]]) -> None:
    """The server kept its value: so does this laptop, until a person settles it (mine is
    kept in the conflict). A value the server would not show this member stays as it is."""
    changes = [
        (0, str(said["kind"]), said["id"], {str(said["field"]): said.get("theirs")})
        for said in conflicts
        if not said.get("masked")
    ]
    if changes:
        apply_changes(changes, remember=False)


def _counted(kinds: Iterable[str]) -> int:
    """Changes as a person counts them: the audit entries that go with them are not more."""
    return sum(1 for kind in kinds if kind != "audit_entry")


def _pull(
    server: psycopg.Connection,
    outcome: Outcome,
    mine_seqs: set[int],
    progress: Progress | None = None,
) -> None:
    while True:
        after = state.last_seq()
        rows = server.execute(
            "SELECT seq, kind, id, fields FROM rapport.pull(%s, %s)", (after, PAGE)
        ).fetchall()
        if not rows:
            return
        # every change in the server's order, this laptop's own too: an older change of
        # someone else's must never be the last word on a field this laptop changed since
        with database.atomic():
            applied = apply_changes(rows)
            _derive_again(rows)
            state.put("last_seq", str(rows[-1][0]))
        outcome.applied.add(applied)
        outcome.received += _counted(row[1] for row in rows if row[0] not in mine_seqs)
        if progress:
            progress("Taking the team's changes", 0.0)
        if len(rows) < PAGE:
            return


# What the due moments are worked out from: the rules (every open record again) and the
# records themselves (those that changed)
_DUE_RULES = {"standard", "department", "settings", "closure", "service"}
_COMPLAINT_DUES_FROM = {"settings", "closure", "complaint", "complaint_event"}


def _derive_again(rows: list[Any]) -> None:
    """Dates derived from what changed are worked out again here, as on every laptop (the
    server takes the latest of them, never a conflict)."""
    from models.complaint_lifecycle import recompute_open_complaint_dues
    from models.service_log import recompute_open_dues

    kinds = {row[1] for row in rows}
    if kinds & _DUE_RULES:
        recompute_open_dues()
    elif "service_request" in kinds:
        recompute_open_dues(only={hex_key(row[2]) for row in rows})
    if kinds & _COMPLAINT_DUES_FROM:
        recompute_open_complaint_dues()


def _seat_you(server: psycopg.Connection, data_dir: Path) -> None:
    """The member this login is becomes "you" here: the one the server names, else the one
    of the same name here, else a new member (who reaches the team with the next push)."""
    name, record = server.execute(
        "SELECT name, record FROM rapport.member WHERE login = session_user"
    ).fetchone()
    member = None
    if record is not None:
        member = Member.get_or_none(Member.id == record)
    if member is None:
        member = Member.select().where(Member.name == name).first() or _new_member(record, name)
    claimed = server.execute("SELECT rapport.claim(%s)", (member.id,)).fetchone()[0]
    if claimed != member.id:
        member = Member.get_or_none(Member.id == claimed) or member
    choose_you(data_dir, member)
    with database.atomic():
        state.put("you", member.id.hex)


def _new_member(record: uuid.UUID | None, name: str) -> Member:
    from models.operations import create

    values = {"name": name} if record is None else {"id": record, "name": name}
    return create(Member, **values)[0]


def _join(
    server: psycopg.Connection,
    server_id: str,
    account: Account,
    data_dir: Path,
    mine: Mine | None,
    outcome: Outcome,
    progress: Progress | None,
) -> None:
    """Take the team's register as it stands at one moment, page by page, in one local
    transaction (so Cancel leaves this laptop as it was); pulls go on from that moment."""
    held = own_records()
    if held and mine is None:
        raise KnownError(
            f"This laptop holds its own register ({held} record(s)); the team's has "
            f"{_census_records(server)}. Choose: replace mine with the team's (after a "
            "backup), or add mine to the team's."
        )
    if held and mine is Mine.REPLACE:
        from desktop.backups import take_backup

        take_backup(data_dir, "before joining the team")
    server.autocommit = False
    database.execute_sql("PRAGMA foreign_keys = OFF")  # links are checked once all is in
    try:
        with server.transaction():
            server.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            seq = server.execute("SELECT rapport.last_seq()").fetchone()[0]
            total = _census_records(server) or 1
            with database.atomic():
                fresh = mine is Mine.REPLACE or not held
                with untracked():
                    if fresh:
                        _empty_team_tables()
                    database.execute_sql("DELETE FROM sync_outbox")
                    database.execute_sql("DELETE FROM sync_version")
                    state.put(_KEPT, None)
                done = 0
                loading = bulk_loading(SYNCED_KINDS) if fresh else nullcontext()
                with loading, server.cursor(name="rapport_snapshot") as rows:
                    rows.itersize = PAGE
                    rows.execute("SELECT version, kind, id, fields FROM rapport.snapshot()")
                    while page := rows.fetchmany(PAGE):
                        outcome.applied.add(
                            apply_snapshot(page)
                            if fresh
                            else apply_changes(page, check_links=False)
                        )
                        outcome.received += _counted(row[1] for row in page)
                        done += len(page)
                        if progress:
                            progress("Taking the team's register", done / total)
                outcome.applied.refused += _drop_broken_links()
                _remember(server_id, account, last_seq=seq)
                state.put("you", None)
                if held and mine is Mine.ADD:
                    state.put("publishing", server_id)  # mine go up as a publish does
                set_tracking(True)
    finally:
        server.autocommit = True
        database.execute_sql("PRAGMA foreign_keys = ON")


REGISTER_KINDS = ("customer", "department", "service", "service_request", "complaint", "feedback")


def own_records() -> int:
    """How many records of its own this laptop holds (a new folder's settings, bank holidays
    and first member are not a register); the server's census counts the same."""
    return sum(BY_KIND[kind].live().count() for kind in REGISTER_KINDS)


def _census_records(server: psycopg.Connection) -> int:
    return server.execute("SELECT rapport.census()").fetchone()[0]


@dataclass(frozen=True)
class Reach:
    """What Test connection tells: who the login is, and both registers' sizes."""

    member: str
    team_records: int
    own_records: int
    joined: bool  # this folder syncs with that server already

    def said(self) -> str:
        where = "this folder syncs with it" if self.joined else "this folder has not joined it"
        return (
            f"Connected as {self.member}. The team's register holds {self.team_records:,} "
            f"record(s); this laptop's {self.own_records:,}; {where}."
        )


def reach(account: Account) -> Reach:
    """Sign in and look, changing nothing (Test connection)."""
    with connect(account.url, user=account.login, password=account.password) as server:
        server.autocommit = True
        with said_in_one_line("connect"):
            server_id = _check_server(server)
            (name,) = server.execute("SELECT (rapport.me()).name").fetchone()
            census = _census_records(server)
    return Reach(name, census, own_records(), state.get("server") == server_id)


def _empty_team_tables() -> None:
    for model in reversed(outbox.publish_order()):
        database.execute_sql(f'DELETE FROM "{model._meta.table_name}"')


def _drop_broken_links() -> list[str]:
    """Records of the snapshot that name one it did not hold (a confidential complaint's
    customer where this member may not see it): removed, and said."""
    said = []
    for table, rowid, parent, _ in database.execute_sql("PRAGMA foreign_key_check").fetchall():
        said.append(f"{table} row {rowid}: names a {parent} the team's register does not hold")
        database.execute_sql(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
    return said
