"""The large demo organisation, generated once for all the benchmarks of a run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from desktop.cli import main


@pytest.fixture(scope="session")
def large_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("large")
    started = time.perf_counter()
    assert main(["--data-dir", str(folder), "demo", "--size", "large"]) == 0
    seconds = time.perf_counter() - started
    size = (folder / "rapport.db").stat().st_size / 2**20
    print(f"\ndemo --size large: {seconds:.1f} s, database {size:.0f} MiB")
    assert seconds < 120, "the issue's budget for the large demo is two minutes"
    return folder
