"""Stamps and signatures across the text of a scanned page, taken off before Tesseract reads it.

Why: a received-stamp pressed across the body text, or a signature scribbled through it, is read by
Tesseract as text or as a picture. The stamp's letters ("INKOM 2025-03-14") join the line under them
into junk that the layout takes for a heading or a table (a guideline's goals ended up under a heading
"INKS insatsen fär RÅ aa och", outside their section "2. Mål"), and a frame or a pen's loops make
Tesseract's page segmentation set the lines they cross aside as a photo. On the harder scan set
(tests/scanset.py, bench/ocr.py) the seven stamped pages read 0.865-0.931 of their text layer's words
with the stamp on, 0.939-0.987 with it taken off (bench/RESULTS.md, eighth session).

What counts as such a mark, so that nothing the document printed is taken off:
- its strokes are thicker than body text: they survive an opening ~0.6 mm across, which removes text
  strokes (~0.4 mm); bold headings and titles survive it too and are told apart by the next tests;
- it is large and spans text lines: at least MIN_SIZE mm both ways, and at least MIN_SPAN of its own
  stroke widths (measured on the harder set: title and heading lines 14-16, a stamp's letters 16-22,
  signatures 32-38, stamp frames 48-76);
- it is drawn, not filled: at most MAX_FILL of its box (logos, photographs and shading are left);
- in the text's own ink, it is not mostly straight full-length rows and columns (a table or a frame).

How it is taken off depends on its ink, measured against the cores of the text strokes beside it:
- lighter than the text (a red or blue stamp copies to mid grey): pixels near the mark's grey level
  with no darker ink within two pixels become paper. Text under the stamp is darker than either and
  stays, and so do the edges of the letters it crosses.
- as dark as the text (a pen): the mark's strokes become paper, and with them the few pixels of the
  letters they cross - a gap Tesseract reads through better than a pen stroke.

Cost: ~0.09 s a page without marks (Otsu's threshold on a copy reduced to ~150 dpi, the opening at full
resolution, components on a 0.25 mm grid); a mark's removal works inside its box only. On 101 pages of
text PDFs (the wild and dev corpora rendered at 300 dpi) it found two marks, both in line drawings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

MIN_SIZE = 12.0  # mm: a mark is at least this tall and wide
MIN_SPAN = 25.0  # ... and at least this many of its own stroke widths, both ways
MAX_FILL = 0.3  # share of a mark's box its thick strokes may cover
MAX_RULED = 0.5  # share of its strokes that may lie on straight full-length rows or columns
LIGHTER = 20  # grey levels by which a stamp's ink must be lighter than the text's to be told apart by it
_WORK_DPI = 150  # resolution of the copy the ink threshold is found on
_MIN_INK, _MAX_INK = 0.002, 0.35  # blank pages and photographs are left alone


@dataclass(frozen=True, slots=True)
class Mark:
    """A stamp or signature taken off a page: its box in pixels of the page given (left, top, right,
    bottom) and whether its ink was lighter than the text's (a stamp) or the same (a pen)."""

    box: tuple[int, int, int, int]
    lighter: bool


def remove(image: Image.Image, dpi: float) -> tuple[Image.Image, list[Mark]]:
    """The page with stamps and signatures across its text painted over with paper, and the marks
    found. A page without any is returned as it is (the same object)."""
    if image.mode != "L":
        image = image.convert("L")
    grey = np.asarray(image)
    factor = max(1, round(dpi / _WORK_DPI))
    small = np.asarray(image.reduce(factor)) if factor > 1 else grey
    threshold = _otsu(small)  # the paper/ink split, from the reduced copy: a quarter of the pixels
    share = float((small < threshold).mean()) if small.size else 0.0
    if not _MIN_INK <= share <= _MAX_INK:
        return image, []
    px_mm = dpi / 25.4
    ink = grey < threshold
    radius = max(1, round(0.25 * px_mm))  # an opening ~0.6 mm across: body text strokes (~0.4 mm) go
    thick = _open(ink, radius)
    if not thick.any():
        return image, []
    # Components on a grid of ~0.25 mm cells, gaps under ~0.5 mm bridged: a pen stroke that thins
    # out for a moment, or a stamp's frame and letters, stay one mark.
    cell = radius
    rows, cols = thick.shape[0] // cell, thick.shape[1] // cell
    coarse = thick[: rows * cell, : cols * cell].reshape(rows, cell, cols, cell).any(axis=(1, 3))
    out: np.ndarray | None = None
    marks: list[Mark] = []
    for comp, x0, y0, x1, y1 in _components(_dilate_square(coarse, 2), coarse):
        w, h = (x1 - x0) * cell / px_mm, (y1 - y0) * cell / px_mm
        if min(w, h) < MIN_SIZE or comp.sum() > MAX_FILL * comp.size:
            continue
        box = (x0 * cell, y0 * cell, x1 * cell, y1 * cell)
        strokes = np.repeat(np.repeat(comp, cell, 0), cell, 1) & thick[box[1]:box[3], box[0]:box[2]]
        edge = int((strokes & ~_erode_square(strokes)).sum())
        stroke = 2 * int(strokes.sum()) / max(edge, 1) / px_mm  # mm: area over half the outline
        if min(w, h) < MIN_SPAN * stroke:
            continue
        if out is None:
            out = grey.copy()
        mark = _take_off(out, thick, strokes, box, threshold, px_mm)
        if mark is not None:
            marks.append(mark)
    if not marks or out is None:
        return image, []
    return Image.fromarray(out, "L"), marks


