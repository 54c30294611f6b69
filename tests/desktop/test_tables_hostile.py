"""Files built to break the reader, and stored values built to break the writer."""

from __future__ import annotations

import gc
import sqlite3
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from desktop.importing import check_file
from desktop.kinds import FORMATS
from desktop.tabular import READING, SourceTable, read_table, write_table
from models.errors import Cancelled, KnownError

SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"

FORMULA_LIKE = [
    '=HYPERLINK("http://x","y")',
    "=cmd|' /C calc'!A0",
    "+44 20 7946 0000",
    "-3",
    "@SUM(A1)",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    "'=already quoted",
    "''=quoted twice",
    "O'Brien, plain text",
]


def package(
    path: Path,
    sheets: Sequence[tuple[str, str]],
    *,
    strings: Sequence[str] | None = None,
    hidden: Sequence[str] = (),
    styles: str | None = None,
    padding: str = "",
) -> Path:
    """A workbook put together by hand, as another program might write one: each sheet is
    (title, the XML inside <worksheet>); `strings` are its shared strings, `hidden` the
    titles of its hidden sheets, `styles` the XML inside <styleSheet>, and `padding` goes
    into the workbook's list of sheets."""
    states = dict.fromkeys(hidden, ' state="hidden"')
    entries = "".join(
        f'<sheet name="{title}" sheetId="{n}" r:id="rId{n}"{states.get(title, "")}/>'
        for n, (title, _xml) in enumerate(sheets, start=1)
    )
    links = "".join(
        f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    if strings is not None:
        links += (
            f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    if styles is not None:
        links += f'<Relationship Id="rIdT" Type="{REL_NS}/styles" Target="styles.xml"/>'
    types = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{OFFICE}.worksheet+xml"/>'
        for n in range(1, len(sheets) + 1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
            f"{types}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE_NS}"><Relationship Id="rId1" '
            f'Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{SHEET_NS}" xmlns:r="{REL_NS}">'
            f"<sheets>{entries}</sheets>{padding}</workbook>",
        )
        if strings is not None:
            items = "".join(f"<si><t>{value}</t></si>" for value in strings)
            archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{SHEET_NS}">{items}</sst>')
        if styles is not None:
            archive.writestr(
                "xl/styles.xml", f'<styleSheet xmlns="{SHEET_NS}">{styles}</styleSheet>'
            )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PACKAGE_NS}">{links}</Relationships>',
        )
        for n, (_title, xml) in enumerate(sheets, start=1):
            archive.writestr(
                f"xl/worksheets/sheet{n}.xml", f'<worksheet xmlns="{SHEET_NS}">{xml}</worksheet>'
            )
    return path


