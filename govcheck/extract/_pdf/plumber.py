"""pdfplumber engine, and the recovery path when pdfium cannot open a file.

Words in text-flow order, x_tolerance=1.5 after `dedupe_chars()` (research/extraction.md section 4),
ruling lines from `page.edges`, then the same `_Line` model as the pdfium engine.
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from pathlib import Path

from govcheck.extract._pdf.geometry import _add_rule, _borders, _grids
from govcheck.extract._pdf.lines import _append_line, _is_marker, _make_line
from govcheck.extract._pdf.model import _CELL_GAP, _WORD_CHAR, _Broken, _Doc, _Encrypted, _Line, _Page, _short


def _read_plumber(path: Path) -> _Doc:
    import pdfplumber

    # pdfminer logs every repair it makes ("MediaBox missing ...") as a warning: noise on the user's
    # terminal for a file whose problems end up in the report anyway.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    try:
        pdf = pdfplumber.open(str(path))
    except Exception as exc:
        if _is_password_error(exc):
            raise _Encrypted() from None
        raise _Broken(_short(exc)) from None
    try:
        try:
            meta_title = str(pdf.metadata.get("Title") or "") or None
        except Exception:
            meta_title = None
        pages: list[_Page] = []
        plumber_pages = pdf.pages
        for i, page in enumerate(plumber_pages):
            try:
                pages.append(_plumber_page(page, i))
            except Exception as exc:
                if _is_password_error(exc):
                    raise _Encrypted() from None
                pages.append(_Page(number=i + 1, label=None, width=0, height=0, error=_short(exc)))
            finally:
                page.close()
        return _Doc(pages=pages, count=len(plumber_pages), meta_title=meta_title)
    except (_Encrypted, _Broken):
        raise
    except Exception as exc:
        if _is_password_error(exc):
            raise _Encrypted() from None
        raise _Broken(_short(exc)) from None
    finally:
        _close_quietly(pdf)


def _close_quietly(pdf) -> None:
    """pdfplumber's close() builds the page list it closes: on a broken page tree it raises what opening
    the pages raised (found by fuzzing: a damaged /MediaBox -> TypeError). The reason is already known."""
    with contextlib.suppress(Exception):
        pdf.close()


def _plumber_page(page, i: int) -> _Page:
    from pdfplumber import utils

    height = float(page.height)
    label = None
    try:
        raw_label = page.page_obj.label
        if raw_label is not None and str(raw_label).strip() not in ("", str(i + 1)):
            label = str(raw_label).strip()
    except Exception:
        label = None
    result = _Page(number=i + 1, label=label, width=float(page.width), height=height)
    result.drawn = bool(page.images or page.rects or page.lines or page.curves)
    x_off, top_off = float(page.bbox[0]), float(page.bbox[1])
    hr: list[tuple[float, float, float]] = []
    vr: list[tuple[float, float, float]] = []
    for e in page.edges:
        x0, x1 = float(e["x0"]) - x_off, float(e["x1"]) - x_off
        y0, y1 = height - (float(e["bottom"]) - top_off), height - (float(e["top"]) - top_off)
        _add_rule((x0, y0, x1, y1), hr, vr, None)
    result.grids = _grids(hr, vr)
    borders = _borders(result.grids)
    words = utils.extract_words(
        _dedupe_chars(page.chars), x_tolerance=1.5, y_tolerance=3, use_text_flow=True, extra_attrs=["size", "fontname"]
    )
    current: list[dict] = []
    for w in words:
        if current:
            prev = current[-1]
            size = float(prev["size"]) or 10.0
            same_line = (
                abs(float(w["bottom"]) - float(prev["bottom"])) <= 0.5 * size
                and float(w["x0"]) >= float(prev["x1"]) - 1
            )
            if not same_line:
                _append_line(result.lines, _plumber_line(current, height, top_off, x_off, borders))
                current = []
        current.append(w)
    if current:
        _append_line(result.lines, _plumber_line(current, height, top_off, x_off, borders))
    result.lines = [ln for ln in result.lines if ln.text]
    return result


def _dedupe_chars(chars: list[dict]) -> list[dict]:
    """`page.dedupe_chars().chars`, without its quadratic step: pdfplumber puts the kept chars back in
    page order with `sorted(kept, key=chars.index)`, a linear search comparing whole char dicts for
    each kept char (~1.3 G instructions for a 1,500-char page, more than reading the rest of it).
    The same function runs on a list whose `index` finds the same position by hashing first."""
    from pdfplumber import utils

    return utils.dedupe_chars(_IndexedChars(chars))


class _IndexedChars(list):
    """A list of char dicts whose `index(c)` is `list.index(c)` - the first char equal to c - found
    among the chars with c's text and position instead of by a scan of the whole list."""

    _at: dict[tuple, list[int]] | None = None

    def index(self, c, *args) -> int:  # type: ignore[override]
        if args:
            return super().index(c, *args)
        if self._at is None:
            at: dict[tuple, list[int]] = {}
            for i, x in enumerate(self):
                at.setdefault(_char_key(x), []).append(i)
            self._at = at
        try:
            candidates = self._at.get(_char_key(c), ())
        except TypeError:  # an unhashable value: the plain search
            return super().index(c)
        for i in candidates:  # ascending: the first equal char, as list.index finds it
            x = self[i]
            if x is c or x == c:
                return i
        return super().index(c)  # not among them (cannot happen for equal dicts): the plain search


