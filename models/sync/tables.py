"""The laptop's bookkeeping for sync: plain tables, not records (they are never synced)."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    CharField,
    DateTimeField,
    IntegerField,
    Model,
    TextField,
)

from models.base import database


class _Bookkeeping(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SyncOutbox(_Bookkeeping):
    """One local write of a team record waiting for the server: the row before and after (as
    JSON; None for an insert's before and a removal's after). Written by triggers, so every
    path that writes (a form, an import, a merge, a derived date) is caught."""

    seq = AutoField()
    kind = CharField(max_length=100)
    record_id = CharField(max_length=40)
    old = TextField(null=True)
    new = TextField(null=True)

    class Meta:
        indexes = ((("kind", "record_id"), False),)


class SyncSwitch(_Bookkeeping):
    """One row: whether local writes are tracked (once the folder syncs, and not while the
    server's changes are being applied)."""

    tracking = IntegerField(default=0)


class SyncState(_Bookkeeping):
    """What this folder knows of its team server: address, login, the last change pulled."""

    key = CharField(max_length=100, primary_key=True)
    value = TextField()


class SyncVersion(_Bookkeeping):
    """The server's version of each record as last seen here (edit-versus-delete needs it)."""

    kind = CharField(max_length=100)
    record_id = CharField(max_length=40)
    version = BigIntegerField()

    class Meta:
        primary_key = False
        indexes = ((("kind", "record_id"), True),)


class SyncConflict(_Bookkeeping):
    """A field two people changed differently: the server kept theirs; mine waits for a
    person. Values as JSON, as the database holds them."""

    id = AutoField()
    server_id = BigIntegerField(null=True)
    kind = CharField(max_length=100)
    record_id = CharField(max_length=40)
    field = CharField(max_length=100)
    base = TextField(null=True)
    mine = TextField(null=True)
    theirs = TextField(null=True)
    at = DateTimeField()
    resolved_at = DateTimeField(null=True)
    resolution = TextField(default="")

    class Meta:
        indexes = ((("kind", "record_id"), False),)


SYNC_MODELS = (SyncOutbox, SyncSwitch, SyncState, SyncVersion, SyncConflict)
