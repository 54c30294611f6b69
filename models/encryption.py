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
    backup_path,
    close_database,
    is_encrypted,
    open_database,
)
from models.errors import KnownError

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


def record_counts(db: RapportDatabase) -> dict[str, int]:
    tables = [row[0] for row in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()]  # fmt: skip
    return {t: db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def encrypt_database(path: Path, key: str) -> Path:
    """Convert the plain database at `path` into one encrypted with `key`, in place.

    The encrypted copy is made beside it and checked (SQLite's integrity check, every table's
    row count) before it replaces the original; a copy of it is kept in `backups/` first. Plain
    backups already in `backups/` are encrypted too, so no plain copy is left. Returns the
    backup. The database is closed afterwards.
    """
    path = Path(path)
    if is_encrypted(path):
        raise KnownError(f"{path} is already encrypted.")
    db = open_database(path)
    encrypting = path.with_name(f".{path.name}.encrypting")
    encrypting.unlink(missing_ok=True)
    try:
        expected = record_counts(db)
        version = db.execute_sql("PRAGMA user_version").fetchone()[0]
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        export_encrypted(db, encrypting, key, version)
        close_database()
        _verify(encrypting, key, expected)
        backup = backup_path(path, "before-encryption")
        backup.write_bytes(encrypting.read_bytes())
        encrypting.replace(path)
        for companion in ("-wal", "-shm"):  # the plain file's: stale now
            Path(f"{path}{companion}").unlink(missing_ok=True)
    finally:
        close_database()
        encrypting.unlink(missing_ok=True)
    for old in sorted((path.parent / BACKUP_FOLDER).glob("*.db")):
        if not is_encrypted(old):
            _encrypt_copy(old, key)
    return backup


def export_encrypted(db: RapportDatabase, target: Path, key: str, version: int) -> None:
    """SQLCipher's export of every table, index and row into a new encrypted file."""
    db.execute_sql(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key}'\"", (str(target),))
    try:
        db.execute_sql("SELECT sqlcipher_export('encrypted')")
        db.execute_sql(f"PRAGMA encrypted.user_version = {int(version)}")
    finally:
        db.execute_sql("DETACH DATABASE encrypted")


def _verify(target: Path, key: str, expected: dict[str, int]) -> None:
    check = RapportDatabase(str(target), key)
    try:
        check.connect()
        result = check.execute_sql("PRAGMA integrity_check").fetchone()[0]
        found = record_counts(check)
    except DATABASE_ERRORS as error:
        raise KnownError(f"The encrypted copy could not be read back ({error}).") from error
    finally:
        check.close()
    if result != "ok" or found != expected:
        raise KnownError(
            "The encrypted copy did not match the original (integrity: "
            f"{result}); nothing was changed."
        )


def _encrypt_copy(plain: Path, key: str) -> None:
    """Encrypt an old plain backup in place (it keeps its name and date)."""
    source = RapportDatabase(str(plain))
    partial = plain.with_name(f".{plain.name}.encrypting")
    partial.unlink(missing_ok=True)
    try:
        source.connect()
        version = source.execute_sql("PRAGMA user_version").fetchone()[0]
        export_encrypted(source, partial, key, version)
        source.close()
        partial.replace(plain)
    finally:
        source.close()
        partial.unlink(missing_ok=True)
