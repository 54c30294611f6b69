"""The one "data changed" signal: after an operation, tabs refresh only if their kind changed."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, Signal

from models.operations import Change


class DataBus(QObject):
    """Carries which tables an operation changed.

    Signals:
        changed(frozenset): the table names (e.g. {"customer", "department"}) that changed.
    """

    changed = Signal(object)

    def announce(self, changes: Change | str | Iterable[Change | str]) -> None:
        if isinstance(changes, Change | str):
            changes = [changes]
        tables = frozenset(c.table if isinstance(c, Change) else c for c in changes)
        if tables:
            self.changed.emit(tables)
