"""What an importer reads from a source, before it is written as content files.

Each reader (Indico, frab, CSV) turns its source into these neutral records;
:mod:`booklet.importers.convert` then does what is common to all of them
(ids, times in the event's timezone, HTML to Markdown, dollars) and
:mod:`booklet.importers.sync` writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from booklet.diagnostics import Origin

TextKind = Literal["markdown", "html", "plain"]


@dataclass
class Person:
    family: str
    given: str = ""
    affiliation: str | None = None


@dataclass
class Talk:
    ids: list[object]  # candidate ids from the source, best first (validated later)
    title: str
    origin: Origin  # where the source gives it
    text: str = ""  # the abstract as the source gives it
    text_kind: TextKind = "markdown"
    type: str | None = None
    start: datetime | None = None  # aware (converted to the event's timezone), or naive local
    duration: int | None = None  # minutes
    session: str | None = None  # a session id (see ImportedEvent.sessions)
    room: str | None = None
    language: str | None = None
    speakers: list[Person] = field(default_factory=list)
    describe: str = ""  # how messages name it, e.g. "contribution 42 'Title'"


@dataclass
class ImportedSession:
    id: str
    title: str
    chair: str | None = None
    room: str | None = None


@dataclass
class ImportedEvent:
    """The event's fields the source knows; None where it does not say."""

    title: str | None = None
    timezone: str | None = None
    venue: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    sessions: list[ImportedSession] = field(default_factory=list)


@dataclass
class Imported:
    event: ImportedEvent
    talks: list[Talk]
    dollars: str | None = None  # what a $ means, when the source says (a CSV mapping)
