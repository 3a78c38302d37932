"""The driver: load, mark up, render and compile every document, then finish each product.

Documents (the booklet, the handouts, the proof stamps) are compiled in
parallel (``jobs``), each at most once per build even when several products
need it. A contribution that fails validation or typesetting never loses
the others: without ``keep_going`` the build stops before writing any
output (the previous outputs stay as they were); with it, the contribution
is replaced by a clearly marked placeholder and reported.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from booklet.compile import check_tools
from booklet.diagnostics import Diagnostics, Origin
from booklet.load import load_programme
from booklet.markup import mark_up
from booklet.markup.cache import MarkupCache
from booklet.markup.pandoc import PandocError
from booklet.options import BuildOptions
from booklet.products import PRODUCTS
from booklet.products.context import (
    BuildContext,
    Compiled,
    Document,
    Product,
    Rendered,
    TypesetFailure,
)
from booklet.progress import progress
from booklet.views import Views

MAX_TEX_RETRIES = 10


class BuildError(Exception):
    """The build cannot go on (a message for the user, not a content problem)."""


@dataclass
class BuildResult:
    outputs: dict[str, list[Path]] = field(default_factory=dict)  # product -> files written
    left_out: dict[str, str] = field(default_factory=dict)  # contribution id -> why
    unread: list[Path] = field(default_factory=list)  # contribution files that could not be read
    compiled: dict[str, Compiled] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    notes: list[str] = field(default_factory=list)  # what the user should know (not problems)

    @property
    def ok(self) -> bool:
        return bool(self.outputs)


def build(options: BuildOptions, diags: Diagnostics) -> BuildResult:
    result = BuildResult()
    clock = Stopwatch(result.timings)
    programme = load_programme(options.content, diags)
    clock.lap("load")
    if programme is None or (diags.has_errors and not options.keep_going):
        return result
    products: list[Product] = [PRODUCTS[t] for t in dict.fromkeys(options.targets)]
    documents = list({d.name: d for p in products for d in p.documents}.values())
    formats = tuple(dict.fromkeys(f for p in products for f in getattr(p, "formats", ())))
    missing = check_tools() if documents else None  # the exports need no TeX
    if missing:
        raise BuildError(missing)
    loaded = {c.origin.path for c in programme.contributions}
    result.unread = sorted(
        {d.origin.path for d in diags if d.level == "error" and d.origin.path not in loaded
         and d.origin.path.suffix.lower() == ".md"}
    )  # fmt: skip
    try:
        cache = MarkupCache(options.out / ".work" / "markup-cache.json")
        fragments = mark_up(programme, diags, jobs=options.jobs, cache=cache, formats=formats)
        cache.save()
    except PandocError as exc:
        raise BuildError(str(exc)) from exc
    clock.lap("mark up")
    if diags.has_errors and not options.keep_going:
        return result

    for c in programme.contributions:
        if c.id not in fragments or diags.errors_in(c.origin.path):
            result.left_out[c.id] = _first_error(diags, c.origin)
    views = Views(programme, fragments, placeholders=result.left_out)
    template_dirs = (options.templates,) if options.templates else (options.content / "templates",)
    ctx = BuildContext(views, options.out, diags, template_dirs, jobs=options.jobs)

    compiled: dict[str, Compiled] = {}
    if documents:
        done = _compile_isolating(ctx, documents, result, options, products)
        if done is None:
            return result
        compiled = done
        clock.lap("render and compile " + ", ".join(f"{d.name} ({_tex_time(compiled[d.name])})"
                                                    for d in documents))  # fmt: skip
    result.compiled = compiled
    for product in products:
        result.outputs[product.name] = product.finish(ctx, compiled)
        clock.lap(f"finish {product.name}")
    for name in compiled:  # the first passes handed to products are used up
        ctx.discard_draft(name)
    result.notes = ctx.notes
    return result


def _tex_time(compiled: Compiled) -> str:
    return "up to date" if compiled.skipped else f"TeX {compiled.seconds:.1f} s"


class Stopwatch:
    """Records the time since the previous lap under a stage's name."""

    def __init__(self, laps: dict[str, float]) -> None:
        self.laps = laps
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self.last
        self.last = now


