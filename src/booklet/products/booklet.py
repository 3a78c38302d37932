"""The programme booklet: cover, programme at a glance, one page per abstract, speaker index."""

from __future__ import annotations

from booklet.pages import page_ranges
from booklet.products.context import BuildContext, Product


def booklet(ctx: BuildContext) -> Product | None:
    views = ctx.views
    context = {
        **views.common(),
        "source_dir": str(views.source_dir()),
        "programme": views.programme_days(),
        "contributions": [views.contribution(c) for c in views.contributions],
        "index": views.speaker_index(),
    }
    product = ctx.typeset("booklet", "booklet.tex.jinja", context, pdf_name="booklet.pdf")
    if product is not None:
        warn_long_contributions(ctx, product)
    return product


def warn_long_contributions(ctx: BuildContext, product: Product) -> None:
    """A contribution is meant to fill one page: say which ones run over."""
    contributions = ctx.views.contributions
    ranges = page_ranges(product.aux, [c.label for c in contributions])
    for c in contributions:
        first, last = ranges.get(c.label, (0, 0))
        if last > first:
            ctx.diags.warning(
                c.origin,
                f"contribution {c.id} does not fit on one page (it runs over {last - first + 1} "
                f"pages, {first}-{last}); shorten the abstract",
            )
