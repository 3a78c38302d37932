"""Preflight: what a print shop checks before it accepts a PDF, checked before sending it.

Each check gives one line, PASS, WARN or FAIL, with the pages concerned:

- trim size (the TrimBox, else the page) as ordered, the same on every page;
- a page count that is a multiple of 4 (a stapled booklet), or even for
  imposed sheets (front and back);
- every font embedded, no Type 3 (bitmap) fonts;
- no annotations (links, forms) in the printed area, as PDF/X requires;
- a TrimBox on every page, and 3 mm of bleed (BleedBox, with the drawing
  carried into it) where something runs to the trim edge;
- images at 300 ppi or more, as placed (under 150 ppi fails);
- with ``grayscale``, colour anywhere (a warning: it will print as gray).

:func:`preflight` returns a :class:`Report`; the command line
(``booklet preflight``) prints it, and the print product turns its
failures into build errors.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

import pikepdf

from booklet.paper import PAPER_MM, format_size, mm, same_size
from booklet.pdfscan import PageScan, inherited, scan

Level = Literal["PASS", "WARN", "FAIL"]

MIN_PPI, FAIL_PPI = 300, 150  # photographs and drawings in colour or gray
MIN_PPI_LINE_ART, FAIL_PPI_LINE_ART = 600, 300  # 1-bit images
TINY_MM = 2.0  # images placed smaller than this (both ways) are rules and dots, not pictures
BLEED_MM = 3.0
EDGE_DPI = 50.8  # 1 pixel = 0.5 mm: finer than any trim tolerance
INK = 245  # a gray level (of 255) below which a pixel is drawn
ALLOWED_ANNOTATIONS = {"/PrinterMark", "/TrapNet"}  # PDF/X allows these in the bleed box
LISTED_RANGES = 8


class Unreadable(Exception):
    """The file cannot be opened as a PDF: the message says why, in plain words."""


class NotAPdf(Unreadable):
    """The file is not a PDF at all (or cannot be read from the disk)."""


@dataclass(frozen=True)
class Finding:
    level: Level
    topic: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}  {self.topic}: {self.message}"


@dataclass(frozen=True)
class Expectations:
    """What the file was ordered as."""

    paper: str | None = None  # a key of PAPER_MM; None: any, but one size throughout
    imposed: bool = False  # sheets of two pages (landscape), printed front and back
    grayscale: bool = False
    bleed_mm: float = BLEED_MM


@dataclass
class Report:
    path: Path
    pages: int = 0
    findings: list[Finding] = field(default_factory=list)

    def add(self, level: Level, topic: str, message: str) -> None:
        self.findings.append(Finding(level, topic, message))

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "FAIL"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "WARN"]

    def summary(self) -> str:
        fails, warns = len(self.failures), len(self.warnings)
        if not fails and not warns:
            return "passed: ready for the print shop"
        parts = [f"{fails} failure{'s' * (fails != 1)}"] if fails else []
        parts += [f"{warns} warning{'s' * (warns != 1)}"] if warns else []
        return ("failed: " if fails else "passed with ") + ", ".join(parts)


def preflight(path: Path, expect: Expectations | None = None) -> Report:
    """Check ``path``; raises :class:`Unreadable` for a file that is not a readable PDF."""
    expect = expect or Expectations()
    pdf = open_pdf(path)
    report = Report(path)
    with pdf:
        report.pages = len(pdf.pages)
        warnings = pdf.get_warnings()
        if warnings:
            report.add("WARN", "file", f"damaged, repaired when read ({_first_line(warnings[0])})")
        if report.pages == 0:
            report.add("FAIL", "page count", "the file has no pages")
            return report
        boxes = [_Boxes.of(page) for page in pdf.pages]
        scans = scan(pdf)
        _check_size(report, boxes, expect)
        _check_count(report, expect)
        _check_fonts(report, scans)
        _check_annotations(report, pdf, boxes)
        _check_boxes(report, boxes)
        _check_bleed(report, path, boxes, expect)
        _check_images(report, scans)
        if expect.grayscale:
            _check_colour(report, scans)
    return report


def open_pdf(path: Path) -> pikepdf.Pdf:
    try:
        with path.open("rb") as stream:
            head = stream.read(1024)
    except OSError as exc:
        raise NotAPdf(f"cannot read it: {exc.strerror or exc}") from exc
    if b"%PDF-" not in head:
        raise NotAPdf("not a PDF file")
    try:
        return pikepdf.open(path)
    except pikepdf.PasswordError as exc:
        raise Unreadable("it is encrypted with a password; print shops need it unlocked") from exc
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise Unreadable(f"a damaged PDF that cannot be read ({_first_line(str(exc))})") from exc


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "no detail"
    return line if len(line) < 160 else line[:157] + "…"


def page_list(numbers: Iterable[int]) -> str:
    """``page 3``, ``pages 1–3, 7, 9–12``, cut short after a few ranges."""
    ordered = sorted(set(numbers))
    ranges: list[tuple[int, int]] = []
    for n in ordered:
        if ranges and n == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], n)
        else:
            ranges.append((n, n))
    shown = [f"{a}" if a == b else f"{a}–{b}" for a, b in ranges[:LISTED_RANGES]]
    more = " …" if len(ranges) > LISTED_RANGES else ""
    return f"page{'s' * (len(ordered) != 1)} {', '.join(shown)}{more}"


# ---- page boxes ----------------------------------------------------------------------


Rect = tuple[float, float, float, float]  # llx, lly, urx, ury in points


@dataclass(frozen=True)
class _Boxes:
    media: Rect
    trim: Rect  # TrimBox, else CropBox, else MediaBox
    bleed: Rect | None  # the BleedBox as given
    has_trim: bool
    rotated: bool  # /Rotate 90 or 270: width and height swap on paper

    @staticmethod
    def of(page: pikepdf.Page) -> _Boxes:
        obj = page.obj
        media = _rect(inherited(obj, "/MediaBox")) or (0.0, 0.0, 612.0, 792.0)
        crop = _rect(inherited(obj, "/CropBox"))
        trim = _rect(obj.get("/TrimBox"))
        bleed = _rect(obj.get("/BleedBox"))
        try:
            rotate = int(inherited(obj, "/Rotate") or 0) % 360
        except (TypeError, ValueError):
            rotate = 0
        return _Boxes(media, trim or crop or media, bleed, trim is not None, rotate in (90, 270))

    def trim_size_mm(self) -> tuple[float, float]:
        llx, lly, urx, ury = self.trim
        size = (mm(abs(urx - llx)), mm(abs(ury - lly)))
        return (size[1], size[0]) if self.rotated else size

    def bleed_mm(self) -> float:
        """The narrowest margin of the BleedBox (within the MediaBox) around the trim."""
        if self.bleed is None:
            return 0.0
        bleed = _intersect(self.bleed, self.media)
        trim = self.trim
        margins = (trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3])
        return max(0.0, mm(min(margins)))


def _rect(value: pikepdf.Object | None) -> Rect | None:
    if not isinstance(value, pikepdf.Array) or len(value) != 4:
        return None
    try:
        a, b, c, d = (float(x) for x in value)
    except (TypeError, ValueError):
        return None
    return (min(a, c), min(b, d), max(a, c), max(b, d))


def _intersect(a: Rect, b: Rect) -> Rect:
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# ---- the checks ------------------------------------------------------------------------


def _check_size(report: Report, boxes: list[_Boxes], expect: Expectations) -> None:
    sizes: dict[tuple[float, float], list[int]] = defaultdict(list)
    for n, box in enumerate(boxes, start=1):
        w, h = box.trim_size_mm()
        key = next((s for s in sizes if same_size(s, (w, h))), (round(w, 1), round(h, 1)))
        sizes[key].append(n)
    if expect.paper is not None:
        width, height = PAPER_MM[expect.paper]
        wanted = (height, width) if expect.imposed else (width, height)
        wrong = {s: pages for s, pages in sizes.items() if not same_size(s, wanted)}
        if not wrong:
            report.add("PASS", "trim size", f"{format_size(*wanted)} on every page")
            return
        for size, pages in wrong.items():
            report.add("FAIL", "trim size", f"{page_list(pages)}: {format_size(*size)}, "
                       f"not {format_size(*wanted)} as ordered")  # fmt: skip
        return
    portrait = [n for s, pages in sizes.items() if s[1] > s[0] + 0.5 for n in pages]
    if expect.imposed and portrait:  # two pages side by side make a landscape sheet
        report.add("FAIL", "trim size", f"{page_list(portrait)}: portrait, but imposed sheets "
                   "are landscape: is this the file of single pages?")  # fmt: skip
        return
    if len(sizes) == 1:
        (size,) = sizes
        report.add("PASS", "trim size", f"{format_size(*size)} on every page "
                   "(give --paper to check it against the size ordered)")  # fmt: skip
        return
    detail = "; ".join(f"{format_size(*s)} on {page_list(p)}" for s, p in sizes.items())
    report.add("FAIL", "trim size", f"pages of different sizes: {detail}")


def _check_count(report: Report, expect: Expectations) -> None:
    n = report.pages
    if expect.imposed:
        if n % 2:
            report.add("FAIL", "page count", f"{n} sides: imposed sheets print front and back, "
                       "so the count must be even")  # fmt: skip
        else:
            report.add("PASS", "page count", f"{n} sides: {n // 2} sheets, front and back")
        return
    if n % 4:
        missing = 4 - n % 4
        report.add("FAIL", "page count", f"{n} pages, not a multiple of 4: a stapled booklet "
                   f"needs {missing} more (blank) page{'s' * (missing != 1)}")  # fmt: skip
    else:
        report.add("PASS", "page count", f"{n} pages, a multiple of 4 ({n // 4} sheets folded)")


def _check_fonts(report: Report, scans: list[PageScan]) -> None:
    pages: dict[tuple[str, str, bool], set[int]] = defaultdict(set)
    for page in scans:
        for font in page.fonts.values():
            pages[(font.name, font.subtype, font.embedded)].add(page.number)
    bad = False
    for (name, subtype, embedded), where in sorted(pages.items()):
        if subtype == "Type3":
            bad = True
            report.add("FAIL", "fonts", f"Type 3 (bitmap) font {name} on {page_list(where)}: "
                       "use outline (Type 1, TrueType or OpenType) fonts")  # fmt: skip
        elif not embedded:
            bad = True
            report.add("FAIL", "fonts", f"{name} ({subtype}) is not embedded, on "
                       f"{page_list(where)}: embed every font")  # fmt: skip
    if not bad:
        names = {name for name, _, _ in pages}
        report.add("PASS", "fonts", f"{len(names)} font{'s' * (len(names) != 1)}, all embedded, "
                   "none Type 3" if names else "no text")  # fmt: skip


def _check_annotations(report: Report, pdf: pikepdf.Pdf, boxes: list[_Boxes]) -> None:
    inside: dict[str, set[int]] = defaultdict(set)
    outside: dict[str, set[int]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for n, (page, box) in enumerate(zip(pdf.pages, boxes, strict=True), start=1):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        printed = box.bleed or box.trim
        for annot in annots:
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            subtype = str(annot.get("/Subtype", "/Unknown"))
            if subtype in ALLOWED_ANNOTATIONS:
                continue
            kind = subtype[1:].lower()
            counts[kind] += 1
            rect = _rect(annot.get("/Rect"))
            (inside if rect is None or _overlaps(rect, printed) else outside)[kind].add(n)
    for kind, where in sorted(inside.items()):
        report.add("FAIL", "annotations", f"{counts[kind]} {kind} annotation"
                   f"{'s' * (counts[kind] != 1)} in the printed area, on {page_list(where)} "
                   "(PDF/X allows none: export for print, without links)")  # fmt: skip
    for kind, where in sorted(outside.items()):
        report.add("WARN", "annotations", f"{kind} annotations outside the printed area, on "
                   f"{page_list(where)}")  # fmt: skip
    if not inside and not outside:
        report.add("PASS", "annotations", "none")


def _check_boxes(report: Report, boxes: list[_Boxes]) -> None:
    missing = [n for n, b in enumerate(boxes, start=1) if not b.has_trim]
    beyond = [n for n, b in enumerate(boxes, start=1)
              if b.has_trim and _intersect(b.trim, b.media) != b.trim]  # fmt: skip
    if beyond:
        report.add("FAIL", "TrimBox", f"outside the page (MediaBox) on {page_list(beyond)}")
    if missing:
        report.add("WARN", "TrimBox", f"none on {page_list(missing)}: the page itself is taken "
                   "as the trim size (PDF/X requires a TrimBox)")  # fmt: skip
    elif not beyond:
        report.add("PASS", "TrimBox", "on every page")


def _check_bleed(report: Report, path: Path, boxes: list[_Boxes], expect: Expectations) -> None:
    edges = _edge_pages(path, boxes)
    if edges is None:
        report.add("WARN", "bleed", "the pages could not be rendered to look for content at the "
                   "trim edge")  # fmt: skip
        return
    need = expect.bleed_mm - 0.05
    short = [n for n, sides in edges.items() if sides and boxes[n - 1].bleed_mm() < need]
    unfilled = [n for n, sides in edges.items()
                if sides and n not in short and not _bleed_filled(path, n, sides, boxes[n - 1])]
    touching = [n for n, sides in edges.items() if sides]
    if short:
        have = min(boxes[n - 1].bleed_mm() for n in short)
        report.add("FAIL", "bleed", f"something runs to the trim edge on {page_list(short)} with "
                   f"{have:.1f} mm of bleed: {expect.bleed_mm:g} mm needed (set a BleedBox and "
                   "carry the drawing into it)")  # fmt: skip
    if unfilled:
        report.add("WARN", "bleed", f"something stops at the trim edge on {page_list(unfilled)}: "
                   "carry it into the bleed, or a white sliver may show after trimming")
    if not touching:
        bleeds = {round(b.bleed_mm(), 1) for b in boxes}
        given = f" (BleedBox: {min(bleeds):g} mm)" if max(bleeds) > 0 else ""
        report.add("PASS", "bleed", f"nothing runs to the trim edge, no bleed needed{given}")
    elif not short and not unfilled:
        report.add("PASS", "bleed", f"{page_list(touching)} run to the edge, with "
                   f"{min(boxes[n - 1].bleed_mm() for n in touching):.1f} mm bleed")  # fmt: skip


Sides = frozenset[str]


def _edge_pages(path: Path, boxes: list[_Boxes]) -> dict[int, Sides] | None:
    """Per page, the sides of the trim box along which something is drawn."""
    try:
        import pypdfium2

        document = pypdfium2.PdfDocument(path)
    except Exception:
        return None
    found: dict[int, Sides] = {}
    try:
        for n, box in enumerate(boxes, start=1):
            image = _render_area(document, n, box.trim)
            if image is None:
                return None
            found[n] = _inked_sides(image, 0)
    finally:
        document.close()
    return found


def _bleed_filled(path: Path, number: int, sides: Sides, box: _Boxes) -> bool:
    """Whether the drawing that touches the trim edge goes on into the bleed."""
    if box.bleed is None:
        return False
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        image = _render_area(document, number, _intersect(box.bleed, box.media))
    finally:
        document.close()
    return image is not None and sides <= _inked_sides(image, 0)


def _render_area(document: object, number: int, area: Rect) -> object | None:
    """The page's ``area`` rendered in gray at EDGE_DPI (a PIL image), or None."""
    try:
        page = document[number - 1]  # type: ignore[index]
        page.set_cropbox(*area)
        bitmap = page.render(scale=EDGE_DPI / 72, grayscale=True, draw_annots=False)
        image = bitmap.to_pil().convert("L")
        page.close()
    except Exception:
        return None
    return image


