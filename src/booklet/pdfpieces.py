"""Pages of one PDF written as PDFs of their own, many at a time and fast.

pikepdf (qpdf) reads the source and serialises each object once; the pieces
are then written from those bytes. A proof of a 1,000-page booklet carries
the booklet's fonts (about 250 KB); saving it through ``Pdf.save`` costs some
6,000 calls from qpdf into Python, slower than everything else together.
Here a piece is one ``write`` of bytes that were serialised once per process.

Each piece keeps the source's object numbers (an xref stream lists only the
objects it holds), so references between the objects are written as they
are. The piece's pages are new dictionaries under the source's numbers: no
``/Parent`` into the source's page tree, inherited attributes made explicit,
links that would point at pages outside the piece left out, and an optional
overlay (the proof stamp) drawn over the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from booklet.pdfscan import inherited

ObjGen = tuple[int, int]
INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
OVERLAY = pikepdf.Name("/BookletOverlay")


@dataclass(frozen=True)
class Overlay:
    """A page of another PDF, as a form XObject of the source, to draw over pages."""

    form: pikepdf.Object  # indirect, owned by the source PDF
    box: tuple[float, float, float, float]  # its /BBox


class PieceWriter:
    """Writes pages ``first``..``last`` of ``source`` as files of their own."""

    def __init__(self, source: pikepdf.Pdf) -> None:
        self.pdf = source
        self.page_objs = [page.obj for page in source.pages]
        self.page_ids = {obj.objgen for obj in self.page_objs}
        # objects a piece never takes along: its page tree and catalog are its own
        self.stops = set(self.page_ids) | {source.Root.objgen}
        self.stops |= {node.objgen for node in _page_tree_nodes(source.Root.get("/Pages"))}
        self.version = max(source.pdf_version, "1.5")  # xref streams came with PDF 1.5
        self.lang = source.Root.get("/Lang")
        self._refs: dict[ObjGen, tuple[ObjGen, ...]] = {}
        self._bytes: dict[ObjGen, bytes] = {}
        self._page_links: dict[ObjGen, frozenset[ObjGen]] = {}
        self._overlay_calls: dict[tuple[float, ...], pikepdf.Object] = {}
        self._save_state = source.make_indirect(pikepdf.Stream(source, b"q\n"))
        self._next: int | None = None

    def overlay(self, other: pikepdf.Pdf, index: int) -> Overlay:
        """Page ``index`` (0-based) of ``other``, ready to be drawn over the source's pages."""
        page = pikepdf.Page(other.pages[index])
        form = self.pdf.copy_foreign(page.as_form_xobject())
        box = tuple(float(v) for v in form.BBox)
        self._next = None  # the copy took new object numbers
        return Overlay(form, box)  # type: ignore[arg-type]

    def write(self, dest: Path, first: int, last: int, title: str,
              overlay: Overlay | None = None,
              info: Mapping[str, str] | None = None) -> bytes:  # fmt: skip
        """The bytes of a PDF of pages ``first``..``last`` (1-based, inclusive)."""
        pages = self.page_objs[first - 1 : last]
        inside = {obj.objgen for obj in pages}
        fresh = [self._page(obj, inside, overlay) for obj in pages]
        base = self._first_free()  # after the pages: an overlay may have added objects
        pages_num, catalog_num, info_num, xref_num = base, base + 1, base + 2, base + 3
        new: list[tuple[ObjGen, bytes]] = []
        todo: list[ObjGen] = []
        for obj, page in zip(pages, fresh, strict=True):
            body = page.unparse(resolved=True)
            assert body.endswith(b">>")
            new.append((obj.objgen, body[:-2] + b" /Parent %d 0 R >>" % pages_num))
            todo += self._direct_refs(page)
        kids = b" ".join(b"%d %d R" % objgen for objgen in (o.objgen for o in pages))
        catalog = b"<< /Type /Catalog /Pages %d 0 R" % pages_num
        if self.lang is not None:
            catalog += b" /Lang " + self.lang.unparse(resolved=True)
        fields = {"/Title": title, **(info or {})}
        docinfo = b" ".join(pikepdf.Name(k).unparse() + b" " + pikepdf.String(v).unparse()
                            for k, v in fields.items())  # fmt: skip
        new += [
            ((pages_num, 0), b"<< /Type /Pages /Kids [ %s ] /Count %d >>" % (kids, len(pages))),
            ((catalog_num, 0), catalog + b" >>"),
            ((info_num, 0), b"<< " + docinfo + b" >>"),
        ]

        parts = [b"%PDF-" + self.version.encode() + b"\n%\xbf\xf7\xa2\xfe\n"]
        offsets: dict[int, tuple[int, int]] = {}  # number -> (offset, generation)
        position = len(parts[0])

        def put(objgen: ObjGen, chunk: bytes) -> None:
            nonlocal position
            offsets[objgen[0]] = (position, objgen[1])
            parts.append(chunk)
            position += len(chunk)

        for objgen, body in new:
            put(objgen, b"%d %d obj\n%s\nendobj\n" % (objgen[0], objgen[1], body))
        seen = set(inside)
        while todo:
            objgen = todo.pop()
            if objgen in seen or objgen in self.stops:
                continue
            seen.add(objgen)
            put(objgen, self._object_bytes(objgen))
            todo += self._refs_of(objgen)

        offsets[xref_num] = (position, 0)
        numbers = sorted(offsets)
        index: list[int] = [0, 1]  # object 0 heads the (empty) list of free objects
        rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
        for number in numbers:
            if index[-2] + index[-1] == number:
                index[-1] += 1
            else:
                index += [number, 1]
            offset, generation = offsets[number]
            rows.append(b"\x01" + offset.to_bytes(4, "big") + generation.to_bytes(2, "big"))
        ident = hashlib.md5(f"{dest.name}\0{first}\0{last}\0{title}".encode()).hexdigest()
        data = b"".join(rows)
        parts.append(
            b"%d 0 obj\n<< /Type /XRef /Size %d /Index [ %s ] /W [ 1 4 2 ] /Root %d 0 R "
            b"/Info %d 0 R /ID [ <%s> <%s> ] /Length %d >>\nstream\n%s\nendstream\nendobj\n"
            b"startxref\n%d\n%%%%EOF\n"
            % (xref_num, xref_num + 1, b" ".join(b"%d" % i for i in index), catalog_num,
               info_num, ident.encode(), ident.encode(), len(data), data, position)
        )  # fmt: skip
        return b"".join(parts)

    # -- the pages

    def _page(self, obj: pikepdf.Object, inside: set[ObjGen],
              overlay: Overlay | None) -> pikepdf.Dictionary:  # fmt: skip
        page = pikepdf.Dictionary({k: v for k, v in obj.items() if k != "/Parent"})
        for key in INHERITED:
            if key not in page:
                value = inherited(obj, key)
                if value is not None:
                    page[key] = value
        annots = obj.get("/Annots")
        if annots is not None:  # links to pages outside the piece would point at nothing
            kept = [a for a in annots if self._links_to(a) <= inside]
            if len(kept) != len(annots):
                page["/Annots"] = pikepdf.Array(kept)
        if overlay is not None:
            self._add_overlay(page, overlay)
        return page

    def _add_overlay(self, page: pikepdf.Dictionary, overlay: Overlay) -> None:
        """Draw ``overlay`` over ``page``, fitted to its media box as pikepdf's
        ``add_overlay`` does: the page's content in ``q … Q``, then the form."""
        box = tuple(float(v) for v in page.get("/MediaBox", overlay.box))
        contents = page.get("/Contents")
        if contents is None:
            streams: list[pikepdf.Object] = []
        elif isinstance(contents, pikepdf.Array):
            streams = list(contents)
        else:
            streams = [contents]
        page["/Contents"] = pikepdf.Array([self._save_state, *streams,
                                           self._overlay_call(box, overlay.box)])  # fmt: skip
        resources = pikepdf.Dictionary(page.get("/Resources") or {})
        xobjects = pikepdf.Dictionary(resources.get("/XObject") or {})
        xobjects[OVERLAY] = overlay.form
        resources["/XObject"] = xobjects
        page["/Resources"] = resources

    def _overlay_call(self, page_box: tuple[float, ...],
                      form_box: tuple[float, ...]) -> pikepdf.Object:  # fmt: skip
        key = page_box + form_box
        if key not in self._overlay_calls:
            px0, py0, px1, py1 = page_box
            fx0, fy0, fx1, fy1 = form_box
            scale = min((px1 - px0) / (fx1 - fx0), (py1 - py0) / (fy1 - fy0))
            tx = px0 + ((px1 - px0) - (fx1 - fx0) * scale) / 2 - fx0 * scale
            ty = py0 + ((py1 - py0) - (fy1 - fy0) * scale) / 2 - fy0 * scale
            call = f"\nQ\nq {scale:.6g} 0 0 {scale:.6g} {tx:.6g} {ty:.6g} cm {OVERLAY} Do Q\n"
            self._overlay_calls[key] = self.pdf.make_indirect(
                pikepdf.Stream(self.pdf, call.encode()))
            self._next = None
        return self._overlay_calls[key]

    def _links_to(self, annot: pikepdf.Object) -> frozenset[ObjGen]:
        """The pages an annotation reaches (a link's destination, its /P)."""
        if not annot.is_indirect:
            return frozenset(self._pages_reached(self._direct_refs(annot)))
        key = annot.objgen
        if key not in self._page_links:
            self._page_links[key] = frozenset(self._pages_reached(self._refs_of(key)))
        return self._page_links[key]

    def _pages_reached(self, start: list[ObjGen] | tuple[ObjGen, ...]) -> set[ObjGen]:
        reached: set[ObjGen] = set()
        todo, seen = list(start), set()
        while todo:
            objgen = todo.pop()
            if objgen in seen:
                continue
            seen.add(objgen)
            if objgen in self.page_ids:
                reached.add(objgen)
            elif objgen not in self.stops:
                todo += self._refs_of(objgen)
        return reached

    # -- objects, serialised once

    def _object_bytes(self, objgen: ObjGen) -> bytes:
        cached = self._bytes.get(objgen)
        if cached is None:
            obj = self.pdf.get_object(objgen)
            if isinstance(obj, pikepdf.Stream):
                raw = obj.read_raw_bytes()  # as stored: compressed streams stay compressed
                head = pikepdf.Dictionary(obj.stream_dict)
                head["/Length"] = len(raw)
                body = head.unparse(resolved=True) + b"\nstream\n" + raw + b"\nendstream"
            else:
                body = obj.unparse(resolved=True)
            cached = b"%d %d obj\n%s\nendobj\n" % (objgen[0], objgen[1], body)
            self._bytes[objgen] = cached
        return cached

    def _refs_of(self, objgen: ObjGen) -> tuple[ObjGen, ...]:
        refs = self._refs.get(objgen)
        if refs is None:
            obj = self.pdf.get_object(objgen)
            if isinstance(obj, pikepdf.Stream):
                obj = obj.stream_dict
            refs = tuple(self._direct_refs(obj))
            self._refs[objgen] = refs
        return refs

    def _direct_refs(self, obj: pikepdf.Object) -> list[ObjGen]:
        """The indirect objects ``obj`` refers to, without following them."""
        found: list[ObjGen] = []
        stack = [obj]
        first = True
        while stack:
            item = stack.pop()
            if not isinstance(item, pikepdf.Object):  # numbers, names: plain Python values
                continue
            if not first and item.is_indirect:
                found.append(item.objgen)
                continue
            first = False
            if isinstance(item, pikepdf.Dictionary):
                stack += item.values()
            elif isinstance(item, pikepdf.Array):
                stack += list(item)
        return found

    def _first_free(self) -> int:
        if self._next is None:
            probe = self.pdf.make_indirect(pikepdf.Dictionary())
            self._next = probe.objgen[0] + 1
        return self._next


def _page_tree_nodes(root: pikepdf.Object | None) -> list[pikepdf.Object]:
    nodes, todo, seen = [], [root], set()
    while todo:
        node = todo.pop()
        if not isinstance(node, pikepdf.Dictionary) or not node.is_indirect:
            continue
        if node.objgen in seen or node.get("/Type") != "/Pages":
            continue
        seen.add(node.objgen)
        nodes.append(node)
        todo += list(node.get("/Kids") or [])
    return nodes
