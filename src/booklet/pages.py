"""Where things landed: page numbers read back from LaTeX's ``.aux`` file.

The templates put zref labels ``<label>-first`` and ``<label>-last`` at the
start and end of every contribution; zref records their absolute page
numbers (1 = the PDF's first page), whatever the printed numbering.
"""

from __future__ import annotations

import re
from pathlib import Path

ZREF_LABEL = re.compile(r"\\zref@newlabel\{([^{}]+)\}\{.*?\\abspage\{(\d+)\}")


def absolute_pages(aux: Path) -> dict[str, int]:
    """zref label -> absolute page number."""
    try:
        text = aux.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    return {m.group(1): int(m.group(2)) for m in ZREF_LABEL.finditer(text)}


def page_ranges(aux: Path, labels: list[str]) -> dict[str, tuple[int, int]]:
    """label -> (first page, last page) for each label that has both marks."""
    pages = absolute_pages(aux)
    ranges = {}
    for label in labels:
        first, last = pages.get(f"{label}-first"), pages.get(f"{label}-last")
        if first is not None and last is not None:
            ranges[label] = (first, last)
    return ranges