def text(reference: str, value: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'


def rows_of(table: SourceTable) -> list[tuple[int, tuple[Any, ...]]]:
    return [(row.line, row.cells) for row in table.rows]


# ------------------------------------------------------------------------------------- writing


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_text_that_looks_like_a_formula_exports_as_text_and_imports_unchanged(tmp_path, suffix):
    """Defect 1: such text was written to CSV unchanged and to .xlsx as a live formula."""
    path = tmp_path / f"people{suffix}"
    write_table(path, ["value", "number", "fraction"], [[v, -3, -2.5] for v in FORMULA_LIKE])
    table = read_table(path)
    assert [row.cells[0] for row in table.rows] == FORMULA_LIKE
    numbers = {(row.cells[1], row.cells[2]) for row in table.rows}
    assert numbers == ({("-3", "-2.5")} if suffix == ".csv" else {(-3, -2.5)})


def test_an_xlsx_export_holds_text_cells_and_never_a_formula(tmp_path):
    """Defect 1: openpyxl takes a str starting with '=' for a formula."""
    path = tmp_path / "people.xlsx"
    write_table(path, ["value", "number"], [[v, -3] for v in FORMULA_LIKE])
    sheet = load_workbook(path).worksheets[0]
    kinds = {(cell.column, cell.data_type) for row in sheet.iter_rows(min_row=2) for cell in row}
    assert kinds == {(1, "s"), (2, "n")}
    assert [cell.value for cell in sheet["A"][1:]] == FORMULA_LIKE


def test_a_csv_export_puts_a_quote_before_a_formula_start_but_not_before_a_number(tmp_path):
    """Defect 1: the quote is what makes Excel show the cell as text."""
    path = tmp_path / "people.csv"
    write_table(path, ["value", "number"], [[v, -3] for v in FORMULA_LIKE])
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[1] == '"\'=HYPERLINK(""http://x"",""y"")",-3'
    assert lines[2] == "'=cmd|' /C calc'!A0,-3"
    assert lines[3] == "'+44 20 7946 0000,-3"
    assert lines[4] == "'-3,-3"
    assert lines[5] == "'@SUM(A1),-3"
    assert lines[8] == "''=already quoted,-3"
    assert lines[10] == '"O\'Brien, plain text",-3'


def test_an_xlsx_export_writes_nothing_in_the_temporary_folder(tmp_path, monkeypatch):
    """Defect 2: openpyxl kept the whole sheet, in plain text, in the system's temp folder."""
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_temp))
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    target = tmp_path / "out" / "customers.xlsx"
    target.parent.mkdir()
    seen = []

    def rows() -> Iterator[list[Any]]:
        for number in range(3000):
            if number == 2000:
                seen.append((sorted(system_temp.iterdir()), sorted(target.parent.iterdir())))
            yield [f"Customer {number}", "secret notes " * 5]

    assert write_table(target, ["name", "notes"], rows()) == 3000
    assert seen == [([], [target.parent / ".customers.xlsx.part"])]
    assert list(system_temp.iterdir()) == []
    assert list(target.parent.iterdir()) == [target]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_failure_part_way_leaves_nothing_behind_and_prints_nothing(
    tmp_path, monkeypatch, capfd, suffix
):
    """Defects 2 and 4: a database error mid-export left a `.part` file (and openpyxl's
    temporary file) and printed "Exception ignored…" on stderr."""
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_temp))
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    folder = tmp_path / "out"
    folder.mkdir()
    kept = folder / f"kept{suffix}"
    kept.write_bytes(b"the last good export")

    def rows() -> Iterator[list[Any]]:
        for number in range(1000):
            if number == 600:
                raise sqlite3.DatabaseError("database disk image is malformed")
            yield [f"Customer {number}", number]

    for target in (folder / f"new{suffix}", kept):
        with pytest.raises(sqlite3.DatabaseError, match="malformed"):
            write_table(target, ["name", "number"], rows())
    gc.collect()
    assert sorted(folder.iterdir()) == [kept]
    assert kept.read_bytes() == b"the last good export"
    assert list(system_temp.iterdir()) == []
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_writer_stopped_part_way_closes_the_rows_it_was_given(tmp_path, suffix):
    """Defect 4: a generator left suspended would close (and complain) whenever collected."""
    closed = []

    def rows() -> Iterator[list[Any]]:
        try:
            yield ["fine"]
            yield ["x" * 40_000]
            yield ["never reached"]
        finally:
            closed.append(True)

    path = tmp_path / f"notes{suffix}"
    if suffix == ".xlsx":
        with pytest.raises(KnownError, match=r"notes\.xlsx, line 3, column notes: the text is"):
            write_table(path, ["notes"], rows())
        assert closed == [True]
        assert list(tmp_path.iterdir()) == []
    else:  # CSV has no limit on a cell
        assert write_table(path, ["notes"], rows()) == 3


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_every_control_character_exports(tmp_path, suffix):
    """Defect 3: one NUL in a stored value made every .xlsx export fail (IllegalCharacterError,
    with the record in the traceback). In .xlsx those XML cannot hold become U+FFFD; CSV keeps
    them all."""
    values = [f"a{chr(code)}b" for code in range(32)]
    path = tmp_path / f"controls{suffix}"
    assert write_table(path, ["value"], [[value] for value in values]) == 32
    read = [row.cells[0] for row in read_table(path).rows]
    if suffix == ".csv":
        assert read == values
    else:
        kept = {"\t", "\n", "\r"}
        assert read == [v if v[1] in kept else "a\ufffdb" for v in values]
        assert load_workbook(path).worksheets[0]["A2"].value == "a\ufffdb"  # a valid workbook


def test_an_xlsx_export_keeps_text_exactly(tmp_path):
    """Excel's own escapes: a CR would come back as a line feed, and '_x0041_' as 'A'."""
    values = ["one\r\ntwo", "_x0041_ stays", "a < b & c", "  spaced  ", "Zoë 山田"]
    path = tmp_path / "texts.xlsx"
    write_table(path, ["value"], [[value] for value in values])
    assert [row.cells[0] for row in read_table(path).rows] == values


def test_a_csv_export_keeps_every_digit(tmp_path):
    """'{:g}' wrote 1234567.5 as 1.23457e+06."""
    path = tmp_path / "numbers.csv"
    write_table(path, ["n"], [[1234567.5], [4.0], [0.1], [-2]])
    assert path.read_bytes().decode("utf-8-sig").split("\r\n")[1:5] == [
        "1234567.5",
        "4",
        "0.1",
        "-2",
    ]


# ------------------------------------------------------------------------------------- reading


def test_a_sheet_claiming_a_million_rows_and_columns_reads_at_once(tmp_path):
    """Defect 5: one styled cell at XFD1048576 made openpyxl pad 16,384 columns by a million
    rows, and the import ran for over ten minutes."""
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "provider"])
    sheet.append(["Room bookings", "Facilities"])
    sheet.append(["Post", None])
    sheet["XFD1048576"].font = Font(bold=True)
    book.save(tmp_path / "services.xlsx")
    started = time.monotonic()
    table = read_table(tmp_path / "services.xlsx")
    assert time.monotonic() - started < 5
    assert table.headers == ("name", "provider")
    assert rows_of(table) == [(2, ("Room bookings", "Facilities")), (3, ("Post", None))]


