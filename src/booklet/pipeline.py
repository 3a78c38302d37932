"""The driver: load, mark up, then let each product render, compile and finish.

A contribution that fails validation or typesetting never loses the others:
without ``keep_going`` the build stops before writing anything (the previous
outputs stay as they were); with it, the contribution is replaced by a
clearly marked placeholder and reported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from booklet.compile import check_tools
from booklet.diagnostics import Diagnostics, Origin
from booklet.load import load_programme
from booklet.markup import mark_up
from booklet.markup.pandoc import PandocError
from booklet.products.booklet import booklet
from booklet.products.context import BuildContext, Product, TypesetFailure
from booklet.views import Views

Recipe = Callable[[BuildContext], Product | None]
TARGETS: dict[str, Recipe] = {"booklet": booklet}
MAX_TEX_RETRIES = 10


class BuildError(Exception):
    """The build cannot go on (a message for the user, not a content problem)."""


@dataclass
class BuildOptions:
    content: Path
    out: Path
    targets: list[str]
    templates: Path | None = None
    keep_going: bool = False


@dataclass
class BuildResult:
    products: list[Product] = field(default_factory=list)
    left_out: dict[str, str] = field(default_factory=dict)  # contribution id -> why


def build(options: BuildOptions, diags: Diagnostics) -> BuildResult:
    result = BuildResult()
    programme = load_programme(options.content, diags)
    if programme is None or (diags.has_errors and not options.keep_going):
        return result
    missing = check_tools()
    if missing:
        raise BuildError(missing)
    try:
        fragments = mark_up(programme, diags)
    except PandocError as exc:
        raise BuildError(str(exc)) from exc
    if diags.has_errors and not options.keep_going:
        return result

    for c in programme.contributions:
        if c.id not in fragments:
            result.left_out[c.id] = _first_error(diags, c.origin)
    views = Views(programme, fragments, placeholders=result.left_out)
    template_dirs = (options.templates,) if options.templates else (options.content / "templates",)
    ctx = BuildContext(views, options.out, diags, template_dirs)
    for target in dict.fromkeys(options.targets):
        product = _typeset_isolating(TARGETS[target], ctx, result, options.keep_going)
        if product is None:
            break
        result.products.append(product)
    return result


def _typeset_isolating(
    recipe: Recipe, ctx: BuildContext, result: BuildResult, keep_going: bool
) -> Product | None:
    """Run a recipe; with keep_going, a contribution that breaks TeX becomes a placeholder."""
    for _ in range(MAX_TEX_RETRIES):
        try:
            return recipe(ctx)
        except TypesetFailure as failure:
            ctx.diags.error(failure.origin, failure.message)
            if not keep_going or failure.contribution is None:
                return None
            if failure.contribution in result.left_out:
                return None  # the placeholder itself failed: nothing more to try
            result.left_out[failure.contribution] = failure.message
            ctx.views.placeholders[failure.contribution] = failure.message
    return None


def _first_error(diags: Diagnostics, origin: Origin) -> str:
    errors = diags.errors_in(origin.path)
    return errors[0].message if errors else "it could not be typeset"
