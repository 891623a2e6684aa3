"""PDF plug-in: text lines rebuilt from geometry into headings, paragraphs, list items and table cells.

Why geometry: a PDF has no paragraphs, only positioned glyphs. The backends give us lines; the
block structure rules need (a heading path for "section", a table cell for "evidence in a table
row", a running header kept apart so it counts once) has to be inferred from font size, line
pitch, indentation, x gaps and ruling lines. Both engines feed the same `_Line` model, so the
layout rules live once (`_layout`).

Default engine pypdfium2: one `get_text_range()` per page gives the lines in content-stream order
(columns stay intact; U+FFFE marks a line-end hyphen pdfium would otherwise hide). Geometry is
fetched per *line*, not per character: `FPDFText_CountRects/GetRect` over the line's char range,
plus size, baseline and font name of one representative char. Characters are only touched one by
one to find where a line splits at a big gap (table cells, list markers). The geometry of a page
is fetched once: a page with ruled tables is cut again at the table borders from the same rects
and char boxes, without new PDFium calls. Font size is the
char's `FontSize x sqrt|det(matrix)|`: `FPDFText_GetFontSize` alone is 1.0 in every PDF that
scales its text with the matrix (Word via Acrobat, most of the wild corpus).

pdfplumber engine (and recovery path when pdfium cannot open a file): words in text-flow order,
x_tolerance=1.5 after `dedupe_chars()` (research/extraction.md section 4), ruling lines from
`page.edges`, then the same layout.

Speed (GeoTopo-komprimiert.pdf, 117 pages, this 2-core VM, median of 5 runs, open+close included):
plain `get_text_range()` 560 pages/s; this default path 245 pages/s (2.3x the plain cost).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import math
import operator
import re
import statistics
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from govcheck.extract.base import ExtractOptions
from govcheck.model import Block, Extracted, Unreadable

FORMAT = "pdf"
EXTENSIONS: tuple[str, ...] = (".pdf",)
LABEL = "PDF"

NO_TEXT = "no text layer — rerun with --ocr"

# Glyphs that are always list bullets (Symbol/Wingdings bullets land in the private-use area).
_BULLETS = frozenset("•◦▪▫●○■□►▸‣⁃∙\uf0b7\uf0a7\uf0a8\uf0d8\uf0fc\uf076\uf06e\uf0e0\uf0d9\uf0fa\uf0a1\uf071")
# Glyphs that are bullets only when set apart from the text (hanging indent / tab after them).
_WEAK_BULLETS = frozenset("-–—*o·\u2212")
_ENUM = re.compile(r"^(?:\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)]|\d+(?:\.\d+)+\.?)$")
_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(\S.*)$")
_TOC_LINE = re.compile(r"(?:\.{3,}|…|_{3,}|\s{2,})\s*\d+\s*$")
_PAGE_NO = re.compile(
    r"^\W*(?:(?:sida|sidan|page|seite|p\.|s\.)\s*)?(?:\d{1,4}|[ivxlc]{1,6})"
    r"(?:\s*(?:av|of|von|/)\s*\d{1,4})?\W*$",
    re.IGNORECASE,
)
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_SEGMENT_END = re.compile(r"\r\n|[\r\n\f\ufffe]")
_WORD_CHAR = re.compile(r"\w")
_COORDINATORS = frozenset(["och", "eller", "samt", "respektive", "resp", "and", "or", "nor"])

_CELL_GAP = 1.2  # x gap, in ems, that separates table cells / columns on one baseline
_ZONE = 0.11  # top/bottom share of the page where running headers and footers live
_RULE_GLYPHS = re.compile(r"[|¦\[\]]+")  # what OCR makes of a table's vertical rules
_MAX_OBJECTS = 4000  # page objects inspected for ruling lines (charts can have tens of thousands)


# --------------------------------------------------------------------------------------------------
# The engine-neutral page model


@dataclass(slots=True)
class _Line:
    """One text line (or one cell fragment of it), coordinates in points, y growing upwards."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    base: float  # baseline y
    size: float  # effective font size
    bold: bool = False
    xt: float = 0.0  # x where the text proper starts (after a list marker)
    bullet: bool = False
    soft: bool = False  # ends with a line-end hyphen the backend marked as such
    runs: list[_Line] | None = None  # pieces separated by big gaps (cells), marker excluded


@dataclass(slots=True)
class _Page:
    number: int  # 1-based
    label: str | None
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)
    grids: list[tuple[list[float], list[float]]] = field(default_factory=list)  # ruled tables
    drawn: bool = False  # has images or vector graphics (a scan, or outlined text)
    error: str | None = None  # why the backend could not read this page
    ocr: bool = False  # lines come from OCR of the rendered page


@dataclass(slots=True)
class _Doc:
    pages: list[_Page]
    count: int
    meta_title: str | None


class _Encrypted(Exception):
    pass


class _Broken(Exception):
    """The backend could not read the file; args[0] is a short, one-line detail."""


# --------------------------------------------------------------------------------------------------
# Public interface


def sniff(head: bytes) -> bool:
    """`%PDF-` within the first 1024 bytes (readers tolerate junk before the header)."""
    return b"%PDF-" in head[:1024]


def extract(path: Path, options: ExtractOptions) -> Extracted:
    """Read a PDF into blocks; raise Unreadable with a one-line reason when there is no text to read."""
    head, tail = _ends(path)
    warnings: list[str] = []
    if options.pdf_engine == "pdfplumber":
        engine = "pdfplumber"
        try:
            doc = _read_plumber(path)
            if doc.pages and all(pg.error for pg in doc.pages):
                raise _Broken(doc.pages[0].error or "no page could be read")
        except _Encrypted:
            raise Unreadable("encrypted (password required)") from None
        except _Broken as exc:
            # pdfminer gives up on page trees pdfium repairs (a missing /MediaBox): the text still counts.
            doc = _open(_read_pdfium, path, head, tail)
            engine = "pypdfium2"
            warnings.append(f"pdfplumber could not read the file ({exc.args[0]}); text read by pypdfium2")
    else:
        engine = "pypdfium2"
        try:
            doc = _read_pdfium(path)
        except _Encrypted:
            raise Unreadable("encrypted (password required)") from None
        except _Broken as exc:
            # pdfium refuses files with a broken xref that pdfminer's lenient parser still reads.
            try:
                doc = _read_plumber(path)
            except (_Broken, _Encrypted):
                doc = None
            if doc is None or not any(p.lines for p in doc.pages):
                raise Unreadable(_corrupt(exc.args[0], head, tail)) from None
            engine = "pdfplumber"
            warnings.append(
                f"pypdfium2 could not read the file ({exc.args[0]}); text recovered by pdfplumber"
            )
    if doc.count == 0:
        raise Unreadable("no pages")
    failed = [p for p in doc.pages if p.error]
    if failed and len(failed) == len(doc.pages):
        raise Unreadable(f"corrupt PDF: {failed[0].error}")
    if failed:
        warnings.append(f"{_pages_phrase([p.number for p in failed])} could not be read ({failed[0].error})")

    ocr_done = _ocr_if_needed(path, doc, options, warnings)
    blocks, title = _layout(doc.pages)
    for i, block in enumerate(blocks):
        block.index = i
        block.ocr = block.page in ocr_done
    if ocr_done:
        from govcheck.extract.ocr import mark_confidence

        mark_confidence(blocks, ocr_done)
    if not title:
        title = _clean_meta_title(doc.meta_title)
    return Extracted(
        format=FORMAT,
        blocks=blocks,
        pages=doc.count,
        title=title,
        engine=engine + ("+tesseract" if ocr_done else ""),
        warnings=warnings,
    )


def _open(reader, path: Path, head: bytes, tail: bytes) -> _Doc:
    try:
        return reader(path)
    except _Encrypted:
        raise Unreadable("encrypted (password required)") from None
    except _Broken as exc:
        raise Unreadable(_corrupt(exc.args[0], head, tail)) from None


