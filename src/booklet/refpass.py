"""The booklet's second LaTeX pass, over only the pages that print cross-references.

The booklet's first pass breaks its pages as the final booklet will: the
templates give every page reference a box of fixed width (abstractbook.sty,
``\\indexpage``) and start every contribution on a page of its own. What the
first pass lacks is the numbers: it prints ?? for every page reference, since
the ``.aux`` it read was empty. Those references are on a few pages: the
programme and the speaker index. A contribution's pages read nothing from the
``.aux``, and a second pass would typeset them again only to draw them alike.

So the second pass typesets the other pages only. abstractbook.sty, given
``\\abstractbookreferencepass``, reads each contribution's lines and drops them,
moving the page counters on by the pages that contribution took in the first
pass (its zref marks in the ``.aux``) and setting the other counters to what it
left (recorded in the ``.aux`` at its end), so that the pages typeset after it
are numbered, and their link targets named, as in a whole pass. The booklet is
then the first pass's PDF with those pages' contents, resources, links and link
targets taken from the reference pass (:func:`splice`); its page objects and
bookmarks stay the first pass's, and the fonts of the replaced pages are the
first pass's own wherever those hold every glyph they draw.

An edited abstract goes the same way (:func:`finish_by_edit_pass`): with the
last build's ``.aux``, the reference pass typesets that abstract (and the pages
outside the abstracts), and the other pages come from the last booklet.

The shortcut is taken only where it gives what a whole second pass would give;
otherwise these functions return False and the caller runs latexmk's pass:

- in a cold first pass every reference was undefined, and LaTeX's warning says
  on which input line it was used: a contribution that uses one (or whose last
  page was shipped out there: the one before) is typeset again, not dropped;
- every dropped contribution starts on the page it started on in the first
  pass (the style file says when one does not), and the reference pass has
  exactly the pages it did not drop;
- every line the reference pass writes to the files LaTeX reads back (``.aux``,
  ``.toc``...) is one the pass before wrote: the same labels, entries and
  counters; and that pass left no work for another tool (makeindex, biber);
- the links and link targets of the pages it replaces name their targets, and
  those targets are pages of the reference pass.
"""

from __future__ import annotations

import os
import re
import shutil
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pikepdf

from booklet import compile as tex
from booklet.compile import read_output
from booklet.pages import page_ranges
from booklet.pdfscan import inherited

SUFFIX = "-refs"  # the reference pass's job name: <name>-refs
HOOK = "\\ifdefined\\abstractbookreferencepass"  # how the style file asks for it
BEGIN = re.compile(r"\\begin\{contribution\}\{([^{}]*)\}")
END = "\\end{contribution}"  # alone on its line: the style file's reader stops there
UNDEFINED = re.compile(
    r"^LaTeX Warning: (?:Reference|Hyper reference|Citation) `[^\n]*' on page (\S+)"
    r" undefined on input line (\d+)\.$",
    re.MULTILINE,
)
PAGES_SHIPPED = re.compile(r"^\\gdef \\@abspage@last\{(\d+)\}", re.MULTILINE)
PRINTED_PAGE = re.compile(r"\\zref@newlabel\{([^{}]+)-last\}\{[^\n]*?\\page\{([^{}]*)\}")
ANY_UNDEFINED = "There were undefined references"
BEGIN_DOCUMENT = "\\begin{document}"
TABLE = "\\begin{longtable}"
# a log's requests for another pass (any package's words), and those this pass answers:
# references, and the tables of the contributions it typesets again
RERUN = re.compile(  # in a warning, or in the lines that go on with one: "(package) ..."
    r"^(?:(?:LaTeX|Package \S+|Class \S+) Warning: |\(\S+\) ).*\brerun\b.*$",
    re.MULTILINE | re.IGNORECASE,
)
KNOWN_RERUNS = (
    "LaTeX Warning: Label(s) may have changed. Rerun to get cross-references right.",
    "Package longtable Warning: Table widths have changed. Rerun LaTeX.",
)
OUT_OF_STEP = "booklet reference pass: out of step"
MOST_TYPESET = 0.5  # beyond this share of the pages, a whole pass is hardly slower
KEEP = ("/Contents", "/Resources", "/Annots")  # what a replaced page takes from the reference pass


class Unspliceable(Exception):
    """The reference pass's pages cannot replace the first pass's as they are."""


@dataclass(frozen=True)
class Span:
    label: str
    begin: int  # 1-based lines of the .tex: \begin{contribution} ... \end{contribution}
    end: int


