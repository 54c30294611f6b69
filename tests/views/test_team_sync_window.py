"""Team sync in the window, against a real PostgreSQL (tests/postgres.py): File ▸ Team server…
(Test connection, Publish, Join with the replace-or-add choice), Sync now (F9), the status bar
in each state, View ▸ Conflicts… and the mark on a conflicted record in its list.

The other laptop of each test syncs with the command line, as in tests/desktop/test_sync.py;
only one database is open at a time, so the window is closed before it does.

RAPPORT_SHOTS=folder saves screenshots of the dialogs and the status bar there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QWidget
from shiboken6 import isValid

from desktop.cli import EXIT_OK
from desktop.keys import store_sync_password
from desktop.paths import database_path
from desktop.session import open_data_folder
from models.choices import CustomerKind
from models.db import close_database
from models.operations import create, update
from models.register import Customer
from models.sync.by_hand import move_address
from tests.desktop.sync_helpers import PASSWORD, Laptop, customer, new_customer
from views.conflicts_dialog import ConflictsDialog, ConflictValueDialog
from views.main_window import MainWindow
from views.sync_status import AUTO_SYNC_MS, NOT_SET_UP, SYNCING
from views.table_model import MARK, MARK_TIP
from views.team_server_dialog import TeamServerDialog

SHOTS = os.environ.get("RAPPORT_SHOTS")


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        QTest.qWait(20)  # the status bar lays out its new text first
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def team(team, memory_keyring):
    """The team server (tests/conftest.py), with a keyring that forgets the passwords the
    window keeps once the test ends."""
    return team


@pytest.fixture
def open_window(qtbot):
    """The window on a laptop's data folder, as the program opens it; closed afterwards."""
    windows: list[MainWindow] = []

    def open_on(laptop: Laptop) -> MainWindow:
        open_data_folder(laptop.folder)
        window = MainWindow(laptop.folder, database_path(laptop.folder))
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        windows.append(window)
        return window

    yield open_on
    for window in windows:
        if isValid(window):
            window.close()
    close_database()


def close(window: MainWindow) -> None:
    """Close the window (syncing first if anything waits) and its database."""
    window.close()
    close_database()


def status_of(window: MainWindow) -> str:
    window.team_sync.refresh_status()
    return window.team_sync.widget.text()


def fill_in(qtbot, dialog: TeamServerDialog, url: str, login: str, password: str) -> None:
    """Type the server's details as a user does (whatever the fields held)."""
    for field, text in ((dialog.address, url), (dialog.login, login), (dialog.password, password)):
        field.setFocus()
        field.selectAll()
        qtbot.keyClick(field, Qt.Key.Key_Delete)
        qtbot.keyClicks(field, text)