def _ends(path: Path) -> tuple[bytes, bytes]:
    """The first and last KB of the file, read in Python so that a permission problem is reported as such
    (pdfium would say "File access error", and the fallback "corrupt")."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 1024))
            tail = fh.read(1024)
    except OSError as exc:
        raise Unreadable(f"cannot open file: {exc.strerror or exc}") from None
    if not head:
        raise Unreadable("empty file")
    return head, tail


def _corrupt(detail: str, head: bytes, tail: bytes) -> str:
    """Why a PDF could not be opened, in the user's terms: backends only say "Data format error"."""
    if not sniff(head):
        return "not a PDF: no %PDF- header (damaged, or another format named .pdf)"
    if b"%%EOF" not in tail:
        return f"corrupt PDF: truncated (no end-of-file marker; {detail})"
    return f"corrupt PDF: {detail}"


# --------------------------------------------------------------------------------------------------
# Text-less pages and OCR


def _ocr_if_needed(path: Path, doc: _Doc, options: ExtractOptions, warnings: list[str]) -> dict:
    """Decide what to do with pages that have no text layer; OCR them into lines when asked.

    Returns the OCR'd pages (ocr.OcrPage, with word confidences) by number, for those whose lines now come
    from OCR. A document with no text layer at all is unreadable when OCR is off or fails; one with some
    image-only pages keeps its text and gets a warning.
    """
    textless = [p for p in doc.pages if not p.lines and not p.error]
    if not textless:
        return {}
    all_textless = len(textless) == len(doc.pages)
    targets = [p.number for p in textless if p.drawn] or (
        [p.number for p in textless] if all_textless else []
    )
    if not targets:
        return {}  # blank pages between text pages: nothing to read
    if not options.ocr:
        if all_textless:
            raise Unreadable(NO_TEXT)
        warnings.append(f"{_pages_phrase(targets)} no text layer (image-only) — rerun with --ocr")
        return {}
    from govcheck.extract.ocr import ocr_pages

    try:
        result = ocr_pages(path, targets, options.ocr_lang)
    except Unreadable as exc:
        if all_textless:
            raise
        warnings.append(f"{_pages_phrase(targets)} no text layer and were not read: {exc}")
        return {}
    by_number = {p.number: p for p in doc.pages}
    done: dict = {}
    for number, ocr_page in result.items():
        page = by_number[number]
        lines = [ln for ln in (_ocr_line(o) for o in ocr_page.lines) if ln is not None]
        if lines:
            page.lines, page.width, page.height, page.ocr = lines, ocr_page.width, ocr_page.height, True
            done[number] = ocr_page
    if all_textless and not done:
        raise Unreadable("no text layer, and OCR found no text")
    _snap_sizes([ln for p in doc.pages if p.ocr for ln in p.lines])
    if done:
        warnings.append(f"OCR used for {_pages_phrase(sorted(done))[:-5]}")
    return done


def _ocr_line(o) -> _Line | None:
    """An OCR line as a text-layer line: words far apart become runs (table cells), a bullet a marker."""
    size = o.size
    pieces: list[tuple[str, float, float]] = []
    marker_cut = False
    cut = False  # a table's vertical rule, read as "|", separates cells
    for w in o.words:
        if _RULE_GLYPHS.fullmatch(w.text):
            cut = True
            continue
        if pieces:
            gap = w.x0 - pieces[-1][2]
            after_marker = len(pieces) == 1 and _is_marker(pieces[0][0])
            if not cut and gap < _CELL_GAP * size and not after_marker:
                text, x0, _x1 = pieces[-1]
                pieces[-1] = (f"{text} {w.text}", x0, w.x1)
                continue
            marker_cut = marker_cut or after_marker
        pieces.append((w.text, w.x0, w.x1))
        cut = False
    if not pieces:
        return None
    return _make_line(pieces, o.bottom, o.top, o.base, size, False, False, True, marker_cut)


def _snap_sizes(lines: list[_Line]) -> None:
    """Snap OCR'd text heights to a few sizes: Tesseract's per-line estimate wobbles by a pixel or
    three, which would otherwise split paragraphs and promote body lines to headings."""
    if not lines:
        return
    weighted = sorted((ln.size, len(ln.text)) for ln in lines)
    clusters: list[list[tuple[float, int]]] = []
    for size, weight in weighted:
        if clusters and size <= clusters[-1][0][0] * 1.10:
            clusters[-1].append((size, weight))
        else:
            clusters.append([(size, weight)])
    snap: dict[float, float] = {}
    for cluster in clusters:
        total = sum(w for _s, w in cluster) or 1
        centre = sum(s * w for s, w in cluster) / total
        for size, _w in cluster:
            snap[size] = centre
    for ln in lines:
        ln.size = snap[ln.size]
        for run in ln.runs or ():
            run.size = ln.size


def _pages_phrase(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10]) + (", …" if len(numbers) > 10 else "")
    return f"page {shown} has" if len(numbers) == 1 else f"pages {shown} have"


# --------------------------------------------------------------------------------------------------
# pypdfium2 backend


def _read_pdfium(path: Path) -> _Doc:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise _Encrypted() from None
        raise _Broken(_pdfium_detail(str(exc))) from None
    except Exception as exc:
        raise _Broken(_short(exc)) from None
    try:
        count = len(pdf)
        try:
            meta_title = pdf.get_metadata_dict().get("Title") or None
        except Exception:
            meta_title = None
        reader = _PdfiumReader()
        pages: list[_Page] = []
        for i in range(count):
            try:
                pages.append(reader.page(pdf, i))
            except Exception as exc:
                if count == 1:
                    raise _Broken(_short(exc)) from None
                pages.append(_Page(number=i + 1, label=None, width=0, height=0, error=_short(exc)))
        return _Doc(pages=pages, count=count, meta_title=meta_title)
    except _Broken:
        raise
    except Exception as exc:
        raise _Broken(_short(exc)) from None
    finally:
        pdf.close()


class _OpaquePointer(ctypes.c_void_p):
    """A handle a function returns: a subclass stays a ctypes object (a plain c_void_p would come back
    as a Python int, which an argtypes-free call would pass on as a 32-bit int)."""


# PDFium functions called once per line, rect, char or page object, with their C return types.
_HOT_CALLS = {
    "FPDFText_CountRects": ctypes.c_int, "FPDFText_GetRect": ctypes.c_int, "FPDFText_GetCharBox": ctypes.c_int,
    "FPDFText_GetFontSize": ctypes.c_double, "FPDFText_GetMatrix": ctypes.c_int,
    "FPDFText_GetFontInfo": ctypes.c_ulong, "FPDFText_GetUnicode": ctypes.c_uint,
    "FPDFPage_GetObject": _OpaquePointer, "FPDFFormObj_GetObject": _OpaquePointer,
    "FPDFFormObj_CountObjects": ctypes.c_int, "FPDFPageObj_GetType": ctypes.c_int,
    "FPDFPageObj_GetBounds": ctypes.c_int, "FPDFPageObj_GetMatrix": ctypes.c_int,
}
_API: object | None = None


def _api(raw) -> object:
    """The hot PDFium functions without ctypes argument conversion: pypdfium2 declares argtypes, and
    checking and converting six arguments costs more than pdfium's own work for a GetRect (~1.7 vs
    ~0.7 us a call on the benchmark machine). Same C functions, same arguments (ints for indices,
    ctypes objects for handles and out-parameters), same results. Falls back to pypdfium2's typed
    functions when its library object is not where this version keeps it. Handles from these
    functions go only to these functions."""
    global _API
    if _API is not None:
        return _API
    api = type("_Api", (), {})()
    try:
        import pypdfium2_raw.bindings as bindings

        lib = bindings._libs["pdfium"]
        for name, restype in _HOT_CALLS.items():
            fn = lib[name]  # a new function object: pypdfium2's own stays typed
            fn.restype = restype
            setattr(api, name, fn)
    except Exception:
        api = type("_Api", (), {})()
        for name in _HOT_CALLS:
            setattr(api, name, getattr(raw, name))
    _API = api
    return api


# A pdfium text line's geometry: (text, text offset, first char, last char, ends with a soft hyphen,
# rects, size, baseline, bold, char-box centres fetched by the cut searches).
_Geom = tuple[str, int, int, int, bool, list[tuple[float, float, float, float]], float, float, bool,
              dict[int, float | None]]


