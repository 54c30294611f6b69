"""No text a database holds can break a printed report, however long or strange.

A form keeps what people type within bounds, but an old database, another laptop or an import
may hold anything. So every text field of every table is filled, past the forms' checks, with
6,000 characters: words, more lines than a table cell shows, one 5,000-character word (a code,
a web address), markup characters, emoji, Arabic and Hebrew. The fields are found by type, so a
field added later is covered without touching this file. The monthly report must still be
written, every quoted text cut short with "…"; the complaint record must print its complaint's
free text in full; and no line may run past its column or the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from io import BytesIO
from typing import Any

import pytest
from peewee import CharField, Field, Model, TextField, fn
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from desktop.reports.complaint_record import build_complaint_record
from desktop.reports.monitoring_report import build_monitoring_report
from desktop.reports.typography import ELLIPSIS, clipped
from models.base import ChoiceField
from models.complaint_lifecycle import timeline
from models.complaints import Complaint
from models.improvements import ImprovementAction
from models.periods import Period
from models.schema import ALL_MODELS
from tests.desktop.test_reports import pdf_text

OCTOBER = Period.month(2026, 10)  # a month of the small demo, whole before the fixed clock
NOT_PRINTED = {"AuditEntry", "ImportMapping"}  # the history and saved import settings
# Chosen from lists and needed valid by the working calendar: not free text.
NOT_FREE_TEXT = {
    "Settings.working_weekdays",
    "Settings.holiday_country",
    "Settings.holiday_subdivision",
    "Settings.time_zone",
}
MARKUP = "<b>not bold</b> & &amp; <i"  # printed as typed, never taken as markup
SCRIPTS = "😀 مرحبا بالعالم שלום עולם"  # emoji, and text written right to left
LINES = "\n".join(f"line {n} of many" for n in range(40))  # more lines than a cell shows
LONG_WORD = ("abcdefghij0123456789" * 250)[:5000]  # no space to break it at
SIZE = 6_000
# Printed in full by the complaint record (its free text); names there are cut.
RECORD_IN_FULL = (
    "summary",
    "details",
    "remedy_sought",
    "extension_reason",
    "referral_reason",
    "referral_outcome",
    "resolution",
    "remedy_given",
    "lessons_learned",
)


def long_text(end: str) -> str:
    """6,000 characters ending with `end`, so a test can tell a text printed in full (its end
    is there) from one cut short."""
    start = f"{MARKUP} {SCRIPTS}\t\x07 {LINES}\n"
    words = "plain words that wrap at their spaces " * 40
    padding = SIZE - len(start) - len(LONG_WORD) - len(end) - 2
    return f"{start}{words[:padding]} {LONG_WORD} {end}"


def text_fields() -> Iterator[tuple[type[Model], Field]]:
    """Every field that holds a person's text, in every table a report may read."""
    for model in ALL_MODELS:
        if model.__name__ in NOT_PRINTED:
            continue
        for field in model._meta.sorted_fields:
            text = isinstance(field, CharField | TextField) and not isinstance(field, ChoiceField)
            if text and f"{model.__name__}.{field.name}" not in NOT_FREE_TEXT:
                yield model, field


def fill_every_text_field() -> None:
    """Every row's every text field made long, straight into the database as an old one might
    hold it; a field that must be unique starts with its row's key."""
    for model, field in text_fields():
        value = long_text(f"END-{model.__name__}.{field.name}")
        new = fn.LOWER(model.id).concat(f" {value}") if field.unique else value
        model.update({field: new}).execute()


@pytest.fixture
def overflows(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """How far each paragraph drawn runs past the width it was laid out in (in points): a word
    too long for its line must be split, not printed across the margin."""
    found: list[float] = []
    draw_on = Paragraph.drawOn

    def measured(self: Paragraph, *args: Any, **kwargs: Any) -> None:
        found.append(max(self.getActualLineWidths0() or [0.0]) - self.width)
        draw_on(self, *args, **kwargs)

    monkeypatch.setattr(Paragraph, "drawOn", measured)
    return found


def test_every_text_field_is_found():
    """The fields named in the defect this guards against are among those filled."""
    names = {f"{model.__name__}.{field.name}" for model, field in text_fields()}
    assert {
        "Feedback.comment",
        "Code.name",
        "Complaint.summary",
        "Complaint.referred_to",
        "ComplaintEvent.note",
        "Customer.name",
        "Department.name",
        "Standard.statement",
        "ImprovementAction.title",
        "Settings.organisation_name",
    } <= names
    assert len(long_text("END")) == SIZE


def test_no_stored_text_breaks_the_monthly_report(demo_db, overflows, tmp_path):
    plain = build_monitoring_report(OCTOBER, BytesIO(), by_owner=True)
    fill_every_text_field()
    path = tmp_path / "october.pdf"
    built = build_monitoring_report(
        OCTOBER, path, prepared_by=long_text("END-prepared-by"), by_owner=True
    )  # with the appendix of work by owner, which names each member
    assert built.pages == len(PdfReader(path).pages)
    assert plain.pages < built.pages <= 6 * plain.pages  # longer, but each text cut short
    text = pdf_text(path)
    assert "Monitoring and evaluation report" in text and "Sign-off" in text
    assert "Appendix: work by owner" in text
    assert MARKUP in text  # the markup printed as typed
    assert "\x00" not in text  # nor a control character, as an empty box
    assert ELLIPSIS in text and "END-" not in text  # every text quoted is cut short
    assert max(overflows) < 2  # the long word split at the column's edge


def test_no_stored_text_breaks_the_complaint_record(demo_db, overflows, tmp_path):
    action = ImprovementAction.select().where(ImprovementAction.complaint.is_null(False)).first()
    complaint = action.complaint  # one with an improvement action: every part is printed
    Complaint.update(extended_due=datetime(2026, 12, 1, 17), owner=action.owner_id).where(
        Complaint.id == complaint.id
    ).execute()
    fill_every_text_field()
    complaint = Complaint.get_by_id(complaint.id)
    path = tmp_path / "record.pdf"
    built = build_complaint_record(complaint, path)
    assert built.pages == len(PdfReader(path).pages)
    assert 2 < built.pages < 80
    text = pdf_text(path)
    for name in RECORD_IN_FULL:  # the record is the full account: nothing of it is cut
        assert f"END-Complaint.{name}" in text, name
    assert text.count("END-ComplaintEvent.note") == len(timeline(complaint))
    assert MARKUP in text
    assert "END-Customer.name" not in text and ELLIPSIS in text  # a name in its cell is cut
    assert "END-Member.name" not in text  # the owner's, in the header and beside the action
    assert max(overflows) < 2


def test_clipped_cuts_to_length_and_lines_with_an_ellipsis():
    assert clipped("short") == "short" and clipped(None) == ""
    cut = clipped("word " * 100, 50)
    assert len(cut) <= 50 and cut.endswith("word…")  # at a word's end, where one is near
    assert clipped("x" * 100, 10) == "x" * 9 + ELLIPSIS  # a long word is cut inside
    assert clipped("one\ntwo\nthree", lines=2) == "one\ntwo…"
    assert clipped("one\r\ntwo", lines=1) == "one…"
