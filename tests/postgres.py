"""A real, throwaway PostgreSQL for the team-server tests: a cluster in a temporary folder,
listening on a free loopback port, with passwords checked as a real server checks them.

Debian's `postgresql` package provides the programs (`make test` installs it where it is
missing). PostgreSQL refuses to run as root; when the tests do, the cluster runs as the
`postgres` user the package makes.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

SUPERUSER = "rapport_admin"
SUPERUSER_PASSWORD = "admin-password-for-tests"


OLDEST = 15  # the oldest PostgreSQL the team server supports


def program(name: str) -> str:
    """A PostgreSQL program: in $PGBIN (the Windows runner), on the PATH, else in the newest
    of Debian's versioned folders."""
    folder = os.environ.get("PGBIN")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]),
    )
    if not candidates:
        raise RuntimeError(
            f"PostgreSQL's {name} was not found: install Debian's postgresql package "
            "(make test does so where it can)."
        )
    return candidates[-1]


def _check_version() -> None:
    done = subprocess.run([program("initdb"), "--version"], capture_output=True, text=True)
    found = re.search(r"(\d+)(?:\.\d+)?", done.stdout)
    if found is None or int(found.group(1)) < OLDEST:
        raise RuntimeError(
            f"The tests need PostgreSQL {OLDEST} or newer; found: {done.stdout.strip()}"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One PostgreSQL cluster: `start()`, `url(...)`, `restart(mode)`, `stop()`."""

    def __init__(self) -> None:
        # its own folder straight under the temporary directory: the postgres user must be able
        # to reach it, which pytest's private folders do not allow
        self.folder = Path(tempfile.mkdtemp(prefix="rapport-postgres-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0 if hasattr(os, "geteuid") else False

    def _run(self, *argv: str) -> None:
        command = list(argv)
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")

    def start(self) -> Cluster:
        password_file = self.folder / "superuser-password"
        password_file.write_text(SUPERUSER_PASSWORD)
        if self.as_root:
            shutil.chown(self.folder, "postgres")
            shutil.chown(password_file, "postgres")
        _check_version()
        self._run(
            program("initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",  # C ordering, on every platform
        )
        password_file.unlink()
        self._start()
        return self

    def _start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1"
        if os.name != "nt":  # loopback TCP only: no socket file (Windows makes none anyway)
            options += " -c unix_socket_directories=''"
        self._run(
            program("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "start",
        )

    def restart(self, mode: str = "fast") -> None:
        """Stop (`immediate`: as a crash would) and start again on the same port."""
        self._run(program("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        self._start()

    def stop(self) -> None:
        self._run(program("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(
        self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None
    ) -> str:
        """A libpq URL for `user` (the administrator's password unless another is given)."""
        if password is None and user == SUPERUSER:
            password = SUPERUSER_PASSWORD
        credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        return f"postgresql://{credentials}@127.0.0.1:{self.port}/{database}?sslmode=disable"

    def create_database(self, name: str) -> str:
        """A new, empty database on the cluster, as an IT department would make for a team;
        its URL, with the administrator's login."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)
