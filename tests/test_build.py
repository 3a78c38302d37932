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


def test_keep_going_names_files_it_could_not_read(
    content_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (content_copy / "contributions" / "098.md").write_text(
        "---\nid: 98\ntitle: Logics: a survey\n---\nText.\n", encoding="utf-8"
    )
    assert build(content_copy, tmp_path / "out", "--keep-going") == 1
    err = capsys.readouterr().err
    assert "098.md:3: error: YAML syntax error: mapping values are not allowed" in err
    assert "put the value in quotes" in err
    assert (
        "1 contribution file(s) left out, their fields could not be read (--keep-going): 098.md"
        in err
    )


def test_an_english_event_over_two_days(content_copy: Path, tmp_path: Path) -> None:
    event = content_copy / "event.yaml"
    event.write_text(
        event.read_text("utf-8").replace("language: fr", "language: en")
        + "start_date: 2024-05-23\nend_date: 2024-06-02\n",
        "utf-8",
    )
    path = content_copy / "contributions" / "006.md"
    path.write_text(
        path.read_text("utf-8")
        .replace("2024-05-23 17:00", "2024-06-02 10:00")
        .replace("session: afternoon\n", "room: Salle 2\n"),
        "utf-8",
    )
    out = tmp_path / "out"
    assert build(content_copy, out) == 0
    pages = pdftotext(out / "booklet.pdf").split("\f")
    assert "23 May – 2 June 2024" in pages[0]  # full month names, no thin spaces
    assert "Sunday, 2 June 2024" in pdftotext(out / "booklet.pdf")
    tba = next(p for p in pages if "Gabriel Synnaeve" in p and "Meta AI Research" in p)
    assert "Room: Salle 2" in tba


def test_latex_style_mathematics_and_links_in_abstracts(
    content_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = content_copy / "contributions" / "005.md"
    path.write_text(
        path.read_text("utf-8")
        + "\nInline \\(x^2 + y^2\\), display \\[ \\int_0^1 f = 1 \\] and \\alpha_1.\n\n"
        "\\begin{align*} a &= b \\\\ c &= d \\end{align*}\n\n"
        "See [the slides](https://example.org/slides).\n",
        "utf-8",
    )
    out = tmp_path / "out"
    assert build(content_copy, out) == 0
    err = capsys.readouterr().err
    assert "005.md:16: warning: \\begin{align*} is written outside $$…$$" in err
    text = " ".join(pdftotext(out / "booklet.pdf").split())
    assert "\\" not in text and "^" not in text and "begin{" not in text
    assert "the slides (https://example.org/slides)" in text


def test_output_folder_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    assert build(root / "content", not_a_folder) == 2


def test_an_unchanged_build_does_nothing_and_an_edit_rebuilds(
    content_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert build(content_copy, out, "booklet", "proofs") == 0
    first = capsys.readouterr().err
    proof = out / "proofs" / "1.pdf"
    stamp = (proof.stat().st_mtime_ns, (out / "booklet.pdf").stat().st_mtime_ns)
    assert build(content_copy, out, "booklet", "proofs") == 0
    again = capsys.readouterr().err
    assert "up to date, nothing to do" in again
    # the same warnings are shown again
    assert [line for line in again.splitlines() if ": warning: " in line] == [
        line for line in first.splitlines() if ": warning: " in line
    ]
    assert (proof.stat().st_mtime_ns, (out / "booklet.pdf").stat().st_mtime_ns) == stamp

    path = content_copy / "contributions" / "004.md"
    path.write_text(path.read_text("utf-8") + "\nA new closing sentence.\n", "utf-8")
    assert build(content_copy, out, "booklet", "proofs") == 0
    capsys.readouterr()
    assert "A new closing sentence." in pdftotext(out / "proofs" / "4.pdf")
    assert "A new closing sentence." in pdftotext(out / "booklet.pdf")
    # an untouched contribution on unchanged pages keeps its proof file
    assert proof.stat().st_mtime_ns == stamp[0]


def test_cli_targets_match_the_products() -> None:
    from booklet.cli import TARGETS
    from booklet.products import PRODUCTS

    assert tuple(PRODUCTS) == TARGETS


def test_outputs_are_readable_by_others(reference_build: Path) -> None:
    """Organisers put the PDFs on a web server: they must not be private (mkstemp's 0600)."""
    for path in [reference_build / "booklet.pdf", *(reference_build / "proofs").glob("*.pdf")]:
        assert path.stat().st_mode & 0o044 == 0o044, path


@pytest.mark.parametrize("jobs", ["0", "-2", "two"])
def test_jobs_must_be_a_whole_number_of_at_least_one(
    jobs: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--out", str(tmp_path / "out"), "--jobs", jobs]) == 2
    assert f"--jobs: expected a whole number of at least 1, not '{jobs}'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
