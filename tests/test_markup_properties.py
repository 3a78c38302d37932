"""Untrusted abstracts: random Markdown with mathematics never crashes the pipeline.

Submitters write the abstracts; whatever they write, the mark-up stage must
answer with LaTeX it vouches for, or with diagnostics (``path:line: error:
message``) -- never a traceback, and never LaTeX that TeX then rejects.

One grammar of hostile abstracts (:func:`abstract`) is written once against a
small :class:`Chooser` interface and driven two ways:

- by hypothesis (:class:`DrawChooser`), so that a failure shrinks to a small
  abstract: the property test of the mark-up stage;
- by ``random.Random(seed)`` (:class:`RandomChooser`), deterministically: the
  fuzz build, where ~40 generated contributions are typeset with the
  reference event, and every contribution the mark-up stage accepted must
  come out typeset.

The grammar mixes plain text full of TeX's special characters, Markdown
constructs (emphasis, lists, quotes, headings, tables, code spans and fenced
code, closed or not, links of every scheme, images, footnotes, raw
``{=latex}`` attributes, HTML, YAML-looking blocks, fenced divs), formulas
from a small grammar of real commands and of junk, math commands written
outside dollars, and arbitrary Unicode.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from booklet import compile as tex
from booklet.cli import main
from booklet.diagnostics import Diagnostic, Diagnostics, Origin
from booklet.load import load_programme
from booklet.markup.charset import unprintable
from booklet.markup.markdown import MarkdownSource, markdown_to_latex
from pdfread import page_texts, pdftotext

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
STYLE = ROOT / "templates" / "abstractbook.sty"
T = TypeVar("T")

# ---------------------------------------------------------------------------------- choosers


class Chooser(Protocol):
    """The choices the grammar makes; ``tame`` leaves out what is refused by design
    (junk in formulas, unprintable characters, images), so that much is accepted."""

    tame: bool

    def pick(self, options: Sequence[T]) -> T: ...  # the first option is the simplest
    def number(self, low: int, high: int) -> int: ...
    def unicode(self, max_size: int) -> str: ...


TAME_ALPHABET = "aZ09 éÀçœßÆ{}$%#&_^~\\<>|[]()*`:;!?'\"-."


class DrawChooser:
    """Choices drawn by hypothesis: each one shrinks on its own."""

    def __init__(self, draw: st.DrawFn, tame: bool) -> None:
        self.draw = draw
        self.tame = tame

    def pick(self, options: Sequence[T]) -> T:
        return self.draw(st.sampled_from(options))

    def number(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))

    def unicode(self, max_size: int) -> str:
        # any character a UTF-8 file can hold (so no lone surrogates: see
        # test_a_lone_surrogate_is_a_diagnostic_not_a_crash)
        alphabet = (st.sampled_from(TAME_ALPHABET) if self.tame
                    else st.characters(exclude_categories=["Cs"]))
        return self.draw(st.text(alphabet, max_size=max_size))


class RandomChooser:
    """Choices from a seeded ``random.Random``: the same abstracts on every run."""

    # ASCII (TeX's specials included), Latin-1 and Latin Extended, Greek, maths
    # symbols, emoji, then any code point but surrogates.
    RANGES = ((0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x2000, 0x22FF),
              (0x1F300, 0x1F64F), (0x0, 0x10FFFF))  # fmt: skip

    def __init__(self, rng: random.Random, tame: bool) -> None:
        self.rng = rng
        self.tame = tame

    def pick(self, options: Sequence[T]) -> T:
        return self.rng.choice(options)

    def number(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def unicode(self, max_size: int) -> str:
        size = self.rng.randint(0, max_size)
        if self.tame:
            return "".join(self.rng.choice(TAME_ALPHABET) for _ in range(size))
        chars = []
        for _ in range(size):
            low, high = self.rng.choice(self.RANGES)
            code = self.rng.randint(low, high)
            chars.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "?")
        return "".join(chars)


# ---------------------------------------------------------------------------------- the grammar

TEX_SPECIALS = ["\\", "{", "}", "$", "%", "#", "&", "_", "^", "~"]
WORDS = [
    "the", "Lemma", "x", "2024", "naïve", "théorème", "Œuvre", "Gödel", "e.g.", "50%", "A&B",
    "a_b", "x^2", "~tilde", "#hash", "{brace}", "}", "{", "\\backslash", "$5", "\\$", "--",
    "...", "«guillemets»", "“smart”", "‘quotes’", "—", "C++", "<T>", "a|b", "\\\\",
    "\\input{/etc/passwd}", "\\include{x}", "\\def\\x{y}", "\\newcommand{\\x}{y}", "\\catcode`\\@",
    "\\csname relax\\endcsname", "^^5c", "^^M", "\\section{Intro}", "\\begin{verbatim}",
    "\\end{document}", "\\write18{ls}", "\\immediate\\write", "\\openin", "\\openout",
    "\\directlua{os.exit()}", "@doe", "[@doe, p. 3]", "\\(x\\)", "\\[x\\]", "\\)", "\\(",
    "<b>bold</b>", "<script>alert(1)</script>", "<!-- comment -->", "&amp;", "&#92;", "&lt;",
    "http://example.org/a_b%20c#d", "a*b*c", "_under_", "**", "*", "`", "```", ":::", "---",
    "|", ">", "1.", "-", "+", "[", "]", "(", ")", "!", "?", ":", ";", "'", '"', "/", "@",
]  # fmt: skip
UNPRINTABLE_WORDS = [  # invisible, control and characters the fonts lack
    "\u200b", "\u202e", "\ufeff", "\u00a0", "\t", "\x00", "\x0c", "\r", "α", "≤", "ℝ", "中",
    "😀", "\u0301", "ﬁ",
]  # fmt: skip

# Formulas: a small grammar of real commands ...
MATH_ATOMS = [
    "x", "2", "n", "+", "=", "-", "<", "(", ")", "[", "]", "|", ",", "'", "\\alpha", "\\infty",
    "\\mathcal{L}", "\\mathbb{R}", "\\leq", "\\sum_{i=1}^{n}", "\\int_0^1", "f(x)", "α", "≤",
    "ℝ", "−", "\\ldots", "\\{", "\\}", "\\|", "\\,", "\\;", "\\quad", "\\%", "\\&", "\\_",
    "\\lim_{n \\to \\infty}", "\\to", "\\mapsto", "\\cdot", "\\times", "\\partial", "\\nabla",
    "\\Gamma", "\\mathrm{d}", "\\log", "\\sin", "P(\\mathcal{L})", "\\prime", "\\emptyset",
    "\\operatorname{Tr}", "\\langle", "\\rangle", "\\mid", "\\not=", "\\dots",
]  # fmt: skip
# ... and junk: unknown and unsafe commands, TeX's escapes, unbalanced groups.
MATH_JUNK = [
    "\\frac{", "\\foo", "\\mathcall{L}", "^^5c", "^^", "{", "}", "\\)", "\\(", "\\[", "\\]",
    "%", "#", "$", "\\input{/etc/passwd}", "\\include{x}", "\\def\\x{y}", "\\newcommand{\\x}{y}",
    "\\csname x\\endcsname", "\\catcode`\\@=11", "\\write18{ls}", "\\immediate\\write18{rm}",
    "\\openin", "\\openout", "\\directlua{os.exit()}", "\\begin{verbatim}", "\\end{aligned}",
    "\\begin{foo}", "\\left(", "\\right)", "x^", "_", "&", "\\\\", "\\hline", "\\text{\\input{x}}",
    "\\text{$x$}", "\\text{", "\\", "~", "\\verb|x|", "\\label{x}", "\\href{a}{b}", "\\url{x}",
    "\\ensuremath{x}", "\\char92", "\\expandafter", "\\relax", "\\par", "\\\\[1cm]", "\\sqrt[",
    "\\middle|", "\\limits", "x''^2", "x^2^3", "x_1_2", "\\operatorname{a b}", "\\mathbb{r}",
    "\\text{\\%}", "\\symbol{92}", "\\begin{array}{x}", "\\begin{array}{", "\\mathcal{\\input}",
    "\\begin{aligned}a&b&c&d\\end{aligned}", "\\bgroup", "\\egroup", "\\makeatletter", "\\@",
]  # fmt: skip
# Math commands written outside dollars (typeset as formulas, with a warning), and junk.
BARE_MATH = [
    "\\mathcal{L}", "\\alpha", "\\frac{a}{b}", "\\mathbb{R}^n", "\\sum", "\\mathcal{",
    "\\mathcal{\\input{x}}", "\\infty", "\\mathbb{R}}", "\\frac{1}{\\foo}", "\\leq{}",
    "\\sqrt{\\mathcal{L}", "\\mathcal{L}{x}{y}", "\\mathcal{L}_{\\foo}",
]  # fmt: skip
URLS = [
    "http://example.org", "https://example.org/p?q=1&r=2#f", "mailto:a@example.org",
    "javascript:alert(1)", "file:///etc/passwd", "ftp://example.org", "data:text/html,<b>x</b>",
    "local.pdf", "#sec", "", "http://ex.org/\\input", "http://a.b/%", "http://a.b/%41",
    "https://a.b/{x}", "http://a.b/~x^y", "https://a.b/$x$", "http://a.b/x y",
    "http://a.b/#a#b", "http://a.b/é", "https://a.b/?x=1;y=2:3!", "http://a.b/_x_",
    "https://example.org \"a title\"", "<http://a.b>", "http://a.b/\\\\", "HTTP://A.B",
]  # fmt: skip
FENCE_INFO = ["", "python", "{=latex}", "{.haskell}", "{=html}", "latex", "{=tex}", "{#id}"]
LIST_MARKERS = ["-", "*", "+", "1.", "1)", "a.", "(i)", "#.", "(@)", "A)", "9.", "0.",
                "2147483647.", "99999999999."]  # fmt: skip
YAML_LINES = ["title: x", "header-includes: \\input{x}", "a: [1, 2", "abstract: |\n  $x$"]
RAW_TEX_BLOCKS = ["\\begin{itemize}\n\\item x\n\\end{itemize}", "\\input{/etc/passwd}",
                  "\\newcommand{\\x}{y}", "\\makeatletter", "\\begin{verbatim}\nx"]
MAX_DEPTH = 4  # of nested containers (lists, quotes, divs, footnotes)


def words(c: Chooser) -> str:
    vocabulary = WORDS if c.tame else WORDS + UNPRINTABLE_WORDS
    return " ".join(c.pick(vocabulary) for _ in range(c.number(1, 4)))


def formula(c: Chooser, depth: int = 0) -> str:
    return c.pick(["", " "]).join(math_piece(c, depth) for _ in range(c.number(1, 3)))


def math_piece(c: Chooser, depth: int) -> str:
    kinds = ["atom", "atom"]
    kinds += [] if c.tame else ["junk"]
    kinds += ["structure", "structure"] if depth < 3 else []
    kind = c.pick(kinds)
    if kind == "atom":
        return c.pick(MATH_ATOMS)
    if kind == "junk":
        return c.pick(MATH_JUNK) if c.number(0, 5) else c.unicode(3)

    def f() -> str:
        return formula(c, depth + 1)

    builders: list[Callable[[], str]] = [
        lambda: f"\\frac{{{f()}}}{{{f()}}}",
        lambda: f"\\sqrt{{{f()}}}",
        lambda: f"\\sqrt[{f()}]{{{f()}}}",
        lambda: f"{{{f()}}}^{{{f()}}}",
        lambda: f"x_{{{f()}}}",
        lambda: f"\\left( {f()} \\right)",
        lambda: f"\\left\\{{ {f()} \\right.",
        lambda: f"\\text{{{words(c)}}}",
        lambda: f"\\mathbf{{{f()}}}",
        lambda: f"\\hat{{{f()}}}",
        lambda: f"\\binom{{{f()}}}{{{f()}}}",
        lambda: f"\\overbrace{{{f()}}}^{{{f()}}}",
        lambda: f"\\begin{{aligned}} {f()} &= {f()} \\\\ &= {f()} \\end{{aligned}}",
        lambda: f"\\begin{{pmatrix}} {f()} & {f()} \\\\ {f()} & {f()} \\end{{pmatrix}}",
        lambda: f"\\begin{{cases}} {f()} & {f()} \\\\ {f()} & \\text{{otherwise}} \\end{{cases}}",
        lambda: f"\\begin{{array}}{{lc}} {f()} & {f()} \\\\ \\hline {f()} & {f()} \\end{{array}}",
        lambda: f"\\begin{{align*}} {f()} &= {f()} \\end{{align*}}",  # display only
        lambda: f"\\underbrace{{{f()}}}_{{{f()}}}",
    ]
    return c.pick(builders)()


def url(c: Chooser) -> str:
    return c.pick(URLS)


def inline(c: Chooser, depth: int = 0) -> str:
    return c.pick(["", " ", "\n"]).join(inline_piece(c, depth) for _ in range(c.number(1, 4)))


def inline_piece(c: Chooser, depth: int) -> str:
    def i() -> str:
        return inline(c, depth + 1) if depth < 3 else words(c)

    builders: list[Callable[[], str]] = [
        lambda: words(c),
        lambda: c.pick(TEX_SPECIALS) * c.number(1, 3),
        lambda: c.unicode(8),
        lambda: f"${formula(c)}$",
        lambda: f"$${formula(c)}$$",
        lambda: c.pick(BARE_MATH),
        lambda: f"*{i()}*",
        lambda: f"**{i()}**",
        lambda: f"_{i()}_",
        lambda: f"~~{i()}~~",
        lambda: f"^{i()}^",
        lambda: f"~{i()}~",
        lambda: f"`{words(c)}`",
        lambda: f"`` {words(c)} ` ``",
        lambda: f"[{i()}]({url(c)})",
        lambda: f"<{url(c)}>",
        lambda: f"^[{i()}]",
        lambda: f"[^{c.pick(['1', 'n', 'x y'])}]",
        lambda: f"`{c.pick(WORDS)}`{{={c.pick(['latex', 'tex', 'html', 'context'])}}}",
        lambda: f"<{c.pick(['b', 'span', 'em', 'u', 'sup'])}>{i()}</{c.pick(['b', 'span'])}>",
        lambda: c.pick(["<br>", "<img src=x onerror=alert(1)>", "<!--", "-->", "<?php ?>"]),
        lambda: f"[{i()}]{{{c.pick(['.smallcaps', '#id .cls key=v', '.underline', '-'])}}}",
        lambda: c.pick(["@doe", "[@doe]", "[see @doe, p. 3]", "[-@doe]"]),
        lambda: c.pick(["\\\n", "  \n"]),
    ]
    if not c.tame:
        builders.append(lambda: f"![{i()}]({c.pick(['img.png', 'http://a.b/x.png', '/etc/x'])})")
    return c.pick(builders)()


def indent(text: str, prefix: str, first: str | None = None) -> str:
    lines = text.split("\n")
    return "\n".join(
        ((first if first is not None else prefix) if n == 0 else prefix if line else "") + line
        for n, line in enumerate(lines)
    )


def blocks(c: Chooser, depth: int = 0) -> str:
    return c.pick(["\n\n", "\n"]).join(block(c, depth) for _ in range(c.number(1, 3)))


def block(c: Chooser, depth: int = 0) -> str:
    def inner() -> str:
        return blocks(c, depth + 1) if depth < MAX_DEPTH else inline(c, depth)

    def cells(n: int) -> str:
        return "| " + " | ".join(inline_piece(c, 3).replace("\n", " ") for _ in range(n)) + " |"

    def table() -> str:
        n = c.number(1, 3)
        sep = "|" + "|".join(c.pick(["---", ":--", "--:", ":-:"]) for _ in range(n)) + "|"
        rows = [cells(n) for _ in range(c.number(0, 2))]
        caption = c.pick(["", f"\n\nTable: {inline(c, 3)}"])
        return "\n".join([cells(n), sep, *rows]) + caption

    def fenced_code() -> str:
        fence = c.pick(["```", "~~~", "````"])
        line = c.pick([lambda: words(c), lambda: c.unicode(10), lambda: formula(c), lambda: ""])
        body = "\n".join(line() for _ in range(c.number(0, 3)))
        closing = c.pick([f"\n{fence}", ""])  # an unclosed fence runs to the end
        return f"{fence}{c.pick(FENCE_INFO)}\n{body}{closing}"

    def grid_table() -> str:  # cells hold blocks: lists, code, other tables
        lines = inner().replace("\r", "").split("\n")
        width = max(len(line) for line in lines) + 2
        rule = "+" + "-" * width + "+"
        body = [f"| {line.ljust(width - 2)} |" for line in lines]
        return "\n".join([rule, f"| {'a'.ljust(width - 2)} |", rule.replace("-", "="), *body, rule])

    def list_block() -> str:
        marker = c.pick(LIST_MARKERS)
        items = [indent(inner(), "    ", f"{marker} ") for _ in range(c.number(1, 2))]
        return c.pick(["\n", "\n\n"]).join(items)

    builders: list[Callable[[], str]] = [
        lambda: inline(c, depth),
        lambda: f"{'#' * c.number(1, 7)} {inline(c, 3)}{c.pick(['', ' {#id .cls}', ' #'])}",
        lambda: f"{inline(c, 3)}\n{c.pick(['===', '---'])}",
        list_block,
        lambda: indent(inner(), "> "),
        table,
        grid_table,
        fenced_code,
        lambda: indent(words(c), "    "),
        lambda: f"---\n{c.pick(YAML_LINES)}\n{c.pick(['---', '...', ''])}",
        lambda: f"::: {c.pick(['{.warning}', 'note', '{=latex}', ''])}\n{inner()}"
        f"{c.pick(['', chr(10) + ':::'])}",
        lambda: f"<div>\n{inner()}\n</div>",
        lambda: "<table><tr><td>x</td></tr></table>",
        lambda: f"{inline(c, 3)}\n:   {inline(c, 3)}",
        lambda: f"| {inline(c, 3)}\n|   {words(c)}",
        lambda: c.pick(["***", "---", "* * *", "___"]),
        lambda: f"[^{c.pick(['1', 'n'])}]: {indent(inner(), '    ', '')}",
        lambda: f"$$\n{formula(c)}\n$$",
        lambda: c.pick(RAW_TEX_BLOCKS),
        lambda: c.unicode(40),
    ]
    return c.pick(builders)()


def abstract(c: Chooser) -> str:
    text = blocks(c)
    return text.replace("\n", c.pick(["\n", "\r\n"]))  # CRLF files are fine too


@st.composite
def abstracts(draw: st.DrawFn) -> str:
    return abstract(DrawChooser(draw, tame=draw(st.booleans())))


# ---------------------------------------------------------------------------------- invariants

DIAGNOSTIC = re.compile(r"x\.md:\d+(:\d+)?: (error|warning): [^\n]*\S[^\n]*")
# What accepted LaTeX may never hold: ways to read, write or reprogram TeX, and
# constructs the mark-up stage promises to remove (verbatim, headings).
FORBIDDEN = ["\\input", "\\include", "\\csname", "\\catcode", "\\write", "\\openin",
             "\\openout", "\\directlua", "^^", "\\def", "\\newcommand", "\\begin{verbatim}",
             "\\section"]  # fmt: skip
# pandoc's own definitions, fixed text from its LaTeX writer (list labels and
# captionless tables): nothing of the author's reaches them.
PANDOC_DEFS = re.compile(
    r"\\def\\labelenum(i|ii|iii|iv|v|vi)\{\(?\\(arabic|alph|Alph|roman|Roman)\{enum\1\}[.)]?\}"
    r"|\\def\\LTcaptype\{none\}"
)
LINES_APART = 1000  # each source starts this many lines after the previous one


def forbidden_in(latex: str) -> list[str]:
    cleaned = PANDOC_DEFS.sub("", latex)
    return [f for f in FORBIDDEN if f in cleaned]


def source_of(d: Diagnostic) -> int:
    return (d.origin.line - 1) // LINES_APART


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(abstracts(), min_size=1, max_size=6))
def test_random_markdown_gives_latex_or_diagnostics(texts: list[str]) -> None:
    sources = [MarkdownSource(t, Origin(Path("x.md"), 1 + n * LINES_APART))
               for n, t in enumerate(texts)]
    diags = Diagnostics()
    results = markdown_to_latex(sources, diags)  # no exception may escape

    assert len(results) == len(sources)
    for d in diags:
        assert DIAGNOSTIC.fullmatch(str(d)), f"not a one-line diagnostic: {str(d)!r}"
        assert "Traceback" not in d.message and "internal error" not in d.message, str(d)
        n = source_of(d)
        assert 0 <= n < len(texts), f"diagnostic outside every source: {d}"
        last_line = 1 + n * LINES_APART + texts[n].count("\n")
        assert d.origin.line <= last_line, f"diagnostic past the end of its source: {d}"
    for n, (text, latex) in enumerate(zip(texts, results, strict=True)):
        errors = [d for d in diags if d.level == "error" and source_of(d) == n]
        assert latex is None or isinstance(latex, str)
        if latex is None:
            assert errors, f"rejected without an error: {text!r}"
            continue
        assert not errors, f"accepted despite errors {[str(e) for e in errors]}: {text!r}"
        leaked = forbidden_in(latex)
        assert not leaked, f"{leaked} in the LaTeX of {text!r}:\n{latex}"


# A fenced or indented code block is flattened to \texttt lines; its characters
# must be checked against the fonts like those of code spans (a past bug).
CODE_BLOCK_UNPRINTABLE = "```\n≤\n```"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(abstracts(), min_size=1, max_size=6))
@example([CODE_BLOCK_UNPRINTABLE])
def test_accepted_latex_holds_only_characters_the_fonts_print(texts: list[str]) -> None:
    sources = [MarkdownSource(t, Origin(Path("x.md"), 1)) for t in texts]
    for text, latex in zip(texts, markdown_to_latex(sources, Diagnostics()), strict=True):
        if latex is not None:
            bad = "".join(dict.fromkeys(ch for _, ch in unprintable(latex)))
            assert not bad, f"{bad!r} accepted in {text!r}"


# ---------------------------------------------------------------------------------- TeX itself

needs_tex = pytest.mark.skipif(tex.check_tools() is not None, reason="needs latexmk and pdflatex")

# The booklet's preamble (templates/booklet.tex.jinja) around one contribution.
DOCUMENT = r"""\documentclass[10pt,twoside]{article}
\usepackage[a5paper,inner=17mm,outer=14mm,top=19mm,bottom=20mm]{geometry}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[english,french]{babel}
\usepackage{abstractbook}
\begin{document}
\begin{contribution}{c-1}{A title}{Abstracts}
\contributiontitle{A title}
\begin{abstracttext}{%s}
%s
\end{abstracttext}
\end{contribution}
\end{document}
"""


def typeset_abstract(workdir: Path, markdown: str, language: str = "english") -> str | None:
    """None when the mark-up stage rejects ``markdown`` (with an error) or when TeX
    typesets its LaTeX; otherwise TeX's error and the LaTeX."""
    diags = Diagnostics()
    latex = markdown_to_latex([MarkdownSource(markdown, Origin(Path("x.md"), 1))], diags)[0]
    if latex is None:
        assert diags.has_errors
        return None
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(STYLE, workdir / STYLE.name)
    (workdir / "case.tex").write_text(DOCUMENT % (language, latex), encoding="utf-8")
    result = subprocess.run(  # one pdflatex run says whether TeX accepts it
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape",
         "-file-line-error", "case.tex"],
        cwd=workdir, env=tex.tex_environment(workdir), stdin=subprocess.DEVNULL,
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    if result.returncode == 0:
        return None
    log = (workdir / "case.log").read_text(encoding="utf-8", errors="replace")
    error = tex.first_error(log)
    return f"{error.message if error else 'no message'}\n--- LaTeX ---\n{latex}"


