"""Feedback items with their scores, and the code frame used to make sense of comments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from peewee import (
    JOIN,
    BooleanField,
    CharField,
    Check,
    DateField,
    ForeignKeyField,
    IntegerField,
    TextField,
    fn,
)

from models import clock
from models.audit import record_change
from models.base import ChoiceField, Record, SoftDeleteRecord, database
from models.catalogue import Service
from models.choices import AuditAction, FeedbackChannel, FeedbackType
from models.delivery import key
from models.errors import KnownError
from models.listing import ListColumn, Listing
from models.operations import Change, Problems, create, merge_records, validates
from models.register import Customer, Department
from models.scores import SCALES
from models.validation import name_problems


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


@validates(Feedback)
def feedback_problems(values: Mapping[str, Any], record: Feedback | None) -> Problems:
    problems: dict[str, str | None] = {}
    received = values.get("received_on")
    if received is None:
        problems["received_on"] = "Give the date of the feedback."
    elif received > clock.today():
        problems["received_on"] = "Feedback cannot be dated in the future."
    if not values.get("channel"):
        problems["channel"] = "Choose how the feedback came in."
    for name, scale in SCALES.items():
        score = values.get(name)
        if score is None:
            continue
        whole = isinstance(score, int) and not isinstance(score, bool)
        if not whole or not scale.low <= score <= scale.high:
            problems[name] = f"{scale.name} is a whole number from {scale.low} to {scale.high}."
    if values.get("anonymous") and values.get("customer") is not None:
        problems["customer"] = "Anonymous feedback names no customer."
    return {field: message for field, message in problems.items() if message}


@validates(Code)
def code_problems(values: Mapping[str, Any], record: Code | None) -> Problems:
    asked = "the code: a few words someone new would understand"
    return name_problems(Code, values, record, "code", asked)


def record_feedback(codes: Iterable[Any] = (), **values: Any) -> tuple[Feedback, list[Change]]:
    """Record one item of feedback with its codes (keys of existing codes)."""
    with database.atomic():
        item, change = create(Feedback, **values)
        coding = set_codes(item, codes)
    return item, [change, *coding]


def set_codes(item: Feedback, codes: Iterable[Any]) -> list[Change]:
    """Make `codes` the item's codes: links added and removed, each audited."""
    wanted = {key(code) for code in codes}
    current = {key(link.code_id): link for link in item.code_links}
    changes = []
    with database.atomic():
        for code, link in current.items():
            if code not in wanted:
                link.delete_instance()
                record_change(
                    item, AuditAction.UPDATE, {"codes": (str(Code.get_by_id(code)), None)}
                )
        for code in sorted(wanted - set(current)):
            FeedbackCode.create(feedback=item.id, code=code)
            record_change(item, AuditAction.UPDATE, {"codes": (None, str(Code.get_by_id(code)))})
        if wanted != set(current):
            changes.append(Change("feedback_code", AuditAction.UPDATE, item))
    return changes


def merge_codes(keep: Code, merge: Code) -> list[Change]:
    """Fold `merge` into `keep`: every item coded with either ends up coded with `keep`, once;
    `merge` is then deleted (softly), its description kept in the audit trail."""
    if keep.id == merge.id:
        raise KnownError("Choose two different codes to merge.")
    with database.atomic():
        coded_with_keep = FeedbackCode.select(FeedbackCode.feedback).where(
            FeedbackCode.code == keep.id
        )
        FeedbackCode.delete().where(  # coded with both: one link is enough
            FeedbackCode.code == merge.id, FeedbackCode.feedback.in_(coded_with_keep)
        ).execute()
        return merge_records(keep, merge)  # the items' links, and actions from the code


def _code_list() -> Any:
    """The item's codes as one text, for the list (and its search)."""
    return (
        FeedbackCode.select(fn.GROUP_CONCAT(Code.name, "; "))
        .join(Code)
        .where(FeedbackCode.feedback == Feedback.id)
    )


FEEDBACK_LISTING = Listing(
    model=Feedback,
    columns=(
        ListColumn("received_on", Feedback.received_on),
        ListColumn("channel", Feedback.channel, searchable=True),
        ListColumn("customer", Customer.name, searchable=True),
        ListColumn("department", Department.name, searchable=True),
        ListColumn("service", Service.name, searchable=True),
        ListColumn("nps", Feedback.nps),
        ListColumn("ces", Feedback.ces),
        ListColumn("csat", Feedback.csat),
        ListColumn("type", Feedback.type, searchable=True),
        ListColumn("comment", Feedback.comment, searchable=True),
        ListColumn("codes", _code_list(), searchable=True),
    ),
    joins=lambda query: (
        query.join(Customer, JOIN.LEFT_OUTER, on=Feedback.customer == Customer.id)
        .switch(Feedback)
        .join(Department, JOIN.LEFT_OUTER, on=Feedback.department == Department.id)
        .switch(Feedback)
        .join(Service, JOIN.LEFT_OUTER, on=Feedback.service == Service.id)
    ),
    filters={
        "channel": lambda query, channel: query.where(Feedback.channel == channel),
        "type": lambda query, kind: query.where(Feedback.type == kind),
        "service": lambda query, service: query.where(Feedback.service == service),
        "uncoded": lambda query, _: query.where(
            ~fn.EXISTS(FeedbackCode.select().where(FeedbackCode.feedback == Feedback.id))
        ),
    },
    default_sort="received_on",
    default_descending=True,
)


def code_choices() -> list[tuple[str, str]]:
    """(name, key) of the codes offered for coding: live and not retired."""
    query = Code.live(Code.name, Code.id).where(~Code.retired).order_by(Code.name)
    return [(name, id_.hex) for name, id_ in query.tuples()]


CODE_LISTING = Listing(
    model=Code,
    columns=(
        ListColumn("name", Code.name, searchable=True),
        ListColumn("description", Code.description, searchable=True),
        ListColumn(
            "items",
            FeedbackCode.select(fn.COUNT(FeedbackCode.id))
            .join(Feedback)
            .where((FeedbackCode.code == Code.id) & Feedback.deleted_at.is_null()),
        ),
        ListColumn("retired", Code.retired),
    ),
    filters={"retired": lambda query, retired: query.where(Code.retired == bool(retired))},
    default_sort="name",
)
