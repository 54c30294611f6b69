"""Files as Excel on Windows writes them, and the cells inside them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from desktop import cells
from desktop.tabular import read_table, write_table
from models.choices import CustomerKind
from models.errors import KnownError

HEADER = "name,email,notes\r\n"
ROWS = 'Zoë Łukasiewicz,zoe@example.org,"Likes ""quiet"" rooms, not the hall"\r\n'


@pytest.mark.parametrize(
    ("data", "description"),
    [
        ((HEADER + ROWS).encode("utf-8"), "CSV, UTF-8, separated by commas"),
        (b"\xef\xbb\xbf" + (HEADER + ROWS).encode("utf-8"), "UTF-8 with byte-order mark"),
        (
            (HEADER + ROWS).replace("Ł", "L").encode("cp1252"),  # no Ł in Windows-1252
            "CSV, Windows-1252, separated by commas",
        ),
        (
            (HEADER.replace(",", ";") + ROWS.replace(",z", ";z").replace("g,", "g;")).encode(
                "cp1252", "replace"
            ),
            "separated by semicolons",
        ),
    ],
    ids=["utf8", "utf8-bom", "cp1252", "cp1252-semicolons"],
)
def test_csv_variants_read_alike(tmp_path, data, description):
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    table = read_table(path)
    assert description in table.description
    assert table.headers == ("name", "email", "notes")
    (row,) = table.rows
    assert row.line == 2
    assert row.cells[0].startswith("Zoë")
    assert row.cells[1] == "zoe@example.org"
    assert row.cells[2] == 'Likes "quiet" rooms, not the hall'


def test_line_breaks_inside_quotes_and_blank_lines_keep_true_line_numbers(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text('name;notes\n\nAnn;"one\ntwo\nthree"\nBob;x\n', encoding="utf-8")
    table = read_table(path)
    assert [(row.line, row.cells) for row in table.rows] == [
        (3, ("Ann", "one\ntwo\nthree")),
        (6, ("Bob", "x")),
    ]


def test_xlsx_first_sheet_with_real_date_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Agreed on"])
    sheet.append(["Room bookings", datetime(2026, 10, 3, 0, 0)])
    sheet.append([None, None])
    sheet.append(["Post", date(2026, 1, 5)])
    book.create_sheet("Ignored").append(["x"])
    book.save(tmp_path / "services.xlsx")
    table = read_table(tmp_path / "services.xlsx")
    assert table.headers == ("Name", "Agreed on")
    assert [(row.line, row.cells) for row in table.rows] == [
        (2, ("Room bookings", datetime(2026, 10, 3))),
        (4, ("Post", datetime(2026, 1, 5))),
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("list.txt", b"a,b", "reads .csv and .xlsx files, not '.txt'"),
        ("empty.csv", b"\r\n\r\n", "is empty"),
        ("fake.xlsx", b"this is not a workbook", "cannot be read as an Excel workbook"),
        ("missing.csv", None, "no such file"),
    ],
)
def test_unreadable_files_get_clear_messages(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(KnownError, match=message):
        read_table(path)


def test_written_files_read_back(tmp_path):
    rows = [["Zoë", date(2026, 11, 25), datetime(2026, 11, 25, 14, 30), 4.0, 'a, "b"\nc']]
    for name in ("out.csv", "out.xlsx"):
        assert write_table(tmp_path / name, ["name", "day", "moment", "n", "text"], rows) == 1
        table = read_table(tmp_path / name)
        assert table.headers == ("name", "day", "moment", "n", "text")
        assert table.rows[0].cells[0] == "Zoë"
    csv_text = (tmp_path / "out.csv").read_bytes()
    assert csv_text.startswith(b"\xef\xbb\xbf")  # Excel needs the mark to show accents
    assert b"2026-11-25,2026-11-25 14:30,4," in csv_text
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-10-03", date(2026, 10, 3)),
        ("03/10/2026", date(2026, 10, 3)),
        ("3/10/2026", date(2026, 10, 3)),
        ("2026-10-03 14:30", date(2026, 10, 3)),
        (datetime(2026, 10, 3, 12), date(2026, 10, 3)),
        ("", None),
    ],
)
def test_dates_are_iso_or_day_first(raw, expected):
    assert cells.read_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-10-03 14:30", datetime(2026, 10, 3, 14, 30)),
        ("03/10/2026 14:30", datetime(2026, 10, 3, 14, 30)),
        ("03/10/2026", datetime(2026, 10, 3, 9, 0)),  # a date alone means 09:00
        ("2026-10-03T08:15:00", datetime(2026, 10, 3, 8, 15)),
        (date(2026, 10, 3), datetime(2026, 10, 3, 9, 0)),
    ],
)
def test_moments_default_to_nine_in_the_morning(raw, expected):
    assert cells.read_moment(raw) == expected


@pytest.mark.parametrize("raw", ["13/13/2026", "tomorrow", "2026-02-30"])
def test_a_bad_date_says_how_to_write_one(raw):
    with pytest.raises(ValueError, match="write 2026-10-03 or 03/10/2026"):
        cells.read_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        (1, True),
        ("no", False),
        ("n", False),
        ("false", False),
        ("0", False),
        ("", None),
    ],
)
def test_yes_no_words(raw, expected):
    assert cells.read_yes_no(raw) is expected


def test_other_cells():
    with pytest.raises(ValueError, match="'maybe' is not yes or no"):
        cells.read_yes_no("maybe")
    assert cells.read_number("95%") == 95.0
    assert cells.read_number("1,500") == 1500.0  # a comma groups thousands, as in Excel here
    with pytest.raises(ValueError, match="write decimals with a point"):
        cells.read_number("99,5")  # never silently 99.5 (nor 995)
    assert cells.read_number(cells.from_decimal_comma("99,5")) == 99.5  # a `;` file's decimal
    with pytest.raises(ValueError, match="'lots' is not a number"):
        cells.read_number("lots")
    assert cells.read_whole("7", 0, 10) == 7
    with pytest.raises(ValueError, match="from 1 to 7"):
        cells.read_whole("8", 1, 7)
    assert cells.read_choice("Shared Service", CustomerKind) is CustomerKind.SHARED_SERVICE
    assert cells.text(1632960001.0) == "1632960001"
