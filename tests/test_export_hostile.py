"""The exports against hostile submissions: no script, no handler, no javascript: URL, no
broken XML or calendar.

Abstracts, titles, names and affiliations carry the LaTeX corpus
(``hostile_corpus``) and HTML injections: raw HTML, ``javascript:`` and
``data:`` links (also spelt with entities), attribute syntax, autolinks,
quotes meant to break out of an attribute, and mark-up inside formulas.
Built with ``--keep-going``, so that contributions with errors are still
listed (title only).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
from lxml import etree

from booklet.cli import main
from hostile_corpus import ABSTRACTS, NAMES, TITLES

SECRET = "TOPSECRET-b00k1e7"
XSD = Path(__file__).parent / "data" / "frab-schedule.xsd"

HTML_ABSTRACTS: dict[str, str] = {
    "script": "Text <script>alert(1)</script> more.",
    "script-block": "<script>\nalert(1)\n</script>",
    "img-onerror": 'Text <img src=x onerror="alert(1)"> more.',
    "svg-onload": "<svg onload=alert(1)></svg>",
    "a-javascript": '<a href="javascript:alert(1)">click</a>',
    "md-javascript": "[click](javascript:alert(1))",
    "md-javascript-entity": "[click](&#x6A;avascript:alert(1))",
    "md-javascript-case": "[click](JaVaScRiPt:alert(1))",
    "md-data": "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "md-vbscript": "[click](vbscript:msgbox(1))",
    "autolink-javascript": "<javascript:alert(1)>",
    "quote-breakout": '[click](http://example.org/" onmouseover="alert(1))',
    "quote-breakout-title": '[click](http://example.org/ "x\\" onmouseover=\\"alert(1)")',
    "span-handler": '[text]{onclick="alert(1)" style="x"}',
    "div-handler": '::: {onmouseover="alert(1)"}\nText\n:::',
    "heading-handler": "# Title {onclick=alert(1)}\n\nText.",
    "code-handler": '`x`{onclick="alert(1)"}',
    "link-attr": '[x](https://example.org){onclick="alert(1)"}',
    "math-text-script": r"Formula $\text{<script>alert(1)</script>}$ here.",
    "math-href": r"Formula $\href{javascript:alert(1)}{x}$ here.",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "style": "<style>body{background:url(javascript:alert(1))}</style>",
    "comment": "Text <!-- <script>alert(1)</script> --> more.",
    "footnote-script": "Text[^1].\n\n[^1]: <script>alert(1)</script>",
}
HTML_TEXT: dict[str, str] = {
    "title-script": "<script>alert(1)</script> $x$",
    "title-attr": '"><img src=x onerror=alert(1)> $\\alpha$',
    "title-math-text": r"$\text{<b onclick=alert(1)>}$",
}
HTML_NAMES = ['<img src=x onerror="alert(1)">', '"><script>alert(1)</script>',
              "javascript:alert(1)"]  # fmt: skip


def yaml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def contribution(n: int, title: str, abstract: str, family: str = "Doe",
                 affiliation: str = "Somewhere", minute: int = 0) -> str:  # fmt: skip
    return (
        f"---\nid: h{n}\ntitle: {yaml_string(title)}\nstart: 2024-05-23 19:{minute:02d}\n"
        f"duration: 1\ntype: {yaml_string(family)}\n"
        f"speakers:\n  - family: {yaml_string(family)}\n    given: Jo\n"
        f"    affiliation: {yaml_string(affiliation)}\n---\n{abstract}\n"
    )


@pytest.fixture(scope="module")
def hostile_exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """OUT of ``booklet build ics frab html -k`` over the hostile content; the number of
    hostile contributions."""
    root = tmp_path_factory.mktemp("hostile-exports")
    secret = root / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n", encoding="utf-8")
    content = root / "content"
    shutil.copytree(Path(__file__).resolve().parents[1] / "content", content)

    def fill(text: str) -> str:
        return text.replace("SECRET", str(secret)).replace("PWNED", str(root / "pwned"))

    entries: list[tuple[str, str, str, str]] = []  # title, abstract, family, affiliation
    entries += [(f"Payload {k}", fill(v), "Doe", "Somewhere") for k, v in ABSTRACTS.items()]
    entries += [(f"Payload {k}", v, "Doe", "Somewhere") for k, v in HTML_ABSTRACTS.items()]
    entries += [(fill(v), "Plain abstract.", "Doe", "Somewhere") for v in TITLES.values()]
    entries += [(v, "Plain abstract.", "Doe", "Somewhere") for v in HTML_TEXT.values()]
    entries += [("Payload name", "Plain abstract.", fill(v), "Somewhere") for v in NAMES.values()]
    entries += [("Payload name", "Plain abstract.", v, v) for v in HTML_NAMES]
    for n, (title, abstract, family, affiliation) in enumerate(entries):
        (content / "contributions" / f"h{n:03d}.md").write_text(
            contribution(n, title, abstract, family, affiliation, minute=n % 60),
            encoding="utf-8")  # fmt: skip
    out = root / "out"
    status = main(["build", "ics", "frab", "html", "-k", "--content", str(content),
                   "--out", str(out)])  # fmt: skip
    assert status == 1  # some contributions have errors; the others are built
    return out, len(entries)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "nav", "main", "section",
    "div", "h1", "h2", "h3", "h4", "p", "span", "a", "ol", "ul", "li", "article", "em",
    "strong", "code", "sup", "sub", "br", "hr", "blockquote", "table", "thead", "tbody",
    "tfoot", "tr", "th", "td", "colgroup", "col", "dl", "dt", "dd", "del", "u", "q",
    # MathML that pandoc writes
    "math", "semantics", "annotation", "mrow", "mi", "mo", "mn", "mtext", "msub", "msup",
    "msubsup", "mfrac", "msqrt", "mroot", "munder", "mover", "munderover", "mtable", "mtr",
    "mtd", "mspace", "mstyle", "mpadded", "mphantom",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "lang", "charset", "name", "content", "class", "id", "href", "role", "display", "xmlns",
    "encoding", "mathvariant", "stretchy", "form", "fence", "separator", "columnalign",
    "rowspacing", "columnspacing", "displaystyle", "scriptlevel", "width", "accent",
    "accentunder", "largeop", "movablelimits", "lspace", "rspace", "minsize", "maxsize",
    "symmetric", "aria-label", "style", "align", "linethickness",
}  # fmt: skip


def test_html_has_no_script_handler_or_dangerous_url(hostile_exports: tuple[Path, int]) -> None:
    text = (hostile_exports[0] / "programme.html").read_text(encoding="utf-8")
    parser = Elements()
    parser.feed(text)
    assert len(parser.elements) > 1000
    for tag, attrs in parser.elements:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES, (tag, name, value)
            assert not name.startswith("on")
            if name == "href":
                assert re.match(r"(#[\w-]+|https?://|mailto:)", value or ""), value
            if name == "style":
                assert tag == "col", (tag, value)  # pandoc's column widths, never an author's
    lowered = text.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<iframe" not in lowered
    # the payloads are shown as text, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert SECRET not in text


CHECK_PAGE = """<!DOCTYPE html><html><body><pre id="out">pending</pre>
<iframe id="f" src="PAGE"></iframe>
<script>
window.onload = () => { try {
  const d = document.getElementById("f").contentDocument;
  const all = [...d.querySelectorAll("*")];
  const attributes = all.flatMap(e => [...e.attributes].map(a => [e.localName, a.name, a.value]));
  document.getElementById("out").textContent = JSON.stringify({
    elements: all.length,
    active: d.querySelectorAll("script, img, iframe, svg, object, embed, form, base").length,
    handlers: attributes.filter(([, name]) => name.startsWith("on")),
    urls: attributes.filter(([, name]) => ["href", "src", "action"].includes(name))
                    .map(([, , value]) => value),
    text: d.body.innerText.includes("<script>alert(1)<" + "/script>"),
  });
} catch (e) { document.getElementById("out").textContent = JSON.stringify({error: String(e)}); } };
</script></body></html>"""


def test_html_in_chromium_has_no_script_or_handler(
    hostile_exports: tuple[Path, int], tmp_path: Path
) -> None:
    """What the browser builds from the page (HTML5 parsing, not ours) holds no script."""
    if shutil.which("chromium") is None:
        pytest.skip("Debian's chromium is not installed")
    check = tmp_path / "check.html"
    page = hostile_exports[0] / "programme.html"
    check.write_text(CHECK_PAGE.replace("PAGE", page.as_uri()), encoding="utf-8")
    run = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--allow-file-access-from-files",
         "--virtual-time-budget=10000", "--dump-dom", check.as_uri()],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    match = re.search(r'<pre id="out">(.*?)</pre>', run.stdout, re.S)
    assert match, run.stderr[-2000:]
    result = json.loads(html.unescape(match.group(1)))
    assert "error" not in result, result
    assert result["elements"] > 1000
    assert result["active"] == 0
    assert result["handlers"] == []
    for url in result["urls"]:
        assert re.match(r"(#[\w-]+|https?://|mailto:)", url), url
    assert result["text"] is True  # the payload is there, as text


def test_calendar_is_well_formed_and_keeps_text_as_text(
    hostile_exports: tuple[Path, int],
) -> None:
    raw = (hostile_exports[0] / "programme.ics").read_bytes()
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.walk("VEVENT")
    assert len(events) == 6 + hostile_exports[1]  # placeholders keep their place
    summaries = {str(e["summary"]) for e in events}
    assert HTML_TEXT["title-script"] in summaries  # a title is text, shown as written
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    assert SECRET.encode() not in raw


def test_schedule_xml_valid_and_json_loads(hostile_exports: tuple[Path, int]) -> None:
    out = hostile_exports[0]
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = etree.parse(str(out / "schedule.xml"))
    assert schema.validate(document), schema.error_log
    titles = {e.findtext("title") for e in document.iter("event")}
    assert HTML_TEXT["title-attr"] in titles
    assert len(titles) > 10
    data = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    events = [e for day in data["schedule"]["conference"]["days"]
              for talks in day["rooms"].values() for e in talks]  # fmt: skip
    assert len(events) == 6 + hostile_exports[1]
    for path in ("schedule.xml", "schedule.json"):
        assert SECRET not in (out / path).read_text(encoding="utf-8")