def click(qtbot, button) -> None:
    """A click on the button's text (a radio button's is at its left, not its middle)."""
    assert button.isEnabled(), f"{button.text()!r} is disabled"
    where = QPoint(min(12, button.width() // 2), button.height() // 2)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=where)


def wait_idle(qtbot, dialog: TeamServerDialog, timeout: int = 60_000) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=timeout)


def press_f9(qtbot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F9)


def wait_synced(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.team_sync.running, timeout=60_000)


# ---------------------------------------------------------------------- Team server…


def test_test_connection_says_who_you_are_or_why_not_in_one_line(
    team, open_window, qtbot, dialogs, memory_keyring
):
    priya = team.laptop(team.member("Priya Patel"))
    window = open_window(priya)
    assert status_of(window) == NOT_SET_UP
    shot(window.statusBar(), "status-not-set-up")

    def connect(dialog: TeamServerDialog) -> None:
        assert not dialog.test_button.isEnabled()  # nothing typed yet
        assert not dialog.save_button.isVisible()  # this folder does not sync yet
        with_password = team.url.replace("//", f"//{priya.login}:correct horse@")
        fill_in(qtbot, dialog, with_password, priya.login, PASSWORD)
        click(qtbot, dialog.test_button)
        assert dialog.message.text().startswith("Leave the password out of the address")
        assert "horse" not in dialog.message.text()
        assert not dialog.busy  # nothing was sent anywhere
        fill_in(qtbot, dialog, team.url, priya.login, "not the password")
        click(qtbot, dialog.test_button)
        wait_idle(qtbot, dialog)
        said = dialog.message.text()
        assert said == (
            f"The team server at 127.0.0.1:{team.cluster.port} refused the password for "
            f"{priya.login}."
        )
        shot(dialog, "team-server-wrong-password")
        fill_in(qtbot, dialog, team.url, priya.login, PASSWORD)
        click(qtbot, dialog.test_button)
        wait_idle(qtbot, dialog)
        assert dialog.message.text() == (
            "Connected as Priya Patel. The team's register holds 0 record(s); this laptop's 0; "
            "this folder has not joined it."
        )
        assert dialog.publish_button.isEnabled() and dialog.join_button.isEnabled()
        shot(dialog, "team-server-connected")
        click(qtbot, dialog.close_button)

    dialogs.expect(connect)
    window.team_server_action.trigger()
    assert status_of(window) == NOT_SET_UP  # tested, not joined
    # the password went to the keyring, and nowhere near the window's settings
    assert PASSWORD in memory_keyring.entries.values()
    window.settings.sync()
    assert PASSWORD not in (priya.folder / "window.ini").read_text(encoding="utf-8")


def test_publishing_from_the_dialog_sends_the_register(team, open_window, qtbot, dialogs):
    priya = team.laptop(team.member("Priya Patel"))
    sam = team.laptop(team.member("Sam Jones"))
    open_data_folder(priya.folder)
    new_customer("Ann Lee")
    close_database()
    window = open_window(priya)

    def publish(dialog: TeamServerDialog) -> None:
        fill_in(qtbot, dialog, team.url, priya.login, PASSWORD)
        click(qtbot, dialog.publish_button)
        assert dialog.busy and dialog.cancel_button.isVisible()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=60_000)

    dialogs.expect(publish)
    window.team_server_action.trigger()
    assert "Published this register" in window.statusBar().currentMessage()
    assert status_of(window) == "Synced just now"
    close(window)
    assert sam.sync("--join") == EXIT_OK
    with sam.open():
        assert customer("Ann Lee") is not None


def test_joining_an_empty_folder_takes_the_teams_register(team, open_window, qtbot, dialogs):
    team.pair()
    kim = team.laptop(team.member("Kim Lo"))
    window = open_window(kim)
    assert window.pages.currentWidget() is window.first_run  # a new, empty folder

    def join(dialog: TeamServerDialog) -> None:
        fill_in(qtbot, dialog, team.url, kim.login, PASSWORD)
        click(qtbot, dialog.join_button)
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=60_000)
        assert not dialog.choice_box.isVisible()  # nothing of its own to choose about

    dialogs.expect(join)
    window.team_server_action.trigger()
    assert window.pages.currentWidget() is window.tabs
    window.tabs.setCurrentWidget(window.register)
    table = window.register.customers.table
    qtbot.waitUntil(lambda: table.model.total == 1)
    assert table.model.row_values(0)["name"] == "Ann Lee"
    assert status_of(window) == "Synced just now"