# Constructs the mark-up stage accepts and TeX must typeset, all in one abstract.
ACCEPTED_TOGETHER = """\
Text with TeX's specials: \\ { } $ % # & _ ^ ~ and \\input{/etc/passwd}, \\mathcal{L} bare.

a) first, with $[0,1]$ and $$\\sum_{i=1}^{n} x_i$$ in a paragraph
b) *emphasis $$x$$*, [a link $$y$$](https://example.org/?q=1&r=%41#f), # heading $$z$$

- one
    - two
        - three
            - four, the deepest itemize LaTeX allows

> quoted, with a footnote^[holding a formula
> $\\begin{aligned} a &= b \\end{aligned}$]

| a | $\\begin{pmatrix} 1 & 2 \\end{pmatrix}$ |
|---|---|
| `code` | $\\sqrt[3]{x}$ |

Table: a caption with $x^2$

```
plain code, { } \\ $ % #

  indented
```

Term $x$
:   definition $$y$$
"""


def tex_bug(markdown: str, name: str, reason: str) -> Any:  # a pytest.param
    """A case that once went through the mark-up stage and stopped TeX (``reason``); fixed."""
    return pytest.param(markdown, id=name)


# Minimal abstracts that the mark-up stage once accepted and TeX rejected,
# found by the grammar above and minimised: each must now be rejected with a
# diagnostic or written as LaTeX that TeX accepts (regression cases).
TEX_REJECTS = [
    tex_bug(CODE_BLOCK_UNPRINTABLE, "unprintable-in-code-block",
            "code block characters are not checked against the fonts; "
            "TeX: Unicode character ≤ (U+2264) not set up for use with LaTeX"),
    tex_bug("> > > > > > > x", "quotes-7-deep",
            "no limit on nesting; TeX: Too deeply nested (6 list levels)"),
    tex_bug("- a\n    - b\n        - c\n            - d\n                - e", "itemize-5-deep",
            "no limit on nesting; TeX: Too deeply nested (4 itemize levels)"),
    tex_bug("1. a\n    1. b\n        1. c\n            1. d\n                1. e",
            "enumerate-5-deep", "no limit on nesting; TeX: Too deeply nested (4 levels)"),
    tex_bug("| a |\n|---|\n| $$x$$ |", "display-math-in-table-cell",
            "display math in an l/c/r cell; TeX: Bad math environment delimiter"),
    tex_bug("^$$x$$^", "display-math-in-superscript",
            "display math in \\textsuperscript; TeX: Bad math environment delimiter"),
    tex_bug("~$$x$$~", "display-math-in-subscript",
            "display math in \\textsubscript; TeX: Bad math environment delimiter"),
    tex_bug("$$x$$\n:   d", "display-math-in-definition-term",
            "display math in \\item[...]; TeX: Bad math environment delimiter"),
    tex_bug("| a |\n|---|\n| 1 |\n\nTable: $$x$$", "display-math-in-table-caption",
            "display math in a longtable \\caption; TeX: Bad math environment delimiter"),
    tex_bug("$[0,1]$\n:   d", "bracket-in-formula-in-definition-term",
            "\\item[\\([0,1]\\)]: the formula's ']' ends the optional argument "
            "(also \\sqrt[n] and \\xrightarrow[below]); TeX: Missing $ inserted"),
    tex_bug("| a |\n|---|\n| 1 |\n\nTable: $\\begin{aligned} a &= b \\end{aligned}$",
            "alignment-in-table-caption",
            "'&' of an environment (aligned, cases, matrices, array) in a longtable \\caption; "
            "TeX: Forbidden control sequence found while scanning use of \\GTS@TestLeftSpace"),
    tex_bug("| a |\n|---|\n| 1 |\n\nTable: $\\overbrace{x}^{y}$", "fragile-in-table-caption",
            "\\overbrace or \\underbrace in a longtable \\caption (a moving argument); "
            "TeX: Illegal parameter number in definition of \\reserved@a"),
    tex_bug("2147483649. x", "list-start-beyond-tex-integers",
            "the start of an ordered list is copied to \\setcounter{enumi}{2147483648}; "
            "TeX: Number too big"),
    tex_bug("+-------+\n| a     |\n+=======+\n| | x | |\n| |---| |\n+-------+",
            "table-in-grid-table-cell",
            "a longtable inside a longtable's cell; "
            "TeX: Extra alignment tab has been changed to \\cr"),
    tex_bug("- ^", "circumflex-opening-a-list-item",
                 "a list item or quote that starts with '^' starts with pandoc's \\^{} (the "
                 "circumflex accent); TeX: Missing \\endcsname inserted ('- ^é': Invalid UTF-8 "
                 "byte sequence; '> ^`t`': You can't use a prefix with `\\aftergroup')"),
    tex_bug("+---+---+\n| a | b |\n+   +---+\n|   | c |\n+---+---+",
                 "row-span-in-grid-table",
                 "a grid-table cell spanning two rows is written as \\multirow, and "
                 "abstractbook.sty does not load multirow; TeX: Undefined control sequence"),
    tex_bug("$\\hat{\\sqrt[n]{\\hat{a}}}$", "accent-over-root-with-index-over-accent",
            "vet_math accepted a math accent over \\sqrt[n]{...} holding another accent "
            "(amsmath's nested accents); TeX: Undefined control sequence \\macc@kerna"),
]


