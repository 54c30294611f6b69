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
