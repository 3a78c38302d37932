"""``booklet preflight``: deliberately bad PDFs fail, naming the problem and its pages.

The bad PDFs are built here with pikepdf, one fault each, on an otherwise
clean A5 document (embedded fonts borrowed from the reference booklet, a
TrimBox, 4 pages), so that each test shows the one check that catches it.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from booklet.cli import main
from booklet.paper import parse_length
from booklet.preflight import Expectations, page_list, preflight

A5 = (419.528, 595.276)
A4 = (595.276, 841.89)


def document(path: Path, pages: int = 4, size: tuple[float, float] = A5,
             content: bytes = b"", resources: Dictionary | None = None,
             trim: bool = True) -> pikepdf.Pdf:
    """A clean PDF of ``pages`` pages drawing ``content`` on each; the caller saves it."""
    pdf = pikepdf.new()
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=size)
        if trim:
            page.obj.TrimBox = Array([0, 0, *size])
        if content:
            page.obj.Contents = pdf.make_stream(content)
        if resources is not None:
            page.obj.Resources = pdf.copy_foreign(resources) if resources.is_indirect \
                else resources
    pdf.save(path)
    return pdf


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["preflight", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def lines(report: str, level: str) -> list[str]:
    return [line for line in report.splitlines() if line.startswith(level)]


def test_a_clean_document_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "clean.pdf"
    document(path)
    status, out, err = run(capsys, str(path), "--paper", "a5")
    assert status == 0, out
    assert not lines(out, "FAIL") and not lines(out, "WARN")
    assert "PASS  trim size: 148 × 210 mm (A5) on every page" in out
    assert "preflight: passed" in out
    assert err == ""


def test_type3_font_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "type3.pdf"
    pdf = pikepdf.new()
    glyph = pdf.make_stream(b"1000 0 0 0 750 750 d1 0 0 750 750 re f")
    font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type3, FontBBox=[0, 0, 750, 750],
        FontMatrix=[0.001, 0, 0, 0.001, 0, 0], CharProcs=Dictionary(square=glyph),
        Encoding=Dictionary(Type=Name.Encoding, Differences=[97, Name.square]),
        FirstChar=97, LastChar=97, Widths=[1000], Resources=Dictionary(), Name=Name.Squares,
    ))  # fmt: skip
    for n in range(4):
        page = pdf.add_blank_page(page_size=A5)
        page.obj.TrimBox = Array([0, 0, *A5])
        if n in (1, 2):
            page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
            page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 500 Td (aaa) Tj ET")
    pdf.save(path)
    status, out, _ = run(capsys, str(path), "--paper", "a5")
    assert status == 1
    assert lines(out, "FAIL") == [
        "FAIL  fonts: Type 3 (bitmap) font Squares on pages 2–3: use outline (Type 1, "
        "TrueType or OpenType) fonts"
    ]


def test_font_not_embedded_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "helvetica.pdf"
    helvetica = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica,
                           Encoding=Name.WinAnsiEncoding)  # fmt: skip
    document(path, content=b"BT /F1 12 Tf 72 500 Td (Hello) Tj ET",
             resources=Dictionary(Font=Dictionary(F1=helvetica)))  # fmt: skip
    status, out, _ = run(capsys, str(path))
    assert status == 1
    assert "FAIL  fonts: Helvetica (Type1) is not embedded, on pages 1–4: embed every font" in out


def test_embedded_fonts_pass(reference_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, str(reference_build / "booklet.pdf"), "--paper", "a5")
    assert "PASS  fonts: 9 fonts, all embedded, none Type 3" in out
    # the screen booklet is not a print file: links, and 9 pages
    assert status == 1
    assert "FAIL  page count: 9 pages, not a multiple of 4: a stapled booklet needs 3 more " \
        "(blank) pages" in out
    assert "FAIL  annotations: 20 link annotations in the printed area, on pages 2, 9" in out
    assert "WARN  TrimBox: none on pages 1–9" in out


def test_page_count_not_a_multiple_of_four_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "five.pdf"
    document(path, pages=5)
    status, out, _ = run(capsys, str(path), "--paper", "a5")
    assert status == 1
    assert lines(out, "FAIL") == [
        "FAIL  page count: 5 pages, not a multiple of 4: a stapled booklet needs 3 more "
        "(blank) pages"
    ]


def test_wrong_page_size_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a4.pdf"
    pdf = pikepdf.new()
    for size in (A5, A4, A4, A5):
        pdf.add_blank_page(page_size=size).obj.TrimBox = Array([0, 0, *size])
    pdf.save(path)
    status, out, _ = run(capsys, str(path), "--paper", "a5")
    assert status == 1
    assert lines(out, "FAIL") == [
        "FAIL  trim size: pages 2–3: 210 × 297 mm (A4), not 148 × 210 mm (A5) as ordered"
    ]
    # without --paper, mixed sizes fail too: a booklet has one page size
    status, out, _ = run(capsys, str(path))
    assert status == 1
    assert "FAIL  trim size: pages of different sizes: 148 × 210 mm (A5) on pages 1, 4; " \
        "210 × 297 mm (A4) on pages 2–3" in out


def test_the_trim_box_is_the_size_that_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A page with bleed and crop marks is larger than A5; its TrimBox is A5."""
    path = tmp_path / "bled.pdf"
    pdf = pikepdf.new()
    for _ in range(4):
        page = pdf.add_blank_page(page_size=(A5[0] + 40, A5[1] + 40))
        page.obj.TrimBox = Array([20, 20, 20 + A5[0], 20 + A5[1]])
        page.obj.BleedBox = Array([11.5, 11.5, 28.5 + A5[0], 28.5 + A5[1]])
    pdf.save(path)
    status, out, _ = run(capsys, str(path), "--paper", "a5")
    assert status == 0, out
    assert "PASS  bleed: nothing runs to the trim edge, no bleed needed (BleedBox: 3 mm)" in out