class _PdfiumReader:
    """Per-line geometry through the raw PDFium API, with reusable ctypes out-parameters."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        self.raw = raw
        self.api = _api(raw)
        self.d = [ctypes.c_double() for _ in range(4)]
        self.refs = [ctypes.byref(d) for d in self.d]
        self.f = [ctypes.c_float() for _ in range(4)]
        self.frefs = [ctypes.byref(f) for f in self.f]
        self.matrix = raw.FS_MATRIX()
        self.matrix_ref = ctypes.byref(self.matrix)
        self.xf = _Transform(0, 0, 0, 0, 0)
        self.font_buf = ctypes.create_string_buffer(128)
        self.font_len = ctypes.c_ulong(len(self.font_buf))
        self.flags = ctypes.c_int()
        self.flags_ref = ctypes.byref(self.flags)
        self.bold_of: dict[tuple[bytes, int], bool] = {}  # (font name, flags) -> bold
        self.gaps: list[tuple[float, float, float]] = []  # wide gaps in lines of the current page
        self.aligned = True  # the current page's text indices are its char indices

    def page(self, pdf, i: int) -> _Page:
        page = pdf[i]
        try:
            left, bottom, right, top = page.get_bbox()
            label = _page_label(pdf, i)
            result = _Page(number=i + 1, label=label, width=right - left, height=top - bottom)
            rotation = page.get_rotation() % 360
            xf = self.xf = _Transform(left, bottom, result.width, result.height, rotation)
            if rotation in (90, 270):
                result.width, result.height = result.height, result.width
            textpage = page.get_textpage()
            try:
                n_chars = self.raw.FPDFText_CountChars(textpage.raw)
                text = textpage.get_text_range() if n_chars > 0 else ""
                if not text.strip():
                    result.drawn = self.objects(page.raw, xf)[0]
                    return result
                # Ruling lines are only looked up when two lines have wide gaps one above the other
                # (table columns): walking every page object costs as much as reading the text.
                self.gaps = []
                tp = textpage.raw
                geoms = self.geometry(tp, text, n_chars, xf)
                result.lines = self.lines(tp, geoms, [])
                if _aligned_gaps(self.gaps):
                    result.drawn, hr, vr = self.objects(page.raw, xf)
                    result.grids = _grids(hr, vr)
                    if result.grids:
                        # Only the cuts depend on the table borders: the geometry is reused.
                        result.lines = self.lines(tp, geoms, _borders(result.grids))
            finally:
                textpage.close()
            return result
        finally:
            page.close()

    # -- ruling lines ------------------------------------------------------------------------------

    def objects(self, page_raw, xf: _Transform):
        """(has drawn content, horizontal rules, vertical rules) from path objects, forms included."""
        raw, api = self.raw, self.api
        hr: list[tuple[float, float, float]] = []
        vr: list[tuple[float, float, float]] = []
        n = raw.FPDFPage_CountObjects(page_raw)
        if n <= 0:
            return False, hr, vr
        get_type, get_bounds = api.FPDFPageObj_GetType, api.FPDFPageObj_GetBounds  # type: ignore[attr-defined]
        path_t, form_t, text_t = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_TEXT
        f, frefs = self.f, self.frefs
        drawn = False
        budget = _MAX_OBJECTS
        # (container or None for the page, object count, matrix to page space or None, depth)
        todo: list[tuple[object, int, tuple[float, ...] | None, int]] = [(None, n, None, 0)]
        upright = xf.rot == 0
        while todo and budget > 0:
            container, count, m, depth = todo.pop()
            if container is None:
                get, owner = api.FPDFPage_GetObject, page_raw  # type: ignore[attr-defined]
            else:
                get, owner = api.FPDFFormObj_GetObject, container  # type: ignore[attr-defined]
            for k in range(min(count, budget)):
                obj = get(owner, k)
                kind = get_type(obj)
                if kind == text_t:
                    continue
                if kind == path_t:
                    drawn = True
                    if get_bounds(obj, *frefs):
                        box = (f[0].value, f[1].value, f[2].value, f[3].value)
                        if m is not None:
                            box = _apply_matrix(m, box)
                        if upright:
                            box = (box[0] - xf.left, box[1] - xf.bottom, box[2] - xf.left, box[3] - xf.bottom)
                        else:
                            box = xf.box(*box)
                        _add_rule(box, hr, vr, xf)
                elif kind == form_t:
                    if depth < 3:
                        fm = raw.FS_MATRIX()
                        own = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
                        if api.FPDFPageObj_GetMatrix(obj, ctypes.byref(fm)):  # type: ignore[attr-defined]
                            own = (fm.a, fm.b, fm.c, fm.d, fm.e, fm.f)
                        full = own if m is None else _compose(own, m)
                        todo.append((obj, api.FPDFFormObj_CountObjects(obj), full, depth + 1))  # type: ignore[attr-defined]
                else:  # images, shadings
                    drawn = True
            budget -= count
        return drawn, hr, vr

    # -- text lines --------------------------------------------------------------------------------

    def geometry(self, tp, text: str, n_chars: int, xf: _Transform) -> list[_Geom]:
        """Every pdfium text line (line breaks and U+FFFE hyphens) in content-stream order, with its
        rects, size, baseline and boldness: all the PDFium calls a line needs except the cuts'."""
        raw, api = self.raw, self.api
        aligned = self.aligned = len(text) == n_chars
        to_char = (lambda t: t) if aligned else (lambda t: raw.FPDFText_GetCharIndexFromTextIndex(tp, t))
        d = self.d
        d0, d1, d2, d3 = d
        refs = self.refs
        r0, r1, r2, r3 = refs
        count_rects, get_rect = api.FPDFText_CountRects, api.FPDFText_GetRect  # type: ignore[attr-defined]
        get_size, get_matrix = api.FPDFText_GetFontSize, api.FPDFText_GetMatrix  # type: ignore[attr-defined]
        mt, mt_ref = self.matrix, self.matrix_ref
        bold_of = self.bold
        word_char = _WORD_CHAR.search
        upright = xf.rot == 0
        dx, dy = xf.left, xf.bottom
        sqrt = math.sqrt
        out: list[_Geom] = []
        pos = 0
        for m in _SEGMENT_END.finditer(text + "\n"):
            soft = m.group() == "\ufffe"
            start, end = pos, m.start()
            pos = m.end()
            seg = text[start:end]
            stripped = seg.strip()
            if not stripped:  # (a lone soft hyphen has no text either)
                continue
            start += len(seg) - len(seg.lstrip())
            end = start + len(stripped)
            seg = stripped  # == text[start:end]
            c0, c1 = (start, end - 1) if aligned else (to_char(start), to_char(end - 1))
            if c0 < 0 or c1 < c0:
                continue
            rects: list[tuple[float, float, float, float]] = []
            n_rects = count_rects(tp, c0, c1 - c0 + 1)
            if upright:
                for k in range(n_rects):
                    if get_rect(tp, k, r0, r1, r2, r3):  # left, top, right, bottom
                        x0, y0, x1, y1 = d0.value - dx, d3.value - dy, d2.value - dx, d1.value - dy
                        if x1 > x0 or y1 > y0:
                            rects.append((x0, y0, x1, y1))
            else:
                for k in range(n_rects):
                    if get_rect(tp, k, r0, r1, r2, r3):
                        box = xf.box(d0.value, d3.value, d2.value, d1.value)
                        if box[2] > box[0] or box[3] > box[1]:
                            rects.append(box)
            if not rects:
                continue
            wm = word_char(seg)
            rep = to_char(start + wm.start()) if wm else c0
            if rep < 0:
                rep = c0
            size = get_size(tp, rep)
            base = None
            if get_matrix(tp, rep, mt_ref):
                size *= sqrt(abs(mt.a * mt.d - mt.b * mt.c)) or 1.0
                if upright and mt.b == 0 and mt.c == 0:
                    base = mt.f - dy  # the text object's origin: the baseline, one call cheaper than the char origin
            if not 0 < size < 500:
                size = max(1.0, rects[0][3] - rects[0][1])
            if base is None:
                base = rects[0][1]
                if raw.FPDFText_GetCharOrigin(tp, rep, r0, r1):
                    base = xf.point(d0.value, d1.value)[1]
            bold = bold_of(tp, rep)
            if bold and wm:
                last = _last_word_char(seg)
                if last is not None and last != wm.start():
                    bold = bold_of(tp, to_char(start + last))
            out.append((seg, start, c0, c1, soft, rects, size, base, bold, {}))
        return out

    def lines(self, tp, geoms: list[_Geom], vrules: list) -> list[_Line]:
        """The page's lines from their geometry, split into runs at big gaps and at `vrules`."""
        out: list[_Line] = []
        for g in geoms:
            if len(g[5]) == 1:  # one rect: no gap to cut at (most lines)
                seg, r = g[0], g[5][0]
                line = _single_line(seg, r[0], r[2], r[1], r[3], g[7], g[6], g[8], g[4])
            else:
                line = self.segment(tp, g, vrules)
            if line is not None:
                _append_line(out, line)
        return [ln for ln in out if ln.text]

    def segment(self, tp, g: _Geom, vrules: list) -> _Line | None:
        """A line of several rects: split into runs at big gaps, at ruling lines, and after a
        set-apart list marker."""
        seg, start, c0, c1, soft, rects, size, base, bold, centres = g
        cuts: list[tuple[int, float]] = []  # (rect index that starts a new run, x of the cut)
        marker_cut = False  # the first cut only sets a (possible) list marker apart
        first_crosses = False  # the first cut is a table border
        big = _CELL_GAP * size
        word_space, wide, marker_gap = 0.15 * size, 0.45 * size, 0.3 * size
        narrow_first = rects[0][2] - rects[0][0] <= 2.5 * size
        gaps = self.gaps
        lefts, bottoms, rights, tops = zip(*rects, strict=True)
        # Only gaps wider than a word space matter (negative: not left-to-right, as in RTL or overprint);
        # they are picked out in one comprehension, the loop then sees a third of the rect pairs.
        wider = [k for k, gap in enumerate(map(operator.sub, lefts[1:], rights), 1) if not gap < word_space]
        for k in wider:
            a, b = rects[k - 1], rects[k]
            gap = b[0] - a[2]
            if gap >= wide and (k > 1 or not narrow_first):
                gaps.append((a[2], b[0], base))
            crosses = False
            if vrules:
                mid_y = (b[1] + b[3]) / 2
                crosses = any(a[2] - 1 <= x <= b[0] + 1 and y0 <= mid_y <= y1 for x, y0, y1 in vrules)
            if gap >= big or crosses:
                cuts.append((k, (a[2] + b[0]) / 2))
                first_crosses = first_crosses or (crosses and k == 1)
            elif k == 1 and narrow_first and gap >= marker_gap:
                cuts.append((k, (a[2] + b[0]) / 2))
                marker_cut = True
        bottom = min(bottoms)
        top = max(tops)
        if not cuts:
            return _single_line(seg, lefts[0], max(rights), bottom, top, base, size, bold, soft)
        bounds = [0]  # text offsets in seg where runs start
        firsts = [0]  # rect index where runs start
        n = len(seg)
        for k, x in cuts:
            ti = self.split_at(tp, c0, c1, x, self.aligned, centres)
            if ti is not None and bounds[-1] < ti - start < n:
                bounds.append(ti - start)
                firsts.append(k)
            elif k == 1:
                marker_cut = False
        bounds.append(n)
        firsts.append(len(rects))
        pieces: list[tuple[str, float, float]] = []
        for r in range(len(bounds) - 1):  # firsts rise strictly: no empty slice
            g0, g1, f0, f1 = bounds[r], bounds[r + 1], firsts[r], firsts[r + 1]
            pieces.append((seg[g0:g1], min(lefts[f0:f1]), max(rights[f0:f1])))
        marker_ok = marker_cut or (
            not first_crosses and len(pieces) > 1 and pieces[1][1] - pieces[0][2] <= 3 * size
        )
        return _make_line(pieces, bottom, top, base, size, bold, soft, marker_ok, marker_cut)

    def split_at(self, tp, c0: int, c1: int, x: float, aligned: bool,
                 centres: dict[int, float | None] | None = None) -> int | None:
        """Text index of the first visible char right of x: a binary search, since the chars of
        one line run left to right (generated spaces sort where they sit). `centres` keeps the char
        boxes fetched for earlier cuts of the same line (None: the char has no box)."""
        raw, api = self.raw, self.api
        d0, d1, d2, d3 = self.d
        r0, r1, r2, r3 = self.refs
        get_box = api.FPDFText_GetCharBox  # type: ignore[attr-defined]  # left, right, bottom, top
        xf = self.xf
        upright = xf.rot == 0
        if centres is None:
            centres = {}
        lo, hi = c0, c1 + 1
        while lo < hi:
            mid = (lo + hi) // 2
            if mid in centres:
                centre = centres[mid]
            elif get_box(tp, mid, r0, r1, r2, r3):
                if upright:
                    centre = centres[mid] = (d0.value + d1.value) / 2 - xf.left
                else:
                    box = xf.box(d0.value, d2.value, d1.value, d3.value)
                    centre = centres[mid] = (box[0] + box[2]) / 2
            else:
                centre = centres[mid] = None
            cx = x - 1 if centre is None else centre  # no box (generated char): left of the cut
            if cx >= x:
                hi = mid
            else:
                lo = mid + 1
        c = lo
        get_unicode = api.FPDFText_GetUnicode  # type: ignore[attr-defined]
        while c <= c1 and get_unicode(tp, c) in (32, 0xA0, 13, 10):
            c += 1
        if c > c1:
            return None
        ti = c if aligned else raw.FPDFText_GetTextIndexFromCharIndex(tp, c)
        return ti if ti >= 0 else None

    def bold(self, tp, idx: int) -> bool:
        n = self.api.FPDFText_GetFontInfo(tp, idx, self.font_buf, self.font_len, self.flags_ref)  # type: ignore[attr-defined]
        key = (self.font_buf.value if n else b"", self.flags.value)
        found = self.bold_of.get(key)
        if found is None:
            name = key[0].decode("latin-1", "replace").lower()
            found = self.bold_of[key] = any(w in name for w in ("bold", "black", "heavy", "semibold", "demi")) or (
                bool(key[1] & 0x40000))  # FXFONT_FORCE_BOLD (weights are unreliable: 400 for bold)
        return found


