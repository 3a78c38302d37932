"""frab and pretalx schedules: ``schedule.json`` and ``schedule.xml``.

Both follow frab's public schema (the one the c3voc validator checks):
``schedule.conference.days[].rooms{room: [event]}`` in JSON, ``<day>`` /
``<room>`` / ``<event>`` in XML; the newer flat ``schedule.events[]`` is read
too. An event's ``date`` is an ISO time with its offset; when it has none,
``start`` (``HH:MM``) on the day's date, in the conference's
``time_zone_name``. ``duration`` is ``HH:MM``.

frab has no sessions. By default (``sessions="room-day"``) the talks of one
room on one day make a session, titled with the room's name (handouts then
come per room and day); ``track`` makes a session of each track, ``none``
imports no sessions. A schedule that booklet wrote (``generator`` booklet)
has booklet's sessions in its tracks and booklet's ``$…$`` mathematics in
its text: it is read with ``track`` and mathematics by default.

Text in these schedules is rarely mathematics: a ``$`` is a price. Titles
and abstracts are imported so that they print as written (``\\$``), unless
``math`` is asked for. HTML abstracts are converted to Markdown.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml import etree

from booklet.diagnostics import Diagnostics, Origin
from booklet.importers.ids import session_slug, slug
from booklet.importers.jsonsource import JsonObject, load_json
from booklet.importers.names import split_name
from booklet.importers.records import Imported, ImportedEvent, ImportedSession, Person, Talk
from booklet.importers.text import looks_like_html, one_line

FMT = "frab"
SESSION_MODES = ("room-day", "track", "none")
HHMM = re.compile(r"(\d{1,3}):(\d{2})(?::(\d{2}))?")


def read_frab(path: Path, data: bytes, diags: Diagnostics, sessions: str | None = None
              ) -> Imported | None:  # fmt: skip
    """``sessions``: room-day, track or none; by default track for a schedule booklet wrote
    (its tracks are booklet's sessions), else room-day."""
    origin = Origin(path)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        schedule = _xml_schedule(data, origin, diags)
    else:
        text = data.decode("utf-8-sig", errors="replace")
        parsed = load_json(text, origin, diags)
        schedule = parsed.get("schedule") if isinstance(parsed, dict) else None
        if parsed is not None and not isinstance(schedule, dict):
            diags.error(origin, f"{FMT}: no 'schedule' in this file; expected frab's or "
                        "pretalx's schedule.json")  # fmt: skip
            schedule = None
        elif schedule is not None:
            schedule["generator"] = _dict(parsed.get("generator"))
    if schedule is None:
        return None
    conference = _dict(schedule.get("conference"))
    if not (_text(conference.get("title")) or _text(conference.get("acronym"))):
        diags.error(_at(conference, origin) if conference else origin,
                    f"{FMT}: the schedule's conference has no title or acronym: this is not "
                    "a frab or pretalx schedule")  # fmt: skip
        return None
    # A schedule booklet wrote holds booklet's own text: $…$ is mathematics there.
    by_booklet = _text(_dict(schedule.get("generator")).get("name")) == "booklet"
    mode = sessions or ("track" if by_booklet else "room-day")
    imported = _Reader(origin, schedule, diags, mode).read()
    imported.dollars = "math" if by_booklet else None
    return imported


class _Reader:
    def __init__(self, origin: Origin, schedule: dict, diags: Diagnostics, sessions: str) -> None:
        self.origin = origin
        self.diags = diags
        self.mode = sessions
        self.conference = _dict(schedule.get("conference"))
        self.schedule = schedule
        name = _text(self.conference.get("time_zone_name"))
        self.zone = _zone(name)
        if self.zone is None:
            given = f" ('{name[:40]}')" if name else ""
            self.diags.warning(_at(self.conference, origin), f"{FMT}: the conference has no "
                               f"known time_zone_name{given}: times without an offset are taken "
                               "as the event's local time ('timezone' in event.yaml)")  # fmt: skip
        self.sessions: dict[str, ImportedSession] = {}

    def read(self) -> Imported:
        talks = [self._talk(day, room, item) for day, room, item in self._events()]
        if not talks:
            self.diags.warning(self.origin, f"{FMT}: the schedule has no events")
        conf = self.conference
        event = ImportedEvent(
            title=_text(conf.get("title")) or _text(conf.get("acronym")) or None,
            timezone=self.zone.key if self.zone else None,
            start_date=_date(conf.get("start")),
            end_date=_date(conf.get("end")),
            sessions=sorted(self.sessions.values(), key=lambda s: s.id),
        )
        return Imported(event, talks)

    def _events(self) -> list[tuple[str, str, dict]]:
        """(day's date, room, event) for every event of the schedule."""
        found = []
        for day in _dicts(self.conference.get("days")) or _dicts(self.schedule.get("days")):
            rooms = day.get("rooms")
            if isinstance(rooms, dict):
                for room, items in rooms.items():
                    found += [(_text(day.get("date")), str(room), e) for e in _dicts(items)]
        for item in _dicts(self.schedule.get("events")):  # the flat schedule2 form
            found.append(("", "", item))
        return found

    def _talk(self, day: str, room_name: str, item: dict) -> Talk:
        ids = [item.get("id"), item.get("guid"), item.get("slug"), item.get("code")]
        title = _text(item.get("title"))
        subtitle = _text(item.get("subtitle"))
        describe = f"event {str(ids[0] if ids[0] is not None else ids[1])[:40]} '{title[:60]}'"
        origin = _at(item, self.origin)
        room = item.get("room")
        room = _text(room.get("name")) if isinstance(room, dict) else _text(room) or room_name
        start = self._start(day, item, origin, describe)
        duration = _minutes(item.get("duration"))
        end = _aware(item.get("end"), self.zone)
        if duration is None and start and end and (start.tzinfo is None) == (end.tzinfo is None):
            duration = int((end - start).total_seconds() // 60) or None
        text = "\n\n".join(_unique([_lang_text(item.get("abstract")),
                                    _lang_text(item.get("description"))]))  # fmt: skip
        return Talk(
            ids=ids,
            title=f"{title}: {subtitle}" if subtitle and subtitle != title else title,
            origin=origin,
            text=text,
            text_kind="html" if looks_like_html(text) else "markdown",
            type=_text(item.get("type")) or None,
            start=start,
            duration=duration,
            session=self._session(start, room, _text(item.get("track"))),
            room=room or None,
            language=_text(item.get("language")) or None,
            speakers=self._speakers(item, origin, describe),
            describe=describe,
        )

    def _start(self, day: str, item: dict, origin: Origin, describe: str) -> datetime | None:
        moment = _aware(item.get("date"), self.zone)
        if moment is not None and ("T" in str(item.get("date")) or " " in str(item.get("date"))):
            return moment
        moment = _aware(item.get("start"), self.zone)  # schedule2: an ISO time
        if moment is not None:
            return moment
        on = _date(item.get("date")) or _date(day)
        clock = HHMM.fullmatch(_text(item.get("start")))
        if on is None or clock is None:
            self.diags.warning(origin, f"{FMT}: {describe}: no readable date and start time; "
                               "imported as unscheduled")  # fmt: skip
            return None
        hours, minutes = int(clock.group(1)), int(clock.group(2))
        naive = datetime.combine(on, datetime.min.time()) + timedelta(hours=hours, minutes=minutes)
        return naive.replace(tzinfo=self.zone)  # naive: the event's local time

    def _session(self, start: datetime | None, room: str, track: str) -> str | None:
        if self.mode == "track" and track:
            sid = session_slug(track, f"track-{len(self.sessions) + 1}")
            self.sessions.setdefault(sid, ImportedSession(sid, track))
            return sid
        if self.mode == "room-day" and room and start is not None:
            local = start.astimezone(self.zone) if self.zone and start.tzinfo else start
            day = local.date().isoformat()
            sid = f"{day}-{slug(room, 'room')}"[:64].rstrip("-_")
            self.sessions.setdefault(sid, ImportedSession(sid, room, room=room))
            return sid
        return None

    def _speakers(self, item: dict, origin: Origin, describe: str) -> list[Person]:
        people = []
        for person in item.get("persons") or item.get("participants") or []:
            if isinstance(person, dict):
                name = (_text(person.get("public_name")) or _text(person.get("name"))
                        or _text(person.get("full_public_name")))  # fmt: skip
                affiliation = _text(person.get("affiliation")) or None
            else:
                name, affiliation = _text(person), None
            split = split_name(name)
            if split is None:
                continue
            if split.note:
                self.diags.warning(origin, f"{FMT}: {describe}: speaker '{name[:60]}': "
                                   f"{split.note}")  # fmt: skip
            people.append(Person(split.family, split.given, affiliation))
        if not people:
            self.diags.warning(origin, f"{FMT}: {describe}: no persons; written without speakers")
        return people


def _xml_schedule(data: bytes, origin: Origin, diags: Diagnostics) -> dict | None:
    """schedule.xml as the same shape as schedule.json (each element keeps its line)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)  # fmt: skip
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 1
        diags.error(origin.at(line - 1), f"not valid XML: {exc.msg}")
        return None
    if root.tag != "schedule":
        diags.error(origin, f"{FMT}: the root element is <{str(root.tag)[:40]}>, not <schedule>")
        return None
    conference = _element(root.find("conference"))
    days = []
    for day in root.iterfind("day"):
        rooms: dict[str, list[dict]] = {}
        for room in day.iterfind("room"):
            events = rooms.setdefault(room.get("name") or "", [])
            for event in room.iterfind("event"):
                item = _element(event)
                item["persons"] = [
                    _line({"public_name": p.text or "", "id": p.get("id")}, p)
                    for p in event.iterfind("persons/person")
                ]
                events.append(item)
        days.append(_line({"date": day.get("date") or "", "rooms": rooms}, day))
    conference["days"] = days
    generator = root.find("generator")
    return {"conference": conference,
            "generator": dict(generator.attrib) if generator is not None else {}}  # fmt: skip


def _element(element: Any) -> JsonObject:
    """An element's attributes and simple children as a mapping."""
    item = JsonObject()
    if element is None:
        return item
    item.update(element.attrib)
    for child in element:
        if isinstance(child.tag, str) and len(child) == 0:
            item[child.tag] = child.text or ""
    return _line(item, element)


def _line(item: dict, element: Any) -> JsonObject:
    obj = item if isinstance(item, JsonObject) else JsonObject(item)
    obj.line = element.sourceline or 1
    return obj


def _at(obj: Any, origin: Origin) -> Origin:
    return Origin(origin.path, getattr(obj, "line", origin.line))


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return one_line(value) if isinstance(value, (str, int, float)) else ""


def _lang_text(value: Any) -> str:
    """A text field, which schedule2 allows to be ``{"en": …, "de": …}``."""
    if isinstance(value, dict):
        value = value.get("en") or next((v for v in value.values() if isinstance(v, str)), "")
    return value.strip() if isinstance(value, str) else ""


def _unique(texts: list[str]) -> list[str]:
    kept: list[str] = []
    for text in texts:
        if text and not any(text in k for k in kept):
            kept = [k for k in kept if k not in text] + [text]
    return kept


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _aware(value: Any, zone: ZoneInfo | None) -> datetime | None:
    """An ISO date and time; one without an offset is in the conference's timezone (naive
    when that is unknown: the event's local time)."""
    text = _text(value)
    if len(text) < 16:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _date(value: Any) -> date | None:
    text = _text(value)
    try:
        return date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _minutes(value: Any) -> int | None:
    """``01:30`` -> 90; a number is taken as minutes."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    match = HHMM.fullmatch(_text(value))
    if match is None:
        return None
    minutes = int(match.group(1)) * 60 + int(match.group(2))
    return minutes or None