def test_link_annotations_fail(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "links.pdf"
    document(path)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[72, 72, 200, 90],
                          A=Dictionary(S=Name.URI, URI=pikepdf.String("https://example.org")))
        pdf.pages[2].obj.Annots = Array([pdf.make_indirect(link), pdf.make_indirect(link)])
        pdf.save(path)
    status, out, _ = run(capsys, str(path), "--paper", "a5")
    assert status == 1
    assert lines(out, "FAIL") == [
        "FAIL  annotations: 2 link annotations in the printed area, on page 3 (PDF/X allows "
        "none: export for print, without links)"
    ]


def gray_image(pdf: pikepdf.Pdf, width: int, height: int) -> pikepdf.Stream:
    pixels = bytes((x * 7 + y * 3) % 256 for y in range(height) for x in range(width))
    return pdf.make_stream(zlib.compress(pixels), Type=Name.XObject, Subtype=Name.Image,
                           Width=width, Height=height, ColorSpace=Name.DeviceGray,
                           BitsPerComponent=8, Filter=Name.FlateDecode)  # fmt: skip


def image_document(path: Path, width_px: int, placed_pt: float) -> None:
    pdf = pikepdf.new()
    image = gray_image(pdf, width_px, width_px)
    for n in range(4):
        page = pdf.add_blank_page(page_size=A5)
        page.obj.TrimBox = Array([0, 0, *A5])
        if n == 1:
            page.obj.Resources = Dictionary(XObject=Dictionary(Im0=image))
            page.obj.Contents = pdf.make_stream(
                f"q {placed_pt} 0 0 {placed_pt} 100 200 cm /Im0 Do Q".encode())
    pdf.save(path)


def test_low_resolution_image_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lowres.pdf"
    image_document(path, 100, 100.0)  # 100 pixels over 100 pt: 72 ppi
    status, out, _ = run(capsys, str(path), "--paper", "a5")
    assert status == 1
    assert lines(out, "FAIL") == [
        "FAIL  images: page 2: 100 × 100 pixels printed 35 × 35 mm, 72 ppi (print needs 300)"
    ]


def test_image_resolution_thresholds(tmp_path: Path) -> None:
    found = {}
    for ppi in (150, 299, 300, 600):
        path = tmp_path / f"image-{ppi}.pdf"
        image_document(path, ppi, 72.0)  # one inch
        [finding] = [f for f in preflight(path).findings if f.topic == "images"]
        found[ppi] = finding.level
    assert found == {150: "WARN", 299: "WARN", 300: "PASS", 600: "PASS"}
    path = tmp_path / "image-149.pdf"
    image_document(path, 149, 72.0)
    assert [f.level for f in preflight(path).findings if f.topic == "images"] == ["FAIL"]


def test_content_at_the_trim_edge_needs_bleed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "edge.pdf"
    document(path, content=b"0 0.5 0 rg 0 0 419.528 100 re f")  # a band along the bottom
    status, out, _ = run(capsys, str(path), "--paper", "a5")
    assert status == 1
    assert lines(out, "FAIL") == [
        "FAIL  bleed: something runs to the trim edge on pages 1–4 with 0.0 mm of bleed: 3 mm "
        "needed (set a BleedBox and carry the drawing into it)"
    ]
    # with 3 mm of bleed, and the band carried into it, it passes
    bled = tmp_path / "bled.pdf"
    pdf = pikepdf.new()
    for _ in range(4):
        page = pdf.add_blank_page(page_size=(A5[0] + 17.008, A5[1] + 17.008))
        page.obj.TrimBox = Array([8.504, 8.504, 8.504 + A5[0], 8.504 + A5[1]])
        page.obj.BleedBox = Array([0, 0, 17.008 + A5[0], 17.008 + A5[1]])
        page.obj.Contents = pdf.make_stream(b"0 0 0 rg 0 0 436.536 108.5 re f")
    pdf.save(bled)
    status, out, _ = run(capsys, str(bled), "--paper", "a5")
    assert status == 0, out
    assert "PASS  bleed: pages 1–4 run to the edge, with 3.0 mm bleed" in out


