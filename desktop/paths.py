"""Where Rapport keeps its data: one folder per user, or the one the user names."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from models.db import DATABASE_FILE

DATA_DIR_VARIABLE = "RAPPORT_DATA_DIR"


def default_data_dir() -> Path:
    """The per-user application-data folder (local, not roaming: SQLite must not roam)."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "Rapport"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Rapport"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "rapport"


def resolve_data_dir(given: str | os.PathLike[str] | None = None) -> Path:
    """`--data-dir` if given, else RAPPORT_DATA_DIR, else the per-user default."""
    chosen = given or os.environ.get(DATA_DIR_VARIABLE) or default_data_dir()
    return Path(chosen).expanduser().resolve()


def database_path(data_dir: Path) -> Path:
    return data_dir / DATABASE_FILE


# File systems that reach another computer: SQLite's locking cannot be trusted over them.
_NETWORK_FILE_SYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "afs", "9p", "ceph", "glusterfs", "davfs", "sshfs"}
)
_DRIVE_REMOTE = 4  # GetDriveTypeW


def on_network_share(path: Path, mounts: str | None = None) -> bool:
    """Whether `path` lies on a network share (a UNC path or mapped drive on Windows; an NFS,
    SMB or similar mount elsewhere). `mounts` is /proc/mounts' text, for tests."""
    path = Path(path).resolve()
    if sys.platform == "win32" and mounts is None:
        import ctypes

        text = str(path)
        if text.startswith("\\\\"):
            return True
        root = f"{path.drive}\\"
        return ctypes.windll.kernel32.GetDriveTypeW(root) == _DRIVE_REMOTE
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    best, kind = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = fields[1].replace("\\040", " ")
        inside = path == Path(point) or Path(point) in path.parents
        if inside and len(point) > len(best):
            best, kind = point, fields[2].lower()
    return kind.removeprefix("fuse.") in _NETWORK_FILE_SYSTEMS
