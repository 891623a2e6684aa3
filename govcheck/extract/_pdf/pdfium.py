"""Default engine, pypdfium2: lines in content-stream order with their geometry.

One `get_text_range()` per page gives the lines in content-stream order (columns stay intact;
U+FFFE marks a line-end hyphen pdfium would otherwise hide). Geometry is fetched per *line*, not
per character: `FPDFText_CountRects/GetRect` over the line's char range, plus size, baseline and
font name of one representative char. Characters are only touched one by one to find where a line
splits at a big gap (table cells, list markers). The geometry of a page is fetched once: a page with
ruled tables is cut again at the table borders from the same rects and char boxes, without new
PDFium calls. Font size is the char's `FontSize x sqrt|det(matrix)|`: `FPDFText_GetFontSize` alone
is 1.0 in every PDF that scales its text with the matrix (Word via Acrobat, most of the wild corpus).

Speed (GeoTopo-komprimiert.pdf, 117 pages, this 2-core VM, median of 5 runs, open+close included):
plain `get_text_range()` 560 pages/s; this default path 245 pages/s (2.3x the plain cost).

On upright pages the line pass (`geometry`), the building of the `_Line`s with their runs (`lines`:
`segment`, and lines.py's `_make_line`/`_single_line`/`_append_line`) and the object walk (`objects`;
with geometry.py's `_grids` after it, `page_grids`) run in `_native.c` when it was compiled at install:
the same PDFium calls and float arithmetic without a ctypes round trip each, the `_Line` objects made in
C, the ruling lines never made Python objects (bench/RESULTS.md, seventh, tenth and sixteenth sessions).
The Python methods stay: they are the fallback, the reference the tests compare the helper against, and
the path for rotated pages.
"""

from __future__ import annotations

import ctypes
import math
import operator
import os
import re
from array import array
from itertools import repeat
from pathlib import Path

from govcheck.extract._pdf.geometry import (
    _add_rule,
    _aligned_gaps,
    _apply_matrix,
    _borders,
    _compose,
    _grids,
    _Transform,
)
from govcheck.extract._pdf.lines import _BULLETS, _WEAK_BULLETS, _append_line, _make_line, _single_line
from govcheck.extract._pdf.model import (
    _CELL_GAP,
    _WORD_CHAR,
    _Broken,
    _Doc,
    _Encrypted,
    _Group,
    _Line,
    _Page,
    _short,
)

_SEGMENT_END = re.compile(r"\r\n|[\r\n\f\ufffe]")
_MAX_OBJECTS = 4000  # page objects inspected for ruling lines (charts can have tens of thousands)


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


# The PDFium functions `_native` calls, in the order its init() takes their addresses.
_NATIVE_CALLS = (
    "FPDFText_CountRects", "FPDFText_GetRect", "FPDFText_GetCharBox", "FPDFText_GetUnicode",
    "FPDFText_GetTextIndexFromCharIndex", "FPDFText_GetFontSize", "FPDFText_GetMatrix", "FPDFText_GetCharOrigin",
    "FPDFPage_CountObjects", "FPDFPage_GetObject", "FPDFFormObj_CountObjects", "FPDFFormObj_GetObject",
    "FPDFPageObj_GetType", "FPDFPageObj_GetBounds", "FPDFPageObj_GetMatrix", "FPDFText_GetCharIndexFromTextIndex",
    "FPDFText_GetFontInfo",
)
_NATIVE_ABI = 7
_NATIVE: object | None = None  # the compiled helper once loaded; False when it is not there
_NATIVE_TRIED = False


def _native() -> object | None:
    """The compiled helper (`_native.c`) bound to pypdfium2's PDFium, or None: not built (no compiler at
    install), built for another version of this file, GOVCHECK_PURE_PYTHON set, or pypdfium2 keeps its
    library elsewhere. Then the Python methods below do the same work, with the same results."""
    global _NATIVE, _NATIVE_TRIED
    if _NATIVE_TRIED:
        return _NATIVE or None
    _NATIVE_TRIED = True
    _NATIVE = False
    if os.environ.get("GOVCHECK_PURE_PYTHON"):
        return None
    try:
        import pypdfium2_raw.bindings as bindings

        from govcheck.extract._pdf import _native as module  # type: ignore[attr-defined]

        if getattr(module, "ABI", None) != _NATIVE_ABI:
            return None
        lib = bindings._libs["pdfium"]
        module.init([ctypes.cast(lib[name], ctypes.c_void_p).value for name in _NATIVE_CALLS])
        module.set_line_class(_Line, _BULLETS, _WEAK_BULLETS)
        module.set_group_class(_Group)
    except Exception:
        return None
    _NATIVE = module
    return module


def _address(handle) -> int:
    """A PDFium handle (a ctypes pointer) as the integer `_native` takes."""
    return ctypes.cast(handle, ctypes.c_void_p).value or 0


