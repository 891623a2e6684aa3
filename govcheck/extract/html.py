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
_LISTS = {"ol", "ul", "menu", "dir"}
# list-style(-type) keywords that draw a number or none: an inline style turns an <ol> into a bulleted
# list or a <ul> into a numbered one (images and quoted strings draw no number either)
_NUMBERED_STYLES = {
    "decimal", "decimal-leading-zero", "lower-roman", "upper-roman", "lower-alpha", "upper-alpha",
    "lower-latin", "upper-latin", "lower-greek", "armenian", "georgian",
}  # fmt: skip
_UNNUMBERED_STYLES = {"none", "disc", "circle", "square", "disclosure-open", "disclosure-closed"}
_LIST_STYLE = re.compile(r"list-style(?:-type)?\s*:\s*([^;]*)", re.IGNORECASE)
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


class _List:
    """An open <ol>/<ul>: whether its items show numbers, and the ordinal the next item shows."""

    __slots__ = ("next", "ordered", "step")

    def __init__(self, el: etree._Element, tag: str) -> None:
        ordered = tag == "ol"
        m = _LIST_STYLE.search(el.get("style") or "")
        if m:  # an inline list-style decides what the reader sees, whatever the element
            words = set(m.group(1).lower().split())
            if words & _NUMBERED_STYLES:
                ordered = True
            elif words & _UNNUMBERED_STYLES or any(w.startswith(("url(", "'", '"')) for w in words):
                ordered = False
        self.ordered = ordered
        self.step = -1 if tag == "ol" and el.get("reversed") is not None else 1
        start = _ordinal(el.get("start")) if tag == "ol" else None
        if start is None and self.step < 0:  # <ol reversed> counts down from its number of items
            start = sum(1 for c in el if isinstance(c.tag, str) and c.tag.lower() == "li" and not _hidden(c))
        self.next = 1 if start is None else start

    def take(self, li: etree._Element) -> int | None:
        """The ordinal this <li> shows (its `value` resets the count), or None in a bulleted list."""
        value = _ordinal(li.get("value"))
        number = self.next if value is None else value
        self.next = number + self.step
        return number if self.ordered else None


class _Item:
    """An open <li>: the ordinal its first block takes, until a block (or a nested list) has it."""

    __slots__ = ("number",)

    def __init__(self, number: int | None) -> None:
        self.number = number


_Context = tuple[str, int | None, tuple[int, int, int] | None, _Item | None]


class _Walker:
    """Accumulate inline text and flush it as a block whenever a block-level element starts or ends.

    The block takes its kind from the innermost element that gives one (h1-h6, li, td/th). Inside a table
    cell, paragraphs and line breaks only add newlines: a cell is one block, as in DOCX.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.buf: list[str] = []
        self.context: list[_Context] = [("paragraph", None, None, None)]
        # open <ol>/<ul> (None for an open <li>: a list item's owner is the innermost list not behind one)
        self.lists: list[_List | None] = []
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
            kind, level, table, item = self.context[-1]
            block = Block(text=text, kind=kind, level=level, table=table)
            if item is not None and item.number is not None:
                # the item's first block carries its ordinal; its later paragraphs have no marker
                block.number, item.number = item.number, None
            self.blocks.append(block)

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
        number = None
        if tag == "li":
            owner = self.lists[-1] if self.lists else None
            number = owner.take(el) if owner is not None else None
        if tag in _BLOCK:
            if self.in_cell() and tag not in ("table", "td", "th", "tr"):
                self.add(_BREAK)
            else:
                self.flush()
            pushed = self._enter(el, tag, number)
        if tag in _LISTS:
            item = self.context[-1][3]
            if item is not None:  # "<li><ol>": the outer marker stands on the nested list's first line
                item.number = None
            self.lists.append(_List(el, tag))
        elif tag == "li":
            self.lists.append(None)
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
        if tag in _LISTS or tag == "li":
            self.lists.pop()

    def _enter(self, el: etree._Element, tag: str, number: int | None) -> bool:
        """Push the block kind this element gives its text, if any; track table grid positions."""
        if tag == "table":
            self.tables.append(_Table(self.table_count))
            self.table_count += 1
            self.context.append(("paragraph", None, None, None))
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
            self.context.append(("table-cell", None, (t.no, t.row, col), None))
            return True
        if self.in_cell():
            return False
        if tag in _HEADINGS:
            self.context.append(("heading", _HEADINGS[tag], None, None))
            return True
        if tag == "li":
            self.context.append(("list-item", None, None, _Item(number)))
            return True
        return False  # p, div, ...: a block boundary that keeps the kind around it (a <p> in an <li>)


_INTEGER = re.compile(r"\s*([+-]?\d{1,10})")


def _ordinal(value: str | None) -> int | None:
    """An <ol start>/<li value> as browsers read it: the integer it opens with ("3", "3rd", "-1"), else
    none at all (the attribute is ignored)."""
    m = _INTEGER.match(value or "")
    return max(min(int(m.group(1)), 10**9), -(10**9)) if m else None


def _span(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 1000)
    except ValueError:
        return 1
