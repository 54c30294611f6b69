"""Two laptops syncing through a real PostgreSQL (tests/postgres.py), driven as a user or a
scheduled job drives them: publish, join, merged edits, conflicts and their settling,
working offline and catching up, and what a sync says when it cannot go on."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from desktop.cli import EXIT_FAILED, EXIT_OK
from models.complaints import ComplaintEvent
from models.operations import fetch, soft_delete, update
from models.people import member_at_keyboard
from models.register import Customer
from tests.desktop.sync_helpers import PASSWORD, customer, new_customer


@pytest.fixture
def pair(team):
    """Priya publishes a small register; Sam joins it."""
    return team.pair()


def test_a_joined_laptop_holds_the_published_register_and_knows_who_it_is(pair, capsys):
    priya, sam = pair
    with sam.open():
        ann = customer("Ann Lee")
        assert ann.department.name == "Finance"
        assert fetch(type(ann), ann.id).email == "ann@example.org"
        from models.people import Member

        assert Member.get(Member.id == member_at_keyboard()).name == "Sam Jones"
    with priya.open():
        from models.people import Member

        assert Member.get(Member.id == member_at_keyboard()).name == "Priya Patel"


def test_edits_of_different_fields_merge_and_the_same_field_conflicts(pair, capsys):
    priya, sam = pair
    with priya.open():
        update(customer("Ann Lee"), phone="4455", job_title="Clerk")
    with sam.open():
        update(customer("Ann Lee"), location="County Hall", job_title="Supervisor")
    assert priya.sync() == EXIT_OK
    capsys.readouterr()
    assert sam.sync() == EXIT_OK
    assert "1 new conflict(s)" in capsys.readouterr().out
    assert priya.sync() == EXIT_OK
    for laptop in pair:
        with laptop.open():
            ann = customer("Ann Lee")
            assert (ann.phone, ann.location, ann.job_title) == ("4455", "County Hall", "Clerk")
    capsys.readouterr()
    assert sam.run("conflicts", "--json") == EXIT_OK
    (said,) = json.loads(capsys.readouterr().out)
    assert (said["kind"], said["record"], said["field"]) == ("customer", "Ann Lee", "job_title")
    assert (said["base"], said["mine"], said["theirs"]) == ("", "Supervisor", "Clerk")
    # Sam keeps his: an ordinary edit that reaches Priya with the next syncs
    from models.sync.state import open_conflicts, resolve

    with sam.open():
        resolve(open_conflicts()[0].id, "mine")
        assert open_conflicts() == []
    assert sam.sync() == EXIT_OK
    assert priya.sync() == EXIT_OK
    with priya.open():
        assert customer("Ann Lee").job_title == "Supervisor"


def test_work_done_offline_waits_and_goes_with_the_next_sync(pair, team, capsys):
    priya, sam = pair
    with sam.open():
        update(customer("Ann Lee"), phone="01632 960001")
        new_customer("Bob Hart")
    offline = sam.folder
    from tests.desktop.sync_helpers import Laptop

    unreachable = Laptop(offline, "postgresql://127.0.0.1:1/nowhere?sslmode=disable", sam.login)
    capsys.readouterr()
    assert unreachable.sync() == EXIT_FAILED
    error = capsys.readouterr().err.strip()
    assert error.startswith("rapport: Cannot reach the team server") and "\n" not in error
    with sam.open():
        from models.sync.state import status

        assert status().waiting == 2  # Ann's change and Bob
    assert sam.sync() == EXIT_OK
    assert priya.sync() == EXIT_OK
    with priya.open():
        assert customer("Ann Lee").phone == "01632 960001"
        assert customer("Bob Hart") is not None


def test_deleting_what_someone_changed_meanwhile_is_for_a_person(pair, capsys):
    priya, sam = pair
    with priya.open():
        update(customer("Ann Lee"), phone="4455")
    with sam.open():
        soft_delete(customer("Ann Lee"))
    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    capsys.readouterr()
    assert sam.run("conflicts", "--json") == EXIT_OK
    (said,) = json.loads(capsys.readouterr().out)
    assert said["field"] == "deleted_at" and said["mine"] and said["theirs"] is None
    with sam.open():
        ann = customer("Ann Lee")
        assert ann.deleted_at is None and ann.phone == "4455"  # as the team has it


def test_joining_with_a_register_of_ones_own_asks_what_to_do_with_it(team, capsys):
    priya = team.laptop(team.member("Priya Patel"))
    with priya.open():
        new_customer("Ann Lee")
    assert priya.sync("--publish") == EXIT_OK
    sam = team.laptop(team.member("Sam Jones"))
    with sam.open():
        new_customer("Carl Diaz")
    capsys.readouterr()
    assert sam.sync("--join") == EXIT_FAILED
    error = capsys.readouterr().err
    assert "holds its own register (1 record(s))" in error and "replace mine" in error
    assert sam.sync("--join", "--add-mine") == EXIT_OK
    assert priya.sync() == EXIT_OK
    for laptop in (priya, sam):
        with laptop.open():
            assert {c.name for c in Customer.select()} == {"Ann Lee", "Carl Diaz"}


SECRET = "Bullied by the night manager"


def test_a_member_without_the_role_never_receives_a_confidential_complaints_details(
    team, capsys, tmp_path
):
    """Row-level security on the server: Sam's own login, reading the server directly, sees
    the complaint's figures but none of its words; his laptop and its exports hold none; and
    both laptops count the same."""
    import psycopg

    from models.choices import ComplaintEventKind, FeedbackChannel
    from models.complaint_lifecycle import log_complaint, take_step

    priya = team.laptop(team.member("Priya Patel", confidential=True))
    sam_login = team.member("Sam Jones")
    sam = team.laptop(sam_login)
    with priya.open():
        ann = new_customer("Ann Lee")
        secret, _ = log_complaint(
            received_at=datetime(2026, 11, 20, 10), summary=SECRET, details=f"{SECRET}, twice.",
            customer=ann.id, confidential=True,
        )  # fmt: skip
        take_step(secret, ComplaintEventKind.COMMUNICATION, note=f"Called: {SECRET}",
                  channel=FeedbackChannel.PHONE, who="Ann")  # fmt: skip
        log_complaint(received_at=datetime(2026, 11, 21, 10), summary="Room double-booked")
    assert priya.sync("--publish") == EXIT_OK
    assert sam.sync("--join") == EXIT_OK
    with psycopg.connect(team.member_url(sam_login)) as direct:
        pulled = direct.execute("SELECT fields::text FROM rapport.pull(0, 5000)").fetchall()
        snapshot = direct.execute("SELECT fields::text FROM rapport.snapshot()").fetchall()
        hidden = direct.execute("SELECT count(*) FROM rapport.secret").fetchone()[0]
        raw = direct.execute("SELECT fields::text FROM rapport.record").fetchall()
    everything = " ".join(text for (text,) in pulled + snapshot + raw)
    assert "CMP-2026-0001" in everything and "Room double-booked" in everything
    assert "Bullied" not in everything and hidden == 0
    with sam.open():
        from models.complaints import Complaint

        held = Complaint.get(Complaint.reference == "CMP-2026-0001")
        assert (held.summary, held.details, held.customer_id) == ("", "", None)
        assert held.confidential and held.received_at == datetime(2026, 11, 20, 10)
    dump = str(_every_row(sam.folder))
    assert "Bullied" not in dump and "Room double-booked" in dump
    out = tmp_path / "complaints.csv"
    assert sam.run("export", "complaints", str(out)) == EXIT_OK
    assert "Bullied" not in out.read_text() and "CMP-2026-0001" in out.read_text()
    capsys.readouterr()
    for laptop in (priya, sam):
        assert laptop.run("summary", "--month", "2026-11", "--json") == EXIT_OK
    printed = capsys.readouterr().out
    first, end = json.JSONDecoder().raw_decode(printed)
    second, _ = json.JSONDecoder().raw_decode(printed[end:].lstrip())
    assert first["complaints"] == second["complaints"] and first["complaints"]["received"] == 2
    with psycopg.connect(team.member_url(priya.login)) as direct:  # Priya may read them
        (text,) = direct.execute(
            "SELECT string_agg(fields::text, ' ') FROM rapport.snapshot()"
        ).fetchone()
    assert SECRET in text


def _every_row(folder):
    from desktop.session import open_data_folder
    from models.db import close_database
    from models.schema import EVERY_TABLE

    database = open_data_folder(folder)
    try:
        return [
            database.execute_sql(f'SELECT * FROM "{model._meta.table_name}"').fetchall()
            for model in EVERY_TABLE
        ]
    finally:
        close_database()


def test_a_complaint_made_confidential_later_is_sealed_and_unsealed_whole(team):
    from models.complaint_lifecycle import log_complaint, update_complaint
    from models.complaints import Complaint

    priya = team.laptop(team.member("Priya Patel", confidential=True))
    sam = team.laptop(team.member("Sam Jones"))
    with priya.open():
        log_complaint(received_at=datetime(2026, 11, 20, 10), summary=SECRET)
    assert priya.sync("--publish") == EXIT_OK
    with priya.open():
        update_complaint(Complaint.get(), confidential=True)
    assert priya.sync() == EXIT_OK
    assert sam.sync("--join") == EXIT_OK  # joins after: the words are under lock
    with sam.open():
        assert Complaint.get().summary == ""
    assert "Bullied" not in str(_every_row(sam.folder))
    with priya.open():
        update_complaint(Complaint.get(), confidential=False)
    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    with sam.open():
        assert Complaint.get().summary == SECRET
        events = Complaint.get().events
        assert [event.note for event in events] == ["Complaint logged."]


def test_a_step_taken_twice_offline_is_a_conflict_not_a_broken_timeline(pair, capsys):
    """Both acknowledge one complaint offline: the first stands, the second is a conflict for
    a person; both steps stay in the timeline (insert-only), and the figures count one."""
    from models.choices import ComplaintEventKind
    from models.complaint_lifecycle import log_complaint, take_step
    from models.complaints import Complaint

    priya, sam = pair
    with priya.open():
        log_complaint(received_at=datetime(2026, 11, 23, 9), summary="Room double-booked")
    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    for laptop, hour in ((priya, 10), (sam, 11)):
        with laptop.open():
            take_step(Complaint.get(), ComplaintEventKind.ACKNOWLEDGED,
                      at=datetime(2026, 11, 23, hour))  # fmt: skip
    assert priya.sync() == EXIT_OK
    assert sam.sync() == EXIT_OK
    assert priya.sync() == EXIT_OK
    capsys.readouterr()
    assert sam.run("conflicts", "--json") == EXIT_OK
    fields = {said["field"] for said in json.loads(capsys.readouterr().out)}
    assert "acknowledged_at" in fields
    for laptop in pair:
        with laptop.open():
            complaint = Complaint.get()
            assert complaint.acknowledged_at == datetime(2026, 11, 23, 10)
            steps = [e.kind for e in complaint.events.order_by(ComplaintEvent.at)]
            assert steps.count(ComplaintEventKind.ACKNOWLEDGED) == 2
        assert laptop.run("summary", "--month", "2026-11", "--json") == EXIT_OK
        said = json.loads(capsys.readouterr().out)["complaints"]
        assert (said["received"], said["acknowledged_on_time"]) == (1, 100.0)


def test_a_wrong_password_or_a_newer_server_is_one_line_and_nothing_is_lost(
    pair, team, monkeypatch, capsys
):
    import psycopg

    from desktop.sync.server import PROTOCOL
    from models.sync.state import status

    priya, _ = pair
    with priya.open():
        update(customer("Ann Lee"), phone="4455")
    monkeypatch.setenv("RAPPORT_SYNC_PASSWORD", "not the password")
    capsys.readouterr()
    assert priya.sync() == EXIT_FAILED
    error = capsys.readouterr().err.strip()
    assert "refused the password" in error and "\n" not in error
    monkeypatch.setenv("RAPPORT_SYNC_PASSWORD", PASSWORD)
    with psycopg.connect(team.admin_url) as admin:
        admin.execute(
            "UPDATE rapport.meta SET value = %s WHERE key = 'protocol'", (str(PROTOCOL + 1),)
        )
    assert priya.sync() == EXIT_FAILED
    error = capsys.readouterr().err.strip()
    assert "newer protocol" in error and "update Rapport" in error and "\n" not in error
    with priya.open():
        assert status().waiting == 1  # Ann's change still waits
