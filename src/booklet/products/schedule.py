"""The programme for conference apps: ``OUT/schedule.xml`` and ``OUT/schedule.json`` (frab).

frab's schedule format is what Giggity, ConfClerk, the c3voc tools and
pretalx's exports speak (the XML as in voc/schedule's
``validator/xsd/schedule.xml.xsd``, the JSON as in its
``validator/json/schema.json``). Days hold rooms, rooms hold events. frab
wants integer event ids: a numeric contribution id keeps its number, others
get a stable one (:func:`booklet.products.timetable.integer_ids`); GUIDs are
uuid5 of the event and the contribution id, so they are the same in every
build. Abstracts are plain text (formulas as their source, ``$…$``), made
from the same sanitised text as the booklet's. Talks without a start time
cannot be placed in a schedule and are left out (named in a note).
"""

from __future__ import annotations

import json
import math
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from booklet import __version__
from booklet.output import write_bytes, write_text
from booklet.products.context import BuildContext, Compiled
from booklet.products.timetable import (
    NAMESPACE,
    Talk,
    Timetable,
    clean,
    person_id,
    slugify,
)

FORMAT_VERSION = "1.0"  # the schedule's own <version>: booklet's output has no revisions
TIMESLOTS = (5, 10, 15, 20, 30, 60)  # minutes


class Schedule:
    name = "frab"
    documents = ()
    formats = ("plain",)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        schedule = FrabSchedule(Timetable(ctx.views))
        xml_path, json_path = ctx.out / "schedule.xml", ctx.out / "schedule.json"
        write_bytes(xml_path, schedule.xml())
        write_text(json_path, json.dumps(schedule.json(), ensure_ascii=False, indent=1) + "\n")
        note = schedule.timetable.note_unscheduled("the schedule")
        if note:
            ctx.note(f"{self.name}: {note}")
        return [xml_path, json_path]


