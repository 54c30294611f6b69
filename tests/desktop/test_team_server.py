"""Setting up the team server on a real PostgreSQL (a throwaway cluster, tests/postgres.py):
`server init` is idempotent and refuses a newer server, `server add-member` makes a login that
works and reads the team, and every failure is one line with exit 1."""

from __future__ import annotations

import io
import uuid

import psycopg
import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main
from desktop.sync.connection import ServerError, connect, server_settings
from desktop.sync.server import PROTOCOL, add_member, init_server

PASSWORD = "correct horse battery"


def test_init_sets_the_server_up_once_and_again_changes_nothing(server_url, capsys):
    assert main(["server", "init", "--url", server_url]) == EXIT_OK
    assert "set up (protocol 1); 0 member(s)" in capsys.readouterr().out
    assert main(["server", "init", "--url", server_url]) == EXIT_OK
    assert "already current" in capsys.readouterr().out
    with psycopg.connect(server_url) as connection:
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'rapport'"
            )
        }
    assert tables == {
        "meta", "member", "kind", "field_rule", "counter", "record", "change", "push", "conflict",
        "secret", "change_secret",
    }  # fmt: skip


def test_a_server_set_up_by_a_newer_rapport_is_refused_untouched(server_url, capsys):
    init_server(server_url)
    with psycopg.connect(server_url) as connection:
        connection.execute("UPDATE rapport.meta SET value = %s", (str(PROTOCOL + 1),))
    assert main(["server", "init", "--url", server_url]) == EXIT_FAILED
    error = capsys.readouterr().err.strip()
    assert error.startswith("rapport: ") and "newer Rapport (protocol 2" in error
    assert "\n" not in error
    with psycopg.connect(server_url) as connection:
        assert connection.execute("SELECT value FROM rapport.meta").fetchone() == ("2",)


def test_a_member_added_signs_in_with_their_password_and_reads_the_team(
    server_url, postgres_cluster, monkeypatch, capsys
):
    init_server(server_url)
    monkeypatch.setenv("RAPPORT_SYNC_PASSWORD", PASSWORD)
    argv = [
        "server",
        "add-member",
        "--url",
        server_url,
        "--login",
        "priya",
        "--name",
        "Priya Patel",
    ]
    assert main(argv) == EXIT_OK
    assert "Priya Patel can now sign in to the team server as priya." in capsys.readouterr().out
    database = server_url.rsplit("/", 1)[1].split("?")[0]
    as_priya = postgres_cluster.url(database, user="priya", password=PASSWORD)
    with connect(as_priya) as connection:
        assert connection.execute("SELECT name, confidential FROM rapport.member").fetchall() == [
            ("Priya Patel", False)
        ]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("DELETE FROM rapport.member")  # the team is read, not rewritten


def test_a_wrong_password_and_an_unreachable_server_are_one_line(
    server_url, postgres_cluster, capsys
):
    init_server(server_url)
    add_member(server_url, login="sam", name="Sam Jones", password=PASSWORD)
    database = server_url.rsplit("/", 1)[1].split("?")[0]
    with pytest.raises(ServerError, match=r"^The team server at 127\.0\.0\.1:\d+ refused the "):
        connect(postgres_cluster.url(database, user="sam", password="not the password"))
    closed = server_url.replace(f":{postgres_cluster.port}/", ":1/")
    assert main(["server", "init", "--url", closed]) == EXIT_FAILED
    error = capsys.readouterr().err.strip()
    assert error.startswith("rapport: Cannot reach the team server at 127.0.0.1:1: ")
    assert "\n" not in error and "Traceback" not in error


