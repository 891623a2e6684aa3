"""OCR for PDF pages without a text layer: pypdfium2 renders each page, the Tesseract CLI reads it.

Why the CLI in a subprocess rather than a binding: Tesseract is a system package (`make system-deps`),
and a hang or crash in it must cost one page, not the worker - a subprocess can be timed out and
killed. Why hOCR rather than plain text: it gives every line its box, baseline and estimated font size,
so OCR'd pages become the same positioned lines a text layer gives and go through the same heading,
list, table and running-header inference in `pdf._layout` (a scanned agreement keeps its sections).

`OMP_THREAD_LIMIT=1`: Tesseract's OpenMP threads would fight the scan's worker processes for the
cores (and are slower than one thread on small machines).

Pages of one document are read concurrently when the scan lends this process CPU slots (`configure`):
a scan's last documents would otherwise keep one core busy while the others idle - a 4-page scan took
14 s alone. Pages are rendered one by one in the calling thread (pdfium is not thread-safe), then each is
straightened (`straighten`), cleared of stamps and signatures across its text (`marks`) and read by its
own Tesseract subprocess in a thread; results are keyed by page number, so the text does not depend on
how many ran at once.

Each rendered page image is cached by content hash (with the Tesseract version, languages, dpi and this
code): a rescan after a signature page was added redoes that page, not the document.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import re
import shutil
import subprocess
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from lxml import etree

from govcheck.model import Block, Unreadable

DPI = 300  # Tesseract's accuracy falls off below ~250 dpi for 10-pt body text
MAX_PIXELS = 50_000_000  # a poster-sized page is rendered coarser rather than exhaust memory
PAGE_TIMEOUT = 180.0  # seconds of Tesseract per page; a dense A4 page takes 3-6 s on one core
MIN_WORD_CONF = 15  # below this a "word" is almost always speckle, a photo or a stamp
_LINE_CLASSES = frozenset({"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"})
_BBOX = re.compile(r"bbox\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)")
_BASELINE = re.compile(r"baseline\s+(-?[\d.]+)\s+(-?[\d.]+)")
_XSIZE = re.compile(r"x_size\s+([\d.]+)")
_WCONF = re.compile(r"x_wconf\s+(-?\d+)")
# What Tesseract makes of a round list bullet: a small glyph it reads as a letter or a symbol.
_BULLET_READINGS = frozenset("•●◦▪■□eoO0°¢©®«»*·-–—")


@dataclass(slots=True)
class OcrWord:
    text: str
    x0: float  # points from the page's left edge
    x1: float
    conf: int


@dataclass(slots=True)
class OcrLine:
    """One line of an OCR'd page in points, y growing upwards (the text layer's coordinate system)."""

    words: list[OcrWord]
    bottom: float
    top: float
    base: float
    size: float  # Tesseract's estimated text height, in points

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def conf(self) -> float:
        """Tesseract's mean word confidence for the line, 0-100."""
        return sum(w.conf for w in self.words) / len(self.words) if self.words else 0.0


@dataclass(slots=True)
class OcrPage:
    number: int  # 1-based
    width: float  # points, as rendered (page rotation applied)
    height: float
    lines: list[OcrLine] = field(default_factory=list)
    turned: int = 0  # degrees the page was turned counter-clockwise before reading (0, 90, 180, 270)
    skew: float = 0.0  # then degrees of lean corrected


class Slots(Protocol):
    """CPU slots the scan lends for extra Tesseract processes (a multiprocessing.Semaphore)."""

    def acquire(self, block: bool = True, timeout: float | None = None) -> bool: ...

    def release(self) -> None: ...


class PageCache(Protocol):
    """Where OCR'd pages are kept (govcheck.cache.Cache)."""

    def get_ocr_page(self, key: str) -> object | None: ...

    def put_ocr_page(self, key: str, value: object) -> bool: ...