def _compile_isolating(
    ctx: BuildContext, documents: list[Document], result: BuildResult, options: BuildOptions,
    products: list[Product],
) -> dict[str, Compiled] | None:
    """Compile all documents; with keep_going, a contribution that breaks TeX becomes a
    placeholder and every document is rendered again (those whose text did not change
    are not compiled again)."""
    compiled: dict[str, Compiled] = {}
    for _ in range(MAX_TEX_RETRIES):
        failures = _compile_all(ctx, documents, compiled, options.jobs, products)
        if failures is None:
            return None  # a template error, already reported
        if not failures:
            return compiled
        retry = False
        for failure in failures.values():
            ctx.diags.error(failure.origin, failure.message)
            cid = failure.contribution
            if options.keep_going and cid is not None and cid not in result.left_out:
                result.left_out[cid] = failure.message
                retry = True
        if not retry:
            return None
    return None


def _compile_all(
    ctx: BuildContext, documents: list[Document], compiled: dict[str, Compiled], jobs: int,
    products: list[Product],
) -> dict[str, TypesetFailure] | None:
    """Render each document and compile it; None after a template error.

    A document's TeX run starts as soon as its LaTeX is written: the next
    document is rendered while the first one (the booklet, the longest) compiles.
    With more than one job, a product that can start ahead (``early``) gets its
    document as soon as TeX has typeset it once: the proofs get the booklet's
    first pass and are cut while the last pass runs; the handouts and slides get
    their one-pass document and are cut while the booklet's passes run. What it
    did is in ``ctx.early`` (None where it failed: it then does it all in
    ``finish``).
    """
    failures: dict[str, TypesetFailure] = {}
    outcomes: dict[str, Future[Compiled]] = {d.name: Future() for d in documents}
    early = [p for p in products if getattr(p, "early", None) is not None] if jobs > 1 else []
    ctx.early = {}

    def need(name: str) -> Compiled:  # waits for a document compiled in this build
        return outcomes[name].result()

    def compile_one(rendered: Rendered) -> None:
        name = rendered.document.name
        wanting = [p for p in early if p.early_from == name]  # type: ignore[attr-defined]
        single = rendered.document.single_pass

        def on_draft(draft: Compiled) -> None:
            for product in wanting:
                ctx.early[product.name] = ahead.submit(
                    product.early, ctx, draft, need  # type: ignore[attr-defined]
                )

        try:
            done = ctx.compile(rendered, on_draft if wanting and not single else None)
            if wanting and single and not done.skipped:
                with suppress(Exception):  # if it fails, finish does it all
                    on_draft(done)  # one pass: this is the document as it stays
            outcomes[name].set_result(done)
        except BaseException as exc:  # handed to whoever waits on it
            outcomes[name].set_exception(exc)

    with (
        progress("Typesetting", len(documents)) as step,
        ThreadPoolExecutor(max_workers=1) as ahead,
        ThreadPoolExecutor(max_workers=max(1, jobs)) as pool,
    ):
        for n, document in enumerate(documents):
            rendered = ctx.render(document)
            if rendered is None:
                for unsent in documents[n:]:  # what waits on them stops waiting
                    outcomes[unsent.name].set_exception(TemplateStopped())
                return None
            pool.submit(compile_one, rendered)
        for name, outcome in outcomes.items():
            try:
                compiled[name] = outcome.result()
            except TypesetFailure as failure:
                failures[name] = failure
            step.advance()
        ctx.early = {name: _outcome(job) for name, job in ctx.early.items()}
    return failures


class TemplateStopped(Exception):
    """A template error stopped the build before this document was rendered."""


def _outcome(job: Future[Any]) -> Any:
    """What a product did ahead, or None when it could not (it then does all at the end)."""
    try:
        return job.result()
    except Exception:  # the work is done again, from the final PDF
        return None


def _first_error(diags: Diagnostics, origin: Origin) -> str:
    errors = diags.errors_in(origin.path)
    return errors[0].message if errors else "it could not be typeset"
