"""Page geometry: upright page space, and the table grids that ruling lines draw.

Why here: both engines (and the pdfium line cutter) need the same idea of "a ruled table": vertical
rules that overlap in height plus full-width horizontal rules. The pdfium engine also needs a cheap
test (`_aligned_gaps`) to skip walking page objects on pages whose lines have no column-like gaps.
"""

from __future__ import annotations

from itertools import pairwise


def _aligned_gaps(gaps: list[tuple[float, float, float]]) -> bool:
    """True when gaps of two different lines overlap horizontally, as column gaps of a table do."""
    gaps.sort()
    return any(b0 < a1 and abs(ya - yb) > 1 for (_a0, a1, ya), (b0, _b1, yb) in pairwise(gaps))


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