def test_logins_are_plain_names_and_names_reach_postgresql_quoted(server_url, postgres_cluster):
    init_server(server_url)
    for login in ('x"; DROP TABLE rapport.member; --', "pg_monitor", "public", "Ann Lee"):
        with pytest.raises(ServerError, match="cannot be a login"):
            add_member(server_url, login=login, name="Someone", password=PASSWORD)
    login = f"obrien_{uuid.uuid4().hex[:6]}"
    add_member(server_url, login=login, name="O'Brien'); DROP TABLE x; --", password=PASSWORD)
    database = server_url.rsplit("/", 1)[1].split("?")[0]
    with connect(postgres_cluster.url(database, user=login, password=PASSWORD)) as connection:
        assert connection.execute("SELECT name FROM rapport.member").fetchall() == [
            ("O'Brien'); DROP TABLE x; --",)
        ]
    log = (postgres_cluster.folder / "server.log").read_text(errors="replace")
    assert PASSWORD not in log  # hashed before it left: never in the server's log


def test_a_role_of_the_groups_name_made_for_something_else_is_refused(server_url, postgres_cluster):
    database = server_url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(server_url, autocommit=True) as administrator:
        administrator.execute(f'CREATE ROLE "{database}_members" LOGIN')  # someone's login
    with pytest.raises(ServerError, match="Rapport did not make it"):
        init_server(server_url)


def test_a_member_who_has_left_can_neither_pull_nor_push(two_members, server_url):
    priya, _ = two_members
    with psycopg.connect(server_url) as administrator:
        administrator.execute("UPDATE rapport.member SET deleted_at = now()")
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not a member"):
        pull(priya)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="not a member"):
        push(priya, [edit(uuid.uuid4(), name=(None, "Too late"))])


def test_a_push_id_sent_again_with_other_changes_is_refused(two_members):
    priya, sam = two_members
    push_id = uuid.uuid4()
    push(priya, [edit(uuid.uuid4(), name=(None, "First"))], push_id)
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="with other changes"):
        push(priya, [edit(uuid.uuid4(), name=(None, "Something else"))], push_id)
    assert push(sam, [edit(uuid.uuid4(), name=(None, "Sam's"))], push_id)["seq"] == 2  # his own


