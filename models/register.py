"""The internal customer register: departments and the customers who depend on the team."""

from __future__ import annotations

from peewee import BooleanField, CharField, ForeignKeyField, TextField

from models.base import ChoiceField, SoftDeleteRecord
from models.choices import CustomerKind


class Department(SoftDeleteRecord):
    name = CharField(max_length=200, unique=True)
    notes = TextField(default="")

    def __str__(self) -> str:
        return self.name


class Customer(SoftDeleteRecord):
    """A person, team, department, shared service, supplier or manager the team serves."""

    name = CharField(max_length=200, index=True)
    kind = ChoiceField(CustomerKind, default=CustomerKind.COLLEAGUE)
    department = ForeignKeyField(Department, null=True, backref="customers", on_delete="RESTRICT")
    job_title = CharField(max_length=200, default="")
    email = CharField(max_length=254, default="", index=True)
    phone = CharField(max_length=50, default="")
    location = CharField(max_length=200, default="")
    needs = TextField(default="")  # needs and expectations
    notes = TextField(default="")
    active = BooleanField(default=True)

    def __str__(self) -> str:
        return self.name
