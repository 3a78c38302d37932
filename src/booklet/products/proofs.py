"""Speakers' proofs: each contribution's pages cut from the booklet, stamped, with an index page.

The proofs are the booklet's own pages (same breaks, same page numbers), so
a speaker checks exactly what will be printed. One booklet compile, one tiny
stamp document, one process that cuts every proof: no TeX run per proof.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from booklet.diagnostics import display_path
from booklet.finish import Piece, cut_and_render
from booklet.output import write_text
from booklet.pages import page_ranges
from booklet.products.booklet import BOOKLET
from booklet.products.context import BuildContext, Compiled, Document
from booklet.render import html_environment
from booklet.state import build_date
from booklet.views import Views

THUMBNAIL_WIDTH = 180  # pixels


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
        manifest_path = ctx.work_dir("proofs") / "manifest.json"
        old = _read_manifest(manifest_path)
        keys = piece_keys(compiled[BOOKLET.name].tex, pieces, stamps_context(views)["stamps"],
                          [c.id for c in contributions])  # fmt: skip
        todo = [p for p in pieces if old.get(str(p.dest)) != keys[p.dest] or not p.dest.exists()]
        thumbs = folder / "thumbnails"
        changed = {p.dest for p in todo}
        pages = {thumbs / f"{p.dest.stem}.png": p.first for p in pieces
                 if p.dest in changed or not (thumbs / f"{p.dest.stem}.png").exists()}
        cut_and_render(booklet_pdf, todo, compiled[STAMPS.name].pdf, pages, THUMBNAIL_WIDTH,
                       jobs=ctx.jobs)  # fmt: skip
        write_text(manifest_path, json.dumps({str(k): v for k, v in keys.items()}))
        index = folder / "index.html"
        write_text(index, render_index(ctx, pieces))
        current = {p.dest for p in pieces}
        for stale in folder.glob("*.pdf"):
            if stale not in current:
                stale.unlink()
        return [p.dest for p in pieces] + [index]


def piece_keys(
    booklet_tex: Path, pieces: list[Piece], stamps: list[str], ids: list[str]
) -> dict[Path, str]:
    """What each proof's pages depend on: its contribution's LaTeX, its page numbers, its
    stamp, and the preamble and style (running heads, fonts). Unchanged key: same proof."""
    text = booklet_tex.read_text(encoding="utf-8")
    style = (booklet_tex.parent / "abstractbook.sty").read_bytes()
    preamble = text.split("\\begin{document}", 1)[0]
    shared = hashlib.sha256(preamble.encode() + style).hexdigest()
    blocks = contribution_blocks(text)
    keys = {}
    for piece, stamp, cid in zip(pieces, stamps, ids, strict=True):
        block = blocks.get(cid, cid)
        data = json.dumps([shared, block, piece.first, piece.last, stamp, piece.title])
        keys[piece.dest] = hashlib.sha256(data.encode()).hexdigest()
    return keys


def contribution_blocks(text: str) -> dict[str, str]:
    """Each contribution's LaTeX in the booklet, between its ``% contribution`` comments."""
    blocks: dict[str, str] = {}
    for match in CONTRIBUTION_BLOCK.finditer(text):
        blocks.setdefault(match["id"], match[0])
    return blocks


CONTRIBUTION_BLOCK = re.compile(
    r"^% contribution (?P<id>\S+) from .*?^% contribution (?P=id) end$", re.M | re.S
)


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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
