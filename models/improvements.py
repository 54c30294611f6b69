"""Improvement actions: identify, define, analyse, explore options, select, implement, review."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, ForeignKeyField, TextField

from models.base import ChoiceField, SoftDeleteRecord
from models.catalogue import Standard
from models.choices import ActionSource, ActionStatus
from models.complaints import Complaint
from models.feedback import Code, Feedback


class ImprovementAction(SoftDeleteRecord):
    title = CharField(max_length=200)
    source = ChoiceField(ActionSource, default=ActionSource.OTHER)
    complaint = ForeignKeyField(Complaint, null=True, backref="actions", on_delete="RESTRICT")
    feedback = ForeignKeyField(Feedback, null=True, backref="actions", on_delete="RESTRICT")
    code = ForeignKeyField(Code, null=True, backref="actions", on_delete="RESTRICT")
    standard = ForeignKeyField(Standard, null=True, backref="actions", on_delete="RESTRICT")
    problem = TextField(default="")
    analysis = TextField(default="")  # root cause
    options = TextField(default="")
    chosen_action = TextField(default="")
    owner = CharField(max_length=200, default="")
    due_on = DateField(null=True, index=True)
    status = ChoiceField(ActionStatus, default=ActionStatus.IDENTIFIED)
    completed_on = DateField(null=True)
    review_on = DateField(null=True)
    review_outcome = TextField(default="")
    effective = BooleanField(null=True)
    measure_before = CharField(max_length=200, default="")
    measure_after = CharField(max_length=200, default="")
