"""The Overview tab: the same numbers as `summary --json` and the printed report, what is due
opens in its tab, and a new database says what to do first."""

from __future__ import annotations

import gc
import json
from datetime import date, datetime

import pytest

from desktop.cli import main
from desktop.figures_text import percent
from models.catalogue import Standard
from models.choices import Measure
from models.complaints import Complaint
from models.improvements import ImprovementAction
from models.service_log import ServiceRequest
from models.worklist import Area, DueItem
from tests.desktop.test_reports import pdf_text
from tests.models.test_monitoring import october  # noqa: F401
from views.overview_tab import ITEM_ROLE, OverviewTab

LATE_OCTOBER = datetime(2026, 10, 30, 12, 0)  # "this month" is October


def loaded(qtbot, overview: OverviewTab) -> OverviewTab:
    if overview.refresher.task is not None or overview.figures is None:
        with qtbot.waitSignal(overview.loaded, timeout=30_000):
            pass
    return overview


@pytest.fixture
def window(october, fixed_clock, show_main_window, qtbot):  # noqa: F811
    fixed_clock.moment = LATE_OCTOBER
    window = show_main_window()
    loaded(qtbot, window.overview)
    yield window
    window.close()


def test_the_overview_the_summary_json_and_the_report_show_the_same_numbers(
    window, data_dir, capsys, tmp_path
):
    tiles = {key: tile.headline for key, tile in window.overview.tiles.items()}
    assert window.overview.title.text() == "October 2026 so far"
    assert main(["--data-dir", str(data_dir), "summary", "--month", "2026-10", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert tiles["requests"].value == str(printed["requests"]["received"]) == "6"
    assert tiles["response"].value == percent(printed["requests"]["response_met_percent"])
    assert tiles["completion"].value == percent(printed["requests"]["completion_met_percent"])
    complaints = printed["complaints"]
    assert tiles["complaints"].value == str(complaints["received"]) == "3"
    assert tiles["acknowledged"].value == percent(complaints["acknowledged_on_time"])
    assert tiles["resolved"].value == str(complaints["resolved"])
    assert tiles["resolved_on_time"].value == percent(complaints["resolved_on_time"])
    assert tiles["complaints_open"].value == str(complaints["open"])
    assert tiles["complaints_overdue"].value == str(complaints["overdue"])
    feedback = printed["feedback"]
    assert tiles["feedback"].value == str(feedback["responses"]) == "5"
    assert tiles["nps"].value == "25" and feedback["nps"] == 25.0
    assert tiles["csat"].value == percent(feedback["csat_percent"])
    assert tiles["ces"].value == "5" and feedback["ces_mean"] == 5.0
    assert tiles["actions_overdue"].value == str(printed["improvements"]["overdue"])
    met = sum(s["met"] is True for service in printed["services"] for s in service["standards"])
    judged = sum(s["met"] is not None for svc in printed["services"] for s in svc["standards"])
    assert tiles["standards"].value == f"{met} of {judged}"

    report = tmp_path / "october.pdf"
    args = ["--data-dir", str(data_dir), "report", "monthly", "--month", "2026-10"]
    assert main([*args, "--out", str(report)]) == 0
    text = pdf_text(report)
    for headline in tiles.values():  # each tile's figure, on its row of the report's summary
        assert f"{headline.label} {headline.value_with_n} {headline.before}" in text, headline


def test_each_tile_reads_out_its_figure_change_and_status(window):
    tile = window.overview.tiles["complaints_overdue"]
    assert tile.value.text() == "2"
    assert tile.accessibleName() == "Complaints overdue: 2, red; +2 on September"
    assert tile.moved.text() == "+2 on September"
    response = window.overview.tiles["response"]
    assert response.detail.text().startswith("n = ")


def _due(window) -> dict[str, DueItem]:
    tree = window.overview.due
    found = {}
    for group in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(group)
        for row in range(top.childCount()):
            item = top.child(row).data(0, ITEM_ROLE)
            if isinstance(item, DueItem):
                found[item.what] = (top.child(row), item)
    return found


def activate(window, row) -> None:
    window.overview.due.setCurrentItem(row)
    window.overview.due.itemActivated.emit(row, 0)


def test_double_clicking_what_is_due_opens_it_in_its_tab(window, qtbot):
    due = _due(window)
    late_request = ServiceRequest.get(ServiceRequest.received_at == datetime(2026, 10, 7, 10))
    row, item = next(v for v in due.values() if v[1].record_id == late_request.id)
    assert (item.area, item.task, item.overdue) == (Area.REQUEST, "Respond", True)
    activate(window, row)
    log = window.service_log.requests.table
    assert window.tabs.currentWidget() is window.service_log
    assert log.current_id() == late_request.id
    assert log.combos["state"].currentData() == "overdue"  # among the overdue, as listed

    waiting = Complaint.get(Complaint.reference == "CMP-2026-0006")  # resolve by 20 October
    row, item = next(v for v in due.values() if v[1].record_id == waiting.id)
    assert (item.task, item.what, item.overdue) == ("Resolve", "CMP-2026-0006: —", True)
    activate(window, row)
    assert window.tabs.currentWidget() is window.complaints
    assert window.complaints.complaints.current_id() == waiting.id
    assert window.complaints.detail.title.text() == "CMP-2026-0006"

    late = ImprovementAction.get(ImprovementAction.title == "Late")
    row, item = due["Late"]
    activate(window, row)
    assert window.tabs.currentWidget() is window.improvements
    assert window.improvements.actions.current_id() == late.id


def test_a_standard_due_for_review_opens_under_its_service(window, qtbot):
    standard = Standard.get(Standard.measure == Measure.ACCURACY)
    standard.review_on = date(2026, 10, 1)
    standard.save()
    window.overview.refresh()
    loaded(qtbot, window.overview)
    row, item = _due(window)["Room bookings: 98 % accuracy"]
    assert (item.area, item.task, item.overdue) == (Area.STANDARD, "Review", True)
    activate(window, row)
    assert window.tabs.currentWidget() is window.catalogue
    assert window.catalogue.services.current_id() == standard.service_id
    assert window.catalogue.standards.current_id() == standard.id


def test_a_group_opens_its_whole_list(window):
    tree = window.overview.due
    tops = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    requests = next(top for top in tops if top.text(0).startswith("Service requests"))
    assert requests.text(0) == "Service requests: 1 overdue"  # the 3rd (the 6th is done)
    activate(window, requests)
    assert window.tabs.currentWidget() is window.service_log
    assert window.service_log.requests.table.count.text() == "1 request"


def test_the_overview_follows_changes_made_elsewhere(window, qtbot):
    before = window.overview.tiles["complaints"].value.text()
    with qtbot.waitSignal(window.overview.loaded, timeout=30_000):
        Complaint.create(reference="CMP-2026-0200", received_at=LATE_OCTOBER, summary="New")
        window.bus.announce("complaint")
    assert (before, window.overview.tiles["complaints"].value.text()) == ("3", "4")


def test_a_new_database_says_what_to_do_first(db, show_main_window, qtbot):
    from models.organisation import rename_organisation

    rename_organisation("Business Support")
    window = show_main_window()
    overview = loaded(qtbot, window.overview)
    assert overview.empty_note.isVisible()
    assert "Load demo data" in overview.empty_note.text()
    assert overview.due.topLevelItem(0).text(0) == "Nothing is due today or overdue."
    assert not overview.chart.has_data
    assert overview.tiles["nps"].value.text() == "—"
    window.close()


def test_a_window_gone_while_the_figures_are_worked_out_leaves_no_thread_behind(
    demo_db, show_main_window
):
    from views.background import stop_all

    closed = show_main_window()
    closed.overview.refresh()
    task = closed.overview.refresher.task
    closed.close()  # waits for the work
    assert task is None or task.isFinished()

    deleted = show_main_window()
    deleted.overview._stale = True
    deleted.overview.refresh()
    task = deleted.overview.refresher.task
    deleted.deleteLater()  # gone without being closed: the thread is not taken with it
    del deleted
    gc.collect()
    stop_all()
    assert task is None or task.isFinished()


def test_a_group_with_nothing_overdue_opens_what_is_due_today(window):
    from models.service_log import RequestState
    from models.worklist import DueGroup

    window.open_due(DueGroup(Area.REQUEST, overdue=0, today=2))
    assert window.service_log.requests.table.request().filters["state"] == (
        RequestState.DUE_TODAY.value
    )
    window.open_due(DueGroup(Area.REQUEST, overdue=1, today=2))
    assert window.service_log.requests.table.request().filters["state"] == (
        RequestState.OVERDUE.value
    )