def _aligned_gaps(gaps: list[tuple[float, float, float]]) -> bool:
    """True when gaps of two different lines overlap horizontally, as column gaps of a table do."""
    gaps.sort()
    return any(b0 < a1 and abs(ya - yb) > 1 for (_a0, a1, ya), (b0, _b1, yb) in pairwise(gaps))


def _page_label(pdf, i: int) -> str | None:
    try:
        label = pdf.get_page_label(i)
    except Exception:
        return None
    label = (label or "").strip()
    return label if label and label != str(i + 1) else None


def _last_word_char(seg: str) -> int | None:
    for k in range(len(seg) - 1, -1, -1):
        if seg[k].isalnum():
            return k
    return None


class _Transform:
    """Page space -> upright page space with the origin at the visible box's lower left."""

    __slots__ = ("bottom", "h", "left", "rot", "w")

    def __init__(self, left: float, bottom: float, width: float, height: float, rotation: int) -> None:
        self.left, self.bottom, self.w, self.h, self.rot = left, bottom, width, height, rotation

    def point(self, x: float, y: float) -> tuple[float, float]:
        x -= self.left
        y -= self.bottom
        if self.rot == 90:
            return y, self.w - x
        if self.rot == 180:
            return self.w - x, self.h - y
        if self.rot == 270:
            return self.h - y, x
        return x, y

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
        if self.rot == 0:
            return x0 - self.left, y0 - self.bottom, x1 - self.left, y1 - self.bottom
        ax, ay = self.point(x0, y0)
        bx, by = self.point(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _apply_matrix(m: tuple[float, ...], box: tuple[float, float, float, float]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[3]), (box[0], box[3]), (box[2], box[1])):
        xs.append(a * x + c * y + e)
        ys.append(b * x + d * y + f)
    return min(xs), min(ys), max(xs), max(ys)


