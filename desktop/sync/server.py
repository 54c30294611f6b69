"""Setting up the team server: Rapport's schema in a PostgreSQL database an IT department has
made, a group role its members' logins belong to, and one login role per member.

`server init` is idempotent: run again, it upgrades an older server and changes nothing on a
current one; two run at once wait for each other. A server set up by a newer Rapport is refused,
untouched. Every value reaches PostgreSQL as a parameter or a quoted identifier or literal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg
from psycopg import sql

from desktop.sync.connection import ServerError, connect

PROTOCOL = 1  # what this Rapport's clients and server schema speak
SCHEMA = "rapport"
MIN_PASSWORD = 10  # characters: a login that reaches the team's register
LOGIN_LIMIT = 63  # PostgreSQL's longest name
_LOCK = 7_465_121  # an advisory lock: one `server init` at a time

_TABLES = """
CREATE SCHEMA IF NOT EXISTS rapport;
CREATE TABLE IF NOT EXISTS rapport.meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
CREATE TABLE IF NOT EXISTS rapport.member (
    id uuid PRIMARY KEY,
    login text NOT NULL UNIQUE,
    name text NOT NULL,
    email text NOT NULL DEFAULT '',
    role text NOT NULL DEFAULT 'team member',
    confidential boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS member_name ON rapport.member (lower(name));
"""


@dataclass(frozen=True)
class ServerState:
    database: str
    protocol: int
    members: int
    upgraded: bool  # whether this run created or upgraded the schema


def members_role(database: str) -> str:
    """The group role of a team's logins: one per database, as a cluster may hold several."""
    return f"{database}_members"[:LOGIN_LIMIT]


def init_server(url: str) -> ServerState:
    """Create or upgrade Rapport's schema, group role and grants on the server at `url` (whose
    user may create roles: the IT department's administrator)."""
    with connect(url) as connection:
        database = connection.info.dbname
        group = members_role(database)
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            found = _protocol(connection)
            if found is not None and found > PROTOCOL:
                raise ServerError(
                    f"The team server {database} was set up by a newer Rapport (protocol "
                    f"{found}; this one speaks up to {PROTOCOL}): install the newer Rapport."
                )
            _run(connection, _TABLES)
            _ensure_group(connection, group)
            connection.execute(
                sql.SQL("GRANT USAGE ON SCHEMA rapport TO {}").format(sql.Identifier(group))
            )
            connection.execute(
                sql.SQL("GRANT SELECT ON rapport.meta, rapport.member TO {}").format(
                    sql.Identifier(group)
                )
            )
            connection.execute(
                "INSERT INTO rapport.meta (key, value) VALUES ('protocol', %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(PROTOCOL),),
            )
            members = connection.execute("SELECT count(*) FROM rapport.member").fetchone()[0]
    return ServerState(database, PROTOCOL, members, found != PROTOCOL)


def add_member(
    url: str,
    *,
    login: str,
    name: str,
    password: str,
    email: str = "",
    confidential: bool = False,
) -> uuid.UUID:
    """A login for one member of the team, in its group role, and their row in the server's
    team; the member's key (which every change they make will carry)."""
    login, name = login.strip(), " ".join(name.split())
    _check_member(login, name, password)
    with connect(url) as connection:
        group = members_role(connection.info.dbname)
        with connection.transaction():
            if _protocol(connection) is None:
                raise ServerError(
                    f"The team server {connection.info.dbname} is not set up yet: run "
                    "'server init' first."
                )
            taken = connection.execute(
                "SELECT login FROM rapport.member WHERE login = %s OR lower(name) = lower(%s)",
                (login, name),
            ).fetchone()
            if taken is not None:
                raise ServerError(f"The team server has a member {taken[0]} already.")
            exists = connection.execute(
                "SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)
            ).fetchone()
            if exists:
                raise ServerError(
                    f"{login} is a login on this PostgreSQL server already (perhaps for "
                    "something else): choose another login."
                )
            connection.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                    sql.Identifier(login), sql.Literal(password), sql.Identifier(group)
                )
            )
            key = uuid.uuid4()
            connection.execute(
                "INSERT INTO rapport.member (id, login, name, email, confidential) "
                "VALUES (%s, %s, %s, %s, %s)",
                (key, login, name, email.strip(), confidential),
            )
    return key


def _check_member(login: str, name: str, password: str) -> None:
    if not login:
        raise ServerError("Give the member's login.")
    if len(login) > LOGIN_LIMIT:
        raise ServerError(f"A login is at most {LOGIN_LIMIT} characters; '{login}' is longer.")
    if any(ord(character) < 32 for character in login + name):
        raise ServerError("A login or name may not hold control characters.")
    if not name:
        raise ServerError("Give the member's name, as the team knows them.")
    if len(password) < MIN_PASSWORD:
        raise ServerError(
            f"The password is too short: give at least {MIN_PASSWORD} characters "
            "(RAPPORT_SYNC_PASSWORD)."
        )


def _protocol(connection: psycopg.Connection) -> int | None:
    """The server's protocol, or None where Rapport has not set it up."""
    exists = connection.execute("SELECT to_regclass('rapport.meta')").fetchone()[0]
    if exists is None:
        return None
    row = connection.execute("SELECT value FROM rapport.meta WHERE key = 'protocol'").fetchone()
    return int(row[0]) if row else None


def _ensure_group(connection: psycopg.Connection, group: str) -> None:
    if not connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone():
        connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(group)))


def _run(connection: psycopg.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)
