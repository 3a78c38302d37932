"""``booklet build html``: one self-contained page, checked as written and in Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from booklet.cli import main
from exportdata import ALL_IDS, make_export_content

PHONE = (390, 844)  # CSS pixels of a common phone
CHROMIUM = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--hide-scrollbars"]  # fmt: skip
needs_chromium = pytest.mark.skipif(shutil.which("chromium") is None,
                                    reason="Debian's chromium is not installed")  # fmt: skip


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("html")
    content = make_export_content(root / "content")
    out = root / "build"
    assert main(["build", "html", "--content", str(content), "--out", str(out)]) == 0
    return out / "programme.html"


class Page(HTMLParser):
    """Tags, attributes and text (outside MathML's TeX annotations) of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.in_annotation = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.in_annotation += tag == "annotation"

    def handle_endtag(self, tag: str) -> None:
        self.in_annotation -= tag == "annotation"

    def handle_data(self, data: str) -> None:
        if not self.in_annotation:
            self.text.append(data)

    def ids(self) -> list[str]:
        return [a["id"] or "" for _, a in self.tags if a.get("id")]


def parse(path: Path) -> Page:
    parsed = Page()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def test_every_contribution_has_its_anchor_and_its_line(page: Path) -> None:
    parsed = parse(page)
    ids = parsed.ids()
    for cid in ALL_IDS:
        assert ids.count(f"contribution-{cid}") == 1
        assert ids.count(f"programme-{cid}") == 1
    assert len(ids) == len(set(ids))  # footnote anchors are prefixed per contribution
    links = [a["href"] for tag, a in parsed.tags if tag == "a" and a.get("href")]
    for cid in ALL_IDS:
        assert f"#contribution-{cid}" in links and f"#programme-{cid}" in links
    assert "#day-2024-05-23" in links and "#day-2024-05-24" in links


def test_language_labels_and_details(page: Path) -> None:
    parsed = parse(page)
    assert parsed.tags[0] == ("html", {"lang": "fr"})
    text = " ".join(" ".join(parsed.text).split())
    for words in ("Programme", "Résumés", "jeudi 23 mai 2024", "vendredi 24 mai 2024",
                  "Session du matin", "Salle : Amphi A · Présidence : Jane Doe",
                  "Stéphane Gaubert", "INRIA & CMAP, École polytechnique",
                  "10:00–10:45", "Non programmé", "Retour au programme"):  # fmt: skip
        assert words in text, words
    articles = {a["id"]: a.get("lang") for tag, a in parsed.tags if tag == "article"}
    assert articles["contribution-tropical-7"] == "en"  # abstracts in their own language


def test_math_became_mathml_and_no_dollar_is_left(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    parsed = parse(page)
    assert "$" not in "".join(parsed.text)
    maths = [a for tag, a in parsed.tags if tag == "math"]
    assert len(maths) >= 12
    assert any(a.get("display") == "block" for a in maths)  # $$…$$
    assert '<mi mathvariant="script">ℒ</mi>' in html  # \mathcal{L}, in titles too:
    title = re.search(r'<article id="contribution-tropical-7".*?<h3>(.*?)</h3>', html, re.S)
    assert title and "<math" in title.group(1)
    assert '<mo>⨁</mo>' in html  # \bigoplus
    assert 'class="math' not in html  # no formula left as TeX for want of MathML


def test_self_contained_and_script_free(page: Path) -> None:
    parsed = parse(page)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "base", "form"}
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if tag == "a":
            assert re.match(r"(#|https?://|mailto:)", attrs["href"] or "")
    style = page.read_text(encoding="utf-8").split("<style>")[1].split("</style>")[0]
    assert "url(" not in style and "@import" not in style


def test_a_placeholder_shows_its_title_and_says_why_there_is_no_abstract(tmp_path: Path) -> None:
    content = make_export_content(tmp_path / "content")
    path = content / "contributions" / "8.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Closing remarks",
                    r"Closing $\mathcall{R}$ remarks"), encoding="utf-8")  # fmt: skip
    out = tmp_path / "build"
    assert main(["build", "html", "--content", str(content), "--out", str(out), "-k"]) == 1
    html = (out / "programme.html").read_text(encoding="utf-8")
    article = html.split('id="contribution-8"')[1].split("</article>")[0]
    assert r"Closing $\mathcall{R}$ remarks" in article  # as written
    assert "Résumé indisponible" in article
    assert "Thanks to all" not in article