@dataclass(slots=True)
class _Runtime:
    """What the scanning process set up for OCR in this process; the defaults read pages one at a time."""

    slots: Slots | None = None
    cache: PageCache | None = None
    on_page: Callable[[int, int], None] | None = None  # (pages done, pages to read) of this document
    pages: int = 0  # pages OCR'd since the last take_counts(), read from the cache or by Tesseract
    cached: int = 0  # ... of them from the cache


_RUNTIME = _Runtime()


def configure(slots: Slots | None = None, cache: PageCache | None = None,
              on_page: Callable[[int, int], None] | None = None) -> None:
    """Set how this process OCRs: lent CPU slots, the page cache, a progress callback (None: off)."""
    _RUNTIME.slots, _RUNTIME.cache, _RUNTIME.on_page = slots, cache, on_page


def take_counts() -> tuple[int, int]:
    """(pages OCR'd, of them from the cache) since the last call."""
    counts = (_RUNTIME.pages, _RUNTIME.cached)
    _RUNTIME.pages = _RUNTIME.cached = 0
    return counts


def tesseract_binary() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise Unreadable("OCR not available: tesseract is not installed (make system-deps)")
    return exe


@functools.lru_cache(maxsize=4)
def installed_languages(exe: str) -> frozenset[str]:
    """Language packs Tesseract can load; asked once per process."""
    try:
        proc = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, env=_env(), check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise Unreadable(f"OCR not available: tesseract does not run ({_one_line(exc)})") from None
    # The list goes to stdout in Tesseract 4/5 (stderr in 3); the first line is a heading.
    lines = (proc.stdout + "\n" + proc.stderr).splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and " " not in ln.strip())


def check_languages(exe: str, lang: str) -> None:
    """Fail with the package to install rather than letting Tesseract fall back or die per page."""
    wanted = [code for code in lang.split("+") if code]
    if not wanted:
        raise Unreadable("OCR language not set")
    missing = [code for code in wanted if code not in installed_languages(exe)]
    if missing:
        packages = " ".join(f"tesseract-ocr-{code}" for code in missing)
        raise Unreadable(f"OCR language data missing: {'+'.join(missing)} (install {packages})")


def ocr_pages(path: Path, numbers: list[int], lang: str = "swe+eng", dpi: int = DPI) -> dict[int, OcrPage]:
    """OCR the given 1-based pages of a PDF. Raises Unreadable when OCR cannot run at all or a page fails.

    Runs one Tesseract at a time, plus one more for each CPU slot the scan lends (`configure`); a slot is
    given back as soon as no page is left to start, so another document can use it."""
    exe = tesseract_binary()
    check_languages(exe, lang)
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium could not open what pdfplumber recovered: nothing to render
        raise Unreadable(f"OCR failed: cannot render the PDF ({_one_line(exc)})") from None
    rt = _RUNTIME
    out: dict[int, OcrPage] = {}
    running: dict[Future[OcrPage], tuple[int, str | None]] = {}
    held = 0  # slots borrowed from the scan
    total = len(numbers)

    def progress() -> None:
        if rt.on_page is not None:
            rt.on_page(len(out), total)

    def collect(timeout: float | None) -> None:
        done, _ = wait(list(running), timeout=timeout, return_when=FIRST_COMPLETED)
        for fut in sorted(done, key=lambda f: running[f][0]):
            number, key = running.pop(fut)
            page = fut.result()  # a failed page raises its Unreadable here
            if key is not None and rt.cache is not None:
                rt.cache.put_ocr_page(key, page_to_json(page))
            out[number] = page
            rt.pages += 1
            progress()

    progress()
    try:
        limit = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=limit) as pool:
            for number in numbers:
                image, scale = _render(pdf, number - 1, dpi)
                key = page_key(exe, image, lang, dpi) if rt.cache is not None else None
                cached = page_from_json(rt.cache.get_ocr_page(key), number) if key is not None and rt.cache else None
                if cached is not None:
                    out[number] = cached
                    rt.pages += 1
                    rt.cached += 1
                    progress()
                    continue
                while len(running) >= 1 + held:
                    if len(running) < limit and rt.slots is not None and rt.slots.acquire(False):
                        held += 1
                        break
                    # Wake now and then: a slot lent meanwhile starts the next page before this one ends.
                    collect(timeout=0.25 if rt.slots is not None and len(running) < limit else None)
                fut = pool.submit(_read_page, exe, image, scale, lang, dpi, number)
                running[fut] = (number, key)
                collect(timeout=0)
            # Nothing left to start: slots beyond what the running pages use go back to the scan.
            while running:
                while held and held >= len(running) and rt.slots is not None:
                    rt.slots.release()
                    held -= 1
                collect(timeout=None)
    finally:
        for fut in running:
            fut.cancel()
        while held and rt.slots is not None:
            rt.slots.release()
            held -= 1
        pdf.close()
    return out