def _inked_sides(image: object, inset: int) -> Sides:
    """Which of the image's outermost pixel rows and columns hold ink."""
    width, height = image.size  # type: ignore[attr-defined]
    if width < 2 or height < 2:
        return frozenset()
    strips = {
        "left": (inset, 0, inset + 1, height),
        "right": (width - 1 - inset, 0, width - inset, height),
        "bottom": (0, height - 1 - inset, width, height - inset),
        "top": (0, inset, width, inset + 1),
    }
    return frozenset(
        side for side, area in strips.items()
        if image.crop(area).getextrema()[0] < INK  # type: ignore[attr-defined]
    )  # fmt: skip


def _check_images(report: Report, scans: list[PageScan]) -> None:
    placements = [i for page in scans for i in page.images
                  if i.width_mm >= TINY_MM or i.height_mm >= TINY_MM]  # fmt: skip
    if not placements:
        report.add("PASS", "images", "none")
        return
    worst = sorted(placements, key=lambda i: i.ppi)
    failed = False
    reported: set[tuple[int, int, int]] = set()
    for image in worst:
        low, fail = (MIN_PPI_LINE_ART, FAIL_PPI_LINE_ART) if image.one_bit else (MIN_PPI, FAIL_PPI)
        if image.ppi >= low:
            break
        key = (image.page, image.width_px, image.height_px)
        if key in reported or len(reported) >= LISTED_RANGES:
            continue
        reported.add(key)
        level: Level = "FAIL" if image.ppi < fail else "WARN"
        failed = True
        report.add(level, "images", f"page {image.page}: {image.width_px} × {image.height_px} "
                   f"pixels printed {image.width_mm:.0f} × {image.height_mm:.0f} mm, "
                   f"{image.ppi:.0f} ppi (print needs {low})")  # fmt: skip
    if not failed:
        lowest = worst[0]
        report.add("PASS", "images", f"{len(placements)} placed, the lowest at "
                   f"{lowest.ppi:.0f} ppi (page {lowest.page})")  # fmt: skip


