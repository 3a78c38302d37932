"""The print shop's files: single pages in reading order, and sheets imposed for folding.

``OUT/print/booklet-<paper>.pdf`` is the booklet typeset in print mode (the
same template, with ``print_mode`` set): grayscale when asked, the inner
margin grown for binding when asked, "Notes" pages (or blank ones) to a
multiple of 4 before the back cover, then finished by :mod:`booklet.printfile`
(no annotations, TrimBox and BleedBox, bleed and crop marks).

``OUT/print/booklet-<sheet>-imposed.pdf`` imposes those pages two-up for
saddle stitching (:mod:`booklet.impose`): A5 pages on A4, A4 on A3, letter
on tabloid, always a sheet exactly twice the page.

Both are checked by :mod:`booklet.preflight`, whose failures are build errors.

``binding: auto`` grows the inner margin with the page count: 0.05 mm a page
(80 g/m² paper is about 0.1 mm a leaf, so the offset matches the thickness
of the paper block the spine swallows), in steps of 0.5 mm, at most 10 mm.
The page count is known only after typesetting, and a wider margin can only
add pages: so the first run uses a lower bound of the count (cover,
programme, one page per contribution, index), and the document is typeset
again, with the larger offset, while the count it gives asks for more. The
result depends on the content alone, never on an earlier build.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pikepdf

from booklet.diagnostics import Origin
from booklet.impose import impose
from booklet.paper import SHEET_FOR
from booklet.preflight import Expectations, Unreadable, preflight
from booklet.printfile import make_print_file
from booklet.products.booklet import booklet_context, logo_assets
from booklet.products.context import BuildContext, Compiled, Document, TypesetFailure
from booklet.views import Views

NAME = "booklet-print"
BINDING_MM_PER_PAGE = 0.05
BINDING_STEP_MM = 0.5
BINDING_MAX_MM = 10.0
BINDING_PASSES = 4  # typesetting runs at most, to settle an automatic binding offset


@dataclass(frozen=True)
class PrintMode:
    """What the template sees as ``print_mode``."""

    grayscale: bool
    binding: str  # geometry's bindingoffset (a TeX length), or "" for none
    notes: str  # the heading of padding pages; "" for blank ones


def auto_binding(pages: int) -> float:
    """The binding offset (mm) for a booklet of ``pages`` pages."""
    steps = math.ceil(round(pages * BINDING_MM_PER_PAGE / BINDING_STEP_MM, 6))
    return min(BINDING_MAX_MM, steps * BINDING_STEP_MM)


def least_pages(views: Views) -> int:
    """A lower bound of the print booklet's page count: cover, programme, contributions, index."""
    pages = 3 + len(views.contributions)
    return pages + (-pages % 4)


def binding_for(views: Views) -> float:
    settings = views.event.print_settings
    return auto_binding(least_pages(views)) if settings.binding is None else settings.binding


def print_context(views: Views, binding: float | None = None) -> dict[str, Any]:
    settings = views.event.print_settings
    offset = binding_for(views) if binding is None else binding
    context = booklet_context(views, grayscale=settings.grayscale)
    context["print_mode"] = PrintMode(
        grayscale=settings.grayscale,
        binding=f"{offset:g}mm" if offset > 0 else "",
        notes=views.labels.notes if settings.padding == "notes" else "",
    )
    return context


def print_assets(views: Views) -> dict[str, bytes]:
    return logo_assets(views, grayscale=views.event.print_settings.grayscale)


def print_document(binding: float | None = None) -> Document:
    return Document(NAME, "booklet.tex.jinja", partial(print_context, binding=binding),
                    assets=print_assets, reference_pass=True)  # fmt: skip


PRINT_BOOKLET = print_document()


class Print:
    name = "print"
    documents = (PRINT_BOOKLET,)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        event = ctx.views.event
        settings = event.print_settings
        done: Compiled | None = compiled[NAME]
        binding = binding_for(ctx.views)
        if settings.binding is None:
            done, binding = settle_binding(ctx, compiled[NAME])
        if done is None:
            return []
        folder = ctx.out / "print"
        single = folder / f"booklet-{event.paper}.pdf"
        sheet = SHEET_FOR[event.paper]
        imposed = folder / f"booklet-{sheet}-imposed.pdf"
        made = make_print_file(done.pdf, single, bleed_mm=settings.bleed,
                               crop_marks=settings.crop_marks, title=event.title)  # fmt: skip
        if made.blank_pages_added:
            ctx.diags.warning(Origin(ctx.template_file("booklet.tex.jinja")),
                              f"print: the template does not fill the booklet to a multiple of 4 "
                              f"pages; {made.blank_pages_added} blank page(s) were added at the "
                              "end (use \\notespages before the back cover)")  # fmt: skip
        sheets = impose(single, imposed, sheet, settings.creep)
        for stale in folder.glob("booklet-*.pdf"):
            if stale not in (single, imposed):
                stale.unlink()
        checked = [
            check(ctx, single, Expectations(event.paper, False, settings.grayscale)),
            check(ctx, imposed, Expectations(sheet, True, settings.grayscale)),
        ]
        if all(checked):
            offset = f", inner margin +{binding:g} mm for binding" if binding else ""
            ctx.note(f"print: {made.pages} pages on {sheets} sheets{offset}; both files pass "
                     "preflight")  # fmt: skip
        return [single, imposed]


def settle_binding(ctx: BuildContext, done: Compiled) -> tuple[Compiled | None, float]:
    """Typeset again while the page count asks for a larger automatic binding offset."""
    used = binding_for(ctx.views)
    for _ in range(BINDING_PASSES - 1):
        wanted = auto_binding(page_count(done.pdf))
        if wanted <= used:
            break
        used = wanted
        rendered = ctx.render(print_document(used))
        if rendered is None:
            return None, used
        try:
            done = ctx.compile(rendered)
        except TypesetFailure as failure:
            ctx.diags.error(failure.origin, failure.message)
            return None, used
    return done, used


def page_count(pdf: Path) -> int:
    with pikepdf.open(pdf) as document:
        return len(document.pages)


def check(ctx: BuildContext, path: Path, expect: Expectations) -> bool:
    """Preflight one of our files: failures are errors, warnings warnings. True when clean."""
    origin = Origin(path)
    try:
        report = preflight(path, expect)
    except Unreadable as exc:
        ctx.diags.error(origin, f"preflight: {exc}")
        return False
    for finding in report.findings:
        if finding.level == "FAIL":
            ctx.diags.error(origin, f"preflight: {finding.topic}: {finding.message}")
        elif finding.level == "WARN":
            ctx.diags.warning(origin, f"preflight: {finding.topic}: {finding.message}")
    return not report.failures and not report.warnings