@needs_tex
@pytest.mark.parametrize("language", ["english", "french"])
def test_accepted_constructs_typeset(tmp_path: Path, language: str) -> None:
    problem = typeset_abstract(tmp_path, ACCEPTED_TOGETHER, language)
    assert problem is None, problem


@needs_tex
@pytest.mark.parametrize("markdown", TEX_REJECTS)
def test_vetting_never_passes_what_tex_rejects(tmp_path: Path, markdown: str) -> None:
    problem = typeset_abstract(tmp_path, markdown)
    assert problem is None, f"accepted, then TeX failed on {markdown!r}: {problem}"


def test_a_lone_surrogate_is_a_diagnostic_not_a_crash() -> None:
    diags = Diagnostics()
    results = markdown_to_latex([MarkdownSource("fine", Origin(Path("x.md"), 1)),
                                 MarkdownSource("\ud800", Origin(Path("x.md"), 2))], diags)
    assert results[0] is not None and results[1] is None and diags.has_errors


# ---------------------------------------------------------------------------------- fuzz build

# The seed gives 40 contributions among which 3 were accepted by the mark-up stage
# and then rejected by TeX (list start, fragile caption, display math in a term:
# fixed since), and 3 are refused by the loader (control characters).
FUZZ_SEED = 4
FUZZ_COUNT = 40
REFERENCE_TITLES = [  # content/contributions/*.md
    "How can Machine Learning Help Mathematicians",
    "Synthetic Data -Friend or Foe in the Age of Scaling?",
    "A First Approximation to the Mathematical Structure Computed by Large Language Models",
    "Mathematics as a Translation Task - the Importance of Training Distributions",
    "Three Problems in the Mathematics of Deep Learning",
]
PLACEHOLDER = "Contribution non imprimée"  # the event is in French
TITLE_TAILS = ["on graphs", "50% & #1 {x}_y ^z ~w", "\\input{x} \\$5", "naïve Œuvre", "[a] (b)"]


