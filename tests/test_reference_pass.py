"""The booklet's second pass typesets only the pages that print cross-references, and an
edited abstract only its own pages; every other page comes from the pass before. What
that gives must be, page for page, what latexmk's whole passes give from the same source:
the same text, the same pixels, the same links, link targets and bookmarks."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from booklet import compile as compile_module
from booklet import refpass
from booklet.cli import main
from booklet.compile import compile_tex
from pdfread import page_texts

ROOT = Path(__file__).resolve().parents[1]
STYLE = ROOT / "templates" / "abstractbook.sty"


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds compared with whole passes run later carry the same dates."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1716422400")  # 2024-05-23


def build(content: Path, out: Path, *products: str) -> None:
    assert main(["build", *(products or ("booklet",)), "--content", str(content),
                 "--out", str(out)]) == 0  # fmt: skip


def whole_passes(source: Path, tmp_path: Path) -> Path:
    """The booklet as latexmk makes it from ``source`` (OUT/src), pass after whole pass."""
    folder = tmp_path / "whole"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(source, folder)
    result = compile_tex(folder, "booklet.tex", timeout=120)
    assert result.ok and result.pdf is not None
    return result.pdf


def facts(path: Path) -> dict[str, object]:
    """What a reader meets in a PDF besides its drawing: text, links, their targets,
    bookmarks; and how many font programs it embeds."""
    with pikepdf.open(path) as pdf:
        page_of = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
        dests = {}
        for name, value in pikepdf.NameTree(pdf.Root.Names.Dests).items():
            array = value if isinstance(value, pikepdf.Array) else value.D
            dests[name] = (page_of.get(array[0].objgen), [str(item) for item in list(array)[1:]])
        links = []
        fonts = set()
        for n, page in enumerate(pdf.pages, start=1):
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                target = str(action.get("/D", action.get("/URI"))) if action is not None else ""
                links.append((n, target, [round(float(x), 2) for x in annot.Rect]))
            for font in page.obj.Resources.get("/Font", {}).values():
                descriptor = font.get("/FontDescriptor")
                if descriptor is not None and "/FontFile" in descriptor:
                    fonts.add(descriptor.FontFile.objgen)
        outline = []
        with pdf.open_outline() as tree:
            def walk(items: list[pikepdf.OutlineItem], depth: int = 0) -> None:
                for item in items:
                    action = item.action
                    target = str(action.get("/D")) if action is not None else str(item.destination)
                    outline.append((depth, item.title, target))
                    walk(item.children, depth + 1)

            walk(tree.root)
        info = {str(key): str(value) for key, value in pdf.docinfo.items()}
        return {"pages": len(pdf.pages), "text": page_texts(path), "dests": dests,
                "links": links, "outline": outline, "font programs": len(fonts),
                "info": info}  # fmt: skip


def pixels(path: Path, folder: Path) -> list[bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(path), str(folder / "p")], check=True)
    return [page.read_bytes() for page in sorted(folder.glob("*.pgm"))]


def assert_same_booklet(ours: Path, whole: Path, tmp_path: Path, fonts_added: int = 0) -> None:
    """``fonts_added``: font programs embedded twice (two subsets of one font), where the
    pages typeset again draw glyphs that the first pass never drew"""
    ours_facts, whole_facts = facts(ours), facts(whole)
    assert ours_facts.pop("font programs") == whole_facts.pop("font programs") + fonts_added
    assert ours_facts == whole_facts
    assert pixels(ours, tmp_path / "ours") == pixels(whole, tmp_path / "theirs")


class Runs:
    """Records the TeX runs of a build: latexmk's, and what each reference pass typeset."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.latexmk = 0
        self.reference: list[list[str]] = []
        self.splices = 0
        real_run, real_splice = compile_module.run_sandboxed, refpass.splice

        def run(command: list[str], *args: object) -> tuple[int, bytes, bool]:
            if command[0] == "latexmk":
                self.latexmk += 1
            elif any(arg.startswith("-jobname=") for arg in command):
                listed = command[-1].split("{", 1)[1].split("}", 1)[0]
                self.reference.append(listed.split(",") if listed else [])
            return real_run(command, *args)  # type: ignore[arg-type]

        def splice(*args: object) -> None:
            real_splice(*args)  # type: ignore[arg-type]
            self.splices += 1

        monkeypatch.setattr(compile_module, "run_sandboxed", run)
        monkeypatch.setattr(refpass, "splice", splice)

    def reset(self) -> None:
        self.latexmk, self.reference, self.splices = 0, [], 0


