"""Complaints and their timelines (DESIGN.md §2, complaint lifecycle)."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, TextField

from models.base import ChoiceField, Record, SoftDeleteRecord
from models.catalogue import Service
from models.choices import (
    ComplaintCategory,
    ComplaintEventKind,
    ComplaintOutcome,
    ComplaintStatus,
    FeedbackChannel,
)
from models.register import Customer, Department


class Complaint(SoftDeleteRecord):
    """A complaint from an internal customer; every step is also written to its timeline."""

    reference = CharField(max_length=40, unique=True)  # CMP-YYYY-NNNN
    received_at = DateTimeField(index=True)
    customer = ForeignKeyField(Customer, null=True, backref="complaints", on_delete="RESTRICT")
    department = ForeignKeyField(Department, null=True, backref="complaints", on_delete="RESTRICT")
    service = ForeignKeyField(Service, null=True, backref="complaints", on_delete="RESTRICT")
    category = ChoiceField(ComplaintCategory, null=True)
    summary = TextField()
    details = TextField(default="")
    remedy_sought = TextField(default="")
    confidential = BooleanField(default=False)
    status = ChoiceField(ComplaintStatus, default=ComplaintStatus.RECEIVED, index=True)
    acknowledge_due = DateTimeField(null=True)
    acknowledged_at = DateTimeField(null=True)
    resolve_due = DateTimeField(null=True)  # from the procedure, or the agreed extension
    extended_due = DateTimeField(null=True)
    extension_reason = TextField(default="")
    referred_to = CharField(max_length=200, default="")
    referred_on = DateField(null=True)
    referral_reason = TextField(default="")
    referral_outcome = TextField(default="")
    resolved_at = DateTimeField(null=True, index=True)
    resolution = TextField(default="")  # the written response
    outcome = ChoiceField(ComplaintOutcome, null=True)
    remedy_given = TextField(default="")
    lessons_learned = TextField(default="")
    closed_at = DateTimeField(null=True)
    followed_up_on = DateField(null=True)  # customer contacted after resolution
    satisfied = BooleanField(null=True)  # with the outcome

    def __str__(self) -> str:
        return self.reference


class ComplaintEvent(Record):
    """One time-stamped step or communication in a complaint's timeline."""

    complaint = ForeignKeyField(Complaint, backref="events", on_delete="CASCADE")
    at = DateTimeField(index=True)
    kind = ChoiceField(ComplaintEventKind)
    note = TextField(default="")
    channel = ChoiceField(FeedbackChannel, null=True)  # for communications
    who = CharField(max_length=200, default="")  # who spoke, or to whom it was referred
    recorded_by = CharField(max_length=200, default="")  # the operating-system user