def test_a_member_is_added_once_with_a_long_enough_password(server_url, capsys, monkeypatch):
    init_server(server_url)
    add_member(server_url, login="mei", name="Mei Chen", password=PASSWORD)
    with pytest.raises(ServerError, match="has a member mei already"):
        add_member(server_url, login="mei2", name="mei chen", password=PASSWORD)
    with pytest.raises(ServerError, match="too short"):
        add_member(server_url, login="tom", name="Tom Hughes", password="short")
    monkeypatch.delenv("RAPPORT_SYNC_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())  # no terminal to ask at
    argv = ["server", "add-member", "--url", server_url, "--login", "tom", "--name", "Tom"]
    assert main(argv) == EXIT_USAGE
    assert "RAPPORT_SYNC_PASSWORD" in capsys.readouterr().err


def test_a_server_elsewhere_is_reached_over_checked_tls_unless_told_otherwise(monkeypatch):
    monkeypatch.delenv("PGHOST", raising=False)
    monkeypatch.delenv("PGHOSTADDR", raising=False)
    monkeypatch.delenv("PGSSLMODE", raising=False)
    assert server_settings("postgresql://team.example.org/rapport")["sslmode"] == "verify-full"
    assert "sslmode" not in server_settings("postgresql://127.0.0.1/rapport")
    told = server_settings("postgresql://team.example.org/rapport?sslmode=require")
    assert told["sslmode"] == "require"
    monkeypatch.setenv("PGHOST", "team.example.org")  # the host from the environment
    assert server_settings("postgresql:///rapport")["sslmode"] == "verify-full"
    assert server_settings("postgresql://localhost/rapport?hostaddr=203.0.113.5")["sslmode"] == (
        "verify-full"
    )
    monkeypatch.setenv("PGSSLMODE", "require")  # the administrator's choice stands
    assert "sslmode" not in server_settings("postgresql:///rapport")
    for address in (
        "postgresql://user:secret@[nonsense/x",
        "host=team password=secret nonsense",
        "postgresql://user@team/db?password=secret&broken",
        "postgresql://user:correct secret battery@team/db",  # libpq quotes what it cannot read
    ):
        with pytest.raises(ServerError, match="is not a PostgreSQL address") as refused:
            server_settings(address)
        assert "secret" not in str(refused.value)  # a password is never shown


# --- push and pull: the server's side of sync --------------------------------------------


@pytest.fixture
def two_members(server_url, postgres_cluster):
    """Two members' own connections to one team server."""
    init_server(server_url)
    database = server_url.rsplit("/", 1)[1].split("?")[0]
    suffix = uuid.uuid4().hex[:6]  # logins are the whole cluster's, shared by the tests
    logins = {"Priya Patel": f"priya_{suffix}", "Sam Jones": f"sam_{suffix}"}
    for name, login in logins.items():
        add_member(server_url, login=login, name=name, password=PASSWORD)

    def member(name):
        return connect(postgres_cluster.url(database, user=logins[name], password=PASSWORD))

    with member("Priya Patel") as priya, member("Sam Jones") as sam:
        priya.autocommit = sam.autocommit = True
        yield priya, sam


def push(connection, changes, push_id=None, protocol=PROTOCOL):
    from psycopg.types.json import Jsonb

    push_id = push_id or uuid.uuid4()
    (result,) = connection.execute(
        "SELECT rapport.push(%s, %s, %s)", (protocol, push_id, Jsonb(changes))
    ).fetchone()
    return result


def pull(connection, after=0):
    return connection.execute("SELECT * FROM rapport.pull(%s, 1000)", (after,)).fetchall()


def edit(record, **fields):
    """One record's change: each field's value before (base) and after."""
    return {
        "kind": "customer",
        "id": str(record),
        "fields": {name: {"base": base, "value": value} for name, (base, value) in fields.items()},
    }


def test_a_push_applies_once_however_often_it_is_retried(two_members):
    priya, sam = two_members
    ann = uuid.uuid4()
    first = edit(ann, name=(None, "Ann Lee"), job_title=(None, "Clerk"))
    push_id = uuid.uuid4()
    done = push(priya, [first], push_id)
    assert done == push(priya, [first], push_id)  # the acknowledgement was lost: sent again
    assert done["seq"] == 1 and done["conflicts"] == []
    (change,) = pull(sam)
    assert change[:4] == (1, "customer", ann, {"name": "Ann Lee", "job_title": "Clerk"})


def test_edits_of_different_fields_merge_and_the_same_field_conflicts(two_members, server_url):
    priya, sam = two_members
    ann = uuid.uuid4()
    push(priya, [edit(ann, name=(None, "Ann Lee"), job_title=(None, "Clerk"))])
    push(priya, [edit(ann, job_title=("Clerk", "Team Manager"))])  # Priya, online
    result = push(sam, [edit(ann, phone=(None, "4455"), job_title=("Clerk", "Supervisor"))])
    (said,) = result["conflicts"]  # Sam was offline: his job title meets Priya's
    assert (said["id"], said["field"], said["theirs"]) == (str(ann), "job_title", "Team Manager")
    with psycopg.connect(server_url) as administrator:  # what the server holds
        (fields,) = administrator.execute("SELECT fields FROM rapport.record").fetchone()
        conflicts = administrator.execute(
            "SELECT c.field, c.base, c.mine, c.theirs, m.name FROM rapport.conflict c "
            "JOIN rapport.member m ON m.id = c.member"
        ).fetchall()
    assert fields == {"name": "Ann Lee", "job_title": "Team Manager", "phone": "4455"}
    assert conflicts == [("job_title", "Clerk", "Supervisor", "Team Manager", "Sam Jones")]
    assert [row[3] for row in pull(priya, after=2)] == [{"phone": "4455"}]  # the merged part


def test_pulls_page_through_changes_in_commit_order(two_members):
    priya, sam = two_members
    for number in range(5):
        push(priya if number % 2 else sam, [edit(uuid.uuid4(), name=(None, f"Person {number}"))])
    seen = [row[0] for row in pull(priya)]
    assert seen == [1, 2, 3, 4, 5]
    assert [row[0] for row in pull(priya, after=3)] == [4, 5]


def test_a_member_writes_only_through_push(two_members):
    priya, _ = two_members
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        priya.execute("UPDATE rapport.counter SET value = 0")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        priya.execute("DELETE FROM rapport.record")
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        priya.execute(
            "INSERT INTO rapport.change (seq, kind, id, fields, push_id) VALUES "
            "(99, 'customer', gen_random_uuid(), '{}', gen_random_uuid())"
        )


def test_a_push_waits_for_one_in_progress_and_numbers_after_it(two_members, server_url):
    """The counter is taken inside each push: a second push waits for the first to commit and
    numbers after it, so a pull after n never misses a change that commits later with a
    smaller number (which a plain sequence would allow)."""
    import threading
    import time

    priya, sam = two_members
    priya.autocommit = False  # Priya's push stays open until she commits
    push(priya, [edit(uuid.uuid4(), name=(None, "Priya's"))])
    answers = {}
    second = threading.Thread(
        target=lambda: answers.update(sam=push(sam, [edit(uuid.uuid4(), name=(None, "Sam's"))]))
    )
    second.start()
    time.sleep(0.5)
    assert second.is_alive()  # waiting for the counter
    with psycopg.connect(server_url) as administrator:
        assert administrator.execute("SELECT count(*) FROM rapport.change").fetchone() == (0,)
    priya.commit()
    second.join(10)
    assert answers["sam"]["seq"] == 2
    assert [row[0] for row in pull(sam)] == [1, 2]


def test_a_rapport_of_another_protocol_is_told_to_update(two_members):
    priya, _ = two_members
    with pytest.raises(psycopg.errors.FeatureNotSupported, match="update Rapport"):
        push(priya, [edit(uuid.uuid4(), name=(None, "Old"))], protocol=PROTOCOL - 1)


@pytest.mark.parametrize(
    "change",
    [
        "just words",
        {"kind": "no_such_kind", "id": str(uuid.uuid4()), "fields": {}},
        {"kind": "customer", "id": "not-a-key", "fields": {}},
        {"kind": "customer", "id": str(uuid.uuid4()), "fields": ["name"]},
        {"kind": "customer", "id": str(uuid.uuid4()), "fields": {"name": "bare"}},
        {"kind": "customer", "id": str(uuid.uuid4()), "fields": {"name": {"base": None}}},
    ],
)
def test_a_push_holding_anything_but_rapports_changes_is_refused_whole(two_members, change):
    priya, _ = two_members
    good = edit(uuid.uuid4(), name=(None, "Fine"))
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="change 2 of the push"):
        push(priya, [good, change])
    assert pull(priya) == []  # nothing of it was applied


def test_a_server_that_cannot_prove_itself_over_tls_is_one_line(server_url, capsys):
    """A server elsewhere is reached over checked TLS: one that offers none is refused, said in
    one line, and nothing is sent to it."""
    required = server_url.replace("sslmode=disable", "sslmode=verify-full")
    with pytest.raises(ServerError, match=r"^The team server at 127\.0\.0\.1:\d+ could not be "):
        connect(required)
    assert main(["server", "init", "--url", required]) == EXIT_FAILED
    error = capsys.readouterr().err.strip()
    assert "could not be trusted" in error and "SSL" in error and "\n" not in error


def test_init_again_on_a_server_in_use_keeps_everything(two_members, server_url):
    priya, _ = two_members
    push(priya, [edit(uuid.uuid4(), name=(None, "Ann Lee"))])

    def held():
        with psycopg.connect(server_url) as administrator:
            return [
                administrator.execute(f"SELECT count(*) FROM rapport.{table}").fetchone()[0]
                for table in ("member", "record", "change", "push", "kind")
            ]

    before = held()
    assert init_server(server_url).upgraded is False
    assert held() == before
    assert [row[0] for row in pull(priya)] == [1]  # and the members still sign in and pull
