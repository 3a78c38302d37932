"""Reading content files: bytes to text, text to YAML values that know their lines.

YAML is composed (never constructed) so that no tag can build a Python
object, and every scalar stays a string: the field readers in
:mod:`booklet.load.fields` convert and report. This sidesteps YAML 1.1's
surprises (``09:30`` read as 570, ``no`` as False, ``2024-05-23`` as a date).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml

from booklet.diagnostics import Diagnostics, Origin

NULLS = {"", "~", "null", "Null", "NULL"}
# libyaml's composer is twenty times faster than the pure-Python one, with the same marks.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 20_000


class YamlMap(dict):
    """A mapping that remembers the line of each key (and its own line)."""

    def __init__(self, origin: Origin) -> None:
        super().__init__()
        self.origin = origin
        self.key_origins: dict[str, Origin] = {}

    def origin_of(self, key: str) -> Origin:
        return self.key_origins.get(key, self.origin)


class YamlList(list):
    """A sequence that remembers the line of each item."""

    def __init__(self, origin: Origin) -> None:
        super().__init__()
        self.origin = origin
        self.item_origins: list[Origin] = []


def read_text(path: Path, diags: Diagnostics) -> str | None:
    """A file's text: UTF-8 (a BOM is fine), LF line endings, NFC-normalised."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        diags.error(Origin(path), f"cannot read the file: {exc.strerror or exc}")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diags.error(
            Origin(path, line),
            f"the file is not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        )
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _comment_after(node: yaml.ScalarNode, lines: list[str]) -> bool:
    """True when a plain value is followed by `` #…`` on its line: YAML drops it as a comment."""
    end = node.end_mark
    if node.style or end.line >= len(lines):
        return False
    return lines[end.line][end.column :].lstrip().startswith("#")


def parse_yaml(text: str, origin: Origin, diags: Diagnostics) -> object | None:
    """Parse YAML ``text`` whose first line is ``origin.line`` of ``origin.path``."""
    try:
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = origin.line + (mark.line if mark else 0)
        what = exc.problem or exc.context or "syntax error"
        diags.error(Origin(origin.path, line), f"YAML syntax error: {what}{_hint(what)}")
        return None
    except yaml.YAMLError as exc:
        diags.error(origin, f"YAML syntax error: {exc}")
        return None
    if node is None:
        return None
    return _convert(node, origin, diags, seen=set(), lines=text.split("\n"))


YAML_HINTS = (
    ("mapping values are not allowed", "a ': ' inside a value: put the value in quotes, "
     'e.g. title: "Logics: a survey"'),
    ("'\\t'", "YAML is indented with spaces, not tabs"),
    ("found '<scalar>'", "a value that starts with [ or { must be put in quotes"),
    ("expected alphabetic or numeric character", "a value that starts with * or & must be put "
     "in quotes"),
    ("found undefined alias", "a value that starts with * must be put in quotes"),
    ("did not find expected key", "check the indentation, or put values with : # [ ] in quotes"),
)  # fmt: skip


def _hint(problem: str) -> str:
    return next((f" ({hint})" for needle, hint in YAML_HINTS if needle in problem), "")


def _convert(
    node: yaml.Node, base: Origin, diags: Diagnostics, seen: set[int], lines: list[str]
) -> object:
    here = Origin(base.path, base.line + node.start_mark.line)
    if id(node) in seen:
        diags.error(here, "YAML aliases (*name) are not supported; write the value out")
        return None
    seen.add(id(node))
    if len(seen) > MAX_NODES:
        diags.error(here, f"too many YAML values (more than {MAX_NODES})")
        return None
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in NULLS:  # plain (libyaml says "", PyYAML None)
            return None
        if _comment_after(node, lines):
            diags.warning(
                here,
                f"the text after '{node.value[-20:]} #' is a YAML comment and is dropped; "
                "put the whole value in quotes to keep it",
            )
        return node.value
    if isinstance(node, yaml.SequenceNode):
        seq = YamlList(here)
        for item in node.value:
            seq.append(_convert(item, base, diags, seen, lines))
            seq.item_origins.append(Origin(base.path, base.line + item.start_mark.line))
        return seq
    assert isinstance(node, yaml.MappingNode)
    mapping = YamlMap(here)
    for key_node, value_node in node.value:
        key_origin = Origin(base.path, base.line + key_node.start_mark.line)
        if not isinstance(key_node, yaml.ScalarNode):
            diags.error(key_origin, "a key must be a plain name")
            continue
        key = key_node.value
        if key in mapping:
            diags.error(key_origin, f"'{key}' is given twice")
            continue
        mapping[key] = _convert(value_node, base, diags, seen, lines)
        mapping.key_origins[key] = key_origin
    return mapping
