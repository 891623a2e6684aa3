"""PDF plug-in: text lines rebuilt from geometry into headings, paragraphs, list items and table cells.

Why geometry: a PDF has no paragraphs, only positioned glyphs. The backends give us lines; the
block structure rules need (a heading path for "section", a table cell for "evidence in a table
row", a running header kept apart so it counts once) has to be inferred from font size, line
pitch, indentation, x gaps and ruling lines. Both engines feed the same `_Line` model, so the
layout rules live once.

This module is the plug-in's face: which engine reads the file, what happens to pages without a
text layer (OCR), and how failures read to the user. The steps live in `govcheck.extract._pdf`:

- `pdfium`   - default engine: lines and their geometry through PDFium's text API;
- `plumber`  - pdfplumber engine, and the recovery path when pdfium cannot open a file;
- `geometry` - page transforms, ruling lines and the table grids they draw;
- `lines`    - pieces of a line -> `_Line` (list markers, soft hyphens, cell runs);
- `furniture`- running headers and footers;
- `tables`   - unruled tables (aligned cells on consecutive baselines);
- `layout`   - lines -> blocks: paragraphs, list items, table cells, headings, the title;
- `model`    - the engine-neutral page model both engines fill.
"""

from __future__ import annotations

import re
from pathlib import Path

from govcheck.extract._pdf.layout import _clean_meta_title, _layout
from govcheck.extract._pdf.lines import _is_marker, _make_line
from govcheck.extract._pdf.model import _CELL_GAP, _Broken, _Doc, _Encrypted, _Line
from govcheck.extract._pdf.pdfium import _read_pdfium
from govcheck.extract._pdf.plumber import _read_plumber
from govcheck.extract.base import ExtractOptions
from govcheck.model import Extracted, Unreadable

FORMAT = "pdf"
EXTENSIONS: tuple[str, ...] = (".pdf",)
LABEL = "PDF"

NO_TEXT = "no text layer — rerun with --ocr"

_RULE_GLYPHS = re.compile(r"[|¦\[\]]+")  # what OCR makes of a table's vertical rules


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
