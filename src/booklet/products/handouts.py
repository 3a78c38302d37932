"""Per-session handouts: one document for all sessions, cut into one PDF per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from booklet.finish import split_by_labels
from booklet.products.context import BuildContext, Compiled, Document
from booklet.views import Views


def handouts_context(views: Views) -> dict[str, Any]:
    return {"source_dir": str(views.source_dir()), "handouts": views.handouts()}


HANDOUTS = Document("handouts", "handouts.tex.jinja", handouts_context, single_pass=True)


class Handouts:
    name = "handouts"
    documents = (HANDOUTS,)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        done = compiled[HANDOUTS.name]
        title = ctx.views.event.title
        parts = [(h.key, f"handout-{h.key}", f"{title} – {h.title}")
                 for h in ctx.views.handouts()]  # fmt: skip
        return split_by_labels(done.pdf, done.aux, ctx.out / "handouts", parts, jobs=ctx.jobs)
