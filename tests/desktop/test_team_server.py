"""Setting up the team server on a real PostgreSQL (a throwaway cluster, tests/postgres.py):
`server init` is idempotent and refuses a newer server, `server add-member` makes a login that
works and reads the team, and every failure is one line with exit 1."""

from __future__ import annotations

import io

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
    assert tables == {"meta", "member"}


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


def test_logins_and_names_reach_postgresql_quoted_never_as_sql(server_url, postgres_cluster):
    init_server(server_url)
    login = 'x"; DROP TABLE rapport.member; --'
    add_member(server_url, login=login, name="O'Brien; DROP", password=PASSWORD)
    database = server_url.rsplit("/", 1)[1].split("?")[0]
    with connect(postgres_cluster.url(database, user=login, password=PASSWORD)) as connection:
        assert connection.execute("SELECT login, name FROM rapport.member").fetchall() == [
            (login, "O'Brien; DROP")
        ]


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


def test_a_server_elsewhere_is_reached_over_checked_tls_unless_told_otherwise():
    assert server_settings("postgresql://team.example.org/rapport")["sslmode"] == "verify-full"
    assert "sslmode" not in server_settings("postgresql://127.0.0.1/rapport")
    told = server_settings("postgresql://team.example.org/rapport?sslmode=require")
    assert told["sslmode"] == "require"
    with pytest.raises(ServerError, match="is not a PostgreSQL address"):
        server_settings("postgresql://user:secret@[nonsense/x")
