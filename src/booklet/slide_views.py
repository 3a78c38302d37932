"""What the session slides show: per session (or per day), its talks and what follows each.

Decks are the handouts' groups (:meth:`booklet.views.Views.handouts`): one
per session, and one per day for talks without a session. Each deck is a
session slide, one holding slide per talk (shown before the talk: its title,
speakers, time, and what comes after it) and a closing slide: the next
session in the same room that day, else the next one that day, else the end
of the day (with the next day's first session) or of the conference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from booklet.diagnostics import display_path
from booklet.language import BABEL_NAMES
from booklet.markup.escape import NoEscape, escape_text
from booklet.model import Contribution, Speaker
from booklet.views import HandoutView, Views

NEXT_SPEAKERS_MAX = 3  # more speakers of the next talk: the first two, "et al."
SPEAKER_LINES_MAX = 4  # more: names run in, affiliations numbered (a byline)


@dataclass(frozen=True)
class SpeakerGroup:
    """Consecutive speakers who share an affiliation."""

    names: str
    affiliation: str | None


@dataclass(frozen=True)
class BylineName:
    name: str
    mark: str  # the number of the speaker's affiliation, or empty


@dataclass(frozen=True)
class BylineAffiliation:
    mark: str
    text: str


@dataclass(frozen=True)
class Byline:
    """Many speakers as papers list them: names with numbers, then each affiliation once."""

    names: tuple[BylineName, ...]
    affiliations: tuple[BylineAffiliation, ...]


@dataclass(frozen=True)
class NextView:
    """What follows a talk: the next talk, the next session, or the end of the day."""

    label: str
    time: str
    title: NoEscape
    language: str  # babel name
    details: str


@dataclass(frozen=True)
class TalkSlide:
    id: NoEscape  # a validated id: safe as it is
    source: str
    title: NoEscape
    language: str  # babel name
    start: str  # ``09:30``, or empty when unscheduled
    time: str  # ``09:30–10:30``, or empty when unscheduled
    details: str  # ``60 min``, and the room when it is not the deck's
    speakers: tuple[SpeakerGroup, ...]
    byline: Byline | None  # instead of the groups, when there are many
    speaker_names: str  # short: for lists
    next: NextView
    placeholder: str | None  # for a contribution with errors: its title is shown as written


@dataclass(frozen=True)
class ClosingSlide:
    heading: str  # "End of the day"; empty when a session follows the same day
    label: str  # "Next session", when one follows; else empty
    title: str  # the next session's title
    when: str  # its time (and day, when it is another day)
    room: str  # ``Room: Amphi A``, or empty

    @property
    def details(self) -> str:
        return " · ".join(part for part in (self.when, self.room) if part)


@dataclass(frozen=True)
class Deck:
    key: NoEscape  # file stem: the session id, or day-YYYY-MM-DD (safe by construction)
    title: str  # the session's title, or "Programme · <day>"
    heading: str  # the first slide's title: the session's, or "Programme" (the day is below)
    day: str
    time: str  # the time span, or empty
    room: str | None
    chair: str | None
    talks: tuple[TalkSlide, ...]
    closing: ClosingSlide


@dataclass(frozen=True)
class _Group:
    """A deck's raw material: its handout and its contributions."""

    handout: HandoutView
    talks: tuple[Contribution, ...]

    @property
    def start(self) -> datetime | None:
        timed = [c.start for c in self.talks if c.start is not None]
        return min(timed) if timed else None

    @property
    def end(self) -> datetime | None:
        ends = [c.end or c.start for c in self.talks if c.start is not None]
        return max(ends) if ends else None  # type: ignore[type-var]

    def start_after(self, moment: datetime) -> datetime | None:
        """When the group next has a talk from ``moment`` on: a session, when it starts;
        a day's talks outside sessions (they may come before, between and after the day's
        sessions), the first of them that starts then or later."""
        if self.is_session:
            return self.start
        later = [c.start for c in self.talks if c.start is not None and c.start >= moment]
        return min(later) if later else None

    @property
    def is_session(self) -> bool:
        return self.talks[0].session is not None

    @property
    def day(self) -> date | None:
        start = self.start
        return start.date() if start else None


def slide_decks(views: Views) -> list[Deck]:
    """One deck per handout, in the same order."""
    by_key: dict[str, list[Contribution]] = {}
    for c in views.contributions:
        by_key.setdefault(views.handout_key(c), []).append(c)
    groups = [_Group(h, tuple(by_key[str(h.key)])) for h in views.handouts()]
    return [_deck(views, group, groups) for group in groups]


def _deck(views: Views, group: _Group, groups: list[_Group]) -> Deck:
    fmt = views.fmt
    start, end = group.start, group.end
    closing = _closing(views, group, groups)
    if closing.heading:  # after the last talk, the day (or the session) ends
        last_next = NextView(closing.heading, "", NoEscape(""), "", "")
    else:
        last_next = NextView(closing.label, closing.when, escape_text(closing.title),
                             BABEL_NAMES[views.event.language], closing.room)  # fmt: skip
    talks = group.talks
    slides = []
    for n, c in enumerate(talks):
        following = _next_talk(views, talks[n + 1]) if n + 1 < len(talks) else last_next
        slides.append(_talk(views, c, group, following))
    return Deck(
        key=group.handout.key,
        title=group.handout.title,
        heading=group.handout.title if group.is_session or not start else views.labels.programme,
        day=fmt.days(_days(talks)) if start else "",
        time=fmt.time_span(start, end if end != start else None) if start else "",
        room=group.handout.room,
        chair=group.handout.chair,
        talks=tuple(slides),
        closing=closing,
    )


