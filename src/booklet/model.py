"""The validated programme: frozen records, each knowing where it came from.

Produced by :mod:`booklet.load`; read by every later stage. Text fields hold
the author's text as written (Unicode-normalised), never escaped: escaping
happens when a fragment is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

from booklet.diagnostics import Origin

Language = Literal["fr", "en"]
Paper = Literal["a5", "a4", "letter"]

LANGUAGES: tuple[str, ...] = ("fr", "en")
PAPERS: tuple[str, ...] = ("a5", "a4", "letter")
ASPECTS: tuple[str, ...] = ("16:9", "16:10", "4:3")  # of the session slides


@dataclass(frozen=True)
class Speaker:
    family: str
    given: str
    affiliation: str | None
    origin: Origin

    @property
    def name(self) -> str:
        """The name as printed in running text: ``Given Family``."""
        return f"{self.given} {self.family}".strip()

    @property
    def sort_name(self) -> str:
        """The name as printed in an index: ``Family, Given``."""
        return f"{self.family}, {self.given}" if self.given else self.family


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    chair: str | None
    room: str | None
    origin: Origin


@dataclass(frozen=True)
class Contribution:
    id: str
    title: str
    speakers: tuple[Speaker, ...]
    abstract: str
    language: Language
    origin: Origin  # the file, line 1
    abstract_line: int  # the file's line where the abstract's first line is
    type: str | None = None
    start: datetime | None = None  # aware, in the event's timezone
    duration: int | None = None  # minutes
    session: str | None = None
    room: str | None = None  # overrides the session's room
    field_origins: Mapping[str, Origin] = field(default_factory=dict, compare=False)

    def origin_of(self, name: str) -> Origin:
        """Where field ``name`` was written (the file's first line if unknown)."""
        return self.field_origins.get(name, self.origin)

    @property
    def end(self) -> datetime | None:
        if self.start is None or self.duration is None:
            return None
        return self.start + timedelta(minutes=self.duration)

    @property
    def day(self) -> date | None:
        return self.start.date() if self.start else None

    @property
    def label(self) -> str:
        """The cross-reference label of this contribution (ids are validated as safe)."""
        return f"contribution-{self.id}"


@dataclass(frozen=True)
class SlideSettings:
    """``slides:`` in event.yaml: how the session slides are made."""

    aspect: str = "16:9"  # one of ASPECTS


@dataclass(frozen=True)
class PrintSettings:
    """``print:`` in event.yaml: how the print-shop files are made (lengths in mm)."""

    bleed: float = 0.0  # around the trim; with crop marks outside it
    crop_marks: bool = False
    grayscale: bool = False
    binding: float | None = 0.0  # extra inner margin; None: grows with the page count
    creep: float = 0.0  # innermost sheet's shift towards the fold, in the imposed file
    padding: Literal["notes", "blank"] = "notes"  # the pages added to reach a multiple of 4


@dataclass(frozen=True)
class Event:
    title: str
    language: Language
    timezone: str
    origin: Origin
    subtitle: str | None = None
    short_title: str | None = None  # for running heads
    venue: str | None = None
    paper: Paper = "a5"
    sessions: tuple[Session, ...] = ()
    start_date: date | None = None  # the event's days, when given
    end_date: date | None = None
    abstract_max_words: int = 600
    slides: SlideSettings = SlideSettings()
    logo: Path | None = None  # an image in the content folder (validated), on the cover
    print_settings: PrintSettings = PrintSettings()
    field_origins: Mapping[str, Origin] = field(default_factory=dict, compare=False)

    def origin_of(self, name: str) -> Origin:
        return self.field_origins.get(name, self.origin)

    def session(self, session_id: str | None) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)


@dataclass(frozen=True)
class Programme:
    """An event and its contributions, in programme order (time, then id)."""

    event: Event
    contributions: tuple[Contribution, ...]

    @property
    def days(self) -> tuple[date, ...]:
        return tuple(sorted({c.day for c in self.contributions if c.day is not None}))
