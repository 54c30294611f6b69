"""`--self-test`: what a packaged Rapport checks about itself, with no window shown."""

from __future__ import annotations

from io import StringIO

import pytest

from desktop import self_test
from desktop.cli import main
from desktop.self_test import run_self_test
from tests.desktop.test_cli import rapport


def test_the_self_test_passes_and_names_what_it_found(tmp_path):
    result = rapport("--self-test", "--data-dir", str(tmp_path / "folder"))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0].split(maxsplit=1) for line in lines[:-1]] == [
        ["ok", name] for name, _check in self_test.CHECKS
    ]
    assert "ok      keyring: no system keyring" in lines  # names the backend it found
    assert lines[-1] == "Self-test passed."
    assert result.stderr == ""
    # a windowed build has no standard output: the same report is in the folder
    assert (tmp_path / "folder" / "self-test.txt").read_text(encoding="utf-8") == result.stdout


def test_a_failing_check_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    def broken(_folder):
        raise RuntimeError("the font is missing")

    monkeypatch.setattr(self_test, "CHECKS", [("fonts", broken), *self_test.CHECKS[:1]])
    out = StringIO()
    assert run_self_test(tmp_path, out) == 1
    text = out.getvalue()
    assert "FAILED  fonts: RuntimeError('the font is missing')" in text
    assert "ok      keyring:" in text
    assert text.splitlines()[-1] == "Self-test: 1 check(s) failed."


def test_a_program_without_standard_output_can_still_test_itself(tmp_path, monkeypatch):
    monkeypatch.setattr("sys.stdout", None)  # a windowed build has none
    monkeypatch.setattr(self_test, "CHECKS", self_test.CHECKS[:1])
    assert run_self_test(tmp_path) == 0


def test_commands_run_without_a_console(tmp_path, monkeypatch):
    """A windowed build has no stdout or stderr: messages, usage errors and --version must
    not fail on that."""
    monkeypatch.setattr("sys.stdout", None)
    monkeypatch.setattr("sys.stderr", None)
    assert main(["--data-dir", str(tmp_path / "none"), "check"]) == 1  # a message, unseen
    with pytest.raises(SystemExit) as usage:
        main(["report", "monthly"])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as version:
        main(["--version"])
    assert version.value.code == 0