def _take_off(page: np.ndarray, thick: np.ndarray, strokes: np.ndarray, box: tuple[int, int, int, int],
              threshold: int, px_mm: float) -> Mark | None:
    """Paint one mark over with paper, in place; None if it turns out to be a table's rules."""
    x0, y0, x1, y1 = box
    pad = int(2 * px_mm)
    height, width = page.shape
    bx0, by0, bx1, by1 = max(0, x0 - pad), max(0, y0 - pad), min(width, x1 + pad), min(height, y1 + pad)
    sub = page[by0:by1, bx0:bx1]
    ink = sub < threshold
    own = np.zeros(sub.shape, bool)
    own[y0 - by0:y1 - by0, x0 - bx0:x1 - bx0] = strokes
    core = _erode_square(own)
    if not core.any():
        return None
    level = float(np.median(sub[core]))
    # The text's ink beside it: the cores of thin strokes (a stamp's letters and bold type left out).
    text = _erode_square(ink) & ~_dilate_square(thick[by0:by1, bx0:bx1], 3)
    text_level = float(np.median(sub[text])) if text.any() else 0.0
    lighter = level - text_level >= LIGHTER
    if not lighter and _ruled(strokes):
        return None  # straight rules in the text's ink: a table or a frame the document drew
    paper = float(np.median(sub[~ink])) if (~ink).any() else 255.0
    if lighter:
        # The stamp's grey: thick bands at its level, widened over their soft edges. A pixel with
        # ink darker than the stamp within two pixels is text (or text under the stamp) and stays.
        cut = level - LIGHTER
        band = (sub >= level - 25) & (sub <= level + 25)
        region = _dilate_square(_dilate_square(_erode_square(band)), 4)
        kill = region & (_min_filter(sub, 2) >= cut) & ink
        # Dark specks wholly inside the stamp (JPEG ringing, toner) go too; text crossing the stamp
        # continues outside it and keeps its pixels inside.
        dark = sub < cut
        kill |= dark & region & ~_reconstruct(dark & ~region, dark, 16)
    else:
        kill = _dilate_square(_reconstruct(own, ink, 4))
    sub[kill] = round(paper)
    return Mark(box=(bx0, by0, bx1, by1), lighter=lighter)


def _ruled(strokes: np.ndarray) -> bool:
    """Most of the strokes lie on rows or columns that run across at least half the box."""
    total = int(strokes.sum())
    full_rows = strokes.sum(axis=1) >= 0.5 * strokes.shape[1]
    full_cols = strokes.sum(axis=0) >= 0.5 * strokes.shape[0]
    on_rules = int(strokes[full_rows, :].sum()) + int(strokes[:, full_cols].sum())
    return on_rules > MAX_RULED * max(total, 1)


