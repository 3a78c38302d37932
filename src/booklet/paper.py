"""Paper sizes and lengths, in the units print shops order them.

A booklet page (``a5``, ``a4``, ``letter``) is folded from a sheet twice its
size: ``a5`` pages are imposed on ``a4`` sheets, ``a4`` on ``a3``, ``letter``
on ``tabloid`` (11 × 17 in). Sizes are portrait, width × height, in mm.
"""

from __future__ import annotations

import re

PT_PER_MM = 72 / 25.4

PAPER_MM: dict[str, tuple[float, float]] = {
    "a5": (148.0, 210.0),
    "a4": (210.0, 297.0),
    "a3": (297.0, 420.0),
    "letter": (215.9, 279.4),
    "tabloid": (279.4, 431.8),
}
SHEET_FOR: dict[str, str] = {"a5": "a4", "a4": "a3", "letter": "tabloid"}
"""The sheet a page size is imposed on, two pages side by side."""

TOLERANCE_MM = 1.0  # print shops' preflights allow about this much for rounding

UNITS_MM = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72}
LENGTH = re.compile(r"(-?\d+(?:\.\d+)?)\s*(mm|cm|in|pt)?")


def parse_length(text: str) -> float | None:
    """``3mm``, ``0.3 cm``, ``0.125in``, ``8.5pt`` (or a bare ``0``) in mm; None if unreadable."""
    match = LENGTH.fullmatch(text.strip().lower())
    if match is None:
        return None
    value, unit = float(match.group(1)), match.group(2)
    if unit is None:
        return value if value == 0 else None
    return value * UNITS_MM[unit]


def mm(points: float) -> float:
    return points / PT_PER_MM


def points(millimetres: float) -> float:
    return millimetres * PT_PER_MM


def name_of_size(width_mm: float, height_mm: float) -> str | None:
    """``A5`` or ``A4 landscape`` for a known size, else None."""
    for name, (w, h) in PAPER_MM.items():
        label = name.upper() if name.startswith("a") else name.capitalize()
        if same_size((width_mm, height_mm), (w, h)):
            return label
        if same_size((width_mm, height_mm), (h, w)):
            return f"{label} landscape"
    return None


def same_size(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) <= TOLERANCE_MM and abs(a[1] - b[1]) <= TOLERANCE_MM


def format_size(width_mm: float, height_mm: float) -> str:
    """``148 × 210 mm (A5)``."""
    name = name_of_size(width_mm, height_mm)
    size = f"{_number(width_mm)} × {_number(height_mm)} mm"
    return f"{size} ({name})" if name else size


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
