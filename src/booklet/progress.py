"""Progress for multi-document work: a rich progress bar on a terminal, silence elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Step(Protocol):
    def advance(self, amount: int = 1) -> None: ...


class _Quiet:
    def advance(self, amount: int = 1) -> None:
        pass


class _Bar:
    def __init__(self, progress: object, task: object) -> None:
        self.progress, self.task = progress, task

    def advance(self, amount: int = 1) -> None:
        self.progress.advance(self.task, amount)  # type: ignore[attr-defined]


@contextmanager
def progress(description: str, total: int) -> Iterator[Step]:
    """A progress bar for ``total`` items when stderr is a terminal; nothing otherwise."""
    if total <= 1 or not sys.stderr.isatty():
        yield _Quiet()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        yield _Bar(bar, bar.add_task(description, total=total))
