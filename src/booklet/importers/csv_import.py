"""A spreadsheet exported as CSV: one row per contribution, and a mapping file.

The mapping (YAML) names the column that holds each field::

    columns:
      title: Title
      family: Last name          # or name: Speaker, a whole name in one column
      given: First name
      affiliation: Institution
      type: Type
      abstract: Abstract
      id: Submission ID          # optional from here on
      start: Start               # or date: Day and time: Time
      duration: Minutes
      session: Session
      room: Room
      co_speakers: Co-authors    # "Ada Lovelace (Analytical Society); Charles Babbage"
      language: Language
    delimiter: ";"               # optional: sniffed from the header (, ; or tab)
    encoding: utf-8              # optional: UTF-8 (with or without BOM), else cp1252
    start_format: "%d/%m/%Y %H:%M"   # optional: for times not written YYYY-MM-DD HH:MM
    dollars: math                # or text: a $ in titles and abstracts is money
    event: {title: …, timezone: Europe/Paris}   # optional, for a new event.yaml

Without a mapping file, columns are looked for under booklet's own field
names (``title``, ``family``, ``given``, ``affiliation``, ``abstract`` …).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from booklet.diagnostics import Diagnostics, Origin
from booklet.importers.ids import session_slug
from booklet.importers.names import split_name
from booklet.importers.records import Imported, ImportedEvent, ImportedSession, Person, Talk
from booklet.importers.text import clean, looks_like_html, one_line
from booklet.load.fields import suggestion
from booklet.load.yamlsource import YamlMap, parse_yaml

FMT = "csv"
FIELDS = (
    "title", "family", "given", "name", "affiliation", "type", "abstract", "id", "start",
    "date", "time", "duration", "session", "room", "co_speakers", "language",
)  # fmt: skip
SETTINGS = ("columns", "delimiter", "encoding", "start_format", "date_format", "dollars", "event")
ALIASES = {"institution": "affiliation", "co-speakers": "co_speakers", "cospeakers": "co_speakers"}
DELIMITERS = (",", ";", "\t")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
CLOCK = re.compile(r"(\d{1,2})[:hH.](\d{2})(?::\d{2})?")
AFFILIATION = re.compile(r"^(.*?)\s*\(([^()]*)\)$")


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # field -> column header
    delimiter: str | None = None
    encoding: str | None = None
    start_format: str | None = None
    date_format: str | None = None
    dollars: str | None = None
    event_title: str | None = None
    event_timezone: str | None = None
    default: bool = False  # no mapping file: columns named after booklet's fields, all optional


def read_mapping(path: Path | None, diags: Diagnostics) -> Mapping | None:
    """The mapping file, or the default mapping when there is none."""
    if path is None:
        return Mapping({f: f for f in FIELDS}, default=True)
    from booklet.load.yamlsource import read_text

    text = read_text(path, diags)
    if text is None:
        return None
    data = parse_yaml(text, Origin(path), diags)
    if not isinstance(data, YamlMap):
        if not diags.errors_in(path):
            diags.error(Origin(path), "the mapping must be YAML fields: columns: {title: ...}")
        return None
    mapping = Mapping()
    for key in data:
        if key not in SETTINGS:
            diags.warning(data.origin_of(key), f"mapping: unknown setting '{key}' is ignored"
                          f"{suggestion(key, SETTINGS)}")  # fmt: skip
    columns = data.get("columns")
    if not isinstance(columns, YamlMap):
        diags.error(data.origin_of("columns"), "mapping: 'columns' must map booklet's fields to "
                    "your column names, e.g. title: Title")  # fmt: skip
        return None
    for key, value in columns.items():
        name = ALIASES.get(key.lower(), key.lower())
        if name not in FIELDS:
            diags.error(columns.origin_of(key), f"mapping: unknown field '{key}'; fields are "
                        f"{', '.join(FIELDS)}{suggestion(name, FIELDS)}")  # fmt: skip
        elif isinstance(value, str) and value.strip():
            mapping.columns[name] = value.strip()
    for key in ("delimiter", "encoding", "start_format", "date_format", "dollars"):
        value = data.get(key)
        if isinstance(value, str):
            setattr(mapping, key, value.replace("\\t", "\t") if key == "delimiter" else value)
    if mapping.dollars not in (None, "math", "text"):
        diags.error(data.origin_of("dollars"), "mapping: 'dollars' must be math or text")
        mapping.dollars = None
    event = data.get("event")
    if isinstance(event, YamlMap):
        title, zone = event.get("title"), event.get("timezone")
        mapping.event_title = title if isinstance(title, str) else None
        mapping.event_timezone = zone if isinstance(zone, str) else None
    if "title" not in mapping.columns:
        diags.error(data.origin_of("columns"), "mapping: the 'title' column is required")
        return None
    return mapping


def decode(data: bytes, path: Path, encoding: str | None, diags: Diagnostics) -> str | None:
    """UTF-8 (a BOM is fine), UTF-16 with its BOM, else cp1252 (with a warning)."""
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            diags.error(Origin(path), f"{FMT}: cannot read the file as {encoding}: {exc}")
            return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:65536]:  # text never holds NUL; a spreadsheet's own format does
        diags.error(Origin(path), f"{FMT}: this is not a text file (it holds NUL bytes): "
                    "save the sheet as CSV (comma-separated values, UTF-8)")  # fmt: skip
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text, name = data.decode("latin-1"), "Latin-1"
        else:
            name = "Windows-1252 (cp1252)"
        diags.warning(Origin(path, line), f"{FMT}: the file is not UTF-8 (byte "
                      f"0x{data[exc.start]:02x}); read as {name}: check accented letters, "
                      "or export the sheet as UTF-8 CSV")  # fmt: skip
        return text


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most columns."""
    header = text.split("\n", 1)[0]
    counts = {d: len(next(csv.reader([header], delimiter=d), [])) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])