def contribution_spans(text: str) -> list[Span] | None:
    """Each contribution's lines, in order; None when one does not end on a line of its
    own (the reference pass could not skip it)."""
    spans = []
    open_at: tuple[str, int] | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if open_at is None:
            match = BEGIN.match(line)
            if match:
                if not tex.COMMAND_LINE_LABEL.fullmatch(match.group(1)):
                    return None
                open_at = (match.group(1), number)
        elif line == END:
            spans.append(Span(open_at[0], open_at[1], number))
            open_at = None
        elif BEGIN.match(line):
            return None
    return None if open_at is not None else spans


def to_retypeset(log: str, aux: str, text: str, spans: list[Span]) -> set[str] | None:
    """The contributions the reference pass must typeset again, after a cold first pass.

    - Those where the first pass used a reference: the one holding the line LaTeX names,
      and the one before it when the reference was on that one's last page (a page is
      shipped out, and its running head typeset, while TeX reads what follows).
    - Those holding a table: longtable keeps its columns' widths in the ``.aux`` and
      reads them back in the next pass, without a reference.

    None when a whole pass is needed: the log says a reference was undefined somewhere
    it does not name, or in the preamble (a page total in a running head is read there,
    and printed on every page), or asks for another pass for a reason not named here."""
    lines = text.split("\n")
    document = next((n for n, line in enumerate(lines, start=1)
                     if line.startswith(BEGIN_DOCUMENT)), None)  # fmt: skip
    used = [(m.group(1), int(m.group(2))) for m in UNDEFINED.finditer(log)]
    if document is None or (ANY_UNDEFINED in log and not used):
        return None
    if any(line <= document for _, line in used):
        return None
    if any(not line.startswith(KNOWN_RERUNS) for line in RERUN.findall(log)):
        return None
    last_page = {m.group(1): m.group(2) for m in PRINTED_PAGE.finditer(aux)}
    begins = [span.begin for span in spans]
    labels = {span.label for span in spans
              if any(TABLE in line for line in lines[span.begin - 1 : span.end])}  # fmt: skip
    for page, line in used:
        at = bisect_right(begins, line) - 1  # the last contribution begun by that line
        if at < 0:
            continue  # the pages before the contributions are all typeset again
        span = spans[at]
        inside = line <= span.end
        if inside:
            labels.add(span.label)
        before = span if not inside else spans[at - 1] if at > 0 else None
        if before is not None and last_page.get(before.label, page) == page:
            labels.add(before.label)
    return labels


def finish_by_reference_pass(
    work: Path, name: str, text: str, first_pdf: Path, timeout: float
) -> bool:
    """After a cold first pass of ``work/name.tex`` (its PDF now at ``first_pdf``), write
    the final ``work/name.pdf`` from a reference pass; False when a whole pass is needed."""
    spans = contribution_spans(text)
    aux = work / f"{name}.aux"
    if not spans or not aux.exists():
        return False
    retypeset = to_retypeset(read_output(work / f"{name}.log"), read_output(aux), text, spans)
    if retypeset is None:
        return False
    return _reference_pass(work, name, spans, retypeset, first_pdf, timeout)


def finish_by_edit_pass(work: Path, name: str, text: str, previous: str, timeout: float) -> bool:
    """``work/name.pdf`` and ``.aux`` were made from ``previous``; when ``text`` differs from
    it only within some contributions, typeset those (and the pages that print references)
    and take every other page from that PDF. False when a whole pass is needed: the
    contributions, their order, their headings (bookmarks, running heads) or anything
    outside them changed, or a changed contribution does not keep its pages, its labels
    and what it leaves to the pages after it (see abstractbook.sty)."""
    spans, old_spans = contribution_spans(text), contribution_spans(previous)
    pdf = work / f"{name}.pdf"
    if not spans or not old_spans or not pdf.exists():
        return False
    if [s.label for s in spans] != [s.label for s in old_spans]:
        return False
    lines, old_lines = text.split("\n"), previous.split("\n")
    if lines[: spans[0].begin] != old_lines[: old_spans[0].begin]:
        return False  # the preamble or the pages before the contributions
    if lines[spans[-1].end :] != old_lines[old_spans[-1].end :]:
        return False  # the pages after them
    changed = set()
    for span, old in zip(spans, old_spans, strict=True):
        now, then = lines[span.begin - 1 : span.end], old_lines[old.begin - 1 : old.end]
        if now[0] != then[0]:
            return False  # its bookmark or running head: the previous outline stays
        if now != then:
            changed.add(span.label)
    pairs = zip(spans, old_spans, strict=True)
    for (span, old), (after, old_after) in pairwise(pairs):
        if lines[span.end : after.begin - 1] != old_lines[old.end : old_after.begin - 1]:
            return False  # what stands between two contributions
    if not changed:
        return False
    return _reference_pass(work, name, spans, changed, pdf, timeout)


