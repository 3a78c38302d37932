"""Session slides for the projector: one beamer document for all sessions, cut per session.

Each deck is a session slide, one holding slide per talk (shown before the
talk) and a closing slide (see :mod:`booklet.slide_views`). One TeX run makes
every deck: the zref labels ``slides-<key>-first``/``-last`` mark each deck's
pages, as for the handouts.
"""

from __future__ import annotations

from typing import Any

from booklet.products.context import BuildContext, Document
from booklet.products.split import Part, SplitDocument
from booklet.slide_views import slide_decks
from booklet.views import Views


def slides_context(views: Views) -> dict[str, Any]:
    return {
        "source_dir": str(views.source_dir()),
        "aspect": views.event.slides.aspect,
        "decks": slide_decks(views),
    }


SLIDES = Document("slides", "slides.tex.jinja", slides_context, single_pass=True,
                  styles=("slides.sty",))  # fmt: skip


class Slides(SplitDocument):
    name = "slides"
    document = SLIDES

    def parts(self, ctx: BuildContext) -> list[Part]:
        title = ctx.views.event.title
        return [(d.key, f"slides-{d.key}", f"{title} – {d.title}") for d in slide_decks(ctx.views)]
