"""The reference booklet, read back from the PDF itself."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from pdfread import page_texts, pdftotext

TALKS = {
    "1": ("How can Machine Learning Help Mathematicians", "Amaury Hayat", "09:30"),
    "2": ("Synthetic Data -Friend or Foe in the Age of Scaling?", "Julia Kempe", "10:30"),
    "3": (
        "A First Approximation to the Mathematical Structure Computed by Large Language Models",
        "Yiannis Vlassopoulos",
        "12:00",
    ),
    "4": (
        "Mathematics as a Translation Task - the Importance of Training Distributions",
        "François Charton",
        "14:30",
    ),
    "5": ("Three Problems in the Mathematics of Deep Learning", "Andrew Dudzik", "15:30"),
    "6": ("TBA", "Gabriel Synnaeve", "17:00"),
}
A5_PT = (419.53, 595.28)
ABSTRACT_ENDINGS = {
    "1": "discuss new perspectives in the area.",
    "2": "text generation using the LLM Llama2.",
    "3": "This is joint work with Stéphane Gaubert.",
    "4": "provide intuition on the inner workings of transformer models.",
    "5": "polynomial functors, cohomology, and higher categories.",
    "6": "Gabriel Synnaeve Meta AI Research",
}


def flat(text: str) -> str:
    """Text with line breaks and hyphenation at line ends undone."""
    text = re.sub(r"-\n(?=[a-z])", "", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdf(reference_build: Path) -> Path:
    return reference_build / "booklet.pdf"


@pytest.fixture(scope="module")
def pages(pdf: Path) -> list[str]:
    return [flat(p) for p in page_texts(pdf)]


def abstract_page(pages: list[str], title: str) -> int:
    """1-based number of the page that starts with this contribution's title."""
    heads = [n for n, text in enumerate(pages, start=1) if title in text[: len(title) + 80]]
    assert heads, f"no page starts with {title!r}"
    return heads[-1]


def test_every_title_speaker_and_time_is_printed(pages: list[str]) -> None:
    text = " ".join(pages)
    for title, speaker, time in TALKS.values():
        assert title in text
        assert speaker in text
        assert time in text


def test_each_abstract_page_has_its_speaker_time_and_affiliation(pages: list[str]) -> None:
    for title, speaker, time in TALKS.values():
        page = pages[abstract_page(pages, title) - 1]
        assert speaker in page
        assert f"jeudi 23 mai 2024, {time}" in page
    assert "École des Ponts ParisTech & CERMICS" in " ".join(pages)


def test_cover_has_the_french_date_once(pages: list[str]) -> None:
    cover = pages[0]
    assert "Mathematics for and by Large Language Models" in cover
    assert cover.count("jeudi 23 mai 2024") == 1


def test_no_raw_latex_reaches_the_page(pdf: Path) -> None:
    text = pdftotext(pdf)
    for raw in ("\\", "$", "mathcal", "\\min", "textbf", "{", "}"):
        assert raw not in text, raw


def test_mathematics_is_typeset(pages: list[str], pdf: Path) -> None:
    page = pages[abstract_page(pages, TALKS["3"][0]) - 1]
    # P(\mathcal{L}) typesets as P(L) with a calligraphic L (cmsy's glyph maps to U+1D4DB
    # or L depending on the font's ToUnicode); (\min, +) as the operator "min".
    assert re.search(r"P ?\((L|ℒ|𝓛)\)", page)
    assert "(min, +)" in page
    # the bare \mathcal{L} outside $…$ is typeset as math too: no backslash, and the
    # math fonts are used.
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "LMMathSymbols" in fonts
    assert "LMMathItalic" in fonts


def test_english_abstracts_have_no_french_spacing(pages: list[str]) -> None:
    text = " ".join(pages)
    assert "Age of Scaling?" in text
    assert "Scaling ?" not in text
    assert "In this talk we ask: How" in text
    assert "ask : How" not in text


def test_all_fonts_embedded_and_no_type3(pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    rows = out.stdout.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        cols = row.split()
        emb = cols[-5]
        assert emb == "yes", row
        assert "Type 3" not in row


def test_page_size_is_a5(pdf: Path) -> None:
    reader = PdfReader(pdf)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A5_PT[0]) < 1 and abs(height - A5_PT[1]) < 1


