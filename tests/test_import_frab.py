"""``booklet import frab``: frab's and pretalx's schedule.json and schedule.xml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from booklet.diagnostics import Diagnostics
from booklet.load import load_programme
from import_helpers import DATA, by_id, load, run_import

JSON = DATA / "frab-schedule.json"
XML = DATA / "frab-schedule.xml"


@pytest.fixture()
def json_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    content = tmp_path / "content"
    status, err = run_import(capsys, "frab", JSON, "--content", content)
    assert status == 0, err
    return content, err


def test_schedule_json(json_import: tuple[Path, str]) -> None:
    content, _ = json_import
    programme = load(content)
    assert programme.event.title == "Hackfest 2024" and programme.event.timezone == "Europe/Berlin"
    talks = by_id(programme)
    assert sorted(talks) == ["101", "102", "103", "104"]
    assert talks["101"].start.isoformat() == "2024-10-26T10:00:00+02:00"
    assert talks["104"].start.isoformat() == "2024-10-27T09:30:00+01:00"  # winter time
    assert (talks["102"].duration, talks["102"].type, talks["102"].room) == (90, "Workshop",
                                                                            "Saal 1")  # fmt: skip
    assert talks["101"].language == "en"


def test_rooms_of_a_day_become_sessions(json_import: tuple[Path, str]) -> None:
    programme = load(json_import[0])
    assert [(s.id, s.title, s.room) for s in programme.event.sessions] == [
        ("2024-10-26-saal-1", "Saal 1", "Saal 1"),
        ("2024-10-26-werkstatt", "Werkstatt", "Werkstatt"),
        ("2024-10-27-saal-1", "Saal 1", "Saal 1"),
    ]
    assert by_id(programme)["103"].session == "2024-10-26-werkstatt"


def test_dollars_are_money_not_mathematics(json_import: tuple[Path, str]) -> None:
    content, _ = json_import
    talks = by_id(load(content))
    assert talks["101"].title == "Hacking a \\$12 phone: and a \\$5 case"  # subtitle appended
    assert talks["101"].abstract == (
        "We bought a \\$12 phone and a \\$5 case.\n\n"
        "The phone cost **\\$12**; the *case* \\$5. No mathematics here."
    )
    assert talks["103"].abstract == "Irons are provided.\nKits cost \\$8 each."


def test_html_abstract_becomes_markdown_without_scripts_or_images(
    json_import: tuple[Path, str],
) -> None:
    abstract = by_id(load(json_import[0]))["102"].abstract
    assert abstract == "Bring a **laptop** and \\$20.\n\n- one\n- two\n\na diagram"


def test_one_string_names(json_import: tuple[Path, str]) -> None:
    content, err = json_import
    talks = by_id(load(content))
    names = [[(s.family, s.given) for s in talks[i].speakers] for i in ("101", "102", "103")]
    assert names == [
        [("Hopper", "Grace"), ("Lovelace", "Ada")],
        [("Madonna", ""), ("Hopper, Grace, Rear Admiral", "")],
        [("van Beethoven", "Ludwig")],
    ]
    assert [(s.family, s.given) for s in talks["104"].speakers] == [("Jean Pierre Serre", "")]
    assert "frab-schedule.json:54: warning: frab: event 102 'HTML abstracts': speaker " \
        "'Madonna': one word: kept as the family name" in err
    assert "frab-schedule.json:115: warning: frab: event 104 'Talk on the first morning of " \
        "winter time': speaker 'Jean Pierre Serre': more than two words" in err
    assert "event 102 'HTML abstracts': language 'de' is not one booklet typesets (fr, en); " \
        "written without a language" in err


def test_schedule_xml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = tmp_path / "content"
    status, err = run_import(capsys, "frab", XML, "--content", content)
    # The Chinese name is imported whole, and booklet check says the fonts cannot print it.
    assert status == 1
    assert "frab-schedule.xml:45: warning: frab: event 103 'Soldering for beginners': speaker " \
        "'孫中山': not in Latin script: kept whole as the family name" in err
    assert "contributions/103.md:11: error: speaker 1 family: the character '孫'" in err
    diags = Diagnostics()
    programme = load_programme(content, diags)
    talks = by_id(programme)
    assert sorted(talks) == ["101", "103", "104"]
    assert talks["101"].title == "Hacking a \\$12 phone: and a \\$5 case"
    # An HTML description, escaped in the XML.
    assert talks["101"].abstract.endswith("The phone cost **\\$12** & the case \\$5.")
    assert talks["103"].speakers[0].family == "孫中山"
    assert talks["104"].start.isoformat() == "2024-10-27T09:30:00+01:00"
    assert [s.id for s in programme.event.sessions] == [
        "2024-10-26-saal-1", "2024-10-26-werkstatt", "2024-10-27-saal-1"]  # fmt: skip


@pytest.mark.parametrize(("mode", "sessions"), [
    ("track", [("hardware", "Hardware"), ("web", "Web")]),
    ("none", []),
])  # fmt: skip
def test_other_session_modes(
    mode: str, sessions: list[tuple[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    status, err = run_import(capsys, "frab", JSON, "--content", content, "--sessions", mode)
    assert status == 0, err
    programme = load(content)
    assert [(s.id, s.title) for s in programme.event.sessions] == sessions
    assert by_id(programme)["104"].session is None  # no track


def test_dollars_as_mathematics_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(JSON.read_text(encoding="utf-8"))
    talk = data["schedule"]["conference"]["days"][0]["rooms"]["Saal 1"][0]
    talk["title"], talk["subtitle"], talk["abstract"] = "On $x^2$", "", "Let $y = x^2$."
    talk["description"] = ""
    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    status, err = run_import(capsys, "frab", source, "--content", tmp_path / "c", "--dollars",
                             "math")  # fmt: skip
    assert status == 0, err
    talk = by_id(load(tmp_path / "c"))["101"]
    assert (talk.title, talk.abstract) == ("On $x^2$", "Let $y = x^2$.")


def test_schedule_without_timezone_uses_the_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Times without an offset are the event's local times, in event.yaml's timezone."""
    data = json.loads(JSON.read_text(encoding="utf-8"))
    del data["schedule"]["conference"]["time_zone_name"]
    for day in data["schedule"]["conference"]["days"]:
        for events in day["rooms"].values():
            for event in events:
                event["date"] = day["date"]  # a date without a time: start says when
    source = tmp_path / "schedule.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    content = tmp_path / "content"
    content.mkdir()
    (content / "event.yaml").write_text("title: Hackfest\ntimezone: America/Chicago\n")
    status, err = run_import(capsys, "frab", source, "--content", content)
    assert status == 0, err
    assert "the conference has no known time_zone_name" in err
    programme = load(content)
    assert programme.event.timezone == "America/Chicago"
    assert by_id(programme)["101"].start.isoformat() == "2024-10-26T10:00:00-05:00"