def _reference_pass(
    work: Path, name: str, spans: list[Span], typeset: set[str], base: Path, timeout: float
) -> bool:
    """Typeset ``typeset`` and the pages outside contributions, with ``name.aux``; splice
    them into ``base`` as ``name.pdf``. False, leaving ``name.pdf`` alone, when the pass
    did not lay out its pages as ``base`` has them."""
    if not _knows_the_pass(work, name):
        return False  # it would typeset every page again
    aux = work / f"{name}.aux"
    ranges = page_ranges(aux, [s.label for s in spans])
    if len(ranges) != len(spans):
        return False
    dropped = {page for label, (first, last) in ranges.items() if label not in typeset
               for page in range(first, last + 1)}  # fmt: skip
    counted = PAGES_SHIPPED.search(read_output(aux))  # LaTeX's count; else up to the last one
    pages = int(counted.group(1)) if counted else max(last for _, last in ranges.values())
    if pages - len(dropped) > MOST_TYPESET * pages:
        return False  # a whole pass costs hardly more
    read_back = _read_back(work, name)
    if read_back is None:
        return False
    job = name + SUFFIX
    job_pdf = work / f"{job}.pdf"
    job_pdf.unlink(missing_ok=True)  # (pdfTeX writes none for a pass without pages)
    for suffix in READ_BACK:  # what the reference pass reads, under its job name
        (work / f"{job}{suffix}").unlink(missing_ok=True)
        if suffix in read_back:
            shutil.copyfile(work / f"{name}{suffix}", work / f"{job}{suffix}")
    command = tex.reference_pass_command(f"{name}.tex", job, sorted(typeset))
    returncode, _, timed_out = tex.run_sandboxed(command, work, timeout)
    if timed_out or returncode != 0 or not job_pdf.exists():
        return False
    if OUT_OF_STEP in read_output(work / f"{job}.log"):
        return False
    for suffix in read_back:
        written, read = work / f"{job}{suffix}", work / f"{name}{suffix}"
        if not _same_records(read_output(written), read_output(read)):
            return False
    try:
        splice(base, job_pdf, dropped, work / f"{name}.pdf")
    except Unspliceable:
        return False
    return True


# lines of the .aux that a reference pass writes otherwise, and that no page shows: the
# count of pages it shipped out, and bookmark's records for the outline (the outline is
# the first pass's)
UNCOMPARED = ("\\gdef \\@abspage@last{", "\\BKM@entry{")


def _knows_the_pass(work: Path, name: str) -> bool:
    """Whether the document's style (a style file beside it, or its preamble) defines the
    reference pass: a restyled abstractbook.sty from before it does not."""
    sources = [work / f"{name}.tex", *sorted(work.glob("*.sty"))]
    return any(HOOK in read_output(source) for source in sources)


# files LaTeX writes in one pass and reads in the next, with nothing run between
READ_BACK = (".aux", ".toc", ".lof", ".lot", ".out")
# a pass's other outputs that no pass reads; the .fls is the recorder's list of them
WRITTEN_ONLY = (".log", ".pdf")
RECORDED_OUTPUT = re.compile(r"^OUTPUT (.+)$", re.MULTILINE)


def _read_back(work: Path, name: str) -> set[str] | None:
    """The suffixes of the files the last whole pass wrote for the next one to read; None
    when it wrote one that some other tool must process first (makeindex's .idx, biber's
    .bcf: latexmk's business) or the recorder's list is missing."""
    recorded = work / f"{name}.fls"
    if not recorded.exists():
        return None
    suffixes = set()
    for output in RECORDED_OUTPUT.findall(read_output(recorded)):
        path = Path(output.strip())
        if path.stem != name or path.suffix not in READ_BACK + WRITTEN_ONLY:
            return None
        if path.suffix in READ_BACK:
            suffixes.add(path.suffix)
    return suffixes if ".aux" in suffixes else None