def test_a_cold_booklet_takes_one_whole_pass_and_a_pass_over_its_references(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = Runs(monkeypatch)
    out = tmp_path / "out"
    build(content_copy, out, "booklet", "proofs", "handouts")
    assert runs.latexmk == 1  # the first pass; no other whole pass
    assert runs.reference == [[]] and runs.splices == 1  # no contribution typeset again
    work = out / ".work" / "booklet"
    with pikepdf.open(out / "booklet.pdf") as booklet, \
            pikepdf.open(work / "booklet-refs.pdf") as refs:  # fmt: skip
        assert len(refs.pages) == len(booklet.pages) - 6  # all but the six abstracts' pages
    whole = whole_passes(out / "src", tmp_path)
    assert_same_booklet(out / "booklet.pdf", whole, tmp_path)
    # the programme's page numbers are there
    assert any("Programme" in page and "\n3\n" in page for page in page_texts(whole))
    # the proofs cut from the first pass are the final pages, and were kept
    assert sorted(p.stem for p in (out / "proofs").glob("*.pdf")) == ["1", "2", "3", "4", "5", "6"]


def test_an_edited_abstract_is_typeset_alone(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(content_copy, out, "booklet", "proofs")
    runs = Runs(monkeypatch)
    path = content_copy / "contributions" / "004.md"
    path.write_text(path.read_text("utf-8") + "\nA closing sentence, newly added.\n", "utf-8")
    build(content_copy, out, "booklet", "proofs")
    assert runs.latexmk == 0
    assert runs.reference == [["contribution-4"]] and runs.splices == 1
    whole = whole_passes(out / "src", tmp_path)
    assert_same_booklet(out / "booklet.pdf", whole, tmp_path)
    assert any("newly added" in page for page in page_texts(out / "booklet.pdf"))
    assert "newly added" in " ".join(page_texts(out / "proofs" / "4.pdf"))
    # and the next edit starts from this one
    runs.reset()
    path.write_text(path.read_text("utf-8").replace("newly added", "added again"), "utf-8")
    build(content_copy, out, "booklet")
    assert runs.latexmk == 0 and runs.reference == [["contribution-4"]]
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)


LONG = "\n\n".join(["Another short paragraph."] * 70)  # one page more, in few words


@pytest.mark.parametrize(("edit", "reference_passes"), [
    # the title is the bookmark's: the first pass's outline would be stale; no pass tried
    (lambda text: text.replace("title: ", "title: Retitled ", 1), 0),
    # the abstract runs over a page: the next one does not start where it did
    (lambda text: text + "\n" + LONG + "\n", 1),
    # a note: the counters it leaves to the abstracts after it are not the same
    (lambda text: text + "\nA claim.^[A note on the claim.]\n", 1),
])  # fmt: skip
def test_an_edit_that_moves_more_than_its_pages_gets_a_whole_pass(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    edit: object, reference_passes: int,
) -> None:
    out = tmp_path / "out"
    build(content_copy, out)
    runs = Runs(monkeypatch)
    path = content_copy / "contributions" / "002.md"
    path.write_text(edit(path.read_text("utf-8")), "utf-8")  # type: ignore[operator]
    build(content_copy, out)
    assert len(runs.reference) == reference_passes and runs.splices == 0
    assert runs.latexmk >= 1
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)


