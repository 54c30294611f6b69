"""Who does the work, in the real window: a new user corrects their name on the first run,
adds two colleagues, hands three overdue requests and a complaint to one of them, sees only
their own work in the Overview's "Mine", and prints a complaint record naming who
acknowledged it."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialog

from desktop.session import settle_who
from models.catalogue import Service, Standard
from models.choices import ComplaintEventKind, Measure, MemberRole, Unit
from models.complaint_lifecycle import log_complaint, timeline_rows
from models.complaints import Complaint
from models.people import member_at_keyboard
from models.service_log import RequestState, ServiceRequest, record_request
from models.team import Member
from models.worklist import Area
from tests.views.keyboard import type_text
from views.forms import RecordForm
from views.owners import AssignDialog
from views.report_dialog import ReportDialog
from views.team_dialog import TeamDialog

RECEIVED = datetime(2026, 11, 23, 9, 0)  # Monday; the clock stands at Wednesday 25/11 10:30


@pytest.fixture
def window(db, data_dir, show_main_window):
    settle_who(data_dir)  # the first start: the team begins with the user, named by the system
    window = show_main_window()
    yield window
    window.close()


def work_arrives() -> None:
    """Four requests answered late and a complaint nobody acknowledged, all the user's."""
    post = Service.create(name="Post room")
    Standard.create(service=post, statement="Reply within 2 working hours",
                    measure=Measure.RESPONSE, target=2, unit=Unit.WORKING_HOURS)  # fmt: skip
    for number in range(4):
        record_request(service=post, received_at=RECEIVED, description=f"Parcel {number + 1}")
    log_complaint(received_at=RECEIVED, summary="Parcel left in the rain")


def select_rows(table, rows: list[int]) -> None:
    """Click the first row, Ctrl+click the others."""
    model, selection = table.model, table.view.selectionModel()
    for position, row in enumerate(rows):
        flags = QItemSelectionModel.SelectionFlag.Rows | (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            if position == 0
            else QItemSelectionModel.SelectionFlag.Select
        )
        selection.setCurrentIndex(model.index(row, 0), flags)


def assign_to(name: str, note: str = ""):
    def choose(dialog: QDialog) -> None:
        assert isinstance(dialog, AssignDialog)
        dialog.member.setCurrentIndex(dialog.member.findText(name))
        if note:
            assert dialog.note.isVisible()
            type_text(dialog.note, note)
        dialog.ok_button.click()

    return choose


