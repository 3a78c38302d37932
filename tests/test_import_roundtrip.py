"""``booklet build frab`` then ``booklet import frab``: the same programme comes back.

What frab cannot carry is not compared: affiliations (frab has none), session ids and
chairs (frab's tracks carry the sessions' titles only), rooms (the exporter names one for
talks without). Abstracts go out as plain text (emphasis marks dropped, quotes made
typographic): they are compared as words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from booklet.cli import main
from booklet.model import Programme
from import_helpers import CONTENT, load


@pytest.fixture(scope="module")
def schedule(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("roundtrip") / "build"
    assert main(["build", "frab", "--content", str(CONTENT), "--out", str(out)]) == 0
    return out


def words(text: str) -> str:
    plain = text.replace("*", "").translate(str.maketrans("“”’", "\"\"'")).replace("''", "'")
    return " ".join(plain.split())


def essentials(programme: Programme) -> list[tuple[object, ...]]:
    sessions = {s.id: s.title for s in programme.event.sessions}
    return [
        (c.id, c.title, c.start, c.duration, sessions.get(c.session or ""), c.language, c.type,
         [s.name for s in c.speakers], words(c.abstract))
        for c in programme.contributions
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["schedule.json", "schedule.xml"])
def test_frab_round_trip(name: str, schedule: Path, tmp_path: Path) -> None:
    content = tmp_path / "content"
    assert main(["import", "frab", str(schedule / name), "--content", str(content)]) == 0
    original, imported = load(CONTENT), load(content)
    assert imported.event.title == original.event.title
    assert imported.event.timezone == original.event.timezone
    assert essentials(imported) == essentials(original)
