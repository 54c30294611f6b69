"""One writer per data folder: a lock that Rapport holds while it has the folder open.

The operating system releases the lock when the process ends however it ends, so a crash never
leaves a stale lock behind. The lock file also says who holds it, so a second Rapport can name
them ("sam on OFFICE-PC-12, since 09:14").
"""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from models import clock
from models.audit import os_user
from models.errors import KnownError
from models.words import moment_text

LOCK_FILE = "rapport.lock"
# Windows locks byte ranges and then refuses to let others read them: lock a byte far beyond
# the holder's details (as SQLite does), so that a second Rapport can still read who it is.
_LOCKED_BYTE = 2**30


class FolderInUse(KnownError):
    """Another Rapport has the data folder open."""

    def __init__(self, message: str, holder: Holder | None) -> None:
        super().__init__(message)
        self.holder = holder


@dataclass(frozen=True)
class Holder:
    """Who has the folder open."""

    user: str
    host: str
    pid: int
    since: datetime

    @property
    def is_me(self) -> bool:
        """The same person on this computer: their Rapport window can simply be brought
        forward."""
        return self.user == os_user() and self.host == socket.gethostname()

    def describe(self) -> str:
        return f"{self.user} on {self.host}, since {moment_text(self.since)}"


class FolderLock:
    """The data folder's lock; `acquire` does not wait."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._file: BinaryIO | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> bool:
        """Take the lock and write who holds it; False if another Rapport has it."""
        if self._file is not None:
            return True
        try:
            file = open(self.path, "a+b")  # noqa: SIM115 (held until release)
        except OSError as error:
            raise KnownError(
                f"Rapport cannot write in its data folder {self.path.parent}: "
                f"{error.strerror or error}."
            ) from error
        try:
            _lock(file)
        except OSError:
            file.close()
            return False
        me = {
            "user": os_user(),
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "since": clock.now().replace(microsecond=0).isoformat(),
        }
        file.seek(0)
        file.truncate()
        file.write(json.dumps(me).encode("utf-8"))
        file.flush()
        self._file = file
        return True

    def release(self) -> None:
        if self._file is None:
            return
        try:
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None

    def holder(self) -> Holder | None:
        """Who holds the lock, as they wrote it (None if that cannot be read)."""
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
            return Holder(
                str(found["user"]),
                str(found["host"]),
                int(found["pid"]),
                datetime.fromisoformat(found["since"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def __enter__(self) -> FolderLock:
        """Hold the lock for a command, or say who has the folder open."""
        if not self.acquire():
            raise folder_in_use(self.path.parent, self.holder())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()


def folder_in_use(data_dir: Path, holder: Holder | None) -> FolderInUse:
    who = holder.describe() if holder is not None else "another Rapport"
    return FolderInUse(
        f"Rapport's data in {data_dir} is open ({who}). Only one Rapport may change it at a "
        "time: close it there first.",
        holder,
    )


if sys.platform == "win32":
    import msvcrt

    def _lock(file: BinaryIO) -> None:
        file.seek(_LOCKED_BYTE)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(file: BinaryIO) -> None:
        file.seek(_LOCKED_BYTE)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(file: BinaryIO) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(file: BinaryIO) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)