# A pdfium text line's geometry: (text, text offset, first char, last char, ends with a soft hyphen,
# rects, size, baseline, bold, char-box centres fetched by the cut searches). `_native.page_lines` gives
# its own form, read only by `_native.lines`: the rects packed as doubles in one bytes object (a line's
# rects are not made into Python tuples and floats at all), no memo of centres.
_Geom = tuple[str, int, int, int, bool, list[tuple[float, float, float, float]], float, float, bool,
              dict[int, float | None]]


class _PdfiumReader:
    """Per-line geometry through the raw PDFium API, with reusable ctypes out-parameters."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        self.raw = raw
        self.api = _api(raw)
        self.native = _native()
        # Out-parameters as one C array each, read back through a memoryview: unpacking four values from
        # it costs a quarter of four `.value` reads (the rect loop reads 70,000 rects on the sample).
        self.dbuf = (ctypes.c_double * 4)()
        self.d = memoryview(self.dbuf).cast("B").cast("d")
        # byref of c_double views into the array: typed pypdfium2 calls (GetCharOrigin) accept them too.
        self.refs = [ctypes.byref(ctypes.c_double.from_buffer(self.dbuf, 8 * k)) for k in range(4)]
        self.fbuf = (ctypes.c_float * 4)()
        self.f = memoryview(self.fbuf).cast("B").cast("f")
        self.frefs = [ctypes.byref(ctypes.c_float.from_buffer(self.fbuf, 4 * k)) for k in range(4)]
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
        self.tp_addr = 0  # the current text page's handle as `_native` takes it (ctypes.cast costs ~10 us)

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
                    result.drawn, result.grids = self.ruled(page.raw, xf)
                    if result.grids:
                        # Only the cuts depend on the table borders: the geometry is reused.
                        result.lines = self.lines(tp, geoms, _borders(result.grids))
            finally:
                textpage.close()
            return result
        finally:
            page.close()

    # -- ruling lines ------------------------------------------------------------------------------

    def ruled(self, page_raw, xf: _Transform) -> tuple[bool, list[tuple[list[float], list[float]]]]:
        """(has drawn content, table grids): `objects`, then `_grids` of its rules. The helper does both
        without making the rules Python objects (~185,000 tuples of three floats on the 200-document
        sample, for `_grids` to sort and scan in Python); None from it means a rule that is not finite,
        which Python judges."""
        if self.native is not None:
            got = self.native.page_grids(_address(page_raw), xf.left, xf.bottom, xf.w, xf.h, xf.rot)  # type: ignore[attr-defined]
            if got[1] is not None:
                return got
        drawn, hr, vr = self.objects(page_raw, xf)
        return drawn, _grids(hr, vr)

    def objects(self, page_raw, xf: _Transform):
        """(has drawn content, horizontal rules, vertical rules) from path objects, forms included."""
        if self.native is not None:
            return self.native.objects(_address(page_raw), xf.left, xf.bottom, xf.w, xf.h, xf.rot)  # type: ignore[attr-defined]
        raw, api = self.raw, self.api
        hr: list[tuple[float, float, float]] = []
        vr: list[tuple[float, float, float]] = []
        n = raw.FPDFPage_CountObjects(page_raw)
        if n <= 0:
            return False, hr, vr
        get_type, get_bounds = api.FPDFPageObj_GetType, api.FPDFPageObj_GetBounds  # type: ignore[attr-defined]
        path_t, form_t, text_t = raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_TEXT
        f = self.f
        f0, f1, f2, f3 = self.frefs
        left, bottom, page_area = xf.left, xf.bottom, 0.8 * xf.w * xf.h
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
            # Most objects are text (three in four on the sample): their types are fetched in one pass
            # without a Python frame per object, and only the others are looked at.
            objs = list(map(get, repeat(owner, min(count, budget)), range(min(count, budget))))
            for obj, kind in zip(objs, map(get_type, objs), strict=True):
                if kind == text_t:
                    continue
                if kind == path_t:
                    drawn = True
                    if get_bounds(obj, f0, f1, f2, f3):
                        if m is None and upright:
                            # `_add_rule` of the upright box, inlined: the same arithmetic in the same order.
                            x0, y0, x1, y1 = f
                            x0, y0, x1, y1 = x0 - left, y0 - bottom, x1 - left, y1 - bottom
                            w, h = x1 - x0, y1 - y0
                            if h <= 3 and w >= 6:
                                hr.append((x0, x1, (y0 + y1) / 2))
                            elif w <= 3 and h >= 6:
                                vr.append(((x0 + x1) / 2, y0, y1))
                            elif w > 3 and h > 3 and w * h < page_area:
                                hr.extend(((x0, x1, y0), (x0, x1, y1)))
                                vr.extend(((x0, y0, y1), (x1, y0, y1)))
                            continue
                        box = tuple(f)
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
        raw = self.raw
        aligned = self.aligned = len(text) == n_chars
        to_char = (lambda t: t) if aligned else (lambda t: raw.FPDFText_GetCharIndexFromTextIndex(tp, t))
        if self.native is not None and xf.rot == 0:  # the same loop in C, PDFium called directly; what it
            self.tp_addr = _address(tp)  # returns is for `_native.lines` (see `_Geom`)
            return self.native.page_lines(  # type: ignore[attr-defined]
                text, aligned, self.tp_addr, xf.left, xf.bottom, ctypes.addressof(self.font_buf),
                self.font_len.value, ctypes.addressof(self.flags), self.bold_of, self.decide_bold)
        bold_of = self.bold
        word_char = _WORD_CHAR.search
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
            wm = word_char(seg)
            rep = to_char(start + wm.start()) if wm else c0  # the char whose font and size stand for the line
            if rep < 0:
                rep = c0
            got = self.line_geometry(tp, c0, c1, rep, xf)
            if got is None:  # no rect with an extent
                continue
            rects, size, base = got
            bold = bold_of(tp, rep)
            if bold and wm:
                last = _last_word_char(seg)
                if last is not None and last != wm.start():
                    bold = bold_of(tp, to_char(start + last))
            out.append((seg, start, c0, c1, soft, rects, size, base, bold, {}))
        return out

    def line_geometry(self, tp, c0: int, c1: int, rep: int, xf: _Transform
                      ) -> tuple[list[tuple[float, float, float, float]], float, float] | None:
        """(rects, size, baseline) of chars c0..c1 in upright page space, or None when no rect has an
        extent; `rep` is the char whose size and matrix stand for the line. `_native.page_lines`
        does the same for every line of an upright page."""
        api = self.api
        d = self.d
        r0, r1, r2, r3 = self.refs
        count_rects, get_rect = api.FPDFText_CountRects, api.FPDFText_GetRect  # type: ignore[attr-defined]
        upright = xf.rot == 0
        dx, dy = xf.left, xf.bottom
        rects: list[tuple[float, float, float, float]] = []
        n_rects = count_rects(tp, c0, c1 - c0 + 1)
        if upright:
            for k in range(n_rects):
                if get_rect(tp, k, r0, r1, r2, r3):
                    left, top, right, bottom = d
                    x0, y0, x1, y1 = left - dx, bottom - dy, right - dx, top - dy
                    if x1 > x0 or y1 > y0:
                        rects.append((x0, y0, x1, y1))
        else:
            for k in range(n_rects):
                if get_rect(tp, k, r0, r1, r2, r3):
                    left, top, right, bottom = d
                    box = xf.box(left, bottom, right, top)
                    if box[2] > box[0] or box[3] > box[1]:
                        rects.append(box)
        if not rects:
            return None
        mt = self.matrix
        size = api.FPDFText_GetFontSize(tp, rep)  # type: ignore[attr-defined]
        base = None
        if api.FPDFText_GetMatrix(tp, rep, self.matrix_ref):  # type: ignore[attr-defined]
            size *= math.sqrt(abs(mt.a * mt.d - mt.b * mt.c)) or 1.0
            if upright and mt.b == 0 and mt.c == 0:
                base = mt.f - dy  # the text object's origin: the baseline, one call cheaper than the char origin
        if not 0 < size < 500:
            size = max(1.0, rects[0][3] - rects[0][1])
        if base is None:
            base = rects[0][1]
            if self.raw.FPDFText_GetCharOrigin(tp, rep, r0, r1):
                base = xf.point(d[0], d[1])[1]
        return rects, size, base

    def lines(self, tp, geoms: list[_Geom], vrules: list) -> list[_Line]:
        """The page's lines from their geometry, split into runs at big gaps and at `vrules`."""
        if self.native is not None and self.xf.rot == 0:  # the same loop in C, `_Line`s made there
            borders = array("d", [v for rule in vrules for v in rule])
            return self.native.lines(self.tp_addr, geoms, borders, self.gaps, self.aligned, self.xf.left)  # type: ignore[attr-defined]
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
        d = self.d
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
                    centre = centres[mid] = (d[0] + d[1]) / 2 - xf.left
                else:
                    box = xf.box(d[0], d[2], d[1], d[3])
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
        return self.decide_bold(key) if found is None else found

    def decide_bold(self, key: tuple[bytes, int]) -> bool:
        """Whether a font (name, flags) is bold, remembered for the document."""
        name = key[0].decode("latin-1", "replace").lower()
        found = self.bold_of[key] = any(w in name for w in ("bold", "black", "heavy", "semibold", "demi")) or (
            bool(key[1] & 0x40000))  # FXFONT_FORCE_BOLD (weights are unreliable: 400 for bold)
        return found


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


def _pdfium_detail(msg: str) -> str:
    m = re.search(r"PDFium: ([^)]*)", msg)
    return (m.group(1) if m else msg).strip().rstrip(".") or "unreadable"
