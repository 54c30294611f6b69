"""Try team use on one machine: a throwaway PostgreSQL (the same one the tests start), a team
server set up on it with two members, and two data folders: Priya's, holding the demo
organisation, published; Sam's, joined. Then open each in its own window and sync (F9).

    make try-team        (Ctrl+C stops the server; the folders stay in the temporary folder)
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from pathlib import Path

from desktop.cli import main
from desktop.sync.server import add_member, init_server
from tests.postgres import Cluster

PASSWORD = "try-it-out-password"


def run() -> int:
    home = Path(tempfile.mkdtemp(prefix="rapport-team-"))
    cluster = Cluster().start()
    try:
        admin = cluster.create_database("team")
        init_server(admin)
        add_member(admin, login="priya", name="Priya Patel", password=PASSWORD, confidential=True)
        add_member(admin, login="sam", name="Sam Jones", password=PASSWORD)
        url = f"postgresql://127.0.0.1:{cluster.port}/team?sslmode=disable"
        os.environ["RAPPORT_SYNC_PASSWORD"] = PASSWORD
        priya, sam = home / "priya", home / "sam"
        for folder, argv in (
            (priya, ["demo"]),
            (priya, ["sync", "--url", url, "--login", "priya", "--publish"]),
            (sam, ["sync", "--url", url, "--login", "sam", "--join"]),
        ):
            if main(["--data-dir", str(folder), *argv]) != 0:
                return 1
        python = f"RAPPORT_DB_KEY={os.environ.get('RAPPORT_DB_KEY', '')} {sys.executable}"
        print(
            f"\nA team server is running: {url}\n"
            f"  logins priya (may read confidential complaints) and sam; password {PASSWORD}\n"
            f"Open each laptop in its own window (File ▸ Team server… shows the connection):\n"
            f"  {python} main.py --data-dir {priya}\n"
            f"  {python} main.py --data-dir {sam}\n"
            f"or sync from the command line:\n"
            f"  RAPPORT_SYNC_PASSWORD={PASSWORD} {python} main.py --data-dir {sam} sync "
            f"--url '{url}' --login sam\n"
            "Ctrl+C stops the server."
        )
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    sys.exit(run())