def _same_records(written: str, read: str) -> bool:
    """Whether every line the reference pass wrote (to its .aux, .toc...) is in the file it
    read: the labels of the pages it typeset, their entries in the contents and the state
    each contribution it typeset left are those of the pass it stands in for."""
    known = set(read.split("\n"))
    return all(
        line in known for line in written.split("\n") if not line.startswith(UNCOMPARED)
    )


def splice(first: Path, second: Path, dropped: set[int], dest: Path) -> None:
    """``first`` with its pages not in ``dropped`` (1-based) drawn as ``second``'s pages,
    in order, their link targets (named destinations) and its document information (title,
    dates) as ``second`` has them; written to ``dest`` (atomically)."""
    with pikepdf.open(first) as base, pikepdf.open(second) as refs:
        kept = [n for n in range(1, len(base.pages) + 1) if n not in dropped]
        if len(kept) != len(refs.pages):
            raise Unspliceable(f"{len(refs.pages)} pages for {len(kept)}")
        fonts = FontMatcher(base)
        for number, page in zip(kept, refs.pages, strict=True):
            target = base.pages[number - 1].obj
            for key in ("/MediaBox", "/CropBox", "/Rotate"):
                if _unparsed(inherited(target, key)) != _unparsed(inherited(page.obj, key)):
                    raise Unspliceable(f"page {number}: {key} differs")
            for key in KEEP:
                value = inherited(page.obj, key) if key == "/Resources" else page.obj.get(key)
                if value is None:
                    if key in target:
                        del target[key]
                elif key == "/Resources":
                    target[key] = _resources(base, refs, page, value, fonts)
                elif key == "/Annots":
                    target[key] = _annotations(base, refs, value)
                else:
                    target[key] = _foreign(base, refs, value)
        _move_destinations(base, refs, kept, dropped)
        info = refs.trailer.get("/Info")  # its dates are those of the pass that finished it
        if info is not None:
            base.trailer.Info = _foreign(base, refs, info)
        part = dest.with_name(f".{dest.name}.splice")
        try:
            # streams as pdfTeX compressed them; the small objects packed anew (keeping
            # pdfTeX's object streams as they were would write the objects moved out of
            # them uncompressed: a sixth more bytes); the file's /ID drawn from its bytes,
            # so that a reproducible build (SOURCE_DATE_EPOCH) stays so
            base.save(
                part, stream_decode_level=pikepdf.StreamDecodeLevel.none,
                recompress_flate=False, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                deterministic_id=True,
            )  # fmt: skip
            os.replace(part, dest)
        finally:
            part.unlink(missing_ok=True)


def _move_destinations(base: pikepdf.Pdf, refs: pikepdf.Pdf, kept: list[int],
                       dropped: set[int]) -> None:  # fmt: skip
    """The named destinations on the replaced pages become the reference pass's: those it
    defines there (on the page of ``base`` it stands for), and no others. A name it
    defines that ``base`` has on a dropped page is pdfTeX's stand-in for a target the
    pass did not typeset, and is left as ``base`` has it."""
    base_tree, refs_tree = _dests(base), _dests(refs)
    if refs_tree is None:
        return
    if base_tree is None:
        raise Unspliceable("the first pass has no named destinations")
    base_page = {page.obj.objgen: n for n, page in enumerate(base.pages, start=1)}
    refs_page = {page.obj.objgen: n for n, page in enumerate(refs.pages, start=1)}
    replaced = set(kept)
    where: dict[str, int] = {}
    for key, value in base_tree.items():
        where[key] = base_page.get(_target(value).objgen, 0)
    wanted: dict[str, list[pikepdf.Object]] = {}
    for key, value in refs_tree.items():
        target = _target(value)
        on = refs_page.get(target.objgen)
        if on is None:
            raise Unspliceable(f"destination {key} is on no page")
        if where.get(key, 0) in dropped:
            continue
        wanted[key] = [base.pages[kept[on - 1] - 1].obj, *list(_array(value))[1:]]
    for key, page in where.items():
        if page in replaced and key not in wanted:
            del base_tree[key]
    for key, array in wanted.items():
        old = base_tree.get(key)
        new = pikepdf.Array([array[0], *(_scalar(item) for item in array[1:])])
        if old is None or _unparsed(_array(old)) != _unparsed(new):
            base_tree[key] = new


def _dests(pdf: pikepdf.Pdf) -> pikepdf.NameTree | None:
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    return pikepdf.NameTree(dests) if dests is not None else None


