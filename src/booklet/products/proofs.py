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

from booklet.diagnostics import display_path
from booklet.finish import Piece, cut_and_render
from booklet.output import move_into_place, write_text
from booklet.pages import page_ranges
from booklet.pdfscan import drawing_digests
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
    keys: dict[Path, str]  # proof -> what it depends on
    todo: list[Piece]  # pieces whose file is missing or out of date
    shown: dict[Path, str]  # thumbnail -> what it shows (its booklet page: no stamp)
    thumbnails: dict[Path, int]  # thumbnail -> booklet page, for those missing or out of date


def thumbnail(proof: Path) -> Path:
    return proof.parent / "thumbnails" / f"{proof.stem}.png"


@dataclass(frozen=True)
class EarlyProofs:
    """Proofs and thumbnails made from the booklet's first pass while its last pass ran,
    kept aside until the final booklet confirms them."""

    plan: Plan  # made from the first pass
    folder: Path  # where they were written aside, under their names in the proofs folder
    staged: dict[Path, Path]  # proof or thumbnail -> the file written aside
    drawings: dict[int, bytes]  # the first pass's pages that were used -> what they draw

    def standing(self, final: Path, plan: Plan, jobs: int = 1) -> set[Path]:
        """The proofs and thumbnails made early that the final booklet confirms: same key
        (so the same pages, and for a proof the same stamp), and those pages drawn alike
        in both passes."""
        early = self.plan
        wanted: dict[Path, range] = {}
        for p in plan.todo:
            if p.dest in self.staged and early.keys.get(p.dest) == plan.keys[p.dest]:
                wanted[p.dest] = range(p.first, p.last + 1)
        for thumb, page in plan.thumbnails.items():
            if thumb in self.staged and early.shown.get(thumb) == plan.shown[thumb]:
                wanted[thumb] = range(page, page + 1)
        if not wanted:
            return set()
        drawn = drawing_digests(final, (n for pages in wanted.values() for n in pages), jobs)
        return {path for path, pages in wanted.items()
                if all(n in drawn and drawn[n] == self.drawings.get(n) for n in pages)}  # fmt: skip

    def install(self, confirmed: set[Path]) -> None:
        """Move these proofs and thumbnails into place: all at once when they are all
        that was written aside and the proofs folder does not exist yet (a first build)."""
        if confirmed and confirmed == self.staged.keys() and not self.plan.folder.exists():
            move_into_place(self.folder, self.plan.folder)
            return
        for dest in confirmed:
            move_into_place(self.staged[dest], dest)


class Proofs:
    name = "proofs"
    documents = (BOOKLET, STAMPS)
    early_from = BOOKLET.name

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
        staging = _staging(ctx)
        pieces, pages, staged = _aside(plan, staging, plan.todo, plan.thumbnails)
        # one process: the other core is busy with the booklet's next pass
        cut_and_render(draft.pdf, pieces, stamps.pdf, pages, THUMBNAIL_WIDTH, staging=True)
        used = {n for p in plan.todo for n in range(p.first, p.last + 1)} | set(pages.values())
        return EarlyProofs(plan, staging, staged, drawing_digests(draft.pdf, used))

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
        stamps = stamps_context(views)["stamps"]
        keys, shown = piece_keys(booklet_tex, pieces, stamps, [c.id for c in contributions])
        made = old["proofs"]
        todo = [p for p in pieces if made.get(str(p.dest)) != keys[p.dest] or not p.dest.exists()]
        thumbnails = {}
        for p in pieces:
            thumb = thumbnail(p.dest)
            if old["thumbnails"].get(str(thumb)) != shown[thumb] or not thumb.exists():
                thumbnails[thumb] = p.first
        return Plan(folder, pieces, keys, todo, shown, thumbnails)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        booklet = compiled[BOOKLET.name]
        plan = self.plan(ctx, booklet.tex, booklet.aux)
        todo, thumbnails = plan.todo, plan.thumbnails
        early: EarlyProofs | None = ctx.early.get(self.name)
        if early is not None:
            confirmed = early.standing(booklet.pdf, plan, ctx.jobs)
            early.install(confirmed)
            todo = [p for p in todo if p.dest not in confirmed]
            thumbnails = {t: n for t, n in thumbnails.items() if t not in confirmed}
        stamps = compiled[STAMPS.name].pdf
        if plan.folder.exists() or not (todo or thumbnails):
            cut_and_render(booklet.pdf, todo, stamps, thumbnails, THUMBNAIL_WIDTH, jobs=ctx.jobs)
        else:  # a first build: all written side by side, then put in place at once
            staging = _staging(ctx)
            pieces, pages, _ = _aside(plan, staging, todo, thumbnails)
            cut_and_render(booklet.pdf, pieces, stamps, pages, THUMBNAIL_WIDTH, jobs=ctx.jobs,
                           staging=True)  # fmt: skip
            move_into_place(staging, plan.folder)
        shutil.rmtree(ctx.work_dir("proofs") / "staged", ignore_errors=True)
        manifest = {"proofs": {str(k): v for k, v in plan.keys.items()},
                    "thumbnails": {str(k): v for k, v in plan.shown.items()}}  # fmt: skip
        write_text(ctx.work_dir("proofs") / "manifest.json", json.dumps(manifest))
        index = plan.folder / "index.html"
        write_text(index, render_index(ctx, plan.pieces))
        current = {p.dest for p in plan.pieces} | set(plan.shown)
        for stale in [*plan.folder.glob("*.pdf"), *plan.folder.glob("thumbnails/*.png")]:
            if stale not in current:
                stale.unlink()
        return [p.dest for p in plan.pieces] + [index]