def test_xml_entities_are_not_expanded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    source = tmp_path / "schedule.xml"
    source.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE schedule [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        "<schedule><conference><title>T &x;</title><time_zone_name>UTC</time_zone_name>"
        "</conference><day date='2024-01-01'><room name='R'><event id='1'>"
        "<date>2024-01-01T10:00:00+00:00</date><start>10:00</start><duration>00:30</duration>"
        "<title>Talk &x;</title><abstract>&x;</abstract><persons><person>A B</person></persons>"
        "</event></room></day></schedule>",
        encoding="utf-8",
    )
    content = tmp_path / "content"
    run_import(capsys, "frab", source, "--content", content)
    written = "".join(p.read_text() for p in content.rglob("*") if p.is_file())
    assert "TOP-SECRET-VALUE" not in written


def test_not_a_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "schedule.xml"
    source.write_text("<schedule><conference>", encoding="utf-8")
    status, err = run_import(capsys, "frab", source, "--content", tmp_path / "c")
    assert status == 1 and "schedule.xml:1: error: not valid XML:" in err
    source = tmp_path / "schedule.json"
    source.write_text('{"version": "1"}', encoding="utf-8")
    status, err = run_import(capsys, "frab", source, "--content", tmp_path / "c")
    assert status == 1 and "schedule.json:1: error: frab: no 'schedule' in this file" in err
    # well-formed, but no conference: nothing is written (an event.yaml without a title
    # would be, and a re-import would remove the title of an existing one)
    source = tmp_path / "other.xml"
    source.write_text("<schedule><foo/></schedule>", encoding="utf-8")
    status, err = run_import(capsys, "frab", source, "--content", tmp_path / "c")
    assert status == 1 and "error: frab: the schedule's conference has no title" in err
    assert not (tmp_path / "c").exists()
