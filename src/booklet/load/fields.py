"""Typed reading of YAML mappings, with errors in the user's terms.

A :class:`Fields` wraps one mapping (the event, a session, a contribution's
front matter, a speaker) and knows what it is called in messages.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from booklet.diagnostics import CONTROLS, Diagnostics, Origin
from booklet.load.yamlsource import YamlList, YamlMap
from booklet.markup.charset import normalize_spaces

SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
# Ids name output files (proofs/<id>.pdf): refuse names Windows reserves for devices.
RESERVED_NAMES = {"con", "prn", "aux", "nul"} | {
    f"{d}{n}" for d in ("com", "lpt") for n in range(10)
}
# Zero-width and bidirectional controls: invisible, and used to disguise text.
INVISIBLE = {
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
    "\u2066", "\u2067", "\u2068", "\u2069", "\u200e", "\u200f",
}  # fmt: skip
INVISIBLE_CHARS = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")


def suggestion(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss, else nothing."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def clean_text(value: str, origin: Origin, what: str, diags: Diagnostics) -> str:
    """Drop invisible controls (with a warning); reject other control characters."""
    value = normalize_spaces(value)
    if INVISIBLE_CHARS.search(value):
        diags.warning(origin, f"{what}: removed invisible formatting characters")
        value = INVISIBLE_CHARS.sub("", value)
    control = CONTROLS.search(value)
    if control:
        ch = control.group()
        diags.error(origin, f"{what}: contains the control character U+{ord(ch):04X}")
        return CONTROLS.sub("", value)
    return value


class Fields:
    def __init__(self, data: YamlMap, what: str, diags: Diagnostics) -> None:
        self.data = data
        self.what = what  # e.g. "contribution", "session 'morning'", "speaker 1"
        self.diags = diags

    def origin(self, key: str) -> Origin:
        return self.data.origin_of(key)

    def check_keys(self, known: Iterable[str]) -> None:
        known = list(known)
        for key in self.data:
            if key not in known:
                self.diags.warning(
                    self.origin(key),
                    f"{self.what}: unknown field '{key}' is ignored{suggestion(key, known)}",
                )

    def text(self, key: str, *, required: bool = False, single_line: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                self.diags.error(self.data.origin, f"{self.what}: missing required field '{key}'")
            return None
        if not isinstance(value, str):
            kind = "a list" if isinstance(value, YamlList) else "a mapping"
            self.diags.error(self.origin(key), f"{self.what}: '{key}' must be text, not {kind}")
            return None
        value = clean_text(value, self.origin(key), f"{self.what} '{key}'", self.diags).strip()
        if single_line:
            value = " ".join(value.split())
        if not value and required:
            self.diags.error(self.origin(key), f"{self.what}: '{key}' is empty")
            return None
        return value or None

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            self.diags.error(
                self.origin(key),
                f"{self.what}: '{key}' must be one of {', '.join(choices)}, not '{value}'"
                f"{suggestion(value, choices)}",
            )
            return default
        return value

    def identifier(self, key: str, *, required: bool = False) -> str | None:
        value = self.text(key, required=required)
        if value is None:
            return None
        if value.casefold() in RESERVED_NAMES:
            self.diags.error(
                self.origin(key),
                f"{self.what}: '{key}' cannot be '{value}', a name reserved for devices on Windows",
            )
            return None
        if not SAFE_ID.fullmatch(value):
            self.diags.error(
                self.origin(key),
                f"{self.what}: '{key}' must be a number or a short code of letters, digits, "
                f"'-' and '_' (at most 64), not '{value}'",
            )
            return None
        return value

    def positive_int(self, key: str, *, maximum: int) -> int | None:
        value = self.text(key)
        if value is None:
            return None
        if not value.isdigit() or not 0 < int(value) <= maximum:
            self.diags.error(
                self.origin(key),
                f"{self.what}: '{key}' must be a whole number from 1 to {maximum}, not '{value}'",
            )
            return None
        return int(value)

    def mapping_list(self, key: str) -> list[tuple[YamlMap, Origin]]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, YamlList):
            self.diags.error(self.origin(key), f"{self.what}: '{key}' must be a list")
            return []
        items = []
        for item, origin in zip(value, value.item_origins, strict=True):
            if isinstance(item, YamlMap):
                items.append((item, origin))
            else:
                self.diags.error(
                    origin, f"{self.what}: each entry of '{key}' must be a mapping of fields"
                )
        return items