def _compose(inner: tuple[float, ...], outer: tuple[float, ...]) -> tuple[float, ...]:
    a1, b1, c1, d1, e1, f1 = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a1 * a2 + b1 * c2,
        a1 * b2 + b1 * d2,
        c1 * a2 + d1 * c2,
        c1 * b2 + d1 * d2,
        e1 * a2 + f1 * c2 + e2,
        e1 * b2 + f1 * d2 + f2,
    )


def _add_rule(box, hr: list, vr: list, xf: _Transform | None) -> None:
    """Thin paths are rules; boxes (cell backgrounds, rectangle borders) give their four edges."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if h <= 3 and w >= 6:
        hr.append((x0, x1, (y0 + y1) / 2))
    elif w <= 3 and h >= 6:
        vr.append(((x0 + x1) / 2, y0, y1))
    elif w > 3 and h > 3 and xf is not None and w * h < 0.8 * xf.w * xf.h:
        hr.extend(((x0, x1, y0), (x0, x1, y1)))
        vr.extend(((x0, y0, y1), (x1, y0, y1)))


def _pdfium_detail(msg: str) -> str:
    m = re.search(r"PDFium: ([^)]*)", msg)
    return (m.group(1) if m else msg).strip().rstrip(".") or "unreadable"


# --------------------------------------------------------------------------------------------------
# pdfplumber backend


def _read_plumber(path: Path) -> _Doc:
    import pdfplumber

    # pdfminer logs every repair it makes ("MediaBox missing ...") as a warning: noise on the user's
    # terminal for a file whose problems end up in the report anyway.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        if _is_password_error(exc):
            raise _Encrypted() from None
        raise _Broken(_short(exc)) from None
    try:
        try:
            meta_title = str(pdf.metadata.get("Title") or "") or None
        except Exception:
            meta_title = None
        pages: list[_Page] = []
        plumber_pages = pdf.pages
        for i, page in enumerate(plumber_pages):
            try:
                pages.append(_plumber_page(page, i))
            except Exception as exc:
                if _is_password_error(exc):
                    raise _Encrypted() from None
                pages.append(_Page(number=i + 1, label=None, width=0, height=0, error=_short(exc)))
            finally:
                page.close()
        return _Doc(pages=pages, count=len(plumber_pages), meta_title=meta_title)
    except (_Encrypted, _Broken):
        raise
    except Exception as exc:
        if _is_password_error(exc):
            raise _Encrypted() from None
        raise _Broken(_short(exc)) from None
    finally:
        _close_quietly(pdf)


def _close_quietly(pdf) -> None:
    """pdfplumber's close() builds the page list it closes: on a broken page tree it raises what opening
    the pages raised (found by fuzzing: a damaged /MediaBox -> TypeError). The reason is already known."""
    with contextlib.suppress(Exception):
        pdf.close()


def _plumber_page(page, i: int) -> _Page:
    height = float(page.height)
    label = None
    try:
        raw_label = page.page_obj.label
        if raw_label is not None and str(raw_label).strip() not in ("", str(i + 1)):
            label = str(raw_label).strip()
    except Exception:
        label = None
    result = _Page(number=i + 1, label=label, width=float(page.width), height=height)
    result.drawn = bool(page.images or page.rects or page.lines or page.curves)
    x_off, top_off = float(page.bbox[0]), float(page.bbox[1])
    hr: list[tuple[float, float, float]] = []
    vr: list[tuple[float, float, float]] = []
    for e in page.edges:
        x0, x1 = float(e["x0"]) - x_off, float(e["x1"]) - x_off
        y0, y1 = height - (float(e["bottom"]) - top_off), height - (float(e["top"]) - top_off)
        _add_rule((x0, y0, x1, y1), hr, vr, None)
    result.grids = _grids(hr, vr)
    borders = _borders(result.grids)
    words = page.dedupe_chars().extract_words(
        x_tolerance=1.5, y_tolerance=3, use_text_flow=True, extra_attrs=["size", "fontname"]
    )
    current: list[dict] = []
    for w in words:
        if current:
            prev = current[-1]
            size = float(prev["size"]) or 10.0
            same_line = (
                abs(float(w["bottom"]) - float(prev["bottom"])) <= 0.5 * size
                and float(w["x0"]) >= float(prev["x1"]) - 1
            )
            if not same_line:
                _append_line(result.lines, _plumber_line(current, height, top_off, x_off, borders))
                current = []
        current.append(w)
    if current:
        _append_line(result.lines, _plumber_line(current, height, top_off, x_off, borders))
    result.lines = [ln for ln in result.lines if ln.text]
    return result


def _plumber_line(words: list[dict], height: float, top_off: float, x_off: float, vrules) -> _Line:
    sizes = Counter()
    for w in words:
        sizes[round(float(w["size"]), 1)] += len(w["text"])
    size = sizes.most_common(1)[0][0] or 10.0
    first = next((w for w in words if _WORD_CHAR.search(w["text"])), words[0])
    bold = "bold" in str(first.get("fontname", "")).lower()
    pieces: list[tuple[str, float, float]] = []
    marker_ok = True
    text, px0, px1 = "", 0.0, 0.0
    for k, w in enumerate(words):
        wx0, wx1 = float(w["x0"]) - x_off, float(w["x1"]) - x_off
        if k:
            gap = wx0 - px1
            mid_y = height - (float(w["top"]) + float(w["bottom"])) / 2 + top_off
            crosses = any(px1 - 1 <= x <= wx0 + 1 and y0 <= mid_y <= y1 for x, y0, y1 in vrules)
            marker = k == 1 and gap >= 0.3 * size and _is_marker(text)
            if gap >= _CELL_GAP * size or (crosses and gap > 0.15 * size) or marker:
                if not pieces and (crosses or gap > 3 * size):
                    marker_ok = False
                pieces.append((text, px0, px1))
                text, px0 = "", wx0
            else:
                text += " "
        else:
            px0 = wx0
        text += w["text"]
        px1 = wx1
    pieces.append((text, px0, px1))
    top = height - (min(float(w["top"]) for w in words) - top_off)
    bottom = height - (max(float(w["bottom"]) for w in words) - top_off)
    base = bottom + 0.2 * size  # pdfminer boxes reach the font's descent; close enough for pitch
    soft = words[-1]["text"].endswith("\u00ad")
    return _make_line(pieces, bottom, top, base, size, bold, soft, marker_ok)


def _is_password_error(exc: BaseException) -> bool:
    seen = 0
    while exc is not None and seen < 5:
        name = type(exc).__name__.lower()
        if "password" in name or "encrypt" in name or "password" in str(exc).lower():
            return True
        exc = (
            exc.__cause__
            or exc.__context__
            or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
        )
        seen += 1
    return False


# --------------------------------------------------------------------------------------------------
# Building lines (shared)


def _clean(text: str) -> str:
    if text.isprintable():  # no tab, line break or other control character: nothing to do
        return text
    return _CTRL.sub("", text.replace("\r\n", "\n").replace("\t", " ").replace("\n", " "))


def _is_marker(text: str) -> bool:
    t = text.strip()
    return bool(t) and ((len(t) == 1 and (t in _BULLETS or t in _WEAK_BULLETS)) or bool(_ENUM.match(t)))


def _make_line(
    pieces, bottom, top, base, size, bold, soft, marker_ok: bool = True, marker_cut: bool = False
) -> _Line | None:
    """A line from its runs: strip a bullet glyph, remember where the text starts, mark soft hyphens."""
    if soft and pieces:
        text, x0, x1 = pieces[-1]
        text = text.rstrip()
        text = text[:-1] if text.endswith(("\ufffe", "\u00ad", "\x02")) else text
        pieces[-1] = (text.rstrip() + "-", x0, x1)
    cleaned: list[tuple[str, float, float]] = []
    x1 = 0.0  # the rightmost end, taken as max() would (the first of equals, a NaN only when first)
    for t, a, b in pieces:
        t = _clean(t).strip()
        if t:
            if not cleaned or b > x1:
                x1 = b
            cleaned.append((t, a, b))
    if not cleaned:
        return None
    x0 = cleaned[0][1]
    bullet = False
    xt = x0
    first = cleaned[0][0]
    if len(cleaned) >= 2 and marker_ok and _is_marker(first):
        xt = cleaned[1][1]
        if len(first) == 1:  # a bullet glyph: not part of the text
            bullet = True
            cleaned = cleaned[1:]
        else:  # an enumerator ("1.", "a)"): keep it, it is content; the text starts after it
            cleaned = [(first + " " + cleaned[1][0], x0, cleaned[1][2]), *cleaned[2:]]
    elif marker_cut and len(cleaned) >= 2:  # the gap after the first word was not a marker's after all
        cleaned = [(first + " " + cleaned[1][0], x0, cleaned[1][2]), *cleaned[2:]]
    if not bullet and cleaned[0][0][:1] in _BULLETS and (len(cleaned[0][0]) == 1 or cleaned[0][0][1].isspace()):
        first = cleaned[0][0]
        bullet = True
        cleaned[0] = (first[1:].lstrip(), x0, cleaned[0][2])
        if not cleaned[0][0]:
            cleaned = cleaned[1:]
            if not cleaned:  # a bullet alone: the item's text follows as the next piece of this line
                return _Line("", x0, x1, bottom, top, base, size, bold, x1, True, False)
    if len(cleaned) == 1:
        text = cleaned[0][0].strip()
        return _Line(text, x0, x1, bottom, top, base, size, bold, xt, bullet, soft) if text else None
    text = " ".join([p[0] for p in cleaned]).strip()
    if not text:
        return None
    line = _Line(text, x0, x1, bottom, top, base, size, bold, xt, bullet, soft)
    # The runs: cell fragments with the line's baseline and style (what `_part` makes, inlined).
    runs = line.runs = [_Line(t, a, b, bottom, top, base, size, bold, a) for t, a, b in cleaned]
    runs[-1].soft = soft
    return line


def _single_line(text: str, x0: float, x1: float, bottom: float, top: float, base: float, size: float,
                 bold: bool, soft: bool) -> _Line | None:
    """`_make_line` for a line of one run (most lines), without the piece lists."""
    if soft:
        text = text.rstrip()
        text = text[:-1] if text.endswith(("\ufffe", "\u00ad", "\x02")) else text
        text = text.rstrip() + "-"
    text = _clean(text).strip()
    if not text:
        return None
    bullet = False
    if text[0] in _BULLETS and (len(text) == 1 or text[1].isspace()):
        bullet = True
        text = text[1:].lstrip()
        if not text:  # a bullet alone: the item's text follows as the next piece of this line
            return _Line("", x0, x1, bottom, top, base, size, bold, x1, True, False)
    return _Line(text, x0, x1, bottom, top, base, size, bold, x0, bullet, soft)


def _part(line: _Line, text: str, x0: float, x1: float) -> _Line:
    """A cell fragment of a line (same baseline and style, own text and x range)."""
    return _Line(text, x0, x1, line.bottom, line.top, line.base, line.size, line.bold, x0)


def _append_line(out: list[_Line], line: _Line | None) -> None:
    """Add a line; a piece on the same baseline right of the previous line continues that line."""
    if line is None:
        return
    if out and not out[-1].text:  # a lone bullet glyph, waiting for its text
        prev = out.pop()
        if abs(prev.base - line.base) <= 0.5 * max(prev.size, line.size) and line.x0 >= prev.x0:
            line.bullet, line.xt, line.x0 = True, line.x0, prev.x0
    if not line.text:
        out.append(line)
        return
    if out:
        prev = out[-1]
        same = abs(prev.base - line.base) <= 0.25 * min(prev.size, line.size)
        if same and line.x0 >= prev.x1 - 1 and not line.bullet:
            gap = line.x0 - prev.x1
            if gap < _CELL_GAP * max(prev.size, line.size) and prev.runs is None and line.runs is None:
                prev.text = f"{prev.text} {line.text}"
                prev.x1 = line.x1
                prev.soft = line.soft
            else:
                runs = prev.runs or [_part(prev, prev.text, prev.x0, prev.x1)]
                runs.extend(line.runs or [_part(line, line.text, line.x0, line.x1)])
                prev.runs = runs
                prev.text = f"{prev.text} {line.text}"
                prev.x1 = line.x1
                prev.soft = line.soft
            prev.top = max(prev.top, line.top)
            prev.bottom = min(prev.bottom, line.bottom)
            return
    out.append(line)


# --------------------------------------------------------------------------------------------------
# Layout: lines -> blocks


@dataclass(slots=True)
class _Stats:
    body: float  # the body text size
    lead: float  # body line pitch in ems


@dataclass(slots=True)
class _Group:
    lines: list[_Line]
    role: str  # "furniture" | "text" | "bullet" | "cell"
    page: int
    cell: tuple[int, int] | None = None
    table: int | None = None  # page-local table id


@dataclass(slots=True)
class _Table:
    cols: list[float]  # left edges of the columns
    cells: dict[tuple[int, int], list[_Line]]
    first: int  # position of its first line in the page flow


def _stats(pages: list[_Page]) -> _Stats:
    sizes: Counter[float] = Counter()
    quantised: list[list[float]] = []  # _q of every line's size, page by page (used twice)
    for p in pages:
        qs = [round(ln.size * 2) / 2 for ln in p.lines]
        quantised.append(qs)
        for q, ln in zip(qs, p.lines, strict=True):
            sizes[q] += len(ln.text)
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    ratios: list[float] = []
    for p, qs in zip(pages, quantised, strict=True):
        lines = p.lines
        for k in range(1, len(lines)):
            if qs[k - 1] == body and qs[k] == body:
                a, b = lines[k - 1], lines[k]
                if abs(a.x0 - b.x0) < 2 * body:
                    r = (a.base - b.base) / body
                    if 0.9 < r < 2.2:
                        ratios.append(r)
    lead = statistics.median(ratios) if len(ratios) >= 3 else 1.2
    return _Stats(body=body, lead=min(max(lead, 1.0), 2.0))


def _q(size: float) -> float:
    return round(size * 2) / 2


def _layout(pages: list[_Page]) -> tuple[list[Block], str | None]:
    """Blocks for all pages, then headings and the title decided over the whole document."""
    stats = _stats(pages)
    per_page: list[tuple[_Page, list[_Group], dict[int, _Table]]] = []
    repeats = _repeats(pages)
    for page in pages:
        groups, tables = _page_groups(page, stats, repeats)
        per_page.append((page, groups, tables))

    # Heading candidates across the document; levels come from numbering, else from size rank.
    cands: list[tuple[_Group, int | None]] = []
    for _page, groups, _tables in per_page:
        for g in groups:
            if g.role == "text":
                is_heading, depth = _heading_candidate(g, stats)
                if is_heading:
                    cands.append((g, depth))
    title_group = _pick_title(pages, cands, stats)
    cands = [c for c in cands if c[0] is not title_group]
    depth_by_size: dict[float, Counter[int]] = {}
    for g, depth in cands:
        if depth is not None:
            depth_by_size.setdefault(_q(g.lines[0].size), Counter())[depth] += 1
    ranked = sorted({_q(g.lines[0].size) for g, _ in cands}, reverse=True)
    levels: dict[int, int] = {}
    for g, depth in cands:
        if depth is None:
            known = depth_by_size.get(_q(g.lines[0].size))
            depth = known.most_common(1)[0][0] if known else ranked.index(_q(g.lines[0].size)) + 1
        levels[id(g)] = min(depth, 6)

    blocks: list[Block] = []
    title: str | None = None
    table_no = -1
    open_table: tuple[list[float], int, int] | None = None  # (columns, table no, next row) at a page end
    for page, groups, tables in per_page:
        label = page.label
        numbering: dict[int, tuple[int, int]] = {}  # page-local table id -> (table no, row offset)
        body = [g for g in groups if g.role != "furniture"]
        for g in groups:
            if g.role == "cell" and g.table is not None:
                if g.table not in numbering:
                    table = tables[g.table]
                    if open_table is not None and g is body[0] and _same_columns(open_table[0], table.cols):
                        numbering[g.table] = (open_table[1], open_table[2])  # continued from the last page
                    else:
                        table_no += 1
                        numbering[g.table] = (table_no, 0)
                no, offset = numbering[g.table]
                row, col = g.cell or (0, 0)
                blocks.append(
                    Block(_join(g.lines), "table-cell", page.number, label, table=(no, row + offset, col))
                )
                continue
            text = _join(g.lines)
            if g is title_group:
                blocks.append(Block(text, "title", page.number, label))
                title = _join_title(g.lines)
            elif id(g) in levels:
                blocks.append(Block(text, "heading", page.number, label, level=levels[id(g)]))
            else:
                kind = "list-item" if g.role == "bullet" else "paragraph"
                blocks.append(Block(text, kind, page.number, label))
        open_table = None
        if body and body[-1].role == "cell" and body[-1].table is not None:
            last = tables[body[-1].table]
            no, offset = numbering[body[-1].table]
            open_table = (last.cols, no, offset + max(r for r, _ in last.cells) + 1)
    return blocks, title


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 3 for x, y in zip(a, b, strict=True))


def _page_groups(page: _Page, stats: _Stats, repeats: dict) -> tuple[list[_Group], dict[int, _Table]]:
    """Furniture first, then the page flow (paragraphs, list items, table cells), then furniture."""
    lines = page.lines
    if not lines:
        return [], {}
    head, foot = _furniture(page, stats, repeats)
    flow = [ln for k, ln in enumerate(lines) if k not in head and k not in foot]
    tables: dict[int, _Table] = {}
    slots: list[object] = []  # _Line or int (table id at its first line)

    # Ruled tables: lines inside a grid of ruling lines with at least two columns.
    grids = page.grids
    taken: dict[int, int] = {}
    if grids:
        for pos, ln in enumerate(flow):
            cy = (ln.bottom + ln.top) / 2
            for gi, (xs, ys) in enumerate(grids):
                if xs[0] - 2 <= (ln.x0 + ln.x1) / 2 <= xs[-1] + 2 and ys[-1] - 2 <= cy <= ys[0] + 2:
                    taken[pos] = gi
                    break
    grid_tables: dict[int, int] = {}
    for pos, ln in enumerate(flow):
        gi = taken.get(pos)
        if gi is None:
            slots.append(ln)
            continue
        xs, ys = grids[gi]
        if gi not in grid_tables:
            tid = len(tables)
            grid_tables[gi] = tid
            tables[tid] = _Table(cols=xs[:-1], cells={}, first=pos)
            slots.append(tid)
        table = tables[grid_tables[gi]]
        cy = (ln.bottom + ln.top) / 2
        row = sum(1 for y in ys[1:-1] if y > cy)
        for run in ln.runs or [ln]:
            col = max(0, min(len(xs) - 2, bisect_right(xs, (run.x0 + run.x1) / 2) - 1))
            table.cells.setdefault((row, col), []).append(run)

    # Unruled tables: consecutive lines with cells on one baseline and aligned columns.
    slots = _unruled_tables(slots, tables, stats)

    groups: list[_Group] = []
    groups.extend(
        _group_lines([lines[k] for k in sorted(head, key=lambda k: -lines[k].top)], page, stats, True)
    )
    run: list[_Line] = []
    for slot in slots:
        if isinstance(slot, _Line):
            run.append(slot)
            continue
        groups.extend(_group_lines(run, page, stats))
        run = []
        if isinstance(slot, list):  # text columns found by _unruled_tables
            for column in slot:
                groups.extend(_group_lines(column, page, stats))
            continue
        table = tables[slot]
        for (row, col), cell_lines in sorted(table.cells.items()):
            cell_lines.sort(key=lambda r: (-round(r.base, 0), r.x0))
            groups.append(_Group(cell_lines, "cell", page.number, cell=(row, col), table=slot))
    groups.extend(_group_lines(run, page, stats))
    groups.extend(
        _group_lines([lines[k] for k in sorted(foot, key=lambda k: -lines[k].top)], page, stats, True)
    )
    return groups, tables


def _repeats(pages: list[_Page]) -> dict[str, list[tuple[int, float]]]:
    """Margin lines by digit-masked text -> (page, top): running headers repeat at the same height."""
    seen: dict[str, list[tuple[int, float]]] = {}
    for p in pages:
        for ln in p.lines:
            centre = (ln.bottom + ln.top) / 2
            if centre >= p.height * (1 - _ZONE) or centre <= p.height * _ZONE:
                seen.setdefault(_mask(ln.text), []).append((p.number, ln.top))
    return seen


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _furniture(page: _Page, stats: _Stats, repeats: dict[str, list[tuple[int, float]]]) -> tuple[set[int], set[int]]:
    """Indices of running-header and running-footer lines: small text in the page margins that
    repeats on other pages, is a page number, or stands well apart from the body."""
    lines, height = page.lines, page.height
    if height <= 0 or len(lines) < 2:
        return set(), set()
    order = sorted(range(len(lines)), key=lambda k: -lines[k].top)

    def furniture_like(ln: _Line, sep: float) -> bool:
        if _PAGE_NO.match(ln.text) or sep >= 2.0 * ln.size:
            return True
        return any(n != page.number and abs(top - ln.top) <= 4 for n, top in repeats.get(_mask(ln.text), ()))

    def zone(seq: list[int], inside, gap_of) -> set[int]:
        keep: set[int] = set()
        for pos, k in enumerate(seq):
            ln = lines[k]
            if not inside(ln) or ln.size > stats.body + 0.4 or len(ln.text) > 200 or pos == len(seq) - 1:
                break
            if not furniture_like(ln, gap_of(ln, lines[seq[pos + 1]])):
                break
            keep.add(k)
        return keep

    top = zone(order, lambda ln: (ln.bottom + ln.top) / 2 >= height * (1 - _ZONE), lambda e, n: e.bottom - n.top)
    bottom = zone(
        [k for k in reversed(order) if k not in top],
        lambda ln: (ln.bottom + ln.top) / 2 <= height * _ZONE,
        lambda e, n: n.bottom - e.top,
    )
    return top, bottom


def _grids(hrules, vrules) -> list[tuple[list[float], list[float]]]:
    """Tables drawn with ruling lines: (column edges left->right, row edges top->bottom).

    Vertical rules that overlap in height form one table; it needs three edges (two columns):
    a single framed box is a text box, not a table.
    """
    if len(vrules) < 3:
        return []
    clusters: list[list[float]] = []  # [lo, hi, x, x, ...]; rules sorted by top, so only the last can grow
    for x, y0, y1 in sorted(vrules, key=lambda v: -v[2]):
        if clusters and y1 >= clusters[-1][0] - 2:
            cl = clusters[-1]
            cl[0] = min(cl[0], y0)
            cl.append(x)
        else:
            clusters.append([y0, y1, x])
    spans: list[tuple[float, float, float]] | None = None  # merged when a cluster first needs them
    grids: list[tuple[list[float], list[float]]] = []
    for cl in clusters:
        xs: list[float] = []
        for x in sorted(cl[2:]):
            if not xs or x - xs[-1] > 2:
                xs.append(x)
        if not 3 <= len(xs) <= 40 or any(b - a < 12 for a, b in pairwise(xs)):
            continue  # brackets and root signs of formulas are thin paths too, but close together
        y0, y1 = cl[0], cl[1]
        width = xs[-1] - xs[0]
        if spans is None:
            spans = _merge_hrules(hrules)
        ys = [y for hx0, hx1, y in spans if y0 - 2 <= y <= y1 + 2 and min(hx1, xs[-1]) - max(hx0, xs[0]) >= 0.5 * width]
        full = [y for hx0, hx1, y in spans if y0 - 2 <= y <= y1 + 2 and hx0 <= xs[0] + 3 and hx1 >= xs[-1] - 3]
        if len(full) < 2:
            continue  # a table is closed by rules across its full width at top and bottom
        merged: list[float] = []
        for y in sorted([*ys, y0, y1], reverse=True):
            if not merged or merged[-1] - y > 2:
                merged.append(y)
        if merged[0] - merged[-1] >= 6:
            grids.append((xs, merged))
    return grids


def _merge_hrules(hrules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Join collinear horizontal segments (Word draws each cell's border separately)."""
    rows: list[list[tuple[float, float, float]]] = []
    for h in sorted(hrules, key=lambda h: h[2]):
        if rows and h[2] - rows[-1][0][2] <= 1:
            rows[-1].append(h)
        else:
            rows.append([h])
    out: list[tuple[float, float, float]] = []
    for row in rows:
        y = row[0][2]
        cur: list[float] | None = None
        for x0, x1, _y in sorted(row):
            if cur is not None and x0 <= cur[1] + 2:
                cur[1] = max(cur[1], x1)
            else:
                if cur is not None:
                    out.append((cur[0], cur[1], y))
                cur = [x0, x1]
        if cur is not None:
            out.append((cur[0], cur[1], y))
    return out


