"""Round trip: build frab → import frab → the same programme.

Titles, speakers, start times, durations and rooms survive, through
schedule.xml and through schedule.json alike. Ids come back as frab's
integers (a numeric id is unchanged). Affiliations do not: frab's persons
have none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from booklet.cli import main
from booklet.diagnostics import Diagnostics
from booklet.load import load_programme
from booklet.model import Contribution, Programme
from booklet.products.timetable import integer_ids
from exportdata import SCHEDULED, make_export_content

pytest.importorskip("booklet.importers.frab")


def room(programme: Programme, c: Contribution) -> str | None:
    session = programme.event.session(c.session)
    return c.room or (session.room if session else None)


def summary(programme: Programme, c: Contribution) -> tuple[object, ...]:
    return (c.title, [s.name for s in c.speakers], c.start, c.duration, room(programme, c))


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> tuple[Programme, Path]:
    root = tmp_path_factory.mktemp("roundtrip")
    content = make_export_content(root / "content")
    out = root / "build"
    assert main(["build", "frab", "--content", str(content), "--out", str(out)]) == 0
    programme = load_programme(content, Diagnostics())
    assert programme is not None
    return programme, out


@pytest.mark.parametrize("name", ["schedule.xml", "schedule.json"])
def test_build_frab_then_import_frab_gives_the_same_programme(
    original: tuple[Programme, Path], tmp_path: Path, name: str
) -> None:
    programme, out = original
    content = tmp_path / "imported"
    status = main(["import", "frab", str(out / name), "--content", str(content),
                   "--dollars", "math"])  # fmt: skip
    assert status == 0
    diags = Diagnostics()
    imported = load_programme(content, diags)
    assert imported is not None and not diags.has_errors, [str(d) for d in diags]
    numbers = integer_ids([c.id for c in programme.contributions])
    back = {c.id: c for c in imported.contributions}
    assert sorted(back) == sorted(str(numbers[cid]) for cid in SCHEDULED)
    for c in programme.contributions:
        if c.id not in SCHEDULED:
            continue  # unscheduled talks are not in a schedule
        again = back[str(numbers[c.id])]
        assert summary(imported, again) == summary(programme, c), c.id
    assert back["3"].title == next(c.title for c in programme.contributions if c.id == "3")
