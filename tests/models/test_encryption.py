"""Encryption at rest: nothing readable in the file, its WAL or its backups; the wrong key or
none gets a clear message; a plain database converts with every row kept."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from models.complaints import Complaint
from models.db import (
    KeyNeeded,
    WrongKey,
    backup_copy,
    close_database,
    is_encrypted,
    open_database,
)
from models.demo import generate_demo
from models.encryption import (
    WrongPassphrase,
    encrypt_database,
    key_from_recovery,
    new_key,
    protect_key,
    recovery_text,
    stays_plain,
    unprotect_key,
)
from models.errors import KnownError
from models.register import Customer

SECRETS = ("Zoë Łukasiewicz", "SAFEGUARDING-DETAIL-4711", "Priya Patel")


def plant_secrets() -> None:
    Customer.create(name="Zoë Łukasiewicz", kind="colleague", email="zoe@example.org")
    Complaint.create(
        reference="CMP-2026-0999",
        received_at=datetime(2026, 11, 20, 9),
        summary="Priya Patel's concern",
        details="SAFEGUARDING-DETAIL-4711",
        confidential=True,
    )


def readable(path: Path) -> list[str]:
    """Which of the secrets can be read in the file, in UTF-8 or UTF-16."""
    data = path.read_bytes() if path.exists() else b""
    return [
        secret
        for secret in SECRETS
        if secret.encode("utf-8") in data or secret.encode("utf-16-le") in data
    ]


def everything_written(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_an_encrypted_database_its_wal_and_its_backups_hold_nothing_readable(data_dir):
    key = new_key()
    path = data_dir / "rapport.db"
    db = open_database(path, key=key)
    plant_secrets()
    assert Path(f"{path}-wal").exists()  # written, and still holding the last changes
    backup = backup_copy(db, path, reason="test")
    for file in everything_written(data_dir):
        assert readable(file) == [], file
    close_database()
    assert is_encrypted(path) and is_encrypted(backup)
    open_database(backup, key=key, upgrade=False)
    assert Customer.get(Customer.name == "Zoë Łukasiewicz").email == "zoe@example.org"
    close_database()


def test_a_plain_database_really_is_readable_so_the_test_above_can_fail(data_dir):
    open_database(data_dir / "rapport.db")
    plant_secrets()
    close_database()
    assert "SAFEGUARDING-DETAIL-4711" in readable(data_dir / "rapport.db") + readable(
        data_dir / "rapport.db-wal"
    )


def test_no_key_and_the_wrong_key_get_clear_messages(data_dir):
    path = data_dir / "rapport.db"
    open_database(path, key=new_key())
    close_database()
    with pytest.raises(KeyNeeded, match="encrypted with a key this computer does not have"):
        open_database(path)
    with pytest.raises(WrongKey, match="Use the recovery key"):
        open_database(path, key=new_key())


def test_converting_a_plain_database_keeps_every_row(data_dir):
    path = data_dir / "rapport.db"
    db = open_database(path)
    generate_demo("small", seed=3)
    plant_secrets()
    old_backup = backup_copy(db, path, reason="before-schema-2")  # a plain one, from before
    before = {model: model.select().count() for model in (Customer, Complaint)}
    close_database()
    assert not is_encrypted(path) and readable(old_backup)
    key = new_key()
    backup = encrypt_database(path, key)
    assert is_encrypted(path) and is_encrypted(backup) and is_encrypted(old_backup)
    for file in everything_written(data_dir):
        assert readable(file) == [], file
    open_database(path, key=key)
    assert {model: model.select().count() for model in (Customer, Complaint)} == before
    assert Complaint.get(Complaint.reference == "CMP-2026-0999").details.startswith("SAFE")
    close_database()
    open_database(old_backup, key=key, upgrade=False)  # the old backup, still whole
    assert Customer.select().count() == before[Customer]
    close_database()
    with pytest.raises(KnownError, match="already encrypted"):
        encrypt_database(path, key)


def test_the_recovery_key_reads_back_however_it_is_typed():
    key = new_key()
    text = recovery_text(key)
    assert len(text.split("-")) == 16 and text == text.upper()
    assert key_from_recovery(text) == key
    assert key_from_recovery(" " + text.lower().replace("-", " ") + "\n") == key
    with pytest.raises(KnownError, match="64 letters and digits"):
        key_from_recovery(text[:-1])
    with pytest.raises(KnownError, match="other characters"):
        key_from_recovery(text.replace("A", "O").replace("0", "O"))


def test_a_key_protected_by_a_passphrase():
    key = new_key()
    sealed = protect_key(key, "correct horse battery staple")
    assert key not in sealed and "correct horse" not in sealed
    assert unprotect_key(sealed, "correct horse battery staple") == key
    with pytest.raises(WrongPassphrase):
        unprotect_key(sealed, "Correct horse battery staple")
    with pytest.raises(KnownError, match="damaged"):
        unprotect_key("{}", "anything")
    assert protect_key(key, "same") != protect_key(key, "same")  # a fresh salt each time


def test_only_the_demo_or_an_unreadable_file_stays_plain(data_dir, small_demo_template):
    from shutil import copy

    from models.organisation import Settings

    path = data_dir / "rapport.db"
    copy(small_demo_template, path)
    assert stays_plain(path)  # the demo
    open_database(path)
    Settings.update(demo=False).execute()
    close_database()
    assert not stays_plain(path)  # an organisation's own data is encrypted
    old = data_dir / "old.db"
    copy(Path(__file__).parents[1] / "fixtures" / "schema-v1.db", old)
    assert not stays_plain(old)  # from before the demo flag: its own data
    damaged = data_dir / "damaged.db"
    damaged.write_bytes(b"not a database at all" * 100)
    assert stays_plain(damaged)  # left for the start-up check to offer a backup
    assert damaged.read_bytes() == b"not a database at all" * 100  # nothing written
