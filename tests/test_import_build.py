"""An imported programme builds: ``booklet import`` then ``booklet build booklet``."""

from __future__ import annotations

from pathlib import Path

import pytest

from booklet.cli import main
from import_helpers import DATA
from pdfread import pdftotext


@pytest.fixture(scope="module")
def frab_booklet(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The text of the booklet built from the frab schedule."""
    root = tmp_path_factory.mktemp("frab-build")
    content, out = root / "content", root / "build"
    source = DATA / "frab-schedule.json"
    assert main(["import", "frab", str(source), "--content", str(content)]) == 0
    assert main(["build", "booklet", "--content", str(content), "--out", str(out)]) == 0
    return " ".join(pdftotext(out / "booklet.pdf").split())


def test_dollars_print_as_written(frab_booklet: str) -> None:
    assert "Hacking a $12 phone: and a $5 case" in frab_booklet
    assert "We bought a $12 phone and a $5 case." in frab_booklet
    assert "The phone cost $12; the case $5. No mathematics here." in frab_booklet
    assert "Bring a laptop and $20." in frab_booklet


def test_imported_speakers_times_and_rooms_are_printed(frab_booklet: str) -> None:
    assert "Ludwig van Beethoven" in frab_booklet
    assert "Saturday, 26 October 2024, 10:00–10:45 (45 min)" in frab_booklet
    assert "Sunday, 27 October 2024, 09:30–10:00" in frab_booklet
    assert "a diagram" in frab_booklet and "alert" not in frab_booklet


def test_indico_mathematics_survives_the_import(tmp_path: Path) -> None:
    """booklet check (as run by import) accepts the formulas; the booklet prints them."""
    content, out = tmp_path / "content", tmp_path / "build"
    assert main(["import", "indico", str(DATA / "indico-sessions.json"),
                 "--content", str(content)]) == 0  # fmt: skip
    assert main(["build", "booklet", "--content", str(content), "--out", str(out)]) == 0
    text = " ".join(pdftotext(out / "booklet.pdf").split())
    assert "Journées de géométrie" in text
    assert "Curvature and L2 bounds" in text and "Holonomy of ∇." in text
    assert "Geometry: Afternoon" in text and "Élie Cartan" in text
