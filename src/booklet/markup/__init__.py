"""Stage 2, mark up: the programme's text as safe LaTeX fragments.

Titles and abstracts are the only fields that carry markup (``$math$``, and
Markdown for abstracts); all other fields are plain text, escaped when
rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

from booklet.diagnostics import Diagnostics
from booklet.markup.cache import MarkupCache
from booklet.markup.charset import check_printable
from booklet.markup.escape import NoEscape
from booklet.markup.inline import inline_to_latex, inline_to_plain
from booklet.markup.markdown import MarkdownSource, markdown_to_latex
from booklet.model import Contribution, Programme


@dataclass(frozen=True)
class Fragments:
    """The LaTeX of one contribution's marked-up fields."""

    title: NoEscape
    plain_title: str  # the title as plain text (formulas spelt in Unicode), for bookmarks
    abstract: NoEscape


def mark_up(
    programme: Programme, diags: Diagnostics, jobs: int = 1, cache: MarkupCache | None = None
) -> dict[str, Fragments]:
    """Fragments per contribution id; a contribution with errors has none."""
    contributions = programme.contributions
    abstracts = markdown_to_latex(
        [MarkdownSource(c.abstract, c.origin.at(c.abstract_line - 1)) for c in contributions],
        diags,
        jobs=jobs,
        cache=cache,
    )
    check_event_fields(programme, diags)
    fragments: dict[str, Fragments] = {}
    for c, abstract in zip(contributions, abstracts, strict=True):
        title = inline_to_latex(c.title, c.origin_of("title"), "title", diags)
        fields_ok = check_contribution_fields(c, diags)
        if title is not None and abstract is not None and fields_ok:
            fragments[c.id] = Fragments(title, inline_to_plain(c.title), NoEscape(abstract))
    return fragments


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
