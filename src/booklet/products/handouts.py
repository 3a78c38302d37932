"""Per-session handouts: one document for all sessions, cut into one PDF per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from booklet.finish import Piece, cut
from booklet.pages import page_ranges
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
        handouts = ctx.views.handouts()
        folder = ctx.out / "handouts"
        ranges = page_ranges(done.aux, [f"handout-{h.key}" for h in handouts])
        pieces = [
            Piece(folder / f"{h.key}.pdf", *ranges[f"handout-{h.key}"],
                  title=f"{ctx.views.event.title} – {h.title}")
            for h in handouts
        ]  # fmt: skip
        cut(done.pdf, pieces, jobs=ctx.jobs)
        _remove_stale(folder, {p.dest for p in pieces})
        return [p.dest for p in pieces]


def _remove_stale(folder: Path, keep: set[Path]) -> None:
    """Handouts of sessions that no longer exist are removed."""
    for path in folder.glob("*.pdf"):
        if path not in keep:
            path.unlink()
