"""ODT plug-in: OpenDocument text read straight from content.xml/styles.xml with an entity-safe lxml parser.

odfpy would build a DOM of every node and parses with expat; walking the XML ourselves is faster, keeps
the parser settings under our control (no entities, no network) and gives tables their grid positions.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from govcheck.extract import _zip
from govcheck.extract.base import ExtractOptions
from govcheck.model import Block, Extracted, Unreadable

FORMAT = "odt"
EXTENSIONS: tuple[str, ...] = (".odt",)
LABEL = "ODT"
MIMETYPE = b"application/vnd.oasis.opendocument.text"

TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
DC = "http://purl.org/dc/elements/1.1/"
XML = "http://www.w3.org/XML/1998/namespace"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"


def _t(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


T_P, T_H, T_SPAN, T_A = _t(TEXT, "p"), _t(TEXT, "h"), _t(TEXT, "span"), _t(TEXT, "a")
T_S, T_TAB, T_BR = _t(TEXT, "s"), _t(TEXT, "tab"), _t(TEXT, "line-break")
T_LIST, T_ITEM, T_HEADER_ITEM = _t(TEXT, "list"), _t(TEXT, "list-item"), _t(TEXT, "list-header")
T_NOTE, T_NOTE_BODY = _t(TEXT, "note"), _t(TEXT, "note-body")
T_BREAK = _t(TEXT, "soft-page-break")
TB_TABLE, TB_ROW, TB_CELL, TB_COVERED = (
    _t(TABLE, "table"),
    _t(TABLE, "table-row"),
    _t(TABLE, "table-cell"),
    _t(TABLE, "covered-table-cell"),
)
_ROW_GROUPS = {_t(TABLE, n) for n in ("table-header-rows", "table-rows", "table-row-group")}
_PAGE_FRAMES = {_t(DRAW, "frame"), _t(DRAW, "text-box"), _t(DRAW, "g")}
_SECTIONS = {_t(TEXT, n) for n in ("section", "soft-page-break")} | {_t(OFFICE, "text")}
# Never body text: change-tracking (holds deleted text), comments, indexes that repeat the headings,
# declarations and form definitions.
_SKIP = {
    _t(TEXT, "tracked-changes"),
    _t(OFFICE, "annotation"),
    _t(OFFICE, "annotation-end"),
    _t(TEXT, "table-of-content"),
    _t(TEXT, "alphabetical-index"),
    _t(TEXT, "illustration-index"),
    _t(TEXT, "table-index"),
    _t(TEXT, "object-index"),
    _t(TEXT, "user-index"),
    _t(TEXT, "bibliography"),
    _t(TEXT, "sequence-decls"),
    _t(TEXT, "variable-decls"),
    _t(TEXT, "user-field-decls"),
    _t(OFFICE, "forms"),
    _t(TEXT, "note-citation"),
    _t(TEXT, "bookmark-ref"),
    _t(SVG, "desc"),  # alt text of images: not visible
    _t(SVG, "title"),
}


def sniff(head: bytes) -> bool:
    """An ODF package stores its mimetype uncompressed as the first member, so it is in the header."""
    return head.startswith(_zip.ZIP_MAGIC) and MIMETYPE in head[:200]


def extract(path: Path, options: ExtractOptions) -> Extracted:
    zf = _zip.open_checked(path, options, LABEL)
    with zf:
        _zip.check_xml_parts(zf, LABEL)
        manifest = _zip.read_member(zf, "META-INF/manifest.xml", LABEL) or b""
        if b"encryption-data" in manifest:
            raise Unreadable("encrypted (password required)")
        content = _zip.read_member(zf, "content.xml", LABEL)
        if content is None:
            raise Unreadable("corrupt ODT: no content.xml")
        styles_xml = _zip.read_member(zf, "styles.xml", LABEL)
        meta_xml = _zip.read_member(zf, "meta.xml", LABEL)
    root = _zip.parse_xml(content, "content.xml", LABEL)
    styles_root = _zip.parse_xml(styles_xml, "styles.xml", LABEL) if styles_xml else None
    reader = _Reader([r for r in (styles_root, root) if r is not None])

    body: list[Block] = []
    office_text = root.find(f"{{{OFFICE}}}body/{{{OFFICE}}}text")
    if office_text is not None:
        try:
            reader.walk(office_text, body)
        except RecursionError:  # hostile nesting; the XML parser caps depth, this is the backstop
            raise Unreadable("document nesting too deep") from None
    headers, footers = reader.page_furniture(styles_root)
    blocks = headers + body + reader.notes + footers
    if not any(b.text.strip() for b in blocks):
        raise Unreadable("no text")
    for i, block in enumerate(blocks):
        block.index = i

    title = next((b.text.strip() for b in body if b.kind == "title"), None) or _meta_title(meta_xml)
    if not title:
        title = next((b.text.strip() for b in body if b.kind == "heading"), None)
    return Extracted(format=FORMAT, blocks=blocks, title=title, engine="lxml-odf")


def _meta_title(meta_xml: bytes | None) -> str | None:
    if not meta_xml:
        return None
    try:
        meta = _zip.parse_xml(meta_xml, "meta.xml", LABEL)
    except Unreadable:
        return None
    el = meta.find(f".//{{{DC}}}title")
    return (el.text or "").strip() or None if el is not None else None


class _Counters:
    """The running numbers of one list, shared by its nested lists and by the lists that continue it."""

    __slots__ = ("last",)

    def __init__(self) -> None:
        self.last: dict[int, int | None] = {}  # level (1-based) -> the last number shown there


class _List:
    """An open text:list: its list style (its own or the enclosing list's), level and counters."""

    __slots__ = ("counters", "level", "style")

    def __init__(self, style: str | None, level: int, counters: _Counters) -> None:
        self.style = style
        self.level = level
        self.counters = counters


class _Reader:
    def __init__(self, style_roots: list[etree._Element]) -> None:
        # paragraph style name -> (parent name, display name, default outline level)
        self.styles: dict[str, tuple[str | None, str, int | None]] = {}
        self.para_lists: dict[str, str] = {}  # paragraph style -> the list style it attaches ("" = none)
        # list style -> level -> (shows a number, start value); bullets and images show none
        self.list_styles: dict[str, dict[int, tuple[bool, int]]] = {}
        for sroot in style_roots:
            for st in sroot.iter(_t(STYLE, "style")):
                if st.get(_t(STYLE, "family")) != "paragraph":
                    continue
                name = st.get(_t(STYLE, "name")) or ""
                self.styles[name] = (
                    st.get(_t(STYLE, "parent-style-name")),
                    st.get(_t(STYLE, "display-name")) or name,
                    _int(st.get(_t(STYLE, "default-outline-level"))),
                )
                list_style = st.get(_t(STYLE, "list-style-name"))
                if list_style is not None:
                    self.para_lists[name] = list_style
            for ls in sroot.iter(_t(TEXT, "list-style")):
                levels: dict[int, tuple[bool, int]] = {}
                for lvl in ls:
                    level = _int(lvl.get(_t(TEXT, "level"))) if isinstance(lvl.tag, str) else None
                    if level is None:
                        continue
                    numbered = lvl.tag == _t(TEXT, "list-level-style-number") and (
                        lvl.get(_t(STYLE, "num-format")) != ""  # an empty format: LibreOffice's "None"
                    )
                    start = _bounded(lvl.get(_t(TEXT, "start-value")))
                    levels[level] = (numbered, 1 if start is None else start)
                self.list_styles[ls.get(_t(STYLE, "name")) or ""] = levels
        self.table_no = 0
        self.notes: list[Block] = []
        self.lists_by_id: dict[str, _Counters] = {}  # xml:id of a list -> its counters (text:continue-list)
        # the latest top-level list per list style, and (None) of any style: text:continue-numbering
        self.last_list: dict[str | None, _Counters] = {}

    def paragraph_list_style(self, name: str | None) -> str | None:
        """The list style a paragraph style attaches, through its parents."""
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            if name in self.para_lists:
                return self.para_lists[name] or None
            name = self.styles.get(name, (None, "", None))[0]
        return None

    def style_kind(self, name: str | None) -> tuple[str, int | None]:
        """Title/heading from a paragraph's style chain: LibreOffice writes headings as text:p too."""
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            parent, display, outline = self.styles.get(name, (None, name, None))
            for n in (name, display):
                key = n.replace("_20_", " ").casefold()
                if key in ("title", "rubrik", "titel"):
                    return "title", None
                if key.startswith(("heading ", "rubrik ")) and key.split()[-1].isdigit():
                    return "heading", _level(int(key.split()[-1]))
            if outline:
                return "heading", _level(outline)
            name = parent
        return "paragraph", None

    def walk(
        self,
        parent: Iterable[etree._Element],
        out: list[Block],
        in_list: bool = False,
        lst: _List | None = None,
        numbered: tuple[etree._Element, int | None] | None = None,
    ) -> None:
        """Read the blocks under `parent`; `lst` is the innermost open list, and `numbered` the paragraph
        that opens a list item with the number it shows."""
        for el in parent:
            tag = el.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            number = numbered[1] if numbered is not None and el is numbered[0] else None
            if tag == T_H:
                level = _int(el.get(_t(TEXT, "outline-level"))) or 1
                self._emit(el, out, "heading", _level(level))
            elif tag == T_P:
                kind, level = self.style_kind(el.get(_t(TEXT, "style-name")))
                if in_list and kind == "paragraph":
                    kind = "list-item"
                self._emit(el, out, kind, level, number)
            elif tag == T_LIST:
                self._list(el, out, lst)
            elif tag in (T_ITEM, T_HEADER_ITEM):  # an item outside a list: read, unnumbered
                self.walk(el, out, True, lst)
            elif tag == TB_TABLE:
                self._table(el, out)
            elif tag in _PAGE_FRAMES:  # frames anchored to the page sit directly in the body
                self.walk(el, out)
            elif tag in _SECTIONS or tag.startswith(f"{{{TEXT}}}"):
                self.walk(el, out, in_list, lst)

    def _list(self, el: etree._Element, out: list[Block], parent: _List | None) -> None:
        """A text:list and its items, each numbered as the reader sees it.

        A nested list is one level deeper in the same list and takes the enclosing list's style unless
        it names its own. A top-level list starts afresh unless it continues another: text:continue-list
        names it (ODF 1.2), text:continue-numbering="true" means the latest one of its style (LibreOffice
        writes both when a paragraph interrupts a list). An item counts at its level when it opens with
        a paragraph of its own (an item holding only a nested list is how a list starts at a deeper
        level; a list header is never numbered); text:start-value sets its number, and a number at one
        level restarts the deeper levels."""
        style = el.get(_t(TEXT, "style-name")) or (parent.style if parent else None)
        if parent is not None:
            lst = _List(style, parent.level + 1, parent.counters)
        else:
            counters = self.lists_by_id.get(el.get(_t(TEXT, "continue-list")) or "")
            if counters is None and el.get(_t(TEXT, "continue-numbering")) == "true":
                counters = self.last_list.get(style or "") or self.last_list.get(None)
            if counters is None:
                counters = _Counters()
            lst = _List(style, 1, counters)
            self.last_list[style or ""] = self.last_list[None] = counters
        xml_id = el.get(_t(XML, "id"))
        if xml_id:
            self.lists_by_id[xml_id] = lst.counters
        for item in el:
            if item.tag == T_HEADER_ITEM:
                self.walk(item, out, True, lst)
                continue
            if item.tag != T_ITEM:  # (a soft page break; anything else is read as it would be elsewhere)
                self.walk([item], out, True, lst)
                continue
            first = next((c for c in item if isinstance(c.tag, str) and c.tag not in _SKIP and c.tag != T_BREAK),
                         None)
            numbered = None
            if first is not None and first.tag in (T_P, T_H):
                numbered = (first, self._count(lst, item, first))
            self.walk(item, out, True, lst, numbered)

    def _count(self, lst: _List, item: etree._Element, first: etree._Element) -> int | None:
        """Advance the list's counter at the item's level; the number the item shows, or None."""
        style = lst.style or self.paragraph_list_style(first.get(_t(TEXT, "style-name")))
        numbered, start = self.list_styles.get(style or "", {}).get(lst.level, (False, 1))
        last = lst.counters.last
        given = _bounded(item.get(_t(TEXT, "start-value")))
        previous = last.get(lst.level)
        last[lst.level] = given if given is not None else start if previous is None else previous + 1
        for deeper in [d for d in last if d > lst.level]:
            last[deeper] = None
        return last[lst.level] if numbered else None

    def _emit(
        self, el: etree._Element, out: list[Block], kind: str, level: int | None, number: int | None = None
    ) -> None:
        text = self.inline(el)
        if text.strip():
            out.append(Block(text=text, kind=kind, level=level, number=number if kind == "list-item" else None))
        for frame_text in self._frames(el):  # text boxes anchored in the paragraph come after it
            self.walk(frame_text, out)

    def inline(self, el: etree._Element) -> str:
        """Text of a paragraph: spans, links, spaces (text:s c=N), tabs, line breaks; notes go aside."""
        parts: list[str] = [el.text or ""]
        for child in el:
            tag = child.tag
            if isinstance(tag, str) and tag not in _SKIP:
                if tag == T_S:
                    parts.append(" " * max(_int(child.get(_t(TEXT, "c"))) or 1, 1))
                elif tag == T_TAB:
                    parts.append("\t")
                elif tag == T_BR:
                    parts.append("\n")
                elif tag == T_NOTE:
                    body = child.find(T_NOTE_BODY)
                    if body is not None:
                        text = "\n".join(self._lines(body))
                        if text.strip():
                            self.notes.append(Block(text=text, kind="footnote"))
                elif tag.startswith(f"{{{DRAW}}}"):
                    pass  # frames: read as blocks of their own by _frames
                else:
                    parts.append(self.inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def _frames(self, el: etree._Element) -> list[etree._Element]:
        boxes = []
        for box in el.iter(_t(DRAW, "text-box")):
            anc = box.getparent()
            nested = False
            while anc is not None and anc is not el:
                if anc.tag == _t(DRAW, "text-box") or anc.tag == T_NOTE:
                    nested = True
                    break
                anc = anc.getparent()
            if not nested:
                boxes.append(box)
        return boxes

    def _lines(self, container: etree._Element) -> list[str]:
        """Paragraph texts inside a cell, note or header, in order, with nested lists/tables flattened."""
        lines: list[str] = []
        for el in container.iter(T_P, T_H):
            if self._skipped(el, container):
                continue
            text = self.inline(el)
            if text.strip():
                lines.append(text)
        return lines

    def _skipped(self, el: etree._Element, stop: etree._Element) -> bool:
        """Inside a note (read by `inline`), a covered cell or a skipped element, or nested in a paragraph
        other than through a frame (then `inline` of the outer paragraph already has its text)."""
        anc = el.getparent()
        via_frame = False
        while anc is not None and anc is not stop:
            if anc.tag in _SKIP or anc.tag in (TB_COVERED, T_NOTE):
                return True
            if anc.tag == _t(DRAW, "text-box"):
                via_frame = True
            if anc.tag in (T_P, T_H) and not via_frame:
                return True
            anc = anc.getparent()
        return False

    def _table(self, table: etree._Element, out: list[Block]) -> None:
        table_no = self.table_no
        self.table_no += 1
        for r, row in enumerate(_rows(table)):
            col = 0
            for cell in row:
                if cell.tag not in (TB_CELL, TB_COVERED):
                    continue
                repeat = max(_int(cell.get(_t(TABLE, "number-columns-repeated"))) or 1, 1)
                if cell.tag == TB_CELL:  # covered cells are the merged-away parts of a spanning cell
                    text = "\n".join(self._lines(cell))
                    if text.strip():
                        out.append(Block(text=text, kind="table-cell", table=(table_no, r, col)))
                col += repeat

    def page_furniture(self, styles_root: etree._Element | None) -> tuple[list[Block], list[Block]]:
        """Running headers/footers of the master pages, each distinct text once."""
        out: dict[str, list[Block]] = {"header": [], "footer": []}
        if styles_root is None:
            return [], []
        seen: set[tuple[str, str]] = set()
        for master in styles_root.iter(_t(STYLE, "master-page")):
            for el in master:
                local = etree.QName(el).localname if isinstance(el.tag, str) else ""
                kind = (
                    "header" if local.startswith("header") else "footer" if local.startswith("footer") else ""
                )
                if not kind or el.get(_t(STYLE, "display")) == "false":
                    continue
                for line in self._lines(el):
                    key = " ".join(line.split())
                    if key and (kind, key) not in seen:
                        seen.add((kind, key))
                        out[kind].append(Block(text=line, kind=kind))
        return out["header"], out["footer"]


def _rows(table: etree._Element) -> list[etree._Element]:
    """Rows in order through header/row groups; repeated rows are identical (usually empty), read once."""
    rows: list[etree._Element] = []
    for el in table:
        if el.tag == TB_ROW:
            rows.append(el)
        elif el.tag in _ROW_GROUPS:
            rows.extend(_rows(el))
    return rows


def _level(n: int) -> int:
    return min(max(n, 1), 6)


def _bounded(value: str | None) -> int | None:
    """A list's start value, kept to a size any number a document shows has (and JSON stores)."""
    n = _int(value)
    return None if n is None else max(min(n, 10**9), -(10**9))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
