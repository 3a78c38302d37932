"""Names given as one string: split only where the split is unambiguous."""

from __future__ import annotations

import pytest

from booklet.importers.csv_import import split_people
from booklet.importers.names import split_name


@pytest.mark.parametrize(("name", "family", "given"), [
    ("Ada Lovelace", "Lovelace", "Ada"),
    ("Lovelace, Ada", "Lovelace", "Ada"),
    ("  Lovelace ,  Ada  ", "Lovelace", "Ada"),
    ("Ludwig van Beethoven", "van Beethoven", "Ludwig"),
    ("Johannes van der Waals", "van der Waals", "Johannes"),
    ("Charles de Gaulle", "de Gaulle", "Charles"),
    ("van der Waals, Johannes", "van der Waals", "Johannes"),
    ("LOVELACE Ada", "LOVELACE", "Ada"),
    ("Jean-Pierre Serre", "Serre", "Jean-Pierre"),
    ("Émile Borel", "Borel", "Émile"),
    ("A. Lovelace", "Lovelace", "A."),
    ("Lovelace Ada", "Ada", "Lovelace"),  # swapped: kept as given, never "corrected"
])  # fmt: skip
def test_unambiguous_names_are_split(name: str, family: str, given: str) -> None:
    split = split_name(name)
    assert split is not None
    assert (split.family, split.given, split.note) == (family, given, None)


@pytest.mark.parametrize(("name", "note"), [
    ("Madonna", "one word"),
    ("Jean Pierre Serre", "more than two words"),
    ("Gabriel García Márquez", "more than two words"),
    ("Hopper, Grace, Rear Admiral", "several commas"),
    ("孫中山", "not in Latin script"),
    ("Андрей Колмогоров", "not in Latin script"),
    ("Ἀριστοτέλης", "not in Latin script"),
])  # fmt: skip
def test_ambiguous_names_are_kept_whole_with_a_note(name: str, note: str) -> None:
    split = split_name(name)
    assert split is not None
    assert (split.family, split.given) == (name, "")
    assert split.note is not None and split.note.startswith(note)


def test_empty_name() -> None:
    assert split_name("   ") is None


@pytest.mark.parametrize(("text", "people"), [
    ("Ada Lovelace; Charles Babbage", ["Ada Lovelace", "Charles Babbage"]),
    ("Ada Lovelace and Charles Babbage", ["Ada Lovelace", "Charles Babbage"]),
    ("Ada Lovelace, Charles Babbage", ["Ada Lovelace", "Charles Babbage"]),
    ("Lovelace, Ada", ["Lovelace, Ada"]),  # one name, family first
    ("Ada Lovelace (Analytical Society), Charles Babbage (Trinity)",
     ["Ada Lovelace (Analytical Society)", "Charles Babbage (Trinity)"]),
    ("", []),
])  # fmt: skip
def test_co_speakers_cell(text: str, people: list[str]) -> None:
    assert split_people(text) == people