def read_csv(path: Path, data: bytes, mapping: Mapping, existing: dict[str, Any],
             previous: dict[str, Any], diags: Diagnostics) -> Imported | None:  # fmt: skip
    """``existing``: the current event.yaml fields (sessions are matched against them);
    ``previous``: those the last import of a sheet wrote (empty before the first). What this
    import says about the event depends on the sheet, not on what earlier imports wrote, so
    that importing again does not take back the title and sessions they gave."""
    text = decode(data, path, mapping.encoding, diags)
    if text is None:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = mapping.delimiter or sniff_delimiter(text)
    unclosed = unclosed_quote(text, delimiter)
    if unclosed is not None:  # nothing is imported: the rows after it would be removed
        diags.error(Origin(path, unclosed), f"{FMT}: a quoted cell on this line is not closed: "
                    "its opening \" takes in the rest of the file; close it (a \" inside a "
                    "quoted cell is written \"\")")  # fmt: skip
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        diags.error(Origin(path), f"{FMT}: the file is empty")
        return None
    except csv.Error as exc:
        diags.error(Origin(path), f"{FMT}: {exc}")
        return None
    columns = _columns(header, mapping, path, diags)
    if columns is None:
        return None
    rows = _Rows(path, columns, mapping, existing, previous, diags)
    line = reader.line_num + 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.add(row, line)
            line = reader.line_num + 1
    except csv.Error as exc:
        diags.error(Origin(path, line), f"{FMT}: {exc}")
    event = ImportedEvent(
        # the file's name is the title only of an event.yaml this import made
        title=mapping.event_title
        or (None if existing.get("title") and "title" not in previous else path.stem),
        timezone=mapping.event_timezone,
        sessions=list(rows.sessions.values()),
    )
    if "id" not in columns and rows.talks:
        diags.warning(Origin(path), f"{FMT}: no id column: contributions are numbered by row; "
                      "if rows are added, removed or sorted, local edits follow the numbers, not "
                      "the talks: add an id column to the sheet")  # fmt: skip
    return Imported(event, rows.talks, dollars=mapping.dollars)


