"""The programme at a glance, measured on the page: its columns and its groups."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from booklet.cli import main

UNSCHEDULED = """---
id: poster-1
title: Posterwords on minimal surfaces
speakers:
  - family: Doe
    given: Jane
---
A poster.
"""


def words(pdf: Path, page: int) -> list[tuple[str, float, float]]:
    """(word, left edge, top edge) of every word on a page, in points."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf),
                           "-"], capture_output=True, text=True, check=True).stdout  # fmt: skip
    return [(w, float(x), float(y)) for x, y, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', html)]


def first(found: list[tuple[str, float, float]], word: str) -> tuple[float, float]:
    return next((x, y) for w, x, y in found if w == word)


def test_unscheduled_and_session_less_talks_in_the_programme(
    content_copy: Path, tmp_path: Path
) -> None:
    """An unscheduled talk's title and page number stand in the columns of the others (an
    empty time once made its column collapse), and a talk outside sessions after a session
    is set apart from that session's talks."""
    (content_copy / "contributions" / "007.md").write_text(UNSCHEDULED, encoding="utf-8")
    talk = content_copy / "contributions" / "006.md"
    talk.write_text(talk.read_text("utf-8").replace("session: afternoon\n", ""), "utf-8")
    out = tmp_path / "out"
    assert main(["build", "--content", str(content_copy), "--out", str(out)]) == 0
    found = words(out / "booklet.pdf", 2)
    scheduled, unscheduled = first(found, "Three"), first(found, "Posterwords")
    assert abs(scheduled[0] - unscheduled[0]) < 0.5, (scheduled, unscheduled)
    pages = [(x, y) for w, x, y in found if w.isdigit() and len(w) == 1]
    right = max(x for x, _ in pages)
    poster_page = next(x for x, y in pages if abs(y - unscheduled[1]) < 3)
    assert abs(poster_page - right) < 0.5, (poster_page, right)
    # talk 6 (TBA) is further below talk 5 than talk 3 is below talk 2 (both follow a
    # title of one line and one speaker)
    two, three = first(found, "Synthetic")[1], first(found, "Approximation")[1]
    five, six = scheduled[1], first(found, "TBA")[1]
    assert six - five > (three - two) + 8, (two, three, five, six)