def _components(grouping: np.ndarray, pixels: np.ndarray) -> Iterator[tuple[np.ndarray, int, int, int, int]]:
    """8-connected components of `grouping` (run-length union-find), each as the mask of `pixels` inside
    it and its box (x0, y0, x1, y1, exclusive ends), in order of their first run (deterministic)."""
    height, width = grouping.shape
    padded = np.zeros((height, width + 2), np.int8)
    padded[:, 1:-1] = grouping
    edges = np.diff(padded, axis=1)
    ys, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    n = len(ys)
    if n == 0:
        return
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = np.searchsorted(ys, np.arange(height + 1)).tolist()
    s, e = starts.tolist(), ends.tolist()
    for y in range(1, height):
        i, i_end, j, j_end = first[y - 1], first[y], first[y], first[y + 1]
        while i < i_end and j < j_end:
            if s[j] <= e[i] and s[i] <= e[j]:  # overlapping or touching diagonally
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            if e[i] < e[j]:
                i += 1
            else:
                j += 1
    labels = np.fromiter((find(i) for i in range(n)), np.int64, n)
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    for group in np.split(order, cuts):
        gy, gs, ge = ys[group], starts[group], ends[group]
        y0, y1, x0, x1 = int(gy.min()), int(gy.max()) + 1, int(gs.min()), int(ge.max())
        inside = np.zeros((y1 - y0, x1 - x0), bool)
        for yy, a, b in zip((gy - y0).tolist(), (gs - x0).tolist(), (ge - x0).tolist(), strict=True):
            inside[yy, a:b] = True
        yield inside & pixels[y0:y1, x0:x1], x0, y0, x1, y1


def _shifted(m: np.ndarray, dy: int, dx: int, fill: bool) -> np.ndarray:
    out = np.full(m.shape, fill, m.dtype)
    h, w = m.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = m[max(-dy, 0):h + min(-dy, 0),
                                                                  max(-dx, 0):w + min(-dx, 0)]
    return out


def _open(m: np.ndarray, r: int) -> np.ndarray:
    """Opening by an octagon of radius r (squares and crosses in turn): what is left are strokes at least
    ~2r+1 pixels wide in every direction."""
    out = m
    for i in range(r):
        out = _erode_square(out) if i % 2 == 0 else _erode_cross(out)
    for i in reversed(range(r)):
        out = _dilate_square(out) if i % 2 == 0 else _dilate_cross(out)
    return out


def _erode_cross(m: np.ndarray) -> np.ndarray:
    """Erosion by a 3x3 cross: takes off one pixel from every edge, diagonal strokes ~2.8 px wide included."""
    out = m.copy()
    out[1:, :] &= m[:-1, :]
    out[:-1, :] &= m[1:, :]
    out[:, 1:] &= m[:, :-1]
    out[:, :-1] &= m[:, 1:]
    out[0, :] = out[-1, :] = False
    out[:, 0] = out[:, -1] = False
    return out


def _dilate_cross(m: np.ndarray) -> np.ndarray:
    out = m.copy()
    out[1:, :] |= m[:-1, :]
    out[:-1, :] |= m[1:, :]
    out[:, 1:] |= m[:, :-1]
    out[:, :-1] |= m[:, 1:]
    return out


def _erode_square(m: np.ndarray) -> np.ndarray:
    """Erosion by a 3x3 square (separable)."""
    rows = m.copy()
    rows[:, 1:] &= m[:, :-1]
    rows[:, :-1] &= m[:, 1:]
    rows[:, 0] = rows[:, -1] = False
    out = rows.copy()
    out[1:, :] &= rows[:-1, :]
    out[:-1, :] &= rows[1:, :]
    out[0, :] = out[-1, :] = False
    return out


def _dilate_square(m: np.ndarray, times: int = 1) -> np.ndarray:
    for _ in range(times):
        rows = m.copy()
        rows[:, 1:] |= m[:, :-1]
        rows[:, :-1] |= m[:, 1:]
        m = rows.copy()
        m[1:, :] |= rows[:-1, :]
        m[:-1, :] |= rows[1:, :]
    return m


def _reconstruct(seed: np.ndarray, within: np.ndarray, steps: int) -> np.ndarray:
    """`seed` grown inside `within` by up to `steps` pixels (geodesic dilation)."""
    grown = seed & within
    for _ in range(steps):
        nxt = _dilate_square(grown) & within
        if np.array_equal(nxt, grown):
            break
        grown = nxt
    return grown


def _min_filter(a: np.ndarray, r: int) -> np.ndarray:
    """Darkest grey level within r pixels (square window), separable."""
    out = a.copy()
    for d in range(1, r + 1):
        out[:, d:] = np.minimum(out[:, d:], a[:, :-d])
        out[:, :-d] = np.minimum(out[:, :-d], a[:, d:])
    cols = out.copy()
    for d in range(1, r + 1):
        out[d:, :] = np.minimum(out[d:, :], cols[:-d, :])
        out[:-d, :] = np.minimum(out[:-d, :], cols[d:, :])
    return out


def _otsu(grey: np.ndarray) -> int:
    from govcheck.extract.straighten import _otsu as otsu

    return otsu(grey)
