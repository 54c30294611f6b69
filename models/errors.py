"""Problems of the user's world that deserve a clear message rather than a crash report."""

from __future__ import annotations

from collections.abc import Callable

# Long work reports (stage, fraction done 0–1); the callback raises Cancelled to stop it.
Progress = Callable[[str, float], None]


class KnownError(Exception):
    """A problem the user can act on; its text is shown as it is, so it says what and where."""


class DatabaseTooNew(KnownError):
    pass


class NotARapportDatabase(KnownError):
    pass


class DatabaseUnreadable(KnownError):
    pass


class Cancelled(Exception):
    """Raised from a progress callback when the user cancels long work; it rolls back."""


class DatabaseBusy(KnownError):
    pass


def explain_database_error(error: Exception, path: object = "the database") -> KnownError | None:
    """SQLite's complaints about the user's world, in words; None for anything else (a bug)."""
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return DatabaseBusy(
            f"{path} is in use: another Rapport (or another program) is writing to it. "
            "Try again when it has finished."
        )
    if "unable to open database file" in text:
        return DatabaseUnreadable(
            f"{path} cannot be opened: check that it is a file (not a folder) in a folder "
            "you may read and write."
        )
    if "disk is full" in text or "database or disk is full" in text:
        return KnownError(f"The disk holding {path} is full: nothing more can be saved.")
    if "readonly" in text or "read-only" in text:
        return KnownError(f"{path} is read-only: Rapport cannot save changes to it.")
    if "could not decode to utf-8" in text:  # pages overwritten: the error quotes the garbage
        return DatabaseUnreadable(
            f"{path} is damaged (a stored value is no longer text). Restore it from a backup."
        )
    if "malformed" in text:
        return DatabaseUnreadable(f"{path} is damaged ({error}). Restore it from a backup.")
    return None