def _read_page(exe: str, image: bytes, scale: float, lang: str, dpi: int, number: int) -> OcrPage:
    """Straighten one rendered page and read it with Tesseract (runs in a thread: the work is in
    numpy, Pillow and the subprocess, which all release the GIL)."""
    from PIL import Image

    from govcheck.extract import marks, straighten

    width_px, height_px = _image_size(image)
    picture = Image.frombuffer("L", (width_px, height_px), image[len(image) - width_px * height_px:], "raw", "L", 0, 1)
    how = straighten.analyse(picture)
    if how.needed:
        picture = straighten.apply(picture, how)
        width_px, height_px = picture.size
    # Stamps and signatures across the text come off before Tesseract sees the page (marks.py).
    picture, found = marks.remove(picture, scale * 72)
    if how.needed or found:
        image = b"P5\n%d %d\n255\n" % (width_px, height_px) + picture.tobytes()
    tess_dpi = round(dpi if scale * 72 >= dpi - 1 else scale * 72)
    hocr = _tesseract(exe, image, lang, tess_dpi)
    page = OcrPage(number=number, width=width_px / scale, height=height_px / scale,
                   turned=90 * how.quarter, skew=how.skew if how.needed else 0.0)
    section_sign = "swe" in lang.split("+")
    page.lines = parse_hocr(hocr, scale, height_px, section_sign=section_sign)
    boxes = _photo_boxes(hocr, width_px, height_px)
    if boxes:
        columns = _columns(page.lines, scale, height_px)
        for x0, y0, x1, y1 in boxes:
            # One re-read per text column the picture covers: a signature across two columns must not
            # merge their lines.
            for c0, c1 in columns or [(x0, x1)]:
                if c1 > x0 and c0 < x1:
                    box = (max(x0, c0), y0, min(x1, c1), y1)
                    page.lines = _reread(exe, picture, page.lines, box, scale, lang, tess_dpi, section_sign)
    page.lines = column_order(page.lines, page.width)
    return page


GUTTER = 12.0  # points: the narrowest white band between two text columns (a word space is ~3)


