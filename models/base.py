"""The deferred database and what every record has: a UUID key and its time stamps.

UUID keys (not counters) keep the door open for merging several administrators' databases;
`deleted_at` makes deletion soft, so history and past reports stay consistent.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Self

from peewee import CharField, DatabaseProxy, DateTimeField, Model, ModelSelect, UUIDField

from models import clock
from models.choices import Choice

database = DatabaseProxy()


class ChoiceField(CharField):
    """A column holding one word of a `Choice` list; reads back as the enum member."""

    def __init__(self, choice: type[Choice], **kwargs: Any) -> None:
        self.choice = choice
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def db_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return self.choice(value).value

    def python_value(self, value: Any) -> Choice | None:
        return None if value is None else self.choice(value)


class Record(Model):
    """Base of every table: UUID primary key, created and updated moments."""

    id = UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = DateTimeField(default=clock.now)
    updated_at = DateTimeField(default=clock.now)

    class Meta:
        database = database
        legacy_table_names = False

    def save(self, *args: Any, **kwargs: Any) -> int:
        """Insert or update. The key is made up front, so peewee would take a new record for
        an old one and update nothing: an update that touches no row becomes an insert."""
        if kwargs.get("force_insert"):
            return super().save(*args, **kwargs)
        self.updated_at = clock.now()
        return super().save(*args, **kwargs) or super().save(force_insert=True)


class SoftDeleteRecord(Record):
    """A record whose deletion only stamps `deleted_at`, so links and history survive."""

    deleted_at = DateTimeField(null=True, index=True)

    @classmethod
    def live(cls, *fields: Any) -> ModelSelect:
        """Records that have not been deleted."""
        return cls.select(*fields).where(cls.deleted_at.is_null())

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def stamp_deleted(self, moment: datetime | None = None) -> Self:
        self.deleted_at = moment or clock.now()
        return self


def bulk_insert(model: type[Record], rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many rows with one prepared statement: far faster than row-by-row saves.

    Every row has the same keys; values go through each field's `db_value`, as a save would.
    No audit entries are written: this is for generated or freshly imported data.
    """
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.fields[name] for name in names]
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    marks = ", ".join("?" for _ in fields)
    sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
    values = ([f.db_value(row[n]) for f, n in zip(fields, names, strict=True)] for row in rows)
    model._meta.database.cursor().executemany(sql, values)
