"""Reaching the team server: TLS with certificate checking unless the server is this machine,
and every failure said in one line (an unreachable server, a refused password, a certificate
that does not check out), never a traceback."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from models.errors import KnownError

CONNECT_SECONDS = 10  # a server that does not answer in this long is treated as unreachable
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class ServerError(KnownError):
    """The team server could not be reached, or refused what was asked of it."""


def server_settings(url: str, **overrides: Any) -> dict[str, Any]:
    """The connection settings of `url` (a libpq URL), with `overrides`; TLS is checked
    against the server's certificate unless the URL says otherwise or the host is local."""
    try:
        settings = conninfo_to_dict(url, **overrides)
    except psycopg.ProgrammingError as error:
        # libpq's reason quotes the part it could not read, which may be the password
        reason = _QUOTED.sub("…", str(error).strip().splitlines()[0])
        raise ServerError(f"'{shown_address(url)}' is not a PostgreSQL address: {reason}") from None
    # where libpq will go: the URL's host, else $PGHOST; an address given beside it is where
    places = {
        settings.get("host") or os.environ.get("PGHOST") or "localhost",
        settings.get("hostaddr") or os.environ.get("PGHOSTADDR") or "localhost",
    }
    told = "sslmode" in settings or os.environ.get("PGSSLMODE")
    if not told and not places <= LOCAL_HOSTS:
        settings["sslmode"] = "verify-full"
    settings.setdefault("connect_timeout", CONNECT_SECONDS)
    settings.setdefault("application_name", "Rapport")
    # a server gone quiet mid-sync is noticed, not waited on for ever
    for name, value in _QUIET_SERVER.items():
        settings.setdefault(name, value)
    return settings


_QUOTED = re.compile(r'"[^"]*"')
_QUIET_SERVER = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,  # milliseconds, where the system has it
}


def connect(url: str, **overrides: Any) -> psycopg.Connection:
    """An open connection to the team server (`overrides`: user, password, autocommit…)."""
    autocommit = overrides.pop("autocommit", False)
    settings = server_settings(url, **overrides)
    try:
        return psycopg.connect(autocommit=autocommit, **settings)
    except psycopg.OperationalError as error:
        raise ServerError(why_not(error, settings)) from error


def why_not(error: Exception, settings: dict[str, Any]) -> str:
    """A connection failure in one line a user can act on."""
    text = str(error).strip()
    place = f"{settings.get('host', 'localhost')}:{settings.get('port', 5432)}"
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return f"The team server at {place} refused the password for {settings.get('user', '')}."
    if "certificate" in lowered or "ssl" in lowered:
        return f"The team server at {place} could not be trusted: {_last_line(text)}"
    if "does not exist" in lowered:
        return f"The team server at {place} says: {_last_line(text)}"
    return f"Cannot reach the team server at {place}: {_last_line(text)}"


def _last_line(text: str) -> str:
    """libpq's message on one line, without its "connection to server … failed:" preamble
    (a certificate's reason takes two lines: both are kept)."""
    joined = " ".join(line.strip() for line in text.splitlines() if line.strip())
    if "failed:" in joined:
        joined = joined.rsplit("failed:", 1)[1].strip()
    return joined.removeprefix("FATAL:").strip() or "no reason given"


_PASSWORD_SETTING = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)", re.IGNORECASE)


def shown_address(url: str) -> str:
    """An address as it may be shown: without a password in it (URL or key=value form)."""
    url = _PASSWORD_SETTING.sub(r"\1***", url)
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        credentials, place = rest.rsplit("@", 1)
        return f"{scheme}://{credentials.split(':', 1)[0]}@{place}"
    return url


@contextmanager
def said_in_one_line(doing: str, rights: str = "") -> Iterator[None]:
    """What went wrong with the server while trying to `doing`, as one sentence (a SQL error
    is not for a user's eyes); `rights` says what a refused right needs."""
    try:
        yield
    except psycopg.OperationalError:
        raise ServerError(
            f"The connection to the team server was lost while trying to {doing}: nothing here "
            "is lost; try again later."
        ) from None
    except psycopg.Error as error:
        message = error.diag.message_primary or str(error).strip().splitlines()[-1]
        needs = (
            f" ({rights})"
            if rights and isinstance(error, psycopg.errors.InsufficientPrivilege)
            else ""
        )
        raise ServerError(f"The team server refused to {doing}: {message}{needs}") from None
