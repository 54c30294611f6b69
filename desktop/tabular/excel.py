"""Excel's own facts: a sheet's limits and how its cells are named (B3 is column 2, row 3)."""

from __future__ import annotations

import re
from functools import lru_cache

EXCEL_ROWS = 1_048_576  # a sheet's rows, the header's included
EXCEL_TEXT = 32_767  # characters in one cell
MOST_COLUMNS = 1_000  # far beyond any table Rapport reads; a wider header is a damaged file
CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")


def cell_parts(reference: str) -> tuple[str, int]:
    found = CELL.fullmatch(reference)
    if not found:
        raise ValueError(f"'{reference}' is not a cell")
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
