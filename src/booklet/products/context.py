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


@dataclass(frozen=True)
class Product:
    name: str
    pdf: Path
    tex: Path
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
            self._report_failure(name, tex_path, text, result)
            return None
        assert result.pdf is not None
        dest = self.out / pdf_name
        install(result.pdf, dest)
        return Product(name, dest, tex_path, result.seconds)

    def _template_file(self, name: str) -> Path:
        _, filename, _ = self.env.loader.get_source(self.env, name)  # type: ignore[union-attr]
        return Path(filename)

    def _report_failure(
        self, name: str, tex_path: Path, text: str, result: tex.CompileResult
    ) -> None:
        if result.timed_out:
            self.diags.error(
                Origin(tex_path), f"LaTeX did not finish within {tex.WALL_TIMEOUT_S:.0f} s; stopped"
            )
            return
        error = result.error
        if error is None:
            self.diags.error(
                Origin(tex_path),
                "LaTeX failed without a message; see "
                f"{display_path(self.work_dir(name) / (name + '.log'))}",
            )
            return
        origin = Origin(tex_path, error.tex_line or 1)
        source = _source_of_line(text, error.tex_line) if error.tex_line else None
        where = f" (in the contribution from {source})" if source else ""
        self.diags.error(origin, f"LaTeX error{where}: {error.message}")


def _source_of_line(text: str, line: int) -> str | None:
    """The contribution file named by the nearest ``% from …`` comment above ``line``."""
    lines = text.split("\n")[:line]
    for candidate in reversed(lines):
        if candidate.startswith("% from "):
            return candidate[len("% from ") :]
    return None
