"""The demo organisation: believable, complete, and the same for the same seed."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from models.choices import ComplaintStatus, CustomerKind, FeedbackChannel, Unit
from models.complaints import Complaint
from models.db import close_database, open_database
from models.demo import SIZES, generate_demo
from models.errors import Cancelled, KnownError
from models.feedback import Feedback, FeedbackCode
from models.integrity import check_database, is_empty, record_counts
from models.organisation import get_settings, working_calendar
from models.register import Customer
from models.service_log import ServiceRequest
from tests.conftest import FIXED_NOW


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in key order."""
    connection = sqlite3.connect(path)
    tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    rows = {t: connection.execute(f'SELECT * FROM "{t}" ORDER BY id').fetchall() for t in tables}
    connection.close()
    return rows


def make_demo(path: Path, seed: int) -> dict[str, list[tuple]]:
    open_database(path)
    generate_demo("small", seed=seed)
    close_database()
    return dump(path)


def test_the_same_seed_gives_identical_rows(tmp_path, small_demo_template):
    again = make_demo(tmp_path / "again.db", seed=1)
    assert again == dump(small_demo_template)
    assert make_demo(tmp_path / "other.db", seed=2) != again


def test_the_small_demo_has_the_promised_shape(demo_db):
    counts = record_counts()
    size = SIZES["small"]
    assert counts["customer"] == size.customers
    assert counts["department"] == size.departments
    assert counts["service"] == size.services
    assert counts["service_request"] == size.requests
    assert counts["complaint"] == size.complaints
    assert counts["feedback"] == size.feedback
    assert counts["improvement_action"] == size.actions
    assert counts["standard"] > size.services
    assert counts["agreement"] >= 3
    assert counts["complaint_event"] > size.complaints * 3
    assert get_settings().organisation_name.startswith("Northshire")
    assert check_database(demo_db).ok


def test_the_demo_covers_every_kind_state_and_channel(demo_db):
    kinds = {c.kind for c in Customer.select(Customer.kind)}
    assert kinds == set(CustomerKind)
    statuses = {c.status for c in Complaint.select(Complaint.status)}
    assert statuses == set(ComplaintStatus)
    assert Complaint.select().where(Complaint.confidential).count() > 0
    assert Complaint.select().where(Complaint.referred_to != "").count() > 0
    channels = {f.channel for f in Feedback.select(Feedback.channel)}
    assert channels == set(FeedbackChannel)
    for score in (Feedback.nps, Feedback.ces, Feedback.csat):
        assert Feedback.select().where(score.is_null(False)).count() > 100
    assert FeedbackCode.select().count() > 300


def test_the_year_ends_before_today_and_starts_twelve_months_back(demo_db):
    first = ServiceRequest.select().order_by(ServiceRequest.received_at).first().received_at
    last = ServiceRequest.select().order_by(ServiceRequest.received_at.desc()).first().received_at
    assert date(2025, 11, 1) <= first.date() < date(2025, 11, 8)
    assert last < datetime(2026, 11, 25) < FIXED_NOW
    completed = ServiceRequest.select().where(ServiceRequest.completed_at.is_null(False))
    assert max(r.completed_at for r in completed) < datetime(2026, 11, 25)
    assert ServiceRequest.select().where(ServiceRequest.completed_at.is_null()).count() > 0


def test_stored_due_moments_are_the_working_calendars(demo_db):
    calendar = working_calendar()
    requests = ServiceRequest.select().where(ServiceRequest.response_standard.is_null(False))
    for request in requests.limit(300):
        standard = request.response_standard
        amount = standard.target if standard.unit is Unit.WORKING_HOURS else int(standard.target)
        assert request.response_due == calendar.due(request.received_at, amount, standard.unit)


def test_most_requests_meet_their_standard_but_not_all(demo_db):
    answered = ServiceRequest.select().where(
        ServiceRequest.responded_at.is_null(False), ServiceRequest.response_due.is_null(False)
    )
    met = sum(r.responded_at <= r.response_due for r in answered)
    assert 0.8 < met / answered.count() < 0.99


def test_demo_refuses_a_database_in_use(demo_db):
    with pytest.raises(KnownError, match="already holds records"):
        generate_demo("small")


def test_unknown_size_is_refused(db):
    with pytest.raises(KnownError, match="Unknown demo size 'huge'"):
        generate_demo("huge")


def test_cancelling_part_way_leaves_the_database_empty(db):
    def cancel_at_requests(stage: str, fraction: float) -> None:
        if stage == "Service requests" and fraction > 0.5:
            raise Cancelled

    with pytest.raises(Cancelled):
        generate_demo("small", progress=cancel_at_requests)
    assert is_empty()
    assert get_settings().organisation_name == ""
