"""``content/contributions/*.md``: one contribution per file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from booklet.diagnostics import Diagnostics, Origin
from booklet.load.fields import Fields, clean_text
from booklet.load.frontmatter import split_front_matter
from booklet.load.yamlsource import YamlMap, parse_yaml, read_text
from booklet.model import LANGUAGES, Contribution, Event, Speaker

CONTRIBUTION_FIELDS = (
    "id", "title", "type", "start", "duration", "session", "room", "speakers", "language",
)  # fmt: skip
SPEAKER_FIELDS = ("family", "given", "affiliation")
TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
MAX_DURATION = 24 * 60


def load_contribution(path: Path, event: Event | None, diags: Diagnostics) -> Contribution | None:
    text = read_text(path, diags)
    if text is None:
        return None
    if not text.strip():
        diags.error(
            Origin(path), "the file is empty; a contribution needs front matter and an abstract"
        )
        return None
    split = split_front_matter(text)
    if split is None:
        if text.lstrip("\ufeff").split("\n", 1)[0].rstrip() == "---":
            diags.error(Origin(path), "the fields are not closed: add a line '---' after them, "
                        "before the abstract")
        else:
            diags.error(
                Origin(path),
                "a contribution file must start with '---', its fields (YAML), then '---' "
                "and the abstract",
            )
        return None
    data = parse_yaml(split.front, Origin(path, split.front_line), diags)
    if not isinstance(data, YamlMap):
        if data is not None or not diags.errors_in(path):
            diags.error(
                Origin(path, split.front_line), "the front matter must be a mapping of fields"
            )
        return None

    fields = Fields(data, "contribution", diags)
    fields.check_keys(CONTRIBUTION_FIELDS)
    cid = fields.identifier("id", required=True)
    title = fields.text("title", required=True)
    speakers = _speakers(fields, diags)
    if not speakers and "speakers" not in data:
        diags.warning(Origin(path, split.front_line), "contribution: no speakers are given")
    start = _start(fields, event)
    duration = fields.positive_int("duration", maximum=MAX_DURATION)
    session = fields.identifier("session")
    if session is not None and event is not None and event.session(session) is None:
        known = ", ".join(s.id for s in event.sessions) or "none are defined"
        diags.error(
            fields.origin("session"),
            f"contribution: unknown session '{session}' (sessions in event.yaml: {known})",
        )
    language = fields.choice("language", LANGUAGES, "en")
    abstract = clean_text(split.body, Origin(path, split.body_line), "abstract", diags).strip("\n")
    body_line = split.body_line + (len(split.body) - len(split.body.lstrip("\n")))
    if not abstract.strip():
        diags.warning(Origin(path, split.body_line), "the abstract is empty")
    if cid is None or title is None:
        return None
    return Contribution(
        id=cid,
        title=title,
        speakers=speakers,
        abstract=abstract,
        language=language,  # type: ignore[arg-type]
        origin=Origin(path),
        abstract_line=body_line,
        type=fields.text("type"),
        start=start,
        duration=duration,
        session=session,
        room=fields.text("room"),
        field_origins=dict(data.key_origins),
    )


def _start(fields: Fields, event: Event | None) -> datetime | None:
    value = fields.text("start")
    if value is None:
        return None
    for fmt in TIME_FORMATS:
        try:
            naive = datetime.strptime(value, fmt)
        except ValueError as exc:
            if "does not match" in str(exc) or "unconverted data" in str(exc):
                continue  # another format
            fields.diags.error(  # the right shape, but e.g. 30 February
                fields.origin("start"), f"contribution: there is no such date or time: '{value}'"
            )
            return None
        tz = ZoneInfo(event.timezone) if event else None
        return naive.replace(tzinfo=tz)
    fields.diags.error(
        fields.origin("start"),
        f"contribution: bad start time '{value}'; write the event's local time as "
        "YYYY-MM-DD HH:MM, e.g. 2024-05-23 09:30",
    )
    return None


def _speakers(fields: Fields, diags: Diagnostics) -> tuple[Speaker, ...]:
    speakers = []
    for n, (data, origin) in enumerate(fields.mapping_list("speakers"), start=1):
        item = Fields(data, f"speaker {n}", diags)
        item.check_keys(SPEAKER_FIELDS)
        family = item.text("family", required=True)
        if family is None:
            continue
        speakers.append(Speaker(family, item.text("given") or "", item.text("affiliation"), origin))
    return tuple(speakers)