# A document in the booklet's shape: pages before the contributions that print references
# to them (as the programme does), contributions, pages after them (as the index).
SHAPED = r"""\documentclass[10pt,twoside]{article}
\usepackage[a5paper]{geometry}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[english]{babel}
\usepackage{abstractbook}
\begin{document}
FRONT
Contributions start on pages \pageref{c-1}, \pageref{c-2} and \pageref{c-8}.

""" + "".join(
    f"\\begin{{contribution}}{{c-{n}}}{{Title {n}}}{{Head {n}}}\nContribution {n}.\n"
    "\\end{contribution}\n" for n in range(1, 9)
) + r"""\clearpage
BACK
\end{document}
"""


def compile_shaped(folder: Path, text: str) -> tuple[Path, list[bool]]:
    """Compile a booklet-shaped document as the booklet is: a cold first pass, then the
    reference pass; what the reference pass answered (False: latexmk went on)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLE, folder / "abstractbook.sty")
    (folder / "doc.tex").write_text(text, encoding="utf-8")
    answers: list[bool] = []

    def reference_pass(seconds: float) -> bool:
        answers.append(refpass.finish_by_reference_pass(
            folder, "doc", text, folder / "doc.pdf", seconds))  # fmt: skip
        return answers[-1]

    result = compile_tex(folder, "doc.tex", timeout=120, reference_pass=reference_pass)
    assert result.ok and result.pdf is not None
    return result.pdf, answers


def whole(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLE, folder / "abstractbook.sty")
    (folder / "doc.tex").write_text(text, encoding="utf-8")
    result = compile_tex(folder, "doc.tex", timeout=120)
    assert result.ok and result.pdf is not None
    return result.pdf


def test_a_contribution_that_prints_a_reference_is_typeset_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = SHAPED.replace("Contribution 2.", r"This one refers to page \pageref{c-3}.")
    runs = Runs(monkeypatch)
    ours, answers = compile_shaped(tmp_path / "ours", text)
    assert answers == [True] and runs.reference == [["c-2"]]
    theirs = whole(tmp_path / "whole", text)
    # the first pass printed ?? where this contribution prints 4: that digit, in that font,
    # comes with a subset of its own (the programme's and the index's are drawn ahead)
    assert_same_booklet(ours, theirs, tmp_path, fonts_added=1)
    assert "refers to page 4" in " ".join(page_texts(ours)[2].split())


def test_pages_before_the_contributions_that_grow_in_the_second_pass_get_a_whole_pass(
    tmp_path: Path,
) -> None:
    # a table of contents is empty in the first pass; in the second it fills a page
    sections = "\n".join(f"\\section{{Part {n}}}" for n in range(60))
    text = SHAPED.replace("FRONT", r"\tableofcontents\clearpage").replace("BACK", sections)
    ours, answers = compile_shaped(tmp_path / "ours", text)
    assert answers == [False]  # latexmk went on
    theirs = whole(tmp_path / "whole", text)
    assert page_texts(ours) == page_texts(theirs)
    pages = page_texts(ours)
    first = next(n for n, page in enumerate(pages) if "Contribution 1." in page)
    assert "Part 59" in " ".join(pages[:first])  # the contents, before the contributions


def test_contributions_are_found_by_their_lines() -> None:
    text = "\\begin{document}\n\\begin{contribution}{c-1}{A}{A}\nx\n\\end{contribution}\n" \
           "\\begin{contribution}{c-2}{B}{B}\ny\n\\end{contribution}\n"  # fmt: skip
    assert refpass.contribution_spans(text) == [
        refpass.Span("c-1", 2, 4), refpass.Span("c-2", 5, 7)]  # fmt: skip
    # one the style file could not skip: its end not alone on a line, or no end
    assert refpass.contribution_spans(text.replace("x\n\\end", "x \\end")) is None
    assert refpass.contribution_spans(text.rsplit("\\end", 1)[0]) is None
    # a label that could not go on TeX's command line
    assert refpass.contribution_spans(text.replace("{c-2}", "{c 2}")) is None


def test_references_are_traced_to_their_contribution() -> None:
    spans = [refpass.Span("c-1", 10, 20), refpass.Span("c-2", 21, 30)]
    text = "\n".join(["\\documentclass{article}", "\\begin{document}", *["x"] * 38])
    aux = ("\\zref@newlabel{c-1-last}{\\default{}\\page{4}\\abspage{4}}\n"
           "\\zref@newlabel{c-2-last}{\\default{}\\page{6}\\abspage{6}}\n")  # fmt: skip

    def warned(page: str, line: int) -> str:
        return (f"LaTeX Warning: Reference `x' on page {page} undefined on input line {line}.\n"
                "LaTeX Warning: There were undefined references.\n")  # fmt: skip

    assert refpass.to_retypeset(warned("2", 3), aux, text, spans) == set()  # before them all
    assert refpass.to_retypeset(warned("5", 25), aux, text, spans) == {"c-2"}
    # on c-1's last page, shipped out as TeX read c-2's first line
    assert refpass.to_retypeset(warned("4", 21), aux, text, spans) == {"c-1", "c-2"}
    assert refpass.to_retypeset(warned("6", 31), aux, text, spans) == {"c-2"}  # its last page
    assert refpass.to_retypeset(warned("7", 40), aux, text, spans) == set()  # after them all
    # undefined references the log does not place
    assert refpass.to_retypeset("LaTeX Warning: There were undefined references.\n",
                                aux, text, spans) is None  # fmt: skip
    # used in the preamble, or as the document begins: a page total, printed on every page
    assert refpass.to_retypeset(warned("1", 2), aux, text, spans) is None
    # a table keeps its column widths in the .aux: typeset again, warned of or not
    table = text.replace("\nx\n", "\n\\begin{longtable}{ll}\n", 1)
    assert refpass.to_retypeset("", aux, table, [refpass.Span("c-1", 3, 20)]) == {"c-1"}
    # another pass asked for, for a reason this pass does not answer
    outlines = ("Package rerunfilecheck Warning: File `booklet.out' has changed.\n"
                "(rerunfilecheck)                Rerun to get outlines right\n")  # fmt: skip
    assert refpass.to_retypeset(outlines, aux, text, spans) is None
    longtable = "Package longtable Warning: Table widths have changed. Rerun LaTeX.\n"
    assert refpass.to_retypeset(longtable, aux, text, spans) == set()


def test_the_reference_pass_must_write_what_the_first_pass_wrote() -> None:
    read = "\\relax\n\\newlabel{a}{{}{2}{}{section*.1}{}}\n\\abstractbook@state{c-1}{2}{}\n"
    assert refpass._same_records("\\newlabel{a}{{}{2}{}{section*.1}{}}\n", read)
    assert refpass._same_records("\\gdef \\@abspage@last{3}\n", read)  # pages it shipped
    assert not refpass._same_records("\\newlabel{a}{{}{3}{}{section*.1}{}}\n", read)
    assert not refpass._same_records("\\abstractbook@state{c-1}{2}{\\@elt{footnote}{1}}\n", read)


def test_only_plain_labels_reach_the_command_line() -> None:
    command = compile_module.reference_pass_command("booklet.tex", "booklet-refs", ["c-1", "c-2"])
    assert command[-1] == "\\def\\abstractbookreferencepass{c-1,c-2}\\input{booklet.tex}"
    with pytest.raises(ValueError):
        compile_module.reference_pass_command("booklet.tex", "booklet-refs", ["c}\\input{x"])


def test_a_first_pass_that_leaves_work_for_another_tool_gets_a_whole_pass(tmp_path: Path) -> None:
    # an index: makeindex must sort what the first pass wrote before a pass can print it
    text = SHAPED.replace(r"\usepackage{abstractbook}",
                          "\\usepackage{abstractbook}\n\\usepackage{makeidx}\\makeindex")
    text = text.replace("BACK", r"\index{word}\printindex")
    ours, answers = compile_shaped(tmp_path / "ours", text)
    assert answers == [False]
    assert page_texts(ours) == page_texts(whole(tmp_path / "whole", text))


def test_a_spliced_booklet_is_reproducible(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = Runs(monkeypatch)
    build(content_copy, tmp_path / "a")
    build(content_copy, tmp_path / "b")
    assert runs.splices == 2
    first, second = (tmp_path / name / "booklet.pdf" for name in "ab")
    assert first.read_bytes() == second.read_bytes()


def test_a_style_file_without_the_reference_pass_gets_whole_passes(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a restyled abstractbook.sty copied before the reference pass existed
    style = STYLE.read_text("utf-8").replace("\\abstractbookreferencepass", "\\someotherflag")
    (content_copy / "templates").mkdir(exist_ok=True)
    (content_copy / "templates" / "abstractbook.sty").write_text(style, "utf-8")
    runs = Runs(monkeypatch)
    out = tmp_path / "out"
    build(content_copy, out)
    assert runs.reference == [] and runs.latexmk == 2  # not a pass that would drop nothing
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)


TABLE = """

