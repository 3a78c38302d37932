"""The exports in the pipeline: no TeX needed, incremental like the rest, abstracts cached."""

from __future__ import annotations

from pathlib import Path

import icalendar
import pytest

import booklet.compile
import booklet.pipeline
from booklet.cli import main
from booklet.diagnostics import Diagnostics, Origin
from booklet.markup.markdown import MarkdownSource, convert_markdown, markdown_to_latex
from exportdata import make_export_content

OUTPUTS = ("programme.ics", "schedule.xml", "schedule.json", "programme.html")


def build(content: Path, out: Path, *targets: str) -> int:
    return main(["build", *targets, "--content", str(content), "--out", str(out)])


def test_exports_alone_need_no_tex(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_tex(*args: object, **kwargs: object) -> None:
        raise AssertionError("TeX was run for a build that needs none")

    monkeypatch.setattr(booklet.pipeline, "check_tools", lambda: "pdflatex not found")
    monkeypatch.setattr(booklet.compile, "compile_tex", no_tex)
    content = make_export_content(tmp_path / "content")
    out = tmp_path / "build"
    assert build(content, out, "ics", "frab", "html") == 0
    for name in OUTPUTS:
        assert (out / name).stat().st_size > 1000, name
    assert not (out / "src").exists()  # no LaTeX document was made
    # the booklet itself still says what is missing
    assert build(content, out, "booklet") == 1


def test_an_unchanged_export_build_does_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = make_export_content(tmp_path / "content")
    out = tmp_path / "build"
    assert build(content, out, "ics", "frab", "html") == 0
    first = {name: (out / name).stat().st_mtime_ns for name in OUTPUTS}
    capsys.readouterr()
    assert build(content, out, "ics", "frab", "html") == 0
    err = capsys.readouterr().err
    assert "up to date, nothing to do" in err
    assert "left out of programme.ics: poster-1" in err  # the notes are said again
    assert {name: (out / name).stat().st_mtime_ns for name in OUTPUTS} == first
    # an edited abstract: the exports follow
    path = content / "contributions" / "8.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Thanks to all.",
                    "Thanks to all, and $e^{i\\pi} = -1$."), encoding="utf-8")  # fmt: skip
    assert build(content, out, "ics", "frab", "html") == 0
    cal = icalendar.Calendar.from_ical((out / "programme.ics").read_bytes())
    event = next(e for e in cal.walk("VEVENT") if str(e["uid"]).startswith("8@"))
    assert str(event["description"]).endswith("Thanks to all, and $e^{i\\pi} = -1$.")
    assert "<msup><mi>e</mi>" in (out / "programme.html").read_text(encoding="utf-8")


def test_one_sanitised_ast_for_every_format() -> None:
    """What the booklet refuses, the exports refuse; what it keeps, they keep alike."""
    sources = [
        MarkdownSource("Fine $x^2$ and [a link](https://example.org).", Origin(Path("a.md"))),
        MarkdownSource("Refused $\\input{/etc/passwd}$.", Origin(Path("b.md"))),
        MarkdownSource("Removed [link](javascript:alert(1)) and <b>raw</b>.", Origin(Path("c.md"))),
    ]
    diags = Diagnostics()
    out = convert_markdown(sources, diags, formats=("latex", "html", "plain"))
    assert out[1] is None  # an error: no format at all
    fine, removed = out[0], out[2]
    assert fine is not None and removed is not None
    assert fine["latex"] == markdown_to_latex(sources[:1], Diagnostics())[0]
    assert "{\\(x^{2}\\)}" in fine["latex"] or "{\\(x^2\\)}" in fine["latex"]
    assert "<math" in fine["html"] and "$" not in fine["html"].split("<annotation")[0]
    assert fine["plain"] == "Fine $x^2$ and a link (https://example.org)."
    assert "(https://example.org)" not in fine["html"]  # the address is for paper only
    for text in removed.values():
        assert "javascript" not in text
    assert "&lt;b&gt;raw&lt;/b&gt;" in removed["html"]
    assert removed["plain"] == "Removed link and <b>raw</b>."
    assert [d.origin.path.name for d in diags if d.level == "error"] == ["b.md"]
