"""The window as a user meets it: first run, naming the organisation, demo data, menus."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QPushButton
from shiboken6 import isValid

from desktop.session import choose_you
from models.db import close_database, open_database
from models.integrity import is_empty
from models.organisation import get_settings
from models.team import Member, ensure_first_member
from tests.views.keyboard import type_text
from views.main_window import MainWindow


@pytest.fixture
def open_window(qtbot, data_dir):
    """Open the window on the data folder, as `run_window` does; closes it afterwards."""
    windows = []

    def make() -> MainWindow:
        open_database(data_dir / "rapport.db")
        made = ensure_first_member("priya")  # the login, where the system keeps no full name
        if made is not None:
            choose_you(data_dir, made)  # as the window's first start does
        window = MainWindow(data_dir, data_dir / "rapport.db")
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):
            window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        if isValid(window):  # a test may have closed it, and a closing backup let Qt delete it
            window.close()
    close_database()


def test_an_empty_database_opens_on_the_first_run_page(open_window, data_dir):
    window = open_window()
    assert window.pages.currentWidget() is window.first_run
    assert window.windowTitle() == "Rapport"
    assert str(data_dir / "rapport.db") in window.database_label.text()
    assert not window.first_run.start_button.isEnabled()  # nothing typed yet


def test_naming_the_organisation_opens_the_home_page(open_window, qtbot):
    window = open_window()
    page = window.first_run
    page.name_edit.setFocus()
    type_text(page.name_edit, "Business Support — Zoë's team")
    assert page.start_button.isEnabled()
    qtbot.keyClick(page.name_edit, Qt.Key.Key_Return)
    assert get_settings().organisation_name == "Business Support — Zoë's team"
    assert window.pages.currentWidget() is window.tabs
    assert window.windowTitle() == "Business Support — Zoë's team — Rapport"
    assert window.register.customers.table.count.text() == "0 customers"


def test_the_first_run_page_lets_the_user_correct_the_name_the_system_gave(open_window, qtbot):
    window = open_window()
    page = window.first_run
    assert page.you_edit.text() == "priya"
    type_text(page.name_edit, "Business Support")
    page.you_edit.selectAll()
    type_text(page.you_edit, "Priya Patel")
    page.you_edit.clear()
    assert not page.start_button.isEnabled()  # a team member needs a name
    type_text(page.you_edit, "Priya Patel")
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert [(m.name, m.role.value) for m in Member.select()] == [("Priya Patel", "administrator")]
    assert window.pages.currentWidget() is window.tabs


def test_an_organisation_name_with_markup_is_shown_literally(open_window, qtbot):
    window = open_window()
    qtbot.keyClicks(window.first_run.name_edit, "<b>R&D</b>")
    qtbot.mouseClick(window.first_run.start_button, Qt.MouseButton.LeftButton)
    assert window.windowTitle() == "<b>R&D</b> — Rapport"


def test_load_demo_data_runs_in_the_background_and_shows_the_counts(open_window, qtbot):
    window = open_window()
    with qtbot.waitSignal(window.first_run.demo_requested):
        qtbot.mouseClick(window.first_run.demo_button, Qt.MouseButton.LeftButton)
    task = window.task
    assert task is not None
    assert not window.first_run.demo_button.isEnabled()  # busy while it runs
    with qtbot.waitSignal(task.succeeded, timeout=120_000):
        pass
    qtbot.waitUntil(lambda: window.task is None)
    assert window.pages.currentWidget() is window.tabs
    assert window.tabs.currentWidget() is window.overview  # the first tab
    qtbot.waitUntil(lambda: "requests" in window.overview.tiles, timeout=30_000)
    assert window.overview.empty_note.isHidden()
    window.tabs.setCurrentWidget(window.register)
    assert window.register.customers.table.count.text() == "300 customers"
    window.tabs.setCurrentWidget(window.catalogue)  # a tab's rows are read when it is shown
    assert window.catalogue.services.table.count.text() == "16 services"
    assert window.windowTitle().startswith("Northshire County Council")
    assert not window.demo_action.isEnabled()  # only into an empty database


def test_cancelling_the_demo_leaves_the_database_empty(open_window, qtbot):
    window = open_window()
    window.load_demo()
    task = window.task
    cancel = task.progress_dialog.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    with qtbot.waitSignal(task.cancelled, timeout=60_000):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.task is None)
    assert is_empty()
    assert window.pages.currentWidget() is window.first_run
    assert window.first_run.demo_button.isEnabled()


def test_a_database_with_data_opens_on_its_tabs(demo_db, data_dir, qtbot):
    window = MainWindow(data_dir, data_dir / "rapport.db")
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    assert window.pages.currentWidget() is window.tabs
    assert window.tabs.currentWidget() is window.overview
    assert not window.service_log.requests.table.model.loaded  # hidden tabs wait to be shown
    assert not window.register.customers.table.model.loaded
    with qtbot.waitSignal(window.overview.loaded, timeout=30_000):
        pass
    window.tabs.setCurrentWidget(window.register)
    assert window.register.customers.table.count.text() == "300 customers"


def test_about_shows_version_and_data_folder(open_window, message_boxes, data_dir):
    window = open_window()
    window.show_about()
    ((kind, title, text),) = message_boxes.shown
    assert (kind, title) == ("about", "About Rapport")
    assert "0.1.0" in text and str(data_dir) in text


def test_the_window_remembers_its_size_and_place(open_window):
    window = open_window()
    window.setGeometry(QRect(60, 50, 700, 500))  # inside the 800×600 offscreen screen
    window.close()
    again = open_window()
    assert (again.width(), again.height()) == (700, 500)
