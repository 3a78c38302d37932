"""Building: failures keep the previous outputs, --keep-going isolates a contribution."""

from __future__ import annotations

from pathlib import Path

import pytest

from booklet.cli import main
from pdfread import pdftotext

BAD = """---
id: 99
title: A contribution that cannot be printed
start: 2024-05-23 18:00
duration: 10
speakers:
  - family: Ønsker
    given: Åse
---
It writes a letter the fonts lack: 中.
"""


def build(content: Path, out: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--out", str(out), *extra])


def test_failed_build_leaves_the_previous_pdf_untouched(
    content_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert build(content_copy, out) == 0
    before = (out / "booklet.pdf").read_bytes()
    (content_copy / "contributions" / "099.md").write_text(BAD, encoding="utf-8")
    assert build(content_copy, out) == 1
    err = capsys.readouterr().err
    assert "099.md:10:" in err and "'中' (U+4E2D" in err
    assert (out / "booklet.pdf").read_bytes() == before
    assert not list(out.glob(".booklet.pdf.*")), "no temporary file may be left behind"


def test_keep_going_replaces_the_failing_contribution_by_a_placeholder(
    content_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (content_copy / "contributions" / "099.md").write_text(BAD, encoding="utf-8")
    out = tmp_path / "out"
    status = build(content_copy, out, "--keep-going")
    err = capsys.readouterr().err
    assert status == 1  # errors were found, as with make -k
    assert "replaced by a marked placeholder (--keep-going): 99" in err
    text = pdftotext(out / "booklet.pdf")
    # every other contribution is intact
    for title in ("How can Machine Learning Help Mathematicians", "Three Problems in the"):
        assert title in text
    assert "Contribution non imprimée" in text
    assert "A contribution that cannot be printed" in text
    assert "It writes a letter" not in text


def test_long_abstract_is_reported_as_not_fitting(
    content_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = content_copy / "contributions" / "005.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + ("\nA long paragraph of words. " * 22 + "\n") * 5, encoding="utf-8")
    assert build(content_copy, tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "005.md:1: warning: contribution 5 does not fit on one page" in err


def test_template_override_from_the_content_folder(content_copy: Path, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    templates = content_copy / "templates"
    templates.mkdir()
    style = (root / "templates" / "abstractbook.sty").read_text(encoding="utf-8")
    style = style.replace(
        r"\fancyfoot[C]{\small\thepage}", r"\fancyfoot[C]{\small Page \thepage}", 1
    )
    (templates / "abstractbook.sty").write_text(style, encoding="utf-8")
    out = tmp_path / "out"
    assert build(content_copy, out) == 0
    assert "Page 3" in pdftotext(out / "booklet.pdf")
    # the kept source is the one that was used
    assert "Page \\thepage" in (out / "src" / "abstractbook.sty").read_text(encoding="utf-8")


def test_template_error_is_reported_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(__file__).resolve().parents[1]
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "booklet.tex.jinja").write_text(
        "\\documentclass{article}\n\\begin{document}\n\\VAR{no_such_value}\n\\end{document}\n",
        encoding="utf-8",
    )
    status = build(root / "content", tmp_path / "out", "--templates", str(templates))
    err = capsys.readouterr().err
    assert status == 1
    assert "booklet.tex.jinja:3: error: template error: 'no_such_value' is undefined" in err


def test_a_latex_error_is_traced_to_the_abstract_line_and_isolated(
    content_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Even if the allow-list were bypassed, a bad formula loses one contribution, not the book."""
    import booklet.markup.markdown as markdown
    from booklet.markup.math import VettedMath

    monkeypatch.setattr(markdown, "vet_math", lambda source, **_: VettedMath(source, ()))
    path = content_copy / "contributions" / "004.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + "\nSecond paragraph.\n\nThird, with $\\undefinedmacro x$ in it.\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert build(content_copy, out) == 1
    err = capsys.readouterr().err
    # the abstract starts on line 12; the bad formula is on its fifth line
    assert "004.md:16: error: LaTeX error: Undefined control sequence." in err, err
    assert not (out / "booklet.pdf").exists()

    assert build(content_copy, out, "--keep-going") == 1
    capsys.readouterr()
    text = pdftotext(out / "booklet.pdf")
    assert "Contribution non imprimée" in text
    assert "Three Problems in the Mathematics of Deep Learning" in text
    assert "many problems of mathematics can be set as translation tasks" not in text.lower()
