"""Figures for the large demo organisation: generation, check and window start-up.

Not part of `make test` (the files are not named test_*): run with `make bench`. They print
figures; the only assertions are the issue's budgets, so a regression is seen, not hidden.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from desktop.cli import main
from models.db import close_database

ROOT = Path(__file__).resolve().parents[2]

STARTUP_SCRIPT = """
import sys, time
started = time.perf_counter()
from pathlib import Path
from PySide6.QtWidgets import QApplication
from desktop.app import start_window
window = start_window(Path(sys.argv[1]))
QApplication.processEvents()
print(f"{time.perf_counter() - started:.3f}", flush=True)
window.close()  # waits for its background work (the Overview, a daily backup): no abort
"""


def test_check_on_the_large_demo(large_demo: Path) -> None:
    started = time.perf_counter()
    assert main(["--data-dir", str(large_demo), "check"]) == 0
    print(f"\ncheck on the large demo: {time.perf_counter() - started:.1f} s")


def test_window_start_up_on_the_large_demo(large_demo: Path) -> None:
    close_database()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for run in range(3):
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", STARTUP_SCRIPT, str(large_demo)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=True,
        )
        whole = time.perf_counter() - started
        print(
            f"\nwindow start-up #{run + 1}: {float(result.stdout.strip()):.2f} s to a shown "
            f"window in-process, {whole:.2f} s for the whole process"
        )
