"""Content files as data, and data as content files.

A *record* is what one content file says, as plain data: ``{"front": {...}}``
for ``event.yaml``, ``{"front": {...}, "body": "..."}`` for a contribution
(its front matter and its Markdown abstract). Records are what the
re-import compares (:mod:`booklet.importers.merge`), so reading a file this
module wrote gives back exactly the record it was written from.

Values are written with PyYAML's emitter, which quotes whatever YAML would
read as syntax (``: ``, `` #``, a leading ``-``, ``---``, ``*``, ``&``,
``[`` …): a hostile title stays one value and cannot add keys. Every scalar
is plain text to booklet (it reads YAML without resolving types), so the
emitter is told that only empty values need quotes to stay text: ``60``
and ``2024-05-23 09:30`` are written plainly, as a person would.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from booklet.diagnostics import Diagnostics, Origin
from booklet.load.frontmatter import split_front_matter
from booklet.load.yamlsource import YamlList, YamlMap, parse_yaml, read_text

Record = dict[str, Any]
NULL_TAG = "tag:yaml.org,2002:null"


class _Dumper(yaml.SafeDumper):
    """Plain scalars wherever YAML syntax allows (booklet reads every scalar as text)."""


_Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == NULL_TAG]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}


def dump_yaml(data: dict[str, Any]) -> str:
    return yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000_000,
        default_flow_style=False,
    )  # fmt: skip


def render(record: Record) -> str:
    """The text of the file ``record`` describes."""
    front = dump_yaml(record["front"]) if record["front"] else ""
    if "body" not in record:
        return front
    body = record["body"]
    return f"---\n{front}---\n{body}\n" if body else f"---\n{front}---\n"


def normalise(value: Any) -> Any:
    """Drop empty values, so that an empty field and a missing one compare equal."""
    if isinstance(value, dict):
        items = ((k, normalise(v)) for k, v in value.items())
        return {k: v for k, v in items if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def _plain(value: object) -> Any:
    if isinstance(value, YamlMap):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, YamlList):
        return [_plain(v) for v in value]
    return value


class Unreadable(Exception):
    """A content file that cannot be read back as a record."""


def read_record(path: Path, kind: str) -> tuple[Record, dict[str, int]]:
    """The record of a content file, and the line of each top-level field (``""``: the body).

    ``kind`` is ``event`` or ``contribution``. Raises :class:`Unreadable`.
    """
    diags = Diagnostics()
    text = read_text(path, diags)
    if text is None:
        raise Unreadable("it is not UTF-8 text")
    body_line = 1
    if kind == "event":
        front_text, front_line, body = text, 1, None
    else:
        split = split_front_matter(text)
        if split is None:
            raise Unreadable("it has no front matter between '---' lines")
        front_text, front_line, body = split.front, split.front_line, split.body.strip("\n")
        body_line = split.body_line + len(split.body) - len(split.body.lstrip("\n"))
    data = parse_yaml(front_text, Origin(path, front_line), diags)
    if diags.has_errors or not (data is None or isinstance(data, YamlMap)):
        raise Unreadable("its fields are not readable YAML")
    front = normalise(_plain(data)) if data is not None else {}
    lines = {k: o.line for k, o in data.key_origins.items()} if data is not None else {}
    lines[""] = body_line  # the abstract's first line
    record: Record = {"front": front}
    if body is not None:
        record["body"] = body
    return record, lines
