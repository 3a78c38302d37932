"""``booklet build print``: the print shop's single pages and the imposed sheets, read back.

The imposition is checked the way a person would: each half of each
imposed sheet is read (pdftotext on that rectangle alone) and compared with
the booklet page that should be there, the order being worked out here from
how duplex printing (flip on the short edge) and folding stack the halves,
not from the formula the code uses.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdfium2
import pytest
from PIL import Image, ImageDraw

from booklet.cli import main
from booklet.impose import creep_shifts, impose, sheet_order
from booklet.paper import points
from booklet.products.print import auto_binding
from pdfread import page_texts, pdftotext

A5_PT = (419.528, 595.276)
A4_LANDSCAPE_PT = (841.89, 595.276)


def flat(text: str) -> str:
    return " ".join(text.split())


def build(content: Path, out: Path, *targets: str) -> int:
    return main(["build", *targets, "--content", str(content), "--out", str(out)])


@pytest.fixture(scope="session")
def print_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``booklet build print`` of the reference event; the OUT folder."""
    out = tmp_path_factory.mktemp("print") / "build"
    assert build(Path(__file__).resolve().parents[1] / "content", out, "print") == 0
    return out


def write_logo(path: Path, width: int, height: int) -> None:
    """A colour logo with a transparent background: a red disc and a blue bar."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, height - 1, height - 1), fill=(200, 30, 30, 255))
    draw.rectangle((height + width // 20, height // 5, width - 1, height * 4 // 5),
                   fill=(30, 90, 200, 255))  # fmt: skip
    image.save(path)


PRINT_OPTIONS = """
logo: images/logo.png
print:
  bleed: 3mm
  grayscale: yes
  binding: 4mm
  creep: 1mm
"""


@pytest.fixture(scope="session")
def options_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference event with a logo, bleed, grayscale and a binding offset: booklet and print."""
    root = tmp_path_factory.mktemp("print-options")
    content = root / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "content", content)
    (content / "images").mkdir()
    write_logo(content / "images" / "logo.png", 640, 320)
    with (content / "event.yaml").open("a", encoding="utf-8") as event:
        event.write(PRINT_OPTIONS)
    out = root / "build"
    assert build(content, out, "booklet", "print") == 0
    return out


# ---- the single pages ------------------------------------------------------------------


def test_print_file_is_the_booklet_padded_with_notes_pages(
    print_build: Path, reference_build: Path
) -> None:
    printed = page_texts(print_build / "print" / "booklet-a5.pdf")
    screen = page_texts(reference_build / "booklet.pdf")
    assert len(screen) == 9 and len(printed) == 12
    # the same pages, with the same breaks and numbers, then Notes pages up to 12
    assert [flat(t) for t in printed[:9]] == [flat(t) for t in screen]
    assert [flat(t) for t in printed[9:]] == ["Notes 10", "Notes 11", "Notes 12"]


def test_print_file_has_no_links_and_a_trim_box(print_build: Path) -> None:
    with pikepdf.open(print_build / "print" / "booklet-a5.pdf") as pdf:
        assert len(pdf.pages) % 4 == 0
        for page in pdf.pages:
            assert "/Annots" not in page.obj
            assert [float(x) for x in page.obj.TrimBox] == pytest.approx([0, 0, *A5_PT], abs=0.01)
            assert [float(x) for x in page.mediabox] == pytest.approx([0, 0, *A5_PT], abs=0.01)
        assert "/AcroForm" not in pdf.Root
        assert str(pdf.docinfo["/Title"]) == "Mathematics for and by Large Language Models"
    for name in ("booklet-a5.pdf", "booklet-a4-imposed.pdf"):
        fonts = subprocess.run(["pdffonts", str(print_build / "print" / name)],
                               capture_output=True, text=True, check=True).stdout  # fmt: skip
        rows = fonts.splitlines()[2:]
        assert len(rows) >= 5
        assert all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+$", row) for row in rows), fonts
        assert "Type 3" not in fonts


