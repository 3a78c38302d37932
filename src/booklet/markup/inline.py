"""Single-line fields that may hold ``$math$`` (titles): escaped text and vetted formulas.

For LaTeX, :func:`inline_to_latex`; for HTML, :func:`inline_to_ast` gives the
field as pandoc inlines (text and vetted formulas), which the mark-up stage
writes with the abstracts' HTML writer (formulas as MathML).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pylatexenc.latex2text import LatexNodes2Text

from booklet.diagnostics import Diagnostics, Origin
from booklet.markup.charset import check_printable
from booklet.markup.escape import NoEscape, escape_text
from booklet.markup.math import vet_math
from booklet.markup.mathml import for_mathml

# $…$ with no $ inside; a backslash-escaped \$ is a literal dollar.
MATH_SPAN = re.compile(r"(?<!\\)\$([^$]+?)(?<!\\)\$")


def inline_to_latex(text: str, origin: Origin, what: str, diags: Diagnostics) -> NoEscape | None:
    """LaTeX for a title-like field, or None when a formula in it is rejected."""
    parts: list[str] = []
    pos = 0
    ok = check_printable(MATH_SPAN.sub(" ", text), origin, what, diags)
    for match in MATH_SPAN.finditer(text):
        parts.append(escape_text(unescape_dollars(text[pos : match.start()])))
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
    parts.append(escape_text(unescape_dollars(text[pos:])))
    return NoEscape("".join(parts)) if ok else None


def inline_to_ast(text: str) -> list[dict[str, Any]]:
    """The field as pandoc inlines: its text, and its formulas (vetted) as Math nodes.

    Call it on a field that :func:`inline_to_latex` accepted; a rejected formula stays
    as written, as text.
    """
    inlines: list[dict[str, Any]] = []
    pos = 0

    def text_node(part: str) -> None:
        if part:
            inlines.append({"t": "Str", "c": unescape_dollars(part)})

    for match in MATH_SPAN.finditer(text):
        text_node(text[pos : match.start()])
        vetted = vet_math(match.group(1))
        if vetted.latex is None:
            text_node(match.group(0))
        else:
            inlines.append({"t": "Math", "c": [{"t": "InlineMath"}, for_mathml(vetted.latex)]})
        pos = match.end()
    text_node(text[pos:])
    return inlines


def unescape_dollars(text: str) -> str:
    """``\\$`` (a literal dollar, not mathematics) as the dollar it stands for."""
    return text.replace("\\$", "$")


def inline_to_plain(text: str) -> str:
    """The field as plain Unicode text: ``$P(\\mathcal{L})$`` reads ``P(L)``.

    For PDF bookmarks and other places that cannot hold formulas.
    """
    to_text = _latex_to_text()

    def plain(match: re.Match[str]) -> str:
        try:
            return to_text.latex_to_text(match.group(1))
        except Exception:  # any parse problem: the formula's source is still readable
            return match.group(1)

    return unescape_dollars(MATH_SPAN.sub(plain, text))


@cache
def _latex_to_text() -> LatexNodes2Text:
    """One converter for all fields: building one costs about a millisecond."""
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=True)