def test_a_value_far_beyond_the_header_is_still_reported(db, tmp_path):
    """Defect 5: capping rows to the header must not hide data outside it."""
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "provider"])
    sheet.append(["Room bookings", "Facilities"])
    sheet["XFD1048576"] = "stray"
    book.save(tmp_path / "services.xlsx")
    started = time.monotonic()
    table = read_table(tmp_path / "services.xlsx")
    assert time.monotonic() - started < 5
    assert rows_of(table)[-1] == (1_048_576, (None, None, "stray"))
    plan = check_file(FORMATS["services"](), tmp_path / "services.xlsx")
    assert any(
        error.line == 1_048_576 and "values but the header names 2" in error.message
        for error in plan.errors
    ), plan.summary()


def test_a_header_reaching_the_last_column_is_refused(tmp_path):
    book = Workbook()
    book.active["A1"] = "name"
    book.active["XFD1"] = "far away"
    book.save(tmp_path / "wide.xlsx")
    with pytest.raises(KnownError, match=r"wide\.xlsx, sheet 'Sheet': the header row .* XFD"):
        read_table(tmp_path / "wide.xlsx")


def write_rows(path: Path, count: int) -> Path:
    write_table(path, ["name", "number"], ([f"Row {n}", n] for n in range(count)))
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_reading_reports_progress(tmp_path, suffix):
    """Defect 5: the caller can show how far reading has gone."""
    heard: list[tuple[str, float]] = []
    table = read_table(write_rows(tmp_path / f"rows{suffix}", 2000), lambda *a: heard.append(a))
    assert len(table.rows) == 2000
    assert len(heard) >= 5
    assert {stage for stage, _ in heard} == {READING} == {"Reading the file"}
    fractions = [fraction for _, fraction in heard]
    assert fractions == sorted(fractions)
    assert 0 <= fractions[0] < 1 and fractions[-1] == 1.0


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_reading_can_be_cancelled(tmp_path, suffix):
    path = write_rows(tmp_path / f"rows{suffix}", 2000)
    heard = []

    def cancel(stage: str, fraction: float) -> None:
        heard.append(fraction)
        raise Cancelled

    with pytest.raises(Cancelled):
        read_table(path, cancel)
    assert len(heard) == 1 and heard[0] < 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            'name,email,notes\nAnn,ann@example.org,"Likes quiet\n'
            'Bob,bob@example.org,Prefers mornings"\n',
            "people.csv, line 2: a quote opened here is not closed until line 3, so two rows "
            "ran together; check the quotes on line 2.",
        ),
        (
            "name,email,notes\nAnn,ann@example.org,ok\n"
            'Bob,bob@example.org,"Said hi\nCal,cal@example.org,"Fine"\nDee,dee@example.org,ok\n',
            "people.csv, line 3: a quote opened here is not closed until line 4, so two rows "
            "ran together; check the quotes on line 3.",
        ),
        (
            'name;email;notes\nAnn;"ann@example.org;x\nBob;bob@example.org;y\n'
            "Cal;cal@example.org;z\nDee;dee@example.org;w\n",
            "people.csv, line 2: a quote opened here is never closed, so every line after it "
            "was read as one value; check the quotes on line 2.",
        ),
    ],
    ids=["closed-at-line-end", "closed-by-the-next-quote", "never-closed"],
)
def test_a_stray_quote_is_refused_naming_its_line(tmp_path, content, message):
    """Defect 6: a stray opening quote silently made one customer out of two rows."""
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(KnownError) as refused:
        read_table(path)
    assert str(refused.value) == message


def test_quoted_line_breaks_still_import(tmp_path):
    """Defect 6: legitimate multi-line values are not taken for rows run together."""
    path = tmp_path / "people.csv"
    path.write_text(
        "name,address,notes\r\n"
        'Ann,"1 High Street\r\nLeeds, LS1 1AA","Says ""thanks, team""\r\nTwo lines, one comma"\r\n'
        'Bob,"Flat 2\r\n3 Low Road\r\nYork",\r\n'
        'Cal,Hull,"a, b\r\nc, d\r\ne"\r\n',
        encoding="utf-8",
    )
    assert rows_of(read_table(path)) == [
        (
            2,
            (
                "Ann",
                "1 High Street\r\nLeeds, LS1 1AA",
                'Says "thanks, team"\r\nTwo lines, one comma',
            ),
        ),
        (5, ("Bob", "Flat 2\r\n3 Low Road\r\nYork", "")),
        (8, ("Cal", "Hull", "a, b\r\nc, d\r\ne")),
    ]


UNICODE_TEXT = 'name\temail\tnotes\r\nZoë 山田\tzoe@example.org\t"Likes\ttabs"\r\n'


@pytest.mark.parametrize(
    ("data", "description"),
    [
        (
            b"\xff\xfe" + UNICODE_TEXT.encode("utf-16-le"),
            "UTF-16 little-endian with byte-order mark",
        ),
        (b"\xfe\xff" + UNICODE_TEXT.encode("utf-16-be"), "UTF-16 big-endian with byte-order mark"),
        (UNICODE_TEXT.encode("utf-16-le"), "UTF-16 little-endian"),
        (UNICODE_TEXT.encode("utf-16-be"), "UTF-16 big-endian"),
        (UNICODE_TEXT.encode("utf-8"), "UTF-8"),
        (b"\xef\xbb\xbf" + UNICODE_TEXT.encode("utf-8"), "UTF-8 with byte-order mark"),
    ],
    ids=["utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf8", "utf8-bom"],
)
def test_excel_unicode_text_and_tab_separated_files_read(tmp_path, data, description):
    """Defect 7: Excel's "Unicode text" (UTF-16, tab-separated) was refused as 'no such
    header'."""
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert table.description == f"CSV, {description}, separated by tabs"
    assert table.separator == "\t"
    assert table.headers == ("name", "email", "notes")
    assert rows_of(table) == [(2, ("Zoë 山田", "zoe@example.org", "Likes\ttabs"))]


