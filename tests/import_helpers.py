"""Running ``booklet import`` in tests, and reading what it wrote."""

from __future__ import annotations

from pathlib import Path

import pytest

from booklet.cli import main
from booklet.diagnostics import Diagnostics
from booklet.load import load_programme
from booklet.model import Programme

DATA = Path(__file__).resolve().parent / "data" / "import"
CONTENT = Path(__file__).resolve().parents[1] / "content"  # the reference event


def run_import(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    """``booklet import ARGS``: the exit status and what it printed on stderr."""
    capsys.readouterr()
    status = main(["import", *map(str, args)])
    return status, capsys.readouterr().err


def load(content: Path) -> Programme:
    diags = Diagnostics()
    programme = load_programme(content, diags)
    assert programme is not None, [str(d) for d in diags]
    assert not diags.has_errors, [str(d) for d in diags]
    return programme


def by_id(programme: Programme) -> dict[str, object]:
    return {c.id: c for c in programme.contributions}