def test_print_files_pass_preflight(
    print_build: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = print_build / "print"
    assert main(["preflight", str(folder / "booklet-a5.pdf"), "--paper", "a5"]) == 0
    single = capsys.readouterr().out
    assert main(["preflight", str(folder / "booklet-a4-imposed.pdf"), "--paper", "a4",
                 "--imposed"]) == 0  # fmt: skip
    imposed = capsys.readouterr().out
    for report in (single, imposed):
        assert "FAIL" not in report and "WARN" not in report, report
        assert report.splitlines()[-1] == "preflight: passed: ready for the print shop"
    assert "PASS  page count: 12 pages, a multiple of 4 (3 sheets folded)" in single
    assert "PASS  trim size: 297 × 210 mm (A4 landscape) on every page" in imposed
    assert sorted(p.name for p in folder.iterdir()) == ["booklet-a4-imposed.pdf",
                                                        "booklet-a5.pdf"]  # fmt: skip


# ---- the imposed sheets ----------------------------------------------------------------


def half_text(pdf: Path, side_number: int, half: str, size: tuple[float, float]) -> str:
    """The text in the left or right half of one side of an imposed file (1-based)."""
    width, height = size
    x = 0 if half == "left" else round(width / 2)
    crop = ["-x", str(x), "-y", "0", "-W", str(round(width / 2)), "-H", str(round(height))]
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-f", str(side_number), "-l", str(side_number), *crop,
         str(pdf), "-"], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def folded_reading_order(sheets: int) -> list[tuple[int, str]]:
    """(side number, half) of every booklet page in reading order, worked out from the paper.

    Side 2k-1 is sheet k's front, side 2k its back. Printed with "flip on
    short edge", the sheet turns over its vertical axis: the back's left
    half lies behind the front's right half. Stacked (sheet 1 outside) and
    folded with the fronts outside, the right halves make the first leaves,
    front outward (recto), and the left halves the last leaves, back
    outward: a leaf from sheet k's right half reads front-right then
    back-left; one from its left half, back-right then front-left.
    """
    first = [(s, h) for k in range(1, sheets + 1)
             for s, h in ((2 * k - 1, "right"), (2 * k, "left"))]  # fmt: skip
    last = [(s, h) for k in range(sheets, 0, -1)
            for s, h in ((2 * k, "right"), (2 * k - 1, "left"))]  # fmt: skip
    return first + last


def test_imposed_sheets_fold_into_reading_order(print_build: Path) -> None:
    single = print_build / "print" / "booklet-a5.pdf"
    imposed = print_build / "print" / "booklet-a4-imposed.pdf"
    pages = page_texts(single)
    with pikepdf.open(imposed) as pdf:
        assert len(pdf.pages) == 6  # 3 sheets, front and back
        for page in pdf.pages:
            assert [float(x) for x in page.mediabox] == pytest.approx(
                [0, 0, *A4_LANDSCAPE_PT], abs=0.01)
    order = folded_reading_order(3)
    assert len(order) == len(pages) == 12
    for number, (side, half) in enumerate(order, start=1):
        found = flat(half_text(imposed, side, half, A4_LANDSCAPE_PT))
        assert found == flat(pages[number - 1]), (number, side, half)
        assert found  # every page of the reference has text (at least its number)


def test_sheet_order_formula() -> None:
    assert sheet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert sheet_order(6) == [(8, 1), (2, 7), (6, 3), (4, 5)]  # 7 and 8: blank halves
    assert creep_shifts(3, 1.0) == [0.0, 0.5, 1.0]
    assert creep_shifts(1, 1.0) == [0.0]


