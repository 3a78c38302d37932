"""Speakers' proofs: each contribution's pages cut from the booklet, stamped, with an index page.

The proofs are the booklet's own pages (same breaks, same page numbers), so
a speaker checks exactly what will be printed. One booklet compile, one tiny
stamp document, one process that cuts every proof: no TeX run per proof.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pikepdf

from booklet.diagnostics import display_path
from booklet.finish import Piece, cut_and_render
from booklet.output import move_into_place, write_text
from booklet.pages import page_ranges
from booklet.pdfscan import FontCache, drawing_digest
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


@dataclass(frozen=True)
class Plan:
    """The proofs of one booklet: every piece, what each depends on, which need writing."""

    folder: Path
    pieces: list[Piece]
    keys: dict[Path, str]
    todo: list[Piece]  # pieces whose file is missing or out of date

    def thumbnails(self, todo: list[Piece]) -> dict[Path, int]:
        """Thumbnail -> booklet page, for the pieces of ``todo`` and any thumbnail missing."""
        changed = {p.dest for p in todo}
        thumbs = {p: thumbnail(p.dest) for p in self.pieces}
        return {thumbs[p]: p.first for p in self.pieces
                if p.dest in changed or not thumbs[p].exists()}  # fmt: skip


def thumbnail(proof: Path) -> Path:
    return proof.parent / "thumbnails" / f"{proof.stem}.png"


@dataclass(frozen=True)
class EarlyProofs:
    """Proofs cut from the booklet's first pass while its last pass ran, kept aside
    (``staged``) until the final booklet confirms them."""

    staged: dict[Path, Piece]  # proof -> the piece written aside, on the draft's pages
    keys: dict[Path, str]
    drawings: dict[int, bytes]  # the draft's pages that were cut -> what they draw

    def standing(self, final: Path, plan: Plan) -> set[Path]:
        """The proofs cut early that the final booklet confirms: same key (so the same
        pages and stamp), and those pages drawn alike in both passes."""
        same = [p for p in plan.todo if p.dest in self.staged
                and self.keys.get(p.dest) == plan.keys[p.dest]]  # fmt: skip
        if not same:
            return set()
        fonts: FontCache = {}
        with pikepdf.open(final) as booklet:
            pages = booklet.pages
            return {p.dest for p in same
                    if all(p.last <= len(pages) and self.drawings.get(n)
                           == drawing_digest(pages[n - 1].obj, fonts)
                           for n in range(p.first, p.last + 1))}  # fmt: skip

    def install(self, proofs: set[Path]) -> None:
        """Move these proofs and their thumbnails into place."""
        for dest in proofs:
            staged = self.staged[dest].dest
            move_into_place(staged, dest)
            move_into_place(thumbnail(staged), thumbnail(dest))


class Proofs:
    name = "proofs"
    documents = (BOOKLET, STAMPS)

    def early(
        self, ctx: BuildContext, draft: Compiled, need: Callable[[str], Compiled]
    ) -> EarlyProofs:
        """Cut the proofs from the booklet's first pass, while the next pass runs.

        A cold build typesets the booklet twice (the programme's page numbers are
        known after the first pass), and the first pass already breaks the pages
        as the last will. The proofs are written aside; ``finish`` moves into
        place those the final PDF confirms."""
        stamps = need(STAMPS.name)
        plan = self.plan(ctx, draft.tex, draft.aux)
        staging = ctx.work_dir("proofs") / "staged"
        shutil.rmtree(staging, ignore_errors=True)
        staged = {p.dest: replace(p, dest=staging / p.dest.name) for p in plan.todo}
        pages = {thumbnail(piece.dest): piece.first for piece in staged.values()}
        # one process: the other core is busy with the booklet's next pass
        cut_and_render(draft.pdf, list(staged.values()), stamps.pdf, pages, THUMBNAIL_WIDTH)
        fonts: FontCache = {}
        with pikepdf.open(draft.pdf) as pdf:
            drawings = {n: drawing_digest(pdf.pages[n - 1].obj, fonts)
                        for p in plan.todo for n in range(p.first, p.last + 1)}  # fmt: skip
        return EarlyProofs(staged, plan.keys, drawings)

    def plan(self, ctx: BuildContext, booklet_tex: Path, booklet_aux: Path) -> Plan:
        views = ctx.views
        folder = ctx.out / "proofs"
        contributions = views.contributions
        ranges = page_ranges(booklet_aux, [c.label for c in contributions])
        pieces = [
            Piece(folder / f"{c.id}.pdf", *ranges[c.label], title=f"Proof: {views.plain_title(c)}",
                  stamp=n)
            for n, c in enumerate(contributions)
        ]
        old = _read_manifest(ctx.work_dir("proofs") / "manifest.json")
        keys = piece_keys(booklet_tex, pieces, stamps_context(views)["stamps"],
                          [c.id for c in contributions])  # fmt: skip
        todo = [p for p in pieces if old.get(str(p.dest)) != keys[p.dest] or not p.dest.exists()]
        return Plan(folder, pieces, keys, todo)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        booklet = compiled[BOOKLET.name]
        plan = self.plan(ctx, booklet.tex, booklet.aux)
        todo = plan.todo
        early: EarlyProofs | None = ctx.early.get(self.name)
        if early is not None:
            standing = early.standing(booklet.pdf, plan)
            early.install(standing)
            todo = [p for p in todo if p.dest not in standing]
        cut_and_render(booklet.pdf, todo, compiled[STAMPS.name].pdf, plan.thumbnails(todo),
                       THUMBNAIL_WIDTH, jobs=ctx.jobs)  # fmt: skip
        shutil.rmtree(ctx.work_dir("proofs") / "staged", ignore_errors=True)
        write_text(ctx.work_dir("proofs") / "manifest.json",
                   json.dumps({str(k): v for k, v in plan.keys.items()}))  # fmt: skip
        index = plan.folder / "index.html"
        write_text(index, render_index(ctx, plan.pieces))
        current = {p.dest for p in plan.pieces}
        for stale in plan.folder.glob("*.pdf"):
            if stale not in current:
                stale.unlink()
        return [p.dest for p in plan.pieces] + [index]


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
