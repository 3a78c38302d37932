"""Reading PDFs back, as a reader (or a print shop) would."""

from __future__ import annotations

import subprocess
from pathlib import Path


def pdftotext(pdf: Path, *, first: int | None = None, last: int | None = None) -> str:
    """Text of a PDF (or a page range) in reading order, as poppler extracts it."""
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """One string per page (pdftotext separates pages with form feeds)."""
    pages = pdftotext(pdf).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages
