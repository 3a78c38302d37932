"""What a product recipe gets: the programme's views and the typesetting path.

A product is made of documents (``booklet``, ``handouts``, ``proof-stamps``),
each a template rendered with a slice of the views. :meth:`BuildContext.render`
writes a document's LaTeX into a work folder that holds only generated files,
and :meth:`BuildContext.compile` typesets it there; a document that compiled
is kept in ``OUT/src/`` (self-contained: the style file is copied beside
it). The pipeline compiles the documents of all requested products in
parallel, then lets each product finish (install, cut, stamp) from the
compiled PDFs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import jinja2

from booklet import compile as tex
from booklet import refpass
from booklet.diagnostics import Diagnostics, Origin, display_path
from booklet.output import write_bytes, write_text
from booklet.render import environment, render
from booklet.views import Views

STYLE_FILES = ("abstractbook.sty",)
BACKGROUND_NICE = 5


class TypesetFailure(Exception):
    """TeX failed; ``contribution`` is the id of the contribution it failed in, if known."""

    def __init__(self, origin: Origin, message: str, contribution: str | None) -> None:
        super().__init__(message)
        self.origin = origin
        self.message = message
        self.contribution = contribution


@dataclass(frozen=True)
class Document:
    """A LaTeX document some product needs."""

    name: str  # file stem in OUT/src/ and the work folder
    template: str
    context: Callable[[Views], dict[str, Any]]
    single_pass: bool = False  # no cross-references: one pdflatex pass suffices
    # its contributions' pages print no cross-reference: a cold build's second pass may
    # typeset only the other pages (refpass.py)
    reference_pass: bool = False
    styles: tuple[str, ...] = STYLE_FILES  # style files copied beside its .tex
    # other files it reads (the cover logo): name in the work folder -> bytes
    assets: Callable[[Views], dict[str, bytes]] | None = None


@dataclass(frozen=True)
class Rendered:
    document: Document
    text: str
    work: Path  # the work folder, holding the .tex and the style files
    assets: dict[str, bytes] = field(default_factory=dict)
    # the LaTeX the work folder held before (documents with a reference pass)
    previous: str | None = None

    def digest_of(self, text: str) -> str:
        """A digest of ``text`` (this document's LaTeX, or what it was) and its assets."""
        digest = hashlib.sha256(text.encode("utf-8"))
        for name, data in sorted(self.assets.items()):
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return digest.hexdigest()


@dataclass(frozen=True)
class Compiled:
    name: str
    pdf: Path  # in the work folder; products copy or cut it into OUT
    aux: Path  # LaTeX's record of labels and pages
    tex: Path  # the kept source in OUT/src/
    seconds: float
    skipped: bool = False  # already up to date: TeX did not run


class Product(Protocol):
    """A recipe: which documents it needs, and how it turns them into outputs.

    A product may also name the mark-up ``formats`` it needs besides LaTeX
    (``html``, ``plain``): the exports have no LaTeX documents and write their
    files in ``finish`` from those.

    A product may also start ahead: ``early(ctx, draft, need)`` gets its document
    ``early_from`` as soon as TeX has typeset it once: the first pass when TeX needs
    more (the proofs: cut from the booklet's first pass while the last one runs),
    the document itself when one pass makes it (the handouts: cut while the booklet
    is typeset). ``need(name)`` waits for another of its documents. It runs beside
    the other TeX runs and returns what ``finish`` finds in ``ctx.early[name]``. It
    must write nothing into OUT: the build may still fail.
    """

    name: str
    documents: tuple[Document, ...]

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]: ...


