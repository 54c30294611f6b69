"""Keys for the encrypted database, and turning a plain database into an encrypted one.

The key is 256 random bits, written as 64 hexadecimal digits. Where it is kept (the system's
keyring, or a file protected by a passphrase) is the desktop's business; this module only makes
keys, shows them as a recovery key a person can copy, protects one with a passphrase, and
converts a database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from pathlib import Path

from models.db import (
    BACKUP_FOLDER,
    DATABASE_ERRORS,
    KEY_PATTERN,
    RapportDatabase,
    backup_copy,
    close_database,
    flush_to_disk,
    is_encrypted,
    open_database,
    open_file,
    schema_version,
)
from models.errors import KnownError
from models.integrity import record_counts

# scrypt's cost: about a tenth of a second here; memory = 128 × N × r bytes (16 MiB)
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
GROUP = 4  # the recovery key in groups of four characters, as licence keys are written


class WrongPassphrase(KnownError):
    pass


def new_key() -> str:
    return secrets.token_hex(32)


def recovery_text(key: str) -> str:
    """The key as a person copies it: 16 groups of four, upper case, with dashes."""
    upper = key.upper()
    return "-".join(upper[i : i + GROUP] for i in range(0, len(upper), GROUP))


def key_from_recovery(text: str) -> str:
    """The key from a recovery key as typed: spaces, dashes and case do not matter."""
    key = re.sub(r"[\s\-]", "", text).lower()
    if not KEY_PATTERN.fullmatch(key):
        raise KnownError(
            "A recovery key is 64 letters and digits (0–9 and A–F), usually written in 16 "
            f"groups of four; what was typed has {len(key)} and "
            f"{'only those' if re.fullmatch('[0-9a-f]*', key) else 'other'} characters."
        )
    return key


def protect_key(key: str, passphrase: str) -> str:
    """The key sealed with a passphrase (scrypt, a fresh salt), as text to keep in a file."""
    salt = secrets.token_bytes(16)
    pad, mac_key = _stretch(passphrase, salt)
    sealed = bytes(a ^ b for a, b in zip(bytes.fromhex(key), pad, strict=True))
    return json.dumps(
        {
            "kdf": "scrypt",
            **SCRYPT,
            "salt": salt.hex(),
            "sealed": sealed.hex(),
            "mac": hmac.new(mac_key, sealed, hashlib.sha256).hexdigest(),
        }
    )


def unprotect_key(text: str, passphrase: str) -> str:
    """The key from `protect_key`'s text; WrongPassphrase if the passphrase is not the one."""
    try:
        data = json.loads(text)
        salt, sealed = bytes.fromhex(data["salt"]), bytes.fromhex(data["sealed"])
        cost = {name: int(data[name]) for name in SCRYPT}
    except (ValueError, KeyError, TypeError) as error:
        raise KnownError(f"The protected key file is damaged ({error}).") from error
    pad, mac_key = _stretch(passphrase, salt, cost)
    expected = hmac.new(mac_key, sealed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(data.get("mac", ""))):
        raise WrongPassphrase("That passphrase does not unlock the key. Check it and try again.")
    return bytes(a ^ b for a, b in zip(sealed, pad, strict=True)).hex()


def _stretch(
    passphrase: str, salt: bytes, cost: dict[str, int] | None = None
) -> tuple[bytes, bytes]:
    cost = cost or SCRYPT
    stretched = hashlib.scrypt(
        passphrase.encode("utf-8"), salt=salt, dklen=64, maxmem=2**26, **cost
    )
    return stretched[:32], stretched[32:]


def encrypt_database(path: Path, key: str) -> Path:
    """Convert the plain database at `path` into one encrypted with `key`, in place.

    The encrypted copy is made beside it and checked (SQLite's integrity check, every table's
    row count) before it replaces the original; an encrypted backup of it is kept in
    `backups/`. Plain backups already in `backups/` are encrypted too (a chosen backup folder
    elsewhere is the caller's: `encrypt_backups`). Returns the backup. The database is closed
    afterwards.
    """
    path = Path(path)
    if is_encrypted(path):
        raise KnownError(f"{path} is already encrypted.")
    db = open_database(path)
    encrypting = path.with_name(f".{path.name}.encrypting")
    encrypting.unlink(missing_ok=True)
    try:
        expected = record_counts(db, live=False)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        export_encrypted(db, encrypting, key)
        close_database()
        _verify(encrypting, key, expected)
        flush_to_disk(encrypting)
        encrypting.replace(path)
        for companion in ("-wal", "-shm"):  # the plain file's: stale now
            Path(f"{path}{companion}").unlink(missing_ok=True)
        converted = open_file(path, key)
        try:
            backup = backup_copy(converted, path, reason="before-encryption")
        finally:
            converted.close()
    finally:
        close_database()
        encrypting.unlink(missing_ok=True)
    encrypt_backups(path.parent / BACKUP_FOLDER, key)
    return backup


def encrypt_backups(folder: Path, key: str) -> None:
    """Encrypt the plain backups in `folder` in place (each keeps its name and date), so that
    no plain copy of the data is left once the database is encrypted."""
    for plain in sorted(Path(folder).glob("*.db")):
        if is_encrypted(plain) or not plain.is_file():
            continue
        partial = plain.with_name(f".{plain.name}.encrypting")
        partial.unlink(missing_ok=True)
        source = open_file(plain, None)
        try:
            export_encrypted(source, partial, key)
            source.close()
            flush_to_disk(partial)
            partial.replace(plain)
        finally:
            source.close()
            partial.unlink(missing_ok=True)


def stays_plain(path: Path) -> bool:
    """Whether a plain database is left unencrypted: the demo, or one too damaged to read.
    Read without writing anything (the start-up check comes after): a damaged one stays as it
    is, the start-up check offers a backup in its place, and a plain one restored is encrypted
    at the next start."""
    try:
        db = open_file(path, None)
    except DATABASE_ERRORS:
        return True
    try:
        if "demo" not in {column.name for column in db.get_columns("settings")}:
            return False  # from before schema 3: an organisation's own data
        row = db.execute_sql("SELECT demo FROM settings LIMIT 1").fetchone()
        return bool(row and row[0])
    except DATABASE_ERRORS:
        return True
    finally:
        db.close()


def export_encrypted(db: RapportDatabase, target: Path, key: str) -> None:
    """SQLCipher's export of every table, index and row (and the schema version) into a new
    encrypted file."""
    version = schema_version(db)
    db.execute_sql(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key}'\"", (str(target),))
    try:
        db.execute_sql("SELECT sqlcipher_export('encrypted')")
        db.execute_sql(f"PRAGMA encrypted.user_version = {int(version)}")
    finally:
        db.execute_sql("DETACH DATABASE encrypted")


def _verify(target: Path, key: str, expected: dict[str, int]) -> None:
    try:
        check = open_file(target, key)
    except DATABASE_ERRORS as error:
        raise KnownError(f"The encrypted copy could not be read back ({error}).") from error
    try:
        result = check.execute_sql("PRAGMA integrity_check").fetchone()[0]
        found = record_counts(check, live=False)
    except DATABASE_ERRORS as error:
        raise KnownError(f"The encrypted copy could not be read back ({error}).") from error
    finally:
        check.close()
    if result != "ok" or found != expected:
        raise KnownError(
            "The encrypted copy did not match the original (integrity: "
            f"{result}); nothing was changed."
        )