def column_order(lines: list[OcrLine], width: float) -> list[OcrLine]:
    """Lines of a page set in two text columns, read column by column.

    Tesseract finds the columns of most two-column pages, but where the columns hold tables or their
    lines share baselines it reads straight across the gutter: one hOCR line holds the end of a table
    row on the left and a line of prose on the right, and the layout then takes the whole page for one
    table. On the harder scan set's two-column page with tables in both columns the word order against
    the text layer (1 - word error rate) was 0.082 as Tesseract read it, 0.918 read column by column.

    A gutter is a band at least GUTTER wide in the middle half of the text that no line crosses between
    the first and the last line beside it - at most three lines may span it above or below them (a
    title, a running header or footer) - with at least five lines on each side, and on each side prose
    that fills its column: the median line has four words or more, no gap as wide as a gutter, and
    half the column's width (not the cells of a table). Lines are cut at the gutter and
    the left column is read before the right, each in Tesseract's order (top to bottom); a page without
    such a gutter keeps Tesseract's order. A table whose two columns run the height of the page and hold
    prose is read column by column too, as the text layer's layout reads prose set line by line in
    columns (`_pdf.tables._unruled_tables`).
    """
    if len(lines) < 10 or width <= 0:
        return lines
    spans = [_spans(ln) for ln in lines]
    left_edge = min(s[0][0] for s in spans)
    right_edge = max(s[-1][1] for s in spans)
    extent = right_edge - left_edge
    lo, hi = left_edge + 0.25 * extent, right_edge - 0.25 * extent
    best: tuple[float, float] | None = None
    for g0, g1 in _free_bands(spans, lo, hi):
        if best is None or g1 - g0 > best[1] - best[0]:
            best = (g0, g1)
    if best is None:
        return lines
    g0, g1 = best
    crossing = {i for i, sp in enumerate(spans) if any(a < g1 and b > g0 for a, b in sp)}
    left: list[OcrLine] = []
    right: list[OcrLine] = []
    for i, ln in enumerate(lines):
        if i in crossing:
            continue
        before = [w for w in ln.words if w.x1 <= g0]
        after = [w for w in ln.words if w.x0 >= g1]
        if before:
            left.append(OcrLine(before, ln.bottom, ln.top, ln.base, ln.size))
        if after:
            right.append(OcrLine(after, ln.bottom, ln.top, ln.base, ln.size))
    if len(left) < 5 or len(right) < 5:
        return lines
    for side in (left, right):
        x0, x1 = min(ln.words[0].x0 for ln in side), max(ln.words[-1].x1 for ln in side)
        if (_median(len(ln.words) for ln in side) < 4 or _median(len(_spans(ln)) for ln in side) > 1
                or _median(ln.words[-1].x1 - ln.words[0].x0 for ln in side) < 0.5 * (x1 - x0)):
            return lines  # not prose filling a column: a table's cells, read as Tesseract read them
    zone_top = max(ln.top for ln in (*left, *right))
    zone_bottom = min(ln.bottom for ln in (*left, *right))
    above = [lines[i] for i in sorted(crossing) if lines[i].bottom >= zone_top - 1]
    below = [lines[i] for i in sorted(crossing) if lines[i].top <= zone_bottom + 1]
    if len(above) + len(below) != len(crossing):
        return lines  # a line crosses the band between lines beside it: one column, or a table
    text_height = max(ln.top for ln in lines) - min(ln.bottom for ln in lines)
    if zone_top - zone_bottom < 0.5 * text_height:
        return lines
    return [*above, *left, *right, *below]


def _spans(line: OcrLine) -> list[tuple[float, float]]:
    """The x extents a line covers: its words, with gaps narrower than a gutter filled in."""
    out: list[list[float]] = []
    for w in line.words:
        if out and w.x0 - out[-1][1] < GUTTER:
            out[-1][1] = max(out[-1][1], w.x1)
        else:
            out.append([w.x0, w.x1])
    return [(a, b) for a, b in out]


def _free_bands(spans: list[list[tuple[float, float]]], lo: float, hi: float) -> list[tuple[float, float]]:
    """Bands between lo and hi, at least GUTTER wide, that at most three lines cross (those may be a
    title, header or footer spanning the columns; column_order checks where they stand). Within a
    stretch of such segments the band is where the fewest lines cross: the ragged ends of the left
    column's lines reach into the stretch, but not into the gutter."""
    edges = sorted({lo, hi, *(x for sp in spans for a, b in sp for x in (a, b) if lo < x < hi)})
    segments = [(a, b, sum(1 for sp in spans if any(x0 < (a + b) / 2 < x1 for x0, x1 in sp)))
                for a, b in itertools.pairwise(edges)]
    bands: list[tuple[float, float]] = []
    stretch: list[tuple[float, float, int]] = []
    for seg in [*segments, (hi, hi, 99)]:
        if seg[2] <= 3:
            stretch.append(seg)
            continue
        if stretch:
            fewest = min(c for _a, _b, c in stretch)
            run: tuple[float, float] | None = None
            for a, b, c in stretch:
                if c != fewest:
                    run = None
                    continue
                run = (run[0], b) if run is not None else (a, b)
                if run[1] - run[0] >= GUTTER:
                    if bands and bands[-1][0] == run[0]:
                        bands[-1] = run
                    else:
                        bands.append(run)
            stretch = []
    return bands


