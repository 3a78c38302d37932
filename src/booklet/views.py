"""What templates see: the programme arranged for reading, in the event's language.

Values here are plain text (escaped at render time) or
:class:`~pylatex.utils.NoEscape` LaTeX made by the mark-up stage. Products
share these views; each template takes the slice it needs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from booklet.collation import initial, sort_key
from booklet.diagnostics import display_path
from booklet.language import BABEL_NAMES, LABELS, Formatter, Labels
from booklet.markup import Fragments
from booklet.markup.charset import printable_text
from booklet.markup.escape import NoEscape, escape_text
from booklet.model import Contribution, Event, Programme, Session

SHORT_TITLE_MAX = 60


@dataclass(frozen=True)
class SpeakerView:
    name: str
    affiliation: str | None


@dataclass(frozen=True)
class ContributionView:
    id: NoEscape  # a validated id: safe as it is
    label: NoEscape  # a validated id: safe as it is
    source: str
    title: NoEscape
    bookmark: str
    running_head: str
    speakers: tuple[SpeakerView, ...]
    speaker_names: str
    when: str  # day, time span and duration
    time: str  # the time span alone
    session: str | None
    room: str | None  # its own room, else its session's
    type: str | None
    language: str
    abstract: NoEscape
    placeholder: str | None = None  # why it could not be typeset, when it could not


@dataclass(frozen=True)
class EntryView:
    time: str
    title: NoEscape
    language: str  # babel name of the title's language
    speakers: str
    label: NoEscape  # a validated id: safe as it is


@dataclass
class SessionBlock:
    title: str | None
    details: str
    entries: list[EntryView] = field(default_factory=list)


@dataclass(frozen=True)
class ProgrammeGroup:
    """Talks listed under one heading: a session's, or a run of talks outside sessions."""

    session: Session | None
    talks: list[Contribution]


@dataclass(frozen=True)
class DayView:
    title: str
    sessions: tuple[SessionBlock, ...]


@dataclass(frozen=True)
class IndexEntry:
    name: str
    labels: tuple[NoEscape, ...]


@dataclass(frozen=True)
class IndexGroup:
    letter: str
    entries: tuple[IndexEntry, ...]


@dataclass(frozen=True)
class HandoutView:
    """One session's (or, for talks without a session, one day's) handout."""

    key: NoEscape  # file stem: the session id, or day-YYYY-MM-DD (safe by construction)
    title: str
    when: str  # the day(s) and the time span
    room: str | None
    chair: str | None
    contributions: tuple[ContributionView, ...]


@dataclass(frozen=True)
class EventView:
    title: str
    short_title: str
    subtitle: str | None
    venue: str | None
    dates: str
    language: str