def test_grayscale_warns_about_colour(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "colour.pdf"
    document(path, content=b"q 1 0 0 rg 100 100 50 50 re f 0.5 0.5 0.5 rg 200 200 5 5 re f Q")
    status, out, _ = run(capsys, str(path), "--paper", "a5", "--grayscale")
    assert status == 0  # a warning: it still prints
    assert lines(out, "WARN") == [
        "WARN  grayscale: colour on pages 1–4 (RGB fill): it will print as whatever gray the "
        "printer makes of it"
    ]
    gray = tmp_path / "gray.pdf"
    document(gray, content=b"q 0.5 0.5 0.5 rg 100 100 50 50 re f 0.2 g 0 0 0 1 k Q")
    status, out, _ = run(capsys, str(gray), "--paper", "a5", "--grayscale")
    assert status == 0 and "PASS  grayscale: no colour" in out


def test_imposed_sheets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    landscape = (A4[1], A4[0])
    path = tmp_path / "sheets.pdf"
    document(path, pages=6, size=landscape)
    status, out, _ = run(capsys, str(path), "--paper", "a4", "--imposed")
    assert status == 0, out
    assert "PASS  trim size: 297 × 210 mm (A4 landscape) on every page" in out
    assert "PASS  page count: 6 sides: 3 sheets, front and back" in out
    document(path, pages=5, size=landscape)
    status, out, _ = run(capsys, str(path), "--paper", "a4", "--imposed")
    assert status == 1
    assert "FAIL  page count: 5 sides: imposed sheets print front and back" in out


def test_single_pages_checked_as_imposed_sheets_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --paper any size passes, but not a portrait one: imposed sheets are two
    pages side by side."""
    path = tmp_path / "pages.pdf"
    document(path, pages=4, size=A4)
    status, out, _ = run(capsys, str(path), "--imposed")
    assert status == 1, out
    assert "FAIL  trim size: pages 1–4: portrait, but imposed sheets are landscape" in out
    document(path, pages=4, size=(A4[1], A4[0]))
    status, out, _ = run(capsys, str(path), "--imposed")
    assert status == 0, out


def test_missing_trim_box_warns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "notrim.pdf"
    document(path, trim=False)
    status, out, _ = run(capsys, str(path), "--paper", "a5")
    assert status == 0
    assert lines(out, "WARN") == [
        "WARN  TrimBox: none on pages 1–4: the page itself is taken as the trim size (PDF/X "
        "requires a TrimBox)"
    ]


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("notes.pdf", b"Just some text, not a PDF.\n", 2, "notes.pdf: not a PDF file"),
        ("broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50, 1,
         "broken.pdf: a damaged PDF that cannot be read"),
        ("empty.pdf", b"", 2, "empty.pdf: not a PDF file"),
    ],
)  # fmt: skip
def test_unreadable_files_give_a_clean_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes, status: int,
    message: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run(capsys, str(path))
    assert code == status
    assert message in err
    assert "Traceback" not in out + err


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(tmp_path / "missing.pdf"))
    assert code == 2 and "missing.pdf' not found" in err
    code, _, err = run(capsys, str(tmp_path))
    assert code == 2 and "is not a file" in err
    code, _, err = run(capsys, str(tmp_path / "x.pdf"), "--paper", "b5")
    assert code == 2 and "invalid choice: 'b5'" in err


def test_report_is_plain_text_when_not_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "five.pdf"
    document(path, pages=5)
    _, out, _ = run(capsys, str(path))
    assert "\x1b[" not in out  # no colour codes in a pipe or a file
    assert out.splitlines()[0] == f"preflight {path}: 5 pages"
    assert out.splitlines()[-1] == "preflight: failed: 1 failure"


def test_page_lists() -> None:
    assert page_list([3]) == "page 3"
    assert page_list([1, 2, 3, 7, 9, 10]) == "pages 1–3, 7, 9–10"
    assert page_list(range(1, 40, 2)).endswith(" …")


def test_lengths() -> None:
    assert parse_length("3mm") == 3.0
    assert parse_length("0.3 cm") == pytest.approx(3.0)
    assert parse_length("0.125in") == pytest.approx(3.175)
    assert parse_length("0") == 0.0
    assert parse_length("3") is None  # a unit is needed
    assert parse_length("three mm") is None


def test_expectations_default_checks_one_size_throughout(tmp_path: Path) -> None:
    path = tmp_path / "clean.pdf"
    document(path, size=A4)
    report = preflight(path, Expectations())
    assert not report.failures
    assert report.findings[0].message.startswith("210 × 297 mm (A4) on every page")
