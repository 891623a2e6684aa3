"""OCR for PDF pages without a text layer: pypdfium2 renders each page, the Tesseract CLI reads it.

Why the CLI in a subprocess rather than a binding: Tesseract is a system package (`make system-deps`),
and a hang or crash in it must cost one page, not the worker - a subprocess can be timed out and
killed. Why hOCR rather than plain text: it gives every line its box, baseline and estimated font size,
so OCR'd pages become the same positioned lines a text layer gives and go through the same heading,
list, table and running-header inference in `pdf._layout` (a scanned agreement keeps its sections).

`OMP_THREAD_LIMIT=1`: Tesseract's OpenMP threads would fight the scan's worker processes for the
cores (and are slower than one thread on small machines).
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from govcheck.model import Unreadable

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


@dataclass(slots=True)
class OcrPage:
    number: int  # 1-based
    width: float  # points, as rendered (page rotation applied)
    height: float
    lines: list[OcrLine] = field(default_factory=list)


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
    """OCR the given 1-based pages of a PDF. Raises Unreadable when OCR cannot run at all or a page fails."""
    exe = tesseract_binary()
    check_languages(exe, lang)
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium could not open what pdfplumber recovered: nothing to render
        raise Unreadable(f"OCR failed: cannot render the PDF ({_one_line(exc)})") from None
    out: dict[int, OcrPage] = {}
    try:
        for number in numbers:
            image, scale = _render(pdf, number - 1, dpi)
            hocr = _tesseract(exe, image, lang, round(dpi if scale * 72 >= dpi - 1 else scale * 72))
            width_px, height_px = _image_size(image)
            page = OcrPage(number=number, width=width_px / scale, height=height_px / scale)
            page.lines = parse_hocr(hocr, scale, height_px, section_sign="swe" in lang.split("+"))
            out[number] = page
    finally:
        pdf.close()
    return out


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


def _tesseract(exe: str, image: bytes, lang: str, dpi: int) -> bytes:
    cmd = [exe, "stdin", "stdout", "--dpi", str(dpi), "-l", lang, "hocr"]
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
    for el in root.iter():
        if not isinstance(el.tag, str) or el.get("class") not in _LINE_CLASSES:
            continue
        line = _line(el, scale, height_px, section_sign)
        if line is not None:
            lines.append(line)
    return lines


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
