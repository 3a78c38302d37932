"""``content/event.yaml``: the event and its sessions."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from booklet.diagnostics import Diagnostics, Origin
from booklet.load.fields import Fields, suggestion
from booklet.load.printing import cover_logo, print_settings
from booklet.load.slides import slide_settings
from booklet.load.yamlsource import YamlMap, parse_yaml, read_text
from booklet.model import LANGUAGES, PAPERS, Event, Session

EVENT_FIELDS = (
    "title", "subtitle", "language", "timezone", "venue", "paper", "sessions",
    "start_date", "end_date", "abstract_max_words", "short_title", "slides",
    "logo", "print",
)  # fmt: skip
DEFAULT_ABSTRACT_MAX_WORDS = 600
SESSION_FIELDS = ("id", "title", "chair", "room")
# The names of the handouts and slide decks of talks without a session (Views.handout_key):
# a session of that id would write the same file (casefolded: so would it on macOS).
GROUP_KEYS = re.compile(r"unscheduled|day-\d{4}-\d{2}-\d{2}")


def load_event(path: Path, diags: Diagnostics) -> Event | None:
    if not path.is_file():
        diags.error(
            Origin(path), "the event file is missing; create it (see README: content format)"
        )
        return None
    text = read_text(path, diags)
    if text is None:
        return None
    data = parse_yaml(text, Origin(path), diags)
    if data is None and not diags.errors_in(path):
        diags.error(
            Origin(path), "the event file is empty; it needs at least 'title' and 'timezone'"
        )
    if not isinstance(data, YamlMap):
        if data is not None:
            diags.error(Origin(path), "the event file must be a mapping of fields (title: ...)")
        return None

    fields = Fields(data, "event", diags)
    fields.check_keys(EVENT_FIELDS)
    title = fields.text("title", required=True)
    timezone = _timezone(fields)
    language = fields.choice("language", LANGUAGES, "en")
    paper = fields.choice("paper", PAPERS, "a5")
    sessions = _sessions(fields, diags)
    start_date = _date(fields, "start_date")
    end_date = _date(fields, "end_date") or start_date
    if start_date and end_date and end_date < start_date:
        diags.error(fields.origin("end_date"), "event: 'end_date' is before 'start_date'")
    max_words = fields.positive_int("abstract_max_words", maximum=100_000)
    slides = slide_settings(fields, diags)
    print_options = print_settings(fields, diags)
    logo = cover_logo(fields, path.parent, paper, diags)
    if title is None or timezone is None:
        return None
    return Event(
        title=title,
        subtitle=fields.text("subtitle"),
        short_title=fields.text("short_title"),
        language=language,  # type: ignore[arg-type]
        timezone=timezone,
        venue=fields.text("venue"),
        paper=paper,  # type: ignore[arg-type]
        sessions=sessions,
        origin=Origin(path),
        start_date=start_date,
        end_date=end_date,
        abstract_max_words=max_words or DEFAULT_ABSTRACT_MAX_WORDS,
        slides=slides,
        logo=logo,
        print_settings=print_options,
        field_origins=dict(data.key_origins),
    )


def _date(fields: Fields, key: str) -> date | None:
    value = fields.text(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fields.diags.error(
            fields.origin(key), f"event: bad date '{value}' for '{key}'; write YYYY-MM-DD"
        )
        return None


def _timezone(fields: Fields) -> str | None:
    name = fields.text("timezone", required=True)
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        fields.diags.error(
            fields.origin("timezone"),
            f"event: unknown timezone '{name}'; use an IANA name such as 'Europe/Paris'"
            f"{suggestion(name, [z for z in available_timezones() if '/' in z])}",
        )
        return None
    return name


def _sessions(fields: Fields, diags: Diagnostics) -> tuple[Session, ...]:
    sessions: list[Session] = []
    seen: dict[str, Origin] = {}
    for n, (data, origin) in enumerate(fields.mapping_list("sessions"), start=1):
        item = Fields(data, f"session {n}", diags)
        item.check_keys(SESSION_FIELDS)
        session_id = item.identifier("id", required=True)
        title = item.text("title", required=True)
        if session_id is None or title is None:
            continue
        if GROUP_KEYS.fullmatch(session_id.casefold()):
            diags.error(item.origin("id"), f"session {n}: 'id' cannot be '{session_id}': the "
                        "handouts and slides of talks without a session have that name; "
                        "choose another")  # fmt: skip
            continue
        if session_id in seen:
            diags.error(
                origin,
                f"session id '{session_id}' is used twice (first at line {seen[session_id].line})",
            )
            continue
        seen[session_id] = origin
        sessions.append(Session(session_id, title, item.text("chair"), item.text("room"), origin))
    return tuple(sessions)
