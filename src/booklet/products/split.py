"""Products cut out of one single-pass document, one PDF per part (handouts, slides).

One TeX run typesets every part; zref labels ``<label>-first``/``-last`` mark each
part's pages. With more than one job the parts are cut as soon as the document is
typeset, while the booklet's passes go on, into a folder aside; ``finish`` moves
them into place once the whole build has succeeded.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from booklet.finish import split_by_labels
from booklet.output import install_folder
from booklet.products.context import BuildContext, Compiled, Document

Part = tuple[str, str, str]  # file stem, zref label, PDF title


@dataclass(frozen=True)
class CutAhead:
    """Parts cut early from ``source`` (as it was then: ``version``), kept in ``staging``."""

    source: Path
    version: tuple[int, int, int]
    staging: Path
    files: list[Path]


def version(path: Path) -> tuple[int, int, int]:
    """A file's identity: a new PDF written in its place has another."""
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


class SplitDocument:
    """A product whose one document is cut into ``OUT/<folder>/<stem>.pdf`` per part."""

    name: str
    document: Document

    def parts(self, ctx: BuildContext) -> list[Part]:
        raise NotImplementedError

    @property
    def documents(self) -> tuple[Document, ...]:
        return (self.document,)

    @property
    def early_from(self) -> str:
        return self.document.name

    def early(
        self, ctx: BuildContext, done: Compiled, need: Callable[[str], Compiled]
    ) -> CutAhead:
        staging = ctx.work_dir(self.name) / "staged"
        shutil.rmtree(staging, ignore_errors=True)
        cut_from = version(done.pdf)
        files = split_by_labels(done.pdf, done.aux, staging, self.parts(ctx),
                                staging=True)  # one process, into a folder of its own
        return CutAhead(done.pdf, cut_from, staging, files)

    def finish(self, ctx: BuildContext, compiled: dict[str, Compiled]) -> list[Path]:
        done = compiled[self.document.name]
        folder = ctx.out / self.name
        ahead: CutAhead | None = ctx.early.get(self.name)
        if ahead is not None and ahead.source == done.pdf and ahead.version == version(done.pdf):
            return install_folder(ahead.staging, folder, [f.name for f in ahead.files], ".pdf")
        return split_by_labels(done.pdf, done.aux, folder, self.parts(ctx), jobs=ctx.jobs)
