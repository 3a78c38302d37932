"""From what a reader found to content records: what every format has in common.

- ids: the source's own id when it is safe as a file name, else one made
  from it (reported), unique without regard to case;
- times: converted to the event's timezone and written as its local time;
- abstracts: HTML converted to Markdown (pandoc); with ``math=False`` every
  dollar is escaped, so that ``$12`` prints as written;
- speakers: without duplicates; languages other than booklet's are dropped.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from booklet.diagnostics import Diagnostics
from booklet.importers.html import html_to_markdown
from booklet.importers.ids import IdAllocator, as_id, slug
from booklet.importers.records import Imported, ImportedEvent, Person, Talk
from booklet.importers.text import MAX_TITLE, block, escape_dollars, one_line
from booklet.importers.writer import Record, normalise
from booklet.model import LANGUAGES


def convert(imported: Imported, timezone: str, *, math: bool, fmt: str,
            diags: Diagnostics) -> list[tuple[str, Record, Talk]]:  # fmt: skip
    """The contributions' records (id, record, what it came from), times in ``timezone``."""
    zone = ZoneInfo(timezone)
    ids = _assign_ids(imported.talks, fmt, diags)
    abstracts = _abstracts(imported.talks, math, fmt, diags)
    contributions = []
    unknown: dict[str, list[Talk]] = {}
    for talk, cid, abstract in zip(imported.talks, ids, abstracts, strict=True):
        title = one_line(talk.title)
        if len(title) > MAX_TITLE:
            diags.warning(talk.origin, f"{fmt}: {talk.describe}: the title is {len(title)} "
                          "characters long; it is imported whole, shorten it")  # fmt: skip
        front = {
            "id": cid,
            "title": title if math else escape_dollars(title),
            "type": one_line(talk.type) or None,
            "start": _local_time(talk, zone, fmt, diags),
            "duration": str(talk.duration) if talk.duration else None,
            "session": talk.session,
            "room": one_line(talk.room) or None,
            "language": _language(talk, unknown),
            "speakers": _speakers(talk.speakers),
        }
        contributions.append((cid, {"front": normalise(front), "body": abstract}, talk))
    _report_languages(unknown, fmt, diags)
    return contributions


def _assign_ids(talks: list[Talk], fmt: str, diags: Diagnostics) -> list[str]:
    allocator = IdAllocator()
    ids = []
    for n, talk in enumerate(talks, start=1):
        wanted = next((i for i in map(as_id, talk.ids) if i is not None), None)
        if wanted is None:
            given = next((str(i) for i in talk.ids if i not in (None, "")), "")
            wanted = slug(given, f"c{n}")
            said = f"id '{given[:80]}' is not" if given else "no id is"
            diags.warning(talk.origin, f"{fmt}: {talk.describe}: {said} usable as a file name; "
                          f"written as '{wanted}'")  # fmt: skip
        cid = allocator.take(wanted)
        if cid != wanted:
            diags.warning(talk.origin, f"{fmt}: {talk.describe}: id '{wanted}' is used twice "
                          f"(or differs only in case); this one is written as '{cid}'")  # fmt: skip
        ids.append(cid)
    return ids


def _abstracts(talks: list[Talk], math: bool, fmt: str, diags: Diagnostics) -> list[str]:
    texts = [block(t.text) for t in talks]
    html = [i for i, t in enumerate(talks) if t.text_kind == "html" and texts[i]]
    for i, markdown in zip(html, html_to_markdown([texts[i] for i in html], math=math),
                           strict=True):  # fmt: skip
        if markdown is None:
            diags.warning(talks[i].origin, f"{fmt}: {talks[i].describe}: the abstract's HTML "
                          "could not be read; imported as plain text")  # fmt: skip
            texts[i] = escape_dollars(texts[i])
        else:
            texts[i] = block(markdown)
    if not math:
        html_set = set(html)
        texts = [t if i in html_set else escape_dollars(t) for i, t in enumerate(texts)]
    return texts


def _local_time(talk: Talk, zone: ZoneInfo, fmt: str, diags: Diagnostics) -> str | None:
    if talk.start is None:
        return None
    start = talk.start
    if start.tzinfo is not None:
        start = start.astimezone(zone)
        if start.fold:
            diags.warning(talk.origin, f"{fmt}: {talk.describe}: starts at {start:%H:%M} "
                          f"on {start:%Y-%m-%d} in the hour repeated when clocks go back "
                          f"({zone.key}); booklet reads it as the first {start:%H:%M}")  # fmt: skip
    if start.second or start.microsecond:
        diags.warning(talk.origin, f"{fmt}: {talk.describe}: seconds dropped from its start time")
    return f"{start:%Y-%m-%d %H:%M}"


def _language(talk: Talk, unknown: dict[str, list[Talk]]) -> str | None:
    value = one_line(talk.language).lower()
    if not value:
        return None
    code = value.replace("_", "-").split("-")[0]
    if code in LANGUAGES:
        return code
    unknown.setdefault(value[:20], []).append(talk)
    return None


def _report_languages(unknown: dict[str, list[Talk]], fmt: str, diags: Diagnostics) -> None:
    """One warning per language booklet does not typeset, at its first contribution."""
    for value, talks in unknown.items():
        which = talks[0].describe if len(talks) == 1 else f"{len(talks)} contributions"
        diags.warning(talks[0].origin, f"{fmt}: {which}: language '{value}' is not one booklet "
                      f"typesets ({', '.join(LANGUAGES)}); written without a language")  # fmt: skip


def _speakers(people: list[Person]) -> list[dict[str, str | None]]:
    seen: set[tuple[str, str]] = set()
    speakers = []
    for p in people:
        family, given = one_line(p.family), one_line(p.given)
        key = (family.casefold(), given.casefold())
        if not family or key in seen:
            continue
        seen.add(key)
        speakers.append({"family": family, "given": given, "affiliation": one_line(p.affiliation)})
    return speakers


def event_record(event: ImportedEvent, timezone: str) -> Record:
    front = {
        "title": one_line(event.title) or None,
        "timezone": timezone,
        "venue": one_line(event.venue) or None,
        "start_date": event.start_date.isoformat() if event.start_date else None,
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "sessions": [
            {"id": s.id, "title": one_line(s.title), "chair": one_line(s.chair),
             "room": one_line(s.room)}
            for s in event.sessions
        ],
    }  # fmt: skip
    return normalise({"front": front})
