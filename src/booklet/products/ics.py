"""The programme as a calendar: ``OUT/programme.ics`` (RFC 5545), one event per scheduled talk.

Times carry the event's timezone, described by a VTIMEZONE built from the
tz database, so that a calendar application shows each talk at the right
hour wherever its reader is. UIDs are the contribution id and the event
(``3@mathematics-for-and-by-large-language-models``), so importing a newer
file updates the talks instead of duplicating them. Talks without a start
time are left out (and named in a note). The icalendar library writes the
file: escaping, line folding and CRLF line ends are its business.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar

from booklet import __version__
from booklet.output import write_bytes
from booklet.products.context import BuildContext, Compiled
from booklet.products.timetable import Talk, Timetable, build_stamp, clean


class Calendar:
    name = "ics"
    documents = ()
    formats = ("plain",)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        timetable = Timetable(ctx.views)
        dest = ctx.out / "programme.ics"
        write_bytes(dest, calendar(timetable).to_ical())
        note = timetable.note_unscheduled(dest.name)
        if note:
            ctx.note(f"{self.name}: {note}")
        return [dest]


def calendar(timetable: Timetable) -> icalendar.Calendar:
    event = timetable.event
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//booklet//booklet {__version__}//{event.language.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", clean(event.title))  # RFC 7986
    cal.add("x-wr-calname", clean(event.title))  # the same, for applications before RFC 7986
    cal.add("x-wr-timezone", event.timezone)
    stamp = build_stamp()
    for talk in timetable.scheduled:
        cal.add_component(vevent(timetable, talk, stamp))
    days = [t.start.date() for t in timetable.scheduled if t.start]
    if days:
        # the zone's rules over the event's years: small, and right for every talk
        first = date(min(days).year, 1, 1)
        last = date(max(days).year + 1, 1, 1) + timedelta(days=1)
        cal.add_missing_timezones(first_date=first, last_date=last)
    return cal


def vevent(timetable: Timetable, talk: Talk, stamp: datetime) -> icalendar.Event:
    views = timetable.views
    item = icalendar.Event()
    item.add("uid", timetable.uid(talk))
    item.add("dtstamp", stamp)
    item.add("dtstart", talk.start)
    if talk.end is not None:
        item.add("dtend", talk.end)
    item.add("summary", talk.title)
    item.add("description", description(talk))
    location = ", ".join(clean(p) for p in (talk.room, views.event.venue) if p)
    if location:
        item.add("location", location)
    categories = [clean(c) for c in (talk.session.title if talk.session else None,
                                     talk.contribution.type) if c]  # fmt: skip
    if categories:
        item.add("categories", categories)
    item.add("status", "CONFIRMED")
    item.add("transp", "OPAQUE")
    return item


def description(talk: Talk) -> str:
    """Speakers (with affiliations), then the abstract as plain text."""
    lines = []
    for s in talk.speakers:
        name = clean(s.name)
        lines.append(f"{name} ({clean(s.affiliation)})" if s.affiliation else name)
    if talk.abstract:
        lines += ["", talk.abstract]
    return "\n".join(lines).strip()