class Views:
    """Builds the views of one programme, with its fragments."""

    def __init__(
        self,
        programme: Programme,
        fragments: dict[str, Fragments],
        placeholders: dict[str, str] | None = None,
    ) -> None:
        self.programme = programme
        self.event: Event = programme.event
        self.fragments = fragments
        # contribution id -> why it is not typeset; it gets a marked placeholder instead
        self.placeholders: dict[str, str] = placeholders if placeholders is not None else {}
        self.fmt = Formatter(self.event.language)
        self.labels: Labels = LABELS[self.event.language]
        self.contributions = tuple(
            c for c in programme.contributions if c.id in fragments or c.id in self.placeholders
        )

    def event_days(self) -> tuple[date, ...]:
        """The event's days as declared, else the days of its talks."""
        if self.event.start_date and self.event.end_date:
            return (self.event.start_date, self.event.end_date)
        return self.programme.days

    def plain_title(self, c: Contribution) -> str:
        """The title as plain text, formulas spelt in Unicode (for bookmarks, HTML, metadata)."""
        frag = self.fragments.get(c.id)
        return frag.plain_title if frag else c.title

    def contribution_by_id(self, cid: str) -> Contribution:
        return next(c for c in self.programme.contributions if c.id == cid)

    def title(self, c: Contribution) -> NoEscape:
        """The typeset title, or the title as plain text for a placeholder."""
        if c.id in self.fragments and c.id not in self.placeholders:
            return self.fragments[c.id].title
        return escape_text(printable_text(c.title))

    def common(self) -> dict[str, object]:
        """Context every template gets."""
        languages = {BABEL_NAMES[c.language] for c in self.contributions}
        main = BABEL_NAMES[self.event.language]
        return {
            "event": self.event_view(),
            "labels": self.labels,
            "paper": self.event.paper,
            "document_language": main,
            # babel's main language is the last one loaded
            "babel_languages": [*sorted(languages - {main}), main],
        }

    def event_view(self) -> EventView:
        title = self.event.title
        short = self.event.short_title or title
        if len(short) > SHORT_TITLE_MAX:  # cut at a word boundary
            short = short[: SHORT_TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return EventView(
            title=title,
            short_title=short,
            subtitle=self.event.subtitle,
            venue=self.event.venue,
            dates=self.fmt.days(self.event_days()),
            language=self.event.language,
        )

    def contribution(self, c: Contribution) -> ContributionView:
        frag = self.fragments.get(c.id)
        placeholder = self.placeholders.get(c.id)
        session = self.event.session(c.session)
        return ContributionView(
            id=NoEscape(c.id),
            label=NoEscape(c.label),
            source=display_path(c.origin.path),
            title=self.title(c),
            bookmark=printable_text(self.plain_title(c)),
            running_head=session.title if session else self.labels.abstracts,
            speakers=tuple(SpeakerView(s.name, s.affiliation) for s in c.speakers),
            speaker_names=", ".join(s.name for s in c.speakers),
            when=self.when(c),
            time=self.fmt.time_span(c.start, c.end) if c.start else self.labels.unscheduled,
            session=session.title if session else None,
            room=self.room_label(c),
            type=c.type,
            language=BABEL_NAMES[c.language],
            abstract=frag.abstract if frag and not placeholder else NoEscape(""),
            placeholder=printable_text(placeholder) if placeholder else None,
        )

    def when(self, c: Contribution) -> str:
        if c.start is None:
            return self.labels.unscheduled
        span = self.fmt.time_span(c.start, c.end)
        duration = f" ({c.duration} {self.labels.minutes})" if c.duration else ""
        return f"{self.fmt.day(c.start.date())}, {span}{duration}"

    def programme_groups(self) -> list[tuple[date | None, list[ProgrammeGroup]]]:
        """Per day (unscheduled talks last), the talks of each session under one heading,
        sessions in the order they start (parallel sessions one after the other), talks
        outside sessions in runs between them. The booklet and the web page both list this."""
        by_day: dict[date | None, list[Contribution]] = defaultdict(list)
        for c in self.contributions:
            by_day[c.day].append(c)
        days = []
        for day in sorted(by_day, key=lambda d: (d is None, d or date.min)):
            groups: dict[object, ProgrammeGroup] = {}
            run = 0  # talks without a session: one group per run of them
            for c in by_day[day]:
                session = self.event.session(c.session)
                key: object = session.id if session else ("run", run)
                if session is not None:
                    run += 1
                if key not in groups:
                    groups[key] = ProgrammeGroup(session, [])
                groups[key].talks.append(c)
            days.append((day, list(groups.values())))
        return days

    def in_programme_order(self) -> list[Contribution]:
        """The contributions as :meth:`programme_groups` lists them: with parallel
        sessions, a session's talks follow one another, as in the programme at a glance."""
        return [c for _, groups in self.programme_groups() for g in groups for c in g.talks]

    def programme_days(self) -> list[DayView]:
        """The programme at a glance: :meth:`programme_groups` as LaTeX fragments."""
        days = []
        for day, groups in self.programme_groups():
            blocks = [
                SessionBlock(
                    group.session.title if group.session else None,
                    self.session_details(group.session),
                    [
                        EntryView(
                            time=self.fmt.time_span(c.start, c.end) if c.start else "",
                            title=self.title(c),
                            language=BABEL_NAMES[c.language],
                            speakers=self._entry_people(c),
                            label=NoEscape(c.label),
                        )
                        for c in group.talks
                    ],
                )
                for group in groups
            ]
            title = self.fmt.day(day) if day else self.labels.unscheduled
            days.append(DayView(title, tuple(blocks)))
        return days

    def _entry_people(self, c: Contribution) -> str:
        """The speakers, and the room when the talk is not in its session's room."""
        people = ", ".join(s.name for s in c.speakers)
        session = self.event.session(c.session)
        if c.room and c.room != (session.room if session else None):
            return f"{people} · {self.room_label(c)}" if people else self.room_label(c) or ""
        return people

    def room_label(self, c: Contribution) -> str | None:
        """``Salle : Amphi A`` for the contribution's room (its own, else its session's)."""
        session = self.event.session(c.session)
        room = c.room or (session.room if session else None)
        return f"{self.labels.room}{self.labels.colon}{room}" if room else None

    def session_details(self, session: Session | None) -> str:
        """``Salle : Amphi A · Président : …`` for a session heading."""
        if session is None:
            return ""
        parts = []
        if session.room:
            parts.append(f"{self.labels.room}{self.labels.colon}{session.room}")
        if session.chair:
            parts.append(f"{self.labels.chair}{self.labels.colon}{session.chair}")
        return " · ".join(parts)

    def speaker_index(self) -> list[IndexGroup]:
        """Speakers sorted by family then given name, grouped by initial letter."""
        labels: dict[tuple[str, str], list[NoEscape]] = defaultdict(list)
        names: dict[tuple[str, str], str] = {}
        for c in self.contributions:
            for s in c.speakers:
                key = (s.family.casefold(), s.given.casefold())
                names.setdefault(key, s.sort_name)
                if c.label not in labels[key]:
                    labels[key].append(NoEscape(c.label))
        ordered = sorted(names, key=lambda k: (sort_key(k[0]), sort_key(k[1])))
        groups: dict[str, list[IndexEntry]] = {}
        for key in ordered:
            groups.setdefault(initial(names[key]), []).append(
                IndexEntry(names[key], tuple(labels[key]))
            )
        return [IndexGroup(letter, tuple(entries)) for letter, entries in groups.items()]

    def handouts(self) -> list[HandoutView]:
        """Per session, in the order of their first talk; talks without a session, per day."""
        groups: dict[str, list[Contribution]] = {}
        for c in self.contributions:
            groups.setdefault(self.handout_key(c), []).append(c)
        handouts = []
        for key, talks in groups.items():
            session = self.event.session(talks[0].session) if talks[0].session else None
            room = (session.room if session else None) or _common(c.room for c in talks)
            if session is not None:
                title = session.title
            elif talks[0].day is not None:
                title = f"{self.labels.programme} · {self.fmt.day(talks[0].day)}"
            else:
                title = self.labels.unscheduled
            handouts.append(
                HandoutView(
                    key=NoEscape(key),
                    title=title,
                    when=self.span(talks),
                    room=room,
                    chair=session.chair if session else None,
                    contributions=tuple(self.contribution(c) for c in talks),
                )
            )
        return handouts

    @staticmethod
    def handout_key(c: Contribution) -> str:
        """The handout a contribution goes into (a safe file stem)."""
        if c.session:
            return c.session
        return f"day-{c.day.isoformat()}" if c.day else "unscheduled"

    def span(self, talks: list[Contribution]) -> str:
        """``jeudi 23 mai 2024, 09:30–13:00``: the days and times a group of talks covers."""
        timed = [c for c in talks if c.start is not None]
        if not timed:
            return self.labels.unscheduled
        start = min(c.start for c in timed)  # type: ignore[type-var]
        end = max((c.end or c.start) for c in timed)  # type: ignore[type-var]
        days = self.fmt.days(tuple(sorted({c.start.date() for c in timed})))  # type: ignore[union-attr]
        return f"{days}, {self.fmt.time_span(start, end)}"

    def source_dir(self) -> Path:
        return self.event.origin.path.parent


def _common(values: Iterable[str | None]) -> str | None:
    """The one value all items share, else None."""
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None
