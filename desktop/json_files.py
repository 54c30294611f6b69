"""The small JSON files a data folder keeps beside its database (backup settings, who is at
the keyboard): read forgivingly, written whole or not at all."""

from __future__ import annotations

import json
import os
from pathlib import Path


def read_json(path: Path) -> dict[str, object]:
    """The file's object; an empty one where it is missing, unreadable or not Rapport's."""
    try:
        loaded = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def write_json(path: Path, content: dict[str, object]) -> None:
    """Write whole or not at all (a temporary file renamed into place)."""
    partial = path.with_name(f".{path.name}.part")
    with open(partial, "w", encoding="utf-8") as file:
        json.dump(content, file, indent=2)
        file.flush()
        os.fsync(file.fileno())
    partial.replace(path)
