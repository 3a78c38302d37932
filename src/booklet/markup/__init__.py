"""Stage 2, mark up: the programme's text as safe LaTeX fragments.

Titles and abstracts are the only fields that carry markup (``$math$``, and
Markdown for abstracts); all other fields are plain text, escaped when
rendered. The exports ask for more: titles and abstracts as HTML (formulas as
MathML), abstracts as plain text (formulas as written).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from booklet.diagnostics import Diagnostics, Origin
from booklet.markup.cache import MarkupCache
from booklet.markup.charset import check_printable
from booklet.markup.escape import NoEscape
from booklet.markup.inline import inline_to_ast, inline_to_latex, inline_to_plain
from booklet.markup.markdown import MarkdownSource, convert_markdown
from booklet.markup.pandoc import Format, run_batch
from booklet.model import Contribution, Programme


@dataclass(frozen=True)
class Fragments:
    """The LaTeX of one contribution's marked-up fields."""

    title: NoEscape
    plain_title: str  # the title as plain text (formulas spelt in Unicode), for bookmarks
    abstract: NoEscape
    # asked for by the exports only (``formats``):
    html_title: str | None = None  # HTML, formulas as MathML
    html_abstract: str | None = None
    plain_abstract: str | None = None  # plain text, formulas as the author wrote them


def mark_up(
    programme: Programme, diags: Diagnostics, jobs: int = 1, cache: MarkupCache | None = None,
    formats: tuple[Format, ...] = (),
) -> dict[str, Fragments]:
    """Fragments per contribution id; a contribution with errors has none.

    The LaTeX fragments are always made; ``formats`` adds ``html`` and ``plain``.
    """
    contributions = programme.contributions
    abstracts = convert_markdown(
        [MarkdownSource(c.abstract, c.origin.at(c.abstract_line - 1), c.label)
         for c in contributions],
        diags,
        jobs=jobs,
        cache=cache,
        formats=("latex", *formats),
    )  # fmt: skip
    check_event_fields(programme, diags)
    fragments: dict[str, Fragments] = {}
    for c, abstract in zip(contributions, abstracts, strict=True):
        title = inline_to_latex(c.title, c.origin_of("title"), "title", diags)
        fields_ok = check_contribution_fields(c, diags)
        if title is not None and abstract is not None and fields_ok:
            fragments[c.id] = Fragments(
                title, inline_to_plain(c.title), NoEscape(abstract["latex"]),
                html_abstract=abstract.get("html"), plain_abstract=abstract.get("plain"),
            )  # fmt: skip
    if "html" in formats:
        titles = html_titles([c for c in contributions if c.id in fragments], diags, cache)
        fragments = {cid: replace(f, html_title=titles.get(cid)) for cid, f in fragments.items()}
    return fragments


TITLE_ORIGIN = Origin(Path("<title>"))  # the cache key of a title's HTML: its text alone


def html_titles(
    contributions: list[Contribution], diags: Diagnostics, cache: MarkupCache | None = None
) -> dict[str, str]:
    """Each title as HTML, formulas as MathML (one pandoc run for all not cached)."""
    titles: dict[str, str] = {}
    todo = []
    for c in contributions:
        entry = cache.get(cache.key(c.title, TITLE_ORIGIN)) if cache else None
        if entry is not None and entry[0] is not None and "html" in entry[0]:
            titles[c.id] = entry[0]["html"]
        else:
            todo.append(c)
    docs = [json.dumps([{"t": "Plain", "c": inline_to_ast(c.title)}]) for c in todo]
    for c, html in zip(todo, run_batch("write", docs, "html"), strict=True):
        if isinstance(html, Exception):
            diags.error(c.origin_of("title"), f"the title could not be converted: {html}")
            continue
        titles[c.id] = html.strip()
        if cache is not None:
            cache.put(cache.key(c.title, TITLE_ORIGIN), {"html": titles[c.id]}, [])
    return titles


def check_event_fields(programme: Programme, diags: Diagnostics) -> None:
    """The event's own plain fields must be printable too."""
    event = programme.event
    for name in ("title", "subtitle", "venue"):
        value = getattr(event, name)
        if value:
            check_printable(value, event.origin_of(name), f"event {name}", diags)
    for session in event.sessions:
        for name in ("title", "chair", "room"):
            value = getattr(session, name)
            if value:
                check_printable(value, session.origin, f"session '{session.id}' {name}", diags)


def check_contribution_fields(c: Contribution, diags: Diagnostics) -> bool:
    """Plain fields (printed as written) whose characters the fonts lack are errors."""
    ok = True
    for n, speaker in enumerate(c.speakers, start=1):
        for name in ("family", "given", "affiliation"):
            value = getattr(speaker, name)
            if value and not check_printable(value, speaker.origin, f"speaker {n} {name}", diags):
                ok = False
    if c.type and not check_printable(c.type, c.origin_of("type"), "type", diags):
        ok = False
    return ok
