"""Checks across contributions: duplicate ids, clashes, dates."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from itertools import pairwise

from booklet.diagnostics import Diagnostics
from booklet.model import Contribution, Event


def check_programme(
    event: Event, contributions: list[Contribution], diags: Diagnostics
) -> list[Contribution]:
    """Report cross-contribution problems; return the contributions to keep."""
    kept: list[Contribution] = []
    by_id: dict[str, Contribution] = {}
    for c in contributions:
        first = by_id.get(c.id)
        if first is not None:
            diags.error(
                c.origin.at(0),
                f"contribution id '{c.id}' is already used by {first.origin.path.name}; "
                "ids must be unique",
            )
            continue
        by_id[c.id] = c
        kept.append(c)
    _speaker_clashes(kept, diags)
    return kept


def _speaker_clashes(contributions: list[Contribution], diags: Diagnostics) -> None:
    """A speaker cannot give two talks at once."""
    talks: dict[tuple[str, str], list[tuple[datetime, datetime, Contribution]]] = defaultdict(list)
    names: dict[tuple[str, str], str] = {}
    for c in contributions:
        if c.start is None or c.end is None:
            continue
        for s in c.speakers:
            key = (s.family.casefold(), s.given.casefold())
            names[key] = s.name
            talks[key].append((c.start, c.end, c))
    for key, items in talks.items():
        items.sort(key=lambda item: item[0])
        for (_, end, a), (start, _, b) in pairwise(items):
            if start < end:
                diags.warning(
                    b.origin,
                    f"{names[key]} also speaks at the same time in contribution {a.id} "
                    f"({a.origin.path.name})",
                )
