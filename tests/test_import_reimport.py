"""Importing the same source again: local edits kept, the source's changes applied,
conflicts reported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from booklet.importers.merge import MISSING, merge3
from import_helpers import DATA, by_id, load, run_import


def indico_export() -> dict[str, Any]:
    return json.loads((DATA / "indico-contributions.json").read_text(encoding="utf-8"))


def contribution(data: dict[str, Any], friendly_id: int) -> dict[str, Any]:
    return next(c for c in data["results"][0]["contributions"] if c["friendly_id"] == friendly_id)


@pytest.fixture()
def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """(content, source): the Indico fixture imported once, from a file the test may change."""
    source = tmp_path / "export.json"
    source.write_text(json.dumps(indico_export(), indent=1), encoding="utf-8")
    content = tmp_path / "content"
    status, err = run_import(capsys, "indico", source, "--content", content)
    assert status == 0, err
    return content, source


def reimport(capsys: pytest.CaptureFixture[str], content: Path, source: Path,
             data: dict[str, Any] | None = None) -> tuple[int, str]:  # fmt: skip
    if data is not None:
        source.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return run_import(capsys, "indico", source, "--content", content)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_importing_again_changes_nothing(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, source = imported
    before = {p: p.stat().st_mtime_ns for p in (content / "contributions").iterdir()}
    status, err = reimport(capsys, content, source)
    assert status == 0, err
    assert "files were: 6 unchanged" in err
    assert {p: p.stat().st_mtime_ns for p in (content / "contributions").iterdir()} == before


def test_local_edit_is_kept_and_upstream_change_applied(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, source = imported
    one = content / "contributions" / "1.md"
    edit(one, "The proof is short.", "The proof is short and sweet.")
    edited = one.read_bytes()
    data = indico_export()
    contribution(data, 2)["title"] = "Before the clocks change (moved)"
    contribution(data, 2)["startDate"]["time"] = "00:40:00"
    status, err = reimport(capsys, content, source, data)
    assert status == 0, err
    assert "1 updated" in err and "1 with local edits kept" in err
    assert one.read_bytes() == edited  # byte for byte: not rewritten
    talks = by_id(load(content))
    assert talks["2"].title == "Before the clocks change (moved)"
    assert talks["2"].start.isoformat() == "2024-03-31T01:40:00+01:00"
    # Later: the source changes another field of the edited file: both are kept.
    contribution(data, 1)["title"] = "Spectral gaps, revisited"
    status, err = reimport(capsys, content, source, data)
    assert status == 0, err
    talks = by_id(load(content))
    assert talks["1"].title == "Spectral gaps, revisited"
    assert "The proof is short and sweet." in talks["1"].abstract


def test_conflict_keeps_yours_and_writes_theirs_beside(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, source = imported
    three = content / "contributions" / "3.md"
    edit(three, "title: After the clocks change", "title: After the clocks changed")
    data = indico_export()
    contribution(data, 3)["title"] = "After the change of the clocks"
    contribution(data, 3)["duration"] = 25
    status, err = reimport(capsys, content, source, data)
    assert status == 1
    assert f"{three}:3: error: indico: import conflict: 'title' was edited here and changed " \
        "in the source; kept yours, the source's version is in 3.md.upstream" in err
    assert "1 in conflict" in err
    talk = by_id(load(content))["3"]
    assert talk.title == "After the clocks changed"  # yours
    assert talk.duration == 25  # the source's change that does not conflict
    upstream = (content / "contributions" / "3.md.upstream").read_text(encoding="utf-8")
    assert "title: After the change of the clocks\n" in upstream
    # Imported again, unchanged: the conflict was reported once, yours stays.
    status, err = reimport(capsys, content, source)
    assert status == 0, err
    assert by_id(load(content))["3"].title == "After the clocks changed"


def test_withdrawn_contribution_is_removed_unless_edited(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, source = imported
    edit(content / "contributions" / "5.md", "bold", "strong")
    data = indico_export()
    event = data["results"][0]
    event["contributions"] = [c for c in event["contributions"] if c["friendly_id"] not in (4, 5)]
    status, err = reimport(capsys, content, source, data)
    assert status == 0, err
    assert not (content / "contributions" / "4.md").exists()
    assert (content / "contributions" / "5.md").exists()
    assert "5.md:1: warning: indico: no longer in the source, but edited here: kept" in err
    assert "1 removed" in err


def test_file_deleted_here_stays_deleted(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, source = imported
    (content / "contributions" / "4.md").unlink()
    status, err = reimport(capsys, content, source)
    assert status == 0, err
    assert not (content / "contributions" / "4.md").exists()


def test_event_yaml_edits_are_merged_by_field(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, source = imported
    (content / "event.yaml").write_text(
        (content / "event.yaml").read_text(encoding="utf-8") + "language: fr\npaper: a4\n",
        encoding="utf-8",
    )
    data = indico_export()
    data["results"][0]["title"] = "Spring Workshop on Operator Algebras 2024"
    status, err = reimport(capsys, content, source, data)
    assert status == 0, err
    event = load(content).event
    assert (event.title, event.language, event.paper) == (
        "Spring Workshop on Operator Algebras 2024", "fr", "a4")  # fmt: skip


def test_first_import_into_a_hand_written_event_yaml_keeps_its_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "event.yaml").write_text(
        "title: Operator Algebras\nlanguage: fr\ntimezone: Europe/Paris\n", encoding="utf-8"
    )
    status, err = run_import(capsys, "indico", DATA / "indico-contributions.json",
                             "--content", content)  # fmt: skip
    assert status == 0, err
    assert "event.yaml:1: warning: indico: kept this 'title' (the source says 'Spring " \
        "Workshop on Operator Algebras')" in err
    event = load(content).event
    assert (event.title, event.language, event.venue) == (
        "Operator Algebras", "fr", "Institut Henri Poincaré")  # fmt: skip


def test_timezone_set_by_hand_decides_the_times(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, source = imported
    edit(content / "event.yaml", "timezone: Europe/Paris", "timezone: Europe/London")
    status, err = reimport(capsys, content, source)
    assert status == 0, err
    programme = load(content)
    assert programme.event.timezone == "Europe/London"
    assert by_id(programme)["1"].start.isoformat() == "2024-03-30T08:00:00+00:00"


def test_dry_run_writes_nothing(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, source = imported
    data = indico_export()
    contribution(data, 2)["title"] = "Renamed"
    source.write_text(json.dumps(data), encoding="utf-8")
    before = {p: p.read_bytes() for p in content.rglob("*") if p.is_file()}
    status, err = run_import(capsys, "indico", source, "--content", content, "--dry-run")
    assert status == 0, err
    assert "booklet: updated: " in err and "contributions/2.md" in err
    assert "files would be: 1 updated, 5 unchanged" in err
    assert {p: p.read_bytes() for p in content.rglob("*") if p.is_file()} == before


def test_id_imported_from_another_source_is_not_overwritten(
    imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    content, _ = imported
    sheet = content.parent / "extra.csv"
    sheet.write_text("id,title,name\n1,A poster,Grace Hopper\n2b,Another,Alan Turing\n")
    before = (content / "contributions" / "1.md").read_bytes()
    status, err = run_import(capsys, "csv", sheet, "--content", content)
    assert status == 1
    assert "1.md:1: error: csv: not written: this file was imported from indico" in err
    assert (content / "contributions" / "1.md").read_bytes() == before
    assert (content / "contributions" / "2b.md").exists()


@pytest.mark.parametrize(("base", "local", "upstream", "merged", "conflicts"), [
    ({"a": "1"}, {"a": "1"}, {"a": "2"}, {"a": "2"}, []),
    ({"a": "1"}, {"a": "2"}, {"a": "1"}, {"a": "2"}, []),
    ({"a": "1"}, {"a": "2"}, {"a": "2"}, {"a": "2"}, []),
    ({"a": "1"}, {"a": "2"}, {"a": "3"}, {"a": "2"}, [("a",)]),
    ({"a": "1", "b": "1"}, {"a": "2", "b": "1"}, {"a": "1", "b": "3"}, {"a": "2", "b": "3"}, []),
    ({"a": "1"}, {"a": "1", "mine": "x"}, {"a": "1", "new": "y"},
     {"a": "1", "new": "y", "mine": "x"}, []),
    ({"a": "1", "b": "1"}, {"a": "1"}, {"a": "1", "b": "1"}, {"a": "1"}, []),  # removed here
    (MISSING, {"a": "1"}, {"a": "2"}, {"a": "1"}, [("a",)]),  # never imported: no base
    ({"s": [{"id": "x", "t": "1"}]}, {"s": [{"id": "x", "t": "2"}]},
     {"s": [{"id": "x", "t": "1"}, {"id": "y", "t": "1"}]},
     {"s": [{"id": "x", "t": "2"}, {"id": "y", "t": "1"}]}, []),  # lists of sessions, by id
])  # fmt: skip
def test_merge3(
    base: Any, local: Any, upstream: Any, merged: Any, conflicts: list[tuple[str, ...]]
) -> None:
    result = merge3(base, local, upstream)
    assert result.value == merged and result.conflicts == conflicts
