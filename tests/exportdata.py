"""An event for the export tests: the reference event, plus what the exports must handle.

Two days, rooms on sessions and on a talk, a title with mathematics, a
non-numeric id, display mathematics, a list, a link and a footnote in an
abstract, and a poster without a time (not in the calendar nor the schedule).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
PARIS = ZoneInfo("Europe/Paris")
EVENT_SLUG = "mathematics-for-and-by-large-language-models"

EVENT = """\
title: Mathematics for and by Large Language Models
language: fr
timezone: Europe/Paris
venue: IHES, Bures-sur-Yvette
start_date: 2024-05-23
end_date: 2024-05-24
sessions:
  - id: morning
    title: Session du matin
    room: Amphi A
    chair: Jane Doe
  - id: afternoon
    title: Session de l'après-midi
    room: Amphi B
  - id: friday
    title: Tropical Friday
    room: Salle 1
"""

EXTRA = {
    "tropical-7": """\
---
id: tropical-7
title: Tropical polyhedra $P(\\mathcal{L})$ and the $(\\min, +)$ semiring
type: Invited talk
start: 2024-05-24 10:00
duration: 45
session: friday
room: Salle 2
language: en
speakers:
  - family: Gaubert
    given: Stéphane
    affiliation: INRIA & CMAP, École polytechnique
  - family: Vlassopoulos
    given: Yiannis
---
We study **tropical** polyhedra $P(\\mathcal{L})$ over the $(\\min, +)$ semiring, where
$a \\oplus b = \\min(a, b)$ and

$$\\bigoplus_{i \\in I} a_i \\odot x_i = \\min_{i \\in I} (a_i + x_i).$$

- first, the *extremal rays*;
- then the duality[^1].

More at [the project page](https://example.org/tropical).

[^1]: Joint work in progress.
""",
    "8": """\
---
id: 8
title: Closing remarks
start: 2024-05-24 11:00
duration: 15
session: friday
speakers:
  - family: Doe
    given: Jane
---
Thanks to all.
""",
    "poster-1": """\
---
id: poster-1
title: A poster without a time
speakers:
  - family: Poster
    given: Paula
---
Shown all day in the hall.
""",
}

# id -> (start, minutes, room) of every scheduled talk
SCHEDULED = {
    "1": (datetime(2024, 5, 23, 9, 30, tzinfo=PARIS), 60, "Amphi A"),
    "2": (datetime(2024, 5, 23, 10, 30, tzinfo=PARIS), 60, "Amphi A"),
    "3": (datetime(2024, 5, 23, 12, 0, tzinfo=PARIS), 60, "Amphi A"),
    "4": (datetime(2024, 5, 23, 14, 30, tzinfo=PARIS), 60, "Amphi B"),
    "5": (datetime(2024, 5, 23, 15, 30, tzinfo=PARIS), 60, "Amphi B"),
    "6": (datetime(2024, 5, 23, 17, 0, tzinfo=PARIS), 60, "Amphi B"),
    "tropical-7": (datetime(2024, 5, 24, 10, 0, tzinfo=PARIS), 45, "Salle 2"),
    "8": (datetime(2024, 5, 24, 11, 0, tzinfo=PARIS), 15, "Salle 1"),
}
UNSCHEDULED = ["poster-1"]
ALL_IDS = [*SCHEDULED, *UNSCHEDULED]


def end(cid: str) -> datetime:
    start, minutes, _ = SCHEDULED[cid]
    return start + timedelta(minutes=minutes)


def make_export_content(dest: Path) -> Path:
    """Write the export test event into ``dest`` (a new folder); return it."""
    shutil.copytree(CONTENT, dest)
    (dest / "event.yaml").write_text(EVENT, encoding="utf-8")
    for name, text in EXTRA.items():
        (dest / "contributions" / f"{name}.md").write_text(text, encoding="utf-8")
    return dest
