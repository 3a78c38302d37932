"""Abstracts: Markdown to safe LaTeX, through pandoc's AST.

1. pandoc parses every abstract (one process for all, raw TeX disabled),
   each as a document of its own (a few per reader call: ``read_markdown``).
2. Python rewrites each AST: formulas are vetted and re-serialised by
   :mod:`booklet.markup.math`; a math command written outside ``$…$``
   (``\\mathcal{L}``) becomes a formula, with a warning; constructs that could
   reach TeX unescaped or that a booklet cannot hold (raw TeX, images, local
   links, headings, attributes, verbatim blocks) are removed or flattened.
3. pandoc writes every AST as LaTeX (one process for all), and, for the
   exports, as HTML with MathML and as plain text (one process per format).
   Every format is written from the same sanitised AST: what the booklet
   refuses, the HTML page and the calendar refuse too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from booklet.diagnostics import Diagnostic, Diagnostics, Origin
from booklet.markup.cache import MarkupCache
from booklet.markup.charset import check_printable, unprintable
from booklet.markup.locate import SourceLocator
from booklet.markup.math import MATH_ONLY_COMMANDS, vet_math
from booklet.markup.mathml import for_mathml
from booklet.markup.pandoc import Format, read_markdown, run_batch
from booklet.workers import chunks

Node = dict[str, Any]
LINK_SCHEMES = ("http://", "https://", "mailto:")
URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
COMMAND = re.compile(r"\\([A-Za-z]+)")
MAX_BARE_ARG = 200
EMPTY_ATTR: list[Any] = ["", [], []]
BARE = "booklet-bare"  # marks a formula found outside $…$ by bare_math
SOURCE = "booklet-source"  # on a vetted formula: what the author wrote (the node's text is
# the vetted re-serialisation); formulas are finished per output format by finish_ast
PAPER_ONLY = "booklet-paper-only"  # inlines that print or plain text need, a web page does not
MAX_NESTING = 3  # lists and quotes inside each other (LaTeX stops at 4 or 6)
MAX_LIST_START = 100_000
IMAGES_MESSAGE = "images cannot be printed in an abstract: remove it, or link to it instead"


@dataclass(frozen=True)
class MarkdownSource:
    text: str
    origin: Origin  # where the text's first line stands in its file
    anchor: str = ""  # prefix of the ids the HTML may hold (footnotes), unique on a page


PARALLEL_MIN = 40  # below this many abstracts, one process is quicker than several
FORMATS: tuple[Format, ...] = ("latex", "html", "plain")
Converted = dict[str, str]  # output format -> the abstract in that format


def markdown_to_latex(
    sources: list[MarkdownSource], diags: Diagnostics, jobs: int = 1,
    cache: MarkupCache | None = None,
) -> list[str | None]:
    """LaTeX for each source, or None where it has errors (reported in ``diags``)."""
    converted = convert_markdown(sources, diags, jobs=jobs, cache=cache)
    return [c["latex"] if c is not None else None for c in converted]


def convert_markdown(
    sources: list[MarkdownSource], diags: Diagnostics, jobs: int = 1,
    cache: MarkupCache | None = None, formats: tuple[Format, ...] = ("latex",),
) -> list[Converted | None]:
    """Each source in each of ``formats`` (latex, html, plain), or None where it has
    errors (reported in ``diags``).

    With ``jobs`` > 1 the sources are split among that many processes, each
    with its own pandoc: pandoc's parsing and the vetting of formulas are
    the costly parts, and both scale with the cores. With a ``cache``, only
    abstracts not converted (to these formats) by an earlier build are converted.
    """
    formats = tuple(f for f in FORMATS if f in formats)
    if cache is None:
        return _convert_parallel(sources, diags, jobs, formats)
    keys = [cache.key(s.text, s.origin, s.anchor) for s in sources]
    results: list[Converted | None] = [None] * len(sources)
    missing = []
    for i, key in enumerate(keys):
        entry = cache.get(key)
        if entry is None or (entry[0] is not None and not set(formats) <= entry[0].keys()):
            missing.append(i)
        else:
            results[i] = entry[0]
            diags.extend(entry[1])
    fresh = Diagnostics()
    converted = _convert_parallel([sources[i] for i in missing], fresh, jobs, formats)
    by_file: dict[Path, list[Diagnostic]] = {}
    for d in fresh.items:
        by_file.setdefault(d.origin.path, []).append(d)
    for i, outputs in zip(missing, converted, strict=True):
        results[i] = outputs
        cache.put(keys[i], outputs, by_file.get(sources[i].origin.path, []))
    diags.extend(fresh.items)
    return results


def _convert_parallel(
    sources: list[MarkdownSource], diags: Diagnostics, jobs: int, formats: tuple[Format, ...]
) -> list[Converted | None]:
    if jobs <= 1 or len(sources) < PARALLEL_MIN:
        return _convert(sources, diags, formats)
    parts = chunks(sources, jobs)
    results: list[Converted | None] = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for chunk_results, chunk_diags in pool.map(_convert_chunk, parts,
                                                   [formats] * len(parts)):  # fmt: skip
            results.extend(chunk_results)
            diags.extend(chunk_diags)
    return results


def _convert_chunk(
    sources: list[MarkdownSource], formats: tuple[Format, ...]
) -> tuple[list[Converted | None], list[Diagnostic]]:
    diags = Diagnostics()
    return _convert(sources, diags, formats), diags.items


SURROGATES = re.compile("[\ud800-\udfff]")


def _convert(
    sources: list[MarkdownSource], diags: Diagnostics, formats: tuple[Format, ...]
) -> list[Converted | None]:
    # Files are decoded strictly, but callers of the API may pass anything: a lone
    # surrogate cannot be encoded for pandoc, so it becomes U+FFFD (then reported).
    sources = [MarkdownSource(SURROGATES.sub("\ufffd", s.text), s.origin, s.anchor)
               for s in sources]  # fmt: skip
    sources = [_math_environments(s, diags) for s in sources]
    docs = read_markdown([s.text for s in sources])
    cleaned: list[Node] = []
    keep: list[int] = []
    for i, (source, doc) in enumerate(zip(sources, docs, strict=True)):
        if isinstance(doc, Exception):
            diags.error(source.origin, f"the abstract could not be read: {doc}")
            continue
        errors_before = len(diags.errors_in(source.origin.path))
        doc["blocks"] = Sanitiser(source, diags).blocks(doc["blocks"])
        if len(diags.errors_in(source.origin.path)) == errors_before:
            cleaned.append(doc)
            keep.append(i)
    outputs: list[Converted] = [{} for _ in keep]
    failed: set[int] = set()
    for fmt in formats:
        docs = [json.dumps(finish_ast(doc, fmt)) for doc in cleaned]
        inputs: list[str] | list[tuple[str, str]] = docs
        if fmt == "html":
            inputs = [(f"{sources[i].anchor}-" if sources[i].anchor else "", doc)
                      for i, doc in zip(keep, docs, strict=True)]  # fmt: skip
        for n, out in enumerate(run_batch("write", inputs, fmt)):
            if isinstance(out, Exception):
                if n not in failed:
                    diags.error(sources[keep[n]].origin,
                                f"the abstract could not be converted: {out}")  # fmt: skip
                failed.add(n)
            else:
                outputs[n][fmt] = _tidy(out, fmt)
    results: list[Converted | None] = [None] * len(sources)
    for n, i in enumerate(keep):
        if n not in failed:
            results[i] = outputs[n]
    return results


def _tidy(text: str, fmt: Format) -> str:
    text = text.strip()
    if fmt == "latex":
        # pandoc escapes a literal ^ as the accent \^{}, which breaks at the start of
        # a list item or quote; the text character is what the author typed
        text = text.replace("\\^{}", "\\textasciicircum{}")
    return text


# Nodes that hold no formula and no node: finish_ast leaves them as they are.
UNCHANGED = frozenset({"Str", "Space", "SoftBreak", "LineBreak", "Code"})


def finish_ast(value: Any, fmt: Format) -> Any:
    """A copy of a sanitised AST made ready for ``fmt``: pandoc reads it as it is.

    Formulas: in LaTeX, the vetted formula as raw LaTeX (braced, so that an inline
    formula's ``]`` cannot end an optional argument such as ``\\item[…]``); in HTML, a
    Math node of the vetted formula in the spelling pandoc's MathML converter reads; in
    plain text, what the author wrote, between its dollars. Inlines marked PAPER_ONLY
    (a link's address after its text) are left out of HTML.
    """
    if isinstance(value, list):
        out = []
        for v in value:
            if isinstance(v, dict):
                if v.get("t") in UNCHANGED:  # most nodes: words and spaces, shared as they are
                    out.append(v)
                    continue
                if PAPER_ONLY in v:
                    out.extend([] if fmt == "html" else finish_ast(v[PAPER_ONLY], fmt))
                    continue
            out.append(finish_ast(v, fmt))
        return out
    if not isinstance(value, dict):
        return value
    if value.get("t") != "Math":
        return {k: finish_ast(v, fmt) for k, v in value.items()}
    if SOURCE not in value:  # never vetted (cannot happen): printed as written, never typeset
        return {"t": "Code", "c": [EMPTY_ATTR, value["c"][1]]}
    kind, latex = value["c"][0]["t"], value["c"][1]
    display = kind == "DisplayMath"
    if fmt == "latex":
        tex = f"\\[{latex}\\]" if display else f"{{\\({latex}\\)}}"
        return {"t": "RawInline", "c": ["latex", tex]}
    if fmt == "html":
        return {"t": "Math", "c": [{"t": kind}, for_mathml(latex)]}
    source = value[SOURCE]
    if value.get(BARE):
        return {"t": "Str", "c": source}
    return {"t": "Str", "c": f"$${source}$$" if display else f"${source}$"}


# Display environments authors write in running text, and what they become inside $$…$$.
MATH_ENVIRONMENT = re.compile(
    r"\\begin\{(align|equation|gather|multline|eqnarray)(\*?)\}(.*?)\\end\{\1\2\}", re.S
)
INNER = {"align": "aligned", "eqnarray": "aligned", "gather": "gathered",
         "multline": "multlined", "equation": None}  # fmt: skip


def _math_environments(source: MarkdownSource, diags: Diagnostics) -> MarkdownSource:
    r"""``\begin{align*}…\end{align*}`` outside dollars becomes display mathematics.

    Line breaks are kept, so positions in messages stay right.
    """
    if "\\begin{" not in source.text:
        return source

    def replace(match: re.Match[str]) -> str:
        name, star, body = match.groups()
        inner = INNER[name]
        line = source.text.count("\n", 0, match.start())
        suggestion = f"$$\\begin{{{inner}}}…\\end{{{inner}}}$$" if inner else "$$…$$"
        diags.warning(
            source.origin.at(line),
            f"\\begin{{{name}{star}}} is written outside $$…$$; typeset as display mathematics "
            f"(write {suggestion} to silence this warning)",
        )
        if inner is None:
            return f"$${body}$$"
        return f"$$\\begin{{{inner}}}{body}\\end{{{inner}}}$$"

    return MarkdownSource(MATH_ENVIRONMENT.sub(replace, source.text), source.origin)


class Sanitiser:
    """Rewrites one abstract's AST; problems go to ``diags`` at their source line."""

    def __init__(self, source: MarkdownSource, diags: Diagnostics) -> None:
        self.locator = SourceLocator(source.text, source.origin)
        self.diags = diags
        self.warned: set[str] = set()  # LaTeX commands in text already reported
        # LaTeX's limits on where things may stand: display math only in running
        # paragraphs; lists and quotes nest at most MAX_NESTING deep; no table in a table.
        self.restricted = 0  # inside table cells, scripts, definition terms
        self.nesting = 0
        self.in_table = 0

    # -- traversal ---------------------------------------------------------

    def blocks(self, blocks: list[Node]) -> list[Node]:
        return self._each(blocks, self.block)

    def inlines(self, inlines: list[Node]) -> list[Node]:
        return self._each(self.bare_math(inlines), self.inline)

    @staticmethod
    def _each(items: list[Node], handle: Callable[[Node], list[Node]]) -> list[Node]:
        out: list[Node] = []
        for item in items:
            out.extend(handle(item))
        return out

    def _children(self, value: Any) -> Any:
        """Recurse into an element's contents, whatever their shape."""
        if isinstance(value, list):
            if value and all(isinstance(v, dict) and "t" in v for v in value):
                kind = value[0]["t"]
                return self.inlines(value) if kind in INLINE_TYPES else self.blocks(value)
            return [self._children(v) for v in value]
        if isinstance(value, dict) and "t" in value:
            handled = (self.inline if value["t"] in INLINE_TYPES else self.block)(value)
            return handled[0] if len(handled) == 1 else {"t": "Span", "c": [EMPTY_ATTR, handled]}
        return value

    # -- blocks --------------------------------------------------------------

    def block(self, node: Node) -> list[Node]:
        kind, content = node["t"], node.get("c")
        if kind == "RawBlock":
            self.error(None, "raw LaTeX or HTML blocks are not allowed in an abstract; removed")
            return []
        if kind == "CodeBlock":  # pandoc would write a verbatim environment: flatten it
            self.printable(content[1])
            lines = content[1].split("\n")
            inlines: list[Node] = []
            for n, line in enumerate(lines):
                if n:
                    inlines.append({"t": "LineBreak"})
                inlines.append({"t": "Code", "c": [EMPTY_ATTR, line]})
            return [{"t": "Para", "c": inlines}]
        if kind == "Header":
            return [{"t": "Para", "c": [{"t": "Strong", "c": self.inlines(content[2])}]}]
        if kind == "Div":
            return self.blocks(content[1])
        if kind == "Figure":
            self.error(self.locator.find("!["), IMAGES_MESSAGE)
            return []
        if kind in ("BlockQuote", "BulletList", "OrderedList", "DefinitionList"):
            return self.nested(kind, content)
        if kind == "Table":
            return self.table(content)
        return [{"t": kind, "c": self._children(content)} if content is not None else node]

    def nested(self, kind: str, content: Any) -> list[Node]:
        """Lists and quotes, flattened beyond the depth LaTeX allows."""
        if self.nesting >= MAX_NESTING:
            return self._flatten_list(kind, content)
        self.nesting += 1
        try:
            if kind == "OrderedList":
                (start, style, delim), items = content
                start = start if 0 <= start <= MAX_LIST_START else 1
                return [{"t": kind, "c": [[start, style, delim],
                                          [self.blocks(item) for item in items]]}]
            if kind == "DefinitionList":
                entries = []
                for term, definitions in content:
                    self.restricted += 1
                    term = self.inlines(term)
                    self.restricted -= 1
                    entries.append([term, [self.blocks(d) for d in definitions]])
                return [{"t": kind, "c": entries}]
            if kind == "BulletList":
                return [{"t": kind, "c": [self.blocks(item) for item in content]}]
            return [{"t": kind, "c": self.blocks(content)}]
        finally:
            self.nesting -= 1

    def _flatten_list(self, kind: str, content: Any) -> list[Node]:
        if kind == "BlockQuote":
            return self.blocks(content)
        if kind == "OrderedList":
            items = [(f"{n}.", item) for n, item in enumerate(content[1], start=1)]
        elif kind == "BulletList":
            items = [("–", item) for item in content]
        else:
            items = [("–", [{"t": "Plain", "c": term}, *(b for d in defs for b in d)])
                     for term, defs in content]
        out: list[Node] = []
        for mark, blocks in items:
            blocks = self.blocks(blocks)
            if blocks and blocks[0]["t"] in ("Plain", "Para"):
                blocks[0] = {"t": "Para", "c": [{"t": "Str", "c": mark}, {"t": "Space"},
                                                *blocks[0]["c"]]}
            out.extend(blocks)
        return out

    def table(self, content: Any) -> list[Node]:
        """A table: no caption inside it (it follows as a paragraph), no table in its cells."""
        if self.in_table:
            return self.blocks(_paragraphs_in(content))
        _, caption, colspecs, head, bodies, foot = content
        self.in_table += 1
        self.restricted += 1
        try:
            rows = [self._children(head), self._children(bodies), self._children(foot)]
        finally:
            self.in_table -= 1
            self.restricted -= 1
        table = {"t": "Table", "c": [EMPTY_ATTR, [None, []], colspecs, *rows]}
        return [table, *self.blocks(caption[1])]

    # -- inlines ----------------------------------------------------------------

    def inline(self, node: Node) -> list[Node]:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            self.printable(content)
            for command in COMMAND.findall(content):
                if command not in self.warned:
                    self.warned.add(command)
                    self.warning(
                        self.locator.find("\\" + command),
                        f"'\\{command}' is LaTeX, which abstracts do not use: it is printed as "
                        "written; use Markdown instead (**bold**, *italic*, [text](https://…))",
                    )
            return [node]
        if kind == "Math":
            display = content[0]["t"] == "DisplayMath" and not self.restricted
            return [self.math(display, content[1], bare=BARE in node)]
        if kind in ("Superscript", "Subscript"):
            self.restricted += 1
            try:
                return [{"t": kind, "c": self.inlines(content)}]
            finally:
                self.restricted -= 1
        if kind == "RawInline":
            self.error(None, "raw LaTeX or HTML is not allowed in an abstract; removed")
            return []
        if kind == "Image":
            self.error(self.locator.find("!["), IMAGES_MESSAGE)
            return []
        if kind == "Link":
            url = content[2][0]
            text = self.inlines(content[1])
            if url.startswith(LINK_SCHEMES) and URL_CHARS.fullmatch(url):
                link = {"t": "Link", "c": [EMPTY_ATTR, text, [url, ""]]}
                shown = url.removeprefix("mailto:")
                if _plain(text) in (url, shown):
                    return [link]
                # on paper a link is only useful with its address: "text (address)"; a web
                # page has no need of it (see finish_ast)
                address = {"t": "Link", "c": [EMPTY_ATTR, [{"t": "Str", "c": shown}], [url, ""]]}
                return [link, {PAPER_ONLY: [{"t": "Space"}, {"t": "Str", "c": "("}, address,
                                            {"t": "Str", "c": ")"}]}]
            self.warning(
                self.locator.find(url),
                f"link to '{url[:80]}' removed: only http, https and mailto links are kept",
            )
            return text
        if kind in ("Span", "Cite"):
            return self.inlines(content[1])
        if kind == "Code":
            self.printable(content[1])
            return [{"t": "Code", "c": [EMPTY_ATTR, content[1]]}]
        if kind in ("Underline", "Strikeout"):
            return [{"t": "Emph", "c": self.inlines(content)}]
        if kind == "Note":
            return [{"t": "Note", "c": self.blocks(content)}]
        return [{"t": kind, "c": self._children(content)} if content is not None else node]

    def math(self, display: bool, source: str, *, bare: bool = False) -> Node:
        offset = self.locator.find(source)
        if bare:
            self.warning(
                offset,
                f"'{source}' is mathematics written outside $…$; typeset as ${source}$ "
                "(write it between dollars to silence this warning)",
            )
        vetted = vet_math(source, display=display)
        for problem in vetted.problems:
            origin = self.locator.origin_at(None if offset is None else offset + problem.offset)
            if problem.severity == "error":
                self.diags.error(origin, problem.message)
            else:
                self.diags.warning(origin, problem.message)
        if vetted.latex is None:
            return {"t": "Code", "c": [EMPTY_ATTR, source]}
        kind = "DisplayMath" if display else "InlineMath"
        return {"t": "Math", "c": [{"t": kind}, vetted.latex], SOURCE: source, BARE: bare}

    # -- math commands written outside $…$ -----------------------------------

    def bare_math(self, inlines: list[Node]) -> list[Node]:
        r"""Turn ``\mathcal{L}`` in running text into a formula (and warn).

        Only commands that exist solely in mathematics are taken, with their
        braced arguments; everything else stays text.
        """
        if not any(n["t"] == "Str" and "\\" in n["c"] for n in inlines):
            return inlines
        out: list[Node] = []
        for node in inlines:
            if node["t"] != "Str" or "\\" not in node["c"]:
                out.append(node)
                continue
            out.extend(self._split_bare(node["c"]))
        return out

    def _split_bare(self, text: str) -> list[Node]:
        out: list[Node] = []
        pos = 0
        for match in COMMAND.finditer(text):
            if match.start() < pos or match.group(1) not in MATH_ONLY_COMMANDS:
                continue
            end = _bare_end(text, match.end())
            if match.start() > pos:
                out.append({"t": "Str", "c": text[pos : match.start()]})
            formula = text[match.start() : end]
            out.append({"t": "Math", "c": [{"t": "InlineMath"}, formula], BARE: True})
            pos = end
        if pos < len(text):
            out.append({"t": "Str", "c": text[pos:]})
        return out

    def printable(self, text: str) -> None:
        if unprintable(text):
            offset = self.locator.find(text)
            check_printable(text, self.locator.origin_at(offset), "abstract", self.diags)

    # -- reporting --------------------------------------------------------------

    def error(self, offset: int | None, message: str) -> None:
        self.diags.error(self.locator.origin_at(offset), message)

    def warning(self, offset: int | None, message: str) -> None:
        self.diags.warning(self.locator.origin_at(offset), message)


def _paragraphs_in(value: Any) -> list[Node]:
    """Every paragraph found anywhere in ``value`` (to flatten a table in a table)."""
    if isinstance(value, dict):
        if value.get("t") in ("Plain", "Para"):
            return [{"t": "Para", "c": value["c"]}]
        return _paragraphs_in(value.get("c"))
    if isinstance(value, list):
        return [p for v in value for p in _paragraphs_in(v)]
    return []


def _plain(inlines: list[Node]) -> str:
    """The text of simple inlines (Str and spaces), for comparing a link's text to its URL."""
    simple = (n for n in inlines if n["t"] in ("Str", "Space"))
    return "".join(n["c"] if n["t"] == "Str" else " " for n in simple)


SCRIPT = re.compile(r"[_^](\{[^{}\n]{0,80}\}|[A-Za-z0-9])")


def _bare_end(text: str, pos: int) -> int:
    """End of a bare command's arguments and scripts: ``\\alpha_1``, ``\\mathcal{L}^{2}``."""
    pos = _braced_args_end(text, pos)
    while match := SCRIPT.match(text, pos):
        pos = match.end()
    return pos


def _braced_args_end(text: str, pos: int) -> int:
    """End of the ``{…}`` groups that follow ``pos`` (balanced, bounded)."""
    while pos < len(text) and text[pos] == "{":
        depth = 0
        for i in range(pos, min(len(text), pos + MAX_BARE_ARG)):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            if depth == 0:
                pos = i + 1
                break
        else:
            return pos
    return pos


INLINE_TYPES = frozenset(
    "Str Emph Underline Strong Strikeout Superscript Subscript SmallCaps Quoted Cite Code "
    "Space SoftBreak LineBreak Math RawInline Link Image Note Span".split()
)  # fmt: skip
