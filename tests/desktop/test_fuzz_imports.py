"""A standing fuzz test: every import kind against hostile files, through the command line.

For each kind Rapport imports (a new kind is taken in by itself), Hypothesis writes a file of
two rows, one valid and one with a hostile value in one column: control characters, over-long
text, formula prefixes, markup, emoji and right-to-left text, far and ancient dates, a stray
quote; in every encoding and separator Excel writes, or as a workbook. Whatever the file,
`import` ends with status 0 or 1, never a traceback; on 1 it names where the problem is and
writes nothing; on 0 the value comes back unchanged from a CSV and an .xlsx export, and the
monthly report and the complaint record still build.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from desktop import cells
from desktop.cli import main
from desktop.importing import Column, ImportKind
from desktop.kinds import EXPORTS, FORMATS
from desktop.questionnaire import TARGETS
from desktop.session import open_data_folder
from desktop.tabular import read_table
from models.catalogue import Service
from models.choices import CustomerKind
from models.complaints import Complaint
from models.db import close_database, open_database
from models.integrity import record_counts
from models.operations import create
from models.register import Customer, Department
from models.team import Member

# A valid cell for every column any kind has; a new column must say what a valid one is.
VALID: dict[str, str] = {
    "name": "Fuzz {n}",
    "kind": "colleague",
    "department": "Finance",
    "job_title": "Officer",
    "email": "fuzz{n}@example.org",
    "phone": "0161 496 0000",
    "location": "Floor 2",
    "needs": "Post sorted by ten",
    "notes": "",
    "category": "",
    "provider": "Post room",
    "description": "Everything posted",
    "service": "Post",
    "statement": "Post sorted within 4 working hours",
    "measure": "completion",
    "target": "4",
    "unit": "working_hours",
    "compliance_target": "95",
    "agreed_with": "Finance",
    "agreed_on": "2026-01-05",
    "review_on": "2027-01-05",
    "received": "2026-11-02 10:00",
    "customer": "sam@example.org",
    "responded": "2026-11-02 11:00",
    "completed": "2026-11-03 09:30",
    "accurate": "yes",
    "needs_met": "yes",
    "summary": "Post went astray",
    "reference": "",
    "details": "Twice this month",
    "confidential": "no",
    "acknowledged": "2026-11-03 10:00",
    "referred_to": "",
    "referred_on": "",
    "resolved": "",
    "resolution": "",
    "date": "2026-11-04",
    "channel": "email",
    "anonymous": "no",
    "nps": "9",
    "ces": "6",
    "csat": "4",
    "comment": "Quick and friendly",
    "type": "generic positive",
    "theme": "Speed",
    "codes": "Post arrives on time",
    "role": "team member",
    "active": "yes",
    "owner": "mei@example.org",
    "looked_after_by": "Mei Chen",
}
# Columns naming a record: a hostile value there is an unknown name, never stored as text.
REFERENCES = {"service", "customer", "department", "agreed_with", "owner", "looked_after_by"}
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "utf-16")
SEPARATORS = (",", ";", "\t")

HOSTILE = st.one_of(
    st.text(st.characters(codec="utf-8"), max_size=40),  # control characters, emoji, anything
    st.sampled_from(
        [
            '=HYPERLINK("http://example.invalid","Click")',
            "=cmd|' /C calc'!A0",
            "+44 20 7946 0000",
            "-3",
            "@SUM(A1:A9)",
            "'=already quoted",
            "\tTabbed",
            "<b>bold</b> & <i>tags</i> <unclosed",
            "مرحبا بالعالم",  # right to left
            "שלום \u202eevil\u202c",
            "👩‍💼 🇬🇧 emoji",
            "line one\nline two\r\nline three",
            "NUL\x00byte",
            "1,500",
            "95,5",
        ]
    ),
    st.builds(
        lambda start, rest: start + rest,
        st.sampled_from(cells.FORMULA_STARTS),
        st.text(st.characters(codec="utf-8"), max_size=10),
    ),
    st.integers(190, 25_000).map(lambda size: ("long words " * size)[:size]),
    st.integers(201, 6_000).map(lambda size: "x" * size),
)
FORMULA = '=HYPERLINK("http://example.invalid","Click")'
WORLDWIDE = "Zoë’s <b>team</b> & مرحبا 👩‍💼"


def stored_text_column(kind: type[ImportKind]) -> str:
    """The first column whose text is stored as it is: where a file is sure to import."""
    return next(
        column.name
        for column in read_columns(kind)
        if column.read is cells.text and column.name not in REFERENCES
    )


HOSTILE_DATES = st.sampled_from(
    ["9999-12-31", "0001-01-01 10:00", "31/12/1899", "29/02/2027", "2026-13-01", "1e9"]
)


@dataclass(frozen=True)
class Case:
    """One file: which column is hostile and how, and how the file is written."""

    column: str
    value: str
    encoding: str  # or "xlsx"
    separator: str
    stray_quote: bool


def read_columns(kind: type[ImportKind]) -> list[Column]:
    """The columns an import of `kind` reads (a questionnaire: those mapped to a question)."""
    if kind.name != "questionnaire":
        return list(kind.columns)
    targets = {target for target, _ in TARGETS}
    return [column for column in kind.columns if column.name in targets]


def cases(kind: type[ImportKind]) -> st.SearchStrategy[Case]:
    columns = read_columns(kind)
    dated = [column.name for column in columns if _reads_dates(column)]
    texts = [column.name for column in columns if column.name not in dated]
    hostile_text = st.tuples(st.sampled_from(texts), HOSTILE)
    hostile_date = st.tuples(st.sampled_from(dated), HOSTILE_DATES)
    return st.builds(
        lambda chosen, encoding, separator, stray: Case(*chosen, encoding, separator, stray),
        st.one_of(hostile_text, hostile_date) if dated else hostile_text,
        st.sampled_from((*ENCODINGS, "xlsx")),
        st.sampled_from(SEPARATORS),
        st.booleans(),
    )


def _reads_dates(column: Column) -> bool:
    return column.read in (cells.read_date, cells.read_moment)


@pytest.fixture(scope="session")
def reference_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with what the valid cells name: the Post service, Finance, Sam, Mei of the
    team (and the bank holidays every command adds first)."""
    folder = tmp_path_factory.mktemp("fuzz-template")
    open_data_folder(folder)
    finance, _ = create(Department, name="Finance")
    create(Service, name="Post")
    create(
        Customer,
        name="Sam Jones",
        email="sam@example.org",
        kind=CustomerKind.COLLEAGUE,
        department=finance,
    )
    create(Member, name="Mei Chen", email="mei@example.org")
    close_database()
    return folder / "rapport.db"