@dataclass(frozen=True)
class Fuzzed:
    id: str
    marker: str  # how the title starts: unique, and never broken across lines
    path: str  # contributions/fuzz-NN.md
    text: str  # the whole file


def fuzz_contribution(n: int, rng: random.Random) -> Fuzzed:
    c = RandomChooser(rng, tame=n % 4 != 3)  # one in four is hostile
    marker = f"Fuzz {n:02}:"
    title = f"{marker} {c.pick(TITLE_TAILS)}"
    if n % 3 == 0:
        title += f" ${formula(c)}$"
    session = c.pick(["morning", "afternoon", ""])
    front = "\n".join([
        "---",
        f"id: fuzz-{n:02}",
        f"title: {json.dumps(title, ensure_ascii=False)}",  # a YAML double-quoted string
        f"start: 2024-05-24 {8 + n // 4:02}:{n % 4 * 15:02}",
        "duration: 15",
        *([f"session: {session}"] if session else []),
        f"language: {c.pick(['en', 'fr'])}",
        "speakers:",
        f"  - family: Fuzzer{n:02}",
        "    given: Ada",
        "    affiliation: Lab & Co",
        "---",
    ])  # fmt: skip
    text = f"{front}\n{abstract(c)}\n"
    return Fuzzed(f"fuzz-{n:02}", marker, f"contributions/fuzz-{n:02}.md", text)


