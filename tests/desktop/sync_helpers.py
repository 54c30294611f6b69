"""Two (or more) laptops and a team server for the sync tests: each laptop a data folder of its
own, synced with the command line as a scheduled job would."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path

from desktop.cli import EXIT_OK, main
from desktop.session import open_data_folder
from desktop.sync.server import add_member, init_server
from models.choices import CustomerKind
from models.db import close_database
from models.operations import create
from models.register import Customer, Department

PASSWORD = "correct horse battery"


class Laptop:
    def __init__(self, folder: Path, url: str, login: str) -> None:
        self.folder, self.url, self.login = folder, url, login

    def sync(self, *extra: str) -> int:
        return main(
            [
                "--data-dir",
                str(self.folder),
                "sync",
                "--url",
                self.url,
                "--login",
                self.login,
                *list(extra),
            ]
        )

    def run(self, *argv: str) -> int:
        return main(["--data-dir", str(self.folder), *argv])

    @contextlib.contextmanager
    def open(self) -> Iterator[None]:
        """The laptop's database open for the test to work on (only one open at a time)."""
        open_data_folder(self.folder)
        try:
            yield
        finally:
            close_database()


class Team:
    """A team server with members; `laptop(login)` gives each a data folder of its own."""

    def __init__(self, cluster, server_url: str, tmp_path: Path) -> None:
        self.cluster, self.admin_url, self.tmp_path = cluster, server_url, tmp_path
        self.database = server_url.rsplit("/", 1)[1].split("?")[0]
        self.url = f"postgresql://127.0.0.1:{cluster.port}/{self.database}?sslmode=disable"
        self.suffix = uuid.uuid4().hex[:6]  # logins are the whole cluster's
        init_server(server_url)

    def member(self, name: str, *, confidential: bool = False) -> str:
        login = f"{name.split()[0].lower()}_{self.suffix}"
        add_member(
            self.admin_url, login=login, name=name, password=PASSWORD, confidential=confidential
        )
        return login

    def laptop(self, login: str, folder: str | None = None) -> Laptop:
        path = self.tmp_path / (folder or login)
        path.mkdir(exist_ok=True)
        return Laptop(path, self.url, login)

    def member_url(self, login: str) -> str:
        return self.cluster.url(self.database, user=login, password=PASSWORD)

    def pair(self) -> tuple[Laptop, Laptop]:
        """Priya publishes Ann Lee of Finance from the command line; Sam joins."""
        priya = self.laptop(self.member("Priya Patel"))
        sam = self.laptop(self.member("Sam Jones"))
        with priya.open():
            finance, _ = create(Department, name="Finance")
            new_customer("Ann Lee", email="ann@example.org", department=finance.id)
        assert priya.sync("--publish") == EXIT_OK
        assert sam.sync("--join") == EXIT_OK
        return priya, sam


def new_customer(name: str, **values: object) -> Customer:
    return create(Customer, name=name, kind=CustomerKind.COLLEAGUE, **values)[0]


def customer(name: str) -> Customer:
    return Customer.get(Customer.name == name)
