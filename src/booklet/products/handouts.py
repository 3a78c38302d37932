"""Per-session handouts: one document for all sessions, cut into one PDF per session."""

from __future__ import annotations

from typing import Any

from booklet.products.context import BuildContext, Document
from booklet.products.split import Part, SplitDocument
from booklet.views import Views


def handouts_context(views: Views) -> dict[str, Any]:
    return {"source_dir": str(views.source_dir()), "handouts": views.handouts()}


HANDOUTS = Document("handouts", "handouts.tex.jinja", handouts_context, single_pass=True)


class Handouts(SplitDocument):
    name = "handouts"
    document = HANDOUTS

    def parts(self, ctx: BuildContext) -> list[Part]:
        title = ctx.views.event.title
        return [(h.key, f"handout-{h.key}", f"{title} – {h.title}") for h in ctx.views.handouts()]