def _median(values) -> float:
    ordered = sorted(values)
    return float(ordered[len(ordered) // 2]) if ordered else 0.0


def _columns(lines: list[OcrLine], scale: float, height: int) -> list[tuple[float, float]]:
    """Text columns of a page in pixels: the x ranges of body lines (running headers and footers, which
    may span the columns, left out), overlapping ranges merged."""
    spans = sorted((ln.words[0].x0 * scale, ln.words[-1].x1 * scale) for ln in lines
                   if 0.11 * height < height - (ln.top + ln.bottom) / 2 * scale < 0.89 * height)
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


_PHOTO = re.compile(r"""class=['"]ocr_photo['"][^>]*?title=['"]bbox (\d+) (\d+) (\d+) (\d+)""")
_REREAD_MIN_CONF = 50  # a re-read line below this mean confidence is the picture itself, not text


def _photo_boxes(hocr: bytes, width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Regions Tesseract set aside as pictures that could be text under a mark: a signature or stamp
    across the lines makes its layout analysis call the whole patch a photo and skip its text. Edge
    bands (a copier's shadow) and page-sized pictures are left alone."""
    boxes = []
    for m in _PHOTO.finditer(hocr.decode("utf-8", "replace")):
        x0, y0, x1, y1 = (int(v) for v in m.groups())
        w, h = x1 - x0, y1 - y0
        if w >= 0.1 * width and h >= 0.01 * height and w * h <= 0.5 * width * height:
            boxes.append((x0, y0, x1, y1))
    return boxes


def _reread(exe: str, picture, lines: list[OcrLine], box: tuple[float, float, float, float], scale: float,
            lang: str, dpi: int, section_sign: bool) -> list[OcrLine]:
    """Read a picture region again as a plain block of text (`--psm 6`, no layout analysis), widened to the
    whole of the lines it cuts; its lines replace the ones read there. Kept only if it reads as text.

    (Widening to every line of the column the picture touches, to recover a line Tesseract stopped short
    at the picture, was tried: on the harder set it pulled a heading into the re-read and lost it.)"""
    from PIL import Image

    height = picture.height
    x0, y0, x1, y1 = box

    def px(line: OcrLine) -> tuple[float, float, float, float]:
        """The line's box in pixels, y down: left, top, right, bottom."""
        return (line.words[0].x0 * scale, height - line.top * scale,
                line.words[-1].x1 * scale, height - line.bottom * scale)

    cut = [ln for ln in lines if (b := px(ln))[3] > y0 and b[1] < y1 and b[2] > x0 and b[0] < x1]
    left = min([x0, *(px(ln)[0] for ln in cut)])
    right = max([x1, *(px(ln)[2] for ln in cut)])
    if right - left < 0.05 * picture.width:
        return lines
    top = min([y0, *(px(ln)[1] for ln in cut)])
    bottom = max([y1, *(px(ln)[3] for ln in cut)])
    pad = 8
    cx0, cy0 = max(0, int(left) - pad), max(0, int(top) - pad)
    cx1, cy1 = min(picture.width, int(right) + pad), min(height, int(bottom) + pad)
    crop: Image.Image = picture.crop((cx0, cy0, cx1, cy1))
    data = b"P5\n%d %d\n255\n" % crop.size + crop.tobytes()
    got = [ln for ln in parse_hocr(_tesseract(exe, data, lang, dpi, psm="6"), scale, crop.height, section_sign)
           if ln.conf >= _REREAD_MIN_CONF]
    if not got:
        return lines
    dy, dx = (height - cy1) / scale, cx0 / scale
    for ln in got:
        ln.bottom, ln.top, ln.base = ln.bottom + dy, ln.top + dy, ln.base + dy
        for w in ln.words:
            w.x0, w.x1 = w.x0 + dx, w.x1 + dx
    inside = [i for i, ln in enumerate(lines)
              if cy0 <= (px(ln)[1] + px(ln)[3]) / 2 <= cy1 and px(ln)[2] > cx0 and px(ln)[0] < cx1]
    at = inside[0] if inside else next((i for i, ln in enumerate(lines) if px(ln)[1] > cy0), len(lines))
    kept = [ln for i, ln in enumerate(lines) if i not in set(inside)]
    at -= sum(1 for i in inside if i < at)
    return kept[:at] + got + kept[at:]


# --- the page cache ------------------------------------------------------------------------------

_PAGE_FORMAT = 1  # bump when OcrPage's JSON changes


@functools.lru_cache(maxsize=4)
def _tesseract_version(exe: str) -> str:
    try:
        proc = subprocess.run([exe, "--version"], capture_output=True, timeout=30, env=_env(), check=False)
    except (OSError, subprocess.SubprocessError):
        return "?"
    return (proc.stdout + proc.stderr).decode("utf-8", "replace").strip()


@functools.lru_cache(maxsize=1)
def _code_fingerprint() -> bytes:
    """The code that turns a page image into lines: a change to it never serves a stale page."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("ocr.py", "straighten.py", "marks.py"):
        try:
            h.update((here / name).read_bytes())
        except OSError:
            h.update(b"?")
    for lib in ("numpy", "pillow", "lxml"):
        try:
            import importlib.metadata

            h.update(f"{lib}={importlib.metadata.version(lib)}".encode())
        except Exception:
            h.update(f"{lib}=-".encode())
    return h.digest()


def page_key(exe: str, image: bytes, lang: str, dpi: int) -> str:
    """Key of a rendered page: its pixels and everything that changes how they are read."""
    h = hashlib.sha256(b"ocr-page\0%d\0" % _PAGE_FORMAT)
    h.update(_code_fingerprint())
    h.update(f"{_tesseract_version(exe)}\0{lang}\0{dpi}\0{MIN_WORD_CONF}\0".encode())
    h.update(image)
    return h.hexdigest()


def page_to_json(page: OcrPage) -> dict:
    return {"width": page.width, "height": page.height, "turned": page.turned, "skew": page.skew,
            "lines": [[ln.bottom, ln.top, ln.base, ln.size, [[w.text, w.x0, w.x1, w.conf] for w in ln.words]]
                      for ln in page.lines]}


def page_from_json(obj: object, number: int) -> OcrPage | None:
    """An OcrPage from its cache entry; None (a miss) for anything not exactly as written."""
    def num(v: object) -> bool:
        return isinstance(v, int | float) and not isinstance(v, bool)

    if not isinstance(obj, dict):
        return None
    try:
        page = OcrPage(number=number, width=obj["width"], height=obj["height"], turned=obj["turned"],
                       skew=obj["skew"])
        if not (num(page.width) and num(page.height) and isinstance(page.turned, int) and num(page.skew)):
            return None
        for bottom, top, base, size, words in obj["lines"]:
            if not all(num(v) for v in (bottom, top, base, size)):
                return None
            line = OcrLine(words=[], bottom=bottom, top=top, base=base, size=size)
            for text, x0, x1, conf in words:
                if not (isinstance(text, str) and num(x0) and num(x1) and isinstance(conf, int)):
                    return None
                line.words.append(OcrWord(text=text, x0=x0, x1=x1, conf=conf))
            page.lines.append(line)
    except (KeyError, TypeError, ValueError):
        return None
    return page


# --- confidence ----------------------------------------------------------------------------------

def mark_confidence(blocks: list[Block], pages: dict[int, OcrPage]) -> None:
    """Give each OCR'd block the mean word confidence of its least certain line (Block.ocr_conf).

    Blocks are built from OCR lines by the PDF layout; their words are looked up again here, in order,
    among the page's OCR words (a word Tesseract read several times is used up one reading at a time)."""
    confs: dict[int, dict[str, deque[int]]] = {}
    for number, page in pages.items():
        table: dict[str, deque[int]] = defaultdict(deque)
        for line in page.lines:
            for w in line.words:
                table[w.text].append(w.conf)
        confs[number] = table
    for block in blocks:
        table_for_page = confs.get(block.page) if block.page is not None else None
        if table_for_page is None:
            continue
        worst: float | None = None
        for text in block.text.split("\n"):
            found = [table_for_page[word].popleft() for word in text.split() if table_for_page.get(word)]
            if found:
                mean = sum(found) / len(found)
                worst = mean if worst is None else min(worst, mean)
        if worst is not None:
            block.ocr_conf = round(worst)


def _render(pdf, index: int, dpi: int) -> tuple[bytes, float]:
    """The page as an 8-bit grey PGM image (Tesseract binarises anyway) and its pixels per point."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        scale = dpi / 72
        area = max(width, 1.0) * max(height, 1.0) * scale * scale
        if area > MAX_PIXELS:
            scale *= (MAX_PIXELS / area) ** 0.5
        try:
            bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
        except Exception as exc:
            raise Unreadable(f"OCR failed: cannot render page {index + 1} ({_one_line(exc)})") from None
        try:
            w, h, stride = bitmap.width, bitmap.height, bitmap.stride
            buf = bytes(bitmap.buffer)
        finally:
            bitmap.close()
    finally:
        page.close()
    if bitmap_channels(len(buf), h, w, stride) != 1:
        raise Unreadable(f"OCR failed: unexpected bitmap format on page {index + 1}")
    rows = buf if stride == w else b"".join(buf[r * stride : r * stride + w] for r in range(h))
    return b"P5\n%d %d\n255\n" % (w, h) + rows, scale


def bitmap_channels(size: int, height: int, width: int, stride: int) -> int:
    """Bytes per pixel of a rendered bitmap (1 for the grey rendering asked for)."""
    if height <= 0 or width <= 0 or stride < width:
        return 0
    return stride // width if size >= stride * height else 0


def _image_size(pgm: bytes) -> tuple[int, int]:
    w, h = pgm.split(b"\n", 2)[1].split()
    return int(w), int(h)


def _tesseract(exe: str, image: bytes, lang: str, dpi: int, psm: str | None = None) -> bytes:
    cmd = [exe, "stdin", "stdout", "--dpi", str(dpi), "-l", lang, *(["--psm", psm] if psm else []), "hocr"]
    try:
        proc = subprocess.run(cmd, input=image, capture_output=True, timeout=PAGE_TIMEOUT, env=_env(), check=False)
    except subprocess.TimeoutExpired:
        raise Unreadable(f"OCR failed: tesseract took longer than {PAGE_TIMEOUT:.0f} s on a page") from None
    except OSError as exc:
        raise Unreadable(f"OCR failed: {_one_line(exc)}") from None
    if proc.returncode != 0:
        detail = next((ln for ln in proc.stderr.decode("utf-8", "replace").splitlines() if ln.strip()), "")
        raise Unreadable(f"OCR failed: tesseract exited with {proc.returncode} ({_one_line(detail)})")
    return proc.stdout


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def parse_hocr(data: bytes, scale: float, height_px: int, section_sign: bool = False) -> list[OcrLine]:
    """Lines of an hOCR page in reading order, converted from pixels (y down) to points (y up).

    `section_sign`: read a lone "$" as "§" - Tesseract's usual misreading, and Swedish text cites
    paragraphs ("15 kap. 2 §") far more often than it prices anything in dollars.
    """
    if not data.strip():
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"OCR failed: unreadable hOCR output ({_one_line(exc)})") from None
    if root is None:
        return []
    lines: list[OcrLine] = []
    # Keyed by the element itself, which the dict keeps alive: lxml then hands back the same proxy for the
    # same node. (id() of a proxy is not stable: a freed proxy's id is reused, mixing paragraphs at random.)
    paragraphs: dict[etree._Element, list[OcrLine]] = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.get("class") not in _LINE_CLASSES:
            continue
        line = _line(el, scale, height_px, section_sign)
        if line is not None:
            lines.append(line)
            paragraphs.setdefault(el.getparent(), []).append(line)
    for group in paragraphs.values():
        _steady_size(group)
    return lines


def _steady_size(lines: list[OcrLine]) -> None:
    """Give the lines of one Tesseract paragraph one text size: its per-line estimate wanders by up to
    8 % on a copied or levelled page (10.0 / 10.6 / 10.1 pt in one paragraph of the harder set), which
    the layout reads as a change of font and so a new paragraph. A line further off keeps its size."""
    if len(lines) < 2:
        return
    sizes = sorted(ln.size for ln in lines)
    median = sizes[len(sizes) // 2]
    for ln in lines:
        if abs(ln.size - median) <= 0.08 * median:
            ln.size = median


def _line(el: etree._Element, scale: float, height_px: int, section_sign: bool) -> OcrLine | None:
    title = el.get("title") or ""
    box = _BBOX.search(title)
    if box is None:
        return None
    _x0, y0, _x1, y1 = (int(v) for v in box.groups())
    bl = _BASELINE.search(title)
    base_px = y1 + float(bl.group(2)) if bl else float(y1)
    xs = _XSIZE.search(title)
    size_px = float(xs.group(1)) if xs else float(y1 - y0)
    words: list[OcrWord] = []
    bullet_at: int | None = None  # right edge (px) of a first glyph shaped like a bullet
    for w in el.iter():
        if not isinstance(w.tag, str) or w.get("class") != "ocrx_word":
            continue
        text = " ".join("".join(w.itertext()).split())
        wbox = _BBOX.search(w.get("title") or "")
        conf_m = _WCONF.search(w.get("title") or "")
        conf = int(conf_m.group(1)) if conf_m else 100
        if not text or wbox is None or conf < MIN_WORD_CONF:
            continue
        if section_sign and text in ("$", "$$"):
            text = "§" * len(text)
        wx0, wy0, wx1, wy1 = (int(v) for v in wbox.groups())
        if not words and _looks_like_bullet(text, wx0, wy0, wx1, wy1, size_px, base_px):
            bullet_at = wx1
        words.append(OcrWord(text=text, x0=wx0 / scale, x1=wx1 / scale, conf=conf))
    if bullet_at is not None and len(words) >= 2 and words[1].x0 * scale - bullet_at >= 0.5 * size_px:
        words[0].text = "•"  # set apart like a list marker: pdf._make_line makes the line a list item
    if not words or not any(ch.isalnum() for w in words for ch in w.text):
        return None  # rules, borders and speckle that Tesseract took for a line
    return OcrLine(
        words=words,
        bottom=(height_px - y1) / scale,
        top=(height_px - y0) / scale,
        base=(height_px - base_px) / scale,
        size=max(size_px / scale, 1.0),
    )


def _looks_like_bullet(text: str, x0: int, y0: int, x1: int, y1: int, size: float, base: float) -> bool:
    """A small, roughly square glyph sitting above the baseline at the start of a line."""
    if len(text) != 1 or text not in _BULLET_READINGS:
        return False
    w, h = x1 - x0, y1 - y0
    # A real "e" or "o" sits on the baseline; a bullet floats at mid x-height.
    return 0 < w <= 0.6 * size and 0 < h <= 0.6 * size and abs(w - h) <= 0.35 * size and y1 <= base - 0.08 * size


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:160]
