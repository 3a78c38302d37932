"""``print:`` and ``logo:`` in ``content/event.yaml``: the print-shop settings and the cover logo.

```yaml
logo: images/logo.png        # PNG or PDF, inside the content folder
print:
  bleed: 3mm                 # 0 (default) to 10 mm, with crop marks
  crop_marks: yes            # default: yes when there is bleed
  grayscale: yes             # gray text colours, a gray logo
  binding: auto              # extra inner margin: a length, or auto (grows with pages)
  creep: 0.5mm               # imposed file: the innermost sheet's shift to the fold
  padding: notes             # notes (default) or blank: pages added to reach 4n
```

The logo names a file that becomes part of the typeset documents, so its
path is checked before anything reads it: relative, inside the content
folder (no ``..``, no link out of it), a PNG or PDF by its first bytes, of a
sane size. Its resolution on the cover is checked here too.
"""

from __future__ import annotations

import math
from pathlib import Path, PurePosixPath

from booklet.coverlogo import LOGO_BOX_MM, MAX_LOGO_BYTES, MAX_LOGO_PIXELS, placed_ppi
from booklet.diagnostics import Diagnostics, Origin
from booklet.load.fields import Fields
from booklet.load.yamlsource import YamlMap
from booklet.model import PrintSettings
from booklet.paper import parse_length

PRINT_FIELDS = ("bleed", "crop_marks", "grayscale", "binding", "creep", "padding")
MAX_BLEED_MM, MAX_BINDING_MM, MAX_CREEP_MM = 10.0, 20.0, 5.0
LOGO_PPI = 300  # what print shops want; below it the logo is reported
YES, NO = ("yes", "true", "on"), ("no", "false", "off")


def print_settings(event: Fields, diags: Diagnostics) -> PrintSettings:
    """``print: {bleed: 3mm, ...}``; the defaults when absent (errors are reported)."""
    value = event.data.get("print")
    if value is None:
        return PrintSettings()
    if not isinstance(value, YamlMap):
        diags.error(event.origin("print"), "event: 'print' must be a mapping of settings, "
                    "such as print: {bleed: 3mm}")  # fmt: skip
        return PrintSettings()
    fields = Fields(value, "event: print", diags)
    fields.check_keys(PRINT_FIELDS)
    bleed = _length(fields, "bleed", 0.0, MAX_BLEED_MM) or 0.0
    binding: float | None = 0.0
    if (fields.text("binding") or "").lower() == "auto":
        binding = None
    else:
        binding = _length(fields, "binding", 0.0, MAX_BINDING_MM) or 0.0
    padding = fields.choice("padding", ("notes", "blank"), "notes")
    return PrintSettings(
        bleed=bleed,
        crop_marks=_yes_no(fields, "crop_marks", default=bleed > 0),
        grayscale=_yes_no(fields, "grayscale", default=False),
        binding=binding,
        creep=_length(fields, "creep", -MAX_CREEP_MM, MAX_CREEP_MM) or 0.0,
        padding=padding,  # type: ignore[arg-type]
    )


def _length(fields: Fields, key: str, low: float, high: float) -> float | None:
    text = fields.text(key)
    if text is None:
        return None
    value = parse_length(text)
    if value is None and parse_length(text + "mm") is not None:
        fields.diags.error(fields.origin(key), f"{fields.what}: '{key}' needs a unit, such as "
                           f"{text}mm")  # fmt: skip
        return None
    if value is None or not low <= value <= high:
        extra = " or auto" if key == "binding" else ""
        fields.diags.error(fields.origin(key), f"{fields.what}: '{key}' must be a length from "
                           f"{low:g} to {high:g} mm, such as 3mm{extra}, not '{text}'")  # fmt: skip
        return None
    return value


def _yes_no(fields: Fields, key: str, default: bool) -> bool:
    text = fields.text(key)
    if text is None:
        return default
    if text.lower() in YES or text.lower() in NO:
        return text.lower() in YES
    fields.diags.error(fields.origin(key),
                       f"{fields.what}: '{key}' must be yes or no, not '{text}'")  # fmt: skip
    return default