CHECK_PAGE = """<!DOCTYPE html><html><body style="margin:0"><pre id="out">pending</pre>
<iframe id="f" src="PAGE" style="width:WIDTHpx;height:HEIGHTpx;border:0"></iframe>
<script>
window.onload = () => {
  try {
    const d = document.getElementById("f").contentDocument;
    const M = "http://www.w3.org/1998/Math/MathML";
    const maths = [...d.getElementsByTagNameNS(M, "math")];
    const text = d.body.innerText;
    document.getElementById("out").textContent = JSON.stringify({
      articles: [...d.querySelectorAll("article[id^=contribution-]")].map(a => a.id),
      entries: d.querySelectorAll("li[id^=programme-] a[href^='#contribution-']").length,
      maths: maths.length,
      drawn: maths.filter(m => m.getBoundingClientRect().width > 0).length,
      script: [...d.getElementsByTagNameNS(M, "mi")]
        .some(m => m.getAttribute("mathvariant") === "script"),
      dollars: (text.match(/[$]/g) || []).length,
      scrollWidth: d.documentElement.scrollWidth,
      fontSize: parseFloat(getComputedStyle(d.querySelector(".abstract p")).fontSize),
      columnWidth: d.querySelector("main").getBoundingClientRect().width,
      tap: Math.min(...[...d.querySelectorAll("ol.talks a")]
        .map(a => a.getBoundingClientRect().height)),
    });
  } catch (e) { document.getElementById("out").textContent = JSON.stringify({error: String(e)}); }
};
</script></body></html>"""


def chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CHROMIUM, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180)  # fmt: skip


@needs_chromium
@pytest.mark.parametrize("width", [PHONE[0], 1200])
def test_in_chromium_every_contribution_and_its_math_render(
    page: Path, tmp_path: Path, width: int
) -> None:
    check = tmp_path / "check.html"
    check.write_text(CHECK_PAGE.replace("PAGE", page.as_uri()).replace("WIDTH", str(width))
                     .replace("HEIGHT", str(PHONE[1])), encoding="utf-8")  # fmt: skip
    run = chromium(["--allow-file-access-from-files", "--virtual-time-budget=10000",
                    "--dump-dom", check.as_uri()], tmp_path / "profile")  # fmt: skip
    match = re.search(r'<pre id="out">(.*?)</pre>', run.stdout, re.S)
    assert match, run.stderr[-2000:]
    result = json.loads(match.group(1).replace("&amp;", "&"))
    assert "error" not in result, result
    assert sorted(result["articles"]) == sorted(f"contribution-{c}" for c in ALL_IDS)
    assert result["entries"] == len(ALL_IDS)
    assert result["maths"] >= 12
    assert result["drawn"] == result["maths"]  # Chromium laid every formula out as MathML
    assert result["script"] is True  # \mathcal{L}
    assert result["dollars"] == 0
    assert result["scrollWidth"] <= width  # nothing wider than the screen
    assert result["fontSize"] >= 16
    assert result["tap"] >= 44  # programme lines are comfortable tap targets
    if width > 900:
        assert result["columnWidth"] <= 44 * 17 + 1  # a readable measure on a wide screen


@needs_chromium
def test_screenshot_on_a_phone(page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "phone.png"
    run = chromium([f"--window-size={PHONE[0]},{PHONE[1]}", f"--screenshot={shot}",
                    page.as_uri()], tmp_path / "profile")  # fmt: skip
    assert shot.exists(), run.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG")
    with Image.open(shot) as image:
        assert image.size == PHONE
        grey = image.convert("L")
        assert ImageStat.Stat(grey).stddev[0] > 20  # not a blank page
        # the header band (the event's colour) and text below it on white
        assert grey.getpixel((5, 5)) < 100 and grey.getpixel((PHONE[0] - 5, PHONE[1] - 5)) > 200