def test_metadata_and_bookmarks(pdf: Path) -> None:
    reader = PdfReader(pdf)
    assert reader.metadata is not None
    assert reader.metadata.title == "Mathematics for and by Large Language Models"
    titles = []

    def walk(items: list) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(reader.outline)
    for title, _, _ in TALKS.values():
        assert title in titles


def test_no_link_borders(pdf: Path) -> None:
    reader = PdfReader(pdf)
    links = [
        a.get_object()
        for page in reader.pages
        for a in page.get("/Annots", []) or []
        if a.get_object().get("/Subtype") == "/Link"
    ]
    assert links, "the programme should link to the abstracts"
    for link in links:
        border = link.get("/Border")
        assert border is not None and [float(x) for x in border][:3] == [0, 0, 0]


def test_every_contribution_fits_on_one_page(pages: list[str]) -> None:
    """A contribution's title and the last words of its abstract stand on the same page."""
    for n, (title, _, _) in TALKS.items():
        page = abstract_page(pages, title)
        last_words = " ".join(ABSTRACT_ENDINGS[n].split()[-6:])
        assert last_words in pages[page - 1], (title, last_words)
        assert all(last_words not in p for i, p in enumerate(pages, 1) if i != page)


def index_layout(pdf: Path, pages: list[str]) -> str:
    """The index page as laid out (names and their page numbers on one line)."""
    number = next(n for n, p in enumerate(pages, 1) if "Index des orateurs" in p[:60])
    return subprocess.run(
        ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def test_index_page_numbers_point_at_the_abstracts(pdf: Path, pages: list[str]) -> None:
    index = index_layout(pdf, pages)
    for title, speaker, _ in TALKS.values():
        given, family = speaker.split(" ", 1)
        match = re.search(rf"{family}, {given}[ .]*?(\d+)\s*$", index, re.M)
        assert match, f"{family} missing from the index"
        assert int(match.group(1)) == abstract_page(pages, title)


def test_index_is_sorted_with_accents(pages: list[str]) -> None:
    index = next(p for p in pages if "Index des orateurs" in p[:60])
    families = ["Charton", "Dudzik", "Hayat", "Kempe", "Synnaeve", "Vlassopoulos"]
    positions = [index.index(f) for f in families]
    assert positions == sorted(positions)


def test_programme_lists_talks_with_times_and_pages(pdf: Path, pages: list[str]) -> None:
    layout = subprocess.run(
        ["pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Programme" in layout and "Session du matin" in layout
    lines = layout.splitlines()
    for title, speaker, time in TALKS.values():
        line = next(line for line in lines if line.strip().startswith(time))
        assert title.split()[0] in line
        assert int(line.split()[-1]) == abstract_page(pages, title), line
        assert speaker in layout


def test_programme_entries_link_to_their_abstracts(pdf: Path, pages: list[str]) -> None:
    reader = PdfReader(pdf)
    programme = reader.pages[1]
    targets = []
    for annot in programme.get("/Annots", []):
        link = annot.get_object()
        dest = link.get("/Dest")
        if dest is None and "/A" in link:
            dest = link["/A"].get("/D")
        if dest is None:
            continue
        if not isinstance(dest, list):
            dest = reader.named_destinations[str(dest)]
            page_index = reader.get_destination_page_number(dest)
        else:
            page_index = reader.get_page_number(dest[0].get_object())
        targets.append(page_index + 1)
    expected = {abstract_page(pages, t) for t, _, _ in TALKS.values()}
    assert expected <= set(targets)


def test_source_is_kept_and_self_contained(reference_build: Path, tmp_path: Path) -> None:
    src = reference_build / "src"
    assert (src / "booklet.tex").is_file()
    # the folder compiles on its own with plain pdflatex
    import shutil

    copy = tmp_path / "src"
    shutil.copytree(src, copy)
    for _ in range(2):
        run = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "booklet.tex"],
            cwd=copy,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        assert run.returncode == 0, run.stdout[-2000:]
    assert "Vlassopoulos" in pdftotext(copy / "booklet.pdf")
