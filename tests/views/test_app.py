"""Starting the window the way `python main.py` does."""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale, qInstallMessageHandler, qWarning

from desktop.app import create_application, log_qt_messages, run_window, start_window
from models.db import close_database


def test_the_application_is_named_and_speaks_british_english(qapp):
    app = create_application()
    assert app is qapp
    assert (app.applicationName(), app.organizationName()) == ("Rapport", "Rapport")
    assert not app.windowIcon().isNull()
    assert QLocale().name() == "en_GB"
    assert QLocale().toString(QLocale().toDate("25/11/2026", "dd/MM/yyyy"), "dd/MM/yyyy") == (
        "25/11/2026"
    )


def test_start_window_opens_the_data_folder_and_shows_the_window(
    qtbot, tmp_path, memory_keyring, dialogs
):
    folder = tmp_path / "new-folder"
    dialogs.expect(lambda recovery: (recovery.kept.setChecked(True), recovery.accept()))
    window = start_window(folder)
    qtbot.addWidget(window)
    assert window.isVisible()
    assert window.pages.currentWidget() is window.first_run
    assert (folder / "rapport.db").exists()
    from desktop.user_name import os_full_name
    from models.people import member_at_keyboard
    from models.team import Member

    you = Member.get(Member.name == os_full_name())  # the new team's first member, and you
    assert member_at_keyboard() == you.id and (folder / "you.json").exists()
    assert window.first_run.you_edit.text() == os_full_name()
    window.close()
    close_database()


def test_run_window_explains_a_database_it_cannot_open(tmp_path, message_boxes):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "rapport.db").write_bytes(b"not a database " * 400)
    assert run_window(folder) == 1
    ((kind, title, text),) = message_boxes.shown
    assert kind == "critical"
    assert title == "Rapport cannot open its data"
    assert "cannot be read as a Rapport database" in text


def test_an_unexpected_error_is_logged_and_explained(tmp_path, message_boxes):
    import logging

    from desktop.app import report_bug
    from desktop.logs import start_logging

    log_file = start_logging(tmp_path)
    try:
        raise RuntimeError("the printer caught fire")
    except RuntimeError as error:
        report_bug(log_file, type(error), error, error.__traceback__)
    for handler in logging.getLogger().handlers:
        handler.flush()
    ((kind, title, text),) = message_boxes.shown
    assert (kind, title) == ("critical", "Rapport ran into a problem")
    assert "the printer caught fire" in text
    assert str(log_file) in text
    assert "RuntimeError: the printer caught fire" in log_file.read_text(encoding="utf-8")


def test_qts_own_warnings_go_to_the_log_not_the_console(qapp, caplog, capfd):
    previous = qInstallMessageHandler(None)  # Qt's default, which writes to stderr
    try:
        log_qt_messages()
        with caplog.at_level(logging.INFO, logger="qt"):
            qWarning("QPainter::begin: Paint device returned engine == 0")
    finally:
        qInstallMessageHandler(previous)  # pytest-qt's again
    assert [(record.name, record.levelno) for record in caplog.records] == [("qt", logging.WARNING)]
    assert "Paint device" in caplog.records[0].getMessage()
    assert "Paint device" not in capfd.readouterr().err
