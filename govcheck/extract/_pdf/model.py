"""The engine-neutral page model: both engines fill `_Page`s of `_Line`s, the layout reads them.

Coordinates are in points with y growing upwards, so "above" is "larger y" for every engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_WORD_CHAR = re.compile(r"\w")
_CELL_GAP = 1.2  # x gap, in ems, that separates table cells / columns on one baseline


@dataclass(slots=True)
class _Line:
    """One text line (or one cell fragment of it), coordinates in points, y growing upwards."""

    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    base: float  # baseline y
    size: float  # effective font size
    bold: bool = False
    xt: float = 0.0  # x where the text proper starts (after a list marker)
    bullet: bool = False
    soft: bool = False  # ends with a line-end hyphen the backend marked as such
    runs: list[_Line] | None = None  # pieces separated by big gaps (cells), marker excluded


@dataclass(slots=True)
class _Page:
    number: int  # 1-based
    label: str | None
    width: float
    height: float
    lines: list[_Line] = field(default_factory=list)
    grids: list[tuple[list[float], list[float]]] = field(default_factory=list)  # ruled tables
    drawn: bool = False  # has images or vector graphics (a scan, or outlined text)
    error: str | None = None  # why the backend could not read this page
    ocr: bool = False  # lines come from OCR of the rendered page


@dataclass(slots=True)
class _Doc:
    pages: list[_Page]
    count: int
    meta_title: str | None


class _Encrypted(Exception):
    pass


class _Broken(Exception):
    """The backend could not read the file; args[0] is a short, one-line detail."""


@dataclass(slots=True)
class _Stats:
    body: float  # the body text size
    lead: float  # body line pitch in ems


@dataclass(slots=True)
class _Group:
    lines: list[_Line]
    role: str  # "furniture" | "text" | "bullet" | "item" (numbered, marker set as text) | "cell"
    page: int
    cell: tuple[int, int] | None = None
    table: int | None = None  # page-local table id


def _short(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return text[:160]
