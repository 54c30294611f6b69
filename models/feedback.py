"""Feedback items with their scores, and the code frame used to make sense of comments."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from models.base import ChoiceField, Record, SoftDeleteRecord
from models.catalogue import Service
from models.choices import FeedbackChannel, FeedbackType
from models.register import Customer, Department


class Code(SoftDeleteRecord):
    """A descriptive label for a point people make, clear to someone new to the service."""

    name = CharField(max_length=200, unique=True)
    description = TextField(default="")
    retired = BooleanField(default=False)

    def __str__(self) -> str:
        return self.name


class Feedback(SoftDeleteRecord):
    """One item of feedback: a sheet, a slip, a survey response, a remark in a meeting."""

    received_on = DateField(index=True)
    channel = ChoiceField(FeedbackChannel)
    customer = ForeignKeyField(Customer, null=True, backref="feedback", on_delete="RESTRICT")
    department = ForeignKeyField(Department, null=True, backref="feedback", on_delete="RESTRICT")
    service = ForeignKeyField(Service, null=True, backref="feedback", on_delete="RESTRICT")
    anonymous = BooleanField(default=False)
    nps = IntegerField(null=True, constraints=[Check("nps BETWEEN 0 AND 10")])
    ces = IntegerField(null=True, constraints=[Check("ces BETWEEN 1 AND 7")])
    csat = IntegerField(null=True, constraints=[Check("csat BETWEEN 1 AND 5")])
    comment = TextField(default="")
    type = ChoiceField(FeedbackType, null=True)
    theme = CharField(max_length=200, default="")


class FeedbackCode(Record):
    feedback = ForeignKeyField(Feedback, backref="code_links", on_delete="CASCADE")
    code = ForeignKeyField(Code, backref="feedback_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("feedback", "code"), True),)