@pytest.fixture
def folder(reference_template: Path, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(reference_template, data / "rapport.db")
    return data


def run(*argv: str) -> tuple[int, str]:
    """`main(argv)` as a command, with what it says on standard error; an exception that
    escapes it (a traceback, to a user) fails the test."""
    said = io.StringIO()
    with contextlib.redirect_stderr(said), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, said.getvalue()


@contextlib.contextmanager
def opened(folder: Path) -> Iterator[None]:
    open_database(folder / "rapport.db")
    try:
        yield
    finally:
        close_database()


def counts(folder: Path) -> dict[str, int]:
    with opened(folder):
        return record_counts(live=False)


def write_file(folder: Path, kind: type[ImportKind], case: Case, number: int) -> Path:
    headers = [column.name for column in kind.columns]
    hostile = [
        case.value if name == case.column else VALID[name].format(n=number) for name in headers
    ]
    valid = [VALID[name].format(n=f"{number}b") for name in headers]  # no clash with the other
    path = folder.parent / f"{kind.name}-{number}.{'xlsx' if case.encoding == 'xlsx' else 'csv'}"
    if case.encoding == "xlsx":
        _write_workbook(path, [headers, hostile, valid])
        return path
    lines = [_line(headers, case.separator), _line(hostile, case.separator, case)]
    text = "\r\n".join([*lines, _line(valid, case.separator)]) + "\r\n"
    data = (
        text.encode("cp1252", errors="replace")
        if case.encoding == "cp1252"
        else text.encode("utf-16" if case.encoding == "utf-16" else case.encoding)
    )
    path.write_bytes(data)
    return path


def _line(row: list[str], separator: str, case: Case | None = None) -> str:
    cells_written = []
    for index, cell in enumerate(row):
        if case is not None and case.stray_quote and index == 0:
            cells_written.append(f'"{cell}')  # a quote opened and never closed
        elif any(mark in cell for mark in (separator, '"', "\n", "\r")):
            cells_written.append('"' + cell.replace('"', '""') + '"')
        else:
            cells_written.append(cell)
    return separator.join(cells_written)


def _write_workbook(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])  # as Excel would
    book.save(path)


