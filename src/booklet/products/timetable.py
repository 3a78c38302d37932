"""The programme as the exports see it: talks with their times, rooms and identities.

The calendar (``ics``), the conference-app schedule (``frab``) and the HTML
page share this: which room a talk is in (its own, else its session's), a
stable identity for each talk (contribution id + event), the build's time
stamp, and text cleaned of characters that XML and iCalendar cannot hold.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from booklet.markup.inline import unescape_dollars
from booklet.model import Contribution, Event, Session, Speaker
from booklet.state import build_date
from booklet.views import Views

# C0 controls but tab and line breaks, lone surrogates and the two non-characters XML 1.0
# and RFC 5545 exclude: never in a loaded field, but a placeholder's title is shown as written.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
SLUG_MAX = 60
NAMESPACE = uuid.UUID("0b1e7a2c-6d3f-5c8e-9a41-b00c1e7e0001")  # booklet's own uuid5 namespace


def clean(text: str) -> str:
    """``text`` without the characters no export format may carry."""
    return FORBIDDEN.sub("", text)


def slugify(text: str, limit: int = SLUG_MAX) -> str:
    """``Mathématiques & IA 2024`` → ``mathematiques-ia-2024`` (ASCII, cut at a word)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug or "event"


@dataclass(frozen=True)
class Talk:
    """One contribution, as an entry of a timetable."""

    contribution: Contribution
    title: str  # as written: formulas as their source, $…$
    speakers: tuple[Speaker, ...]
    session: Session | None
    room: str | None  # its own, else its session's
    abstract: str | None  # plain text, formulas as written; None for a placeholder

    @property
    def id(self) -> str:
        return self.contribution.id

    @property
    def start(self) -> datetime | None:
        return self.contribution.start

    @property
    def end(self) -> datetime | None:
        return self.contribution.end

    @property
    def duration(self) -> int:
        return self.contribution.duration or 0

    @property
    def placeholder(self) -> bool:
        return self.abstract is None


class Timetable:
    """The talks of a build, in programme order, with their identities."""

    def __init__(self, views: Views) -> None:
        self.views = views
        self.event: Event = views.event
        self.slug = slugify(self.event.title)
        self.talks: list[Talk] = [self._talk(c) for c in views.contributions]
        self.numbers = integer_ids([t.id for t in self.talks])

    def _talk(self, c: Contribution) -> Talk:
        frag = self.views.fragments.get(c.id)
        placeholder = c.id in self.views.placeholders or frag is None
        session = self.event.session(c.session)
        return Talk(
            contribution=c,
            title=clean(unescape_dollars(c.title)),  # \$12 is printed $12
            speakers=c.speakers,
            session=session,
            room=clean(c.room or (session.room if session else None) or "") or None,
            abstract=None if placeholder else clean(frag.plain_abstract or ""),  # type: ignore[union-attr]
        )

    @property
    def scheduled(self) -> list[Talk]:
        return [t for t in self.talks if t.start is not None]

    @property
    def unscheduled(self) -> list[Talk]:
        return [t for t in self.talks if t.start is None]

    def uid(self, talk: Talk) -> str:
        """A calendar UID that stays the same from one build to the next."""
        return f"{talk.id}@{self.slug}"

    def guid(self, talk: Talk) -> str:
        """A UUID that stays the same from one build to the next (uuid5 of event and id)."""
        return str(uuid.uuid5(NAMESPACE, f"{self.slug}/{talk.id}"))

    def days(self) -> list[date]:
        """Every day of the event (declared, else those of its talks), in order."""
        declared = self.event.start_date, self.event.end_date
        if declared[0] and declared[1]:
            first, last = declared
            return [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return sorted({t.start.date() for t in self.scheduled if t.start})

    def note_unscheduled(self, what: str) -> str | None:
        """A note naming the talks that have no time and so are not in ``what``."""
        left = [t.id for t in self.unscheduled]
        if not left:
            return None
        shown = ", ".join(left[:10]) + (f" and {len(left) - 10} more" if len(left) > 10 else "")
        return f"{len(left)} contribution(s) without a start time left out of {what}: {shown}"


def integer_ids(ids: list[str]) -> dict[str, int]:
    """A positive integer per contribution id, the same in every build (apps need integers).

    A numeric id keeps its number; another one gets a number from a hash of it, above
    2^30 (so never a small numeric id's), moved on in the rare case two collide.
    """
    numbers: dict[str, int] = {}
    for cid in ids:
        if cid.isdigit() and 0 < int(cid) < 2**30:
            numbers[cid] = int(cid)
    taken = set(numbers.values())
    for cid in ids:
        if cid in numbers:
            continue
        n = 2**30 + int(hashlib.sha256(cid.encode()).hexdigest(), 16) % 2**30
        while n in taken:
            n = 2**30 + (n + 1) % 2**30
        numbers[cid] = n
        taken.add(n)
    return numbers


def person_id(speaker: Speaker) -> int:
    """A positive integer for a speaker, the same in every build (from the name)."""
    return 1 + int(hashlib.sha256(speaker.name.casefold().encode()).hexdigest(), 16) % 2**30


def build_stamp() -> datetime:
    """When this build happened, as calendars want it (UTC): SOURCE_DATE_EPOCH when set,
    else the start of the build's day, so that a rebuild on the same day is identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    today = build_date()
    return datetime(today.year, today.month, today.day, tzinfo=UTC)
