"""Edit ▸ Team…: colleagues added with the form, a leaver retired and brought back."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from models.choices import MemberRole
from models.team import Member, ensure_first_member
from tests.views.keyboard import type_text
from views.forms import RecordForm
from views.team_dialog import TeamDialog


def test_colleagues_are_added_and_a_leaver_is_retired(
    db, show_main_window, dialogs, message_boxes, qtbot
):
    ensure_first_member("Priya Patel")
    window = show_main_window()

    def add(name: str, role: str):
        def fill(form: QDialog) -> None:
            assert isinstance(form, RecordForm) and form.windowTitle() == "New team member"
            form.widgets["name"].setFocus()
            type_text(form.widgets["name"], name)
            role_box = form.widgets["role"]
            role_box.setCurrentIndex(role_box.findData(role))
            qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)

        return fill

    def manage(dialog: QDialog) -> None:
        assert isinstance(dialog, TeamDialog)
        page = dialog.page
        assert page.table.count.text() == "1 team member"
        for name in ("Sam Jones", "Alex Kim"):
            dialogs.expect(add(name, MemberRole.TEAM_MEMBER.value))
            page.new_action.trigger()
        assert page.table.count.text() == "3 team members"
        alex = Member.get(Member.name == "Alex Kim")
        page.table.select(alex.id)
        assert page.delete_action.text() == "&Retire team member"
        page.delete_action.trigger()
        title, text = message_boxes.shown[-1][1:]
        assert title == "Retire team member" and "tick 'Show retired'" in text
        assert Member.get_by_id(alex.id).deleted_at is not None
        assert page.table.count.text() == "2 team members"
        page.table.show_deleted.setChecked(True)  # "Show retired"
        assert page.table.show_deleted.text() == "Show &retired"
        page.table.select(alex.id)
        page.restore_action.trigger()
        assert Member.get_by_id(alex.id).deleted_at is None
        dialog.reject()

    dialogs.expect(manage)
    window.team_action.trigger()
    assert sorted(m.name for m in Member.live()) == ["Alex Kim", "Priya Patel", "Sam Jones"]
    window.close()


def test_settings_say_who_you_are_on_this_computer(db, data_dir, show_main_window, dialogs):
    from desktop.session import seat, settle_who
    from desktop.user_name import os_full_name
    from models.operations import create
    from models.people import member_at_keyboard
    from views.settings_dialog import SettingsDialog

    settle_who(data_dir)  # the window's first start: you are the team's first member
    sam, _ = create(Member, name="Sam Jones")
    window = show_main_window()

    def choose(dialog: QDialog) -> None:
        assert isinstance(dialog, SettingsDialog)
        assert dialog.you.currentText() == os_full_name()
        dialog.you.setCurrentIndex(dialog.you.findText("Sam Jones"))
        dialog.accept()

    dialogs.expect(choose)
    window.settings_action.trigger()
    assert member_at_keyboard() == sam.id
    assert seat(data_dir) == sam  # remembered for this folder
    window.close()


def test_a_folder_with_a_team_but_no_choice_asks_who_you_are(
    demo_db, data_dir, show_main_window, dialogs
):
    from desktop.session import YOU_FILE, seat
    from models.organisation import Settings
    from models.people import member_at_keyboard

    assert seat(data_dir).name == "Priya Patel"  # in the demo you play its team leader
    Settings.update(demo=False).execute()  # an organisation's own team: nobody chosen here
    assert seat(data_dir) is None
    window = show_main_window()
    dialogs.choose_item("Mei Chen")
    window.ask_who_you_are()
    mei = Member.get(Member.name == "Mei Chen")
    assert member_at_keyboard() == mei.id and (data_dir / YOU_FILE).exists()
    assert seat(data_dir) == mei
    window.close()


def test_the_demo_keeps_a_member_already_in_the_team(db):
    from models.demo import generate_demo

    ensure_first_member("Priya Patel")  # the user shares a name with the demo's team leader
    generate_demo("small", seed=1)
    assert Member.select().where(Member.name == "Priya Patel").count() == 1
    assert Member.select().count() == 6