def _staging(ctx: BuildContext) -> Path:
    """An empty folder to write proofs and thumbnails aside, on the output's file system."""
    staging = ctx.work_dir("proofs") / "staged"
    shutil.rmtree(staging, ignore_errors=True)
    return staging


def _aside(
    plan: Plan, staging: Path, pieces: list[Piece], thumbnails: dict[Path, int]
) -> tuple[list[Piece], dict[Path, int], dict[Path, Path]]:
    """The same work with every file in ``staging``, under its path in the proofs folder:
    the pieces, the thumbnails' pages, and each file in place -> its file aside."""
    staged = {path: staging / path.relative_to(plan.folder)
              for path in [*(p.dest for p in pieces), *thumbnails]}  # fmt: skip
    aside = [replace(p, dest=staged[p.dest]) for p in pieces]
    return aside, {staged[t]: n for t, n in thumbnails.items()}, staged


def piece_keys(
    booklet_tex: Path, pieces: list[Piece], stamps: list[str], ids: list[str]
) -> tuple[dict[Path, str], dict[Path, str]]:
    """What each proof's pages depend on: its contribution's LaTeX, its page numbers, its
    stamp, and the preamble and style (running heads, fonts). Unchanged key: same proof.
    And what each thumbnail shows: the same without the stamp (the booklet's first page
    of the contribution), so that a proof stamped on another day keeps its thumbnail."""
    text = booklet_tex.read_text(encoding="utf-8")
    style = (booklet_tex.parent / "abstractbook.sty").read_bytes()
    preamble = text.split("\\begin{document}", 1)[0]
    shared = hashlib.sha256(preamble.encode() + style).hexdigest()
    blocks = contribution_blocks(text)
    keys, shown = {}, {}
    for piece, stamp, cid in zip(pieces, stamps, ids, strict=True):
        block = blocks.get(cid, cid)
        data = json.dumps([shared, block, piece.first, piece.last, stamp, piece.title])
        keys[piece.dest] = hashlib.sha256(data.encode()).hexdigest()
        page = json.dumps([shared, block, piece.first])
        shown[thumbnail(piece.dest)] = hashlib.sha256(page.encode()).hexdigest()
    return keys, shown


def contribution_blocks(text: str) -> dict[str, str]:
    """Each contribution's LaTeX in the booklet, between its ``% contribution`` comments."""
    blocks: dict[str, str] = {}
    for match in CONTRIBUTION_BLOCK.finditer(text):
        blocks.setdefault(match["id"], match[0])
    return blocks


CONTRIBUTION_BLOCK = re.compile(
    r"^% contribution (?P<id>\S+) from .*?^% contribution (?P=id) end$", re.M | re.S
)


def _read_manifest(path: Path) -> dict[str, dict[str, str]]:
    """What the proofs and thumbnails in place depend on (nothing known: all are made)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        manifest = {}
    if not isinstance(manifest, dict):
        manifest = {}
    return {kind: manifest.get(kind) if isinstance(manifest.get(kind), dict) else {}
            for kind in ("proofs", "thumbnails")}  # fmt: skip


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
