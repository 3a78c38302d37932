"""``booklet build ics``: the calendar, read back with the icalendar library."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from booklet.cli import main
from exportdata import ALL_IDS, EVENT_SLUG, SCHEDULED, UNSCHEDULED, end, make_export_content

EPOCH = 1716000000  # 2024-05-18 02:40:00 UTC
TITLE = r"Tropical polyhedra $P(\mathcal{L})$ and the $(\min, +)$ semiring"  # as written


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, OUT) of ``booklet build ics`` of the export test event."""
    root = tmp_path_factory.mktemp("ics")
    content = make_export_content(root / "content")
    out = root / "build"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        assert main(["build", "ics", "--content", str(content), "--out", str(out)]) == 0
    return content, out


def read(out: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((out / "programme.ics").read_bytes())


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_one_event_per_scheduled_contribution_at_its_time(built: tuple[Path, Path]) -> None:
    cal = read(built[1])
    found = events(cal)
    assert sorted(found) == sorted(SCHEDULED)
    for cid, (start, _, _) in SCHEDULED.items():
        event = found[cid]
        assert event.start == start
        assert event.end == end(cid)
        assert event.start.utcoffset() == start.utcoffset()
        # written as local time of the event's zone, not converted to UTC
        assert event["dtstart"].params["TZID"] == "Europe/Paris"
        assert str(event["uid"]) == f"{cid}@{EVENT_SLUG}"


def test_unscheduled_contributions_are_left_out_and_named(
    built: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not set(UNSCHEDULED) & set(events(read(built[1])))
    assert main(["build", "ics", "--content", str(built[0]), "--out", str(tmp_path / "o")]) == 0
    err = capsys.readouterr().err
    assert "booklet: ics: 1 contribution(s) without a start time left out of programme.ics: " \
        "poster-1" in err  # fmt: skip


def test_the_calendar_carries_its_timezone(built: tuple[Path, Path]) -> None:
    cal = read(built[1])
    zones = cal.walk("VTIMEZONE")
    assert [str(z["tzid"]) for z in zones] == ["Europe/Paris"]
    offsets = {str(s["tzname"]): s["tzoffsetto"].td for z in zones for s in z.subcomponents}
    assert offsets["CEST"].total_seconds() == 2 * 3600
    assert offsets["CET"].total_seconds() == 3600
    assert cal.get_missing_tzids() == set()
    assert str(cal["version"]) == "2.0"
    assert str(cal["prodid"]).startswith("-//booklet//")


def test_title_speakers_room_categories_and_plain_abstract(built: tuple[Path, Path]) -> None:
    event = events(read(built[1]))["tropical-7"]
    # mathematics as its source, everywhere
    assert str(event["summary"]) == TITLE
    text = str(event["description"])
    lines = text.split("\n")
    assert lines[0] == "Stéphane Gaubert (INRIA & CMAP, École polytechnique)"
    assert lines[1] == "Yiannis Vlassopoulos"
    assert r"We study tropical polyhedra $P(\mathcal{L})$ over the $(\min, +)$ semiring" in text
    assert r"$$\bigoplus_{i \in I} a_i \odot x_i = \min_{i \in I} (a_i + x_i).$$" in text
    assert "- first, the extremal rays;" in text  # Markdown is gone, the list stays readable
    assert "the project page (https://example.org/tropical)" in text
    assert "**" not in text and "*extremal" not in text
    assert str(event["location"]) == "Salle 2, IHES, Bures-sur-Yvette"  # its own room
    assert [str(c) for c in event["categories"].cats] == ["Tropical Friday", "Invited talk"]
    session_room = events(read(built[1]))["1"]
    assert str(session_room["location"]).startswith("Amphi A")  # its session's room
    # a formula written outside dollars is printed as written
    assert r"the space of texts \mathcal{L} ." in str(events(read(built[1]))["3"]["description"])


def test_stamp_and_uids_are_reproducible(built: tuple[Path, Path], tmp_path: Path) -> None:
    cal = read(built[1])
    stamps = {e["dtstamp"].dt for e in cal.walk("VEVENT")}
    assert stamps == {datetime.fromtimestamp(EPOCH, tz=UTC)}
    again = tmp_path / "again"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        assert main(["build", "ics", "--content", str(built[0]), "--out", str(again)]) == 0
    assert (again / "programme.ics").read_bytes() == (built[1] / "programme.ics").read_bytes()


def test_rfc5545_lines(built: tuple[Path, Path]) -> None:
    raw = (built[1] / "programme.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")
    assert all(b"\n" not in line for line in lines)  # CRLF only
    assert max(len(line) for line in lines) <= 75  # folded at 75 octets
    assert b"DESCRIPTION:St\xc3\xa9phane Gaubert (INRIA & CMAP\\, " in raw  # commas escaped


def test_placeholders_keep_their_title_without_abstract(tmp_path: Path) -> None:
    """With --keep-going, a contribution with errors is still in the calendar: its title,
    speakers and time, no abstract."""
    content = make_export_content(tmp_path / "content")
    bad = content / "contributions" / "008.md"
    shutil.copy(content / "contributions" / "8.md", bad)
    (content / "contributions" / "8.md").unlink()
    bad.write_text(bad.read_text(encoding="utf-8").replace(
        "Thanks to all.", r"Thanks to $\input{/etc/passwd}$ all."), encoding="utf-8")  # fmt: skip
    out = tmp_path / "build"
    assert main(["build", "ics", "--content", str(content), "--out", str(out), "-k"]) == 1
    found = events(read(out))
    assert sorted(found) == sorted(SCHEDULED)
    assert str(found["8"]["summary"]) == "Closing remarks"
    assert str(found["8"]["description"]) == "Jane Doe"
    assert "input" not in (out / "programme.ics").read_text(encoding="utf-8")
    assert len(ALL_IDS) == len(found) + len(UNSCHEDULED)


def test_a_literal_dollar_is_printed_as_a_dollar(content_copy: Path, tmp_path: Path) -> None:
    r"""``\$`` in a title (money, as frab imports write it) is ``$`` in the calendar."""
    talk = next((content_copy / "contributions").glob("*.md"))
    text = talk.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    talk.write_text(text.replace(title, "title: 'A \\$12 phone and $P(\\mathcal{L})$'"),
                    encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    assert main(["build", "ics", "frab", "--content", str(content_copy), "--out", str(out)]) == 0
    summaries = [str(e["summary"]) for e in read(out).walk("VEVENT")]
    assert r"A $12 phone and $P(\mathcal{L})$" in summaries
    assert "<title>A $12 phone and $P(\\mathcal{L})$</title>" in (
        out / "schedule.xml").read_text(encoding="utf-8")  # fmt: skip
