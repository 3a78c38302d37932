"""Speakers' proofs and session handouts of the reference event, read back from the PDFs."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.cli import main
from pdfread import page_texts, pdftotext

IDS = ["1", "2", "3", "4", "5", "6"]
MORNING = [
    "How can Machine Learning Help Mathematicians",
    "Synthetic Data -Friend or Foe in the Age of Scaling?",
    "A First Approximation to the Mathematical",
]
AFTERNOON = [
    "Mathematics as a Translation Task",
    "Three Problems in the Mathematics of Deep Learning",
    "TBA",
]


def flat(text: str) -> str:
    return " ".join(text.split())


def without_stamp(text: str) -> str:
    return re.sub(r"PROOF · contribution \S+ · \d{4}-\d\d-\d\d", "", text)


def test_one_proof_per_contribution_with_its_stamp(reference_build: Path) -> None:
    proofs = reference_build / "proofs"
    assert sorted(p.stem for p in proofs.glob("*.pdf")) == IDS
    today = date.today().isoformat()
    for cid in IDS:
        text = pdftotext(proofs / f"{cid}.pdf")
        assert f"PROOF · contribution {cid} · {today}" in text


def test_each_proof_is_exactly_its_booklet_pages(reference_build: Path) -> None:
    booklet_pages = [flat(p) for p in page_texts(reference_build / "booklet.pdf")]
    booklet_size = PdfReader(reference_build / "booklet.pdf").pages[0].mediabox
    for cid in IDS:
        proof = reference_build / "proofs" / f"{cid}.pdf"
        pages = [flat(without_stamp(p)) for p in page_texts(proof)]
        assert pages, cid
        # find where these pages stand in the booklet: same text, same order, same page numbers
        start = booklet_pages.index(pages[0])
        assert booklet_pages[start : start + len(pages)] == pages
        assert pages[0].endswith(str(start + 1)), "the proof keeps the booklet's page number"
        reader = PdfReader(proof)
        assert reader.pages[0].mediabox == booklet_size


def test_proof_of_talk_3_holds_its_mathematics(reference_build: Path) -> None:
    text = flat(pdftotext(reference_build / "proofs" / "3.pdf"))
    assert "(min, +)" in text
    assert "Yiannis Vlassopoulos" in text
    assert "Athena Research Center & IHES" in text


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "img" and values.get("src"):
            self.images.append(values["src"] or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_index_page_lists_every_contribution(reference_build: Path) -> None:
    index = reference_build / "proofs" / "index.html"
    parser = Links()
    parser.feed(index.read_text(encoding="utf-8"))
    text = " ".join(parser.text)
    for cid in IDS:
        assert f"{cid}.pdf" in parser.hrefs
        assert f"thumbnails/{cid}.png" in parser.images
    for title in [*MORNING, *AFTERNOON]:
        assert title.split(" -")[0] in text
    assert "Yiannis Vlassopoulos" in text
    for src in parser.images:
        png = (index.parent / src).read_bytes()
        assert png.startswith(b"\x89PNG")


CHECK_PAGE = """<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="f" src="INDEX" style="width:1200px;height:20000px"></iframe>
<script>
function exists(url) {
  return new Promise(resolve => {
    const x = new XMLHttpRequest();
    x.open("GET", url);
    x.onload = () => resolve(x.response !== null && x.response.length > 0);
    x.onerror = () => resolve(false);
    x.send();
  });
}
async function check() {
  const d = document.getElementById("f").contentDocument;
  const imgs = [...d.images];  // window.onload: the frame and its images have loaded
  const links = [...d.querySelectorAll("a[href]")].map(a => a.href);
  const missing = [];
  for (const url of [...links, ...imgs.map(i => i.src)]) {
    if (!(await exists(url))) missing.push(url);
  }
  document.getElementById("out").textContent = JSON.stringify({
    images: imgs.length, decoded: imgs.filter(i => i.naturalWidth > 0).length,
    links: links.length, missing: missing });
}
window.onload = () => check().catch(e => {
  document.getElementById("out").textContent = JSON.stringify({error: String(e)}); });
</script></body></html>"""


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_index_page_links_and_images_resolve_in_chromium(reference_build: Path, tmp_path: Path):
    index = reference_build / "proofs" / "index.html"
    check = tmp_path / "check.html"
    check.write_text(CHECK_PAGE.replace("INDEX", index.as_uri()), encoding="utf-8")
    run = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
         "--allow-file-access-from-files", "--virtual-time-budget=10000", "--dump-dom",
         check.as_uri()],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    match = re.search(r'<pre id="out">(.*?)</pre>', run.stdout, re.S)
    assert match, run.stderr[-2000:]
    result = json.loads(match.group(1))
    assert result["images"] == len(IDS)
    assert result["decoded"] == len(IDS)
    assert result["links"] == 2 * len(IDS)  # the thumbnail and the title link to the PDF
    assert result["missing"] == []


def test_two_handouts_with_their_sessions_talks(reference_build: Path) -> None:
    handouts = reference_build / "handouts"
    assert sorted(p.name for p in handouts.glob("*.pdf")) == ["afternoon.pdf", "morning.pdf"]
    for name, title, span, talks, others in (
        ("morning", "Session du matin", "09:30–13:00", MORNING, AFTERNOON),
        ("afternoon", "Session de l’après-midi", "14:30–18:00", AFTERNOON, MORNING),
    ):
        text = flat(pdftotext(handouts / f"{name}.pdf"))
        assert title in text or title.replace("’", "'") in text
        assert f"jeudi 23 mai 2024, {span}" in text
        positions = [text.index(t) for t in talks]
        assert positions == sorted(positions), "talks in programme order"
        for other in others[:2]:
            assert other not in text
        reader = PdfReader(handouts / f"{name}.pdf")
        assert abs(float(reader.pages[0].mediabox.width) - 419.53) < 1  # A5, as the event
    morning = flat(pdftotext(handouts / "morning.pdf"))
    assert "This is joint work with Stéphane Gaubert." in morning  # full abstracts
    assert "12:00–13:00" in morning and "Yiannis Vlassopoulos" in morning
    first_page = page_texts(handouts / "afternoon.pdf")[0]
    assert first_page.strip().endswith("1"), "each handout numbers its pages from 1"


def test_talks_without_a_session_get_a_handout_per_day(content_copy: Path, tmp_path: Path):
    for n in ("004", "005", "006"):
        path = content_copy / "contributions" / f"{n}.md"
        path.write_text(path.read_text("utf-8").replace("session: afternoon\n", ""), "utf-8")
    out = tmp_path / "out"
    assert main(["build", "handouts", "--content", str(content_copy), "--out", str(out)]) == 0
    names = sorted(p.name for p in (out / "handouts").glob("*.pdf"))
    assert names == ["day-2024-05-23.pdf", "morning.pdf"]
    text = flat(pdftotext(out / "handouts" / "day-2024-05-23.pdf"))
    assert "Three Problems in the Mathematics of Deep Learning" in text
    assert "How can Machine Learning" not in text