def word_x(pdf: Path, side: int, word: str) -> float:
    """The left edge (pt, in the page's coordinates) of the first ``word`` on a side."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(side), "-l", str(side), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    match = re.search(rf'<word xMin="([\d.]+)"[^>]*>{re.escape(word)}</word>', html)
    assert match, (side, word)
    with pikepdf.open(pdf) as document:  # pdftotext measures from the media box's corner
        left = float(document.pages[side - 1].mediabox[0])
    return float(match.group(1)) + left


def test_creep_moves_inner_sheets_towards_the_fold(print_build: Path, tmp_path: Path) -> None:
    single = print_build / "print" / "booklet-a5.pdf"
    plain, crept = tmp_path / "plain.pdf", tmp_path / "crept.pdf"
    impose(single, plain, "a4", 0.0)
    impose(single, crept, "a4", 2.0)
    # side 5 is the innermost sheet's front: page 8 left, page 5 right; side 1: pages 12 and 1
    assert word_x(crept, 5, "TBA") - word_x(plain, 5, "TBA") == pytest.approx(points(2), abs=0.1)
    assert word_x(crept, 5, "Yiannis") - word_x(plain, 5, "Yiannis") == \
        pytest.approx(-points(2), abs=0.1)
    assert word_x(crept, 1, "Notes") == pytest.approx(word_x(plain, 1, "Notes"), abs=0.05)
    assert word_x(crept, 3, "Notes") - word_x(plain, 3, "Notes") == \
        pytest.approx(points(1), abs=0.1)  # the middle sheet: half the creep


# ---- options: bleed, crop marks, grayscale, logo, binding --------------------------------


def test_bleed_boxes_and_crop_marks(options_build: Path) -> None:
    path = options_build / "print" / "booklet-a5.pdf"
    bleed, outer = points(3), points(3 + 1 + 6 + 2)
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 12
        for page in pdf.pages:
            assert [float(x) for x in page.obj.TrimBox] == pytest.approx([0, 0, *A5_PT], abs=0.01)
            assert [float(x) for x in page.obj.BleedBox] == pytest.approx(
                [-bleed, -bleed, A5_PT[0] + bleed, A5_PT[1] + bleed], abs=0.01)
            assert [float(x) for x in page.mediabox] == pytest.approx(
                [-outer, -outer, A5_PT[0] + outer, A5_PT[1] + outer], abs=0.01)
    document = pypdfium2.PdfDocument(path)
    image = document[1].render(scale=2, grayscale=True).to_pil().convert("L")  # 144 dpi
    document.close()
    px = 2  # pixels a point

    def ink(x0: float, y0: float, x1: float, y1: float) -> int:
        """The darkest pixel in a rectangle given in points from the trim's top-left corner."""
        box = [round((v + outer) * px) for v in (x0, y0, x1, y1)]
        return image.crop(box).getextrema()[0]

    w, h = A5_PT
    mark_start, mark_end = bleed + points(1), bleed + points(7)
    # a mark continues each trim edge beyond each corner, outside the bleed
    for x, y in ((0, 0), (w, 0), (0, h), (w, h)):
        assert ink(x - mark_end, y - 1, x - mark_start, y + 1) < 200 if x == 0 else \
            ink(x + mark_start, y - 1, x + mark_end, y + 1) < 200
        assert ink(x - 1, y - mark_end, x + 1, y - mark_start) < 200 if y == 0 else \
            ink(x - 1, y + mark_start, x + 1, y + mark_end) < 200
    # nothing in the bleed nor in the page's outer 2 mm
    band = points(2)
    for box in ((-bleed, -bleed, w + bleed, band), (-bleed, h - band, w + bleed, h + bleed),
                (-bleed, -bleed, band, h + bleed), (w - band, -bleed, w + bleed, h + bleed)):
        assert ink(*box) > 250, box


def test_grayscale_print_with_a_gray_logo(
    options_build: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = options_build / "print"
    assert main(["preflight", str(folder / "booklet-a5.pdf"), "--paper", "a5",
                 "--grayscale"]) == 0  # fmt: skip
    report = capsys.readouterr().out
    assert "PASS  grayscale: no colour" in report
    assert "PASS  images: 1 placed, the lowest at 325 ppi (page 1)" in report
    assert "PASS  bleed: nothing runs to the trim edge, no bleed needed (BleedBox: 3 mm)" in report
    assert main(["preflight", str(folder / "booklet-a4-imposed.pdf"), "--paper", "a4",
                 "--imposed", "--grayscale"]) == 0  # fmt: skip
    assert "WARN" not in capsys.readouterr().out

    def images(pdf: Path) -> list[list[str]]:
        listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True,
                                 text=True, check=True).stdout  # fmt: skip
        return [row.split() for row in listing.splitlines()[2:]]

    # the logo: gray in print, in colour on screen, 640 x 320 pixels in 50 x 25 mm
    printed = images(folder / "booklet-a5.pdf")
    screen = images(options_build / "booklet.pdf")
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in printed] == [
        ("1", "image", "640", "320", "gray"), ("1", "smask", "640", "320", "gray")]
    assert [(r[0], r[2], r[5]) for r in screen] == [("1", "image", "rgb"), ("1", "smask", "gray")]
    assert {r[12] for r in printed + screen} == {"325"}  # x-ppi
    # the screen booklet keeps its colours
    assert main(["preflight", str(options_build / "booklet.pdf"), "--grayscale"]) == 1
    assert "WARN  grayscale: colour on pages 1–9 (RGB fill, RGB image, RGB stroke)" in \
        capsys.readouterr().out
    # TeX read the logo from its work folder, under a fixed name, kept beside the source
    src = options_build / "src"
    assert (src / "coverlogo.png").is_file() and (src / "coverlogo-gray.png").is_file()
    assert r"\setcoverlogo{coverlogo-gray.png}{50mm}{25mm}" in \
        (src / "booklet-print.tex").read_text(encoding="utf-8")


