"""The print shop's file: the compiled booklet made ready for a press (pikepdf).

- every annotation is removed (links are for screens; PDF/X forbids them in
  the printed area), and any interactive form;
- the page count is padded to a multiple of 4 with blank pages, if the
  template did not do it (the booklet template adds "Notes" pages itself);
- every page gets a TrimBox (the page as typeset) and a BleedBox;
- with bleed, the MediaBox grows around the trim: by the bleed, and with
  crop marks by room for them outside the bleed. TeX's drawing is not cut at
  the page edge, so whatever the template draws past it fills the bleed.

Crop marks are drawn in the registration colour (``/Separation /All``),
0.25 pt wide, starting 1 mm beyond the bleed so that none reaches into it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from booklet.output import write_bytes
from booklet.paper import points

MARK_GAP_MM = 1.0  # between the bleed's edge and a crop mark
MARK_LENGTH_MM = 6.0
SLUG_MM = 2.0  # beyond the marks' ends
MARK_WIDTH_PT = 0.25


@dataclass(frozen=True)
class PrintFile:
    pages: int
    blank_pages_added: int  # by this step (the template's own padding not counted)
    annotations_removed: int


def make_print_file(source: Path, dest: Path, *, bleed_mm: float = 0.0,
                    crop_marks: bool = False, title: str | None = None) -> PrintFile:
    """Write ``dest`` from the compiled ``source`` (atomically)."""
    with pikepdf.open(source) as pdf:
        removed = _remove_annotations(pdf)
        added = _pad_to_four(pdf)
        marks = _registration(pdf) if crop_marks and bleed_mm > 0 else None
        for page in pdf.pages:
            _set_boxes(page, bleed_mm, marks)
        if title:
            pdf.docinfo["/Title"] = title
        pdf.docinfo["/Trapped"] = pikepdf.Name.False_
        save_atomically(pdf, dest)
        return PrintFile(len(pdf.pages), added, removed)


def save_atomically(pdf: pikepdf.Pdf, dest: Path) -> None:
    """Save ``pdf`` as ``dest`` atomically, and only when its bytes change (the same input
    gives the same bytes: the file identifier is made from the content)."""
    buffer = io.BytesIO()
    pdf.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate, deterministic_id=True)
    write_bytes(dest, buffer.getvalue())


def _remove_annotations(pdf: pikepdf.Pdf) -> int:
    removed = 0
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if annots is not None:
            removed += len(annots) if isinstance(annots, pikepdf.Array) else 1
            del page.obj["/Annots"]
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]
    return removed


def _pad_to_four(pdf: pikepdf.Pdf) -> int:
    missing = -len(pdf.pages) % 4
    if missing:
        box = pdf.pages[-1].mediabox
        size = (float(box[2]) - float(box[0]), float(box[3]) - float(box[1]))
        for _ in range(missing):
            pdf.add_blank_page(page_size=size)
    return missing


def _set_boxes(page: pikepdf.Page, bleed_mm: float, marks: pikepdf.Object | None) -> None:
    """Trim and bleed boxes; with ``marks`` (the registration colour), crop marks."""
    llx, lly, urx, ury = (float(x) for x in page.mediabox)
    trim = (llx, lly, urx, ury)
    bleed = points(bleed_mm)
    outer = bleed + (points(MARK_GAP_MM + MARK_LENGTH_MM + SLUG_MM) if marks is not None else 0.0)
    page.obj["/TrimBox"] = pikepdf.Array(trim)
    page.obj["/BleedBox"] = pikepdf.Array(_grow(trim, bleed))
    page.obj["/MediaBox"] = pikepdf.Array(_grow(trim, outer))
    if "/CropBox" in page.obj:
        del page.obj["/CropBox"]
    if marks is not None:
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"Q\n" + _crop_marks(page, marks, trim, bleed), prepend=False)


def _grow(box: tuple[float, float, float, float], by: float) -> list[float]:
    return [round(box[0] - by, 4), round(box[1] - by, 4), round(box[2] + by, 4),
            round(box[3] + by, 4)]  # fmt: skip


def _registration(pdf: pikepdf.Pdf) -> pikepdf.Object:
    tint = pdf.make_indirect(pikepdf.Dictionary(
        FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1,
    ))  # fmt: skip
    return pdf.make_indirect(
        pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, tint])
    )


def _crop_marks(page: pikepdf.Page, registration: pikepdf.Object,
                trim: tuple[float, float, float, float], bleed: float) -> bytes:
    """Lines continuing the trim edges at each corner, outside the bleed."""
    name = page.add_resource(registration, pikepdf.Name.ColorSpace, prefix="Reg")
    start = bleed + points(MARK_GAP_MM)
    end = start + points(MARK_LENGTH_MM)
    llx, lly, urx, ury = trim
    lines = []
    for x, dx in ((llx, -1), (urx, 1)):
        for y, dy in ((lly, -1), (ury, 1)):
            lines.append((x + dx * start, y, x + dx * end, y))  # along the horizontal edge
            lines.append((x, y + dy * start, x, y + dy * end))  # along the vertical edge
    path = "".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S\n" for a, b, c, d in lines)
    return f"q {name} CS 1 SCN {MARK_WIDTH_PT} w 0 J [] 0 d\n{path}Q\n".encode()
