"""Single-line fields that may hold ``$math$`` (titles): escaped text and vetted formulas."""

from __future__ import annotations

import re

from pylatexenc.latex2text import LatexNodes2Text

from booklet.diagnostics import Diagnostics, Origin
from booklet.markup.charset import check_printable
from booklet.markup.escape import NoEscape, escape_text
from booklet.markup.math import vet_math

# $…$ with no $ inside; a backslash-escaped \$ is a literal dollar.
MATH_SPAN = re.compile(r"(?<!\\)\$([^$]+?)(?<!\\)\$")


def inline_to_latex(text: str, origin: Origin, what: str, diags: Diagnostics) -> NoEscape | None:
    """LaTeX for a title-like field, or None when a formula in it is rejected."""
    parts: list[str] = []
    pos = 0
    ok = check_printable(MATH_SPAN.sub(" ", text), origin, what, diags)
    for match in MATH_SPAN.finditer(text):
        parts.append(escape_text(_unescape_dollars(text[pos : match.start()])))
        vetted = vet_math(match.group(1))
        for problem in vetted.problems:
            message = f"{what}: {problem.message}"
            if problem.severity == "error":
                diags.error(origin, message)
            else:
                diags.warning(origin, message)
        if vetted.latex is None:
            ok = False
        else:
            parts.append(f"\\({vetted.latex}\\)")
        pos = match.end()
    parts.append(escape_text(_unescape_dollars(text[pos:])))
    return NoEscape("".join(parts)) if ok else None


def _unescape_dollars(text: str) -> str:
    return text.replace("\\$", "$")


def inline_to_plain(text: str) -> str:
    """The field as plain Unicode text: ``$P(\\mathcal{L})$`` reads ``P(L)``.

    For PDF bookmarks and other places that cannot hold formulas.
    """
    to_text = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)

    def plain(match: re.Match[str]) -> str:
        try:
            return to_text.latex_to_text(match.group(1))
        except Exception:  # any parse problem: the formula's source is still readable
            return match.group(1)

    return _unescape_dollars(MATH_SPAN.sub(plain, text))
