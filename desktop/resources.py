"""Files shipped with Rapport, found the same way from source and from a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller in a frozen build
    root = Path(bundle) if bundle else Path(__file__).resolve().parent.parent
    return root / "resources"


def resource_path(name: str) -> Path:
    return resources_dir() / name
