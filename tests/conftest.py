"""Shared fixtures: the reference event built once per test session, and PDF readers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from booklet.cli import main

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def reference_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``booklet build booklet proofs handouts`` of the reference event; the OUT folder."""
    out = tmp_path_factory.mktemp("reference") / "build"
    status = main(["build", "booklet", "proofs", "handouts", "--content", str(CONTENT),
                   "--out", str(out)])
    assert status == 0
    return out


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the reference content, to break in a test."""
    dest = tmp_path / "content"
    shutil.copytree(CONTENT, dest)
    return dest
