"""`--self-test`: what breaks only in a frozen build, checked with no window shown.

A packaged Rapport can lose what Python finds by itself from source: keyring's backends (found
through package metadata), the bundled fonts, Qt's PDF module and its plugins, openpyxl's
templates. Each check here uses the same code as the program, in a temporary data folder, and
says what it found; the exit status is 0 only if every check passed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

Check = Callable[[Path], str]
REPORT_FILE = "self-test.txt"


def run_self_test(data_dir: Path | None = None, out: TextIO | None = None) -> int:
    """Run every check in `data_dir` (a new temporary folder if None); report each to `out`
    (stdout, when the program has one) and, in a `data_dir` given, to self-test.txt: a
    windowed Windows build has no standard output to read."""
    with tempfile.TemporaryDirectory(prefix="rapport-self-test-") as temporary:
        folder = Path(data_dir) if data_dir is not None else Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        if data_dir is not None:
            with open(folder / REPORT_FILE, "w", encoding="utf-8") as report:
                return _run(folder, _Both(out or sys.stdout, report))
        return _run(folder, out or sys.stdout)


def _run(folder: Path, out: Any) -> int:
    """Every check, each reported; a failure does not stop the others."""
    from models.db import close_database

    failed = 0
    for name, check in CHECKS:
        try:
            detail = check(folder)
        except Exception as error:
            failed += 1
            _say(out, f"FAILED  {name}: {error!r}\n{traceback.format_exc()}")
        else:
            _say(out, f"ok      {name}: {detail}")
    close_database()
    _say(out, "Self-test passed." if not failed else f"Self-test: {failed} check(s) failed.")
    return 0 if not failed else 1


class _Both:
    """Writes to standard output (if any) and to the report file."""

    def __init__(self, *streams: TextIO | None) -> None:
        self.streams = [stream for stream in streams if stream is not None]

    def write(self, text: str) -> None:
        for stream in self.streams:
            stream.write(text)

    def flush(self) -> None:
        for stream in self.streams:
            stream.flush()


def _say(out: Any, line: str) -> None:
    if out is not None:  # a windowed build may have no standard output at all
        out.write(line + "\n")
        out.flush()


def check_keyring(_folder: Path) -> str:
    from desktop.keys import keyring_name

    name = keyring_name()
    if sys.platform == "win32" and name != "WinVaultKeyring":
        raise RuntimeError(f"expected Windows Credential Manager, found {name}")
    return name


def check_database(folder: Path) -> str:
    from desktop.session import open_data_folder
    from models.db import is_encrypted
    from models.encryption import new_key
    from models.integrity import check_database as check
    from models.migrations import SCHEMA_VERSION
    from models.register import Customer

    db = open_data_folder(folder, key=new_key())
    Customer.create(name="Self-test customer", kind="colleague")
    report = check(db, folder / "rapport.db")
    if not report.ok:
        raise RuntimeError("; ".join(report.problems))
    if not is_encrypted(folder / "rapport.db"):
        raise RuntimeError("the new database is not encrypted")
    return f"encrypted, schema {SCHEMA_VERSION}, integrity ok"


def check_report(folder: Path) -> str:
    from desktop.reports.complaint_record import build_complaint_record
    from models.complaints import Complaint

    complaint = Complaint.create(
        reference="CMP-2026-0001", received_at=datetime(2026, 11, 2, 10), summary="Self-test"
    )
    pdf = folder / "self-test.pdf"
    built = build_complaint_record(complaint, pdf)
    if built.pages != 1:
        raise RuntimeError(f"the record has {built.pages} pages, not 1")
    return f"{pdf.name}, 1 page, bundled fonts registered"


def check_pdf(folder: Path) -> str:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no window, here or in CI
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtPdf import QPdfDocument

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    document = QPdfDocument()
    status = document.load(str(folder / "self-test.pdf"))
    if status != QPdfDocument.Error.None_ or document.pageCount() != 1:
        raise RuntimeError(f"QtPdf could not read the report ({status})")
    image = document.render(0, document.pagePointSize(0).toSize())
    if image.isNull():
        raise RuntimeError("QtPdf could not draw the page")
    return f"QtPdf read and drew the report ({image.width()}×{image.height()})"


def check_files(folder: Path) -> str:
    from desktop.importing import export_file, import_file
    from desktop.kinds import FORMATS

    source = folder / "customers.csv"
    source.write_text("name,kind\nAmira Self-Test,colleague\n", encoding="utf-8")
    plan = import_file(FORMATS["customers"](), source)
    if not plan.ok:
        raise RuntimeError(plan.summary())
    done = []
    for suffix in (".csv", ".xlsx"):
        exported = folder / f"exported{suffix}"
        count = export_file(FORMATS["customers"](), exported)
        again = import_file(FORMATS["customers"](), exported, dry_run=True)
        if count < 2 or not again.headers:
            raise RuntimeError(f"{exported.name} did not read back ({again.summary()})")
        done.append(f"{suffix} {count} rows")
    return "CSV imported; exported and read back: " + ", ".join(done)


def check_server_client(_folder: Path) -> str:
    """The team server's client and its own libpq load (a frozen build must carry them)."""
    import psycopg

    from desktop.sync.connection import server_settings

    settings = server_settings("postgresql://team.example.org/rapport")
    if settings["sslmode"] != "verify-full":
        raise RuntimeError("a remote team server would not be reached over checked TLS")
    return (
        f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__} libpq "
        f"{psycopg.pq.version() // 10000}), TLS checked by default"
    )


CHECKS: list[tuple[str, Check]] = [
    ("keyring", check_keyring),
    ("database", check_database),
    ("report", check_report),
    ("QtPdf", check_pdf),
    ("import and export", check_files),
    ("team server client", check_server_client),
]