def unclosed_quote(text: str, delimiter: str) -> int | None:
    """The line of a row with a quoted cell that is never closed (csv reads the rest of the
    file into that cell, without a word), or None."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            next(reader)
        except StopIteration:
            return None
        except csv.Error as exc:  # strict: also a stray quote, which the import accepts
            if "end of data" in str(exc):
                return line
        line = reader.line_num + 1


def _columns(header: list[str], mapping: Mapping, path: Path, diags: Diagnostics
             ) -> dict[str, int] | None:  # fmt: skip
    index = {h.casefold(): i for i, h in reversed(list(enumerate(header)))}
    columns: dict[str, int] = {}
    for name, column in mapping.columns.items():
        if column.casefold() in index:
            columns[name] = index[column.casefold()]
        elif name == "title" or not mapping.default:
            diags.error(Origin(path), f"{FMT}: no column '{column}' (for {name}) in the header"
                        f"{suggestion(column, header)}; columns are: "
                        f"{', '.join(h for h in header if h)[:300]}")  # fmt: skip
    if "title" not in columns:
        if not diags.errors_in(path):
            diags.error(Origin(path), f"{FMT}: no title column; write a mapping file (see "
                        "README: importing a spreadsheet)")  # fmt: skip
        return None
    return columns


class _Rows:
    def __init__(self, path: Path, columns: dict[str, int], mapping: Mapping,
                 existing: dict[str, Any], previous: dict[str, Any],
                 diags: Diagnostics) -> None:  # fmt: skip
        self.path = path
        self.columns = columns
        self.mapping = mapping
        self.diags = diags
        self.talks: list[Talk] = []
        # session id or title (casefolded) -> id: those an earlier import of the sheet
        # wrote (the sheet gives them again), and those written by hand (it only uses them)
        self.imported = _session_keys(previous)
        self.known = {**_session_keys(existing), **self.imported}
        self.sessions: dict[str, ImportedSession] = {}  # the sessions the sheet gives

    def cell(self, row: list[str], name: str) -> str:
        i = self.columns.get(name)
        return row[i].strip() if i is not None and i < len(row) else ""

    def add(self, row: list[str], line: int) -> None:
        origin = Origin(self.path, line)
        n = len(self.talks) + 1
        title = one_line(self.cell(row, "title"))
        describe = f"row {n} '{title[:60]}'"
        if not title:
            self.diags.warning(origin, f"{FMT}: row {n} has no title; not imported")
            return
        abstract = self.cell(row, "abstract")
        self.talks.append(Talk(
            ids=[self.cell(row, "id") if "id" in self.columns else n],
            title=title,
            origin=origin,
            text=abstract,
            text_kind="html" if looks_like_html(abstract) else "markdown",
            type=self.cell(row, "type") or None,
            start=self.start(row, origin, describe),
            duration=self.duration(row, origin, describe),
            session=self.session(self.cell(row, "session")),
            room=self.cell(row, "room") or None,
            language=self.cell(row, "language") or None,
            speakers=self.speakers(row, origin, describe),
            describe=describe,
        ))  # fmt: skip

    def speakers(self, row: list[str], origin: Origin, describe: str) -> list[Person]:
        people = []
        family, given = self.cell(row, "family"), self.cell(row, "given")
        affiliation = self.cell(row, "affiliation") or None
        if family:
            people.append(Person(family, given, affiliation))
        elif given or self.cell(row, "name"):
            person = self.person(given or self.cell(row, "name"), origin, describe)
            if person is not None:
                person.affiliation = affiliation
                people.append(person)
        for name in split_people(self.cell(row, "co_speakers")):
            match = AFFILIATION.match(name)
            person = self.person(match.group(1) if match else name, origin, describe)
            if person is not None:
                person.affiliation = (match.group(2).strip() or None) if match else None
                people.append(person)
        if not people:
            self.diags.warning(origin, f"{FMT}: {describe}: no speaker; written without speakers")
        return people

    def person(self, name: str, origin: Origin, describe: str) -> Person | None:
        split = split_name(name)
        if split is None:
            return None
        if split.note:
            self.diags.warning(origin, f"{FMT}: {describe}: speaker '{name[:60]}': {split.note}")
        return Person(split.family, split.given)

    def start(self, row: list[str], origin: Origin, describe: str) -> datetime | None:
        value = self.cell(row, "start")
        if not value and (self.cell(row, "date") or self.cell(row, "time")):
            return self.date_and_time(row, origin, describe)
        if not value:
            return None
        formats = (self.mapping.start_format,) if self.mapping.start_format else TIME_FORMATS
        for fmt in formats:
            try:
                return datetime.strptime(value, fmt)
            except ValueError:
                continue
        hint = "" if self.mapping.start_format else (
            "; write YYYY-MM-DD HH:MM, or give start_format in the mapping "
            "(e.g. '%d/%m/%Y %H:%M')")  # fmt: skip
        self.diags.error(origin, f"{FMT}: {describe}: cannot read the start '{value[:40]}'{hint}")
        return None

    def date_and_time(self, row: list[str], origin: Origin, describe: str) -> datetime | None:
        day, clock = self.cell(row, "date"), self.cell(row, "time")
        try:
            on = datetime.strptime(day, self.mapping.date_format or "%Y-%m-%d")
        except ValueError:
            self.diags.error(origin, f"{FMT}: {describe}: cannot read the date '{day[:40]}'; "
                             "write YYYY-MM-DD, or give date_format in the mapping")  # fmt: skip
            return None
        match = CLOCK.fullmatch(clock)
        if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            self.diags.error(origin, f"{FMT}: {describe}: cannot read the time '{clock[:40]}'; "
                             "write HH:MM")  # fmt: skip
            return None
        return on.replace(hour=int(match.group(1)), minute=int(match.group(2)))

    def duration(self, row: list[str], origin: Origin, describe: str) -> int | None:
        value = self.cell(row, "duration").lower().removesuffix("min").strip()
        if not value:
            return None
        if value.isdigit():
            return int(value) or None
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", value)
        if match:
            return int(match.group(1)) * 60 + int(match.group(2)) or None
        self.diags.warning(origin, f"{FMT}: {describe}: cannot read the duration "
                           f"'{value[:20]}' (minutes, or H:MM); left out")  # fmt: skip
        return None

    def session(self, value: str) -> str | None:
        value = one_line(value)
        if not value:
            return None
        key = value.casefold()
        if key in self.imported:
            sid = self.imported[key]
            self.sessions.setdefault(sid, ImportedSession(sid, value))
        elif key not in self.known:
            sid = session_slug(value, f"session-{len(self.sessions) + 1}")
            while sid.casefold() in self.known:
                sid = f"{sid[:58]}-{len(self.sessions) + 2}"
            self.known[key] = self.imported[key] = self.known[sid.casefold()] = sid
            self.sessions[sid] = ImportedSession(sid, value)
        return self.known[key]


def _session_keys(event: dict[str, Any]) -> dict[str, str]:
    """Session id or title (casefolded) -> id, for the sessions of ``event``'s fields."""
    keys: dict[str, str] = {}
    for s in event.get("sessions") or []:
        if isinstance(s, dict) and isinstance(s.get("id"), str):
            keys[s["id"].casefold()] = s["id"]
            if isinstance(s.get("title"), str):
                keys[s["title"].casefold()] = s["id"]
    return keys


def split_people(text: str) -> list[str]:
    """``A B; C D``, ``A B and C D``, ``A B, C D`` (when every part has two words or more)."""
    text = clean(text).strip()
    if not text:
        return []
    parts = [one_line(p) for p in re.split(r"\s*[;\n|]\s*|\s+(?:and|&|et)\s+", text)]
    if len(parts) == 1 and "," in parts[0]:
        pieces = [p.strip() for p in parts[0].split(",")]
        if all(len(_outside_parentheses(p).split()) >= 2 for p in pieces):
            parts = pieces
    return [p.strip() for p in parts if p.strip()]


def _outside_parentheses(text: str) -> str:
    return re.sub(r"\([^()]*\)", "", text)