@dataclass
class BuildContext:
    views: Views
    out: Path
    diags: Diagnostics
    template_dirs: tuple[Path, ...] = ()
    jobs: int = 1
    env: jinja2.Environment = field(init=False)
    notes: list[str] = field(default_factory=list)  # said to the user; not problems
    # what products did ahead, from a draft (product name -> its own record)
    early: dict[str, Any] = field(default_factory=dict)

    def note(self, message: str) -> None:
        self.notes.append(message)

    def __post_init__(self) -> None:
        self.env = environment(self.template_dirs)

    @property
    def src_dir(self) -> Path:
        return self.out / "src"

    def work_dir(self, name: str) -> Path:
        return self.out / ".work" / name

    def render(self, document: Document) -> Rendered | None:
        """The document's LaTeX, written to OUT/src/ and its work folder."""
        context = {**self.views.common(), **document.context(self.views)}
        text = render(self.env, document.template, context, self.diags)
        if text is None:
            return None
        work = self.work_dir(document.name)
        work.mkdir(parents=True, exist_ok=True)
        tex_file = work / f"{document.name}.tex"
        previous = None
        if document.reference_pass and tex_file.exists():
            previous = tex_file.read_text(encoding="utf-8", errors="replace")
        write_text(tex_file, text)
        for style in document.styles:
            write_text(work / style, self.template_file(style).read_text(encoding="utf-8"))
        assets = document.assets(self.views) if document.assets else {}
        for asset, data in assets.items():
            write_bytes(work / asset, data)
        return Rendered(document, text, work, assets, previous)

    def keep_source(self, rendered: Rendered) -> None:
        """Copy a document that compiled into OUT/src/, where users may edit and rebuild it."""
        name = rendered.document.name
        write_text(self.src_dir / f"{name}.tex", rendered.text)
        for style in rendered.document.styles:
            write_text(self.src_dir / style, (rendered.work / style).read_text(encoding="utf-8"))
        for asset, data in rendered.assets.items():
            write_bytes(self.src_dir / asset, data)

    def compile(
        self, rendered: Rendered, on_draft: Callable[[Compiled], None] | None = None
    ) -> Compiled:
        """Typeset a rendered document; raises TypesetFailure.

        When TeX needs more than one pass, ``on_draft`` gets the first pass's PDF and
        ``.aux`` (kept as ``<name>.draft.pdf`` and ``.draft.aux``) while the next
        passes run: its pages are already broken as the final ones will be, unless
        resolving the cross-references changes a page's length (callers check).
        """
        name = rendered.document.name
        work = rendered.work
        pdf, aux = work / f"{name}.pdf", work / f"{name}.aux"
        draft_pdf, draft_aux = self.discard_draft(name)
        stamp = work / f"{name}.done"  # the digest of the last source that compiled
        styles = "".join((work / s).read_text(encoding="utf-8")
                         for s in rendered.document.styles)  # fmt: skip

        def made_from(text: str) -> str:  # what the stamp records of the source TeX typeset
            return hashlib.sha256((rendered.digest_of(text) + styles).encode("utf-8")).hexdigest()

        digest = made_from(rendered.text)
        tex_path = self.src_dir / f"{name}.tex"
        # what the PDF and .aux in the work folder were made from (both must be there)
        made = (stamp.read_text(encoding="utf-8")
                if stamp.exists() and pdf.exists() and aux.exists() else None)  # fmt: skip
        if made == digest:
            self.keep_source(rendered)
            return Compiled(name, pdf, aux, tex_path, 0.0, skipped=True)
        stamp.unlink(missing_ok=True)
        previous = rendered.previous
        if previous is not None and made is not None and made == made_from(previous):
            # the PDF and .aux were made from ``previous``, with these styles and assets
            started = time.monotonic()
            if refpass.finish_by_edit_pass(work, name, rendered.text, previous,
                                           tex.WALL_TIMEOUT_S):  # fmt: skip
                write_text(stamp, digest)
                self.keep_source(rendered)
                return Compiled(name, pdf, aux, tex_path, time.monotonic() - started)

        first_pass = pdf

        def between_passes() -> None:
            nonlocal first_pass
            assert on_draft is not None
            os.replace(pdf, draft_pdf)  # the next pass writes a new file; this one stays whole
            shutil.copyfile(aux, draft_aux)
            first_pass = draft_pdf
            on_draft(Compiled(name, draft_pdf, draft_aux, work / f"{name}.tex", 0.0))

        def reference_pass(seconds_left: float) -> bool:
            return refpass.finish_by_reference_pass(
                work, name, rendered.text, first_pass, seconds_left
            )

        single = rendered.document.single_pass
        result = tex.compile_tex(
            work, f"{name}.tex", single_pass=single,
            between_passes=between_passes if on_draft is not None else None,
            # short documents (handouts, stamps) give way to the booklet's passes
            nice=BACKGROUND_NICE if single and self.jobs > 1 else 0,
            reference_pass=reference_pass if rendered.document.reference_pass else None,
        )  # fmt: skip
        if not result.ok:
            raise self._failure(name, tex_path, rendered.text, result)
        write_text(stamp, digest)
        self.keep_source(rendered)
        return Compiled(name, pdf, aux, tex_path, result.seconds)

    def discard_draft(self, name: str) -> tuple[Path, Path]:
        """Remove the first pass a document's last compile handed over (used up once the
        build ends); the paths it takes, PDF and .aux."""
        work = self.work_dir(name)
        paths = (work / f"{name}.draft.pdf", work / f"{name}.draft.aux")
        for path in paths:
            path.unlink(missing_ok=True)
        return paths

    def template_file(self, name: str) -> Path:
        _, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        return Path(filename)

    def _failure(
        self, name: str, tex_path: Path, text: str, result: tex.CompileResult
    ) -> TypesetFailure:
        """What went wrong, in plain words, and which contribution it was in."""
        error = result.error
        line = error.tex_line if error else None
        located = locate_in_contribution(text, line) if line else None
        if result.timed_out:
            message = f"LaTeX did not finish within {tex.WALL_TIMEOUT_S:.0f} s and was stopped"
        elif error is None:
            log = display_path(self.work_dir(name) / f"{name}.log")
            message = f"LaTeX failed without a message; see {log}"
        else:
            message = f"LaTeX error: {error.message.removeprefix('LaTeX Error: ')}"
        if located is not None:
            cid, abstract_offset = located
            c = self.views.contribution_by_id(cid)
            origin = c.origin
            if abstract_offset is not None:
                origin = c.origin.at(c.abstract_line - 1 + abstract_offset)
            return TypesetFailure(origin, f"{message} (while typesetting this contribution)", cid)
        return TypesetFailure(Origin(tex_path, line or 1), message, None)


CONTRIBUTION_MARK = "% contribution "
ABSTRACT_MARK = "\\begin{abstracttext}"


def locate_in_contribution(text: str, line: int) -> tuple[str, int | None] | None:
    """(contribution id, line offset within its abstract) for a line of generated LaTeX.

    Comments ``% contribution <id> from …`` and ``% contribution <id> end`` in
    the templates bracket each contribution; inside, the abstract starts after
    ``\\begin{abstracttext}``, and pandoc keeps the abstract's line breaks, so
    the offset from there is the offset in the source (approximately, after
    constructs such as lists or tables). None outside every contribution.
    """
    lines = text.split("\n")[:line]
    abstract_start = None
    for index in range(len(lines) - 1, -1, -1):
        candidate = lines[index]
        if candidate.startswith(ABSTRACT_MARK) and abstract_start is None:
            abstract_start = index
        if candidate.startswith(CONTRIBUTION_MARK):
            rest = candidate[len(CONTRIBUTION_MARK) :].split()
            if not rest or rest[-1] == "end":
                return None
            offset = line - 1 - abstract_start - 1 if abstract_start is not None else None
            return rest[0], offset if offset is not None and offset >= 0 else None
    return None