def test_the_separator_is_the_one_that_splits_the_header_most(tmp_path):
    """The separator is given apart from the description (a sentence for the user), so that
    the decimal-comma decision need not take that sentence apart."""
    path = tmp_path / "people.csv"
    path.write_text('"name, in full";email;notes\nAnn;a@example.org;x,y\n', encoding="utf-8")
    table = read_table(path)
    assert table.description == "CSV, UTF-8, separated by semicolons"
    assert table.separator == ";"
    assert table.headers == ("name, in full", "email", "notes")
    path.write_text("sep=;\nname,first;email\nAnn;a@example.org\n", encoding="utf-8")
    assert rows_of(read_table(path)) == [(3, ("Ann", "a@example.org"))]
    assert read_table(path).separator == ";"
    path.write_text("name,email\nAnn,a@example.org\n", encoding="utf-8")
    assert read_table(path).separator == ","


def test_shift_jis_is_refused_naming_its_encoding(tmp_path):
    """Defect 7: Shift-JIS was imported as mojibake."""
    path = tmp_path / "people.csv"
    path.write_bytes(
        "name,email,notes\r\n山田 太郎,taro@example.jp,静かな部屋が好きです\r\n"
        "佐藤 花子,hanako@example.jp,午前中にお願いします\r\n".encode("cp932")
    )
    with pytest.raises(KnownError) as refused:
        read_table(path)
    assert str(refused.value) == (
        "people.csv, line 2: read as Windows-1252 it comes out garbled ('ŽR“c'), so the file "
        "looks like Shift-JIS (cp932) text, which Rapport does not read: save it as UTF-8 (in "
        "Excel: Save As ▸ 'CSV UTF-8 (Comma delimited)') and import that."
    )


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("name,email\r\n山田,t@example.jp\r\n", "cp932"),
        ("name,email,notes\r\nИван Петров,ivan@example.ru,Любит тишину\r\n", "cp1251"),
        ("name,email,notes\r\nΓιώργος Παπαδόπουλος,g@example.gr,Ήσυχο δωμάτιο\r\n", "cp1253"),
        ("name,email,notes\r\n김민준,k@example.kr,조용한 방\r\n", "euc-kr"),
        ("name,email,notes\r\n张伟,zw@example.cn,喜欢安静的房间\r\n", "gbk"),
        ("name,email,notes\r\n陳大文,c@example.tw,喜歡安靜\r\n", "big5"),
    ],
)
def test_other_encodings_are_refused_rather_than_garbled(tmp_path, text, encoding):
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(KnownError, match=r"^people\.csv, line 2: .*: save it as UTF-8"):
        read_table(path)


@pytest.mark.parametrize(
    "text",
    [
        "Name;E-Mail;Notiz\r\nJürgen Größe;j@example.de;„Straße“ – ok\r\n",
        "nom,note\r\nFrançois Œuvre,«très bien» € 5\r\nÉCOLE ÉLÉMENTAIRE,FRANÇOIS\r\n",
        "nombre,nota\r\nJosé Núñez,¿Qué tal? ¡Muy bien! Año 2026\r\n",
        "nome,nota\r\nJoão Conceição,Ação rápida\r\n",
        "nom,nota\r\nCol·lecció,l·lusió\r\n",
        "nafn,note\r\nÞórður Guðmundsson,Ægir Ólafsdóttir\r\n",
        "navn,note\r\nSøren Kierkegaard,Æble øl på Ærø\r\n",
        "name,notes\r\nAnn,Don’t “quote” me – it’s fine…\r\n",
        "name,notes\r\nLab,25°C ± 0.5 µm² at 3×4 — 50% off €10 · £5 ½ ¼ © ®\r\n",
        "name\r\nCafé\r\n",
    ],
)
def test_genuine_windows_1252_still_imports(tmp_path, text):
    """Defect 7: the check for garbled text must not refuse real Windows-1252."""
    path = tmp_path / "people.csv"
    path.write_bytes(text.encode("cp1252"))
    table = read_table(path)
    assert "Windows-1252" in table.description
    separator = ";" if ";" in text.split("\r\n")[0] else ","
    expected = [tuple(line.split(separator)) for line in text.split("\r\n")[1:] if line]
    assert [row.cells for row in table.rows] == expected


