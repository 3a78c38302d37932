"""Indico's HTTP export: ``/export/event/<id>.json?detail=contributions`` or ``detail=sessions``.

The file is ``{"count": …, "results": [event]}``. With ``detail=contributions``
the event has ``contributions``; with ``detail=sessions`` it has
``contributions`` (those in no session) and ``sessions``, one entry per
session *block* (a slot in the timetable, with its own times, room and
conveners) holding its contributions. Each block becomes a booklet session
(id ``s<friendly id>``, or ``s<friendly id>-<n>`` for a session with several
blocks, in time order); with ``detail=contributions`` a session is known only
by its title, and becomes a session with an id made from it.

Times are ``{"date", "time", "tz"}`` in the timezone the export was asked for
(``tz=``), not necessarily the event's: they are converted to the event's own
``timezone``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from booklet.diagnostics import Diagnostics, Origin
from booklet.importers.ids import as_id, session_slug, slug
from booklet.importers.jsonsource import load_json
from booklet.importers.names import split_name
from booklet.importers.records import Imported, ImportedEvent, ImportedSession, Person, Talk
from booklet.importers.text import looks_like_html, one_line

FMT = "indico"


def read_indico(path: Path, text: str, diags: Diagnostics) -> Imported | None:
    origin = Origin(path)
    data = load_json(text, origin, diags)
    if data is None:
        return None
    event = _the_event(data, origin, diags)
    if event is None:
        return None
    return _Reader(path, event, diags).read()


def _the_event(data: Any, origin: Origin, diags: Diagnostics) -> dict | None:
    if isinstance(data, dict) and "results" in data:
        if data.get("complete") is False:
            diags.warning(origin, f"{FMT}: the export says it is incomplete (Indico cut it "
                          "short); export the event alone, or with fewer details")  # fmt: skip
        events = data["results"]
    elif isinstance(data, dict):
        events = [data]  # an event on its own
    else:
        events = data
    events = [e for e in events if isinstance(e, dict)] if isinstance(events, list) else []
    if not events:
        diags.error(origin, f"{FMT}: no event in this file; expected Indico's export "
                    "(/export/event/<id>.json?detail=contributions)")  # fmt: skip
        return None
    if len(events) > 1:
        diags.warning(_at(events[1], origin), f"{FMT}: the export holds {len(events)} events; "
                      "only the first is imported")  # fmt: skip
    event = events[0]
    if not _text(event.get("title")):
        diags.error(_at(event, origin), f"{FMT}: the event has no title: this is not Indico's "
                    "event export (/export/event/<id>.json?detail=contributions)")  # fmt: skip
        return None
    if "contributions" not in event and "sessions" not in event:
        diags.error(_at(event, origin), f"{FMT}: the export lists no contributions; export "
                    "with ?detail=contributions or ?detail=sessions")  # fmt: skip
        return None
    return event


def _at(obj: Any, origin: Origin) -> Origin:
    return Origin(origin.path, getattr(obj, "line", origin.line))


def _friendly(item: dict) -> str | None:
    """The id Indico shows for a contribution, or None when the export gives none."""
    found = next((item[key] for key in ("friendly_id", "id", "code", "db_id")
                  if item.get(key) not in (None, "")), None)  # fmt: skip
    return None if found is None else str(found)


def _short(item: dict) -> str:
    """A contribution in a list of them: its id, or its title when it has none."""
    friendly = _friendly(item)
    return friendly if friendly is not None else f"'{_text(item.get('title'))[:40]}'"


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return one_line(value) if isinstance(value, (str, int, float)) else ""


class _Reader:
    def __init__(self, path: Path, event: dict, diags: Diagnostics) -> None:
        self.path = path
        self.event = event
        self.diags = diags
        self.origin = _at(event, Origin(path))
        self.zone = self._timezone()
        self.sessions: dict[str, ImportedSession] = {}
        self.by_title: dict[str, str] = {}  # session title -> id (detail=contributions)
        self.no_speakers: list[str] = []
        self.authors_as_speakers: list[str] = []
        self.tracks = 0
        self.subcontributions = 0
        self.unscheduled: list[str] = []

    def read(self) -> Imported:
        ev = self.event
        start, end = self._when(ev.get("startDate"), ev), self._when(ev.get("endDate"), ev)
        imported_event = ImportedEvent(
            title=_text(ev.get("title")),
            timezone=self.zone.key if self.zone else None,
            venue=_text(ev.get("location")) or None,
            start_date=_day(start, self.zone),
            end_date=_day(end, self.zone),
        )
        talks: list[Talk] = []
        seen: set[int] = set()
        for block_id, block in self._blocks():
            for item in _dicts(block.get("contributions")):
                talks.append(self._talk(item, block_id, block))
                seen.add(id(item))
        for item in _dicts(ev.get("contributions")):
            if id(item) not in seen:
                talks.append(self._talk(item, None, None))
        imported_event.sessions = list(self.sessions.values())
        self._summaries(len(talks))
        return Imported(imported_event, talks)

    def _timezone(self) -> ZoneInfo | None:
        for name in (self.event.get("timezone"), _dict(self.event.get("startDate")).get("tz")):
            zone = _zone(name)
            if zone is not None:
                return zone
        self.diags.warning(self.origin, f"{FMT}: the event has no timezone; times are written "
                           "as the export gives them")  # fmt: skip
        return None

    def _when(self, value: Any, where: Any) -> datetime | None:
        """A ``{"date", "time", "tz"}`` value as an aware time."""
        if not isinstance(value, dict) or not value.get("date"):
            return None
        zone = _zone(value.get("tz")) or self.zone
        try:
            moment = datetime.fromisoformat(f"{value.get('date')}T{value.get('time') or '00:00'}")
        except (TypeError, ValueError):
            self.diags.warning(_at(where, self.origin), f"{FMT}: unreadable date "
                               f"{str(value.get('date'))[:30]} {str(value.get('time'))[:30]}; "
                               "left unscheduled")  # fmt: skip
            return None
        if moment.tzinfo is None and zone is not None:
            moment = moment.replace(tzinfo=zone)
        return moment

    def _blocks(self) -> list[tuple[str, dict]]:
        """The session blocks of ``detail=sessions``, each with its booklet session id."""
        blocks = _dicts(self.event.get("sessions"))
        groups: dict[str, list[dict]] = defaultdict(list)
        parents: dict[str, dict] = {}
        for block in blocks:
            parent = block.get("session") if isinstance(block.get("session"), dict) else block
            key = str(parent.get("friendly_id") or parent.get("id") or parent.get("title") or "")
            groups[key].append(block)
            parents[key] = parent
        result = []
        for n, (key, items) in enumerate(groups.items(), start=1):
            parent = parents[key]
            friendly = as_id(parent.get("friendly_id")) or as_id(parent.get("id"))
            stem = f"s{friendly}" if friendly and len(friendly) < 60 else slug(
                _text(parent.get("title")), f"session-{n}")
            items.sort(key=lambda b: self._sort_key(b))
            for i, block in enumerate(items, start=1):
                sid = stem if len(items) == 1 else f"{stem}-{i}"
                self.sessions[sid] = self._session(sid, parent, block)
                result.append((sid, block))
        return result

    def _sort_key(self, block: dict) -> str:
        start = self._when(block.get("startDate"), block)
        return start.isoformat() if start else ""

    def _session(self, sid: str, parent: dict, block: dict) -> ImportedSession:
        title = _text(parent.get("title")) or sid
        slot = _text(block.get("slotTitle")) if block is not parent else ""
        conveners = _dicts(block.get("conveners")) or _dicts(parent.get("sessionConveners"))
        names = []
        for c in conveners:
            found = _person(c)
            if found is not None:
                names.append(f"{found[0].given} {found[0].family}".strip())
        room = (_text(block.get("roomFullname")) or _text(block.get("room"))
                or _text(parent.get("roomFullname")) or _text(parent.get("room")))  # fmt: skip
        return ImportedSession(sid, f"{title}: {slot}" if slot else title,
                               ", ".join(names) or None, room or None)  # fmt: skip

    def _session_by_title(self, title: str) -> str:
        if title not in self.by_title:
            sid = session_slug(title, f"session-{len(self.by_title) + 1}")
            while sid in self.sessions:
                sid = f"{sid[:58]}-{len(self.sessions) + 1}"
            self.by_title[title] = sid
            self.sessions[sid] = ImportedSession(sid, title)
        return self.by_title[title]

    def _talk(self, item: dict, session: str | None, block: dict | None) -> Talk:
        friendly = _friendly(item)
        title = _text(item.get("title"))
        named = f"contribution {friendly[:40]}" if friendly is not None else "a contribution"
        describe = f"{named} '{title[:60]}'" if title else named
        origin = _at(item, self.origin)
        if session is None and _text(item.get("session")):
            session = self._session_by_title(_text(item.get("session")))
        start = self._when(item.get("startDate"), item)
        end = self._when(item.get("endDate"), item)
        duration = item.get("duration")
        if not isinstance(duration, int) or isinstance(duration, bool) or duration <= 0:
            comparable = start and end and (start.tzinfo is None) == (end.tzinfo is None)
            duration = int((end - start).total_seconds() // 60) if comparable else None
        if start is None:
            self.unscheduled.append(_short(item))
        if _text(item.get("track")):
            self.tracks += 1
        if _dicts(item.get("subContributions")):
            self.subcontributions += 1
        description = item.get("description") if isinstance(item.get("description"), str) else ""
        return Talk(
            ids=[item.get("friendly_id"), item.get("id"), item.get("code"), item.get("db_id")],
            title=title,
            origin=origin,
            text=description,
            text_kind="html" if looks_like_html(description) else "markdown",
            type=_text(item.get("type")) or None,
            start=start,
            duration=duration or None,
            session=session,
            room=self._room(item),
            speakers=self._speakers(item, describe, origin),
            describe=describe,
        )

    def _room(self, item: dict) -> str | None:
        room = _text(item.get("roomFullname")) or _text(item.get("room"))
        location = _text(item.get("location"))
        if not room and location and location != _text(self.event.get("location")):
            room = location
        return room or None

    def _speakers(self, item: dict, describe: str, origin: Origin) -> list[Person]:
        speakers = self._people(_dicts(item.get("speakers")), origin, describe)
        if speakers:
            return speakers
        authors = _dicts(item.get("primaryauthors")) or _dicts(item.get("primary_authors"))
        speakers = self._people(authors, origin, describe)
        if speakers:
            self.authors_as_speakers.append(_short(item))
        else:
            self.diags.warning(origin, f"{FMT}: {describe}: no speakers and no primary authors; "
                               "written without speakers")  # fmt: skip
        return speakers

    def _people(self, items: list[dict], origin: Origin, describe: str) -> list[Person]:
        people = []
        for item in items:
            found = _person(item)
            if found is None:
                continue
            person, note = found
            if note:
                self.diags.warning(_at(item, origin), f"{FMT}: {describe}: speaker "
                                   f"'{person.family[:60]}': {note}")  # fmt: skip
            people.append(person)
        return people

    def _summaries(self, count: int) -> None:
        def ids(items: list[str]) -> str:
            shown = ", ".join(items[:10])
            return f"{shown} and {len(items) - 10} more" if len(items) > 10 else shown

        if self.authors_as_speakers:
            self.diags.warning(self.origin, f"{FMT}: {len(self.authors_as_speakers)} "
                               "contribution(s) have no speaker set; their primary authors are "
                               f"written as speakers: {ids(self.authors_as_speakers)}")  # fmt: skip
        if self.unscheduled:
            self.diags.warning(self.origin, f"{FMT}: {len(self.unscheduled)} contribution(s) "
                               "are not in the timetable; imported without a start time (listed "
                               f"as unscheduled): {ids(self.unscheduled)}")  # fmt: skip
        if self.tracks:
            self.diags.warning(self.origin, f"{FMT}: {self.tracks} of {count} contribution(s) "
                               "have a track; booklet has no tracks, so they are not "
                               "imported")  # fmt: skip
        if self.subcontributions:
            self.diags.warning(self.origin, f"{FMT}: {self.subcontributions} contribution(s) "
                               "have subcontributions; these are not imported")  # fmt: skip


def _person(item: dict) -> tuple[Person, str | None] | None:
    """A speaker, author or convener, and a note when the name had to be guessed at.

    Names are kept as Indico gives them (swapped or misspelt ones too).
    """
    family = _text(item.get("last_name")) or _text(item.get("familyName"))
    given = _text(item.get("first_name")) or _text(item.get("firstName"))
    affiliation = _text(item.get("affiliation")) or None
    if family:
        return Person(family, given, affiliation), None
    if given:
        return Person(given, "", affiliation), "only a first name: written as the family name"
    whole = _text(item.get("fullName")) or _text(item.get("name"))
    split = split_name(whole) if whole else None
    if split is None:
        return None
    return Person(split.family, split.given, affiliation), split.note


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _zone(name: Any) -> ZoneInfo | None:
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _day(moment: datetime | None, zone: ZoneInfo | None) -> date | None:
    if moment is None:
        return None
    return (moment.astimezone(zone) if zone and moment.tzinfo else moment).date()
