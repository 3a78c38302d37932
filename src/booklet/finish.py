"""Stage 5, finish: cutting compiled PDFs into per-item files, and stamping them.

One process opens the compiled document once and writes every piece
(pikepdf, on qpdf): no TeX run per proof or per handout.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from booklet.output import write_bytes


@dataclass(frozen=True)
class Piece:
    """Pages ``first``..``last`` (1-based, inclusive) of the source, saved as ``dest``."""

    dest: Path
    first: int
    last: int
    title: str
    stamp: int | None = None  # page (0-based) of the stamp document to lay over every page


def cut(source: Path, pieces: list[Piece], stamps: Path | None = None,
        metadata: Mapping[str, str] | None = None) -> list[Path]:
    """Write each piece (atomically, and only if its bytes changed); return the files written."""
    written = []
    with pikepdf.open(source) as pdf, (
        pikepdf.open(stamps) if stamps is not None else nullcontext()
    ) as stamp_pdf:
        for piece in pieces:
            out = pikepdf.new()
            for number in range(piece.first, piece.last + 1):
                out.pages.append(pdf.pages[number - 1])
            if stamp_pdf is not None and piece.stamp is not None:
                overlay = out.copy_foreign(stamp_pdf.pages[piece.stamp].obj)
                for page in out.pages:
                    page.add_overlay(pikepdf.Page(overlay))
            with out.open_metadata(set_pikepdf_as_editor=False) as meta:
                meta["dc:title"] = piece.title
                for key, value in (metadata or {}).items():
                    meta[key] = value
            out.docinfo["/Title"] = piece.title
            data = _save(out)
            if write_bytes(piece.dest, data):
                written.append(piece.dest)
    return written


def _save(pdf: pikepdf.Pdf) -> bytes:
    with tempfile.TemporaryFile() as f:
        # deterministic output: the same pages give the same bytes, so unchanged pieces
        # are not rewritten
        pdf.save(f, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        f.seek(0)
        return f.read()