def test_a_utf8_file_with_one_line_in_another_encoding_is_refused(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(
        "name,notes\r\nZoë Müller,ok\r\nSiobhán,fine\r\n".encode()
        + "Café,x\r\n".encode("cp1252")
        + "Łukasz,y\r\n".encode()
    )
    with pytest.raises(KnownError, match=r"people\.csv, line 4: this line is not UTF-8"):
        read_table(path)


def test_a_workbook_named_csv_is_refused(tmp_path):
    write_rows(tmp_path / "people.xlsx", 2).rename(tmp_path / "people.csv")
    with pytest.raises(
        KnownError, match=r"people\.csv is a zip file .* rename it to end in \.xlsx"
    ):
        read_table(tmp_path / "people.csv")


def test_a_formula_never_calculated_is_refused_naming_its_cell(tmp_path):
    """Defect 8a: a formula with no saved value was read as empty ("required, but empty")."""
    book = Workbook()
    book.active.title = "Services"
    book.active.append(["name", "provider"])
    book.active.append(["Post", "Post room"])
    book.active.append(["Room bookings", '=A3&" team"'])
    book.save(tmp_path / "services.xlsx")
    with pytest.raises(KnownError) as refused:
        read_table(tmp_path / "services.xlsx")
    assert str(refused.value) == (
        "services.xlsx, sheet 'Services', cell B3: the formula =A3&\" team\" has no saved value "
        "(the workbook was written by a program, not saved by Excel); open the workbook in "
        "Excel and save it, then try again."
    )


def test_formulas_with_saved_values_read_as_their_values(tmp_path):
    """A formula's saved value is read; an error it saved is refused (see the test below)."""
    sheet = (
        "<sheetData>"
        f'<row r="1">{text("A1", "name")}{text("B1", "provider")}{text("C1", "notes")}</row>'
        f'<row r="2">{text("A2", "Post")}<c r="B2" t="str"><f>A2&amp;" room"</f>'
        '<v>Post room</v></c><c r="C2" t="str"><f>IF(1,"","")</f><v></v></c></row>'
        '<row r="3"><c r="A3"><f>1+1</f><v>2</v></c></row></sheetData>'
    )
    table = read_table(package(tmp_path / "services.xlsx", [("Services", sheet)]))
    assert rows_of(table) == [(2, ("Post", "Post room", None)), (3, (2, None, None))]


def test_a_shared_formula_never_calculated_is_named_as_its_cell_has_it(tmp_path):
    sheet = (
        "<sheetData>"
        f'<row r="1">{text("A1", "n")}{text("B1", "double")}</row>'
        '<row r="2"><c r="A2"><v>1</v></c><c r="B2"><f t="shared" ref="B2:B3" si="0">A2*2</f>'
        "<v>2</v></c></row>"
        '<row r="3"><c r="A3"><v>5</v></c><c r="B3"><f t="shared" si="0"/></c></row>'
        "</sheetData>"
    )
    with pytest.raises(KnownError, match=r"sheet 'Numbers', cell B3: the formula =A3\*2 has no"):
        read_table(package(tmp_path / "numbers.xlsx", [("Numbers", sheet)]))


def test_merged_cells_are_refused_naming_the_range(tmp_path):
    """Defect 8b: merged cells left the second row silently empty."""
    book = Workbook()
    book.active.append(["name", "department", "email"])
    book.active.append(["Ann", "Finance", "ann@example.org"])
    book.active.append(["Bob", None, "bob@example.org"])
    book.active.merge_cells("B2:B3")
    book.save(tmp_path / "people.xlsx")
    with pytest.raises(KnownError) as refused:
        read_table(tmp_path / "people.xlsx")
    assert str(refused.value) == (
        "people.xlsx, sheet 'Sheet': cells B2:B3 are merged; unmerge them so each row has its "
        "own value."
    )


def test_data_on_other_sheets_is_mentioned(tmp_path):
    """Defect 8c: only the first sheet is read, and nothing said so."""
    book = Workbook()
    book.active.title = "Customers"
    book.active.append(["name"])
    book.active.append(["Ann"])
    book.create_sheet("Sheet2").append(["name", "more data"])
    book.create_sheet("Empty")
    book.create_sheet("Notes")["C7"] = "see me"
    book.save(tmp_path / "people.xlsx")
    table = read_table(tmp_path / "people.xlsx")
    assert table.description == "Excel workbook, sheet 'Customers'"
    assert table.separator is None
    assert table.notes == (
        "Only the first sheet, 'Customers', is read; the workbook also has 'Sheet2' and 'Notes'.",
    )
    del book["Sheet2"], book["Notes"]
    book.save(tmp_path / "people.xlsx")
    assert read_table(tmp_path / "people.xlsx").notes == ()


def test_an_empty_first_sheet_names_the_sheets_with_data(tmp_path):
    """Defect 8c: the data on sheet 2 was reported as an empty file."""
    book = Workbook()
    book.active.title = "Sheet1"
    book.create_sheet("Customers").append(["name"])
    book.save(tmp_path / "people.xlsx")
    with pytest.raises(KnownError) as refused:
        read_table(tmp_path / "people.xlsx")
    assert str(refused.value) == (
        "people.xlsx: the first sheet, 'Sheet1', is empty, and Rapport reads only the first "
        "sheet; the workbook's data is on 'Customers'. Move that sheet to the front (drag its "
        "tab to the left), save, and try again."
    )


# ------------------------------------------------------------- review: reading, second round


def test_escaped_surrogates_are_joined_or_replaced(tmp_path):
    """Review 1: `_xD800_` decoded to a lone surrogate, which crashed the import later with
    UnicodeEncodeError; a pair of escapes is one character beyond U+FFFF."""
    values = ["bad _xD800_ here", "_xD83D__xDE00_", "_xDE00_ low first", "ends high _xD83D_"]
    rows = "".join(
        f'<row r="{n}">{text(f"A{n}", value)}<c r="B{n}" t="s"><v>{n - 2}</v></c></row>'
        for n, value in enumerate(values, start=2)
    )
    sheet = f'<sheetData><row r="1">{text("A1", "inline")}{text("B1", "shared")}</row>{rows}'
    path = package(tmp_path / "people.xlsx", [("Sheet1", sheet + "</sheetData>")], strings=values)
    read = [row.cells for row in read_table(path).rows]
    expected = ["bad \ufffd here", "\U0001f600", "\ufffd low first", "ends high \ufffd"]
    assert read == [(value, value) for value in expected]
    assert all(value.encode("utf-8") for cells in read for value in cells)


def test_a_prose_line_inside_a_quoted_value_is_not_taken_for_a_row(tmp_path):
    """Review 2: the continuation line splits into as many fields as the header, but its
    commas are followed by spaces, as prose puts them and Excel never writes a row."""
    path = tmp_path / "people.csv"
    path.write_text(
        'name,kind,notes\nAl,colleague,"Moved office\nnow at Flat 2, 12 High St, Leeds"\n',
        encoding="utf-8",
    )
    assert rows_of(read_table(path)) == [
        (2, ("Al", "colleague", "Moved office\nnow at Flat 2, 12 High St, Leeds"))
    ]


def test_a_tab_separated_row_swallowed_by_a_quote_is_still_refused(tmp_path):
    """Review 2: for tabs the plain width test stays, a space after a tab or not."""
    path = tmp_path / "people.csv"
    path.write_text(
        'name\temail\tnotes\nAnn\tann@example.org\t"Likes quiet\n'
        'Bob\t bob@example.org\t Prefers mornings"\n',
        encoding="utf-8",
    )
    with pytest.raises(KnownError, match=r"^people\.csv, line 2: a quote opened here is not"):
        read_table(path)


def one_sheet(tmp_path: Path, row: str, title: str = "Sheet1", **parts: Any) -> Path:
    """people.xlsx with a header (name, email, notes) and `row` below it, as row 3."""
    sheet = (
        f'<sheetData><row r="1">{text("A1", "name")}{text("B1", "email")}{text("C1", "notes")}'
        f'</row><row r="2">{text("A2", "Ann")}</row><row r="3">{row}</row></sheetData>'
    )
    return package(tmp_path / "people.xlsx", [(title, sheet)], **parts)


def refusal(path: Path) -> str:
    with pytest.raises(KnownError) as refused:
        read_table(path)
    return str(refused.value)


@pytest.mark.parametrize(
    "error", ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
)
def test_an_excel_error_is_refused_naming_its_cell(tmp_path, error):
    """Review 4: a VLOOKUP's #N/A was imported as text into a free-text field."""
    row = f'{text("A3", "Bob")}<c r="B3" t="e"><f>VLOOKUP(A3,Lookup!A:B,2,0)</f><v>{error}</v></c>'
    assert refusal(one_sheet(tmp_path, row)) == (
        f"people.xlsx, sheet 'Sheet1', cell B3: holds Excel's error {error}, not a value; put "
        "the value right in Excel and save, then try again."
    )


def test_the_first_visible_sheet_is_read_and_hidden_ones_are_not_mentioned(tmp_path):
    """Review 5: a hidden first sheet of lookups was read instead of the visible data."""
    book = Workbook()
    book.active.title = "Lookup"
    book.active.append(["code", "meaning"])
    book.active.append(["A", "Admin"])
    book.active.sheet_state = "hidden"
    data = book.create_sheet("Data")
    data.append(["name"])
    data.append(["Ann"])
    book.active = 1
    workings = book.create_sheet("Workings")
    workings.append(["sum", 3])
    workings.sheet_state = "veryHidden"
    book.create_sheet("Notes")["A1"] = "see me"
    book.save(tmp_path / "people.xlsx")
    table = read_table(tmp_path / "people.xlsx")
    assert table.description == "Excel workbook, sheet 'Data'"
    assert rows_of(table) == [(2, ("Ann",))]
    assert table.notes == ("Only the first sheet, 'Data', is read; the workbook also has 'Notes'.",)


def test_an_empty_first_sheet_names_only_the_visible_sheets_with_data(tmp_path):
    """Review 5: the data a hidden sheet holds is no table to point the user to."""
    sheet = f'<sheetData><row r="1">{text("A1", "name")}</row></sheetData>'
    path = package(
        tmp_path / "people.xlsx",
        [("Lookup", sheet), ("Sheet1", ""), ("Workings", sheet), ("Customers", sheet)],
        hidden=["Lookup", "Workings"],
    )
    assert refusal(path) == (
        "people.xlsx: the first sheet, 'Sheet1', is empty, and Rapport reads only the first "
        "sheet; the workbook's data is on 'Customers'. Move that sheet to the front (drag its "
        "tab to the left), save, and try again."
    )


def test_a_workbook_whose_sheets_are_all_hidden_says_so(tmp_path):
    sheet = f'<sheetData><row r="1">{text("A1", "name")}</row></sheetData>'
    path = package(tmp_path / "people.xlsx", [("Lookup", sheet)], hidden=["Lookup"])
    assert refusal(path) == (
        "people.xlsx: every sheet is hidden ('Lookup'), and Rapport reads the first sheet you "
        "can see; in Excel, unhide the sheet to import (right-click a sheet tab ▸ Unhide), "
        "save, and try again."
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "5",
            "refers to shared text number 5, but the workbook's shared text has 2 entries "
            "(numbered from 0)",
        ),
        (
            "-1",
            "refers to shared text number -1, but the workbook's shared text has 2 entries "
            "(numbered from 0)",
        ),
        ("two", "the value cannot be read (invalid literal for int() with base 10: 'two')"),
    ],
    ids=["beyond", "negative", "not-a-number"],
)
def test_a_bad_shared_string_index_names_its_cell(tmp_path, value, message):
    """Review 8: '(tuple index out of range)' said nothing of where; -1 read the last one."""
    row = f'{text("A3", "Bob")}<c r="C3" t="s"><v>{value}</v></c>'
    assert refusal(one_sheet(tmp_path, row, strings=["kept", "other"])) == (
        f"people.xlsx, sheet 'Sheet1', cell C3: {message}, so the workbook is damaged; open "
        "the workbook in Excel and save it, then try again."
    )