def extra_arguments(kind: type[ImportKind]) -> list[str]:
    """A questionnaire's columns are its questions: say which is which (here, the same)."""
    if kind.name != "questionnaire":
        return []
    return [argument for target, _ in TARGETS for argument in ("--map", f"{target}={target}")]


WHERE = re.compile(r"\b([Ll]ine \d+|cells? [A-Z]+\d+)")


def check_import(folder: Path, kind: type[ImportKind], case: Case, number: int) -> int:
    path = write_file(folder, kind, case, number)
    before = counts(folder)
    code, said = run(
        "--data-dir", str(folder), "import", kind.name, str(path), *extra_arguments(kind)
    )
    assert code in (0, 1), said
    if code == 1:
        assert path.name in said and WHERE.search(said), f"says not where:\n{said}"
        assert counts(folder) == before, "a refused file wrote something"
        return code
    assert said == "" or said.startswith("Columns not used"), said
    if case.column not in REFERENCES and not _reads_dates_named(kind, case.column):
        check_exports(folder, kind, case, path)
    check_reports(folder, kind, number)
    return code


def _reads_dates_named(kind: type[ImportKind], name: str) -> bool:
    return any(column.name == name and _reads_dates(column) for column in kind.columns)


def check_exports(folder: Path, kind: type[ImportKind], case: Case, source: Path) -> None:
    """The value as the import read it comes back, read the same way, from a CSV and an .xlsx
    export (a cell's reading may tidy it: codes lose repeated spaces)."""
    reading = next(column.read for column in kind.columns if column.name == case.column)

    def as_read(cell: object) -> object:
        value = reading(cell) if not cells.is_blank(cell) else None
        return tuple(sorted(value)) if isinstance(value, list) else value

    read = read_table(source)
    position = read.headers.index(case.column)
    imported = {as_read(read.rows[0].cells[position])} - {None, "", ()}  # the hostile row's
    exported_as = EXPORTS.get(kind.name, EXPORTS["feedback"]).name
    for suffix in (".csv", ".xlsx"):
        out = folder.parent / f"export-{kind.name}{suffix}"
        code, said = run("--data-dir", str(folder), "export", exported_as, str(out))
        assert (code, said) == (0, ""), said
        table = read_table(out)
        column = table.headers.index(case.column)
        values = {as_read(row.cells[column]) for row in table.rows}
        assert imported <= values, f"{suffix}: {imported - values} did not come back"


def check_reports(folder: Path, kind: type[ImportKind], number: int) -> None:
    out = folder.parent / f"report-{number}.pdf"
    code, said = run(
        "--data-dir", str(folder), "report", "monthly", "--month", "2026-11", "--out", str(out)
    )
    assert (code, said) == (0, ""), said
    if kind.name != "complaints":
        return
    with opened(folder):
        references = [reference for (reference,) in Complaint.select(Complaint.reference).tuples()]
    for reference in references:
        code, said = run(
            "--data-dir", str(folder), "report", "complaint", "--out", str(out), "--", reference
        )
        assert (code, said) == (0, ""), said


def test_every_column_of_every_kind_has_a_valid_cell():
    missing = {c.name for kind in FORMATS.values() for c in kind.columns} - set(VALID)
    assert not missing, f"say what a valid cell of these columns is: {sorted(missing)}"


@pytest.mark.parametrize("kind", sorted(FORMATS), ids=str)
def test_hostile_files_end_in_a_message_or_an_import_that_round_trips(folder, kind):
    format_ = FORMATS[kind]
    numbers = iter(range(1, 10_000))
    outcomes = []

    @given(cases(format_))
    @example(Case(stored_text_column(format_), FORMULA, "utf-8", ",", stray_quote=False))
    @example(Case(stored_text_column(format_), WORLDWIDE, "xlsx", ",", stray_quote=False))
    @example(Case(stored_text_column(format_), WORLDWIDE, "utf-16", "\t", stray_quote=False))
    def fuzz(case: Case) -> None:
        outcomes.append(check_import(folder, format_, case, next(numbers)))

    fuzz()
    print(kind, outcomes)
    assert set(outcomes) == {0, 1}, "the corpus should hold files imported and files refused"
