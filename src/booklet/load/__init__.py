"""Stage 1, load: ``content/`` to a validated :class:`~booklet.model.Programme`.

Every problem goes to the :class:`~booklet.diagnostics.Diagnostics`. A
contribution whose id and title could be read is kept even when it has
errors (the build stops, or with ``--keep-going`` prints a placeholder for
it); a file whose fields cannot be read at all is left out, and reported.
"""

from __future__ import annotations

from pathlib import Path

from booklet.diagnostics import Diagnostics, Origin
from booklet.load.checks import check_programme
from booklet.load.contributions import load_contribution
from booklet.load.event import load_event
from booklet.model import Programme

EVENT_FILE = "event.yaml"
CONTRIBUTIONS_DIR = "contributions"


def load_programme(content: Path, diags: Diagnostics) -> Programme | None:
    """The programme in ``content``, or None when the event itself is unusable."""
    event = load_event(content / EVENT_FILE, diags)
    files = contribution_files(content / CONTRIBUTIONS_DIR, diags)
    contributions = []
    for path in files:
        contribution = load_contribution(path, event, diags)
        if contribution is not None:  # kept even with errors: --keep-going gives it a placeholder
            contributions.append(contribution)
    if event is None:
        return None
    contributions = check_programme(event, contributions, diags)
    contributions.sort(key=lambda c: (c.start is None, c.start or 0, _id_key(c.id)))
    return Programme(event, tuple(contributions))


def contribution_files(folder: Path, diags: Diagnostics) -> list[Path]:
    """The ``*.md`` files of the folder (any case of the extension); others are reported."""
    if not folder.is_dir():
        diags.error(Origin(folder), "the contributions folder is missing: create it and put "
                    "one .md file per contribution in it")
        return []
    files = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue  # editors' and systems' hidden files
        if path.is_file() and path.suffix.lower() == ".md":
            files.append(path)
        else:
            diags.warning(Origin(path), "ignored: contributions are .md files")
    return files


def _id_key(cid: str) -> tuple[int, int, str]:
    return (0, int(cid), "") if cid.isdigit() else (1, 0, cid)