MIB = 2**20


@pytest.fixture
def small_limits(monkeypatch):
    """The limits on what is read, a few hundred times smaller, so a file over them is small."""
    from desktop.tabular import csv_files, excel, xlsx_reading

    monkeypatch.setattr(csv_files, "CSV_BYTES", MIB)
    monkeypatch.setattr(excel, "PART_BYTES", MIB)
    monkeypatch.setattr(excel, "STRINGS_BYTES", MIB // 2)
    monkeypatch.setattr(xlsx_reading, "EXCEL_ROWS", 5)


def test_a_csv_over_the_size_limit_is_refused(tmp_path, small_limits):
    """Review 3: read_table read a CSV of any size whole into memory."""
    path = tmp_path / "people.csv"
    path.write_bytes(b"name,notes\n" + b"Ann,quiet\n" * (MIB // 10 + 10_000))
    assert refusal(path) == (
        "people.csv is 1.1 MB, and Rapport reads files up to 1 MB; split it into smaller "
        "files and import each in turn."
    )
    path.write_bytes(b"name,notes\n" + b"Ann,quiet\n" * (MIB // 10 - 10))
    assert len(read_table(path).rows) == MIB // 10 - 10  # just under the limit is read


@pytest.mark.parametrize(
    ("parts", "what", "size", "limit"),
    [
        ({"row": text("C3", "x" * (MIB + 1000))}, "sheet 'Sheet1'", "1.1 MB", "1 MB"),
        ({"styles": f"<!-- {'x' * MIB} -->"}, "its styles", "1.1 MB", "1 MB"),
        ({"padding": f"<!-- {'x' * MIB} -->"}, "its list of sheets", "1.1 MB", "1 MB"),
        (
            {"strings": ["x" * (MIB // 2)]},
            "the text of its cells (its shared strings)",
            "0.6 MB",
            "0.5 MB",
        ),
    ],
    ids=["sheet", "styles", "workbook", "shared-strings"],
)
def test_a_workbook_part_over_its_size_limit_is_refused(
    tmp_path, small_limits, parts, what, size, limit
):
    """Review 3: 79 KB of zip unpacked to a million rows, and 293 KB to 300 MB of shared
    text; each part's size as the zip declares it is now checked before it is read."""
    row = parts.pop("row", text("A3", "Bob"))
    path = one_sheet(tmp_path, row, **parts)
    assert path.stat().st_size < 20_000  # a few kilobytes of zip
    assert refusal(path) == (
        f"people.xlsx: {what} unpacks to {size}, and Rapport reads files up to {limit} "
        "unpacked; split the table into smaller workbooks and import each in turn."
    )


def test_another_sheet_over_the_size_limit_is_refused(tmp_path, small_limits):
    """Review 3: the other sheets are read for the note on their data, so they are bounded
    too."""
    sheet = f'<sheetData><row r="1">{text("A1", "name")}</row></sheetData>'
    huge = f'<sheetData><row r="1">{text("A1", "x" * MIB)}</row></sheetData>'
    path = package(tmp_path / "people.xlsx", [("Sheet1", sheet), ("Raw", huge)])
    assert refusal(path).startswith("people.xlsx: sheet 'Raw' unpacks to 1.1 MB, and Rapport")


@pytest.mark.parametrize(
    "rows",
    [
        "".join(f"<row>{text('A1', 'x')}</row>" for _ in range(6)),
        "".join(f'<row r="1">{text("A1", "x")}</row>' for _ in range(6)),
        f'<row r="1">{text("A1", "x")}</row><row r="6">{text("A6", "x")}</row>',
    ],
    ids=["six-unnumbered", "six-numbered-alike", "row-six"],
)
def test_a_sheet_with_more_rows_than_excel_has_is_refused(tmp_path, small_limits, rows):
    """Review 3: a sheet may claim more rows than Excel's (EXCEL_ROWS, five here), numbered
    or not, and each is kept in memory."""
    path = package(tmp_path / "people.xlsx", [("Sheet1", f"<sheetData>{rows}</sheetData>")])
    assert refusal(path) == (
        "people.xlsx, sheet 'Sheet1': the sheet has rows beyond row 5, the last an Excel sheet "
        "has, so the workbook is damaged or was not saved by Excel; open the workbook in Excel "
        "and save it, then try again."
    )


def test_a_row_beyond_excels_last_is_refused(tmp_path):
    row = f'<row r="1048577">{text("A1048577", "x")}</row>'
    path = package(
        tmp_path / "people.xlsx",
        [("Sheet1", f'<sheetData><row r="1">{text("A1", "name")}</row>{row}</sheetData>')],
    )
    assert "the sheet has rows beyond row 1,048,576" in refusal(path)


def strings_workbook(tmp_path: Path, count: int) -> Path:
    """A workbook of two rows whose shared text holds `count` strings."""
    sheet = (
        '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData>'
    )
    strings = ["name", *(f"Customer {n}" for n in range(count - 1))]
    return package(tmp_path / "people.xlsx", [("Sheet1", sheet)], strings=strings)


def test_reading_the_shared_text_reports_progress_and_can_be_cancelled(tmp_path):
    """Review 3: 300 MB of shared text was read with no progress and no way to cancel."""
    path = strings_workbook(tmp_path, 3000)
    heard: list[float] = []
    table = read_table(path, lambda _stage, fraction: heard.append(fraction))
    assert rows_of(table) == [(2, ("Customer 0",))]
    assert len(heard) >= 10  # a report every 256 strings; two rows of sheet report none
    assert heard == sorted(heard) and heard[-1] == 1.0
    cancelled_at = []

    def cancel(stage: str, fraction: float) -> None:
        cancelled_at.append(fraction)
        raise Cancelled

    with pytest.raises(Cancelled):
        read_table(path, cancel)
    assert cancelled_at[0] < 1  # while the shared text was read


def test_elements_read_for_nothing_are_not_kept(tmp_path):
    """Review 3: a sheet part within the limit can still hold millions of elements outside
    its rows, each of which was kept in memory to the end."""
    junk = "<x/>" * 300_000
    sheet = (
        f'<sheetData><row r="1">{text("A1", "name")}</row>{junk}'
        f'<row r="2">{text("A2", "Ann")}</row></sheetData>'
    )
    path = package(tmp_path / "people.xlsx", [("Sheet1", sheet)])
    tracemalloc.start()
    try:
        table = read_table(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows_of(table) == [(2, ("Ann",))]
    assert peak < 8 * MIB


def test_an_xlsx_sheet_past_the_zips_2_gib_mark_is_written(tmp_path, monkeypatch):
    """Review 6: the sheet went into the zip without ZIP64, so one over 2 GiB failed part-way
    with RuntimeError; here the zip's 2 GiB mark is moved down to 64 KiB."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 64 * 1024)
    path = tmp_path / "people.xlsx"
    assert write_table(path, ["name", "notes"], ([f"Row {n}", "x" * 50] for n in range(3000)))
    monkeypatch.undo()
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 64 * 1024
        assert archive.testzip() is None
    assert len(read_table(path).rows) == 3000
    assert load_workbook(path).worksheets[0]["A3001"].value == "Row 2999"


def test_the_sheet_of_an_export_is_marked_zip64(tmp_path):
    """Review 6: ZIP64 from the start, since the sheet's size is not known until its end."""
    path = tmp_path / "people.xlsx"
    write_table(path, ["name"], [["Ann"]])
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        archive.fp.seek(info.header_offset + 4)
        assert int.from_bytes(archive.fp.read(2), "little") == 45  # needs ZIP64 to extract
    assert load_workbook(path).worksheets[0]["A2"].value == "Ann"


def long_title(tmp_path: Path) -> Path:
    row = f'{text("A3", "Bob")}<c r="B3" t="e"><v>#N/A</v></c>'
    return one_sheet(tmp_path, row, title="T" * 300)


def long_error(tmp_path: Path) -> Path:
    return one_sheet(tmp_path, f'<c r="B3" t="e"><v>#{"x" * 300}</v></c>')


def long_formula(tmp_path: Path) -> Path:
    return one_sheet(tmp_path, f'<c r="B3"><f>{"x" * 300}</f></c>')


def long_reference(tmp_path: Path) -> Path:
    return one_sheet(tmp_path, f'<c r="{"X" * 300}3"><v>1</v></c>')


def long_garbled_word(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_bytes(f"name,notes\r\n{'Ж' * 300},Иван\r\n".encode("cp1251"))
    return path


@pytest.mark.parametrize(
    "build", [long_title, long_error, long_formula, long_reference, long_garbled_word]
)
def test_a_message_quoting_the_file_clips_what_it_quotes(tmp_path, build):
    """Review 9: a sheet title, a cell's text or a formula of any length went into the
    message whole."""
    message = refusal(build(tmp_path))
    assert "…" in message
    assert len(message) < 400, message