def _borders(grids: list[tuple[list[float], list[float]]]) -> list[tuple[float, float, float]]:
    """Column edges of ruled tables as (x, y0, y1): text either side of one is in different cells."""
    return [(x, ys[-1], ys[0]) for xs, ys in grids for x in xs]


def _unruled_tables(slots: list[object], tables: dict[int, _Table], stats: _Stats) -> list[object]:
    """Find runs of lines that have cells on one baseline; long two-column prose becomes columns."""
    out: list[object] = []
    i = 0
    while i < len(slots):
        slot = slots[i]
        if not isinstance(slot, _Line) or not slot.runs:
            out.append(slot)
            i += 1
            continue
        cols = [r.x0 for r in slot.runs]
        rows: list[list[_Line]] = [[slot]]
        last = slot
        j = i + 1
        while j < len(slots):
            nxt = slots[j]
            if not isinstance(nxt, _Line):
                break
            size = max(last.size, nxt.size)
            drop = last.base - nxt.base
            if drop <= 0.3 * size or drop > 2.2 * stats.lead * size:
                break
            if nxt.runs:
                aligned = sum(1 for r in nxt.runs if any(abs(r.x0 - c) <= 4 for c in cols))
                if aligned * 2 < len(nxt.runs):
                    break
                for r in nxt.runs:
                    if not any(abs(r.x0 - c) <= 4 for c in cols):
                        cols.append(r.x0)
                cols.sort()
                rows.append([nxt])
            elif any(abs(nxt.x0 - c) <= 4 for c in cols) and drop <= 1.4 * stats.lead * size:
                rows[-1].append(nxt)
            else:
                break
            last = nxt
            j += 1
        if len(rows) < 2:
            out.append(slot)
            i += 1
            continue
        cells: dict[tuple[int, int], list[_Line]] = {}
        for r, members in enumerate(rows):
            for ln in members:
                for run in ln.runs or [ln]:
                    col = max(0, bisect_right(cols, run.x0 + 4) - 1)
                    cells.setdefault((r, col), []).append(run)
        texts = [len(" ".join(x.text for x in v)) for v in cells.values()]
        if len(cols) in (2, 3) and len(rows) >= 6 and sum(texts) / len(texts) >= 25:
            # Prose in columns written line by line across the page: read column by column.
            out.append(
                [[x for (_r, c), v in sorted(cells.items()) if c == k for x in v] for k in range(len(cols))]
            )
        else:
            tid = len(tables)
            tables[tid] = _Table(cols=cols, cells=cells, first=i)
            out.append(tid)
        i = j
    return out