@dataclass(frozen=True)
class FuzzBuild:
    status: int | None
    raised: BaseException | None
    err: str
    pdf: Path
    contributions: list[Fuzzed]
    loaded: frozenset[str]  # ids of the contributions the load stage kept

    def diagnostics(self, pattern: str) -> dict[str, list[str]]:
        """contributions/fuzz-NN.md -> its diagnostic lines that match ``pattern``."""
        found: dict[str, list[str]] = {}
        for line in self.err.splitlines():
            m = re.search(r"(contributions/fuzz-\d\d\.md):\d+(:\d+)?: " + pattern, line)
            if m:
                found.setdefault(m[1], []).append(line)
        return found

    def pages(self) -> dict[str, str]:
        """id -> the text of the contribution's own page (the last page that names it:
        the programme at a glance comes first)."""
        texts = [" ".join(page.split()) for page in page_texts(self.pdf)]
        found = {}
        for f in self.contributions:
            on = [text for text in texts if f.marker in text]
            if len(on) >= 2:  # the programme, then the contribution's page
                found[f.id] = on[-1]
        return found


@pytest.fixture(scope="module")
def fuzz_build(tmp_path_factory: pytest.TempPathFactory) -> FuzzBuild:
    """The reference event plus FUZZ_COUNT generated contributions, built with --keep-going."""
    root = tmp_path_factory.mktemp("fuzz")
    content, out = root / "content", root / "out"
    shutil.copytree(CONTENT, content)
    rng = random.Random(FUZZ_SEED)
    contributions = [fuzz_contribution(n, rng) for n in range(FUZZ_COUNT)]
    for f in contributions:
        (content / f.path).write_text(f.text, encoding="utf-8")
    programme = load_programme(content, Diagnostics())
    loaded = frozenset(c.id for c in programme.contributions) if programme else frozenset()
    err = io.StringIO()
    status: int | None = None
    raised: BaseException | None = None
    with contextlib.redirect_stderr(err):
        try:
            status = main(["build", "--keep-going", "--content", str(content), "--out", str(out)])
        except BaseException as exc:  # the point is that nothing escapes
            raised = exc
    return FuzzBuild(status, raised, err.getvalue(), out / "booklet.pdf", contributions, loaded)


