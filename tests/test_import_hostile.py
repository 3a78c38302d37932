"""Hostile sources: nothing they hold can add fields, escape the content folder or crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from booklet.importers.writer import normalise, read_record, render
from import_helpers import DATA, load, run_import

YAML_BREAKERS = [
    "Logics: a survey",
    "# not a comment",
    "---",
    "...",
    "- a list?",
    "key: value\ninjected: true",
    "title: x\n---\nbody",
    "*alias",
    "&anchor x",
    "[1, 2]",
    "{a: b}",
    "!!python/object:os.system 'ls'",
    "'quoted' \"twice\"",
    "ends with a colon:",
    "tab\there",
    "null",
    "~",
    "09:30",
    "@at and `tick`",
    "% percent",
    "| pipe",
    "> folded",
    "\\$ and \\\\",
]


def record(title: str, body: str = "Abstract.") -> dict:
    front = normalise({"id": "7", "title": title, "speakers": [{"family": title, "given": "A"}]})
    return {"front": front, "body": body}


@pytest.mark.parametrize("title", YAML_BREAKERS)
def test_yaml_breaking_titles_stay_one_value(title: str, tmp_path: Path) -> None:
    path = tmp_path / "7.md"
    rec = record(title)
    path.write_text(render(rec), encoding="utf-8")
    assert read_record(path, "contribution")[0] == rec


text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60).map(str.strip)


@settings(max_examples=150, deadline=None)
@given(title=text.filter(bool), given_name=text, body=text)
def test_written_records_read_back_exactly(
    title: str, given_name: str, body: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import unicodedata

    title = unicodedata.normalize("NFC", " ".join(title.split()))
    if not title:
        return
    body = unicodedata.normalize("NFC", body).strip("\n")
    given_name = unicodedata.normalize("NFC", given_name)  # as the importers write it
    rec = {"front": normalise({"id": "1", "title": title,
                               "speakers": [{"family": "X", "given": given_name}]}),
           "body": body}  # fmt: skip
    path = tmp_path_factory.mktemp("w") / "1.md"
    path.write_text(render(rec), encoding="utf-8")
    assert read_record(path, "contribution")[0] == rec


def hostile_export() -> dict:
    data = json.loads((DATA / "indico-contributions.json").read_text(encoding="utf-8"))
    event = data["results"][0]
    first = event["contributions"][0]
    first["title"] = "Evil: title\n---\ninjected: yes # comment"
    first["friendly_id"] = "../../escape"
    first["id"] = "../../escape"
    first["code"] = "../etc"
    del first["db_id"]  # else its database id would be used: safe, and stable
    second = event["contributions"][1]
    second["friendly_id"] = "con"  # a device name on Windows
    second["id"] = "con"
    del second["db_id"]
    third = event["contributions"][2]
    third["friendly_id"] = "x" * 500
    third["id"] = None
    del third["db_id"]
    third["title"] = "Long " * 20_000
    third["description"] = "word " * 20_000
    third["speakers"][0]["fullName"] = "Name\u0000With\u0007Controls"
    fifth = event["contributions"][4]
    fifth["friendly_id"] = "ESCAPE"
    fifth["id"] = "ESCAPE"
    del fifth["db_id"]
    event["contributions"].append({"title": 12, "speakers": "not a list", "startDate": "x"})
    event["contributions"].append("not a contribution")
    return data


def test_hostile_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "evil.json"
    source.write_text(json.dumps(hostile_export(), indent=1), encoding="utf-8")
    content = tmp_path / "box" / "content"
    status, err = run_import(capsys, "indico", source, "--content", content)
    assert "Traceback" not in err
    assert status == 1  # the long abstract is too long for booklet check
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert all(str(p).startswith("box/content/") for p in written - {Path("evil.json")})
    names = sorted(p.name for p in (content / "contributions").iterdir())
    assert names == ["4.md", "ESCAPE-2.md", "c6.md", "con_.md", "escape.md", "x" * 64 + ".md"]
    assert "evil.json:38: warning: indico: contribution ../../escape 'Evil: title --- " \
        "injected: yes # comment': id '../../escape' is not usable as a file name; written " \
        "as 'escape'" in err
    assert "evil.json:192: warning: indico: contribution ESCAPE 'An abstract written in the " \
        "rich-text editor': id 'ESCAPE' is used twice (or differs only in case); this one is " \
        "written as 'ESCAPE-2'" in err
    assert "the title is 99999 characters long" in err
    programme_errors = [line for line in err.splitlines() if ": error: " in line]
    assert all("more than the 600 allowed" in line for line in programme_errors), err
    talk = next(c for c in by_id_loose(content) if c["front"].get("id") == "escape")
    assert talk["front"]["title"] == "Evil: title --- injected: yes # comment"
    assert set(talk["front"]) == {"id", "title", "type", "start", "duration", "session", "room",
                                  "speakers"}  # nothing injected  # fmt: skip


def by_id_loose(content: Path) -> list[dict]:
    return [read_record(p, "contribution")[0] for p in (content / "contributions").glob("*.md")]


def test_hostile_state_file_cannot_delete_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = tmp_path / "victim.md"
    victim.write_text("keep me")
    content = tmp_path / "content"
    content.mkdir()
    state = {"version": 1, "imports": {"indico": {"files": {
        "../victim.md": {"front": {}, "body": "keep me"},
        "contributions/../../victim.md": {"front": {}, "body": "keep me"},
    }}}}  # fmt: skip
    (content / ".import-state.json").write_text(json.dumps(state))
    status, err = run_import(capsys, "indico", DATA / "indico-sessions.json", "--content", content)
    assert status == 0, err
    assert victim.read_text() == "keep me"
    assert len(load(content).contributions) == 4


@pytest.mark.parametrize("payload", ["[" * 100_000, "\u0000\u0001", "", "null", "[1, 2]"])
def test_garbage_is_reported_not_raised(
    payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "x.json"
    source.write_text(payload, encoding="utf-8")
    for fmt in ("indico", "frab", "csv"):
        status, err = run_import(capsys, fmt, source, "--content", tmp_path / fmt)
        assert "Traceback" not in err
        assert status == 1, (fmt, err)
