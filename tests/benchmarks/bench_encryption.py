"""What encryption costs on the large demo: the monthly report and opening the database, each
timed on the plain demo and on an encrypted copy of it, and the ratio printed.

Not part of `make test`: run with `make bench`. Each figure is the best of three runs in a new
process (SQLCipher's cost is per page read, so a warm process would hide part of it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.db import close_database
from models.encryption import encrypt_database, new_key
from tests.benchmarks.bench_foundation import STARTUP_SCRIPT

ROOT = Path(__file__).resolve().parents[2]

OPEN_SCRIPT = """
import sys, time
started = time.perf_counter()
from pathlib import Path
from desktop.session import open_data_folder
from models.register import Customer
open_data_folder(Path(sys.argv[1]))
Customer.select().count()
print(f"{time.perf_counter() - started:.3f}", flush=True)
"""


@pytest.fixture(scope="module")
def plain_and_encrypted(large_demo: Path, tmp_path_factory: pytest.TempPathFactory):
    """The large demo as it is (plain), and an encrypted copy with its key."""
    close_database()
    folder = tmp_path_factory.mktemp("encrypted")
    shutil.copy2(large_demo / "rapport.db", folder / "rapport.db")
    key = new_key()
    started = time.perf_counter()
    encrypt_database(folder / "rapport.db", key)
    print(f"\nencrypting the large demo: {time.perf_counter() - started:.1f} s")
    return (large_demo, None), (folder, key)


def environment(key: str | None) -> dict[str, str]:
    """This process's environment with the key given the way scheduled runs give it."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("RAPPORT_DB_KEY", None)
    return {**env, "RAPPORT_DB_KEY": key} if key else env


def best_of_three(script: str, folder: Path, key: str | None) -> float:
    runs = []
    for _ in range(3):
        result = subprocess.run(
            [sys.executable, "-c", script, str(folder)],
            capture_output=True, text=True, cwd=ROOT, env=environment(key), check=True,
        )  # fmt: skip
        runs.append(float(result.stdout.strip().splitlines()[-1]))
    return min(runs)


def report_seconds(folder: Path, key: str | None, out: Path) -> float:
    command = [sys.executable, "main.py", "--data-dir", str(folder), "report", "monthly"]
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(
            [*command, "--month", "2026-10", "--out", str(out)],
            capture_output=True, cwd=ROOT, env=environment(key), check=True,
        )  # fmt: skip
        runs.append(time.perf_counter() - started)
    return min(runs)


def print_ratio(what: str, plain: float, encrypted: float) -> None:
    print(f"\n{what}: plain {plain:.2f} s, encrypted {encrypted:.2f} s ({encrypted / plain:.2f}x)")


def test_the_cost_of_encryption_on_opening_the_large_demo(plain_and_encrypted) -> None:
    (plain, _), (encrypted, key) = plain_and_encrypted
    for what, script in (("opening the database", OPEN_SCRIPT), ("window", STARTUP_SCRIPT)):
        print_ratio(
            f"{what} (in-process)",
            best_of_three(script, plain, None),
            best_of_three(script, encrypted, key),
        )


def test_the_cost_of_encryption_on_the_monthly_report(plain_and_encrypted, tmp_path) -> None:
    (plain, _), (encrypted, key) = plain_and_encrypted
    print_ratio(
        "monthly report, whole command",
        report_seconds(plain, None, tmp_path / "plain.pdf"),
        report_seconds(encrypted, key, tmp_path / "encrypted.pdf"),
    )
    assert (tmp_path / "encrypted.pdf").stat().st_size > 10_000
