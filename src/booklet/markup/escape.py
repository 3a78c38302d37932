"""Escaping plain text for LaTeX: the one place where it happens.

Plain fields (names, affiliations, rooms, labels) are escaped when a template
renders them (see :mod:`booklet.render`), never at load time. LaTeX that the
pipeline made itself (vetted math, pandoc's output) is marked as such by
wrapping it in :class:`pylatex.utils.NoEscape`, and passes through unchanged.
"""

from __future__ import annotations

from pylatex.utils import NoEscape, escape_latex

__all__ = ["NoEscape", "escape_text", "latex"]


def escape_text(text: str) -> NoEscape:
    r"""``text`` as LaTeX that prints it literally.

    pylatex's table covers TeX's special characters (``& % $ # _ { } ~ ^ \``)
    and breaks ligatures such as ``--`` and ``[``; a newline becomes a line
    break.
    """
    return escape_latex(text)


def latex(value: object) -> NoEscape:
    """Render-time conversion: LaTeX passes, anything else is escaped as text."""
    if isinstance(value, NoEscape):
        return value
    if value is None:
        return NoEscape("")
    return escape_text(str(value))
