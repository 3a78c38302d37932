"""``booklet import indico``: Indico's HTTP export at both detail levels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from import_helpers import DATA, by_id, load, run_import

CONTRIBUTIONS = DATA / "indico-contributions.json"
SESSIONS = DATA / "indico-sessions.json"


@pytest.fixture()
def contributions_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    content = tmp_path / "content"
    status, err = run_import(capsys, "indico", CONTRIBUTIONS, "--content", content)
    assert status == 0, err
    return content, err


def test_event_fields_come_from_the_export(contributions_import: tuple[Path, str]) -> None:
    content, _ = contributions_import
    event = load(content).event
    assert event.title == "Spring Workshop on Operator Algebras"
    assert event.timezone == "Europe/Paris"
    assert event.venue == "Institut Henri Poincaré"
    assert (str(event.start_date), str(event.end_date)) == ("2024-03-30", "2024-03-31")
    assert [(s.id, s.title) for s in event.sessions] == [("morning-talks", "Morning talks")]


def test_times_are_converted_from_the_exports_timezone_to_the_events(
    contributions_import: tuple[Path, str],
) -> None:
    """The export is in UTC; the event is in Paris, whose clocks go forward on 31 March."""
    talks = by_id(load(contributions_import[0]))
    assert talks["1"].start.isoformat() == "2024-03-30T09:00:00+01:00"  # 08:00 UTC
    assert talks["2"].start.isoformat() == "2024-03-31T01:30:00+01:00"  # 00:30 UTC, before
    assert talks["3"].start.isoformat() == "2024-03-31T03:30:00+02:00"  # 01:30 UTC, after
    assert talks["1"].duration == 45 and talks["1"].room == "Amphi Hermite"
    assert talks["1"].type == "Talk" and talks["1"].session == "morning-talks"


def test_unscheduled_contribution_is_kept_and_reported(
    contributions_import: tuple[Path, str],
) -> None:
    content, err = contributions_import
    poster = by_id(load(content))["4"]
    assert poster.start is None and poster.duration == 20 and poster.type == "Poster"
    assert "indico-contributions.json:9: warning: indico: 1 contribution(s) are not in the " \
        "timetable; imported without a start time (listed as unscheduled): 4" in err


def test_speakers_fall_back_to_primary_authors_and_names_are_kept_as_given(
    contributions_import: tuple[Path, str],
) -> None:
    content, err = contributions_import
    talks = by_id(load(content))
    ada = talks["1"].speakers[0]
    assert (ada.family, ada.given, ada.affiliation) == ("Lovelace", "Ada", "Analytical Society")
    swapped = talks["2"].speakers[0]  # first and last names swapped in Indico: kept so
    assert (swapped.family, swapped.given) == ("Ada", "Lovelace")
    waals = talks["3"].speakers[0]  # only a full name, "van der Waals, Johannes"
    assert (waals.family, waals.given) == ("van der Waals", "Johannes")
    assert [(s.family, s.given) for s in talks["4"].speakers] == [("Babbage", "Charles")]
    assert "their primary authors are written as speakers: 4" in err
    assert talks["5"].speakers == ()
    assert (
        "indico-contributions.json:131: warning: indico: contribution 5 'An abstract written "
        "in the rich-text editor': no speakers and no primary authors; written without speakers"
    ) in err


def test_descriptions_keep_their_mathematics_and_lose_windows_line_breaks(
    contributions_import: tuple[Path, str],
) -> None:
    content, _ = contributions_import
    text = (content / "contributions" / "1.md").read_bytes().decode()
    assert "\r" not in text
    assert "We bound the gap $\\lambda_1(A) \\geq c\\,n^{-2}$.\nThe proof is short.\n\n" in text
    assert "https://arxiv.org/abs/2403.00001" in text  # JSON's \/ read as /
    talks = by_id(load(content))
    assert talks["1"].title == "Spectral gaps of $C^*$-algebras"


def test_html_description_becomes_markdown_with_its_mathematics(
    contributions_import: tuple[Path, str],
) -> None:
    abstract = by_id(load(contributions_import[0]))["5"].abstract
    assert abstract == "We use **bold** claims and $\\alpha_i$.\n\nA figure: the figure"


def test_what_booklet_cannot_hold_is_reported_against_the_source(
    contributions_import: tuple[Path, str],
) -> None:
    _, err = contributions_import
    assert "indico-contributions.json:9: warning: indico: 1 of 5 contribution(s) have a track; " \
        "booklet has no tracks, so they are not imported" in err
    assert "booklet: import indico: 5 contributions read from" in err
    assert "booklet: checked 5 contributions: 0 errors" in err


def test_detail_sessions_makes_a_session_of_each_block(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    status, err = run_import(capsys, "indico", SESSIONS, "--content", content)
    assert status == 0, err
    programme = load(content)
    sessions = {s.id: s for s in programme.event.sessions}
    assert list(sessions) == ["s3-1", "s3-2", "s4"]
    assert (sessions["s3-1"].title, sessions["s3-1"].chair, sessions["s3-1"].room) == (
        "Geometry", "Henri Poincaré", "Amphi A")  # fmt: skip
    # The second block: its slot title, the session's conveners, its own room.
    assert (sessions["s3-2"].title, sessions["s3-2"].chair, sessions["s3-2"].room) == (
        "Geometry: Afternoon", "Élie Cartan", "Salle 2")  # fmt: skip
    talks = by_id(programme)
    assert talks["30"].session is None  # outside every session
    assert talks["31"].session == "s3-1" and talks["32"].session == "s3-2"
    assert talks["32"].start.isoformat() == "2024-06-14T14:00:00+02:00"  # 12:00 UTC in summer
    assert talks["31"].title == "Curvature and $\\mathcal{L}^2$ bounds"
    assert [s.family for s in talks["32"].speakers] == ["Cartan", "Weyl"]


def test_export_in_another_timezone_than_utc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An export asked for with tz=America/New_York: converted to the event's Paris time."""
    data = json.loads(CONTRIBUTIONS.read_text(encoding="utf-8"))
    talk = data["results"][0]["contributions"][0]
    talk["startDate"] = {"date": "2024-03-30", "time": "04:00:00", "tz": "America/New_York"}
    source = tmp_path / "ny.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    status, err = run_import(capsys, "indico", source, "--content", tmp_path / "content")
    assert status == 0, err
    assert by_id(load(tmp_path / "content"))["1"].start.isoformat() == "2024-03-30T09:00:00+01:00"


