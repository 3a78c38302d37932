"""What a product recipe gets: the loaded programme, its views, and the typesetting path.

``typeset`` is the one way a product becomes a PDF: render a template, keep
the source in ``OUT/src/`` (self-contained: the style file is copied beside
it), compile it in a work folder that holds only generated files, and put the
PDF in place atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from booklet import compile as tex
from booklet.diagnostics import Diagnostics, Origin, display_path
from booklet.output import install, write_text
from booklet.render import environment, render
from booklet.views import Views

STYLE_FILES = ("abstractbook.sty",)


class TypesetFailure(Exception):
    """TeX failed; ``contribution`` is the id of the contribution it failed in, if known."""

    def __init__(self, origin: Origin, message: str, contribution: str | None) -> None:
        super().__init__(message)
        self.origin = origin
        self.message = message
        self.contribution = contribution


@dataclass(frozen=True)
class Product:
    name: str
    pdf: Path
    tex: Path
    aux: Path  # LaTeX's record of labels and pages, in the work folder
    seconds: float


@dataclass
class BuildContext:
    views: Views
    out: Path
    diags: Diagnostics
    template_dirs: tuple[Path, ...] = ()
    env: jinja2.Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = environment(self.template_dirs)

    @property
    def src_dir(self) -> Path:
        return self.out / "src"

    def work_dir(self, name: str) -> Path:
        return self.out / ".work" / name

    def typeset(
        self, name: str, template: str, context: dict[str, Any], *, pdf_name: str
    ) -> Product | None:
        text = render(self.env, template, context, self.diags)
        if text is None:
            return None
        tex_path = self.src_dir / f"{name}.tex"
        write_text(tex_path, text)
        styles = {}
        for style in STYLE_FILES:
            source = self._template_file(style)
            styles[style] = source.read_text(encoding="utf-8")
            write_text(self.src_dir / style, styles[style])

        work = self.work_dir(name)
        work.mkdir(parents=True, exist_ok=True)
        write_text(work / f"{name}.tex", text)
        for style, content in styles.items():
            write_text(work / style, content)
        result = tex.compile_tex(work, f"{name}.tex")
        if not result.ok:
            raise self._failure(name, tex_path, text, result)
        assert result.pdf is not None
        dest = self.out / pdf_name
        install(result.pdf, dest)
        return Product(name, dest, tex_path, work / f"{name}.aux", result.seconds)

    def _template_file(self, name: str) -> Path:
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
            message = f"LaTeX error: {error.message}"
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
