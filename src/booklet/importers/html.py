"""HTML abstracts to booklet's Markdown, through pandoc (one process for all).

With ``math``, ``$…$`` and ``\\(…\\)`` in the HTML are kept as mathematics (Indico's
abstracts); without, every dollar is escaped and prints as written (a
programme's ``$12 phone``).
"""

from __future__ import annotations

from booklet.markup.pandoc import PandocError, run_lua

TIMEOUT_S = 300


class HtmlError(RuntimeError):
    """pandoc could not be run at all."""


def html_to_markdown(texts: list[str], *, math: bool) -> list[str | None]:
    """Markdown for each HTML text; None where pandoc could not read it."""
    if not texts:
        return []
    reader = "html-native_divs-native_spans" + (
        "+tex_math_dollars+tex_math_single_backslash" if math else ""
    )
    try:
        results = run_lua("booklet.importers", "html_batch.lua", [reader], texts, TIMEOUT_S)
    except PandocError as exc:
        raise HtmlError(str(exc)) from exc
    return [r.get("ok") for r in results]
