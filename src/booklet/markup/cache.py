"""Remembering converted abstracts between builds, keyed by content.

An abstract's LaTeX (HTML, plain text) and its messages depend only on its
text, where it stands (file and line, for the messages; the anchor its HTML
ids start with) and booklet's mark-up code; the key is a hash of exactly
those. Editing one abstract re-converts that one. An entry holds the formats
converted so far; a build that needs another one converts the abstract again.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from booklet.diagnostics import Diagnostic, Origin
from booklet.output import write_text
from booklet.paths import PACKAGE

Entry = tuple[dict[str, str] | None, list[Diagnostic]]  # output format -> text


@cache
def code_version() -> str:
    digest = hashlib.sha256()
    for path in sorted((PACKAGE / "markup").glob("*")):
        if path.suffix in (".py", ".lua"):
            digest.update(path.read_bytes())
    return digest.hexdigest()


class MarkupCache:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, list] = {}
        self.used: set[str] = set()
        try:
            self.entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}

    @staticmethod
    def key(text: str, origin: Origin, anchor: str = "") -> str:
        data = json.dumps([code_version(), text, str(origin.path), origin.line, anchor])
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def get(self, key: str) -> Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        outputs, messages = entry
        if outputs is not None and not isinstance(outputs, dict):
            return None  # not an entry this code wrote
        self.used.add(key)
        return outputs, [
            Diagnostic(Origin(Path(path), line, col), level, message)
            for path, line, col, level, message in messages
        ]

    def put(
        self, key: str, outputs: dict[str, str] | None, diagnostics: list[Diagnostic]
    ) -> None:
        self.used.add(key)
        old = self.entries.get(key)
        if outputs is not None and old is not None and isinstance(old[0], dict):
            outputs = {**old[0], **outputs}  # keep the formats an earlier build converted
        self.entries[key] = [outputs, [
            [str(d.origin.path), d.origin.line, d.origin.col, d.level, d.message]
            for d in diagnostics
        ]]  # fmt: skip

    def save(self) -> None:
        """Keep the entries this build used; drop the rest."""
        kept = {k: v for k, v in self.entries.items() if k in self.used}
        write_text(self.path, json.dumps(kept))
