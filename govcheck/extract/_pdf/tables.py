"""Unruled tables: consecutive lines with cells on one baseline and aligned columns.

Ruled tables come from ruling lines (`geometry._grids`); tables drawn without rules are only
visible as text pieces that line up column by column over several baselines. Long two-column
prose written line by line across the page is read column by column instead.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from govcheck.extract._pdf.model import _Line, _Stats


@dataclass(slots=True)
class _Table:
    cols: list[float]  # left edges of the columns
    cells: dict[tuple[int, int], list[_Line]]
    first: int  # position of its first line in the page flow


def _same_columns(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 3 for x, y in zip(a, b, strict=True))


def _ruled_tables(flow: list[_Line], grids: list[tuple[list[float], list[float]]],
                  tables: dict[int, _Table]) -> list[object]:
    """Lines inside a grid of ruling lines with at least two columns become cells of that grid's table.

    Returns the page flow as slots: a `_Line`, or a table id (key of `tables`) at the table's first line.
    """
    slots: list[object] = []  # _Line or int (table id at its first line)
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
    return slots


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