def cover_logo(event: Fields, content: Path, paper: str, diags: Diagnostics) -> Path | None:
    """The logo's file, checked; None (with an error) when it cannot be used."""
    value = event.text("logo")
    if value is None:
        return None
    origin = event.origin("logo")
    path = _inside(value, content, origin, diags)
    if path is None:
        return None
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(1024)
    except OSError as exc:
        diags.error(origin, f"event: cannot read the logo '{value}': {exc.strerror or exc}")
        return None
    suffix = path.suffix.lower()
    if suffix not in (".png", ".pdf"):
        diags.error(origin, f"event: the logo '{value}' must be a PNG or a PDF file "
                    "(convert it to PNG, or better to PDF if it is a drawing)")  # fmt: skip
        return None
    if size > MAX_LOGO_BYTES:
        diags.error(origin, f"event: the logo '{value}' is {size / 1e6:.0f} MB; at most "
                    f"{MAX_LOGO_BYTES // 1_000_000} MB, please")  # fmt: skip
        return None
    if suffix == ".png" and not head.startswith(b"\x89PNG\r\n\x1a\n"):
        diags.error(origin, f"event: the logo '{value}' is not a PNG image, whatever its name")
        return None
    if suffix == ".pdf" and b"%PDF-" not in head:
        diags.error(origin, f"event: the logo '{value}' is not a PDF file, whatever its name")
        return None
    check = _check_png if suffix == ".png" else _check_pdf
    return path if check(path, value, paper, origin, diags) else None


def _inside(value: str, content: Path, origin: Origin, diags: Diagnostics) -> Path | None:
    relative = PurePosixPath(value)
    if "\\" in value or relative.is_absolute() or value.startswith("~"):
        diags.error(origin, f"event: the logo '{value}' must be a path relative to the content "
                    "folder, written with /, such as images/logo.png")  # fmt: skip
        return None
    if ".." in relative.parts:
        diags.error(origin, f"event: the logo '{value}' must be inside the content folder "
                    "(no '..')")  # fmt: skip
        return None
    path = content / relative
    if not path.is_file():
        what = "is not a file" if path.exists() else "not found"
        diags.error(origin, f"event: the logo '{value}' {what} (paths are relative to the "
                    "content folder)")  # fmt: skip
        return None
    resolved = path.resolve()
    if not resolved.is_relative_to(content.resolve()):
        diags.error(origin, f"event: the logo '{value}' links to a file outside the content "
                    "folder; copy the image into it")  # fmt: skip
        return None
    return resolved


def _check_png(path: Path, value: str, paper: str, origin: Origin, diags: Diagnostics) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_LOGO_PIXELS:
                diags.error(origin, f"event: the logo '{value}' is {width} × {height} pixels, "
                            "too large for a logo; scale it down")  # fmt: skip
                return False
            image.load()
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError) as exc:
        diags.error(origin, f"event: the logo '{value}' cannot be read as a PNG image ({exc})")
        return False
    ppi = placed_ppi(width, height, paper)
    if ppi < LOGO_PPI:
        box_w, box_h = LOGO_BOX_MM[paper]
        scale = LOGO_PPI / ppi
        need = f"{math.ceil(round(width * scale, 6))} × {math.ceil(round(height * scale, 6))}"
        diags.warning(origin, f"event: the logo '{value}' ({width} × {height} pixels) prints at "
                      f"{ppi:.0f} ppi on the cover ({box_w:g} × {box_h:g} mm at most); print "
                      f"shops want {LOGO_PPI} ppi: use one of at least {need} pixels, "
                      "or a PDF")  # fmt: skip
    return True


def _check_pdf(path: Path, value: str, paper: str, origin: Origin, diags: Diagnostics) -> bool:
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            if len(pdf.pages) == 0:
                diags.error(origin, f"event: the logo '{value}' is a PDF without pages")
                return False
            box = [float(x) for x in pdf.pages[0].trimbox]
            if len(pdf.pages) > 1:
                diags.warning(origin, f"event: the logo '{value}' has {len(pdf.pages)} pages; "
                              "the first is used")  # fmt: skip
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, TypeError) as exc:
        diags.error(origin, f"event: the logo '{value}' cannot be read as a PDF ({exc})")
        return False
    width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
    if not (1 <= width <= 5000 and 1 <= height <= 5000):
        diags.error(origin, f"event: the logo '{value}' has a page of {width:.0f} × "
                    f"{height:.0f} pt; that is no logo")  # fmt: skip
        return False
    return True
