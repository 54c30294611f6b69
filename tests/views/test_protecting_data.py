"""Backups, restore, the start-up check and one writer, as the user meets them in the window."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.app import start_window
from desktop.backups import (
    CLOSING,
    DAILY,
    MANUAL,
    list_backups,
    set_automatic_backups,
    take_backup,
)
from desktop.cli import main
from desktop.folder_lock import FolderLock
from desktop.paths import on_network_share
from models.db import close_database, open_database
from models.operations import update
from models.register import Customer
from views.single_instance import hand_over_to_open_window


@pytest.fixture
def demo_folder(small_demo_template: Path, data_dir: Path) -> Path:
    """A data folder holding a copy of the demo (plain: the demo may stay unencrypted)."""
    shutil.copy(small_demo_template, data_dir / "rapport.db")
    return data_dir


def opened(qtbot, folder: Path):
    window = start_window(folder)
    assert window is not None
    qtbot.addWidget(window)
    return window


def test_a_second_rapport_on_the_same_folder_does_not_open_the_database(
    qtbot, demo_folder, message_boxes, monkeypatch
):
    other = FolderLock(demo_folder)  # another Rapport (here: another user) has it open
    assert other.acquire()
    opened_folders = []
    monkeypatch.setattr(
        "views.start_checks.open_data_folder", lambda *args, **kw: opened_folders.append(args)
    )
    try:
        assert start_window(demo_folder) is None
    finally:
        other.release()
    assert opened_folders == []  # never opened, so never written
    ((kind, _title, text),) = message_boxes.shown
    assert kind == "critical"
    assert "is open (" in text and "Only one Rapport may change it at a time" in text


def test_the_second_rapport_brings_the_first_window_forward_instead(
    qtbot, demo_folder, monkeypatch
):
    raised = []
    monkeypatch.setattr(
        "views.main_window.MainWindow.come_forward", lambda _window: raised.append(True)
    )
    window = opened(qtbot, demo_folder)
    assert hand_over_to_open_window(demo_folder)
    qtbot.waitUntil(lambda: raised == [True])
    window.close()
    close_database()


def test_closing_the_window_lets_go_of_the_folder(qtbot, demo_folder):
    window = opened(qtbot, demo_folder)
    assert not FolderLock(demo_folder).acquire()
    window.close()
    lock = FolderLock(demo_folder)
    assert lock.acquire()
    lock.release()
    assert not hand_over_to_open_window(demo_folder)


def test_restore_refuses_while_the_window_has_the_folder_open(qtbot, demo_folder, capsys):
    window = opened(qtbot, demo_folder)
    backup = take_backup(demo_folder, MANUAL)
    close_database()
    assert main(["--data-dir", str(demo_folder), "restore", str(backup.path)]) == 1
    assert "Only one Rapport may change it at a time" in capsys.readouterr().err
    window.close()


def test_a_data_folder_on_a_network_share_gets_a_warning(qtbot, demo_folder, message_boxes):
    mounts = "server:/export /mnt/office nfs4 rw 0 0\n/dev/sda1 / ext4 rw 0 0\n"
    assert on_network_share(Path("/mnt/office/rapport"), mounts)
    assert not on_network_share(Path("/home/sam/rapport"), mounts)
    cifs = "//fs01/shared /mnt/s cifs rw 0 0\nhost:/x /mnt/s/deeper fuse.sshfs rw 0 0\n"
    assert on_network_share(Path("/mnt/s/deeper/data"), cifs)


def test_the_network_share_warning_is_shown_and_the_window_still_opens(
    qtbot, demo_folder, message_boxes, monkeypatch
):
    monkeypatch.setattr("views.start_checks.on_network_share", lambda _path: True)
    window = opened(qtbot, demo_folder)
    ((kind, title, text),) = message_boxes.shown
    assert kind == "warning" and "network share" in title
    assert "can be damaged" in text
    window.close()


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[40 * 4096 : 80 * 4096] = b"\xa5" * (40 * 4096)
    path.write_bytes(bytes(data))


def test_a_damaged_database_is_not_opened_and_the_last_good_backup_is_offered(
    qtbot, demo_folder, message_boxes, fixed_clock
):
    open_database(demo_folder / "rapport.db")
    good = take_backup(demo_folder, DAILY)
    fixed_clock.advance(days=1)
    damaged_backup = take_backup(demo_folder, CLOSING)  # newer, but damaged since
    close_database()
    damage(damaged_backup.path)
    damage(demo_folder / "rapport.db")

    window = opened(qtbot, demo_folder)

    ((kind, title, text),) = message_boxes.shown
    assert kind == "question" and "damaged" in title
    assert f"taken on {good.taken:%d/%m/%Y at %H:%M}" in text
    assert "300 customers" in text
    assert Customer.select().count() == 300
    window.tabs.setCurrentWidget(window.register)
    assert window.register.customers.table.count.text() == "300 customers"
    assert any(b.reason == "damaged" for b in list_backups(demo_folder))
    window.close()


def test_declining_the_restore_opens_nothing(qtbot, demo_folder, message_boxes):
    open_database(demo_folder / "rapport.db")
    take_backup(demo_folder, DAILY)
    close_database()
    damage(demo_folder / "rapport.db")
    damaged = (demo_folder / "rapport.db").read_bytes()
    message_boxes.answer = message_boxes.answer.No
    assert start_window(demo_folder) is None
    assert (demo_folder / "rapport.db").read_bytes() == damaged  # nothing written to it
    assert message_boxes.kinds() == ["question", "information"]
    assert "has not opened" in message_boxes.shown[1][2]
    lock = FolderLock(demo_folder)
    assert lock.acquire()  # the folder is free again
    lock.release()


def test_a_damaged_database_with_no_backup_says_so(qtbot, demo_folder, message_boxes):
    damage(demo_folder / "rapport.db")
    assert start_window(demo_folder) is None
    ((kind, _title, text),) = message_boxes.shown
    assert kind == "critical"
    assert "No good backup was found" in text


def test_backups_and_restore_in_the_window(qtbot, demo_folder, message_boxes, dialogs, fixed_clock):
    window = opened(qtbot, demo_folder)
    window.tabs.setCurrentWidget(window.register)
    customer = Customer.live().order_by(Customer.name).first()
    original = customer.name

    def shown_names() -> list[str]:
        model = window.register.customers.table.model
        return [model.index(row, 0).data() for row in range(model.rowCount())]

    def back_up_then_restore(dialog):
        assert dialog.list.topLevelItemCount() == 0
        dialog.back_up()
        qtbot.waitUntil(lambda: dialog.task is None)
        assert dialog.list.topLevelItemCount() == 1
        item = dialog.list.topLevelItem(0)
        assert item.text(1) == "Made by hand"
        assert item.text(2).startswith("300 customers, 16 services, 3,000 requests")
        fixed_clock.advance(minutes=1)
        window.bus.announce(
            update(Customer.get_by_id(customer.id), name="Changed After The Backup")
        )
        assert "Changed After The Backup" in shown_names()
        dialog.restore_chosen()
        qtbot.waitUntil(lambda: dialog.task is None)
        assert "Restored the backup taken on" in dialog.status.text()
        assert dialog.list.topLevelItemCount() == 2  # the replaced data, kept
        assert dialog.list.topLevelItem(0).text(1) == "Before a restore"
        dialog.reject()

    dialogs.expect(back_up_then_restore)
    window.show_backups()
    ((kind, _title, text),) = message_boxes.shown
    assert kind == "question" and "Replace all of Rapport's data" in text
    assert Customer.get_by_id(customer.id).name == original
    assert original in shown_names() and "Changed After The Backup" not in shown_names()
    window.close()


def test_closing_backs_up_what_changed_and_only_then(qtbot, demo_folder, fixed_clock):
    window = opened(qtbot, demo_folder)
    window.close()
    assert list_backups(demo_folder) == []  # nothing changed: nothing to back up
    window = opened(qtbot, demo_folder)
    update(Customer.live().first(), job_title="Changed today")
    window.close()
    (closing,) = list_backups(demo_folder)
    assert closing.reason == CLOSING


def test_automatic_backups_can_be_turned_off(qtbot, demo_folder):
    set_automatic_backups(demo_folder, False)
    window = opened(qtbot, demo_folder)
    update(Customer.live().first(), job_title="Changed today")
    window.back_up_daily()
    assert window.backup_task is None
    window.close()
    assert list_backups(demo_folder) == []


def test_the_daily_backup_runs_in_the_background_once_a_day(qtbot, demo_folder, fixed_clock):
    window = opened(qtbot, demo_folder)
    window.back_up_daily()
    qtbot.waitUntil(lambda: window.backup_task is None)
    window.back_up_daily()  # already done today
    assert window.backup_task is None
    (daily,) = list_backups(demo_folder)
    assert daily.reason == DAILY
    assert "Backed up to" in window.statusBar().currentMessage()
    window.close()


def test_the_log_holds_nothing_sensitive_even_when_asked_for_everything(
    qtbot, data_dir, monkeypatch
):
    import logging

    from desktop.logs import start_logging
    from models.encryption import new_key
    from tests.models.test_encryption import everything_written, plant_secrets, readable
    from views.background import BackgroundTask

    log_file = start_logging(data_dir)
    logging.getLogger().setLevel(logging.DEBUG)  # someone turned everything on
    open_database(data_dir / "rapport.db", key=new_key())
    plant_secrets()

    def failing(_progress):  # a bug while working on confidential records
        Customer.get(Customer.name == "nobody")

    task = BackgroundTask(failing)
    with qtbot.waitSignal(task.failed):
        task.start()
    task.wait()
    for handler in logging.getLogger().handlers:
        handler.flush()
    assert "Background work failed" in log_file.read_text(encoding="utf-8")
    for file in everything_written(data_dir):
        assert readable(file) == [], file
    close_database()


def test_a_damaged_encrypted_database_is_told_apart_from_a_wrong_key(
    qtbot, data_dir, memory_keyring, message_boxes
):
    from desktop.keys import store_key
    from models.encryption import new_key

    key = new_key()
    store_key(data_dir, key)
    open_database(data_dir / "rapport.db", key=key)
    Customer.create(name="Kept Safe", kind="colleague")
    good = take_backup(data_dir, DAILY)
    close_database()
    path = data_dir / "rapport.db"
    path.write_bytes(b"\x00" * 4096 + path.read_bytes()[4096:])  # its first page lost

    window = opened(qtbot, data_dir)

    ((kind, _title, text),) = message_boxes.shown
    assert kind == "question"
    assert "does not open with the key that opens its backups" in text
    assert f"{good.taken:%d/%m/%Y at %H:%M}" in text
    assert Customer.get(Customer.name == "Kept Safe")
    window.close()
