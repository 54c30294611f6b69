"""Figures worked out in the background for a view that shows the latest of them."""

from __future__ import annotations

import threading

import pytest

from models.errors import KnownError
from views.background import Refresher

pytestmark = pytest.mark.usefixtures("db")  # background work closes its own connection


class Shown:
    def __init__(self) -> None:
        self.results: list[object] = []
        self.failures: list[str] = []
        self.busy: list[bool] = []


@pytest.fixture
def refresher(qtbot):
    shown = Shown()
    refresher = Refresher(shown.results.append, shown.failures.append)
    refresher.busy_changed.connect(shown.busy.append)
    refresher.shown = shown
    yield refresher
    refresher.stop()


def held(until: threading.Event, result: object):
    def work(_progress):
        until.wait(10)
        return result

    return work


def test_asks_while_working_run_the_newest_once_and_the_overtaken_run_is_not_shown(
    refresher, qtbot
):
    first_may_end = threading.Event()
    refresher.refresh(held(first_may_end, "old period"))
    refresher.refresh(lambda _progress: "never run: overtaken before it started")
    refresher.refresh(lambda _progress: "newest period")
    first_may_end.set()
    qtbot.waitUntil(lambda: refresher.task is None and refresher.shown.busy[-1] is False)
    assert refresher.shown.results == ["newest period"]
    assert refresher.shown.busy == [True, True, False]


def test_a_failure_is_shown_as_its_message(refresher, qtbot):
    def fails(_progress):
        raise KnownError("The database is busy.")

    refresher.refresh(fails)
    qtbot.waitUntil(lambda: refresher.task is None)
    assert (refresher.shown.results, refresher.shown.failures) == ([], ["The database is busy."])


def test_nothing_is_shown_after_stop(refresher, qtbot):
    may_end = threading.Event()
    refresher.refresh(held(may_end, "too late"))
    refresher.refresh(lambda _progress: "asked, then forgotten")
    may_end.set()
    refresher.stop()  # the view is closing
    assert refresher.task is None and refresher.shown.busy == [True, False]
    qtbot.wait(100)  # the ended run's queued signals arrive, and are ignored
    assert refresher.shown.results == []
