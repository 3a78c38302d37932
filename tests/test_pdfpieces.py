"""Pages cut out of a PDF (proofs, handouts, slides): valid files that hold their pages only."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from booklet import finish as finish_module
from booklet.finish import Piece, cut, cut_and_render
from booklet.pdfpieces import PieceWriter
from pdfread import page_texts
from pools import count_pools

A4 = [0, 0, 595, 842]


def _text_page(pdf: pikepdf.Pdf, text: str, font: pikepdf.Object,
               y: int = 700) -> pikepdf.Dictionary:  # fmt: skip
    content = pdf.make_stream(f"BT /F1 24 Tf 72 {y} Td ({text}) Tj ET".encode())
    return pikepdf.Dictionary(Type=pikepdf.Name.Page, Contents=content,
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)))


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    """Five pages whose media box and resources are inherited from the page tree, with
    links between them, as some PDF writers make them."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))  # fmt: skip
    pages = [pdf.make_indirect(_text_page(pdf, f"Page {n}", font)) for n in range(1, 6)]
    for page in pages:
        del page["/Resources"]
    tree = pdf.Root.Pages
    tree.MediaBox = pikepdf.Array(A4)
    tree.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    for page in pages:
        page.Parent = tree
    tree.Kids = pikepdf.Array(pages)
    tree.Count = len(pages)

    def link(target: pikepdf.Object) -> pikepdf.Object:
        return pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 690, 200, 730],
            Dest=pikepdf.Array([target, pikepdf.Name.Fit])))  # fmt: skip

    pages[1].Annots = pikepdf.Array([link(pages[2]), link(pages[4])])  # page 2 -> 3, -> 5
    path = tmp_path / "source.pdf"
    pdf.save(path)
    return path


def qpdf_check(path: Path) -> str:
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def test_pieces_hold_their_pages_with_inherited_attributes(source: Path, tmp_path: Path):
    pieces = [Piece(tmp_path / "a.pdf", 1, 1, "Á first"), Piece(tmp_path / "b.pdf", 2, 3, "B")]
    cut(source, pieces)
    assert [t.strip() for t in page_texts(tmp_path / "a.pdf")] == ["Page 1"]
    assert [t.strip() for t in page_texts(tmp_path / "b.pdf")] == ["Page 2", "Page 3"]
    for piece in pieces:
        assert "No syntax or stream encoding errors" in qpdf_check(piece.dest)
        with pikepdf.open(piece.dest) as pdf:
            assert pdf.docinfo["/Title"] == piece.title
            for page in pdf.pages:
                assert "/MediaBox" in page.obj and "/Resources" in page.obj  # made explicit
                assert list(page.mediabox) == A4
                assert page.obj.Parent == pdf.Root.Pages  # its own page tree, not the source's
            # nothing of the source's other pages came along
            contents = [o for o in pdf.objects
                        if isinstance(o, pikepdf.Stream) and o.get("/Type") != "/XRef"]
            assert len(contents) == piece.last - piece.first + 1


def test_links_to_pages_outside_the_piece_are_left_out(source: Path, tmp_path: Path):
    cut(source, [Piece(tmp_path / "b.pdf", 2, 3, "B")])
    with pikepdf.open(tmp_path / "b.pdf") as pdf:
        annots = pdf.pages[0].obj.Annots
        assert len(annots) == 1  # the link to page 3 stays, the one to page 5 goes
        assert annots[0].Dest[0] == pdf.pages[1].obj


