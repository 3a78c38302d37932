"""Which characters the booklet's text fonts can print.

pdfLaTeX with the T1 and TS1 font encodings (Latin Modern) prints the
characters its encoding files declare; any other character stops the run
("Unicode character … not set up for use with LaTeX") or, worse, vanishes.
We read the set from TeX's own ``*.dfu`` files, so it matches the installed
TeX exactly, and report a character outside it as an error naming the
field, before TeX runs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from functools import cache

from booklet.diagnostics import Diagnostics, Origin

ENCODING_FILES = ("t1enc.dfu", "ts1enc.dfu", "ot1enc.dfu", "omsenc.dfu")
# utf8enc.dfu maps these to commands that work in every encoding.
ENCODING_INDEPENDENT = {"\u2026"}  # …
DECLARATION = re.compile(r"\\DeclareUnicodeCharacter\{([0-9A-Fa-f]{4,6})\}")
# Characters we know mathematicians type in text, and what to write instead.
MATH_HINTS = {
    "≤": "\\leq", "≥": "\\geq", "≠": "\\neq", "∞": "\\infty", "∈": "\\in", "→": "\\to",
    "⊂": "\\subset", "∑": "\\sum", "∫": "\\int", "√": "\\sqrt{}", "≈": "\\approx",
    "⊕": "\\oplus", "⊗": "\\otimes", "∀": "\\forall", "∃": "\\exists", "ℝ": "\\mathbb{R}",
    "ℕ": "\\mathbb{N}", "ℤ": "\\mathbb{Z}", "ℚ": "\\mathbb{Q}", "ℂ": "\\mathbb{C}",
}  # fmt: skip


# Typographic spaces that the fonts lack: the no-break ones become U+00A0, the others a space.
SPACES = str.maketrans({
    "\u202f": "\u00a0", "\u2007": "\u00a0", "\u2009": " ", "\u2008": " ", "\u200a": " ",
    "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ", "\u2006": " ", "\u205f": " ",
    "\u3000": " ",
})  # fmt: skip


def normalize_spaces(text: str) -> str:
    """Thin, narrow and em spaces (typed by authors, or written by CLDR in dates) as spaces
    the fonts have."""
    return text.translate(SPACES)


@cache
def printable_characters() -> frozenset[str] | None:
    """The characters the installed TeX can print in text, or None when TeX is not installed."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return None
    try:
        found = subprocess.run(
            [kpsewhich, *ENCODING_FILES], capture_output=True, text=True, timeout=30, check=False
        ).stdout.split()
    except (OSError, subprocess.TimeoutExpired):
        return None
    if not found:
        return None
    chars = {chr(c) for c in range(0x20, 0x7F)} | {"\n", "\t"} | ENCODING_INDEPENDENT
    for path in found:
        with open(path, encoding="latin-1") as f:
            chars |= {chr(int(code, 16)) for code in DECLARATION.findall(f.read())}
    return frozenset(chars)


def unprintable(text: str) -> list[tuple[int, str]]:
    """(offset, character) for each character of ``text`` the fonts cannot print."""
    if text.isascii() and text.isprintable():  # the common case, at C speed
        return []
    chars = printable_characters()
    if chars is None:
        return []
    return [(i, ch) for i, ch in enumerate(text) if ch not in chars]


def describe(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"'{ch}' (U+{ord(ch):04X}{' ' + name if name else ''})"


def advice(ch: str) -> str:
    hint = MATH_HINTS.get(ch)
    if hint is None and unicodedata.name(ch, "").startswith("GREEK"):
        letter = unicodedata.name(ch).split()[-1].lower().replace("lamda", "lambda")
        hint = "\\" + (letter.capitalize() if "CAPITAL" in unicodedata.name(ch) else letter)
    if hint:
        return f"; in mathematics write ${hint}$"
    return "; replace or remove it"


def check_printable(text: str, origin: Origin, what: str, diags: Diagnostics) -> bool:
    """Report each unprintable character once; True when all can be printed."""
    bad = unprintable(text)
    for ch in dict.fromkeys(ch for _, ch in bad):
        diags.error(origin, f"{what}: the character {describe(ch)} cannot be printed "
                    f"by the booklet's fonts{advice(ch)}")
    return not bad


def printable_text(text: str) -> str:
    """``text`` with each unprintable character spelt as its code point, e.g. ``U+03B1``."""
    bad = {ch for _, ch in unprintable(text)}
    return "".join(f"U+{ord(ch):04X}" if ch in bad else ch for ch in text)