@pytest.mark.parametrize("choice", ["add", "replace"])
def test_joining_with_records_of_ones_own_shows_both_counts_and_asks(
    team, open_window, qtbot, dialogs, choice
):
    priya, _sam = team.pair()
    kim = team.laptop(team.member("Kim Lo"))
    open_data_folder(kim.folder)
    new_customer("Carl Diaz")
    close_database()
    window = open_window(kim)

    def join(dialog: TeamServerDialog) -> None:
        fill_in(qtbot, dialog, team.url, kim.login, PASSWORD)
        click(qtbot, dialog.join_button)
        wait_idle(qtbot, dialog)
        assert dialog.result() != QDialog.DialogCode.Accepted  # not joined: asked first
        assert dialog.choice_box.isVisible()
        assert dialog.counts.text().startswith(
            "This laptop holds 1 record(s) of its own; the team's register holds 2."
        )
        assert "Choose below" in dialog.message.text()
        shot(dialog, "team-server-join-choice")
        chosen = dialog.add if choice == "add" else dialog.replace
        click(qtbot, chosen)
        assert chosen.isChecked()
        click(qtbot, dialog.join_button)
        wait_idle(qtbot, dialog)
        assert dialog.result() == QDialog.DialogCode.Accepted, dialog.message.text()

    dialogs.expect(join)
    window.team_server_action.trigger()
    names = {c.name for c in Customer.select()}
    if choice == "add":
        assert names == {"Ann Lee", "Carl Diaz"}
    else:
        assert names == {"Ann Lee"}
        assert list((kim.folder / "backups").glob("*.db"))  # the backup taken first
    close(window)
    assert priya.sync() == EXIT_OK
    with priya.open():
        theirs = {c.name for c in Customer.select()}
        assert theirs == ({"Ann Lee", "Carl Diaz"} if choice == "add" else {"Ann Lee"})


def test_a_join_can_be_cancelled_and_leaves_the_laptop_as_it_was(team, open_window, qtbot, dialogs):
    team.pair()
    kim = team.laptop(team.member("Kim Lo"))
    window = open_window(kim)

    def join_and_cancel(dialog: TeamServerDialog) -> None:
        fill_in(qtbot, dialog, team.url, kim.login, PASSWORD)
        click(qtbot, dialog.test_button)
        wait_idle(qtbot, dialog)
        click(qtbot, dialog.join_button)
        assert dialog.busy and dialog.cancel_button.isVisible()
        assert not dialog.close_button.isEnabled()
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # cancels the join; the dialog stays
        wait_idle(qtbot, dialog)
        assert dialog.message.text() == "Joining was cancelled: this laptop is as it was."
        assert dialog.isVisible()
        click(qtbot, dialog.close_button)

    dialogs.expect(join_and_cancel)
    window.team_server_action.trigger()
    assert Customer.select().count() == 0
    assert status_of(window) == NOT_SET_UP


# ---------------------------------------------------------------------- F9 and the status bar


def test_f9_syncs_an_edit_and_the_status_bar_says_each_state(team, open_window, qtbot, fixed_clock):
    priya, sam = team.pair()
    window = open_window(sam)
    assert status_of(window) == "Synced just now"
    fixed_clock.advance(minutes=2)
    assert status_of(window) == "Synced 2 min ago"
    shot(window.statusBar(), "status-synced")
    fixed_clock.advance(hours=3)
    assert status_of(window) == "Synced 3 hours ago"
    fixed_clock.advance(days=1)
    assert status_of(window) == "Synced on 25/11/2026 at 10:30"

    window.bus.announce(update(customer("Ann Lee"), phone="01632 960001"))  # as a form does
    assert status_of(window) == "Synced on 25/11/2026 at 10:30 — 1 change waiting"
    press_f9(qtbot, window)
    task = window.team_sync.task
    assert task is not None and window.team_sync.widget.text() == SYNCING
    shot(window.statusBar(), "status-syncing")
    press_f9(qtbot, window)  # a second press while one runs starts nothing
    assert window.team_sync.task is task
    wait_synced(qtbot, window)
    assert status_of(window) == "Synced just now"
    assert window.statusBar().currentMessage() == "Synced with the team server."

    # the server out of reach: the changes wait, and the status bar says why
    window.bus.announce(update(customer("Ann Lee"), job_title="Clerk"))
    window.bus.announce(create(Customer, name="Bob Hart", kind=CustomerKind.COLLEAGUE)[1])
    nowhere = "postgresql://127.0.0.1:1/nowhere?sslmode=disable"
    move_address(nowhere)
    store_sync_password(nowhere, sam.login, PASSWORD)
    press_f9(qtbot, window)
    wait_synced(qtbot, window)
    assert status_of(window) == "Offline — 2 changes waiting"
    tooltip = window.team_sync.widget.label.toolTip()
    assert "Cannot reach the team server at 127.0.0.1:1" in tooltip
    shot(window.statusBar(), "status-offline")
    move_address(team.url)  # back online: all goes
    press_f9(qtbot, window)
    wait_synced(qtbot, window)
    assert status_of(window) == "Synced just now"
    close(window)
    assert priya.sync() == EXIT_OK
    with priya.open():
        ann = customer("Ann Lee")
        assert (ann.phone, ann.job_title) == ("01632 960001", "Clerk")
        assert customer("Bob Hart") is not None


