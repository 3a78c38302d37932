"""The programme booklet: cover, programme at a glance, one page per abstract, speaker index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from booklet.coverlogo import CoverLogo, cover_logo
from booklet.output import install
from booklet.pages import page_ranges
from booklet.products.context import BuildContext, Compiled, Document
from booklet.views import Views


def booklet_context(views: Views, grayscale: bool = False) -> dict[str, Any]:
    return {
        "source_dir": str(views.source_dir()),
        "programme": views.programme_days(),
        # abstracts in the order of the programme at a glance: session by session
        "contributions": [views.contribution(c) for c in views.in_programme_order()],
        "index": views.speaker_index(),
        "logo": logo(views, grayscale),
        "print_mode": None,  # the print product's settings (products/print.py)
    }


def logo(views: Views, grayscale: bool = False) -> CoverLogo | None:
    event = views.event
    return cover_logo(event.logo, event.paper, grayscale)


def logo_assets(views: Views, grayscale: bool = False) -> dict[str, bytes]:
    """The cover logo, copied into the work folder under its fixed name."""
    found = logo(views, grayscale)
    return {found.file: found.data()} if found else {}


BOOKLET = Document("booklet", "booklet.tex.jinja", booklet_context, assets=logo_assets,
                   reference_pass=True)


class Booklet:
    name = "booklet"
    documents = (BOOKLET,)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        done = compiled[BOOKLET.name]
        dest = ctx.out / "booklet.pdf"
        install(done.pdf, dest)
        warn_long_contributions(ctx, done)
        return [dest]


def warn_long_contributions(ctx: BuildContext, booklet: Compiled) -> None:
    """A contribution is meant to fill one page: say which ones run over."""
    contributions = ctx.views.contributions
    ranges = page_ranges(booklet.aux, [c.label for c in contributions])
    for c in contributions:
        first, last = ranges.get(c.label, (0, 0))
        if last > first:
            ctx.diags.warning(
                c.origin,
                f"contribution {c.id} does not fit on one page (it runs over {last - first + 1} "
                f"pages, {first}-{last}); shorten the abstract",
            )