def _check_colour(report: Report, scans: list[PageScan]) -> None:
    kinds: set[str] = set()
    pages: set[int] = set()
    for page in scans:
        found = set(page.colours) | {f"{i.colour} image" for i in page.images if i.colour}
        if found:
            kinds |= found
            pages.add(page.number)
    if not kinds:
        report.add("PASS", "grayscale", "no colour")
        return
    report.add("WARN", "grayscale", f"colour on {page_list(pages)} ({', '.join(sorted(kinds))}): "
               "it will print as whatever gray the printer makes of it")  # fmt: skip


# ---- the report, as the command line prints it ---------------------------------------

STYLES = {"PASS": "bold green", "WARN": "bold yellow", "FAIL": "bold red"}


def print_report(report: Report, stream: TextIO) -> None:
    """The report, one line a check; coloured (with rich) only on a terminal."""
    from booklet.diagnostics import display_path

    lines = [(f.level, f"{f.topic}: {f.message}") for f in report.findings]
    head = f"preflight {display_path(report.path)}: {report.pages} page{'s' * (report.pages != 1)}"
    tail = f"preflight: {report.summary()}"
    if not stream.isatty():
        print(head, file=stream)
        for level, text in lines:
            print(f"{level}  {text}", file=stream)
        print(tail, file=stream)
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(file=stream, highlight=False, soft_wrap=True)
    console.print(escape(head))
    for level, text in lines:
        console.print(f"[{STYLES[level]}]{level}[/]  {escape(text)}")
    verdict = "FAIL" if report.failures else "WARN" if report.warnings else "PASS"
    console.print(f"[{STYLES[verdict]}]{escape(tail)}[/]")