def _talk(views: Views, c: Contribution, group: _Group, following: NextView) -> TalkSlide:
    fmt, labels = views.fmt, views.labels
    details = [f"{c.duration} {labels.minutes}"] if c.duration and c.start else []
    room = views.room_label(c)
    if room and c.room and c.room != group.handout.room:
        details.append(room)
    placeholder = views.placeholders.get(c.id)
    groups = speaker_groups(c.speakers)
    return TalkSlide(
        id=NoEscape(c.id),
        source=display_path(c.origin.path),
        title=views.title(c),
        language=BABEL_NAMES[c.language],
        start=fmt.time(c.start) if c.start else "",
        time=fmt.time_span(c.start, c.end) if c.start else "",
        details=" · ".join(details),
        speakers=groups,
        byline=byline(c.speakers) if len(groups) > SPEAKER_LINES_MAX else None,
        speaker_names=short_names(c.speakers, labels.et_al),
        next=following,
        placeholder=labels.shown_as_written if placeholder else None,
    )


def _next_talk(views: Views, c: Contribution) -> NextView:
    return NextView(
        label=views.labels.next,
        time=views.fmt.time(c.start) if c.start else "",
        title=views.title(c),
        language=BABEL_NAMES[c.language],
        details=short_names(c.speakers, views.labels.et_al),
    )


def speaker_groups(speakers: Iterable[Speaker]) -> tuple[SpeakerGroup, ...]:
    """``Ada Lovelace, Charles Babbage`` / ``University of London``: consecutive speakers
    with the same affiliation are named together, above it."""
    groups: list[tuple[list[str], str | None]] = []
    for s in speakers:
        if groups and s.affiliation and groups[-1][1] == s.affiliation:
            groups[-1][0].append(s.name)
        else:
            groups.append(([s.name], s.affiliation))
    return tuple(SpeakerGroup(", ".join(names), affiliation) for names, affiliation in groups)


def byline(speakers: Iterable[Speaker]) -> Byline:
    """Names numbered by affiliation (numbered only when there are several affiliations)."""
    speakers = tuple(speakers)
    numbers: dict[str, int] = {}
    for s in speakers:
        if s.affiliation:
            numbers.setdefault(s.affiliation, len(numbers) + 1)
    numbered = len(numbers) > 1
    names = tuple(
        BylineName(s.name, str(numbers[s.affiliation]) if numbered and s.affiliation else "")
        for s in speakers
    )
    affiliations = tuple(
        BylineAffiliation(str(n) if numbered else "", text) for text, n in numbers.items()
    )
    return Byline(names, affiliations)


def short_names(speakers: tuple[Speaker, ...], et_al: str) -> str:
    """All the names, or the first two and ``et al.`` when there are many."""
    names = [s.name for s in speakers]
    if len(names) > NEXT_SPEAKERS_MAX:
        return f"{', '.join(names[:2])} {et_al}"
    return ", ".join(names)


def _closing(views: Views, group: _Group, groups: list[_Group]) -> ClosingSlide:
    labels = views.labels
    start, end = group.start, group.end
    if start is None or end is None:
        return ClosingSlide(labels.end_of_session, "", "", "", "")
    room = group.handout.room
    starts = {id(g): g.start_after(end) for g in groups}  # when each has its next talk

    def follows(g: _Group) -> bool:  # a session in this room may start before this one ends
        same_room = bool(room) and g.handout.room == room
        begins = starts[id(g)]
        return begins is not None and begins > start and (begins >= end or same_room)

    def begins(g: _Group) -> datetime:
        moment = starts[id(g)]
        assert moment is not None
        return moment

    later = [g for g in groups if g is not group and follows(g)]
    same_day = [g for g in later if g.day == end.date()]
    if same_day:  # the next session in this room, else the next one
        in_room = [g for g in same_day if room and g.handout.room == room]
        follow = min(in_room or same_day, key=begins)
        return _next_session(views, follow, begins(follow), heading="", with_day=False)
    next_days = [g for g in later if g.day is not None and g.day > end.date()]
    if next_days:  # the next day's first session, in this room if two start together
        first = min(map(begins, next_days))
        earliest = [g for g in next_days if begins(g) == first]
        follow = next((g for g in earliest if room and g.handout.room == room), earliest[0])
        return _next_session(views, follow, first, heading=labels.end_of_day, with_day=True)
    last_day = views.event.end_date
    if last_day is not None and last_day > end.date():
        return ClosingSlide(labels.end_of_day, "", "", "", "")
    return ClosingSlide(labels.end_of_conference, "", "", "", "")


def _next_session(views: Views, group: _Group, begins: datetime, *, heading: str,
                  with_day: bool) -> ClosingSlide:  # fmt: skip
    labels, fmt = views.labels, views.fmt
    when = fmt.time(begins)
    if with_day and group.is_session:  # a day's programme has the day in its title
        when = f"{fmt.day(begins.date())}, {when}"
    room = group.handout.room
    if not group.is_session:  # the room of the talk that comes next
        talk = next(c for c in group.talks if c.start == begins)
        room = talk.room or room
    room_label = f"{labels.room}{labels.colon}{room}" if room else ""
    return ClosingSlide(heading, labels.next_session, group.handout.title, when, room_label)


def _days(talks: Iterable[Contribution]) -> tuple[date, ...]:
    return tuple(sorted({c.start.date() for c in talks if c.start is not None}))
