"""Owners in the lists of the demo: the whose-work filter is remembered (and forgets a choice
that no longer exists), leavers' work can be found and handed on, the Assign dialog says whose
the rows are now, and an agreement's review opens where it is due."""

from __future__ import annotations

from models.operations import soft_delete
from models.people import MINE, member_at_keyboard
from models.service_log import ServiceRequest
from models.team import Member
from models.worklist import Area, due_now
from views.owners import AssignDialog
from views.team_dialog import TeamDialog


def choose(table, key: str, value) -> None:
    """Pick a filter as the user does (the combo's `activated`, which is what is kept)."""
    combo = table.combos[key]
    index = combo.findData(value)
    assert index >= 0, f"{value!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_the_whose_work_filter_is_remembered_and_a_stale_choice_forgotten(
    demo_db, show_main_window
):
    window = show_main_window()
    table = window.service_log.requests.table
    window.tabs.setCurrentWidget(window.service_log)
    options = [table.combos["owner"].itemText(i) for i in range(table.combos["owner"].count())]
    you = Member.get_by_id(member_at_keyboard()).name
    assert options[:3] == ["Everyone's work", "Mine", "No one yet"]
    assert you not in options  # you are "Mine"
    assert options[-1] == "Daniel Okafor (left the team)"  # to find what a leaver still has
    choose(table, "owner", MINE)
    mine = table.model.total
    assert 0 < mine < ServiceRequest.select().count()
    window.close()

    again = show_main_window()
    table = again.service_log.requests.table
    again.tabs.setCurrentWidget(again.service_log)
    assert table.combos["owner"].currentData() == MINE
    assert table.model.total == mine
    again.settings.setValue("tables/requests/filters/owner", "f" * 32)  # someone since removed
    again.close()

    third = show_main_window()
    assert third.service_log.requests.table.combos["owner"].currentIndex() == 0  # everyone's
    third.close()


def test_a_leavers_open_work_is_named_before_they_are_retired(
    demo_db, show_main_window, dialogs, message_boxes
):
    tom = Member.get(Member.name == "Tom Hughes")
    window = show_main_window()

    def retire(dialog) -> None:
        assert isinstance(dialog, TeamDialog)
        dialog.page.table.select(tom.id)
        message_boxes.answer = message_boxes.answer.No  # the user thinks again
        dialog.page.delete_action.trigger()
        dialog.reject()

    dialogs.expect(retire)
    window.team_action.trigger()
    title, text = message_boxes.shown[-1][1:]
    assert title == "Retire team member"
    assert "Tom Hughes still has " in text and "open requests" in text and "Assign…" in text
    assert Member.get_by_id(tom.id).deleted_at is None
    window.close()


def test_a_leavers_work_is_found_and_handed_on(demo_db, show_main_window, dialogs):
    tom = Member.get(Member.name == "Tom Hughes")
    open_ = ServiceRequest.live().where(
        ServiceRequest.owner == tom.id, ServiceRequest.completed_at.is_null()
    )
    count = open_.count()
    soft_delete(tom)
    window = show_main_window()
    window.tabs.setCurrentWidget(window.service_log)
    table = window.service_log.requests.table
    table.clear_filters({"state": "open"})
    choose(table, "owner", tom.id.hex)
    assert table.model.total == count > 0
    table.view.selectAll()
    seen = {}

    def hand_on(dialog) -> None:
        assert isinstance(dialog, AssignDialog)
        seen["text"] = dialog.layout().itemAt(0).widget().text()
        names = [dialog.member.itemText(i) for i in range(dialog.member.count())]
        assert "Tom Hughes" not in names  # work goes only to someone in the team
        dialog.member.setCurrentIndex(dialog.member.findText("Aisha Khan"))
        dialog.ok_button.click()

    dialogs.expect(hand_on)
    window.service_log.requests.assign_action.trigger()
    assert f"Now with: Tom Hughes ({count:,})." in seen["text"]
    assert open_.count() == 0
    assert table.model.total == 0  # the leaver's list is empty now
    window.close()


def test_an_agreement_due_for_review_opens_among_those_due(demo_db, show_main_window, fixed_clock):
    window = show_main_window()
    group = {group.area: group for group in due_now(fixed_clock.now())}[Area.AGREEMENT]
    assert group.total > 0
    window.open_due(group)
    table = window.catalogue.agreements.table
    assert window.catalogue.pages.currentWidget() is window.catalogue.agreements
    assert table.combos["review"].currentData() == "due"
    assert table.model.total == group.total
    window.close()


def test_assign_says_when_rows_further_down_are_not_selected(demo_db, show_main_window, dialogs):
    window = show_main_window()
    window.tabs.setCurrentWidget(window.service_log)
    table = window.service_log.requests.table
    table.view.selectAll()  # Ctrl+A: the rows read so far
    shown, total = table.model.rowCount(), table.model.total
    assert shown < total
    seen = {}

    def look(dialog) -> None:
        seen["text"] = dialog.layout().itemAt(0).widget().text()
        dialog.reject()

    dialogs.expect(look)
    window.service_log.requests.assign_action.trigger()
    assert f"Give the selected {shown:,} requests" in seen["text"]
    assert f"{total - shown:,} more further down the list are not selected" in seen["text"]
    window.close()