def test_the_automatic_sync_and_closing_send_what_waits_unless_the_last_sync_failed(
    team, open_window, qtbot, monkeypatch
):
    priya, sam = team.pair()
    window = open_window(sam)
    assert window.team_sync.timer.isActive()
    assert window.team_sync.timer.interval() == AUTO_SYNC_MS == 5 * 60 * 1000
    window.bus.announce(update(customer("Ann Lee"), phone="01632 960003"))
    window.team_sync.timer.timeout.emit()  # five minutes on
    assert window.team_sync.running
    wait_synced(qtbot, window)
    assert status_of(window) == "Synced just now"
    window.bus.announce(update(customer("Ann Lee"), job_title="Clerk"))
    close(window)  # sends the job title before it closes
    assert priya.sync() == EXIT_OK
    with priya.open():
        ann = customer("Ann Lee")
        assert (ann.phone, ann.job_title) == ("01632 960003", "Clerk")

    window = open_window(sam)
    window.bus.announce(update(customer("Ann Lee"), location="Annexe"))
    nowhere = "postgresql://127.0.0.1:1/nowhere?sslmode=disable"
    move_address(nowhere)
    store_sync_password(nowhere, sam.login, PASSWORD)
    press_f9(qtbot, window)
    wait_synced(qtbot, window)
    assert status_of(window).startswith("Offline")
    tried = []
    monkeypatch.setattr(window.team_sync, "_start", lambda *args, **kw: tried.append(args))
    close(window)  # the server was out of reach a moment ago: closing does not wait for it
    assert tried == []


def test_without_a_kept_password_f9_opens_the_team_server_dialog(
    team, open_window, qtbot, dialogs, memory_keyring
):
    _priya, sam = team.pair()
    memory_keyring.entries.clear()  # a laptop whose keyring lost it
    window = open_window(sam)
    window.team_sync.sync_now(quiet=True)  # the automatic one asks nothing
    assert status_of(window) == "Sync paused — password needed"
    shot(window.statusBar(), "status-password-needed")

    def enter_password(dialog: TeamServerDialog) -> None:
        assert dialog.address.text() == team.url and dialog.login.text() == sam.login
        assert dialog.save_button.isVisible() and not dialog.publish_button.isEnabled()
        assert dialog.focusWidget() is dialog.password  # the one field left to fill
        qtbot.keyClicks(dialog.password, PASSWORD)
        shot(dialog, "team-server-save")
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=60_000)

    dialogs.expect(enter_password)
    press_f9(qtbot, window)
    wait_synced(qtbot, window)
    assert status_of(window) == "Synced just now"
    assert PASSWORD in memory_keyring.entries.values()


# ---------------------------------------------------------------------- conflicts


