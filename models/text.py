"""Text as people compare it: accents and case set aside, so Łukasz sorts among the Ls."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

# Letters that do not decompose into a base letter and an accent.
_BASE_LETTERS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "œ": "oe", "æ": "ae", "ß": "ss", "þ": "th"}
)

FOLDED = "FOLDED"  # the SQLite collation that orders by `fold`


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """`text` without case or accents: 'Zoë Łukasiewicz' -> 'zoe lukasiewicz'."""
    lowered = text.casefold().translate(_BASE_LETTERS)
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folded_collation(left: str, right: str) -> int:
    """SQLite collation: compare folded text, then the text itself so the order is total."""
    a, b = (fold(left), left), (fold(right), right)
    return (a > b) - (a < b)
