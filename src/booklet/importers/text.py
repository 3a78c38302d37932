"""Cleaning text from a source: line breaks, control characters, dollars, HTML."""

from __future__ import annotations

import re
import unicodedata

HTML_TAG = re.compile(
    r"</?(?:p|br|div|span|ul|ol|li|b|i|u|s|em|strong|a|h[1-6]|table|thead|tbody|tr|td|th|"
    r"sub|sup|blockquote|pre|code|img|hr|strike|font|center|dl|dt|dd|figure|small|big)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
# A dollar not already escaped: \$ stays, $ becomes \$.
DOLLAR = re.compile(r"(?<!\\)\$")
MAX_TITLE = 500  # characters: longer is reported (it would not fit a page)


def clean(text: object) -> str:
    """Text with LF line breaks, NFC, no control characters but tab and newline.

    Non-text values (a number where text was expected) are written as text;
    None is empty.
    """
    if text is None or isinstance(text, (dict, list, bool)):
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )
    return unicodedata.normalize("NFC", value)


def one_line(text: object) -> str:
    """A single-line field (title, name, room): whitespace runs become one space."""
    return " ".join(clean(text).split())


def block(text: object) -> str:
    """A multi-line field (an abstract): cleaned, trailing spaces and blank edges removed."""
    lines = [line.rstrip() if not line.endswith("  ") else line for line in clean(text).split("\n")]
    return "\n".join(lines).strip("\n")


def looks_like_html(text: str) -> bool:
    return HTML_TAG.search(text) is not None


def escape_dollars(text: str) -> str:
    """``$12 phone`` -> ``\\$12 phone``: dollars printed as written, never mathematics.

    booklet reads ``\\$`` as a literal dollar, in titles and (pandoc Markdown)
    in abstracts alike.
    """
    return DOLLAR.sub(r"\\$", text)
