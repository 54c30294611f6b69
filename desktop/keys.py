"""Where the database key is kept: the system's keyring (Windows Credential Manager), or for
scheduled commands the RAPPORT_DB_KEY environment variable, or on a machine without a keyring
a file in the data folder sealed with the user's passphrase.

One key per data folder: the keyring entry's user name is the data folder's path.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from models.db import KEY_PATTERN
from models.errors import KnownError

ENVIRONMENT = "RAPPORT_DB_KEY"
SERVICE = "Rapport database key"
PROTECTED_FILE = "key.protected"
log = logging.getLogger(__name__)


def _backend() -> KeyringBackend | None:
    """The system keyring, or None where there is none (a Linux machine with no secret
    service). On Windows the Credential Manager, kept on this computer for this user (not
    roaming with the profile to other machines)."""
    if sys.platform == "win32":  # pragma: no cover - Windows only
        from keyring.backends.Windows import WinVaultKeyring

        backend = WinVaultKeyring()
        backend.persist = "local machine"
        return backend
    backend = keyring.get_keyring()
    if backend.priority <= 0 or type(backend).__module__.endswith(".fail"):
        return None
    return backend


def keyring_name() -> str:
    """What keeps the key here, in words (for Help ▸ About and the self-test)."""
    backend = _backend()
    return "no system keyring" if backend is None else type(backend).__name__


def account(data_dir: Path) -> str:
    return str(Path(data_dir).resolve())


def key_from_environment() -> str | None:
    """RAPPORT_DB_KEY, for commands run by the Task Scheduler; None when it is not set."""
    value = os.environ.get(ENVIRONMENT, "").strip()
    if not value:
        return None
    if not KEY_PATTERN.fullmatch(value.lower()):
        raise KnownError(
            f"{ENVIRONMENT} must hold the database key: 64 hexadecimal digits (0–9, a–f). "
            f"It holds {len(value)} characters."
        )
    return value.lower()


def stored_key(data_dir: Path) -> str | None:
    """The data folder's key from the environment, else from the keyring; None if neither."""
    found = key_from_environment()
    if found is not None:
        return found
    backend = _backend()
    if backend is None:
        return None
    try:
        value = backend.get_password(SERVICE, account(data_dir))
    except KeyringError as error:
        log.warning("The keyring could not be read: %s", error)
        return None
    return value if value and KEY_PATTERN.fullmatch(value) else None


def store_key(data_dir: Path, key: str) -> bool:
    """Keep the key in the keyring; False where there is no keyring to keep it in."""
    backend = _backend()
    if backend is None:
        return False
    try:
        backend.set_password(SERVICE, account(data_dir), key)
    except KeyringError as error:
        raise KnownError(f"The key could not be saved in {keyring_name()}: {error}") from error
    return True


def protected_key_file(data_dir: Path) -> Path:
    return Path(data_dir) / PROTECTED_FILE


SYNC_SERVICE = "Rapport team server"


def _sync_account(url: str, login: str) -> str:
    from desktop.sync.connection import shown_address

    return f"{login} at {shown_address(url)}"


def sync_password(url: str, login: str) -> str | None:
    """A team-server login's password as the keyring keeps it; None where it has none."""
    backend = _backend()
    if backend is None:
        return None
    try:
        return backend.get_password(SYNC_SERVICE, _sync_account(url, login))
    except KeyringError as error:
        log.warning("The keyring could not be read: %s", error)
        return None


def store_sync_password(url: str, login: str, password: str) -> bool:
    """Keep a team-server password in the keyring (never in a file); False where there is no
    keyring: the password is then asked for again, or given in RAPPORT_SYNC_PASSWORD."""
    backend = _backend()
    if backend is None:
        return False
    try:
        backend.set_password(SYNC_SERVICE, _sync_account(url, login), password)
    except KeyringError as error:
        log.warning("The team server's password could not be kept: %s", error)
        return False
    return True
