"""Writing imported records into a content folder, and importing again.

What each import wrote is recorded in ``content/.import-state.json`` (per
format: ``indico``, ``frab``, ``csv``). Importing again merges, per file and
field (:mod:`booklet.importers.merge`): a file not edited here since the last
import takes the source's changes; a field edited here that the source did
not change is kept; a field changed on both sides is a conflict: the local
value is kept, the source's version of the whole file is written beside it
as ``<file>.upstream``, and the conflict is reported with its line. A
contribution the source no longer has is removed, unless it was edited here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from booklet.diagnostics import Diagnostics, Origin
from booklet.importers.merge import MISSING, merge3
from booklet.importers.writer import Record, Unreadable, read_record, render
from booklet.output import write_text

STATE_FILE = ".import-state.json"
STATE_VERSION = 1
EVENT = "event.yaml"
OWNED = re.compile(r"event\.yaml|contributions/[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.md")


@dataclass
class Outcome:
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # local edits kept, nothing else to do
    conflicts: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [(len(self.new), "new"), (len(self.updated), "updated"),
                 (len(self.unchanged), "unchanged"), (len(self.kept), "with local edits kept"),
                 (len(self.conflicts), "in conflict"), (len(self.removed), "removed")]  # fmt: skip
        return ", ".join(f"{n} {what}" for n, what in parts if n) or "nothing"


class Sync:
    def __init__(self, content: Path, fmt: str, source: Path, diags: Diagnostics,
                 dry_run: bool = False) -> None:  # fmt: skip
        self.content = content
        self.fmt = fmt
        self.source = source
        self.diags = diags
        self.dry_run = dry_run
        self.state = _load_state(content / STATE_FILE)
        self.base: dict[str, Any] = self.state["imports"].get(fmt, {}).get("files", {})
        self.others = {
            rel: name for name, data in self.state["imports"].items() if name != fmt
            for rel in data.get("files", {}) if rel != EVENT
        }  # fmt: skip
        self.outcome = Outcome()
        self.recorded: dict[str, Record] = {}

    def run(self, event: Record, contributions: list[tuple[str, Record]]) -> Outcome:
        self.file(EVENT, event, "event")
        for cid, record in contributions:
            self.file(f"contributions/{cid}.md", record, "contribution")
        for rel in self.base:
            if rel not in self.recorded and rel != EVENT and OWNED.fullmatch(rel):
                self.remove(rel)
        if not self.dry_run:
            (self.content / "contributions").mkdir(parents=True, exist_ok=True)
            self.state["imports"][self.fmt] = {"source": str(self.source), "files": self.recorded}
            write_text(self.content / STATE_FILE,
                       json.dumps(self.state, ensure_ascii=False, indent=1, sort_keys=True))
        return self.outcome

    def file(self, rel: str, upstream: Record, kind: str) -> None:
        path = self.content / rel
        if rel in self.others:
            self.diags.error(Origin(path), f"{self.fmt}: not written: this file was imported "
                             f"from {self.others[rel]}; an id is used by both sources")  # fmt: skip
            return
        base = self.base.get(rel, MISSING)
        self.recorded[rel] = upstream
        if not path.exists():
            if base is not MISSING and base == upstream:
                self.outcome.kept.append(rel)  # deleted here, not changed in the source
                return
            if base is not MISSING:
                self.diags.warning(Origin(path), f"{self.fmt}: deleted here but changed in the "
                                   "source: written again")  # fmt: skip
            self.write(path, render(upstream))
            self.outcome.new.append(rel)
            return
        try:
            local, lines = read_record(path, kind)
        except (Unreadable, OSError) as exc:
            self.diags.error(Origin(path), f"{self.fmt}: cannot merge the source's changes: "
                             f"{exc}; the source's version is in {path.name}.upstream")  # fmt: skip
            self.write(path.with_name(path.name + ".upstream"), render(upstream))
            self.outcome.conflicts.append(rel)
            return
        if base is MISSING and rel == EVENT:
            base = adopted_base(local, upstream)
            self.report_adopted(path, local, upstream, lines)
        merged = merge3(base, local, upstream)
        if merged.value != local:
            self.write(path, render(merged.value))
        for conflict in merged.conflicts:
            where = "the abstract" if conflict[:1] == ("body",) else f"'{'.'.join(conflict[1:])}'"
            in_front = conflict[:1] == ("front",) and len(conflict) > 1
            line = lines.get(conflict[1] if in_front else "", 1)
            self.diags.error(
                Origin(path, line),
                f"{self.fmt}: import conflict: {where} was edited here and changed in the "
                f"source; kept yours, the source's version is in {path.name}.upstream",
            )
        if merged.conflicts:
            self.write(path.with_name(path.name + ".upstream"), render(upstream))
            self.outcome.conflicts.append(rel)
        elif merged.value == local:
            (self.outcome.unchanged if local == upstream else self.outcome.kept).append(rel)
        else:
            self.outcome.updated.append(rel)

    def previous_event(self) -> dict[str, Any]:
        """The event.yaml fields this format's last import wrote (empty before the first)."""
        record = self.base.get(EVENT)
        front = record.get("front") if isinstance(record, dict) else None
        return front if isinstance(front, dict) else {}

    def preview_event(self, upstream: Record) -> Record:
        """What event.yaml will say after the import (its timezone decides the times)."""
        path = self.content / EVENT
        try:
            local, _ = read_record(path, "event")
        except (Unreadable, OSError):
            return upstream
        base = self.base.get(EVENT, MISSING)
        if base is MISSING:
            base = adopted_base(local, upstream)
        return merge3(base, local, upstream).value

    def report_adopted(self, path: Path, local: Record, upstream: Record,
                       lines: dict[str, int]) -> None:  # fmt: skip
        for key, value in local["front"].items():
            theirs = upstream["front"].get(key)
            if theirs is not None and theirs != value:
                shown = f"'{theirs[:60]}'" if isinstance(theirs, str) else "otherwise"
                self.diags.warning(Origin(path, lines.get(key, 1)), f"{self.fmt}: kept this "
                                   f"'{key}' (the source says {shown})")  # fmt: skip

    def remove(self, rel: str) -> None:
        path = self.content / rel
        if not path.exists():
            return
        try:
            local, _ = read_record(path, "contribution")
        except (Unreadable, OSError):
            local = None
        if local != self.base[rel]:
            self.diags.warning(Origin(path), f"{self.fmt}: no longer in the source, but edited "
                               "here: kept (delete it if it is withdrawn)")  # fmt: skip
            return
        if not self.dry_run:
            path.unlink()
        self.outcome.removed.append(rel)

    def write(self, path: Path, text: str) -> None:
        if not self.dry_run:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text(path, text)


def adopted_base(local: Record, upstream: Record) -> Record:
    """For a first import into an event.yaml written by hand: the base that makes its fields
    win (as if the source had not changed them), the source filling in those it lacks."""
    front = {}
    for key, value in local["front"].items():
        theirs = upstream["front"].get(key)
        if isinstance(value, list) and isinstance(theirs, list):  # sessions: by id
            ids = {item.get("id") for item in value if isinstance(item, dict)}
            theirs = [t for t in theirs if isinstance(t, dict) and t.get("id") in ids]
        if theirs is not None:
            front[key] = theirs
    return {"front": front}


def _load_state(path: Path) -> dict[str, Any]:
    """The record of earlier imports; an unreadable one counts as none."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        return {"version": STATE_VERSION, "imports": {}}
    imports = state.get("imports")
    if not isinstance(imports, dict):
        state["imports"] = {}
    for name, data in list(state["imports"].items()):
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict):
            del state["imports"][name]
            continue
        data["files"] = {rel: rec for rel, rec in files.items()
                         if isinstance(rel, str) and OWNED.fullmatch(rel)}  # fmt: skip
    return state
