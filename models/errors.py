"""Problems of the user's world that deserve a clear message rather than a crash report."""


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