def test_binding_offset_widens_the_inner_margin(options_build: Path, print_build: Path) -> None:
    plain = print_build / "print" / "booklet-a5.pdf"
    bound = options_build / "print" / "booklet-a5.pdf"
    # page 3 is a right-hand page: its inner margin is on the left
    assert word_x(bound, 3, "Amaury") - word_x(plain, 3, "Amaury") == \
        pytest.approx(points(4), abs=0.1)
    # page 4, a left-hand page, keeps its outer (left) margin
    assert word_x(bound, 4, "Julia") == pytest.approx(word_x(plain, 4, "Julia"), abs=0.1)


def test_automatic_binding_offset_follows_the_page_count(tmp_path: Path) -> None:
    assert [auto_binding(n) for n in (4, 12, 20, 24, 100, 400)] == \
        [0.5, 1.0, 1.0, 1.5, 5.0, 10.0]
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "content", content)
    event = content / "event.yaml"
    event.write_text(event.read_text(encoding="utf-8") + "abstract_max_words: 5000\n"
                     "print:\n  binding: auto\n", encoding="utf-8")  # fmt: skip
    paragraph = "A long paragraph of words that fills the page. " * 30
    for path in sorted((content / "contributions").glob("*.md")):
        path.write_text(path.read_text(encoding="utf-8") + ("\n\n" + paragraph) * 9,
                        encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    assert build(content, out, "print") == 0
    with pikepdf.open(out / "print" / "booklet-a5.pdf") as pdf:
        pages = len(pdf.pages)
    # 6 contributions of 3 pages: more than the 12 pages first assumed, so TeX ran again
    assert pages > 20
    assert f"bindingoffset={auto_binding(pages):g}mm" in \
        (out / "src" / "booklet-print.tex").read_text(encoding="utf-8")
    assert auto_binding(pages) > auto_binding(12)


def test_a4_pages_are_imposed_on_a3_and_the_logo_resolution_is_checked(
    content_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (content_copy / "logo.png").write_bytes(b"")
    write_logo(content_copy / "logo.png", 60, 30)
    event = content_copy / "event.yaml"
    text = event.read_text(encoding="utf-8").replace("paper: a5", "paper: a4")
    event.write_text(text + "logo: logo.png\n", encoding="utf-8")
    line = len(text.splitlines()) + 1
    out = tmp_path / "out"
    assert build(content_copy, out, "print") == 1
    err = capsys.readouterr().err
    assert f"event.yaml:{line}: warning: event: the logo 'logo.png' (60 × 30 pixels) prints at " \
        "22 ppi on the cover (70 × 35 mm at most); print shops want 300 ppi: use one of at " \
        "least 827 × 414 pixels, or a PDF" in err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert errors == [
        f"{out / 'print' / name}:1: error: preflight: images: page 1: 60 × 30 pixels printed "
        "70 × 35 mm, 22 ppi (print needs 300)"
        for name in ("booklet-a3-imposed.pdf", "booklet-a4.pdf")
    ]
    a3 = (1190.551, 841.89)
    with pikepdf.open(out / "print" / "booklet-a3-imposed.pdf") as pdf:
        assert [float(x) for x in pdf.pages[0].mediabox] == pytest.approx([0, 0, *a3], abs=0.01)
        sides = len(pdf.pages)
    single = out / "print" / "booklet-a4.pdf"
    pages = page_texts(single)
    for number, (side, half) in enumerate(folded_reading_order(sides // 2), start=1):
        assert flat(half_text(out / "print" / "booklet-a3-imposed.pdf", side, half, a3)) == \
            flat(pages[number - 1])
    assert "Mathematics for and by Large" in pdftotext(single, first=1, last=1)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("../outside.png", "must be inside the content folder (no '..')"),
        ("/etc/passwd", "must be a path relative to the content folder"),
        ("images\\\\logo.png", "must be a path relative to the content folder, written with /"),
        ("missing.png", "'missing.png' not found (paths are relative to the content folder)"),
        ("contributions", "'contributions' is not a file"),
        ("contributions/001.md", "must be a PNG or a PDF file"),
        ("fake.png", "'fake.png' is not a PNG image, whatever its name"),
        ("fake.pdf", "'fake.pdf' is not a PDF file, whatever its name"),
        ("link.png", "links to a file outside the content folder"),
        ("broken.png", "cannot be read as a PNG image"),
    ],
)
def test_logo_paths_are_checked(
    content_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str,
    message: str,
) -> None:
    (content_copy / "fake.png").write_text("not an image", encoding="utf-8")
    (content_copy / "fake.pdf").write_bytes(b"\x89PNG\r\n\x1a\n")
    (content_copy / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    write_logo(tmp_path / "elsewhere.png", 600, 300)
    (content_copy / "link.png").symlink_to(tmp_path / "elsewhere.png")
    event = content_copy / "event.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text + f'logo: "{value}"\n', encoding="utf-8")
    assert main(["check", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    line = len(text.splitlines()) + 1
    expected = rf"event\.yaml:{line}: error: event: the logo .*{re.escape(message)}"
    assert re.search(expected, err), err


def test_print_settings_are_checked(
    content_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    event = content_copy / "event.yaml"
    text = event.read_text(encoding="utf-8")
    event.write_text(text + "print:\n  bleed: 30mm\n  grayscale: maybe\n  creep: 1\n"
                     "  binding: wide\n  paddin: blank\n", encoding="utf-8")  # fmt: skip
    assert main(["check", "--content", str(content_copy)]) == 1
    err = capsys.readouterr().err
    n = len(text.splitlines())
    for offset, message in [
        (2, "error: event: print: 'bleed' must be a length from 0 to 10 mm, such as 3mm, not "
            "'30mm'"),
        (3, "error: event: print: 'grayscale' must be yes or no, not 'maybe'"),
        (4, "error: event: print: 'creep' needs a unit, such as 1mm"),
        (5, "error: event: print: 'binding' must be a length from 0 to 20 mm, such as 3mm or "
            "auto, not 'wide'"),
        (6, "warning: event: print: unknown field 'paddin' is ignored; did you mean 'padding'?"),
    ]:
        assert f"event.yaml:{n + offset}: {message}" in err


def test_the_logo_copy_tex_reads(tmp_path: Path) -> None:
    """PNG and PDF logos are rewritten, not copied: no stray chunks, annotations or colour."""
    import io

    from booklet.coverlogo import cover_logo

    png = tmp_path / "logo.png"
    write_logo(png, 640, 320)
    colour, gray = cover_logo(png, "a5", False), cover_logo(png, "a5", True)
    assert colour is not None and gray is not None
    assert (colour.file, colour.width, colour.height) == ("coverlogo.png", "50mm", "25mm")
    assert gray.file == "coverlogo-gray.png"
    assert Image.open(io.BytesIO(colour.data())).mode == "RGBA"
    assert Image.open(io.BytesIO(gray.data())).mode == "LA"

    pdf_path = tmp_path / "logo.pdf"
    with pikepdf.new() as pdf:
        page = pdf.add_blank_page(page_size=(200, 100))
        page.obj.Contents = pdf.make_stream(b"0.8 0.1 0.1 rg 10 10 80 80 re f")
        page.obj.Annots = pikepdf.Array([pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 50, 50]))])
        pdf.add_blank_page(page_size=(200, 100))
        pdf.save(pdf_path)
    vector = cover_logo(pdf_path, "a5", False)
    assert vector is not None and vector.file == "coverlogo.pdf"
    with pikepdf.open(io.BytesIO(vector.data())) as copy:
        assert len(copy.pages) == 1 and "/Annots" not in copy.pages[0].obj
    rendered = cover_logo(pdf_path, "a5", True)  # a colour drawing, for grayscale print
    assert rendered is not None and rendered.file == "coverlogo-gray.png"
    image = Image.open(io.BytesIO(rendered.data()))
    assert image.mode in ("L", "LA")
    assert image.size[0] == pytest.approx(50 / 25.4 * 600, abs=2)  # 600 ppi as printed
