"""A rotating log file in the data folder: where bugs leave their tracks for a support call.

A windowed program has no console, so nothing is written to stdout or stderr from here.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FOLDER = "logs"
LOG_FILE = "rapport.log"


def log_path(data_dir: Path) -> Path:
    return data_dir / LOG_FOLDER / LOG_FILE


def start_logging(data_dir: Path) -> Path:
    """Send Rapport's log records to `<data folder>/logs/rapport.log` (1 MB × 5 files)."""
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # peewee logs every statement with its values at DEBUG: never into a plain-text file
    logging.getLogger("peewee").setLevel(logging.WARNING)
    return path