@needs_tex
def test_fuzz_build_never_crashes(fuzz_build: FuzzBuild) -> None:
    assert fuzz_build.raised is None, f"the build raised {fuzz_build.raised!r}"
    assert fuzz_build.status in (0, 1), fuzz_build.err[-3000:]
    assert "Traceback" not in fuzz_build.err
    assert fuzz_build.pdf.exists(), f"no booklet.pdf:\n{fuzz_build.err[-3000:]}"


@needs_tex
def test_fuzz_build_keeps_the_reference_contributions(fuzz_build: FuzzBuild) -> None:
    assert fuzz_build.pdf.exists(), fuzz_build.err[-3000:]
    text = " ".join(pdftotext(fuzz_build.pdf).split())
    for title in REFERENCE_TITLES:
        assert title in text


@needs_tex
def test_fuzz_build_prints_each_contribution_typeset_or_as_placeholder(
    fuzz_build: FuzzBuild,
) -> None:
    """Every contribution the loader kept has its page: a placeholder exactly when
    it has errors, typeset otherwise."""
    assert fuzz_build.pdf.exists(), fuzz_build.err[-3000:]
    pages = fuzz_build.pages()
    kept = [f for f in fuzz_build.contributions if f.id in fuzz_build.loaded]
    missing = [f.path for f in kept if f.id not in pages]
    assert not missing, f"contributions missing from the booklet: {missing}"
    placeholders = {f.path for f in kept if PLACEHOLDER in pages[f.id]}
    with_errors = set(fuzz_build.diagnostics("error: ")) & {f.path for f in kept}
    typeset = len(kept) - len(placeholders)
    summary = (f"of {len(fuzz_build.contributions)} generated: {len(kept)} loaded, "
               f"{len(placeholders)} placeholder(s), {typeset} typeset")
    assert placeholders == with_errors, summary
    assert typeset >= FUZZ_COUNT // 4, summary  # the grammar is not refused wholesale


@needs_tex
def test_fuzz_build_typesets_whatever_the_markup_stage_accepted(fuzz_build: FuzzBuild) -> None:
    """A placeholder must come from a validation error, never from TeX rejecting what
    vetting let through."""
    assert fuzz_build.pdf.exists(), fuzz_build.err[-3000:]
    tex_failures = fuzz_build.diagnostics("error: LaTeX")
    by_path = {f.path: f for f in fuzz_build.contributions}
    report = "\n\n".join(
        f"{lines[0]}\n{by_path[path].text}" for path, lines in sorted(tex_failures.items())
    )
    assert not tex_failures, f"{len(tex_failures)} LaTeX failure(s):\n{report}"


@needs_tex
def test_fuzz_build_gives_refused_contributions_a_placeholder(fuzz_build: FuzzBuild) -> None:
    assert fuzz_build.pdf.exists(), fuzz_build.err[-3000:]
    pages = fuzz_build.pages()
    missing = [f.path for f in fuzz_build.contributions if f.id not in pages]
    assert not missing, f"contributions missing from the booklet: {missing}"
