"""Excel's own facts: a sheet's limits and how its cells are named (B3 is column 2, row 3),
and how large a workbook's parts Rapport unpacks."""

from __future__ import annotations

import re
from functools import lru_cache

from models.words import quoted

EXCEL_ROWS = 1_048_576  # a sheet's rows, the header's included
EXCEL_TEXT = 32_767  # characters in one cell
MOST_COLUMNS = 1_000  # far beyond any table Rapport reads; a wider header is a damaged file
CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")  # no sheet has a row of 8 digits
# A workbook is a zip, and a few kilobytes of it can unpack to gigabytes. Each part's size as
# the zip declares it is checked before the part is read (zipfile never unpacks beyond it):
# a sheet, the styles or the list of sheets may unpack to PART_BYTES, the shared text, held
# in memory whole, to STRINGS_BYTES. Both are far beyond any table Excel itself saves.
PART_BYTES = 512 * 2**20
STRINGS_BYTES = 256 * 2**20


def cell_parts(reference: str) -> tuple[str, int]:
    found = CELL.fullmatch(reference)
    if not found:
        raise ValueError(f"{quoted(reference, 20)} is not a cell")
    return found.group(1), int(found.group(2))


def cell_at(reference: str) -> tuple[int, int]:
    letters, row = cell_parts(reference)
    return column_number(letters), row


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


@lru_cache(maxsize=4096)
def column_letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
