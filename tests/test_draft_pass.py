"""Work started from a document's first TeX pass: the proofs are cut while the booklet's
last pass runs, and kept only where the final pages are drawn as the first pass drew them."""

from __future__ import annotations

import os
import re
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest

from booklet import compile as compile_module
from booklet import pdfscan as pdfscan_module
from booklet.cli import main
from booklet.compile import compile_tex
from booklet.output import install_folder
from booklet.pdfscan import drawing_digest, drawing_digests
from booklet.products import proofs as proofs_module
from booklet.products import split as split_module
from pdfread import page_texts
from pools import count_pools

IDS = ["1", "2", "3", "4", "5", "6"]


def one_page(text: str = "Hello", font_key: str = "F1", base_font: str = "ABCDEF+LMRoman10-Regular",
             rect: tuple[int, ...] | None = None) -> bytes:  # fmt: skip
    """A one-page PDF drawing ``text`` in a font named ``font_key`` in its resources."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name("/" + base_font),
        FirstChar=72, LastChar=111, Widths=[500] * 40))  # fmt: skip
    content = pdf.make_stream(f"BT /{font_key} 12 Tf 72 700 Td ({text}) Tj ET".encode())
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=content,
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary({"/" + font_key: font})))  # fmt: skip
    if rect is not None:
        action = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://x.org"))
        link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                                  Rect=list(rect), A=action)  # fmt: skip
        page.Annots = pikepdf.Array([pdf.make_indirect(link)])
    pdf.pages.append(pikepdf.Page(page))
    buffer = BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def digest(data: bytes) -> bytes:
    with pikepdf.open(BytesIO(data)) as pdf:
        return drawing_digest(pdf.pages[0].obj)


def test_pages_drawn_alike_have_one_digest_whatever_their_fonts_are_called() -> None:
    # a second pass numbers its fonts otherwise and subsets them otherwise
    renamed = one_page(font_key="F147", base_font="QWERTY+LMRoman10-Regular")
    assert digest(one_page()) == digest(renamed)


@pytest.mark.parametrize("other", [
    {"text": "Hellp"},
    {"base_font": "ABCDEF+LMRoman10-Bold"},
    {"rect": (72, 690, 200, 730)},
])  # fmt: skip
def test_pages_drawn_otherwise_differ(other: dict[str, object]) -> None:
    assert digest(one_page(**other)) != digest(one_page())  # type: ignore[arg-type]


def test_links_are_part_of_the_drawing() -> None:
    assert digest(one_page(rect=(72, 690, 200, 730))) != digest(one_page(rect=(72, 690, 201, 730)))


REFERENCING = r"""\documentclass{article}
\pagestyle{empty}
\begin{document}
See page \pageref{there}.
\newpage
\label{there}There.
\end{document}
"""


def test_digests_of_many_pages_shared_between_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools = count_pools(monkeypatch, pdfscan_module)
    monkeypatch.setattr(pdfscan_module, "PARALLEL_DIGESTS", 10)  # whatever the threshold
    pdf = pikepdf.new()
    for n in range(450):
        with pikepdf.open(BytesIO(one_page(f"Page {n % 300}"))) as single:
            pdf.pages.extend(single.pages)
    path = tmp_path / "many.pdf"
    pdf.save(path)
    numbers = [*range(1, 451), 451, 999]  # the last two: no such page
    alone, shared = drawing_digests(path, numbers), drawing_digests(path, numbers, jobs=2)
    assert pools == [1]  # the second call shared the pages with another process
    assert shared == alone and sorted(alone) == list(range(1, 451))
    assert alone[1] == alone[301] != alone[2]  # the same drawing, the same digest


ZLIB_FASTEST, ZLIB_BEST = b"\x78\x01", b"\x78\xda"  # a zlib stream's header, by level


def content_zlib_level(path: Path) -> bytes:
    with pikepdf.open(path) as pdf:
        return bytes(pdf.pages[0].obj.Contents.read_raw_bytes()[:2])


def test_latexmk_hands_over_the_first_pass_when_another_is_needed(tmp_path: Path) -> None:
    (tmp_path / "t.tex").write_text(REFERENCING, encoding="utf-8")
    seen: list[str] = []
    zlib_levels: list[bytes] = []

    def between() -> None:  # the first pass is done: its PDF says ?? for the page
        seen.append(" ".join(page_texts(tmp_path / "t.pdf")[0].split()))
        zlib_levels.append(content_zlib_level(tmp_path / "t.pdf"))

    result = compile_tex(tmp_path, "t.tex", timeout=60, between_passes=between)
    assert result.ok
    assert seen == ["See page ??."]
    assert " ".join(page_texts(tmp_path / "t.pdf")[0].split()) == "See page 2."
    # the cold build's first pass, a draft, was compressed quickly; the last one as ever
    assert zlib_levels == [ZLIB_FASTEST]
    assert content_zlib_level(tmp_path / "t.pdf") == ZLIB_BEST
    # the references resolved, the next run needs one pass: nothing is handed over
    source = tmp_path / "t.tex"
    source.write_text(REFERENCING.replace("There.", "There, now."), encoding="utf-8")
    assert compile_tex(tmp_path, "t.tex", timeout=60, between_passes=between).ok
    assert len(seen) == 1
    assert "There, now." in page_texts(tmp_path / "t.pdf")[1]


def test_an_edit_of_the_same_length_within_the_second_is_typeset(tmp_path: Path) -> None:
    """latexmk judges a change by file time and size first: the build has judged already."""
    source = tmp_path / "t.tex"
    source.write_text(REFERENCING, encoding="utf-8")
    assert compile_tex(tmp_path, "t.tex", timeout=60).ok
    before = source.stat()
    source.write_text(REFERENCING.replace("There.", "There!"), encoding="utf-8")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert compile_tex(tmp_path, "t.tex", timeout=60).ok
    assert "There!" in page_texts(tmp_path / "t.pdf")[1]


def test_a_failing_first_pass_hands_nothing_over(tmp_path: Path) -> None:
    (tmp_path / "t.tex").write_text(REFERENCING.replace("There.", r"\undefinedcommand"),
                                    encoding="utf-8")  # fmt: skip
    seen: list[int] = []
    result = compile_tex(tmp_path, "t.tex", timeout=60, between_passes=lambda: seen.append(1))
    assert not result.ok
    assert result.error is not None and "Undefined control sequence" in result.error.message
    assert seen == []


class CutSpy:
    """Records which PDF each call of the proofs' cutter read, how many proofs it cut and
    how many thumbnails it rendered."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, int, int]] = []
        real = proofs_module.cut_and_render

        def spy(source: Path, pieces: list, stamps: Path, pages: dict, *args: object,
                **kwargs: object) -> None:  # fmt: skip
            self.calls.append((source.name, len(pieces), len(pages)))
            real(source, pieces, stamps, pages, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(proofs_module, "cut_and_render", spy)


def build(content: Path, out: Path, *extra: str) -> None:
    assert main(["build", "booklet", "proofs", "--content", str(content), "--out", str(out),
                 *extra]) == 0  # fmt: skip


def flat(text: str) -> str:
    return " ".join(text.split())


def proof_texts(out: Path) -> dict[str, list[str]]:
    return {cid: [flat(t) for t in page_texts(out / "proofs" / f"{cid}.pdf")] for cid in IDS}


def test_a_cold_build_cuts_the_proofs_from_the_first_pass(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = CutSpy(monkeypatch)
    build(content_copy, tmp_path / "out", "-j", "2")
    # all six cut from the draft while the last pass ran; the final pass confirmed them all
    assert spy.calls == [("booklet.draft.pdf", 6, 6), ("booklet.pdf", 0, 0)]
    booklet = [flat(t) for t in page_texts(tmp_path / "out" / "booklet.pdf")]
    for cid, pages in proof_texts(tmp_path / "out").items():
        pages = [flat(re.sub(r"PROOF · contribution \S+ · [\d-]+", "", t)) for t in pages]
        start = booklet.index(pages[0])  # the proof's pages are the final booklet's
        assert booklet[start : start + len(pages)] == pages, cid


def test_proofs_the_final_pass_draws_otherwise_are_cut_again(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = CutSpy(monkeypatch)
    drawn: list[object] = []

    def drawn_otherwise(page: pikepdf.Object, fonts: object = None) -> bytes:  # all differ
        drawn.append(page)
        return str(len(drawn)).encode()

    monkeypatch.setattr(pdfscan_module, "drawing_digest", drawn_otherwise)
    build(content_copy, tmp_path / "out", "-j", "2")
    assert spy.calls == [("booklet.draft.pdf", 6, 6), ("booklet.pdf", 6, 6)]
    fresh = tmp_path / "fresh"
    build(content_copy, fresh, "-j", "1")
    assert proof_texts(tmp_path / "out") == proof_texts(fresh)


def test_one_job_cuts_the_proofs_once_from_the_final_booklet(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = CutSpy(monkeypatch)
    build(content_copy, tmp_path / "out", "-j", "1")
    assert spy.calls == [("booklet.pdf", 6, 6)]


def last_pass_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The booklet's first pass succeeds; what would finish it fails: the reference pass,
    and then latexmk's last pass."""
    real = compile_module.latexmk_command

    def latexmk(tex_name: str, *options: str) -> list[str]:
        return real(tex_name, *options) if options else ["false"]  # the last pass: no options

    monkeypatch.setattr(compile_module, "latexmk_command", latexmk)
    monkeypatch.setattr(compile_module, "reference_pass_command", lambda *_: ["false"])


def test_proofs_cut_early_stay_aside_when_the_last_pass_fails(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last_pass_fails(monkeypatch)
    out = tmp_path / "out"
    assert main(["build", "booklet", "proofs", "--content", str(content_copy), "--out", str(out),
                 "-j", "2"]) != 0  # fmt: skip
    assert sorted(p.stem for p in (out / ".work" / "proofs" / "staged").glob("*.pdf")) == IDS
    assert not (out / "proofs").exists()  # nothing written beside a booklet that failed
    assert not (out / "booklet.pdf").exists()


def test_an_edited_abstract_renders_its_thumbnail_only(content_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    build(content_copy, out, "-j", "2")
    thumbnails = out / "proofs" / "thumbnails"
    before = {p.stem: (p.stat().st_mtime_ns, p.read_bytes()) for p in thumbnails.glob("*.png")}
    assert sorted(before) == IDS
    path = content_copy / "contributions" / "004.md"
    path.write_text(path.read_text("utf-8") + "\nA new closing sentence.\n", "utf-8")
    build(content_copy, out, "-j", "2")
    after = {p.stem: (p.stat().st_mtime_ns, p.read_bytes()) for p in thumbnails.glob("*.png")}
    assert [cid for cid in IDS if after[cid] != before[cid]] == ["4"]
    assert after["4"][1] != before["4"][1]  # it shows the new sentence


def test_proofs_stamped_another_day_keep_their_thumbnails(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stamp carries the build date: the next day every proof is stamped again, but
    the thumbnails show the booklet's pages, which did not change."""
    out = tmp_path / "out"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1716422400")  # 2024-05-23
    build(content_copy, out, "-j", "2")
    thumbnails = out / "proofs" / "thumbnails"
    before = {p.stem: p.stat().st_mtime_ns for p in thumbnails.glob("*.png")}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1716508800")  # the next day
    spy = CutSpy(monkeypatch)
    build(content_copy, out, "-j", "2")
    assert spy.calls == [("booklet.pdf", 6, 0)]  # every proof, no thumbnail
    for cid in IDS:
        assert "2024-05-24" in page_texts(out / "proofs" / f"{cid}.pdf")[0]
    assert {p.stem: p.stat().st_mtime_ns for p in thumbnails.glob("*.png")} == before

    (content_copy / "contributions" / "006.md").unlink()  # a withdrawn talk
    build(content_copy, out, "-j", "2")
    remaining = sorted(p.stem for p in thumbnails.glob("*.png"))
    assert remaining == sorted(p.stem for p in (out / "proofs").glob("*.pdf"))
    assert "6" not in remaining


class SplitSpy:
    """Records the folder each cutting of the handouts wrote into."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folders: list[str] = []
        real = split_module.split_by_labels

        def spy(source: Path, aux: Path, folder: Path, *args: object, **kwargs: object):
            self.folders.append(folder.name)
            return real(source, aux, folder, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(split_module, "split_by_labels", spy)


def handout_texts(out: Path) -> dict[str, list[str]]:
    return {p.stem: [flat(t) for t in page_texts(p)] for p in (out / "handouts").glob("*.pdf")}


def test_handouts_are_cut_while_the_booklet_is_typeset(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = SplitSpy(monkeypatch)
    out = tmp_path / "out"
    assert main(["build", "booklet", "handouts", "--content", str(content_copy), "--out", str(out),
                 "-j", "2"]) == 0  # fmt: skip
    assert spy.folders == ["staged"]  # cut once, aside, then moved into place
    assert not (out / ".work" / "handouts" / "staged").exists()
    one = tmp_path / "one"
    assert main(["build", "booklet", "handouts", "--content", str(content_copy), "--out", str(one),
                 "-j", "1"]) == 0  # fmt: skip
    assert spy.folders == ["staged", "handouts"]  # one job: cut at the end
    assert sorted(handout_texts(out)) == ["afternoon", "morning"]
    assert handout_texts(out) == handout_texts(one)

    # the afternoon talks lose their session: its handout goes, their day's comes
    for n in ("004", "005", "006"):
        path = content_copy / "contributions" / f"{n}.md"
        path.write_text(path.read_text("utf-8").replace("session: afternoon\n", ""), "utf-8")
    assert main(["build", "booklet", "handouts", "--content", str(content_copy), "--out", str(out),
                 "-j", "2"]) == 0  # fmt: skip
    assert sorted(handout_texts(out)) == ["day-2024-05-23", "morning"]
    assert spy.folders == ["staged", "handouts", "staged"]


def test_installing_files_written_aside(tmp_path: Path) -> None:
    """Files moved into place; one holding the same bytes stays as it was (its date
    too); one of the same kind that is not among them goes; other kinds stay."""
    staging, folder = tmp_path / "staging", tmp_path / "folder"
    staging.mkdir()
    folder.mkdir()
    for name, data in (("same.pdf", b"same"), ("new.pdf", b"new"), ("changed.pdf", b"after")):
        (staging / name).write_bytes(data)
    for name, data in (("same.pdf", b"same"), ("changed.pdf", b"before"), ("gone.pdf", b"x"),
                       ("notes.txt", b"kept")):  # fmt: skip
        (folder / name).write_bytes(data)
    os.utime(folder / "same.pdf", ns=(1, 1))
    placed = install_folder(staging, folder, ["same.pdf", "new.pdf", "changed.pdf"], ".pdf")
    assert placed == [folder / "same.pdf", folder / "new.pdf", folder / "changed.pdf"]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == {
        "same.pdf": b"same", "new.pdf": b"new", "changed.pdf": b"after", "notes.txt": b"kept"}
    assert (folder / "same.pdf").stat().st_mtime_ns == 1
    assert not staging.exists()


def test_handouts_cut_ahead_stay_aside_when_the_booklet_fails(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    last_pass_fails(monkeypatch)
    out = tmp_path / "out"
    assert main(["build", "booklet", "handouts", "--content", str(content_copy), "--out", str(out),
                 "-j", "2"]) != 0  # fmt: skip
    staged = out / ".work" / "handouts" / "staged"
    assert sorted(p.stem for p in staged.glob("*.pdf")) == ["afternoon", "morning"]
    assert not (out / "handouts").exists()


class MoveSpy:
    """Records what the proofs move into place (files written aside, or a whole folder)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moves: list[tuple[Path, Path]] = []
        real = proofs_module.move_into_place

        def spy(source: Path, dest: Path) -> None:
            self.moves.append((source, dest))
            real(source, dest)

        monkeypatch.setattr(proofs_module, "move_into_place", spy)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_first_build_puts_the_whole_proofs_folder_in_place_at_once(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # with 2 jobs the proofs were cut from the first pass, with 1 from the final booklet;
    # either way written side by side, then moved in one go (no file-by-file renames)
    spy = MoveSpy(monkeypatch)
    out = tmp_path / "out"
    build(content_copy, out, "-j", jobs)
    assert spy.moves == [(out / ".work" / "proofs" / "staged", out / "proofs")]
    proofs = out / "proofs"
    assert sorted(p.stem for p in proofs.glob("*.pdf")) == sorted(IDS, key=int)
    assert sorted(p.stem for p in (proofs / "thumbnails").glob("*.png")) == IDS
    assert sorted(p.name for p in proofs.rglob(".*")) == []  # no temporary file left
    assert not (out / ".work" / "proofs" / "staged").exists()
    assert all(f"contribution {cid} ·" in pages[0] for cid, pages in proof_texts(out).items())


def test_proofs_in_place_are_replaced_one_by_one(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(content_copy, out, "-j", "2")
    folder = (out / "proofs").stat().st_ino
    before = {p.name: p.stat().st_mtime_ns for p in (out / "proofs").glob("*.pdf")}
    path = content_copy / "contributions" / "004.md"
    path.write_text(path.read_text("utf-8") + "\nA new closing sentence.\n", "utf-8")
    spy = MoveSpy(monkeypatch)
    build(content_copy, out, "-j", "2")
    assert (out / "proofs").stat().st_ino == folder  # the same folder, not a new one
    assert all(dest.parent in (out / "proofs", out / "proofs" / "thumbnails")
               for _, dest in spy.moves)  # fmt: skip
    after = {p.name: p.stat().st_mtime_ns for p in (out / "proofs").glob("*.pdf")}
    assert [name for name in before if after[name] != before[name]] == ["4.pdf"]
    assert "A new closing sentence." in flat(" ".join(page_texts(out / "proofs" / "4.pdf")))
