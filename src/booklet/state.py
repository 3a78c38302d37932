"""What the last successful build saw, so that an unchanged build does nothing.

The fingerprint covers everything that can change an output: the content
folder (every file, by its bytes), the templates, booklet's own code, the
targets and options, and the date (proofs are stamped with it). When it
matches the last successful build and every output is still there, the build
is up to date: it prints the last build's warnings again and stops, without
loading, marking up or typesetting anything.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from booklet.paths import code_files, default_templates

STATE_FILE = ".work/state.json"
FORMAT = 1


@dataclass(frozen=True)
class BuildState:
    fingerprint: str
    outputs: list[str]
    messages: list[str]  # the warnings the build printed
    summary: str


def build_date() -> date:
    """Today, or the date SOURCE_DATE_EPOCH names (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date()
    return date.today()


def fingerprint(content: Path, templates: Path | None, options: dict[str, object]) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps([FORMAT, options, build_date().isoformat()], sort_keys=True,
                             default=str).encode())  # fmt: skip
    folders = [content, default_templates()]
    if templates is not None:
        folders.append(templates)
    files = [p for folder in folders if folder.is_dir() for p in sorted(folder.rglob("*"))]
    for path in [*files, *code_files()]:
        if path.is_file():
            digest.update(str(path).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_state(out: Path) -> BuildState | None:
    try:
        data = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
        return BuildState(**data)
    except (OSError, ValueError, TypeError):
        return None


def save_state(out: Path, state: BuildState) -> None:
    from booklet.output import write_text

    write_text(out / STATE_FILE, json.dumps(asdict(state), indent=1))


def forget_state(out: Path) -> None:
    (out / STATE_FILE).unlink(missing_ok=True)


def up_to_date(out: Path, key: str) -> BuildState | None:
    """The last build's state when it had this fingerprint and its outputs still exist."""
    state = load_state(out)
    if state is None or state.fingerprint != key:
        return None
    if not all(Path(p).exists() for p in state.outputs):
        return None
    return state