def test_the_conflicts_view_keeps_mine_keeps_theirs_or_takes_a_typed_value(
    team, open_window, qtbot, dialogs
):
    priya, sam = team.pair()
    with priya.open():
        update(customer("Ann Lee"), job_title="Clerk", location="Town Hall", phone="111")
    assert priya.sync() == EXIT_OK
    window = open_window(sam)
    window.tabs.setCurrentWidget(window.register)
    window.bus.announce(
        update(customer("Ann Lee"), job_title="Supervisor", location="County Hall", phone="222")
    )
    press_f9(qtbot, window)
    wait_synced(qtbot, window)
    assert status_of(window) == "Synced just now · ⚠ 3 conflicts"
    shot(window.statusBar(), "status-conflicts")

    table = window.register.customers.table
    qtbot.waitUntil(lambda: table.model.total == 1)
    name = table.model.index(0, 0)
    assert table.model.data(name) == MARK + "Ann Lee"
    assert table.model.data(name, Qt.ItemDataRole.ToolTipRole) == MARK_TIP
    shot(table, "list-mark")
    assert customer("Ann Lee").job_title == "Clerk"  # theirs, until settled

    def settle(dialog: ConflictsDialog) -> None:
        rows = {dialog.table.item(row, 1).text(): row for row in range(dialog.table.rowCount())}
        assert set(rows) == {"Job title", "Location", "Phone"}
        cells = [dialog.table.item(rows["Job title"], column).text() for column in range(5)]
        assert cells == ["Customer: Ann Lee", "Job title", "—", "Supervisor", "Clerk"]
        shot(dialog, "conflicts")
        dialog.table.selectRow(rows["Job title"])
        click(qtbot, dialog.mine_button)
        assert dialog.table.rowCount() == 2
        location = next(r for r in range(2) if dialog.table.item(r, 1).text() == "Location")
        dialog.table.selectRow(location)
        click(qtbot, dialog.theirs_button)
        assert dialog.table.rowCount() == 1

        def type_phone(editor: ConflictValueDialog) -> None:
            assert editor.line is not None and editor.line.text() == "222"  # mine, to start
            editor.line.selectAll()
            qtbot.keyClicks(editor.line, "01632 960002")
            shot(editor, "conflict-edit")
            editor.accept()

        dialogs.expect(type_phone)
        click(qtbot, dialog.edit_button)
        assert dialog.empty.isVisible() and not dialog.table.isVisible()
        assert not dialog.mine_button.isEnabled()
        click(qtbot, dialog.close_button)

    dialogs.expect(settle)
    click(qtbot, window.team_sync.widget.conflicts)
    ann = customer("Ann Lee")
    assert (ann.job_title, ann.location, ann.phone) == ("Supervisor", "Town Hall", "01632 960002")
    assert status_of(window) == "Synced just now — 1 change waiting"
    qtbot.waitUntil(lambda: table.model.data(table.model.index(0, 0)) == "Ann Lee")
    press_f9(qtbot, window)
    wait_synced(qtbot, window)
    close(window)
    assert priya.sync() == EXIT_OK
    with priya.open():
        ann = customer("Ann Lee")
        assert (ann.job_title, ann.location, ann.phone) == (
            "Supervisor",
            "Town Hall",
            "01632 960002",
        )


def test_a_deletion_conflict_is_settled_by_keeping_one_side_only(team, open_window, qtbot, dialogs):
    from models.operations import soft_delete

    priya, sam = team.pair()
    with priya.open():
        update(customer("Ann Lee"), phone="4455")
    assert priya.sync() == EXIT_OK
    window = open_window(sam)
    window.bus.announce(soft_delete(customer("Ann Lee")))
    press_f9(qtbot, window)
    wait_synced(qtbot, window)
    assert status_of(window) == "Synced just now · ⚠ 1 conflict"

    def keep_theirs(dialog: ConflictsDialog) -> None:
        cells = [dialog.table.item(0, column).text() for column in range(5)]
        assert cells[1:3] == ["Deleted or kept", "Not deleted"]
        assert cells[3].startswith("Deleted on ") and cells[4] == "Kept"
        assert not dialog.edit_button.isEnabled()  # only one side or the other
        click(qtbot, dialog.theirs_button)
        click(qtbot, dialog.close_button)

    dialogs.expect(keep_theirs)
    window.conflicts_action.trigger()
    assert customer("Ann Lee").deleted_at is None
    assert status_of(window) == "Synced just now"
