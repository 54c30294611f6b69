"""The name of the person at the keyboard, as the operating system knows it: the first team
member of a new data folder is made from it, and the first-run page lets them correct it."""

from __future__ import annotations

import sys

from models.audit import os_user
from models.validation import CONTROL_CHARACTERS

_NAME_DISPLAY = 3  # EXTENDED_NAME_FORMAT: the account's display name ("Priya Patel")


def os_full_name() -> str:
    """The account's full name where the system keeps one, else the login name; never
    anything a name may not hold (a badly encoded password database gives half-characters)."""
    try:
        found = _windows_display_name() if sys.platform == "win32" else _unix_full_name()
    except OSError:  # the system would not say: the login will do
        found = ""
    cleaned = " ".join(CONTROL_CHARACTERS.sub("", found).split())[:200]
    return cleaned or " ".join(CONTROL_CHARACTERS.sub("", os_user()).split())[:200] or "Me"


def _windows_display_name() -> str:  # pragma: no cover - Windows only
    import ctypes

    size = ctypes.c_ulong(0)
    secur32 = ctypes.WinDLL("secur32")
    get_name = secur32.GetUserNameExW
    get_name.argtypes = [ctypes.c_int, ctypes.c_wchar_p, ctypes.POINTER(ctypes.c_ulong)]
    get_name.restype = ctypes.c_ubyte  # BOOLEAN
    get_name(_NAME_DISPLAY, None, ctypes.byref(size))
    if not size.value:  # a local account with no display name, or no domain to ask
        return ""
    buffer = ctypes.create_unicode_buffer(size.value)
    if not get_name(_NAME_DISPLAY, buffer, ctypes.byref(size)):
        return ""
    return buffer.value


def _unix_full_name() -> str:
    """The first field of the password database's comment (GECOS) field."""
    try:
        import os
        import pwd

        return pwd.getpwuid(os.getuid()).pw_gecos.split(",")[0]
    except (ImportError, KeyError, OSError):
        return ""
