"""Opening a data folder the same way for the window and for every command."""

from __future__ import annotations

from pathlib import Path

from peewee import Database

from desktop.paths import database_path
from models.db import open_database
from models.errors import KnownError
from models.organisation import ensure_bank_holidays_seeded


def open_data_folder(data_dir: Path) -> Database:
    """Open (creating if need be) the folder's database, upgraded and with holidays seeded."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KnownError(
            f"Rapport cannot use {data_dir} as its data folder: {error.strerror or error}."
        ) from error
    db = open_database(database_path(data_dir))
    ensure_bank_holidays_seeded()
    return db