def test_time_in_the_hour_repeated_in_autumn_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(CONTRIBUTIONS.read_text(encoding="utf-8"))
    event = data["results"][0]
    event["startDate"]["date"], event["endDate"]["date"] = "2024-10-26", "2024-10-27"
    event["contributions"] = [event["contributions"][1]]
    # 01:30 UTC on 27 October is the second 02:30 in Paris.
    event["contributions"][0]["startDate"] = {"date": "2024-10-27", "time": "01:30:00", "tz": "UTC"}
    source = tmp_path / "autumn.json"
    source.write_text(json.dumps(data, indent=1), encoding="utf-8")
    status, err = run_import(capsys, "indico", source, "--content", tmp_path / "content")
    assert status == 0, err
    assert "starts at 02:30 on 2024-10-27 in the hour repeated when clocks go back " \
        "(Europe/Paris); booklet reads it as the first 02:30" in err


def test_not_an_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "x.json"
    source.write_text('{"count": 0,\n "results": [}', encoding="utf-8")
    status, err = run_import(capsys, "indico", source, "--content", tmp_path / "content")
    assert status == 1
    assert "x.json:2: error: not valid JSON: Expecting value (column 14)" in err
    assert not (tmp_path / "content").exists()
    source.write_text('{"count": 0, "results": []}', encoding="utf-8")
    status, err = run_import(capsys, "indico", source, "--content", tmp_path / "content")
    assert status == 1 and "x.json:1: error: indico: no event in this file" in err
    # JSON of another shape: nothing is written, rather than an event.yaml without a title
    source.write_text('{"results": [{"foo": 1}]}', encoding="utf-8")
    status, err = run_import(capsys, "indico", source, "--content", tmp_path / "content")
    assert status == 1 and "error: indico: the event has no title" in err
    source.write_text('{"results": [{"title": "X", "_type": "Conference"}]}', encoding="utf-8")
    status, err = run_import(capsys, "indico", source, "--content", tmp_path / "content")
    assert status == 1 and "error: indico: the export lists no contributions" in err
    assert not (tmp_path / "content").exists()


def test_html_keeps_both_notations_of_mathematics() -> None:
    """Indico shows \\(…\\) and $…$ alike (MathJax): both stay formulas; tags become Markdown."""
    from booklet.importers.html import html_to_markdown

    html = "<p>Let \\(x^2\\) and <em>$y$</em>; 3 &lt; 4.</p><p><span style='x'>Done</span></p>"
    assert html_to_markdown([html], math=True) == ["Let $x^2$ and *$y$*; 3 \\< 4.\n\nDone\n"]
    assert html_to_markdown([html], math=False) == [
        "Let \\\\(x\\^2\\\\) and *\\$y\\$*; 3 \\< 4.\n\nDone\n"
    ]


def test_a_contribution_without_ids_is_named_by_its_title(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = json.loads(CONTRIBUTIONS.read_text(encoding="utf-8"))
    poster = export["results"][0]["contributions"][3]  # unscheduled, authors but no speakers
    for key in ("id", "db_id", "friendly_id", "code"):
        poster.pop(key, None)
    source = tmp_path / "export.json"
    source.write_text(json.dumps(export), encoding="utf-8")
    _, err = run_import(capsys, "indico", source, "--content", tmp_path / "content")
    assert "None" not in err
    assert "(listed as unscheduled): 'A contribution not yet in the timetable'" in err
