"""Splitting a name given as one string into family and given names.

Only where the split is unambiguous:

- ``Lovelace, Ada`` (one comma): family before it, given after;
- ``Ada Lovelace``: given, then family;
- ``Ludwig van Beethoven``, ``Johannes van der Waals``: a particle (``van``,
  ``de``, ``von der`` …) stays with the family name;
- ``LOVELACE Ada``: a family name written in capitals comes first (the
  French and Indico habit).

Anything else (one word, more than two words, several commas, a script other
than Latin, where the order of names differs) is kept whole as the family
name with an empty given name, and the caller is told why, so that a person
can check it. Names are never re-spelt or re-cased: swapped or misspelt
names stay as the source gave them.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

PARTICLES = frozenset(
    "van von der den de del della dei degli di da das dos do du des la le ter ten zu zur "
    "af av bin ibn st. y".split()
)


@dataclass(frozen=True)
class SplitName:
    family: str
    given: str
    note: str | None = None  # why the name was kept whole, when it was


def split_name(text: str) -> SplitName | None:
    """The parts of a one-string name; None for an empty one."""
    name = " ".join(text.split())
    if not name:
        return None
    if not _latin(name):
        return SplitName(name, "", "not in Latin script: kept whole as the family name")
    if "," in name:
        parts = [p.strip() for p in name.split(",")]
        if len(parts) == 2 and parts[0] and parts[1]:
            return SplitName(parts[0], parts[1])
        return SplitName(name, "", "several commas: kept whole as the family name")
    words = name.split(" ")
    if len(words) == 1:
        return SplitName(name, "", "one word: kept as the family name")
    if len(words) == 2:
        first, second = words
        if _capitals(first) and not _capitals(second):
            return SplitName(first, second)  # LOVELACE Ada
        return SplitName(second, first)
    # Given name, one or more particles, then one family word: Ludwig van Beethoven.
    rest = words[1:]
    if all(w in PARTICLES for w in rest[:-1]) and rest[-1] not in PARTICLES:
        return SplitName(" ".join(rest), words[0])
    return SplitName(
        name, "", "more than two words: cannot tell the given name from the family name; "
        "kept whole as the family name"
    )


def _latin(name: str) -> bool:
    """True when every letter of the name is a Latin letter (with or without accents)."""
    return all(
        "LATIN" in unicodedata.name(ch, "") for ch in name if ch.isalpha()
    )


def _capitals(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)
