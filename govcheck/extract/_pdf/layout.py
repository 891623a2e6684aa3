"""Layout: lines -> blocks (paragraphs, list items, table cells, headings, the title).

Body size and line pitch are measured over the whole document first, so a heading is "larger than
body" in this document's terms; heading levels come from numbering, else from size rank.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from itertools import pairwise

from govcheck.extract._pdf import pdfium
from govcheck.extract._pdf.furniture import _furniture, _repeats
from govcheck.extract._pdf.lines import _CTRL
from govcheck.extract._pdf.model import _Group, _Line, _Page, _Stats
from govcheck.extract._pdf.tables import _ruled_tables, _same_columns, _Table, _unruled_tables
from govcheck.model import Block

_NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(\S.*)$")
# "1. ", "2) ", "a) ": an enumerated item whose marker is typeset as text (no list-marker gap)
_ENUMERATED = re.compile(r"^\(?(?:\d{1,2}|[a-z])[.)]\s")
_TOC_LINE = re.compile(r"(?:\.{3,}|…|_{3,}|\s{2,})\s*\d+\s*$")
_COORDINATORS = frozenset(["och", "eller", "samt", "respektive", "resp", "and", "or", "nor"])


def _stats(pages: list[_Page]) -> _Stats:
    """Body size (the size most text is set in) and body line pitch in ems. Two passes over every line:
    the PDF helper, when compiled, does them in C (`_native.stats`, None where this code must decide);
    this code is the reference."""
    native = pdfium._native()
    if native is not None and isinstance(pages, list):
        got = native.stats(pages)  # type: ignore[attr-defined]
        if got is not None:
            return _Stats(body=got[0], lead=got[1])
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
                kind = "list-item" if g.role in ("bullet", "item") else "paragraph"
                blocks.append(Block(text, kind, page.number, label))
        open_table = None
        if body and body[-1].role == "cell" and body[-1].table is not None:
            last = tables[body[-1].table]
            no, offset = numbering[body[-1].table]
            open_table = (last.cols, no, offset + max(r for r, _ in last.cells) + 1)
    return blocks, title


def _page_groups(page: _Page, stats: _Stats, repeats: dict) -> tuple[list[_Group], dict[int, _Table]]:
    """Furniture first, then the page flow (paragraphs, list items, table cells), then furniture."""
    lines = page.lines
    if not lines:
        return [], {}
    head, foot = _furniture(page, stats, repeats)
    flow = [ln for k, ln in enumerate(lines) if k not in head and k not in foot]
    tables: dict[int, _Table] = {}
    slots = _ruled_tables(flow, page.grids, tables)

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


def _group_lines(lines: list[_Line], page: _Page, stats: _Stats, furniture: bool = False) -> list[_Group]:
    """Join consecutive lines into paragraphs and list items. The PDF helper, when compiled, runs this
    loop with `_continues` and `_next_item` in C (the largest per-line part of the layout); this code is
    the reference it is tested against, and what runs without it."""
    native = pdfium._native()
    if native is not None:
        return native.group_lines(lines, page.number, stats.lead, furniture)  # type: ignore[attr-defined]
    groups: list[_Group] = []
    cur: _Group | None = None
    for ln in lines:
        if cur is not None and _continues(cur, ln, stats):
            cur.lines.append(ln)
            continue
        role = "furniture" if furniture else ("bullet" if ln.bullet else "text")
        if role == "text" and cur is not None and cur.role in ("text", "item") and _next_item(cur, ln):
            role = cur.role = "item"  # "1. School counsellor" / "2. Principal": items, not numbered headings
        cur = _Group([ln], role, page.number)
        groups.append(cur)
    return groups


def _next_item(group: _Group, ln: _Line) -> bool:
    """Does the line open the next item of a numbered list whose previous item is `group`: both start
    with a marker at the same x, in the same weight? (Items may stand a paragraph's space apart;
    numbered headings have their sections' text between them, so they are never adjacent.)"""
    first = group.lines[0]
    return ln.bold == first.bold and _sibling_marker(first, ln, max(2.0, 0.35 * max(ln.size, first.size)))


def _sibling_marker(first: _Line, ln: _Line, tol: float) -> bool:
    """Do both lines open with a list marker set as text ("1.", "b)") at the same x, within tol?"""
    return abs(ln.x0 - first.x0) <= tol and bool(_ENUMERATED.match(ln.text)) and bool(_ENUMERATED.match(first.text))


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
    if _sibling_marker(first, ln, tol):
        return False  # "2. ..." under "1. ...": the next item of a numbered list, not a wrapped line of the first
    if group.role == "bullet":
        return abs(ln.x0 - first.xt) <= tol
    if len(group.lines) >= 2:
        return abs(ln.x0 - group.lines[1].x0) <= tol
    if abs(ln.x0 - first.x0) <= tol or abs(ln.x0 - first.xt) <= tol:
        return True
    if 0 < ln.x0 - first.x0 <= 2.5 * size and _ENUMERATED.match(first.text):
        # "1. Medianväntetiden ... högst 21" / "dagar vid utgången av 2027.": the item's wrapped lines
        # hang under its text, right of a marker the PDF set as text; read apart, the first line
        # looked like a numbered heading and the rest like a new paragraph
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
    # (a short question set larger or bold heads its answer, as in the text formats: "Vem gäller programmet?")
    end = text.rstrip()[-1:]
    question = end == "?" and len(text.split()) <= 8
    if (end in (".", ",", ";", ":", "!", "?") and not question) or _TOC_LINE.search(text):
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
