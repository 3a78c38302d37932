"""Speakers' proofs: each contribution's pages cut from the booklet, stamped, with an index page.

The proofs are the booklet's own pages (same breaks, same page numbers), so
a speaker checks exactly what will be printed. One booklet compile, one tiny
stamp document, one process that cuts every proof: no TeX run per proof.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from booklet.diagnostics import display_path
from booklet.finish import Piece, cut, thumbnails
from booklet.output import write_text
from booklet.pages import page_ranges
from booklet.products.booklet import BOOKLET
from booklet.products.context import BuildContext, Compiled, Document
from booklet.render import html_environment
from booklet.views import Views

THUMBNAIL_WIDTH = 180  # pixels


def build_date() -> date:
    """Today, or the date SOURCE_DATE_EPOCH names (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def stamps_context(views: Views) -> dict[str, Any]:
    when = build_date().isoformat()
    mark = views.labels.proof_mark
    return {"stamps": [f"{mark} · contribution {c.id} · {when}" for c in views.contributions]}


STAMPS = Document("proof-stamps", "proof-stamps.tex.jinja", stamps_context, single_pass=True)


class Proofs:
    name = "proofs"
    documents = (BOOKLET, STAMPS)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        views = ctx.views
        folder = ctx.out / "proofs"
        contributions = views.contributions
        ranges = page_ranges(compiled[BOOKLET.name].aux, [c.label for c in contributions])
        pieces = [
            Piece(folder / f"{c.id}.pdf", *ranges[c.label], title=f"Proof: {views.plain_title(c)}",
                  stamp=n)
            for n, c in enumerate(contributions)
        ]
        booklet_pdf = compiled[BOOKLET.name].pdf
        changed = set(cut(booklet_pdf, pieces, stamps=compiled[STAMPS.name].pdf, jobs=ctx.jobs))
        thumbs = folder / "thumbnails"
        thumbnails(booklet_pdf, {
            thumbs / f"{p.dest.stem}.png": p.first for p in pieces
            if p.dest in changed or not (thumbs / f"{p.dest.stem}.png").exists()
        }, THUMBNAIL_WIDTH, jobs=ctx.jobs)  # fmt: skip
        index = folder / "index.html"
        write_text(index, render_index(ctx, pieces))
        for stale in folder.glob("*.pdf"):
            if stale not in {p.dest for p in pieces}:
                stale.unlink()
        return [p.dest for p in pieces] + [index]


def render_index(ctx: BuildContext, pieces: list[Piece]) -> str:
    views = ctx.views
    rows = []
    for c, piece in zip(views.contributions, pieces, strict=True):
        rows.append(
            {
                "id": c.id,
                "title": views.plain_title(c),
                "speakers": ", ".join(s.name for s in c.speakers),
                "pdf": f"{c.id}.pdf",
                "thumbnail": f"thumbnails/{c.id}.png",
                "pages": f"{piece.first}" if piece.first == piece.last
                else f"{piece.first}–{piece.last}",
            }
        )
    template = html_environment(ctx.template_dirs).get_template("proofs-index.html.jinja")
    return template.render(
        event=views.event_view(), labels=views.labels, rows=rows,
        date=build_date().isoformat(), booklet=display_path(ctx.out / "booklet.pdf"),
    )  # fmt: skip
