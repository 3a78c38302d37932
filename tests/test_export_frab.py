"""``booklet build frab``: schedule.xml (validated against frab's schema) and schedule.json."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from booklet.cli import main
from booklet.products.timetable import integer_ids
from exportdata import SCHEDULED, UNSCHEDULED, make_export_content

XSD = Path(__file__).parent / "data" / "frab-schedule.xsd"
TITLE = r"Tropical polyhedra $P(\mathcal{L})$ and the $(\min, +)$ semiring"  # as written


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("frab")
    content = make_export_content(root / "content")
    out = root / "build"
    assert main(["build", "frab", "--content", str(content), "--out", str(out)]) == 0
    return content, out


def xml_events(out: Path) -> dict[str, etree._Element]:
    tree = etree.parse(str(out / "schedule.xml"))
    return {e.findtext("slug"): e for e in tree.iter("event")}


def json_events(out: Path) -> list[dict]:
    data = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    days = data["schedule"]["conference"]["days"]
    return [e for day in days for talks in day["rooms"].values() for e in talks]


def number(cid: str) -> int:
    return integer_ids(list(SCHEDULED) + UNSCHEDULED)[cid]


def test_schedule_xml_is_valid_against_frabs_schema(built: tuple[Path, Path]) -> None:
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.parse(str(built[1] / "schedule.xml"))
    assert schema.validate(document), schema.error_log


def test_the_schema_catches_what_apps_cannot_read(built: tuple[Path, Path]) -> None:
    """The test above can fail: a duration in minutes or a date without its offset does."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    for element, wrong in (("duration", "60"), ("date", "2024-05-23T09:30:00")):
        document = etree.parse(str(built[1] / "schedule.xml"))
        next(document.iter(element)).text = wrong
        assert not schema.validate(document)


def test_conference_days_and_rooms(built: tuple[Path, Path]) -> None:
    root = etree.parse(str(built[1] / "schedule.xml")).getroot()
    conference = root.find("conference")
    assert conference.findtext("title") == "Mathematics for and by Large Language Models"
    assert conference.findtext("start") == "2024-05-23"
    assert conference.findtext("end") == "2024-05-24"
    assert conference.findtext("days") == "2"
    assert conference.findtext("time_zone_name") == "Europe/Paris"
    assert conference.findtext("timeslot_duration") == "00:15"  # 10:00 + 45 min, 11:15
    days = root.findall("day")
    assert [(d.get("index"), d.get("date")) for d in days] == [("1", "2024-05-23"),
                                                                 ("2", "2024-05-24")]  # fmt: skip
    assert days[0].get("start") == "2024-05-23T09:30:00+02:00"
    assert days[0].get("end") == "2024-05-23T18:00:00+02:00"
    assert [r.get("name") for r in days[0].findall("room")] == ["Amphi A", "Amphi B"]
    assert [r.get("name") for r in days[1].findall("room")] == ["Salle 2", "Salle 1"]


def test_every_scheduled_talk_once_with_its_time_and_room(built: tuple[Path, Path]) -> None:
    events = {int(e.get("id")): e for e in xml_events(built[1]).values()}
    assert sorted(events) == sorted(number(cid) for cid in SCHEDULED)
    for cid, (start, minutes, room) in SCHEDULED.items():
        event = events[number(cid)]
        assert datetime.fromisoformat(event.findtext("date")) == start
        assert event.findtext("start") == start.strftime("%H:%M")
        assert event.findtext("duration") == f"{minutes // 60:02d}:{minutes % 60:02d}"
        assert event.findtext("room") == room
        assert event.getparent().get("name") == room
        assert uuid.UUID(event.get("guid")).version == 5
    assert number("3") == 3  # numeric ids keep their number
    assert number("tropical-7") > 2**30  # the others get a large stable one


def test_event_fields(built: tuple[Path, Path]) -> None:
    wanted = str(number("tropical-7"))
    event = next(e for e in xml_events(built[1]).values() if e.get("id") == wanted)
    assert event.findtext("title") == TITLE
    assert event.findtext("track") == "Tropical Friday"
    assert event.findtext("type") == "Invited talk"
    assert event.findtext("language") == "en"
    assert [p.text for p in event.find("persons")] == ["Stéphane Gaubert", "Yiannis Vlassopoulos"]
    assert all(int(p.get("id")) > 0 for p in event.find("persons"))
    abstract = event.findtext("abstract")
    assert abstract.startswith(r"We study tropical polyhedra $P(\mathcal{L})$ over the")
    assert "**" not in abstract
    assert event.findtext("slug").startswith("mathematics-for-and-by-large-language-")


def test_json_has_the_same_events(built: tuple[Path, Path]) -> None:
    data = json.loads((built[1] / "schedule.json").read_text(encoding="utf-8"))
    conference = data["schedule"]["conference"]
    assert set(conference) >= {"acronym", "title", "start", "end", "daysCount",
                               "timeslot_duration", "time_zone_name", "rooms", "days"}  # fmt: skip
    assert [r["name"] for r in conference["rooms"]] == ["Amphi A", "Amphi B", "Salle 2", "Salle 1"]
    for day in conference["days"]:
        assert set(day) == {"index", "date", "day_start", "day_end", "rooms"}
    events = json_events(built[1])
    by_xml = {int(e.get("id")): e for e in xml_events(built[1]).values()}
    assert sorted(e["id"] for e in events) == sorted(by_xml)
    required = {"id", "guid", "logo", "date", "start", "duration", "room", "slug", "url", "title",
                "subtitle", "track", "type", "language", "abstract", "description",
                "recording_license", "do_not_record", "persons", "links", "attachments",
                "answers"}  # fmt: skip
    for event in events:
        assert required <= set(event)
        xml = by_xml[event["id"]]
        for key in ("guid", "date", "start", "duration", "room", "slug", "title", "abstract"):
            assert event[key] == (xml.get(key) if key == "guid" else xml.findtext(key)), key
        assert [p["public_name"] for p in event["persons"]] == [p.text for p in xml.find("persons")]


def test_identities_are_stable(built: tuple[Path, Path], tmp_path: Path) -> None:
    """Apps keep favourites by guid and id: a rebuild elsewhere gives the same ones."""
    out = tmp_path / "again"
    assert main(["build", "frab", "--content", str(built[0]), "--out", str(out)]) == 0
    assert (out / "schedule.xml").read_bytes() == (built[1] / "schedule.xml").read_bytes()
    assert (out / "schedule.json").read_bytes() == (built[1] / "schedule.json").read_bytes()


def test_integer_ids_never_collide() -> None:
    ids = [str(n) for n in range(1, 200)] + [f"p-{n}" for n in range(200)]
    numbers = integer_ids(ids)
    assert len(set(numbers.values())) == len(ids)
    assert numbers["17"] == 17
    assert integer_ids(list(reversed(ids))) == numbers  # independent of order when no collision
