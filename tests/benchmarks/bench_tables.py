"""How fast the lists answer on the large demo: opening, a search after a keystroke, a sort,
scrolling. Run with `make bench`; figures are printed, not asserted."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt

from models.db import close_database, open_database
from models.register import CUSTOMER_LISTING
from models.service_log import SERVICE_REQUEST_LISTING
from views.record_table import RecordTable
from views.register_tab import CUSTOMER_PAGE
from views.table_model import LazyTableModel, ViewColumn


def timed(action, repeat: int = 5) -> float:
    """Median milliseconds of `action()`."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


@pytest.fixture
def opened(large_demo: Path):
    open_database(large_demo / "rapport.db")
    yield
    close_database()


def test_register_of_six_thousand(opened, qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    started = time.perf_counter()
    table = RecordTable(
        "customers",
        CUSTOMER_LISTING,
        CUSTOMER_PAGE.columns,
        settings,
        quick_filters=CUSTOMER_PAGE.quick_filters,
    )
    qtbot.addWidget(table)
    table.show()
    print(
        f"\nregister ({table.model.total:,} customers): opens in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    for text in ("a", "ahm", "ahmed", "care team north", "zzz"):

        def search(text=text):
            table.search.setText(text)
            table.apply_filters()  # what the pause after the last keystroke triggers

        ms = timed(search)
        print(f"  search '{text}': {ms:.0f} ms to updated rows ({table.model.total:,} match)")
    table.search.setText("")
    header = table.view.horizontalHeader()
    ms = timed(
        lambda: (
            header.setSortIndicator(2, Qt.SortOrder.DescendingOrder)
            or header.setSortIndicator(2, Qt.SortOrder.AscendingOrder)
        )
    )
    print(f"  sort by department twice: {ms:.0f} ms")


def test_a_quarter_of_a_million_requests(opened):
    columns = [ViewColumn(key, key) for key in SERVICE_REQUEST_LISTING.column_keys()]
    started = time.perf_counter()
    model = LazyTableModel(SERVICE_REQUEST_LISTING, columns)
    print(
        f"\nservice requests ({model.total:,}): first page in "
        f"{(time.perf_counter() - started) * 1000:.0f} ms, {model.rowCount()} rows held"
    )
    for text in ("room", "laptop docks", "łukasiewicz", "zzz"):

        def search(text=text):
            model.set_request(
                model.request.__class__(search=text, sort_key="received_at", descending=True)
            )

        ms = timed(search, 3)
        print(f"  search '{text}': {ms:.0f} ms to updated rows ({model.total:,} match)")
    model.set_request(SERVICE_REQUEST_LISTING.default_request())
    ms = timed(lambda: model.sort(1, Qt.SortOrder.AscendingOrder), 3)
    print(f"  sort by service: {ms:.0f} ms")
    model.set_request(SERVICE_REQUEST_LISTING.default_request())
    started = time.perf_counter()
    for _ in range(50):
        model.fetchMore(QModelIndex())
    print(
        f"  scroll 50 pages: {(time.perf_counter() - started) * 1000:.0f} ms, "
        f"{model.rowCount():,} of {model.total:,} rows held"
    )


def test_opening_the_logs_on_the_large_demo(opened, qtbot, tmp_path):
    from views.complaints_tab import ComplaintsTab
    from views.data_bus import DataBus
    from views.service_log_tab import ServiceLogTab

    settings = QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat)
    bus = DataBus()
    for name, make in (("service log", ServiceLogTab), ("complaints", ComplaintsTab)):
        started = time.perf_counter()
        tab = make(bus, settings)
        qtbot.addWidget(tab)
        tab.show()
        page = tab.requests if name == "service log" else tab.complaints
        print(
            f"\n{name}: opens in {(time.perf_counter() - started) * 1000:.0f} ms "
            f"({page.table.model.total:,} rows)"
        )
        combo = page.table.combos["state" if name == "service log" else "worklist"]
        for index in range(1, combo.count()):
            started = time.perf_counter()
            combo.setCurrentIndex(index)
            print(
                f"  '{combo.currentText()}': {(time.perf_counter() - started) * 1000:.0f} ms "
                f"({page.table.model.total:,} rows)"
            )
