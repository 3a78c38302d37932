"""The programme booklet: cover, programme at a glance, one page per abstract, speaker index."""

from __future__ import annotations

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
    return ctx.typeset("booklet", "booklet.tex.jinja", context, pdf_name="booklet.pdf")
