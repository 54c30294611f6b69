"""Opening a data folder the same way for the window and for every command."""

from __future__ import annotations

import contextlib
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from peewee import Database

from desktop.json_files import read_json, write_json
from desktop.keys import (
    ENVIRONMENT,
    key_from_environment,
    store_key,
    stored_key,
)
from desktop.paths import database_path
from desktop.user_name import os_full_name
from models.db import KeyNeeded, is_encrypted, open_database
from models.encryption import new_key
from models.errors import KnownError
from models.organisation import ensure_bank_holidays_seeded, get_settings
from models.people import set_member_at_keyboard
from models.team import Member, demo_lead, ensure_first_member

log = logging.getLogger(__name__)


def ensure_data_folder(data_dir: Path) -> None:
    """Make the data folder if need be, or say why it cannot be used."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KnownError(
            f"Rapport cannot use {data_dir} as its data folder: {error.strerror or error}."
        ) from error


def folder_key(data_dir: Path) -> str | None:
    """The key of the folder's database: None for a plain (or new) one; for an encrypted one,
    RAPPORT_DB_KEY or the keyring's, or KeyNeeded saying where a key may come from."""
    path = database_path(data_dir)
    if not is_encrypted(path):
        return None
    key = stored_key(data_dir)
    if key is None:
        raise KeyNeeded(
            f"{path} is encrypted and its key is not on this computer. Open it once in the "
            f"Rapport window (which asks for the recovery key), or give commands the key "
            f"in the {ENVIRONMENT} environment variable: the recovery key without its dashes."
        )
    return key


def open_data_folder(data_dir: Path, key: str | None = None) -> Database:
    """Open (creating if need be) the folder's database, upgraded and with holidays seeded.

    An encrypted database opens with `key`, else the key kept for the folder (RAPPORT_DB_KEY,
    then the keyring). A new database is created encrypted only when `key` is given.
    """
    ensure_data_folder(data_dir)
    db = open_database(database_path(data_dir), key=key or folder_key(data_dir))
    ensure_bank_holidays_seeded()
    seat(data_dir)
    return db


def has_database(data_dir: Path) -> bool:
    """Whether the folder holds a database already (an empty file is none: SQLite makes one)."""
    path = database_path(data_dir)
    return path.is_file() and path.stat().st_size > 0


@dataclass(frozen=True)
class NewKey:
    key: str
    source: str  # "given" (RAPPORT_DB_KEY), "kept" (the folder's, in the keyring) or "made"
    in_keyring: bool = True  # False: made where there is no keyring, to be kept another way

    @property
    def given(self) -> bool:
        """The user has it already; otherwise its recovery key is to be shown."""
        return self.source == "given"


def key_for_new_database(data_dir: Path) -> NewKey:
    """The key a new (or newly encrypted) database takes, for the window and every command:
    RAPPORT_DB_KEY, or the key already kept for the folder (never replaced, so its backups
    still open), else a new one, kept in the keyring where there is one."""
    given = key_from_environment()
    if given is not None:
        return NewKey(given, "given")
    kept = stored_key(data_dir)
    if kept is not None:
        return NewKey(kept, "kept")
    key = new_key()
    return NewKey(key, "made", in_keyring=store_key(data_dir, key))


def open_scratch() -> Database:
    """An empty database in memory, for a dry run where a folder has no data yet: the file is
    checked against an empty register and nothing is made anywhere."""
    db = open_database(Path(":memory:"))
    ensure_bank_holidays_seeded()
    return db


YOU_FILE = "you.json"  # in the data folder: which member this folder's user is


def seat(data_dir: Path) -> Member | None:
    """Put the folder's user at the keyboard: the member chosen for this folder (Settings, or
    made for them on its first start; in the demo, its team leader). None where none is chosen
    or they have been retired: entries then record the login, as before there was a team, and
    the window asks."""
    chosen = read_json(Path(data_dir) / YOU_FILE).get("member")
    member = None
    if isinstance(chosen, str):
        with contextlib.suppress(ValueError):
            member = Member.get_or_none(Member.id == uuid.UUID(chosen))
    if member is not None and member.deleted_at is not None:
        member = None
    if member is None and get_settings().demo:  # in the demo you play its team leader
        member = demo_lead()
    set_member_at_keyboard(member.id if member is not None else None)
    return member


def settle_who(data_dir: Path) -> Member | None:
    """The window's start (and a restore): a team with nobody in it starts with this user,
    named as the system knows them and chosen as them; then the folder's choice is seated."""
    if not Member.select().exists():
        made = ensure_first_member(os_full_name())
        if made is not None:
            choose_you(data_dir, made)
    return seat(data_dir)


def choose_you(data_dir: Path, member: Member) -> None:
    """This folder's user is `member` from now on. A folder where the choice cannot be written
    still opens: the choice holds until the window closes."""
    set_member_at_keyboard(member.id)
    try:
        write_json(Path(data_dir) / YOU_FILE, {"member": member.id.hex})
    except OSError as error:
        log.warning("Who you are could not be remembered in %s: %s", data_dir, error)
