"""Where booklet's own files are (imports nothing heavy: the no-op check uses it)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def default_templates() -> Path:
    """The package's templates: ``templates/`` of a source checkout, or the installed copy."""
    for candidate in (PACKAGE / "templates", PACKAGE.parents[1] / "templates"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("booklet's default templates are missing from this installation")


def code_files() -> list[Path]:
    """booklet's own code: a change to it may change any output."""
    return sorted(p for p in PACKAGE.rglob("*") if p.suffix in (".py", ".lua") and p.is_file())
