"""Running headers and footers ("furniture"): kept apart so that they count once.

Small text in the top or bottom margin that repeats on other pages at the same height, is a page
number, or stands well apart from the body.
"""

from __future__ import annotations

import re

from govcheck.extract._pdf.model import _Line, _Page, _Stats

_PAGE_NO = re.compile(
    r"^\W*(?:(?:sida|sidan|page|seite|p\.|s\.)\s*)?(?:\d{1,4}|[ivxlc]{1,6})"
    r"(?:\s*(?:av|of|von|/)\s*\d{1,4})?\W*$",
    re.IGNORECASE,
)
_ZONE = 0.11  # top/bottom share of the page where running headers and footers live


def _repeats(pages: list[_Page]) -> dict[str, list[tuple[int, float]]]:
    """Margin lines by digit-masked text -> (page, top): running headers repeat at the same height."""
    seen: dict[str, list[tuple[int, float]]] = {}
    for p in pages:
        for ln in p.lines:
            centre = (ln.bottom + ln.top) / 2
            if centre >= p.height * (1 - _ZONE) or centre <= p.height * _ZONE:
                seen.setdefault(_mask(ln.text), []).append((p.number, ln.top))
    return seen


def _mask(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _furniture(page: _Page, stats: _Stats, repeats: dict[str, list[tuple[int, float]]]) -> tuple[set[int], set[int]]:
    """Indices of running-header and running-footer lines: small text in the page margins that
    repeats on other pages, is a page number, or stands well apart from the body."""
    lines, height = page.lines, page.height
    if height <= 0 or len(lines) < 2:
        return set(), set()
    order = sorted(range(len(lines)), key=lambda k: -lines[k].top)

    def furniture_like(ln: _Line, sep: float, above: _Line | None) -> bool:
        if _PAGE_NO.match(ln.text) and not (above is not None and _wraps(above, ln, sep)):
            return True
        if sep >= 2.0 * ln.size:
            return True
        return any(n != page.number and abs(top - ln.top) <= 4 for n, top in repeats.get(_mask(ln.text), ()))

    def zone(seq: list[int], inside, gap_of, bottom: bool) -> set[int]:
        keep: set[int] = set()
        for pos, k in enumerate(seq):
            ln = lines[k]
            if not inside(ln) or ln.size > stats.body + 0.4 or len(ln.text) > 200 or pos == len(seq) - 1:
                break
            nxt = lines[seq[pos + 1]]
            if not furniture_like(ln, gap_of(ln, nxt), nxt if bottom else None):
                break
            keep.add(k)
        return keep

    top = zone(order, lambda ln: (ln.bottom + ln.top) / 2 >= height * (1 - _ZONE), lambda e, n: e.bottom - n.top,
               False)
    bottom = zone(
        [k for k in reversed(order) if k not in top],
        lambda ln: (ln.bottom + ln.top) / 2 <= height * _ZONE,
        lambda e, n: n.bottom - e.top,
        True,
    )
    return top, bottom


def _wraps(above: _Line, ln: _Line, sep: float) -> bool:
    """Is `ln` the wrapped end of the body line above it, not a page number: a year or a number that closes a
    sentence ("... handled under the Privacy Act" / "1993.") stands at line spacing under a line that has not ended,
    at its left edge and in its size. A page number stands apart, centred or to the right."""
    aligned = abs(above.x0 - ln.x0) <= max(2.0, 0.35 * ln.size)
    return (sep < 0.8 * ln.size and abs(above.size - ln.size) <= 0.5 and aligned
            and above.text.rstrip()[-1:] not in ".!?:;")
