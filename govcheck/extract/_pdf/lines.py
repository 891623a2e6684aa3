"""Building lines: the pieces a backend found on one baseline -> one `_Line`.

Shared by both engines and OCR, so list markers, soft hyphens and cell runs are decided once:
a bullet glyph is dropped and remembered, an enumerator stays as content, pieces far apart
become runs (table cells).

The PDFium reader's compiled helper (`_native.c`) does the same for upright pages, with `_CTRL`,
`_ENUM` and `_clean` copied by hand: a change here must be made there too, and tests/test_pdf_native.py
says when the two differ.
"""

from __future__ import annotations

import re

from govcheck.extract._pdf.model import _CELL_GAP, _Line

# Glyphs that are always list bullets (Symbol/Wingdings bullets land in the private-use area).
_BULLETS = frozenset("•◦▪▫●○■□►▸‣⁃∙\uf0b7\uf0a7\uf0a8\uf0d8\uf0fc\uf076\uf06e\uf0e0\uf0d9\uf0fa\uf0a1\uf071")
# Glyphs that are bullets only when set apart from the text (hanging indent / tab after them).
_WEAK_BULLETS = frozenset("-–—*o·\u2212")
_ENUM = re.compile(r"^(?:\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)]|\d+(?:\.\d+)+\.?)$")
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")


def _clean(text: str) -> str:
    if text.isprintable():  # no tab, line break or other control character: nothing to do
        return text
    return _CTRL.sub("", text.replace("\r\n", "\n").replace("\t", " ").replace("\n", " "))


def _is_marker(text: str) -> bool:
    t = text.strip()
    return bool(t) and ((len(t) == 1 and (t in _BULLETS or t in _WEAK_BULLETS)) or bool(_ENUM.match(t)))


def _make_line(
    pieces, bottom, top, base, size, bold, soft, marker_ok: bool = True, marker_cut: bool = False
) -> _Line | None:
    """A line from its runs: strip a bullet glyph, remember where the text starts, mark soft hyphens."""
    if soft and pieces:
        text, x0, x1 = pieces[-1]
        text = text.rstrip()
        text = text[:-1] if text.endswith(("\ufffe", "\u00ad", "\x02")) else text
        pieces[-1] = (text.rstrip() + "-", x0, x1)
    cleaned: list[tuple[str, float, float]] = []
    x1 = 0.0  # the rightmost end, taken as max() would (the first of equals, a NaN only when first)
    for t, a, b in pieces:
        t = _clean(t).strip()
        if t:
            if not cleaned or b > x1:
                x1 = b
            cleaned.append((t, a, b))
    if not cleaned:
        return None
    x0 = cleaned[0][1]
    bullet = False
    xt = x0
    first = cleaned[0][0]
    if len(cleaned) >= 2 and marker_ok and _is_marker(first):
        xt = cleaned[1][1]
        if len(first) == 1:  # a bullet glyph: not part of the text
            bullet = True
            cleaned = cleaned[1:]
        else:  # an enumerator ("1.", "a)"): keep it, it is content; the text starts after it
            cleaned = [(first + " " + cleaned[1][0], x0, cleaned[1][2]), *cleaned[2:]]
    elif marker_cut and len(cleaned) >= 2:  # the gap after the first word was not a marker's after all
        cleaned = [(first + " " + cleaned[1][0], x0, cleaned[1][2]), *cleaned[2:]]
    if not bullet and cleaned[0][0][:1] in _BULLETS and (len(cleaned[0][0]) == 1 or cleaned[0][0][1].isspace()):
        first = cleaned[0][0]
        bullet = True
        cleaned[0] = (first[1:].lstrip(), x0, cleaned[0][2])
        if not cleaned[0][0]:
            cleaned = cleaned[1:]
            if not cleaned:  # a bullet alone: the item's text follows as the next piece of this line
                return _Line("", x0, x1, bottom, top, base, size, bold, x1, True, False)
    if len(cleaned) == 1:
        text = cleaned[0][0].strip()
        return _Line(text, x0, x1, bottom, top, base, size, bold, xt, bullet, soft) if text else None
    text = " ".join([p[0] for p in cleaned]).strip()
    if not text:
        return None
    line = _Line(text, x0, x1, bottom, top, base, size, bold, xt, bullet, soft)
    # The runs: cell fragments with the line's baseline and style (what `_part` makes, inlined).
    runs = line.runs = [_Line(t, a, b, bottom, top, base, size, bold, a) for t, a, b in cleaned]
    runs[-1].soft = soft
    return line


def _single_line(text: str, x0: float, x1: float, bottom: float, top: float, base: float, size: float,
                 bold: bool, soft: bool) -> _Line | None:
    """`_make_line` for a line of one run (most lines), without the piece lists."""
    if soft:
        text = text.rstrip()
        text = text[:-1] if text.endswith(("\ufffe", "\u00ad", "\x02")) else text
        text = text.rstrip() + "-"
    text = _clean(text).strip()
    if not text:
        return None
    bullet = False
    if text[0] in _BULLETS and (len(text) == 1 or text[1].isspace()):
        bullet = True
        text = text[1:].lstrip()
        if not text:  # a bullet alone: the item's text follows as the next piece of this line
            return _Line("", x0, x1, bottom, top, base, size, bold, x1, True, False)
    return _Line(text, x0, x1, bottom, top, base, size, bold, x0, bullet, soft)


def _part(line: _Line, text: str, x0: float, x1: float) -> _Line:
    """A cell fragment of a line (same baseline and style, own text and x range)."""
    return _Line(text, x0, x1, line.bottom, line.top, line.base, line.size, line.bold, x0)


def _append_line(out: list[_Line], line: _Line | None) -> None:
    """Add a line; a piece on the same baseline right of the previous line continues that line."""
    if line is None:
        return
    if out and not out[-1].text:  # a lone bullet glyph, waiting for its text
        prev = out.pop()
        if abs(prev.base - line.base) <= 0.5 * max(prev.size, line.size) and line.x0 >= prev.x0:
            line.bullet, line.xt, line.x0 = True, line.x0, prev.x0
    if not line.text:
        out.append(line)
        return
    if out:
        prev = out[-1]
        same = abs(prev.base - line.base) <= 0.25 * min(prev.size, line.size)
        if same and line.x0 >= prev.x1 - 1 and not line.bullet:
            gap = line.x0 - prev.x1
            if gap < _CELL_GAP * max(prev.size, line.size) and prev.runs is None and line.runs is None:
                prev.text = f"{prev.text} {line.text}"
                prev.x1 = line.x1
                prev.soft = line.soft
            else:
                runs = prev.runs or [_part(prev, prev.text, prev.x0, prev.x1)]
                runs.extend(line.runs or [_part(line, line.text, line.x0, line.x1)])
                prev.runs = runs
                prev.text = f"{prev.text} {line.text}"
                prev.x1 = line.x1
                prev.soft = line.soft
            prev.top = max(prev.top, line.top)
            prev.bottom = min(prev.bottom, line.bottom)
            return
    out.append(line)
