"""Splitting a contribution file into its YAML front matter and Markdown body."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Split:
    front: str  # the YAML text between the fences
    front_line: int  # file line of the YAML's first line
    body: str  # the Markdown after the closing fence
    body_line: int  # file line of the body's first line


def split_front_matter(text: str) -> Split | None:
    """``---`` on the first line, YAML, then ``---`` (or ``...``) alone on a line.

    Returns None when the file does not start with a front matter block.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            body = "\n".join(lines[i + 1 :])
            return Split("\n".join(lines[1:i]), 2, body, i + 2)
    return None
