"""Problems found in content, reported the way compilers do.

Every problem is ``path:line[:col]: error|warning: message`` in the user's
terms. Stages never raise for bad content: they add a diagnostic here and go
on, so that one run reports every problem at once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Origin:
    """Where something came from: a file and a 1-based line (and column)."""

    path: Path
    line: int = 1
    col: int | None = None

    def at(self, line_offset: int = 0, col: int | None = None) -> Origin:
        """The origin ``line_offset`` lines further down, at column ``col``."""
        return Origin(self.path, self.line + line_offset, col)

    def __str__(self) -> str:
        where = f"{display_path(self.path)}:{self.line}"
        return f"{where}:{self.col}" if self.col is not None else where


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if relative.startswith("..") else relative


@dataclass(frozen=True)
class Diagnostic:
    origin: Origin
    level: Level
    message: str

    def __str__(self) -> str:
        # what a message quotes from the content (or a file that is not text) must not
        # drive the terminal: control characters are shown, not sent
        return CONTROLS.sub(_shown, f"{self.origin}: {self.level}: {self.message}")


# Unicode's control characters (category Cc) but the line feed and the tab
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _shown(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


@dataclass
class Diagnostics:
    """Collects problems; sorted by file and line when reported."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, origin: Origin, message: str) -> None:
        self.items.append(Diagnostic(origin, "error", message))

    def warning(self, origin: Origin, message: str) -> None:
        self.items.append(Diagnostic(origin, "warning", message))

    def extend(self, other: Iterable[Diagnostic]) -> None:
        self.items.extend(other)

    @property
    def has_errors(self) -> bool:
        return any(d.level == "error" for d in self.items)

    def errors_in(self, path: Path) -> list[Diagnostic]:
        return [d for d in self.items if d.level == "error" and d.origin.path == path]

    def __iter__(self) -> Iterator[Diagnostic]:
        def key(d: Diagnostic) -> tuple[str, int, int, int]:
            return (str(d.origin.path), d.origin.line, d.origin.col or 0, d.level != "error")

        seen: set[Diagnostic] = set()
        for d in sorted(self.items, key=key):
            if d not in seen:
                seen.add(d)
                yield d

    def __len__(self) -> int:
        return len(self.items)

    def count(self, level: Level) -> int:
        return sum(1 for d in self if d.level == level)
