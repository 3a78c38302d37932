"""Stage 2, mark up: the programme's text as safe LaTeX fragments.

Titles and abstracts are the only fields that carry markup (``$math$``, and
Markdown for abstracts); all other fields are plain text, escaped when
rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

from booklet.diagnostics import Diagnostics
from booklet.markup.escape import NoEscape
from booklet.markup.inline import inline_to_latex, inline_to_plain
from booklet.markup.markdown import MarkdownSource, markdown_to_latex
from booklet.model import Programme


@dataclass(frozen=True)
class Fragments:
    """The LaTeX of one contribution's marked-up fields."""

    title: NoEscape
    plain_title: str  # the title as plain text (formulas spelt in Unicode), for bookmarks
    abstract: NoEscape


def mark_up(programme: Programme, diags: Diagnostics) -> dict[str, Fragments]:
    """Fragments per contribution id; a contribution with errors has none."""
    contributions = programme.contributions
    abstracts = markdown_to_latex(
        [MarkdownSource(c.abstract, c.origin.at(c.abstract_line - 1)) for c in contributions],
        diags,
    )
    fragments: dict[str, Fragments] = {}
    for c, abstract in zip(contributions, abstracts, strict=True):
        title = inline_to_latex(c.title, c.origin_of("title"), "title", diags)
        if title is not None and abstract is not None:
            fragments[c.id] = Fragments(title, inline_to_plain(c.title), NoEscape(abstract))
    return fragments