def _char_key(c: dict) -> tuple:
    """Values every char equal to c shares with it (equal values hash alike)."""
    return (c.get("text"), c.get("x0"), c.get("doctop"))


def _plumber_line(words: list[dict], height: float, top_off: float, x_off: float, vrules) -> _Line:
    sizes = Counter()
    for w in words:
        sizes[round(float(w["size"]), 1)] += len(w["text"])
    size = sizes.most_common(1)[0][0] or 10.0
    first = next((w for w in words if _WORD_CHAR.search(w["text"])), words[0])
    bold = "bold" in str(first.get("fontname", "")).lower()
    pieces: list[tuple[str, float, float]] = []
    marker_ok = True
    text, px0, px1 = "", 0.0, 0.0
    for k, w in enumerate(words):
        wx0, wx1 = float(w["x0"]) - x_off, float(w["x1"]) - x_off
        if k:
            gap = wx0 - px1
            mid_y = height - (float(w["top"]) + float(w["bottom"])) / 2 + top_off
            crosses = any(px1 - 1 <= x <= wx0 + 1 and y0 <= mid_y <= y1 for x, y0, y1 in vrules)
            marker = k == 1 and gap >= 0.3 * size and _is_marker(text)
            if gap >= _CELL_GAP * size or (crosses and gap > 0.15 * size) or marker:
                if not pieces and (crosses or gap > 3 * size):
                    marker_ok = False
                pieces.append((text, px0, px1))
                text, px0 = "", wx0
            else:
                text += " "
        else:
            px0 = wx0
        text += w["text"]
        px1 = wx1
    pieces.append((text, px0, px1))
    top = height - (min(float(w["top"]) for w in words) - top_off)
    bottom = height - (max(float(w["bottom"]) for w in words) - top_off)
    base = bottom + 0.2 * size  # pdfminer boxes reach the font's descent; close enough for pitch
    soft = words[-1]["text"].endswith("\u00ad")
    return _make_line(pieces, bottom, top, base, size, bold, soft, marker_ok)


def _is_password_error(exc: BaseException) -> bool:
    seen = 0
    while exc is not None and seen < 5:
        name = type(exc).__name__.lower()
        if "password" in name or "encrypt" in name or "password" in str(exc).lower():
            return True
        exc = (
            exc.__cause__
            or exc.__context__
            or (exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else None)
        )
        seen += 1
    return False