def _array(value: pikepdf.Object) -> pikepdf.Object:
    """A destination's array: named destinations are arrays or dictionaries with /D."""
    if isinstance(value, pikepdf.Dictionary):
        value = value.get("/D")
    if not isinstance(value, pikepdf.Array) or len(value) == 0:
        raise Unspliceable("a named destination that is not an array")
    return value


def _target(value: pikepdf.Object) -> pikepdf.Object:
    page = _array(value)[0]
    if not isinstance(page, pikepdf.Dictionary) or not page.is_indirect:
        raise Unspliceable("a named destination that names no page")
    return page


def _scalar(item: pikepdf.Object) -> object:
    """A destination's coordinates and view name, as values any PDF can take."""
    if isinstance(item, pikepdf.Name):
        return pikepdf.Name(str(item))
    if item is None or isinstance(item, int | float | Decimal):
        return item
    raise Unspliceable(f"a destination holding {item!r}")


class FontMatcher:
    """The first pass's font for a reference-pass font, where one draws the same glyphs:
    the same font, a subset holding every glyph named in the other's, and for every code
    the other uses the same glyph name and width. (pdfTeX lists in a subset's encoding
    only the codes it uses, so two runs' encodings of one font differ.)"""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.by_key: dict[str, list[pikepdf.Object]] = {}
        self.matched: dict[tuple[int, int], pikepdf.Object | None] = {}
        pages_using: dict[tuple[int, int], int] = {}
        for page in pdf.pages:
            resources = inherited(page.obj, "/Resources")
            fonts = resources.get("/Font") if resources is not None else None
            if fonts is None:
                continue
            for font in fonts.values():
                if not font.is_indirect:
                    continue
                if font.objgen not in pages_using:
                    self.by_key.setdefault(_font_key(font), []).append(font)
                pages_using[font.objgen] = pages_using.get(font.objgen, 0) + 1
        # the subset most pages use first: after edits gave a font a second subset, the
        # next pass goes back to the main one wherever it can, and the other may go
        for candidates in self.by_key.values():
            candidates.sort(key=lambda font: -pages_using[font.objgen])

    def match(self, font: pikepdf.Object) -> pikepdf.Object | None:
        if not font.is_indirect:
            return self._match(font)
        if font.objgen not in self.matched:  # pages share their fonts: each is matched once
            self.matched[font.objgen] = self._match(font)
        return self.matched[font.objgen]

    def _match(self, font: pikepdf.Object) -> pikepdf.Object | None:
        glyphs = _charset(font)
        if glyphs is None:
            return None
        for candidate in self.by_key.get(_font_key(font), ()):
            has = _charset(candidate)
            if has is not None and glyphs <= has and _codes_agree(font, candidate):
                return candidate
        return None

    def match_codes(self, font: pikepdf.Object, codes: set[int]) -> pikepdf.Object | None:
        """A first-pass font that draws ``codes`` of ``font`` alike: for a page that draws
        only those, when ``font`` as a whole has glyphs the first pass never drew (an
        edited abstract's new letter need not give the programme a second subset)."""
        glyphs = _encoding(font)
        if not glyphs:
            return None
        try:
            first, widths = int(font.FirstChar), [float(w) for w in font.Widths]
        except (AttributeError, TypeError, ValueError):
            return None
        if not all(code in glyphs and 0 <= code - first < len(widths) for code in codes):
            return None
        for candidate in self.by_key.get(_font_key(font), ()):
            has, named = _charset(candidate), _encoding(candidate)
            try:
                other_first = int(candidate.FirstChar)
                other_widths = [float(w) for w in candidate.Widths]
            except (AttributeError, TypeError, ValueError):
                continue
            if has is None or not named:
                continue
            if all(glyphs[code] in has and named.get(code) == glyphs[code]
                   and 0 <= code - other_first < len(other_widths)
                   and other_widths[code - other_first] == widths[code - first]
                   for code in codes):  # fmt: skip
                return candidate
        return None


def codes_drawn(page: pikepdf.Page) -> dict[str, set[int]]:
    """The character codes a page's text draws, by the name of the font resource."""
    drawn: dict[str, set[int]] = {}
    font, saved = "", []  # the font is part of the graphics state: q saves it, Q restores it
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf" and operands:
            font = str(operands[0])
        elif op == "q":
            saved.append(font)
        elif op == "Q" and saved:
            font = saved.pop()
        elif op in ("Tj", "'", '"', "TJ"):
            strings = operands[0] if op == "TJ" else operands[-1:]
            for item in strings:
                if isinstance(item, pikepdf.String):
                    drawn.setdefault(font, set()).update(bytes(item))
    return drawn


