"""Checks across contributions: duplicate ids, clashes, dates, lengths."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from booklet.diagnostics import Diagnostics
from booklet.model import Contribution, Event


def check_programme(
    event: Event, contributions: list[Contribution], diags: Diagnostics
) -> list[Contribution]:
    """Report cross-contribution problems; return the contributions to keep."""
    kept: list[Contribution] = []
    by_id: dict[str, Contribution] = {}
    for c in contributions:
        first = by_id.get(c.id)
        if first is not None:
            diags.error(
                c.origin_of("id"),
                f"contribution id '{c.id}' is already used by {first.origin.path.name}; "
                "ids must be unique",
            )
            continue
        by_id[c.id] = c
        kept.append(c)
    _speaker_clashes(kept, diags)
    _room_clashes(event, kept, diags)
    for c in kept:
        _within_event_days(event, c, diags)
        _abstract_length(event, c, diags)
    return kept


def overlapping(talks: list[Contribution]) -> Iterator[tuple[Contribution, Contribution]]:
    """Pairs (earlier, later) of timed talks where the later starts before the earlier ends."""
    timed = [c for c in talks if c.start is not None and c.end is not None]
    timed.sort(key=lambda c: c.start)  # type: ignore[arg-type, return-value]
    latest: Contribution | None = None  # the talk seen so far that ends last
    for c in timed:
        if latest is not None and c.start < latest.end:  # type: ignore[operator]
            yield latest, c
        if latest is None or c.end > latest.end:  # type: ignore[operator]
            latest = c


def _speaker_clashes(contributions: list[Contribution], diags: Diagnostics) -> None:
    """A speaker cannot give two talks at once."""
    talks: dict[tuple[str, str], list[Contribution]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for c in contributions:
        for s in c.speakers:
            key = (s.family.casefold(), s.given.casefold())
            names[key] = s.name
            if c not in talks[key]:  # a speaker listed twice in one talk is not a clash
                talks[key].append(c)
    for key, items in talks.items():
        for a, b in overlapping(items):
            diags.warning(
                b.origin_of("start"),
                f"{names[key]} also speaks at the same time in contribution {a.id} "
                f"({a.origin.path.name})",
            )


def room_of(event: Event, c: Contribution) -> str | None:
    """The contribution's own room, else its session's."""
    if c.room:
        return c.room
    session = event.session(c.session)
    return session.room if session else None


def _room_clashes(event: Event, contributions: list[Contribution], diags: Diagnostics) -> None:
    """Two talks in one room at the same time."""
    by_room: dict[str, list[Contribution]] = defaultdict(list)
    for c in contributions:
        room = room_of(event, c)
        if room:
            by_room[room.casefold()].append(c)
    for items in by_room.values():
        for a, b in overlapping(items):
            diags.warning(
                b.origin_of("start"),
                f"contribution {b.id} overlaps contribution {a.id} ({a.origin.path.name}) "
                f"in room {room_of(event, b)}",
            )


def _within_event_days(event: Event, c: Contribution, diags: Diagnostics) -> None:
    if c.day is None or event.start_date is None or event.end_date is None:
        return
    if not event.start_date <= c.day <= event.end_date:
        span = (
            str(event.start_date)
            if event.start_date == event.end_date
            else f"{event.start_date} to {event.end_date}"
        )
        diags.error(
            c.origin_of("start"),
            f"contribution {c.id} starts on {c.day}, outside the event's days ({span})",
        )


def _abstract_length(event: Event, c: Contribution, diags: Diagnostics) -> None:
    words = len(c.abstract.split())
    if words > event.abstract_max_words:
        diags.error(
            c.origin.at(c.abstract_line - 1),
            f"the abstract has {words} words, more than the {event.abstract_max_words} allowed "
            "(abstract_max_words in event.yaml)",
        )
