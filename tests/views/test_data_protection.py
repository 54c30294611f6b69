"""Encryption as the user meets it: the first run makes and keeps a key and shows the recovery
key once; a missing keyring entry is restored with the recovery key; a machine without a
keyring uses a passphrase; an earlier plain database is converted; the demo may stay plain."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from desktop.app import start_window
from desktop.cli import main
from desktop.keys import SERVICE, account, protected_key_file
from models.db import close_database, is_encrypted, open_database
from models.demo import generate_demo
from models.encryption import key_from_recovery, new_key, recovery_text
from models.register import Customer
from views.data_protection import PassphraseDialog, RecoveryKeyDialog, UnlockDialog

PASSPHRASE = "walnut harbour lantern"


def opened(qtbot, data_dir):
    window = start_window(data_dir)
    if window is not None:
        qtbot.addWidget(window)
    return window


def keep_recovery_key(seen: dict):
    def handler(dialog: RecoveryKeyDialog) -> None:
        assert isinstance(dialog, RecoveryKeyDialog)
        assert not dialog.done_button.isEnabled()  # not before the key is kept
        dialog.reject()  # Escape: refused while the key is not yet kept
        assert dialog.isVisible()
        seen["key"] = key_from_recovery(dialog.key_box.text())
        dialog.kept.setChecked(True)
        dialog.done_button.click()

    return handler


def test_the_first_run_makes_a_key_keeps_it_in_the_keyring_and_shows_it_once(
    qtbot, data_dir, memory_keyring, dialogs
):
    seen: dict = {}
    dialogs.expect(keep_recovery_key(seen))
    window = opened(qtbot, data_dir)
    assert window is not None and is_encrypted(data_dir / "rapport.db")
    assert memory_keyring.entries[(SERVICE, account(data_dir))] == seen["key"]
    assert "(encrypted)" in window.database_label.text()
    window.close()
    close_database()
    again = opened(qtbot, data_dir)  # the key is found: no dialog at all
    assert again is not None
    again.close()
    close_database()


def test_the_recovery_key_can_be_saved(qtbot, data_dir, dialogs, tmp_path):
    key = new_key()
    dialog = RecoveryKeyDialog(key, data_dir)
    qtbot.addWidget(dialog)
    dialogs.choose_file(tmp_path / "recovery.txt")
    saved = dialog.save_key()
    assert recovery_text(key) in saved.read_text("utf-8")
    dialogs.choose_file(tmp_path / "missing folder" / "recovery.txt")
    assert dialog.save_key() is None


def test_a_missing_keyring_entry_is_restored_with_the_recovery_key(
    qtbot, data_dir, memory_keyring, dialogs
):
    key = new_key()
    open_database(data_dir / "rapport.db", key=key)
    Customer.create(name="Zoë Łukasiewicz", kind="colleague")
    close_database()

    def unlock(dialog: UnlockDialog) -> None:
        assert isinstance(dialog, UnlockDialog)
        assert not dialog.passphrase.isVisible()  # no passphrase was ever set here
        dialog.recovery.setText(recovery_text(new_key()))  # another database's
        dialog.unlock_button.click()
        assert "does not open" in dialog.problem.text() and dialog.isVisible()
        dialog.recovery.setText("1234")
        dialog.unlock_button.click()
        assert "64 letters and digits" in dialog.problem.text()
        dialog.recovery.setText(recovery_text(key).lower().replace("-", " "))
        dialog.unlock_button.click()

    dialogs.expect(unlock)
    window = opened(qtbot, data_dir)
    assert window is not None
    assert Customer.get().name == "Zoë Łukasiewicz"
    assert memory_keyring.entries[(SERVICE, account(data_dir))] == key  # kept again
    window.close()
    close_database()


def test_without_a_keyring_a_passphrase_seals_the_key(qtbot, data_dir, dialogs):
    def choose(dialog: PassphraseDialog) -> None:
        assert isinstance(dialog, PassphraseDialog)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        dialog.first.setText("short")
        ok.click()
        assert "at least 10 characters" in dialog.problem.text()
        dialog.first.setText(PASSPHRASE)
        dialog.second.setText(PASSPHRASE + "!")
        ok.click()
        assert "differ" in dialog.problem.text()
        dialog.second.setText(PASSPHRASE)
        ok.click()

    seen: dict = {}
    dialogs.expect(choose)
    dialogs.expect(keep_recovery_key(seen))
    window = opened(qtbot, data_dir)
    assert window is not None and protected_key_file(data_dir).exists()
    assert seen["key"] not in protected_key_file(data_dir).read_text("utf-8")
    window.close()
    close_database()

    def unlock(dialog: UnlockDialog) -> None:
        dialog.passphrase.setText("walnut harbour lantern?")
        dialog.unlock_button.click()
        assert "does not unlock" in dialog.problem.text()
        dialog.passphrase.setText(PASSPHRASE)
        dialog.unlock_button.click()

    dialogs.expect(unlock)
    again = opened(qtbot, data_dir)
    assert again is not None
    again.close()
    close_database()

    dialogs.expect(lambda dialog: dialog.reject())  # giving up opens nothing
    assert opened(qtbot, data_dir) is None


def test_a_plain_database_from_an_earlier_rapport_is_encrypted_with_every_row(
    qtbot, data_dir, memory_keyring, dialogs
):
    open_database(data_dir / "rapport.db")
    generate_demo("small", seed=2)
    from models.organisation import Settings

    Settings.update(demo=False).execute()  # a real organisation's data
    customers = Customer.select().count()
    close_database()
    dialogs.expect(keep_recovery_key({}))
    dialogs.choose_item("Priya Patel")  # a team, but nobody chosen here yet: who are you?
    window = opened(qtbot, data_dir)
    assert window is not None and is_encrypted(data_dir / "rapport.db")
    assert Customer.select().count() == customers
    assert all(is_encrypted(backup) for backup in (data_dir / "backups").glob("*.db"))
    window.close()
    close_database()


def test_the_demo_may_stay_plain_and_says_so(qtbot, data_dir, dialogs):
    assert main(["--data-dir", str(data_dir), "demo"]) == 0
    window = opened(qtbot, data_dir)  # no dialog: nothing to encrypt
    assert window is not None and not is_encrypted(data_dir / "rapport.db")
    assert "(demo data, not encrypted)" in window.database_label.text()
    window.close()
    close_database()


@pytest.mark.usefixtures("memory_keyring")
def test_commands_take_the_key_from_the_keyring_or_the_environment(data_dir, capsys, monkeypatch):
    key = new_key()
    open_database(data_dir / "rapport.db", key=key)
    close_database()
    summary = ["--data-dir", str(data_dir), "summary", "--month", "2026-10"]
    assert main(summary) == 1
    assert "RAPPORT_DB_KEY" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "check"]) == 1  # says where a key may come from
    assert "RAPPORT_DB_KEY" in capsys.readouterr().err
    monkeypatch.setenv("RAPPORT_DB_KEY", key.upper())
    assert main(summary) == 0
    monkeypatch.setenv("RAPPORT_DB_KEY", "not-a-key")
    assert main(summary) == 1
    assert "64 hexadecimal digits" in capsys.readouterr().err
    monkeypatch.setenv("RAPPORT_DB_KEY", new_key())
    assert main(summary) == 1
    error = capsys.readouterr().err
    assert "does not open" in error and "Traceback" not in error


def test_a_plain_database_where_a_key_is_kept_is_encrypted_with_that_key(
    data_dir, memory_keyring, small_demo_template
):
    """A plain backup restored over an encrypted database: the kept key must stay, or every
    encrypted backup would need the recovery key."""
    import shutil

    from desktop.keys import store_key, stored_key
    from models.db import is_encrypted
    from models.encryption import new_key
    from models.organisation import Settings
    from views.data_protection import key_for_window

    key = new_key()
    store_key(data_dir, key)
    shutil.copy(small_demo_template, data_dir / "rapport.db")
    open_database(data_dir / "rapport.db")
    Settings.update(demo=False).execute()  # an organisation's own data, not the demo
    close_database()
    chosen = key_for_window(data_dir)
    assert chosen.key == key and not chosen.new
    assert stored_key(data_dir) == key
    assert is_encrypted(data_dir / "rapport.db")
