"""A harder scan set made from the labelled dev corpus: the county-archive scans the mild corpus lacks.

The corpus's own `.scan.pdf` files are gentle (150 dpi, a fraction of a degree of skew, light noise).
Archives hold worse, so every page here is a 200 dpi photocopy (grey paper, darker toner, speckle, an
edge shadow, a lean of up to 1.5 degrees) and each page gets one more thing, by `plan`:

- "stamp": a received-stamp (INKOM ... REGION VÄSTERDAL) pressed across the body text;
- "rotate": the page fed sideways or upside down (90, 180 or 270 degrees);
- "columns": the page's text set in two columns (top half left, bottom half right, read in that order);
- "fax": a faint fax: half vertical resolution, washed-out ink, thresholded to black and white, streaks;
- and a signature scribbled across the text of the last page.

Used by tests/test_ocr_hard.py (a small subset, generated once per session) and bench/ocr.py (the whole
set, against the text versions with ../shared/tools/evaluate.py). Deterministic for a given name.
"""

from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 200
TREATMENTS = ("stamp", "rotate", "columns", "fax")


def default_plan(pages: int) -> list[str]:
    return [TREATMENTS[i % len(TREATMENTS)] for i in range(pages)]


def make_hard_scan(text_pdf: Path, out: Path, plan: list[str] | None = None) -> list[tuple[str, int]]:
    """Write an image-only PDF of `text_pdf` with the treatments of `plan` (one per page).

    Returns, per page, its treatment and the counter-clockwise quarter turns it was given (the truth
    an orientation detector is measured against)."""
    seed = int.from_bytes(hashlib.sha256(text_pdf.name.encode()).digest()[:8], "big")
    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(str(text_pdf))
    try:
        count = len(pdf)
        plan = list(plan) if plan is not None else default_plan(count)
        pages = []
        truth: list[tuple[str, int]] = []
        for i in range(count):
            page = pdf[i]
            image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
            page.close()
            step = plan[i] if i < len(plan) else "plain"
            if step == "columns":
                image = _two_columns(image)
            if step == "stamp":
                image = _stamp(image, rng)
            if i == count - 1:
                image = _signature(image, rng)
            image = _photocopy(image, rng)
            if step == "fax":
                image = _fax(image, rng)
            quarters = 0
            if step == "rotate":
                quarters = int(rng.integers(1, 4))
                turn = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}
                image = image.transpose(turn[quarters])
            pages.append(image)
            truth.append((step, quarters))
    finally:
        pdf.close()
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", save_all=True, append_images=pages[1:], resolution=DPI, quality=70)
    out.write_bytes(buffer.getvalue())
    return truth


def _photocopy(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Grey paper, heavier toner, speckle, a shadow along one edge, a slight blur and lean."""
    a = np.asarray(image, dtype=np.float64)
    a = 255 - (255 - a) * 1.2  # toner a little heavier
    a = a * 0.92 + 6  # paper ~240, not white
    w = a.shape[1]
    shadow = np.clip(1 - np.arange(w) / (0.04 * w), 0, 1) * 90  # the copier lid's shadow on the left
    a -= shadow[None, :]
    speckle = rng.random(a.shape) < 0.0012
    a[speckle] = rng.uniform(20, 140, int(speckle.sum()))
    a += rng.normal(0, 6, a.shape)
    copy = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(0.7))
    angle = float(rng.uniform(-1.5, 1.5))
    return copy.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=235)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType: the small bitmap font
        return ImageFont.load_default()


def _stamp(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A received-stamp across the upper body text, in the grey a red stamp copies to."""
    w, h = image.size
    layer = Image.new("L", (int(w * 0.42), int(h * 0.12)), 0)
    draw = ImageDraw.Draw(layer)
    lw, lh = layer.size
    draw.rounded_rectangle([4, 4, lw - 5, lh - 5], radius=lh // 6, outline=255, width=7)
    draw.text((lw // 2, lh * 0.33), "INKOM 2025-03-14", fill=255, font=_font(lh // 4), anchor="mm")
    draw.text((lw // 2, lh * 0.70), "REGION VÄSTERDAL", fill=255, font=_font(lh // 5), anchor="mm")
    layer = layer.rotate(float(rng.uniform(-18, 18)), expand=True, resample=Image.Resampling.BICUBIC)
    x = int(w * rng.uniform(0.3, 0.5))
    y = int(h * rng.uniform(0.3, 0.45))
    ink = Image.new("L", image.size, 255)
    ink.paste(110, (x, y), layer)  # mid grey, and multiplied: the text under it stays readable
    return Image.fromarray((np.asarray(image, np.uint16) * np.asarray(ink, np.uint16) // 255).astype(np.uint8))


def _signature(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A pen scribble through the text of the lower half of the page."""
    w, h = image.size
    x0, x1 = int(w * 0.15), int(w * 0.6)
    y0 = h * rng.uniform(0.45, 0.7)
    f1, f2, f3 = rng.uniform(8, 14), rng.uniform(20, 35), rng.uniform(2, 4)
    points = []
    for k in range(400):
        t = k / 399
        x = x0 + (x1 - x0) * t + 25 * math.sin(f2 * t * math.pi)
        y = y0 + 45 * math.sin(f1 * t * math.pi) * (1 - t * 0.5) - 60 * math.sin(f3 * t)
        points.append((x, y))
    out = image.copy()
    ImageDraw.Draw(out).line(points, fill=35, width=5, joint="curve")
    return out


def _two_columns(image: Image.Image) -> Image.Image:
    """The page's text cut at a blank row near the middle, the two halves set side by side."""
    a = np.asarray(image)
    ink = a < 128
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if len(rows) < 2 or len(cols) < 2:
        return image
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    blank = np.flatnonzero(~ink[top:bottom].any(axis=1)) + top
    middle = (top + bottom) // 2
    cut = int(blank[np.argmin(np.abs(blank - middle))]) if len(blank) else middle
    first, second = a[top:cut, left:right], a[cut:bottom, left:right]
    margin, gutter = DPI // 2, DPI // 3
    width = 2 * (right - left) + gutter + 2 * margin
    height = max(first.shape[0], second.shape[0]) + 2 * margin
    page = np.full((height, width), 255, np.uint8)
    page[margin:margin + first.shape[0], margin:margin + first.shape[1]] = first
    x = margin + (right - left) + gutter
    page[margin:margin + second.shape[0], x:x + second.shape[1]] = second
    return Image.fromarray(page, "L")


def _fax(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Fax standard mode (half the vertical resolution), washed-out, thresholded, with streaks."""
    w, h = image.size
    low = image.resize((w, h // 2), Image.Resampling.BOX).resize((w, h), Image.Resampling.NEAREST)
    a = np.asarray(low, dtype=np.float64)
    a = 255 - (255 - a) * 0.55  # faint: ink at ~140 on the grey paper
    a += rng.normal(0, 18, a.shape)
    bw = np.where(a < 178, 0, 255).astype(np.uint8)
    for y in rng.integers(0, h, 3):
        bw[y:y + 2, :] = np.where(rng.random(w) < 0.6, 0, bw[y:y + 2, :])
    return Image.fromarray(bw, "L").convert("L")
