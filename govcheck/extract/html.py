"""HTML plug-in: the text a reader sees, split into blocks at block-level elements.

Guidelines published on intranets are saved as HTML full of scripts, menus hidden by CSS and cookie
banners; only rendered text may become evidence. libxml2's HTML parser never reads DTD internal subsets,
so `<!ENTITY x SYSTEM "file:///etc/passwd">` stays inert, and `no_network` keeps it from fetching.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from govcheck.extract._zip import DEEP
from govcheck.extract.base import ExtractOptions
from govcheck.extract.text import read_text
from govcheck.model import Block, Extracted, Unreadable

FORMAT = "html"
EXTENSIONS: tuple[str, ...] = (".html", ".htm", ".xhtml")

_DROP = {
    "script", "style", "noscript", "template", "head", "svg", "math", "canvas", "iframe", "object",
    "embed", "select", "option", "datalist", "button", "input", "textarea", "audio", "video", "map",
    "dialog", "title",
}  # fmt: skip
_BLOCK = {
    "p", "div", "section", "article", "main", "aside", "nav", "header", "footer", "address", "blockquote",
    "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
    "caption", "figure", "figcaption", "form", "fieldset", "legend", "details", "summary", "hr", "body",
    "h1", "h2", "h3", "h4", "h5", "h6", "center", "hgroup", "menu", "html",
}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_BREAK = "\x1e"  # a line break the markup asked for (<br>, a <p> inside a cell), unlike source newlines
_WS = re.compile(r"[ \t\n\r\f]+")
# A DOCTYPE with an internal subset is not HTML; libxml2 would show its "]>" as text. Entity declarations
# in it are never expanded either way.
_DOCTYPE = re.compile(r"<!DOCTYPE[^\[>]*(?:\[[^\]]*\])?\s*>", re.IGNORECASE)


def sniff(head: bytes) -> bool:
    """`<!doctype html` or `<html` at the start, after a BOM, whitespace, an XML declaration or comments."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        start = head[2:1024].decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", errors="ignore")
    else:
        start = head[:1024].decode("latin-1")
    start = start.lstrip("\ufeff\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html")):
        return True
    if start.startswith(("<?xml", "<!--")):
        return bool(re.search(r"<(?:!doctype\s+)?html[\s>]", start))
    return False


def _declared_charset(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    m = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return m.group(1).decode("ascii") if m else None


def extract(path: Path, options: ExtractOptions) -> Extracted:
    text, enc = read_text(path, declared=_declared_charset(path))
    if not text.strip():
        raise Unreadable("no text")
    text = _DOCTYPE.sub("", text, count=1)
    # Re-encode so lxml never sees a str with an encoding declaration (it refuses those).
    parser = lxml_html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, recover=True,
        default_doctype=False,
    )  # fmt: skip
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise Unreadable(f"corrupt HTML: {exc}") from None
    if root is None:
        raise Unreadable("no text")
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops at 256 levels and drops the rest of the page: better no verdict than "not met"
        raise Unreadable(DEEP)

    page_title = None
    title_el = root.find(".//head/title")  # not an <svg><title>, which is a tooltip
    if title_el is not None:
        page_title = _WS.sub(" ", title_el.text_content()).strip() or None

    walker = _Walker()
    body = root.find("body")
    try:
        walker.walk(body if body is not None else root)
    except RecursionError:  # hostile nesting; libxml2 caps depth, this is the backstop
        raise Unreadable("document nesting too deep") from None
    blocks = walker.blocks
    first_h1 = next((b.text.strip() for b in blocks if b.kind == "heading" and b.level == 1), None)
    if page_title and not any(
        b.kind == "heading" and _WS.sub(" ", b.text).strip() == page_title for b in blocks
    ):
        blocks.insert(0, Block(text=page_title, kind="title"))
    if not any(b.text.strip() for b in blocks):
        raise Unreadable("no text")
    for i, block in enumerate(blocks):
        block.index = i
    return Extracted(format=FORMAT, blocks=blocks, title=page_title or first_h1, engine=f"lxml.html ({enc})")


def _hidden(el: etree._Element) -> bool:
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").strip().lower() == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


class _Table:
    __slots__ = ("col", "no", "occupied", "row")

    def __init__(self, no: int) -> None:
        self.no = no
        self.row = -1
        self.col = 0
        self.occupied: set[tuple[int, int]] = set()


class _Walker:
    """Accumulate inline text and flush it as a block whenever a block-level element starts or ends.

    The block takes its kind from the innermost element that gives one (h1-h6, li, td/th). Inside a table
    cell, paragraphs and line breaks only add newlines: a cell is one block, as in DOCX.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.context: list[tuple[str, int | None, tuple[int, int, int] | None]] = [("paragraph", None, None)]
        self.tables: list[_Table] = []
        self.table_count = 0
        self.pre = 0

    def flush(self) -> None:
        text = "".join(self.buf)
        self.buf = []
        if self.pre:
            text = text.replace(_BREAK, "\n")
        else:  # source newlines are spaces in HTML; only <br> and block boundaries break lines
            lines = (line.strip() for line in _WS.sub(" ", text).split(_BREAK))
            text = "\n".join(line for line in lines if line)
        if text.strip():
            kind, level, table = self.context[-1]
            self.blocks.append(Block(text=text, kind=kind, level=level, table=table))

    def in_cell(self) -> bool:
        return self.context[-1][0] == "table-cell"

    def add(self, s: str | None) -> None:
        if s:
            self.buf.append(s)

    def walk(self, el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if not tag or tag in _DROP or _hidden(el):
            return
        if tag == "br":
            self.add(_BREAK)
            return
        if tag == "img":
            return
        pushed = False
        if tag in _BLOCK:
            if self.in_cell() and tag not in ("table", "td", "th", "tr"):
                self.add(_BREAK)
            else:
                self.flush()
            pushed = self._enter(el, tag)
        if tag == "pre":
            self.pre += 1
        self.add(el.text)
        for child in el:
            self.walk(child)
            self.add(child.tail)
        if tag == "pre":
            self.pre -= 1
        if tag in _BLOCK:
            if self.in_cell() and not pushed and tag not in ("table", "tr"):
                self.add(_BREAK)
            else:
                self.flush()
            if pushed:
                self.context.pop()
            if tag == "table":
                self.tables.pop()

    def _enter(self, el: etree._Element, tag: str) -> bool:
        """Push the block kind this element gives its text, if any; track table grid positions."""
        if tag == "table":
            self.tables.append(_Table(self.table_count))
            self.table_count += 1
            self.context.append(("paragraph", None, None))
            return True
        if tag == "tr" and self.tables:
            t = self.tables[-1]
            t.row += 1
            t.col = 0
            return False
        if tag in ("td", "th") and self.tables:
            t = self.tables[-1]
            if t.row < 0:
                t.row = 0
            while (t.row, t.col) in t.occupied:
                t.col += 1
            col = t.col
            rows = _span(el.get("rowspan"))
            cols = _span(el.get("colspan"))
            for dr in range(rows):
                for dc in range(cols):
                    t.occupied.add((t.row + dr, col + dc))
            t.col += cols
            self.context.append(("table-cell", None, (t.no, t.row, col)))
            return True
        if self.in_cell():
            return False
        if tag in _HEADINGS:
            self.context.append(("heading", _HEADINGS[tag], None))
            return True
        if tag == "li":
            self.context.append(("list-item", None, None))
            return True
        return False  # p, div, ...: a block boundary that keeps the kind around it (a <p> in an <li>)


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1
