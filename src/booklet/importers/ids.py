"""Safe, stable ids for imported contributions and sessions.

An id names a file (``contributions/<id>.md``, ``proofs/<id>.pdf``), so it is
never taken from the source without validation: it must match the loader's
:data:`~booklet.load.fields.SAFE_ID` and not be a name Windows reserves.
"""

from __future__ import annotations

import re
import unicodedata

from booklet.load.event import GROUP_KEYS
from booklet.load.fields import RESERVED_NAMES, SAFE_ID

UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
MAX_ID = 64


def is_safe(value: str) -> bool:
    return bool(SAFE_ID.fullmatch(value)) and value.casefold() not in RESERVED_NAMES


def as_id(value: object) -> str | None:
    """``value`` as an id when it is one already (a whole number, or a safe code)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if isinstance(value, str) and is_safe(value.strip()):
        return value.strip()
    return None


def slug(text: str, fallback: str) -> str:
    """A safe id made from free text: ``Salle Cauchy (2nd floor)`` -> ``salle-cauchy-2nd-floor``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    value = UNSAFE.sub("-", ascii_text.lower()).strip("-_")[:MAX_ID].strip("-_")
    if not value or not is_safe(value):
        value = f"{value}_" if value and is_safe(f"{value}_") else fallback
    return value


def session_slug(text: str, fallback: str) -> str:
    """A session id made from free text; never one of the names that the handouts and
    slides of talks without a session take (``unscheduled``, ``day-2024-05-23``)."""
    value = slug(text, fallback)
    if GROUP_KEYS.fullmatch(value.casefold()):
        value = f"{value[: MAX_ID - 8]}-session"
    return value


class IdAllocator:
    """Hands out ids unique without regard to case (``A.md`` and ``a.md`` are one file
    on macOS and Windows)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate.casefold() in self.used:
            n += 1
            suffix = f"-{n}"
            candidate = wanted[: MAX_ID - len(suffix)] + suffix
        self.used.add(candidate.casefold())
        return candidate
