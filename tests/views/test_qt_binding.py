"""The Qt binding must not corrupt Python's reference counts when a signal reaches a slot.

PySide6 6.12.0 released one reference to None per signal delivered to a Python slot; on Python
3.11 (where None and the booleans are not immortal) Rapport then aborted after a few thousand
clicks. This test fails on such a binding, so an upgrade cannot bring the bug back unseen.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QCheckBox


def test_signals_into_python_slots_keep_reference_counts(qapp):
    box = QCheckBox()
    received = []
    box.toggled.connect(lambda on: received.append(on))
    box.clicked.connect(lambda: None)
    before = [sys.getrefcount(value) for value in (None, True, False)]
    for _ in range(500):
        box.click()
    after = [sys.getrefcount(value) for value in (None, True, False)]
    assert len(received) == 500
    received.clear()
    drift = [a - b for a, b in zip(after, before, strict=True)]
    assert all(change >= -5 for change in drift), f"reference counts drifted: {drift}"
