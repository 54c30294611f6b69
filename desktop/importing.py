"""One import pipeline for every kind of file: read, match columns, check every row, then write
all of it in one transaction or nothing at all.

A kind (customers, services, …) says which columns it has, how a row becomes a record's values,
how the records are written and how they are exported; `check_file` and `import_file` do the
rest the same way for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from desktop import cells
from desktop.tabular import SourceTable, read_table, write_table
from models.base import Record, database
from models.errors import Progress
from models.operations import problems_with
from models.organisation import accepted_dates
from models.validation import DateRange
from models.words import quoted


@dataclass(frozen=True)
class Column:
    """A column of a file format: its header word, whether it is required, how to read it."""

    name: str
    required: bool = False
    read: Callable[[Any], Any] = cells.text
    field: str | None = None  # the record field it fills, where the names differ
    decimal: bool = False  # a number with decimals: 95,5 reads as 95.5 in a `;` file

    @property
    def header(self) -> str:
        return f"{self.name}*" if self.required else self.name


class RowProblem(ValueError):
    """A row that cannot become a record: which column, and why."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where[0].upper()}{where[1:]}: {self.message}"


class ImportKind:
    """A file format of DESIGN.md §4; subclasses fill in the columns and the four steps."""

    name: str
    model: type[Record]
    columns: Sequence[Column]
    tables: frozenset[str]  # what an import of this kind changes, for the window to refresh
    exports = True  # False for a kind that only reads (its records export as another kind)

    @property
    def noun(self) -> str:
        """What the records are called in messages: "imported 12 customers"."""
        return self.name

    def __init__(self, *, include_confidential: bool = False) -> None:
        self.include_confidential = include_confidential  # for kinds that hold any

    def start(self) -> None:
        """Get ready for a new file: load what rows are matched against."""

    def build(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """A record's values from one row's read cells; raise RowProblem if it cannot be."""
        raise NotImplementedError

    def write(self, records: Sequence[dict[str, Any]]) -> int:
        """Write the checked records (inside the caller's transaction); returns how many."""
        raise NotImplementedError

    def export_rows(self, ids: Sequence[Any] | None) -> Iterable[list[Any]]:
        """Rows in the same columns, for the records `ids` (all live ones when None)."""
        raise NotImplementedError

    def export_headers(self) -> list[str]:
        return [column.name for column in self.columns]

    def mapping_for(self, headers: Sequence[str]) -> Mapping[str, str] | None:
        """Which header fills which column (column name -> header), for files whose headers
        are not Rapport's words; None matches headers by name."""
        return None

    def column_for(self, field_name: str) -> str:
        for column in self.columns:
            if (column.field or column.name) == field_name:
                return column.name
        return field_name


@dataclass
class ImportPlan:
    """What a file holds and what is wrong with it, before anything is written."""

    kind: str
    path: Path
    description: str = ""
    headers: tuple[str, ...] = ()
    matched: dict[str, str] = field(default_factory=dict)  # file header -> column name
    unknown: list[str] = field(default_factory=list)
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    preview: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # (line, cells)
    written: int = 0
    notes: tuple[str, ...] = ()  # what the reader saw fit to say (data on another sheet)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def headers_unknown(self) -> bool:
        """Whether required columns were not found: maybe the file was not read as meant."""
        return any(error.message == NO_SUCH_HEADER for error in self.errors)

    def header_row(self) -> str:
        """What the header row holds, for when the headers were not found."""
        return "; ".join(quoted(header)[1:-1] for header in self.headers if header) or "nothing"

    def reading(self) -> str:
        """How the file was read, for when its headers were not found."""
        return f"Rapport read it as {self.description}; its header row holds: {self.header_row()}."

    def summary(self) -> str:
        if self.errors:
            lines = [
                f"{self.path.name}: {len(self.errors)} problem(s) in {self.rows} row(s); "
                "nothing was imported."
            ]
            lines.extend(f"  {error}" for error in self.errors)
            if self.headers_unknown:
                lines.append(f"  {self.reading()}")
            return "\n".join([*lines, *self.notes])
        if self.written:
            done = f"{self.path.name}: imported {self.written} {self.kind}."
        else:
            done = (
                f"{self.path.name}: {self.rows} row(s) checked, no problems found; nothing written."
            )
        return "\n".join([done, *self.notes])


class OncePerFile:
    """What a file may name only once (a service's name, a customer's email): a later row
    naming it again is refused, pointing to the earlier one."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def claim(self, column: str, value: str, key: str | None = None) -> None:
        """`value` of `column`, compared as `key` (by default ignoring case)."""
        claimed = (column, value.lower() if key is None else key)
        if claimed in self.seen:
            raise RowProblem(column, f"{quoted(value)} appears on an earlier row of this file.")
        self.seen.add(claimed)


def check_new_name(model: type[Record], name: str, column: str, what: str) -> None:
    """A record an import makes by naming it (a customer's department, a feedback code)
    follows the rules of its kind's names: length, characters, not a deleted one's."""
    problem = problems_with(model, {"name": name}).get("name")
    if problem:
        raise RowProblem(column, f"the new {what} {quoted(name)}: {problem}")


def normalise_header(header: str) -> str:
    """Headers match ignoring case, spaces and underscores alike, and a trailing '*'."""
    return " ".join(header.replace("_", " ").replace("*", " ").lower().split())


PREVIEW_ROWS = 20
NO_SUCH_HEADER = "this column is required but the file has no such header."


def check_file(kind: ImportKind, path: Path, progress: Progress | None = None) -> ImportPlan:
    """Read `path` and check every row against `kind`, writing nothing."""
    table = read_table(path, progress)
    plan = ImportPlan(kind.noun, Path(path), table.description, table.headers, notes=table.notes)
    mapping = kind.mapping_for(table.headers)
    if mapping is None:
        positions = _match_columns(kind, table, plan)
    else:
        positions = _mapped_columns(kind, mapping, table, plan)
    if plan.errors:
        return plan
    kind.start()
    reading = RowReading(accepted_dates(), decimal_comma=table.separator == ";")
    total = len(table.rows)
    plan.rows = total
    plan.preview = [(row.line, row.cells) for row in table.rows[:PREVIEW_ROWS]]
    for number, row in enumerate(table.rows, start=1):
        record = _check_row(kind, row.line, row.cells, positions, plan, reading)
        if record is not None:
            plan.records.append(record)
        if progress and (number % 250 == 0 or number == total):
            progress("Checking rows", number / total)
    if mapping:  # name the file's own column (the question), not Rapport's word for it
        plan.errors = [
            RowError(error.line, mapping.get(error.column, error.column), error.message)
            for error in plan.errors
        ]
    return plan


def _match_columns(kind: ImportKind, table: SourceTable, plan: ImportPlan) -> dict[str, int]:
    by_word = {normalise_header(column.name): column for column in kind.columns}
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        column = by_word.get(normalise_header(header))
        if column is None:
            if header:
                plan.unknown.append(header)
            continue
        if column.name in positions:
            plan.errors.append(RowError(1, header, "this column appears twice."))
            continue
        positions[column.name] = index
        plan.matched[header] = column.name
    for column in kind.columns:
        if column.required and column.name not in positions:
            plan.errors.append(RowError(1, column.name, NO_SUCH_HEADER))
    return positions


def _mapped_columns(
    kind: ImportKind, mapping: Mapping[str, str], table: SourceTable, plan: ImportPlan
) -> dict[str, int]:
    names = {column.name for column in kind.columns}
    positions: dict[str, int] = {}
    for name, header in mapping.items():
        if name not in names:
            plan.errors.append(RowError(1, header, f"Rapport has no column called {quoted(name)}."))
        elif header not in table.headers:
            plan.errors.append(RowError(1, header, "the file has no such column."))
        elif header in plan.matched:
            plan.errors.append(
                RowError(1, header, f"chosen for both {plan.matched[header]} and {name}.")
            )
        else:
            positions[name] = table.headers.index(header)
            plan.matched[header] = name
    plan.unknown = [header for header in table.headers if header and header not in plan.matched]
    for column in kind.columns:
        if column.required and column.name not in positions:
            plan.errors.append(
                RowError(1, column.name, "say which of the file's columns holds this.")
            )
    return positions


@dataclass(frozen=True)
class RowReading:
    """How this file's cells are read, the same for every kind: the dates accepted, and
    whether decimals are written with a comma (a file separated by semicolons)."""

    dates: DateRange
    decimal_comma: bool

    def read(self, column: Column, raw: Any) -> Any:
        if self.decimal_comma and column.decimal:
            raw = cells.from_decimal_comma(raw)
        value = column.read(raw)
        if isinstance(value, date):  # before a row's due dates are worked out from it
            message = self.dates.problem(value)
            if message:
                raise ValueError(message)
        return value


def _check_row(
    kind: ImportKind,
    line: int,
    row: tuple[Any, ...],
    positions: Mapping[str, int],
    plan: ImportPlan,
    reading: RowReading,
) -> dict[str, Any] | None:
    errors = plan.errors
    before = len(errors)
    if len(row) > len(plan.headers) and any(
        not cells.is_blank(c) for c in row[len(plan.headers) :]
    ):
        errors.append(
            RowError(line, "", f"has {len(row)} values but the header names {len(plan.headers)}.")
        )
    values: dict[str, Any] = {}
    for column in kind.columns:
        index = positions.get(column.name)
        raw = row[index] if index is not None and index < len(row) else None
        if cells.is_blank(raw):
            if column.required:
                errors.append(RowError(line, column.name, "required, but empty."))
            values[column.name] = None
            continue
        try:
            values[column.name] = reading.read(column, raw)
        except ValueError as error:
            errors.append(RowError(line, column.name, str(error)))
    if len(errors) > before:
        return None
    try:
        record = kind.build(values)
    except RowProblem as problem:
        errors.append(RowError(line, problem.column, problem.message))
        return None
    for field_name, message in problems_with(kind.model, record, dates=reading.dates).items():
        errors.append(RowError(line, kind.column_for(field_name), message))
    return record if len(errors) == before else None


def import_file(
    kind: ImportKind, path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportPlan:
    """Check `path`, then (unless a dry run, or anything is wrong) write all of it at once."""
    plan = check_file(kind, path, progress)
    if plan.ok and not dry_run:
        apply_plan(kind, plan, progress)
    return plan


def apply_plan(kind: ImportKind, plan: ImportPlan, progress: Progress | None = None) -> int:
    """Write a checked plan in one transaction: every record, or (on any failure) none."""
    if not plan.ok:
        raise ValueError("A plan with errors cannot be written.")
    if progress:
        progress("Writing", 0.0)
    with database.atomic():
        plan.written = kind.write(plan.records)
        if progress:
            progress("Writing", 1.0)  # may raise Cancelled, which rolls everything back
    return plan.written


def export_file(kind: ImportKind, path: Path, ids: Sequence[Any] | None = None) -> int:
    """Write `kind`'s records (those with `ids`, or all live ones) in its import columns."""
    return write_table(Path(path), kind.export_headers(), kind.export_rows(ids))
