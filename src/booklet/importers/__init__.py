"""Importing a programme from Indico, frab/pretalx or a spreadsheet into ``content/``.

``booklet import FORMAT SOURCE`` reads the source with the format's reader
(:mod:`.indico`, :mod:`.frab`, :mod:`.csv_import`: each gives neutral
records, :mod:`.records`), converts what all formats share
(:mod:`.convert`), and writes ``event.yaml`` and ``contributions/<id>.md``
(:mod:`.writer`), merging with local edits when the source was imported
before (:mod:`.sync`, :mod:`.merge`). Problems in the source are reported
with the source's file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from booklet.diagnostics import Diagnostics, Origin
from booklet.importers.records import Imported
from booklet.importers.sync import Outcome

FORMATS = ("indico", "frab", "csv")
# What a $ means by default: Indico holds scientific abstracts; frab and pretalx
# programmes rarely hold mathematics, and a $ there is a price.
DEFAULT_DOLLARS = {"indico": "math", "frab": "text", "csv": "math"}
MAX_SOURCE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class ImportOptions:
    content: Path
    dollars: str | None = None  # math or text; None: the format's default
    sessions: str | None = None  # frab: room-day, track or none (None: the source decides)
    mapping: Path | None = None  # csv
    dry_run: bool = False


@dataclass(frozen=True)
class ImportResult:
    outcome: Outcome
    contributions: int


def import_source(fmt: str, source: Path, options: ImportOptions,
                  diags: Diagnostics) -> ImportResult | None:  # fmt: skip
    """Import ``source`` into ``options.content``; None when the source cannot be read."""
    from booklet.importers.convert import convert, event_record
    from booklet.importers.sync import Sync

    data = _read(source, diags)
    if data is None:
        return None
    existing = _existing_event(options.content)
    sync = Sync(options.content, fmt, source, diags, dry_run=options.dry_run)
    imported = _read_source(fmt, source, data, options, existing, sync.previous_event(), diags)
    if imported is None:
        return None
    dollars = options.dollars or imported.dollars or DEFAULT_DOLLARS[fmt]
    timezone = imported.event.timezone or existing.get("timezone")
    if not isinstance(timezone, str) or not _known_zone(timezone):
        timezone = "UTC"
        diags.warning(Origin(source), f"{fmt}: no timezone is known for the event: event.yaml "
                      "says UTC; set its 'timezone' (e.g. Europe/Paris)")  # fmt: skip
    event = event_record(imported.event, timezone)
    # Times are written in the timezone event.yaml will have: the source's, unless the
    # one in event.yaml was set by hand.
    kept = sync.preview_event(event)["front"].get("timezone")
    if isinstance(kept, str) and _known_zone(kept):
        timezone = kept
    converted = convert(imported, timezone, math=dollars == "math", fmt=fmt, diags=diags)
    outcome = sync.run(event, [(cid, record) for cid, record, _ in converted])
    return ImportResult(outcome, len(converted))


def _read_source(fmt: str, source: Path, data: bytes, options: ImportOptions,
                 existing: dict[str, Any], previous: dict[str, Any],
                 diags: Diagnostics) -> Imported | None:  # fmt: skip
    if fmt == "indico":
        from booklet.importers.indico import read_indico

        return read_indico(source, data.decode("utf-8-sig", errors="replace"), diags)
    if fmt == "frab":
        from booklet.importers.frab import read_frab

        return read_frab(source, data, diags, sessions=options.sessions)
    from booklet.importers.csv_import import read_csv, read_mapping

    mapping_path = options.mapping
    if mapping_path is None:
        beside = source.with_suffix(".mapping.yaml")
        mapping_path = beside if beside.is_file() else None
    mapping = read_mapping(mapping_path, diags)
    if mapping is None:
        return None
    return read_csv(source, data, mapping, existing, previous, diags)


def _read(source: Path, diags: Diagnostics) -> bytes | None:
    try:
        if source.stat().st_size > MAX_SOURCE_BYTES:
            diags.error(Origin(source), "the file is larger than 512 MB; is it an export?")
            return None
        return source.read_bytes()
    except OSError as exc:
        diags.error(Origin(source), f"cannot read the file: {exc.strerror or exc}")
        return None


def _existing_event(content: Path) -> dict[str, Any]:
    """The fields of the current event.yaml, if it can be read."""
    from booklet.importers.writer import Unreadable, read_record

    path = content / "event.yaml"
    if not path.is_file():
        return {}
    try:
        return read_record(path, "event")[0]["front"]
    except (Unreadable, OSError):
        return {}


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
