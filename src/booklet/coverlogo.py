"""The cover logo: how large it prints, and the clean copy TeX gets.

TeX reads only files in its work folder (see :mod:`booklet.compile`), so the
logo is copied there under a fixed name (``coverlogo.png`` or
``coverlogo.pdf``; ``coverlogo-gray.*`` for grayscale print). The copy is
rewritten rather than copied byte for byte: a PNG is decoded and encoded
again by Pillow (8-bit gray or RGB, with its transparency; every other chunk
dropped), a PDF keeps its first page alone, without annotations or actions,
saved again by qpdf. For grayscale print a PNG is converted to gray, and a
PDF logo that holds colour is rendered to a gray PNG, 600 ppi as printed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

LOGO_BOX_MM: dict[str, tuple[float, float]] = {
    "a5": (50.0, 25.0),
    "a4": (70.0, 35.0),
    "letter": (70.0, 35.0),
}
"""The box the logo is fitted into on the cover (keeping its proportions), per paper."""

MAX_LOGO_BYTES = 20_000_000
MAX_LOGO_PIXELS = 40_000_000
GRAY_PDF_PPI = 600


def placed_size_mm(width: float, height: float, paper: str) -> tuple[float, float]:
    """The logo's printed size: ``width`` × ``height`` (any unit) fitted into the box."""
    box_w, box_h = LOGO_BOX_MM[paper]
    scale = min(box_w / width, box_h / height)
    return width * scale, height * scale


def placed_ppi(width_px: int, height_px: int, paper: str) -> float:
    placed_w, _ = placed_size_mm(width_px, height_px, paper)
    return width_px / (placed_w / 25.4)


@dataclass(frozen=True)
class CoverLogo:
    """What the template needs: the file name in the work folder and the box."""

    file: str
    width: str  # a TeX length, such as 50mm
    height: str
    source: Path
    grayscale: bool
    paper: str

    def data(self) -> bytes:
        if self.source.suffix.lower() == ".png":
            return _clean_png(self.source, self.grayscale)
        return _clean_pdf(self.source, self.grayscale, self)


def cover_logo(source: Path | None, paper: str, grayscale: bool) -> CoverLogo | None:
    if source is None:
        return None
    vector = source.suffix.lower() == ".pdf" and not (grayscale and _pdf_has_colour(source))
    suffix = ".pdf" if vector else ".png"
    box_w, box_h = LOGO_BOX_MM[paper]
    name = f"coverlogo{'-gray' if grayscale else ''}{suffix}"
    return CoverLogo(name, f"{box_w:g}mm", f"{box_h:g}mm", source, grayscale, paper)


def _clean_png(source: Path, grayscale: bool) -> bytes:
    from PIL import Image

    with Image.open(source) as opened:
        image = opened.copy()
    alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if image.mode in ("I", "I;16", "I;16B", "F"):  # 16-bit gray: to 8 bits
        image = image.convert("I")
        if image.getextrema()[1] > 255:
            image = image.point(lambda v: v * (1 / 256))
        image = image.convert("L")
    gray = grayscale or image.mode in ("L", "LA", "1")
    mode = ("LA" if alpha else "L") if gray else ("RGBA" if alpha else "RGB")
    converted = image.convert(mode)
    out = io.BytesIO()
    converted.save(out, format="PNG")
    return out.getvalue()


def _clean_pdf(source: Path, grayscale: bool, logo: CoverLogo) -> bytes:
    import pikepdf

    if logo.file.endswith(".png"):  # a colour PDF for grayscale print: rendered to gray
        return _render_gray(source, logo.paper)
    with pikepdf.open(source) as pdf:
        out = pikepdf.new()
        out.pages.append(pdf.pages[0])
        page = out.pages[0].obj
        for key in ("/Annots", "/AA", "/Thumb", "/B"):
            if key in page:
                del page[key]
        buffer = io.BytesIO()
        out.save(buffer)
    return buffer.getvalue()


def _render_gray(source: Path, paper: str) -> bytes:
    """The PDF's first page as a gray PNG of GRAY_PDF_PPI at the size it is printed."""
    import pypdfium2

    document = pypdfium2.PdfDocument(source)
    try:
        page = document[0]
        width, height = page.get_size()
        placed_mm, _ = placed_size_mm(width, height, paper)
        scale = placed_mm / 25.4 * GRAY_PDF_PPI / width
        image = page.render(scale=scale, grayscale=True, fill_color=(255, 255, 255, 0),
                            draw_annots=False).to_pil()  # fmt: skip
        page.close()
    finally:
        document.close()
    image = image.convert("LA") if image.mode in ("RGBA", "LA") else image.convert("L")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _pdf_has_colour(source: Path) -> bool:
    import pikepdf

    from booklet.pdfscan import scan

    with pikepdf.open(source) as pdf:
        first = pikepdf.new()
        first.pages.append(pdf.pages[0])
        found = scan(first)[0]
    return bool(found.colours or any(i.colour for i in found.images))
