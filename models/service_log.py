"""The service log: requests received, and how they were delivered against the standards."""

from __future__ import annotations

from peewee import JOIN, BooleanField, DateTimeField, ForeignKeyField, TextField

from models.base import ChoiceField, SoftDeleteRecord
from models.catalogue import Service, Standard
from models.choices import RequestChannel
from models.listing import ListColumn, Listing
from models.register import Customer, Department


class ServiceRequest(SoftDeleteRecord):
    """One request for a service; due moments are stored as judged when they were computed.

    Open requests have their due moments recomputed when the calendar or a standard changes;
    closed ones keep the ones they were judged against.
    """

    service = ForeignKeyField(Service, backref="requests", on_delete="RESTRICT")
    customer = ForeignKeyField(Customer, null=True, backref="requests", on_delete="RESTRICT")
    department = ForeignKeyField(Department, null=True, backref="requests", on_delete="RESTRICT")
    received_at = DateTimeField(index=True)
    channel = ChoiceField(RequestChannel, default=RequestChannel.EMAIL)
    description = TextField(default="")
    notes = TextField(default="")
    responded_at = DateTimeField(null=True)
    completed_at = DateTimeField(null=True)
    accurate = BooleanField(null=True)  # right first time
    needs_met = BooleanField(null=True)  # customer confirmed needs met
    needs_met_note = TextField(default="")
    response_standard = ForeignKeyField(Standard, null=True, backref="+", on_delete="RESTRICT")
    completion_standard = ForeignKeyField(Standard, null=True, backref="+", on_delete="RESTRICT")
    response_due = DateTimeField(null=True)
    completion_due = DateTimeField(null=True)


SERVICE_REQUEST_LISTING = Listing(
    model=ServiceRequest,
    columns=(
        ListColumn("received_at", ServiceRequest.received_at),
        ListColumn("service", Service.name, searchable=True),
        ListColumn("customer", Customer.name, searchable=True),
        ListColumn("department", Department.name, searchable=True),
        ListColumn("description", ServiceRequest.description, searchable=True),
        ListColumn("responded_at", ServiceRequest.responded_at),
        ListColumn("completed_at", ServiceRequest.completed_at),
    ),
    joins=lambda query: (
        query.join(Service, on=ServiceRequest.service == Service.id)
        .switch(ServiceRequest)
        .join(Customer, JOIN.LEFT_OUTER, on=ServiceRequest.customer == Customer.id)
        .switch(ServiceRequest)
        .join(Department, JOIN.LEFT_OUTER, on=ServiceRequest.department == Department.id)
    ),
    filters={"service": lambda query, service: query.where(ServiceRequest.service == service)},
    default_sort="received_at",
    default_descending=True,  # a log reads newest first
)