| Model | Loss | Steps |
|:--|--:|:-:|
| small | 2.31 | 10 |
| $\\mathcal{L}$-large | **1.87** | 12,000 |
"""


def test_tables_keep_their_column_widths(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """longtable reads its columns' widths from the .aux without a reference: an abstract
    with a table is typeset again, in a cold build and when it is edited."""
    runs = Runs(monkeypatch)
    table = content_copy / "contributions" / "004.md"
    table.write_text(table.read_text("utf-8") + TABLE, "utf-8")
    out = tmp_path / "out"
    build(content_copy, out, "booklet", "proofs")
    assert runs.reference == [["contribution-4"]] and runs.splices == 1
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)
    for edited, typeset in ((content_copy / "contributions" / "005.md", "contribution-5"),
                            (table, "contribution-4")):  # fmt: skip
        runs.reset()
        edited.write_text(edited.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
        build(content_copy, out, "booklet", "proofs")
        assert runs.reference == [[typeset]] and runs.latexmk == 0
        assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)
    # a table whose widths the edit changes: its .aux record changes, a whole pass follows
    runs.reset()
    table.write_text(table.read_text("utf-8").replace("small", "much smaller"), "utf-8")
    build(content_copy, out, "booklet")
    assert runs.reference == [["contribution-4"]] and runs.splices == 0 and runs.latexmk >= 1
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)


def test_a_page_total_in_a_restyled_running_foot_gets_a_whole_pass(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    style = STYLE.read_text("utf-8").replace(
        "\\fancyfoot[C]{\\small\\thepage}",
        "\\RequirePackage{zref-totpages}\\fancyfoot[C]{\\small\\thepage\\ / \\ztotpages}", 1)
    assert "ztotpages" in style
    (content_copy / "templates").mkdir(exist_ok=True)
    (content_copy / "templates" / "abstractbook.sty").write_text(style, "utf-8")
    runs = Runs(monkeypatch)
    out = tmp_path / "out"
    build(content_copy, out)
    assert runs.reference == [] and runs.latexmk == 2
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)
    assert "3/9" in page_texts(out / "booklet.pdf")[2].replace(" ", "")


def test_an_edited_booklet_carries_the_date_of_its_build(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(content_copy, out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    runs = Runs(monkeypatch)
    path = content_copy / "contributions" / "004.md"
    path.write_text(path.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    build(content_copy, out)
    assert runs.splices == 1
    assert facts(out / "booklet.pdf")["info"]["/ModDate"] == "D:20270115080000Z"
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)


def font_programs(path: Path, page: int) -> set[str]:
    """Digests of the font programs a page draws with."""
    with pikepdf.open(path) as pdf:
        fonts = pdf.pages[page - 1].obj.Resources.get("/Font", {})
        return {hashlib.sha256(font.FontDescriptor.FontFile.read_raw_bytes()).hexdigest()
                for font in fonts.values() if "/FontDescriptor" in font}  # fmt: skip


def test_a_new_letter_in_an_edited_abstract_leaves_the_other_pages_their_fonts(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(content_copy, out)
    booklet = out / "booklet.pdf"
    before = {page: font_programs(booklet, page) for page in (2, 9)}  # programme, index
    runs = Runs(monkeypatch)
    path = content_copy / "contributions" / "004.md"
    path.write_text(path.read_text("utf-8") + "\nMeasured in Ærøskøbing.\n", "utf-8")
    build(content_copy, out)
    assert runs.splices == 1
    # the new letters come with a subset of their own on the edited page only
    assert {page: font_programs(booklet, page) for page in (2, 9)} == before
    assert_same_booklet(booklet, whole_passes(out / "src", tmp_path), tmp_path, fonts_added=1)


@pytest.mark.parametrize(("edit", "typeset"), [
    (lambda text: text.replace("Contribution 3.", "Contribution three."), {"c-3"}),
    (lambda text: text.replace("Contribution 3.", "Three.\n\nParagraphs."), {"c-3"}),
    # between two contributions, before them all, after them all: pages no pass drops
    (lambda text: text.replace("\\end{contribution}\n", "\\end{contribution}\n\\clearpage\n", 1),
     None),
    (lambda text: text.replace("FRONT", "FRONT, now longer"), None),
    (lambda text: text.replace("BACK", "BACK, now longer"), None),
    # a contribution's first line: its bookmark and running head
    (lambda text: text.replace("{Title 3}", "{Title three}"), None),
    (lambda text: text.replace("{c-3}", "{c-9}"), None),
])  # fmt: skip
def test_an_edit_pass_is_tried_for_changes_within_contributions_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: object, typeset: set[str] | None,
) -> None:
    tried: list[set[str]] = []

    def reference_pass(*args: object) -> bool:
        tried.append(args[3])  # type: ignore[arg-type]
        return True

    monkeypatch.setattr(refpass, "_reference_pass", reference_pass)
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.5")  # the last build's
    answer = refpass.finish_by_edit_pass(tmp_path, "doc", edit(SHAPED), SHAPED, 60)  # type: ignore[operator]
    assert tried == ([typeset] if typeset else []) and answer == bool(typeset)


def test_an_edit_undone_leaves_no_second_font_subset(
    content_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    build(content_copy, out)
    # the first abstract: its page comes before any other that draws its fonts' new glyphs
    path = content_copy / "contributions" / "001.md"
    original = path.read_text("utf-8")
    path.write_text(original + "\nMeasured in *Ærøskøbing*, $\\aleph_0 \\hbar$.\n", "utf-8")
    build(content_copy, out)
    runs = Runs(monkeypatch)
    path.write_text(original, "utf-8")
    build(content_copy, out)
    assert runs.splices == 1
    # the page goes back to the subset the other pages use; the other one is gone
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)


@pytest.mark.parametrize("lost", ["booklet.aux", "booklet.pdf", "booklet.fls", "booklet.done"])
def test_a_work_folder_missing_a_file_builds_again(
    content_copy: Path, tmp_path: Path, lost: str
) -> None:
    out = tmp_path / "out"
    build(content_copy, out, "booklet", "proofs")
    (out / ".work" / "booklet" / lost).unlink()
    build(content_copy, out, "booklet", "proofs", "handouts")  # not a build that does nothing
    assert_same_booklet(out / "booklet.pdf", whole_passes(out / "src", tmp_path), tmp_path)
    proof = " ".join(page_texts(out / "proofs" / "4.pdf")[0].split())
    assert proof.startswith("PROOF · contribution 4")
    assert any(" ".join(page.split()) in proof for page in page_texts(out / "booklet.pdf"))
