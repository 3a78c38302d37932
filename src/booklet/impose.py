"""Saddle-stitch imposition: booklet pages two-up on sheets twice their size (pikepdf).

For ``n`` pages (padded with blanks to a multiple of 4), sheet ``i`` (0 the
outermost) carries, in 1-based page numbers::

    front: left n - 2i,  right 2i + 1
    back:  left 2i + 2,  right n - 2i - 1

Printed duplex with the sheet turned over its short edge ("flip on short
edge"), so that the back is upright when the sheet is turned like a page,
stacked in order and folded in the middle, the sheets read 1, 2, ..., n.

Each page is placed as a form XObject clipped to its TrimBox (so bleed and
crop marks stay out), touching the fold. Creep: folded sheets nest, so the
inner ones stick out at the fore-edge and lose more when trimmed; ``creep``
shifts the innermost sheet's pages that far towards the fold (away from it
when negative), the sheets between in proportion, the outermost not at all.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf

from booklet.paper import PAPER_MM, points
from booklet.printfile import save_atomically


def sheet_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page numbers of each side in print order: sheet 1 front, back, sheet 2 ...

    ``pages`` is padded to a multiple of 4; a number above the real count is
    a blank half.
    """
    n = pages + (-pages % 4)
    sides = []
    for i in range(n // 4):
        sides.append((n - 2 * i, 2 * i + 1))
        sides.append((2 * i + 2, n - 2 * i - 1))
    return sides


def creep_shifts(sheets: int, creep_mm: float) -> list[float]:
    """Each sheet's shift towards the fold, in mm: 0 for the outermost, ``creep_mm`` innermost."""
    if sheets < 2:
        return [0.0] * sheets
    return [creep_mm * i / (sheets - 1) for i in range(sheets)]


def impose(source: Path, dest: Path, sheet: str, creep_mm: float = 0.0) -> int:
    """Write the imposed sheets of ``source`` to ``dest`` (atomically); the number of sheets."""
    sheet_w, sheet_h = (points(x) for x in reversed(PAPER_MM[sheet]))  # landscape
    half = sheet_w / 2
    with pikepdf.open(source) as src:
        count = len(src.pages)
        out = pikepdf.new()
        forms: dict[int, pikepdf.Object] = {}
        sides = sheet_order(count)
        shifts = creep_shifts(len(sides) // 2, creep_mm)
        for index, (left, right) in enumerate(sides):
            shift = points(shifts[index // 2])
            out.add_blank_page(page_size=(sheet_w, sheet_h))
            page = out.pages[-1]
            drawing = []
            for number, side in ((left, -1), (right, 1)):
                if number > count:
                    continue  # a blank half
                if number not in forms:
                    forms[number] = out.copy_foreign(src.pages[number - 1].as_form_xobject())
                name = page.add_resource(forms[number], pikepdf.Name.XObject, prefix="Pg")
                llx, lly, urx, ury = (float(x) for x in src.pages[number - 1].trimbox)
                width, height = urx - llx, ury - lly
                x = half - width + shift if side < 0 else half - shift
                y = (sheet_h - height) / 2
                drawing.append(f"q 1 0 0 1 {x - llx:.4f} {y - lly:.4f} cm {name} Do Q\n")
            page.contents_add(out.make_stream("".join(drawing).encode()), prepend=False)
            page.obj["/TrimBox"] = pikepdf.Array([0, 0, sheet_w, sheet_h])
            page.obj["/BleedBox"] = pikepdf.Array([0, 0, sheet_w, sheet_h])
        out.docinfo["/Title"] = src.docinfo.get("/Title", "")
        out.docinfo["/Trapped"] = pikepdf.Name.False_
        save_atomically(out, dest)
    return len(sides) // 2
