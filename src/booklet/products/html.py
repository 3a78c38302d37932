"""The programme as one web page: ``OUT/programme.html``, for reading on a phone.

One self-contained file (its style inlined, no script, no font or anything
else fetched from elsewhere, so it works offline): the programme at a glance
(days, sessions, talks with times, rooms and speakers, each title linking to
its abstract), then every abstract under an anchor ``#contribution-<id>``,
formulas as MathML. Titles and abstracts are HTML that pandoc wrote from the
sanitised AST (marked safe); every other value is escaped by the template.
A contribution with errors (``--keep-going``) is listed with its title as
written and no abstract, marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_date
from markupsafe import Markup, escape

from booklet import __version__
from booklet.markup.charset import normalize_spaces
from booklet.model import Contribution
from booklet.output import write_text
from booklet.products.context import BuildContext, Compiled
from booklet.products.timetable import clean
from booklet.render import html_environment
from booklet.views import Views

TEMPLATE = "programme.html.jinja"


@dataclass(frozen=True)
class Entry:
    """A line of the programme at a glance."""

    id: str
    time: str
    title: Markup
    people: str  # speakers, and the room when it is not the session's


@dataclass
class Block:
    """Consecutive talks of one session (or of none) on one day."""

    title: str | None
    details: str
    entries: list[Entry] = field(default_factory=list)


@dataclass(frozen=True)
class Day:
    anchor: str  # day-YYYY-MM-DD, or unscheduled
    title: str
    short: str  # for the navigation: the weekday and date
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Speaker:
    name: str
    affiliation: str | None


@dataclass(frozen=True)
class Article:
    """One contribution's abstract."""

    id: str
    title: Markup
    speakers: tuple[Speaker, ...]
    when: str
    session: str | None
    room: str | None
    type: str | None
    language: str
    abstract: Markup | None  # None: it has errors (a placeholder)


class Page:
    name = "html"
    documents = ()
    formats = ("html",)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        dest = ctx.out / "programme.html"
        write_text(dest, render_page(ctx))
        return [dest]


def render_page(ctx: BuildContext) -> str:
    views = ctx.views
    template = html_environment(ctx.template_dirs).get_template(TEMPLATE)
    days = programme(views)
    return template.render(
        event=views.event_view(), labels=views.labels, days=days,
        contributions=[article(views, c) for c in views.in_programme_order()],
        generator=f"booklet {__version__}",
    )  # fmt: skip


def title_html(views: Views, c: Contribution) -> Markup:
    """The title as pandoc wrote it (formulas as MathML), or escaped as written."""
    frag = views.fragments.get(c.id)
    if frag is not None and frag.html_title is not None and c.id not in views.placeholders:
        return Markup(frag.html_title)  # pandoc's HTML of the sanitised title
    return escape(clean(c.title))


def programme(views: Views) -> list[Day]:
    """The programme at a glance (:meth:`Views.programme_groups`), titles as HTML."""
    days = []
    for day, groups in views.programme_groups():
        blocks = tuple(
            Block(
                group.session.title if group.session else None,
                clean(views.session_details(group.session)),
                [Entry(id=c.id, time=views.fmt.time_span(c.start, c.end) if c.start else "",
                       title=title_html(views, c), people=entry_people(views, c))
                 for c in group.talks],
            )
            for group in groups
        )
        if day is None:
            days.append(Day("unscheduled", views.labels.unscheduled, views.labels.unscheduled,
                            blocks))  # fmt: skip
        else:
            short = normalize_spaces(format_date(day, "EEE d MMM", locale=views.fmt.locale))
            days.append(Day(f"day-{day.isoformat()}", views.fmt.day(day), short, blocks))
    return days


def entry_people(views: Views, c: Contribution) -> str:
    """The speakers, and the room when the talk is not in its session's room."""
    people = ", ".join(s.name for s in c.speakers)
    session = views.event.session(c.session)
    if c.room and c.room != (session.room if session else None):
        room = (views.room_label(c) or "").replace(" ", "\u00a0")  # kept on one line
        people = " · ".join(p for p in (people, room) if p)
    return clean(people)


def article(views: Views, c: Contribution) -> Article:
    frag = views.fragments.get(c.id)
    placeholder = c.id in views.placeholders or frag is None or frag.html_abstract is None
    session = views.event.session(c.session)
    return Article(
        id=c.id,
        title=title_html(views, c),
        speakers=tuple(Speaker(clean(s.name), clean(s.affiliation) if s.affiliation else None)
                       for s in c.speakers),
        when=views.when(c),
        session=clean(session.title) if session else None,
        room=clean(views.room_label(c) or "") or None,
        type=clean(c.type) if c.type else None,
        language=c.language,
        # pandoc's HTML of the sanitised abstract: no raw HTML, links http(s)/mailto only
        abstract=None if placeholder else Markup(frag.html_abstract),  # type: ignore[union-attr]
    )  # fmt: skip
