"""The service catalogue: services, their agreed quality standards, and agreements."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    FloatField,
    ForeignKeyField,
    TextField,
)

from models.base import ChoiceField, Record, SoftDeleteRecord
from models.choices import Measure, StandardStatus, Unit
from models.register import Customer, Department


class Service(SoftDeleteRecord):
    name = CharField(max_length=200, unique=True)
    category = CharField(max_length=100, default="")
    provider = CharField(max_length=200, default="")  # the providing team
    description = TextField(default="")
    active = BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class Standard(SoftDeleteRecord):
    """An agreed quality standard of a service, e.g. "respond within 4 working hours, 95 %".

    Agreed with everyone when neither department nor customer is set; a standard agreed with a
    department or customer overrides the service's general one of the same measure.
    """

    service = ForeignKeyField(Service, backref="standards", on_delete="RESTRICT")
    statement = TextField()
    measure = ChoiceField(Measure)
    target = FloatField()
    unit = ChoiceField(Unit)
    compliance_target = FloatField(
        default=100.0, constraints=[Check("compliance_target BETWEEN 0 AND 100")]
    )
    department = ForeignKeyField(Department, null=True, backref="standards", on_delete="RESTRICT")
    customer = ForeignKeyField(Customer, null=True, backref="standards", on_delete="RESTRICT")
    agreed_on = DateField(null=True)
    review_on = DateField(null=True, index=True)
    status = ChoiceField(StandardStatus, default=StandardStatus.AGREED)

    class Meta:
        constraints = (Check("target >= 0"),)


class Agreement(SoftDeleteRecord):
    """What was agreed with one department or customer, and what happens when it is not met."""

    title = CharField(max_length=200, default="")
    department = ForeignKeyField(Department, null=True, backref="agreements", on_delete="RESTRICT")
    customer = ForeignKeyField(Customer, null=True, backref="agreements", on_delete="RESTRICT")
    procedure = TextField(default="")  # what to do when needs are not met
    signed_off_by = CharField(max_length=200, default="")
    signed_on = DateField(null=True)
    next_review = DateField(null=True)
    notes = TextField(default="")


class AgreementService(Record):
    agreement = ForeignKeyField(Agreement, backref="service_links", on_delete="CASCADE")
    service = ForeignKeyField(Service, backref="agreement_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("agreement", "service"), True),)


class AgreementStandard(Record):
    agreement = ForeignKeyField(Agreement, backref="standard_links", on_delete="CASCADE")
    standard = ForeignKeyField(Standard, backref="agreement_links", on_delete="RESTRICT")

    class Meta:
        indexes = ((("agreement", "standard"), True),)
