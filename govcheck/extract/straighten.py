"""Orientation and skew of a scanned page, found from projection profiles, before Tesseract reads it.

Why: Tesseract reads a page turned 90/180/270 degrees as noise, and a page skewed by a degree or two
gives line boxes that overlap and lean, which spoils the heading, paragraph and column inference of
`pdf._layout`. Archives hold both: pages fed sideways or upside down, photocopies slightly turned.

Why projection profiles rather than Tesseract's OSD (`--psm 0`): measured in bench/ocr.py on the 20
pages of the harder scan set, each turned 0/90/180/270 degrees more (80 cases, 300 dpi), both were right
80 times of 80; OSD took 1.84 s a page (a second Tesseract run) and gives no skew angle, the profiles
below 0.14 s a page for orientation *and* skew (see bench/RESULTS.md).

How, on a copy reduced to about 150 dpi and binarised (Otsu):
- text lines make the row profile of ink (pixels per row) alternate sharply between lines and gaps;
  the sum of squared differences of adjacent rows is largest when the lines lie exactly horizontal.
  Searching angles within +-MAX_SKEW for the rows and for the columns gives the axis the text runs
  along (0/180 or 90/270) and the skew.
- upright vs upside down: Latin text has far more ink above the x-height band (capitals, ascenders,
  digits, the rings and dots of å ä ö i) than below the baseline (g j p q y and commas). Each text
  line's band is found from its own profile; the side with more ink is the top.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

MAX_SKEW = 6.0  # degrees searched either way; beyond that a page is rotated rather than skewed
MIN_SKEW = 0.5  # below this Tesseract copes with the lean itself, and resampling would blur the page
_WORK_PIXELS = 2_500_000  # the analysed copy: ~150 dpi for A4
_MAX_POINTS = 120_000  # ink pixels used for the angle search (every k-th, deterministic)
_MIN_INK, _MAX_INK = 0.002, 0.35  # share of ink outside which a page is blank or a photo: left alone


@dataclass(frozen=True, slots=True)
class Straighten:
    """How to turn a page so that its text is upright and level."""

    quarter: int = 0  # counter-clockwise quarter turns to apply: 0, 1, 2 or 3
    skew: float = 0.0  # then degrees counter-clockwise (PIL's Image.rotate sense)
    certain: bool = True  # False: too little text to tell (the page is left as it is)

    @property
    def needed(self) -> bool:
        return self.quarter != 0 or abs(self.skew) >= MIN_SKEW


def analyse(image: Image.Image) -> Straighten:
    """How far the text of a grey page image is turned and leaning; a no-op for pages without text."""
    small = image
    factor = 1
    while small.width * small.height > _WORK_PIXELS * factor * factor:
        factor += 1
    if factor > 1:
        small = image.reduce(factor)
    grey = np.asarray(small, dtype=np.uint8)
    ink = grey < _otsu(grey)
    share = float(ink.mean()) if ink.size else 0.0
    if not _MIN_INK <= share <= _MAX_INK:
        return Straighten(certain=False)
    ys, xs = np.nonzero(ink)
    step = max(1, len(ys) // _MAX_POINTS)
    sy, sx = ys[::step].astype(np.float64), xs[::step].astype(np.float64)
    rows_angle, rows_score = _best_angle(sy, sx)
    _, cols_score = _best_angle(sx, -sy)  # the page turned a quarter clockwise: columns become rows
    if cols_score > rows_score * 1.15:
        # Text runs top-to-bottom: turn a quarter counter-clockwise, then decide up or down.
        turned = np.rot90(ink, 1)
        quarter, angle = 1, _best_angle(*_points(turned, step))[0]
        base = turned
    else:
        quarter, angle, base = 0, rows_angle, ink
    upright = _ascender_balance(base, angle)
    if upright is None:
        return Straighten(certain=False)
    if upright < 0:
        quarter = (quarter + 2) % 4  # a half turn keeps the lean's sense in the image
    return Straighten(quarter=quarter, skew=round(-angle, 2))


def apply(image: Image.Image, how: Straighten) -> Image.Image:
    """The page turned upright and levelled; white fills the corners a small rotation uncovers."""
    if how.quarter:
        image = image.transpose(
            {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}[how.quarter]
        )
    if abs(how.skew) >= MIN_SKEW:
        image = image.rotate(how.skew, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return image


def _points(ink: np.ndarray, step: int) -> tuple[np.ndarray, np.ndarray]:
    ys, xs = np.nonzero(ink)
    return ys[::step].astype(np.float64), xs[::step].astype(np.float64)


def _otsu(grey: np.ndarray) -> int:
    """Otsu's threshold: the grey level that best splits ink from paper (faint faxes included)."""
    hist = np.bincount(grey.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256, dtype=np.float64)
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * levels)
    w1 = total - w0
    mean_all = m0[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_all * w0 / total - m0) ** 2 / (w0 * w1 / total)
    between[~np.isfinite(between)] = 0
    return int(np.argmax(between)) + 1


def _score(ys: np.ndarray, xs: np.ndarray, degrees: float) -> float:
    """Sharpness of the row profile with the points turned by `degrees`: high when lines are level."""
    a = np.radians(degrees)
    r = ys * np.cos(a) + xs * np.sin(a)
    bins = np.bincount(np.rint(r - r.min()).astype(np.int64)).astype(np.float64)
    return float(np.square(np.diff(bins)).sum()) / max(len(ys), 1)


def _best_angle(ys: np.ndarray, xs: np.ndarray) -> tuple[float, float]:
    """(angle, score): coarse search in half degrees, then tenths around the best."""
    if len(ys) == 0:
        return 0.0, 0.0
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.5)
    scores = [_score(ys, xs, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1)
    scores = [_score(ys, xs, a) for a in fine]
    i = int(np.argmax(scores))
    return round(float(fine[i]), 2), float(scores[i])


def _ascender_balance(ink: np.ndarray, degrees: float) -> float | None:
    """Share of text lines with more ink above their x-height band than below their baseline, minus the
    share with less (>0: upright). None when no lines of text are found.

    Lines vote rather than sum their ink: a signature, a stamp or a table's rules forms one tall "line"
    whose ink would otherwise outweigh the text; ink columns denser than any text (a copier's edge
    shadow, a table's vertical rules) are left out first."""
    ink = ink.copy()
    ink[:, ink.mean(axis=0) > 0.3] = False
    ys, xs = np.nonzero(ink)
    if len(ys) == 0:
        return None
    a = np.radians(degrees)
    r = ys * np.cos(a) + xs * np.sin(a)
    profile = np.bincount(np.rint(r - r.min()).astype(np.int64)).astype(np.float64)
    inked = profile > 0.02 * profile.max()
    # Runs of inked rows are text lines (and rules, stamps): their band is where the row ink is dense.
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.view(np.int8), [0]))))
    votes = lines = 0
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        rows = profile[start:end]
        if len(rows) < 4:
            continue
        core = np.flatnonzero(rows >= 0.5 * rows.max())
        top, bottom = int(core[0]), int(core[-1])
        if bottom - top < 2:
            continue
        above, below = rows[:top].sum(), rows[bottom + 1:].sum()
        if above != below:
            votes += 1 if above > below else -1
            lines += 1
    if lines < 2:
        return None
    return votes / lines