def _group_lines(lines: list[_Line], page: _Page, stats: _Stats, furniture: bool = False) -> list[_Group]:
    """Join consecutive lines into paragraphs and list items."""
    groups: list[_Group] = []
    cur: _Group | None = None
    for ln in lines:
        if cur is not None and _continues(cur, ln, stats):
            cur.lines.append(ln)
            continue
        role = "furniture" if furniture else ("bullet" if ln.bullet else "text")
        cur = _Group([ln], role, page.number)
        groups.append(cur)
    return groups


def _continues(group: _Group, ln: _Line, stats: _Stats) -> bool:
    if ln.bullet:
        return False
    prev = group.lines[-1]
    first = group.lines[0]
    prev_size = prev.size
    size = ln.size if ln.size > prev_size else prev_size  # max(), spelt out: called for every line
    rel = 0.06 * size
    if abs(prev_size - ln.size) > (rel if rel > 0.5 else 0.5) or prev.bold != ln.bold:
        return False
    drop = prev.base - ln.base
    if drop <= 0.3 * size or drop > stats.lead * size * 1.2 + 0.5:
        return False
    tol = max(2.0, 0.35 * size)
    if group.role == "bullet":
        return abs(ln.x0 - first.xt) <= tol
    if len(group.lines) >= 2:
        return abs(ln.x0 - group.lines[1].x0) <= tol
    if abs(ln.x0 - first.x0) <= tol or abs(ln.x0 - first.xt) <= tol:
        return True
    return 0 < first.x0 - ln.x0 <= 3 * size  # first-line indent