def _font_key(font: pikepdf.Object) -> str:
    base = str(font.get("/BaseFont", ""))
    name = base.split("+", 1)[1] if re.match(r"/[A-Z]{6}\+", base) else base
    return f"{font.get('/Subtype')}{name}"


def _charset(font: pikepdf.Object) -> frozenset[str] | None:
    descriptor = font.get("/FontDescriptor")
    charset = descriptor.get("/CharSet") if descriptor is not None else None
    if charset is None:
        return None
    return frozenset(re.findall(r"/[^/\s]+", str(charset)))


def _codes_agree(font: pikepdf.Object, other: pikepdf.Object) -> bool:
    """Every code ``font`` uses has the same glyph and width in ``other``."""
    try:
        first, widths = int(font.FirstChar), [float(w) for w in font.Widths]
        other_first, other_widths = int(other.FirstChar), [float(w) for w in other.Widths]
    except (AttributeError, TypeError, ValueError):
        return False
    glyphs, other_glyphs = _encoding(font), _encoding(other)
    if glyphs is None or other_glyphs is None:
        return False
    # The codes it may draw: those within its /Widths that its encoding names (pdfTeX
    # names only glyphs used, but in one encoding for all the fonts that share it), or
    # with the font's built-in encoding, every code given a width.
    codes = range(first, first + len(widths))
    if glyphs:
        used = {code: glyph for code, glyph in glyphs.items() if code in codes}
    else:
        used = {code: "" for code in codes if widths[code - first]}
    for code, glyph in used.items():
        at = code - other_first
        if not 0 <= at < len(other_widths) or other_widths[at] != widths[code - first]:
            return False
        if other_glyphs.get(code, "") != glyph:
            return False
    return True


def _encoding(font: pikepdf.Object) -> dict[int, str] | None:
    """code -> glyph name from a font's /Differences; {} for its built-in encoding, None
    for an encoding named (or based on) a standard one, which this does not compare."""
    encoding = font.get("/Encoding")
    if encoding is None:
        return {}
    if not isinstance(encoding, pikepdf.Dictionary) or "/BaseEncoding" in encoding:
        return None
    glyphs: dict[int, str] = {}
    code = 0
    for item in encoding.get("/Differences", ()):
        if isinstance(item, pikepdf.Name):
            glyphs[code] = str(item)
            code += 1
        else:
            code = int(item)
    return glyphs


def _resources(base: pikepdf.Pdf, refs: pikepdf.Pdf, page: pikepdf.Page,
               resources: pikepdf.Object, fonts: FontMatcher) -> pikepdf.Dictionary:  # fmt: skip
    """A reference-pass page's resources, for a page of ``base``: each font the first pass's
    where one draws the same glyphs (the whole font's, or else this page's), else a copy."""
    result = pikepdf.Dictionary()
    drawn: dict[str, set[int]] | None = None
    for key, value in resources.items():
        if key != "/Font":
            result[key] = _foreign(base, refs, value)
            continue
        chosen = pikepdf.Dictionary()
        for name, font in value.items():
            found = fonts.match(font)
            if found is None:
                drawn = codes_drawn(page) if drawn is None else drawn
                found = fonts.match_codes(font, drawn.get(str(name), set()))
            chosen[name] = found if found is not None else _foreign(base, refs, font)
        result[key] = chosen
    return result


def _annotations(base: pikepdf.Pdf, refs: pikepdf.Pdf, annots: pikepdf.Object) -> pikepdf.Object:
    page_ids = {page.obj.objgen for page in refs.pages}
    for annot in annots:
        action = annot.get("/A")
        for dest in (annot.get("/Dest"), action.get("/D") if action is not None else None):
            if isinstance(dest, pikepdf.Array):
                raise Unspliceable("a link points at a page of the reference pass")
        if "/P" in annot or (annot.is_indirect and annot.objgen in page_ids):
            raise Unspliceable("an annotation names its page")
    return _foreign(base, refs, annots)


def _foreign(base: pikepdf.Pdf, refs: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """``value`` of ``refs``, copied into ``base`` with everything it refers to."""
    if isinstance(value, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)):
        if not value.is_indirect:
            value = refs.make_indirect(value)
        return base.copy_foreign(value)
    return value  # names, numbers, strings


def _unparsed(value: pikepdf.Object | None) -> bytes:
    return b"" if value is None else value.unparse(resolved=True)
