"""What a PDF's pages draw: the fonts they use, where their images land, which colours.

Preflight needs what a print shop's RIP would see, not what a page's
resources merely list: so each page's content stream is followed (pikepdf
parses it), with the graphics state's transformation matrix, into the form
XObjects it draws. An image's effective resolution is its pixel size divided
by the size the matrix gives it on paper.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf
from PIL import ImageChops

from booklet.paper import mm
from booklet.workers import WORKER_START, chunks, worker_context

MAX_DEPTH = 12  # forms inside forms: deeper than any real document
NEUTRAL = 0.01  # colour components closer than this are a gray
NEUTRAL_PIXELS = 8  # channel difference (of 255) below which an image pixel is gray
MAX_DECODE_PIXELS = 25_000_000  # larger images are not decoded to look for colour
HARMLESS_SEPARATIONS = {"/All", "/None", "/Black"}
DEVICE_SPACES = {"rg": pikepdf.Name.DeviceRGB, "k": pikepdf.Name.DeviceCMYK,
                 "g": pikepdf.Name.DeviceGray}  # fmt: skip


@dataclass(frozen=True)
class FontInfo:
    name: str  # without the subset prefix (ABCDEF+)
    subtype: str  # Type1, TrueType, Type0, Type3 ...
    embedded: bool


@dataclass(frozen=True)
class ImagePlacement:
    page: int
    width_px: int
    height_px: int
    width_mm: float  # as placed on the page
    height_mm: float
    one_bit: bool  # line art (masks, 1-bit images) wants more pixels than photographs
    colour: str | None  # "RGB", "CMYK" ... when it is not gray

    @property
    def ppi(self) -> float:
        """The lower of the horizontal and vertical effective resolutions."""
        across = self.width_px / (self.width_mm / 25.4) if self.width_mm else float("inf")
        down = self.height_px / (self.height_mm / 25.4) if self.height_mm else float("inf")
        return min(across, down)


@dataclass
class PageScan:
    number: int  # 1-based
    fonts: dict[tuple[int, int] | str, FontInfo] = field(default_factory=dict)
    images: list[ImagePlacement] = field(default_factory=list)
    colours: set[str] = field(default_factory=set)  # kinds of colour drawn ("RGB fill" ...)


def scan(pdf: pikepdf.Pdf) -> list[PageScan]:
    walker = _Walker()
    return [walker.page(n, page) for n, page in enumerate(pdf.pages, start=1)]


def font_info(font: pikepdf.Object) -> FontInfo:
    subtype = str(font.get("/Subtype", "/Unknown"))[1:]
    base = str(font.get("/BaseFont", font.get("/Name", "/(unnamed)")))
    name = base[1:].split("+", 1)[-1] if "+" in base[:8] else base[1:]
    if subtype == "Type3":
        return FontInfo(name, subtype, embedded=True)  # its glyphs are drawings in the file
    descriptor_owner = font
    if subtype == "Type0":
        descendants = font.get("/DescendantFonts")
        if isinstance(descendants, pikepdf.Array) and len(descendants) > 0:
            descriptor_owner = descendants[0]
    descriptor = descriptor_owner.get("/FontDescriptor")
    embedded = isinstance(descriptor, pikepdf.Dictionary) and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )
    return FontInfo(name, subtype, embedded)


def _key(obj: pikepdf.Object) -> tuple[int, int] | str:
    return obj.objgen if obj.is_indirect else repr(obj)[:200]


class _Walker:
    def __init__(self) -> None:
        self.fonts: dict[tuple[int, int] | str, FontInfo] = {}
        self.image_colours: dict[tuple[int, int] | str, str | None] = {}

    def page(self, number: int, page: pikepdf.Page) -> PageScan:
        result = PageScan(number)
        resources = inherited(page.obj, "/Resources")
        try:
            instructions = pikepdf.parse_content_stream(page)
        except pikepdf.PdfError:
            result.colours.add("unreadable content")
            return result
        self._run(instructions, resources, pikepdf.Matrix(), result, 0)
        return result

    def _run(self, instructions: list, resources: pikepdf.Object | None, ctm: pikepdf.Matrix,
             result: PageScan, depth: int) -> None:
        stack: list[pikepdf.Matrix] = []
        fill_space: pikepdf.Object = pikepdf.Name.DeviceGray
        stroke_space: pikepdf.Object = pikepdf.Name.DeviceGray
        for instruction in instructions:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                image = instruction.iimage
                self._placed(result, ctm, image.width, image.height,
                             bool(image.image_mask) or image.bits_per_component == 1,
                             None if image.image_mask else _inline_colour(image))  # fmt: skip
                continue
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                stack.append(ctm)
            elif op == "Q":
                ctm = stack.pop() if stack else ctm
            elif op == "cm" and len(operands) == 6:
                ctm = pikepdf.Matrix(*[float(x) for x in operands]) @ ctm
            elif op == "Tf" and operands:
                self._font(resources, operands[0], result)
            elif op == "Do" and operands:
                self._xobject(resources, operands[0], ctm, result, depth)
            elif op in ("cs", "CS") and operands:
                space = _resource(resources, "/ColorSpace", operands[0]) or operands[0]
                if op == "cs":
                    fill_space = space
                else:
                    stroke_space = space
            elif op in ("rg", "RG", "k", "K", "g", "G", "sc", "scn", "SC", "SCN"):
                if op.lower() in DEVICE_SPACES:
                    space = DEVICE_SPACES[op.lower()]
                else:
                    space = fill_space if op in ("sc", "scn") else stroke_space
                if op in ("rg", "k", "g"):  # these set the space too
                    fill_space = space
                elif op in ("RG", "K", "G"):
                    stroke_space = space
                kind = _vector_colour(space, operands)
                if kind is not None:
                    what = "fill" if op in ("rg", "k", "g", "sc", "scn") else "stroke"
                    result.colours.add(f"{kind} {what}")
            elif op == "sh" and operands:
                shading = _resource(resources, "/Shading", operands[0])
                if isinstance(shading, pikepdf.Dictionary):
                    kind = _space_colour(shading.get("/ColorSpace"))
                    if kind is not None:
                        result.colours.add(f"{kind} shading")

    def _font(self, resources: pikepdf.Object | None, name: pikepdf.Object,
              result: PageScan) -> None:
        font = _resource(resources, "/Font", name)
        if not isinstance(font, pikepdf.Dictionary):
            return
        key = _key(font)
        if key not in self.fonts:
            self.fonts[key] = font_info(font)
        result.fonts[key] = self.fonts[key]

    def _xobject(self, resources: pikepdf.Object | None, name: pikepdf.Object,
                 ctm: pikepdf.Matrix, result: PageScan, depth: int) -> None:
        xobject = _resource(resources, "/XObject", name)
        if not isinstance(xobject, pikepdf.Stream):
            return
        subtype = xobject.get("/Subtype")
        if subtype == pikepdf.Name.Image:
            mask = bool(xobject.get("/ImageMask", False))
            one_bit = mask or int(xobject.get("/BitsPerComponent", 8)) == 1
            colour = None if mask else self._image_colour(xobject)
            self._placed(result, ctm, int(xobject.get("/Width", 0)),
                         int(xobject.get("/Height", 0)), one_bit, colour)  # fmt: skip
        elif subtype == pikepdf.Name.Form and depth < MAX_DEPTH:
            matrix = xobject.get("/Matrix")
            form_ctm = ctm
            if isinstance(matrix, pikepdf.Array) and len(matrix) == 6:
                form_ctm = pikepdf.Matrix(*[float(x) for x in matrix]) @ ctm
            own = xobject.get("/Resources")
            try:
                instructions = pikepdf.parse_content_stream(xobject)
            except pikepdf.PdfError:
                result.colours.add("unreadable content")
                return
            self._run(instructions, own if own is not None else resources, form_ctm, result,
                      depth + 1)  # fmt: skip

    def _placed(self, result: PageScan, ctm: pikepdf.Matrix, width: int, height: int,
                one_bit: bool, colour: str | None) -> None:
        # the unit square's sides, as the matrix draws them
        across = (ctm.a**2 + ctm.b**2) ** 0.5
        down = (ctm.c**2 + ctm.d**2) ** 0.5
        result.images.append(
            ImagePlacement(result.number, width, height, mm(across), mm(down), one_bit, colour)
        )

    def _image_colour(self, image: pikepdf.Stream) -> str | None:
        key = _key(image)
        if key not in self.image_colours:
            self.image_colours[key] = _image_colour(image)
        return self.image_colours[key]


def _resource(resources: pikepdf.Object | None, kind: str,
              name: pikepdf.Object) -> pikepdf.Object | None:
    if not isinstance(resources, pikepdf.Dictionary) or not isinstance(name, pikepdf.Name):
        return None
    group = resources.get(kind)
    if not isinstance(group, pikepdf.Dictionary):
        return None
    return group.get(str(name))


def _family(space: pikepdf.Object | None) -> tuple[str, pikepdf.Object | None]:
    """(family name, the space's array or None) of a colour space."""
    if isinstance(space, pikepdf.Name):
        return str(space), None
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        return str(space[0]), space
    return "/DeviceGray", None


def _components(family: str, array: pikepdf.Object | None) -> int:
    if family == "/ICCBased" and array is not None and len(array) > 1:
        return int(array[1].get("/N", 3))
    return {"/DeviceGray": 1, "/CalGray": 1, "/DeviceRGB": 3, "/CalRGB": 3, "/Lab": 3,
            "/DeviceCMYK": 4}.get(family, 0)  # fmt: skip


def _space_colour(space: pikepdf.Object | None) -> str | None:
    """The kind of colour a space can hold ("RGB", "CMYK", "spot colour X"), None for gray."""
    family, array = _family(space)
    if family in ("/Separation",) and array is not None and len(array) > 1:
        name = str(array[1])
        return None if name in HARMLESS_SEPARATIONS else f"spot colour {name[1:]}"
    if family == "/DeviceN":
        return "DeviceN"
    if family == "/Indexed" and array is not None and len(array) > 1:
        return _space_colour(array[1])
    if family == "/Pattern":
        return None  # the pattern's own content is not followed
    components = _components(family, array)
    return {3: "Lab" if family == "/Lab" else "RGB", 4: "CMYK"}.get(components)


def _vector_colour(space: pikepdf.Object, operands: list) -> str | None:
    """The kind of colour a colour operator sets, None when it is a gray."""
    kind = _space_colour(space)
    if kind is None:
        return None
    values = [float(x) for x in operands if isinstance(x, int | float) or _is_number(x)]
    if kind == "RGB" and len(values) == 3:
        return None if max(values) - min(values) <= NEUTRAL else kind
    if kind == "CMYK" and len(values) == 4:
        return None if max(values[:3]) - min(values[:3]) <= NEUTRAL and values[0] <= NEUTRAL \
            else kind
    return kind


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _image_colour(image: pikepdf.Stream) -> str | None:
    """"RGB" (or the like) when an image has colour in it, None for a gray image.

    A colour space that can hold colour is not enough: an RGB image whose
    pixels are all gray prints as gray, so the pixels are looked at."""
    kind = _space_colour(image.get("/ColorSpace"))
    if kind is None or not kind.startswith(("RGB", "CMYK", "Lab")):
        return kind
    width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
    if width * height > MAX_DECODE_PIXELS:
        return kind
    try:
        pil = pikepdf.PdfImage(image).as_pil_image().convert("RGB")
    except Exception:  # an image pikepdf cannot decode: say what its space allows
        return kind
    red, green, blue = pil.split()
    spread = max(ImageChops.difference(red, green).getextrema()[1],
                 ImageChops.difference(green, blue).getextrema()[1])  # fmt: skip
    return kind if spread > NEUTRAL_PIXELS else None


def _inline_colour(image: pikepdf.PdfInlineImage) -> str | None:
    try:
        mode = image.mode
    except Exception:
        return None
    return {"RGB": "RGB", "CMYK": "CMYK", "P": "indexed colour"}.get(mode)


def inherited(page: pikepdf.Object, key: str) -> pikepdf.Object | None:
    """``page``'s ``key``, or the one it inherits from its page tree (MediaBox, CropBox,
    Resources, Rotate), or None."""
    node = page
    for _ in range(64):  # a page tree is shallow; a cycle must not hang the build
        if not isinstance(node, pikepdf.Dictionary):
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


# What a drawing does not depend on: links back into the page tree, a stream's length.
# (Fonts are compared by name alone: see _font.)
_NOT_DRAWN = frozenset({"/Parent", "/P", "/StructParents", "/Length"})
SUBSET_PREFIX = re.compile(r"^/[A-Z]{6}\+")
RESOURCE_KINDS = ("/Font", "/XObject", "/ExtGState", "/ColorSpace", "/Pattern", "/Shading",
                  "/Properties")  # fmt: skip
NAME_TOKEN = re.compile(rb"/([^\s/\[\]()<>{}%]+)")


FontCache = dict[tuple[int, int], bytes]  # a font object's number -> what the font is


def drawing_digest(page: pikepdf.Object, fonts: FontCache | None = None) -> bytes:
    """A digest of what ``page`` (a page dictionary) shows: its content, its resources,
    its size and its annotations (kind, place, target). Two pages with the same
    digest look the same, even in two PDFs (two passes of one document) where the
    resources have other names and the fonts other subsets.

    ``fonts`` keeps what the fonts of one PDF were found to be, from page to page."""
    digest = hashlib.sha256(_drawing(page, MAX_DEPTH, {} if fonts is None else fonts))
    for key in ("/MediaBox", "/CropBox", "/Rotate", "/Annots"):
        digest.update(key.encode())
        _feed(digest, inherited(page, key), MAX_DEPTH)
    return digest.digest()


def drawing_digests(path: Path, numbers: Iterable[int], jobs: int = 1) -> dict[int, bytes]:
    """:func:`drawing_digest` of pages ``numbers`` (1-based) of the PDF ``path``; a page it
    does not have is left out. With ``jobs`` > 1 and many pages, processes share them."""
    numbers = sorted(set(numbers))
    if jobs <= 1 or len(numbers) < PARALLEL_DIGESTS:
        return _digests(path, numbers)
    first, *rest = chunks(numbers, jobs)
    with ProcessPoolExecutor(max_workers=len(rest), mp_context=worker_context(),
                             initializer=WORKER_START) as pool:  # fmt: skip
        others = [pool.submit(_digests, path, chunk) for chunk in rest]
        digests = _digests(path, first)  # this process takes a share too
        for future in others:
            digests.update(future.result())
    return digests


PARALLEL_DIGESTS = 400  # pages below which one process is quicker


def _digests(path: Path, numbers: list[int]) -> dict[int, bytes]:
    fonts: FontCache = {}
    with pikepdf.open(path) as pdf:
        pages = pdf.pages
        count = len(pages)  # not cheap: counted once
        return {n: drawing_digest(pages[n - 1].obj, fonts) for n in numbers if 1 <= n <= count}


def _drawing(holder: pikepdf.Object, depth: int, fonts: FontCache) -> bytes:
    """The content of a page or form with each resource name replaced by what it names."""
    is_form = isinstance(holder, pikepdf.Stream)
    resources = holder.get("/Resources") if is_form else inherited(holder, "/Resources")
    names: dict[bytes, bytes] = {}
    if isinstance(resources, pikepdf.Dictionary):
        for kind in RESOURCE_KINDS:
            group = resources.get(kind)
            if not isinstance(group, pikepdf.Dictionary):
                continue
            for name in group:
                value = group[name]
                if kind != "/Font":
                    identity = _identity(value, depth, fonts)
                elif value.is_indirect:
                    identity = fonts.get(value.objgen) or fonts.setdefault(value.objgen,
                                                                           _font(value))
                else:
                    identity = _font(value)
                key = name[1:].encode()
                names[key] = names.get(key, b"") + kind.encode() + identity
    if is_form:
        content = holder.read_bytes()
    else:
        streams = holder.get("/Contents")
        if isinstance(streams, pikepdf.Stream):
            streams = [streams]
        content = b"\n".join(s.read_bytes() for s in streams or ()
                             if isinstance(s, pikepdf.Stream))  # fmt: skip
    return NAME_TOKEN.sub(lambda m: b"/" + names.get(m.group(1), m.group(1)), content)


def _font(font: pikepdf.Object) -> bytes:
    """A font by its name, not its subset: the subset holds whatever glyphs the drawing uses."""
    if not isinstance(font, pikepdf.Dictionary):
        return b"?"
    return b"|".join(SUBSET_PREFIX.sub("/", str(font.get(key, ""))).encode()
                     for key in ("/Subtype", "/BaseFont", "/Name"))  # fmt: skip


def _identity(obj: pikepdf.Object, depth: int, fonts: FontCache) -> bytes:
    digest = hashlib.sha256()
    if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form" and depth > 0:
        digest.update(_drawing(obj, depth - 1, fonts))
        _feed_dictionary(digest, obj, depth, skip=("/Resources",))
    else:
        _feed(digest, obj, depth)
    return digest.hexdigest().encode()


def _feed(digest: hashlib._Hash, obj: pikepdf.Object | None, depth: int) -> None:
    if depth <= 0:
        digest.update(b"<deep>")
        return
    if isinstance(obj, pikepdf.Stream):
        digest.update(b"<stream>")
        digest.update(obj.read_raw_bytes())
        _feed_dictionary(digest, obj, depth)
    elif isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Page":
        digest.update(b"<page>")  # a link's target: known by its content, not followed
        digest.update(_drawing(obj, 0, {}))
    elif isinstance(obj, pikepdf.Dictionary):
        _feed_dictionary(digest, obj, depth)
    elif isinstance(obj, pikepdf.Array):
        digest.update(b"[")
        for item in obj:
            _feed(digest, item, depth - 1)
        digest.update(b"]")
    elif obj is None:
        digest.update(b"<none>")
    elif isinstance(obj, pikepdf.Object):
        digest.update(obj.unparse() + b" ")
    else:
        digest.update(repr(obj).encode() + b" ")


def _feed_dictionary(
    digest: hashlib._Hash, obj: pikepdf.Object, depth: int, skip: tuple[str, ...] = ()
) -> None:
    digest.update(b"<<")
    for key in sorted(obj.keys()):
        if key in _NOT_DRAWN or key in skip:
            continue
        digest.update(key.encode())
        _feed(digest, obj.get(key), depth - 1)
    digest.update(b">>")
