"""Stage 1, load: ``content/`` to a validated :class:`~booklet.model.Programme`.

Every problem goes to the :class:`~booklet.diagnostics.Diagnostics`; a
contribution with errors is left out of the programme (and reported), the
others are kept.
"""

from __future__ import annotations

from pathlib import Path

from booklet.diagnostics import Diagnostics
from booklet.load.checks import check_programme
from booklet.load.contributions import load_contribution
from booklet.load.event import load_event
from booklet.model import Programme

EVENT_FILE = "event.yaml"
CONTRIBUTIONS_DIR = "contributions"


def load_programme(content: Path, diags: Diagnostics) -> Programme | None:
    """The programme in ``content``, or None when the event itself is unusable."""
    event = load_event(content / EVENT_FILE, diags)
    files = sorted((content / CONTRIBUTIONS_DIR).glob("*.md"))
    contributions = []
    for path in files:
        before = len(diags.errors_in(path))
        contribution = load_contribution(path, event, diags)
        if contribution is not None and len(diags.errors_in(path)) == before:
            contributions.append(contribution)
    if event is None:
        return None
    contributions = check_programme(event, contributions, diags)
    contributions.sort(key=lambda c: (c.start is None, c.start or 0, _id_key(c.id)))
    return Programme(event, tuple(contributions))


def _id_key(cid: str) -> tuple[int, int, str]:
    return (0, int(cid), "") if cid.isdigit() else (1, 0, cid)