def test_a_team_shares_out_its_work(window, qtbot, dialogs, data_dir, tmp_path):
    # 1. The first run: the name the system gave is corrected.
    page = window.first_run
    assert window.pages.currentWidget() is page
    page.name_edit.setFocus()
    type_text(page.name_edit, "Business Support")
    page.you_edit.selectAll()
    type_text(page.you_edit, "Priya Patel")
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    (you,) = Member.select()
    assert you.name == "Priya Patel" and member_at_keyboard() == you.id

    # 2. Two colleagues join the team.
    def add(name: str):
        def fill_in(form: QDialog) -> None:
            assert isinstance(form, RecordForm)
            form.widgets["name"].setFocus()
            type_text(form.widgets["name"], name)
            role = form.widgets["role"]
            role.setCurrentIndex(role.findData(MemberRole.TEAM_MEMBER.value))
            form.ok_button.click()

        return fill_in

    def manage(dialog: QDialog) -> None:
        assert isinstance(dialog, TeamDialog)
        for name in ("Sam Jones", "Alex Kim"):
            dialogs.expect(add(name))
            dialog.page.new_action.trigger()
        dialog.reject()

    dialogs.expect(manage)
    window.team_action.trigger()
    sam = Member.get(Member.name == "Sam Jones")

    # 3. Three of the four overdue requests go to Sam, with Ctrl+Shift+A.
    work_arrives()
    window.bus.announce(["service_request", "complaint", "service"])
    window.tabs.setCurrentWidget(window.service_log)
    table = window.service_log.requests.table
    table.clear_filters({"state": RequestState.OVERDUE.value})
    assert table.model.total == 4
    select_rows(table, [0, 1, 2])
    chosen = table.selected_ids()
    assert table.count.text() == "4 requests · 3 selected"
    dialogs.expect(assign_to("Sam Jones"))
    table.view.setFocus()
    qtbot.keyClick(
        table.view,
        Qt.Key.Key_A,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert {r.id for r in ServiceRequest.select().where(ServiceRequest.owner == sam)} == set(chosen)
    owners = {table.model.row_values(row)["owner"] for row in range(4)}
    assert owners == {"Sam Jones", "Priya Patel"}  # the list shows who owns each now

    # 4. The complaint is acknowledged by the user, then handed to Sam with a note.
    window.tabs.setCurrentWidget(window.complaints)
    complaints = window.complaints.complaints
    complaint = Complaint.get()
    assert complaints.table.select(complaint.id)

    def acknowledge(form: QDialog) -> None:
        form.ok_button.click()

    dialogs.expect(acknowledge)
    window.complaints.detail.step_buttons[ComplaintEventKind.ACKNOWLEDGED].click()
    dialogs.expect(assign_to("Sam Jones", "Sam knows the post room"))
    complaints.assign_action.trigger()
    assert Complaint.get_by_id(complaint.id).owner == sam
    assert window.complaints.detail.values["owner"].text() == "Sam Jones"
    steps = [(row.step, row.who, row.by, row.note) for row in timeline_rows(complaint)]
    assert steps[-2:] == [
        ("Acknowledged", "", "Priya Patel", ""),
        ("Passed to", "Sam Jones", "Priya Patel", "Sam knows the post room"),
    ]

    # 5. The Overview, "Mine": the one request left with the user, nothing of Sam's.
    overview = window.overview
    window.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(lambda: overview.figures is not None, timeout=30_000)
    with qtbot.waitSignal(overview.loaded, timeout=30_000):
        overview.mine.click()
    groups = {group.area: group for group in overview.figures.due}
    assert (groups[Area.REQUEST].overdue, groups[Area.COMPLAINT].total) == (1, 0)
    shown = [overview.due.topLevelItem(i).text(0) for i in range(overview.due.topLevelItemCount())]
    assert shown == ["Service requests: 1 overdue"]
    assert overview.due.isColumnHidden(3)  # the owner column: all of it is you
    assert window.settings.value("overview/whose") == "mine"  # remembered
    with qtbot.waitSignal(overview.loaded, timeout=30_000):
        overview.everyone.click()
    groups = {group.area: group for group in overview.figures.due}
    assert (groups[Area.REQUEST].overdue, groups[Area.COMPLAINT].overdue) == (4, 0)

    # 6. The printed record names who acknowledged it and who has it now.
    saved = {}

    def save(dialog: QDialog) -> None:
        assert isinstance(dialog, ReportDialog)
        qtbot.waitUntil(lambda: dialog.strip.task is None, timeout=60_000)
        dialogs.choose_file(tmp_path / "record.pdf")
        saved["path"] = dialog.save_report()
        dialog.accept()

    dialogs.expect(save)
    window.complaints.detail.record_button.click()
    text = " ".join(page.extract_text() for page in PdfReader(saved["path"]).pages)
    assert "Acknowledged" in text and "Priya Patel" in text and "Sam Jones" in text


def test_mine_with_no_one_at_the_keyboard_says_how_to_choose(db, show_main_window, qtbot):
    Service.create(name="Post room")  # a folder in use, with no team yet: no one to be
    window = show_main_window()
    overview = window.overview
    window.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(lambda: overview.figures is not None, timeout=30_000)
    with qtbot.waitSignal(overview.loaded, timeout=30_000):
        overview.mine.click()
    assert overview.due.topLevelItem(0).text(0).startswith("Say who you are")
    window.close()


def test_switching_whose_work_works_out_only_the_due_list(
    demo_db, show_main_window, qtbot, monkeypatch
):
    import views.overview_tab as overview_module

    window = show_main_window()
    overview = window.overview
    window.tabs.setCurrentWidget(overview)
    qtbot.waitUntil(lambda: overview.figures is not None, timeout=30_000)
    qtbot.waitUntil(lambda: overview.refresher.task is None, timeout=30_000)
    everyone = overview.figures
    whole = []
    monkeypatch.setattr(overview_module, "work_out", lambda *a, **k: whole.append(1))
    with qtbot.waitSignal(overview.loaded, timeout=30_000):
        overview.mine.click()
    assert whole == []  # the month's figures were not worked out again
    assert overview.figures.headlines == everyone.headlines
    assert sum(g.total for g in overview.figures.due) < sum(g.total for g in everyone.due)
    window.close()
