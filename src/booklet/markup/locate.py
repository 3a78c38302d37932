"""Finding where a piece of an abstract stands in its file, for messages."""

from __future__ import annotations

from booklet.diagnostics import Origin


class SourceLocator:
    """Maps snippets of a text back to file positions, searching forward in order.

    pandoc's AST does not keep source positions; the snippets we report on
    (formulas, commands) appear in the source as written, in the same order as
    in the AST, so a forward search finds each one.
    """

    def __init__(self, text: str, origin: Origin) -> None:
        self.text = text
        self.origin = origin  # where text[0] stands
        self.cursor = 0

    def find(self, snippet: str) -> int | None:
        """Offset of the next occurrence of ``snippet`` (advancing past it), or None."""
        pos = self.text.find(snippet, self.cursor) if snippet else -1
        if pos < 0:
            return None
        self.cursor = pos + len(snippet)
        return pos

    def origin_at(self, offset: int | None) -> Origin:
        if offset is None:
            return self.origin
        before = self.text[:offset]
        line = before.count("\n")
        col = offset - (before.rfind("\n") + 1) + 1
        return self.origin.at(line, col)
