"""Stage 5, finish: cutting compiled PDFs into per-item files, and stamping them.

One process opens the compiled document once and writes every piece
(pikepdf reads it; ``pdfpieces`` writes): no TeX run per proof or per handout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pikepdf
from PIL import Image

from booklet.output import creating, replacing, write_bytes, write_new
from booklet.pages import page_ranges
from booklet.pdfpieces import PieceWriter
from booklet.workers import WORKER_START, chunks, worker_context


@dataclass(frozen=True)
class Piece:
    """Pages ``first``..``last`` (1-based, inclusive) of the source, saved as ``dest``."""

    dest: Path
    first: int
    last: int
    title: str
    stamp: int | None = None  # page (0-based) of the stamp document to lay over every page


PARALLEL_MIN = 100  # pieces below which one process is quicker than several


def cut(source: Path, pieces: list[Piece], stamps: Path | None = None,
        metadata: Mapping[str, str] | None = None, jobs: int = 1,
        staging: bool = False) -> list[Path]:
    """Write each piece (atomically, or with ``staging`` into a folder no reader sees
    yet: see ``output.creating``); return the files written.

    Callers pass only the pieces that need writing (see the proofs' manifest).

    With ``jobs`` > 1 and many pieces, that many processes share the work.
    """
    if jobs <= 1 or len(pieces) < PARALLEL_MIN:
        return _cut(source, pieces, stamps, metadata, staging)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=worker_context(),
                             initializer=WORKER_START) as pool:  # fmt: skip
        futures = [pool.submit(_cut, source, chunk, stamps, metadata, staging)
                   for chunk in chunks(pieces, jobs)]  # fmt: skip
        return [path for future in futures for path in future.result()]


def split_by_labels(source: Path, aux: Path, folder: Path,
                    parts: list[tuple[str, str, str]], jobs: int = 1,
                    staging: bool = False) -> list[Path]:
    """One PDF per part ``(file stem, label, title)``: the pages between the zref labels
    ``<label>-first`` and ``<label>-last`` of ``source``, saved as ``folder/<stem>.pdf``.

    PDFs in ``folder`` that belong to no part (a session that no longer exists) are removed.
    """
    ranges = page_ranges(aux, [label for _, label, _ in parts])
    pieces = [Piece(folder / f"{stem}.pdf", *ranges[label], title=title)
              for stem, label, title in parts]  # fmt: skip
    cut(source, pieces, jobs=jobs, staging=staging)
    current = {p.dest for p in pieces}
    for stale in folder.glob("*.pdf"):
        if stale not in current:
            stale.unlink()
    return [p.dest for p in pieces]


def cut_and_render(
    source: Path, pieces: list[Piece], stamps: Path | None,
    pages: Mapping[Path, int], width: int, jobs: int = 1, staging: bool = False,
) -> None:
    """Cut ``pieces`` and render thumbnails of ``pages`` of ``source``, sharing ``jobs``
    processes between the two kinds of work (each is a few milliseconds per item).
    With ``staging``, the files go into a folder no reader sees yet and are written
    where they stand (see ``output.creating``); otherwise each replaces its file at once.

    Half the processes cut, the others render thumbnails; the thumbnails are handed
    out a few at a time, and the cutters join in once done, so that all finish together
    however the machine splits its time between computing and writing files."""
    items = list(pages.items())
    if not pieces and not items:
        return
    if jobs <= 1 or len(pieces) + len(items) < PARALLEL_MIN:
        _cut(source, pieces, stamps, None, staging)
        _render(source, items, width, staging=staging)
        return
    cutters = max(1, jobs // 2) if pieces else 0
    context = worker_context()
    handed_out = context.Value("l", 0)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                             initargs=(handed_out,)) as pool:  # fmt: skip
        futures = [pool.submit(_cut_then_render, source, chunk, stamps, items, width, staging)
                   for chunk in chunks(pieces, cutters)]  # fmt: skip
        futures += [pool.submit(_render_share, source, items, width, staging)
                    for _ in range(jobs - cutters)]  # fmt: skip
        for future in futures:
            future.result()


_handed_out: Any = None  # in a worker: how many thumbnails were taken, shared by all
HANDOUT = 8  # thumbnails taken at a time


def _start_worker(handed_out: Any) -> None:
    global _handed_out
    _handed_out = handed_out
    WORKER_START()


def _cut_then_render(source: Path, pieces: list[Piece], stamps: Path | None,
                     items: list[tuple[Path, int]], width: int, staging: bool) -> None:  # fmt: skip
    _cut(source, pieces, stamps, None, staging)
    _render_share(source, items, width, staging)


def _render_share(source: Path, items: list[tuple[Path, int]], width: int,
                  staging: bool) -> None:  # fmt: skip
    """Render the thumbnails of ``items`` that no other worker took, a few at a time."""

    def share() -> list[tuple[Path, int]]:
        with _handed_out.get_lock():
            start = _handed_out.value
            _handed_out.value = start + HANDOUT
        return items[start : start + HANDOUT]

    _render(source, items, width, more=share, staging=staging)


def _cut(source: Path, pieces: list[Piece], stamps: Path | None,
         metadata: Mapping[str, str] | None, staging: bool = False) -> list[Path]:
    save = write_new if staging else write_bytes
    with pikepdf.open(source) as pdf, (
        pikepdf.open(stamps) if stamps is not None else nullcontext()
    ) as stamp_pdf:
        writer = PieceWriter(pdf)
        for piece in pieces:
            overlay = None
            if stamp_pdf is not None and piece.stamp is not None:
                overlay = writer.overlay(stamp_pdf, piece.stamp)
            data = writer.write(piece.dest, piece.first, piece.last, piece.title, overlay,
                                metadata)  # fmt: skip
            save(piece.dest, data)
    return [piece.dest for piece in pieces]


def _render(source: Path, items: list[tuple[Path, int]], width: int,
            more: Callable[[], list[tuple[Path, int]]] | None = None,
            staging: bool = False) -> None:
    """PNG images ``width`` pixels wide of pages of ``source`` (1-based), one file each:
    those of ``items``, or with ``more``, those it hands out until it hands out none.

    PDFium renders a small page in a few milliseconds; poppler's pdftoppm takes
    ten times as long, mostly in starting up once per page."""
    if not items:
        return
    import pypdfium2

    for folder in {dest.parent for dest, _ in items}:
        folder.mkdir(parents=True, exist_ok=True)
    pdf = pypdfium2.PdfDocument(source)
    opening = creating if staging else replacing
    try:
        batch = items if more is None else more()
        while batch:
            for dest, number in batch:
                page = pdf[number - 1]
                # Links are invisible (hyperref's hidelinks): drawing them costs a third more.
                bitmap = page.render(scale=width / page.get_width(), grayscale=True,
                                     draw_annots=False, may_draw_forms=False)  # fmt: skip
                with opening(dest) as stream:
                    _gray_png(bitmap.to_pil(), stream)
                page.close()
            batch = [] if more is None else more()
    finally:
        pdf.close()


GRAY_RAMP = bytes(level for level in range(256) for _ in range(3))


def _gray_png(image: Image.Image, stream: BinaryIO) -> None:
    """A grayscale image as a PNG with a palette of the 256 grays: the same pixels as a
    gray PNG, within a few per cent of its size, in half the time (Pillow tries five
    filters on each row of a gray PNG to keep the best, and none on a palette PNG)."""
    image.putpalette(GRAY_RAMP)  # "L" becomes "P", its pixels untouched
    # zlib's run-length strategy: as small, a third quicker than the default
    image.save(stream, format="PNG", compress_level=1, compress_type=3)