def _heading_candidate(g: _Group, stats: _Stats) -> tuple[bool, int | None]:
    """(is a heading, depth of its numbering or None): short, unpunctuated, and larger/bold/numbered."""
    lines = g.lines
    if len(lines) > 3:
        return False, None
    text = " ".join([ln.text for ln in lines])
    first = lines[0]
    if len(text) > 200 or not any(map(str.isalpha, text)):
        return False, None
    if text.rstrip().endswith((".", ",", ";", ":", "!", "?")) or _TOC_LINE.search(text):
        return False, None
    m = _NUMBERED_HEADING.match(text)
    numbered = m is not None and m.group(2)[:1].isupper() and not re.match(r"^\d{4}\b", text)
    depth = len(m.group(1).split(".")) if numbered and m else None
    larger = first.size >= stats.body + 0.4
    if larger and (len(lines) <= 2 or first.size >= stats.body * 1.15):
        return True, depth
    if all(ln.bold for ln in lines) and len(lines) <= 2 and len(text) <= 120:
        return True, depth
    if numbered and len(lines) == 1 and len(text) <= 80:
        return True, depth
    return False, None


def _pick_title(pages: list[_Page], cands: list[tuple[_Group, int | None]], stats: _Stats) -> _Group | None:
    """The largest text on the first page with text, when clearly larger than body and later headings."""
    first = next((p.number for p in pages if p.lines), None)
    on_first = [(g, d) for g, d in cands if g.page == first]
    if not on_first:
        return None
    g, depth = max(on_first, key=lambda c: c[0].lines[0].size)
    size = g.lines[0].size
    if depth is not None or size < stats.body * 1.25:
        return None
    if any(h.lines[0].size >= size - 0.3 for h, _ in cands if h.page != first):
        return None
    return g


def _join(lines: list[_Line]) -> str:
    """Lines of a block joined with newlines; a line-end hyphen stays as "-\\n" for the normaliser."""
    return lines[0].text if len(lines) == 1 else "\n".join([ln.text for ln in lines])


def _join_title(lines: list[_Line]) -> str:
    """A wrapped title on one line: "2025–" + "2028" -> "2025–2028", soft "sam-" + "verkan" -> "samverkan"."""
    out = lines[0].text.strip()
    for prev, ln in pairwise(lines):
        t = ln.text.strip()
        word = t.split(" ", 1)[0].casefold()
        if prev.soft and out.endswith("-") and t[:1].islower() and word not in _COORDINATORS:
            out = out[:-1] + t
        elif out.endswith(("-", "–", "—", "/")) and t[:1].isdigit():
            out += t
        else:
            out += " " + t
    return re.sub(r"\s+", " ", out).strip()


def _clean_meta_title(title: str | None) -> str | None:
    if not title:
        return None
    title = re.sub(r"\s+", " ", _CTRL.sub("", title)).strip()
    title = re.sub(r"^Microsoft (?:Word|PowerPoint) - ", "", title)
    if (
        not title
        or title.lower() in ("untitled", "document", "dokument")
        or re.search(r"\.(docx?|odt|pdf)$", title, re.I)
    ):
        return None
    return title


def _short(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return text[:160]