class FrabSchedule:
    """The timetable arranged as frab arranges it: days, rooms, events."""

    def __init__(self, timetable: Timetable) -> None:
        self.timetable = timetable
        self.event = timetable.event
        self.acronym = slugify(self.event.short_title or self.event.title, limit=40)
        self.talks = timetable.scheduled
        self.days = timetable.days()
        self.rooms = list(dict.fromkeys(self.room(t) for t in self.talks))

    # -- the parts ------------------------------------------------------------------

    def room(self, talk: Talk) -> str:
        """The talk's room. frab needs one: a talk without is placed in the venue, else in
        a room named after the event (its short title)."""
        return talk.room or clean(self.event.venue or self.event.short_title or self.event.title)

    def day_talks(self, day: date) -> list[Talk]:
        return [t for t in self.talks if t.start and t.start.date() == day]

    def day_span(self, day: date) -> tuple[datetime, datetime]:
        """From the day's first talk to the end of its last (the whole day when empty)."""
        talks = self.day_talks(day)
        if not talks:
            zone = ZoneInfo(self.event.timezone)
            return (datetime.combine(day, time(0, 0), zone),
                    datetime.combine(day, time(23, 59), zone))  # fmt: skip
        starts = [t.start for t in talks if t.start]
        ends = [t.end or t.start for t in talks if t.start]
        return min(starts), max(ends)  # type: ignore[type-var]

    def timeslot(self) -> int:
        """The grid the talks keep to: the largest of TIMESLOTS dividing every time."""
        minutes = [t.start.hour * 60 + t.start.minute for t in self.talks if t.start]
        minutes += [t.duration for t in self.talks]
        step = math.gcd(*minutes) if minutes else 15
        return max((s for s in TIMESLOTS if step % s == 0), default=5) if step else 15

    def conference(self) -> dict[str, Any]:
        first, last = (self.days[0], self.days[-1]) if self.days else (None, None)
        return {
            "acronym": self.acronym,
            "title": clean(self.event.title),
            "start": first.isoformat() if first else "",
            "end": last.isoformat() if last else "",
            "daysCount": len(self.days),
            "timeslot_duration": hhmm(self.timeslot()),
            "time_zone_name": self.event.timezone,
        }

    def event_fields(self, talk: Talk) -> dict[str, Any]:
        """A talk's fields, in frab's names (shared by the XML and the JSON)."""
        c = talk.contribution
        number = self.timetable.numbers[talk.id]
        assert talk.start is not None
        return {
            "id": number,
            "guid": self.timetable.guid(talk),
            "date": talk.start.isoformat(),
            "start": talk.start.strftime("%H:%M"),
            "duration": hhmm(talk.duration),
            "room": self.room(talk),
            "slug": f"{self.acronym}-{number}-{slugify(talk.title, limit=40)}".rstrip("-"),
            "title": talk.title,
            "subtitle": "",
            "track": clean(talk.session.title) if talk.session else "",
            "type": clean(c.type or ""),
            "language": c.language,
            "abstract": talk.abstract or "",
            "description": "",
            "persons": [
                {"id": person_id(s), "public_name": clean(s.name),
                 "guid": str(uuid.uuid5(NAMESPACE, f"person/{s.name.casefold()}"))}
                for s in talk.speakers
            ],
            "links": [],
            "attachments": [],
        }  # fmt: skip

    # -- the two files ----------------------------------------------------------------

    def json(self) -> dict[str, Any]:
        days = []
        for index, day in enumerate(self.days, start=1):
            start, end = self.day_span(day)
            rooms: dict[str, list[dict[str, Any]]] = {}
            for talk in self.day_talks(day):
                fields = self.event_fields(talk)
                rooms.setdefault(fields["room"], []).append({
                    **fields, "logo": "", "url": "", "recording_license": "",
                    "do_not_record": False, "answers": [],
                })  # fmt: skip
            days.append({"index": index, "date": day.isoformat(), "day_start": start.isoformat(),
                         "day_end": end.isoformat(), "rooms": rooms})  # fmt: skip
        rooms_list = [{"name": r, "guid": str(uuid.uuid5(NAMESPACE, f"room/{r}"))}
                      for r in self.rooms]  # fmt: skip
        return {
            "$schema": "https://c3voc.de/schedule/schema.json",
            "generator": {"name": "booklet", "version": __version__},
            "schedule": {
                "version": FORMAT_VERSION,
                "conference": {**self.conference(), "rooms": rooms_list, "days": days},
            },
        }

    def xml(self) -> bytes:
        root = ET.Element("schedule")
        ET.SubElement(root, "generator", name="booklet", version=__version__)
        _text(root, "version", FORMAT_VERSION)
        conference = ET.SubElement(root, "conference")
        info = self.conference()
        info["days"] = info.pop("daysCount")
        for key in ("acronym", "title", "start", "end", "days", "timeslot_duration",
                    "time_zone_name"):  # fmt: skip
            if info[key] != "":
                _text(conference, key, str(info[key]))
        for index, day in enumerate(self.days, start=1):
            start, end = self.day_span(day)
            day_el = ET.SubElement(root, "day", index=str(index), date=day.isoformat(),
                                   start=start.isoformat(), end=end.isoformat())  # fmt: skip
            by_room: dict[str, list[Talk]] = {}
            for talk in self.day_talks(day):
                by_room.setdefault(self.room(talk), []).append(talk)
            for room in self.rooms:
                if room in by_room:
                    room_el = ET.SubElement(day_el, "room", name=room)
                    for talk in by_room[room]:
                        self._xml_event(room_el, talk)
        ET.indent(root, space=" ")
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def _xml_event(self, parent: ET.Element, talk: Talk) -> None:
        fields = self.event_fields(talk)
        event = ET.SubElement(parent, "event", guid=fields["guid"], id=str(fields["id"]))
        for key in ("date", "start", "duration", "room", "slug", "title", "subtitle", "track",
                    "type", "language", "abstract", "description"):  # fmt: skip
            _text(event, key, str(fields[key]))
        persons = ET.SubElement(event, "persons")
        for person in fields["persons"]:
            _text(persons, "person", person["public_name"], id=str(person["id"]))
        _children(event, "links", "link", fields["links"])
        _children(event, "attachments", "attachment", fields["attachments"])


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def _children(parent: ET.Element, tag: str, child: str, items: Iterable[dict[str, str]]) -> None:
    holder = ET.SubElement(parent, tag)
    for item in items:
        _text(holder, child, item.get("title", ""), href=item["url"])