def test_an_overlay_is_drawn_over_every_page(source: Path, tmp_path: Path):
    stamps = pikepdf.new()
    font = stamps.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Courier
    ))  # fmt: skip
    page = stamps.make_indirect(_text_page(stamps, "STAMP", font, y=300))
    page.MediaBox = pikepdf.Array([0, 0, 297.5, 421])  # half the size: scaled to fit
    stamps.pages.append(pikepdf.Page(page))
    stamps.save(tmp_path / "stamps.pdf")
    cut(source, [Piece(tmp_path / "s.pdf", 4, 5, "S", stamp=0)], tmp_path / "stamps.pdf")
    texts = page_texts(tmp_path / "s.pdf")
    assert len(texts) == 2
    assert all("STAMP" in t for t in texts) and "Page 4" in texts[0] and "Page 5" in texts[1]
    qpdf_check(tmp_path / "s.pdf")
    bbox = subprocess.run(["pdftotext", "-bbox", "-l", "1", str(tmp_path / "s.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    stamp_line = next(line for line in bbox.splitlines() if ">STAMP<" in line)
    x_min = float(stamp_line.split('xMin="')[1].split('"')[0])
    assert x_min == pytest.approx(144, abs=2)  # 72 pt scaled by 2 (the stamp's page is A5)


def test_the_same_piece_is_the_same_bytes(source: Path, tmp_path: Path):
    """A piece written again is identical, so an unchanged proof is not rewritten."""
    with pikepdf.open(source) as pdf:
        writer = PieceWriter(pdf)
        first = writer.write(tmp_path / "x.pdf", 2, 3, "X")
        assert writer.write(tmp_path / "x.pdf", 2, 3, "X") == first
        assert writer.write(tmp_path / "x.pdf", 2, 3, "Y") != first


def test_reference_proofs_are_valid_with_embedded_fonts(reference_build: Path):
    proofs = sorted((reference_build / "proofs").glob("*.pdf"))
    assert len(proofs) == 6
    for proof in proofs:
        report = qpdf_check(proof)
        assert "WARNING" not in report.upper(), report
        fonts = subprocess.run(["pdffonts", str(proof)], capture_output=True, text=True,
                               check=True).stdout.splitlines()[2:]  # fmt: skip
        assert fonts, proof
        assert all(line.split()[-5] == "yes" for line in fonts), fonts  # emb column
        with pikepdf.open(proof) as pdf:
            assert pdf.Root.get("/Lang") is not None  # the booklet's language, for readers


def test_cutting_and_thumbnails_shared_between_processes_miss_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many proofs and thumbnails on two processes (the cutter joins the renderer when
    done): no file is missed, and each is as one process writes it."""
    pools = count_pools(monkeypatch, finish_module)
    monkeypatch.setattr(finish_module, "PARALLEL_MIN", 10)  # shared, whatever the threshold
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))  # fmt: skip
    count = 70  # 140 items: above the count where the work is shared
    for n in range(1, count + 1):
        page = _text_page(pdf, f"Page {n}", font, y=100 + 8 * n)  # each page drawn otherwise
        page.MediaBox = pikepdf.Array(A4)
        pdf.pages.append(pikepdf.Page(page))
    source = tmp_path / "source.pdf"
    pdf.save(source)
    runs = {}
    for jobs in (1, 2):
        folder = tmp_path / f"jobs{jobs}"
        pieces = [Piece(folder / f"{n}.pdf", n, n, title=f"Page {n}") for n in range(1, count + 1)]
        thumbs = {folder / "thumbnails" / f"{n}.png": n for n in range(1, count + 1)}
        cut_and_render(source, pieces, None, thumbs, 60, jobs=jobs)
        assert len(pools) == jobs - 1  # one process alone, then a pool of two
        assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(
            f"{n}.pdf" for n in range(1, count + 1))  # no temporary file left behind
        assert sorted(folder.joinpath("thumbnails").iterdir()) == sorted(thumbs)
        runs[jobs] = folder
    for n in range(1, count + 1):
        assert [t.strip() for t in page_texts(runs[2] / f"{n}.pdf")] == [f"Page {n}"]
        one, two = (Image.open(runs[j] / "thumbnails" / f"{n}.png") for j in (1, 2))
        assert two.size == (60, 85)
        assert one.convert("L").tobytes() == two.convert("L").tobytes()
        rgb = two.convert("RGB").tobytes()
        pixels = set(zip(rgb[0::3], rgb[1::3], rgb[2::3], strict=True))
        assert all(r == g == b for r, g, b in pixels)  # gray: nothing in colour
        assert (255, 255, 255) in pixels and min(pixels)[0] < 160  # text on white
