"""Sorting names as readers expect: accents do not move a name out of its letter.

``Émile`` sorts with the E's, ``Ørsted`` with the O's, case is ignored, and
only when two names are otherwise equal do accents decide (unaccented
first), which is the order of French and English dictionaries. No ICU is
needed for that: decompose (NFKD), drop the combining marks, fold the case.
"""

from __future__ import annotations

import unicodedata

# Letters that do not decompose into a base letter and a mark.
SPECIAL_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ß": "ss", "æ": "ae",
     "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ı": "i"}
)  # fmt: skip


def base_letters(text: str) -> str:
    """``Édouard`` -> ``edouard``: the letters with accents and case removed."""
    decomposed = unicodedata.normalize("NFKD", text.translate(SPECIAL_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def sort_key(text: str) -> tuple[str, str, str]:
    """Primary: base letters, ignoring punctuation and spaces; then accents; then case."""
    primary = "".join(ch for ch in base_letters(text) if ch.isalnum())
    return (primary, unicodedata.normalize("NFD", text).casefold(), text)


def initial(text: str) -> str:
    """The index letter a name files under: ``Édouard`` -> ``E``."""
    letters = [ch for ch in base_letters(text) if ch.isalpha()]
    return letters[0].upper() if letters else "#"
