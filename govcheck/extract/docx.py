"""DOCX plug-in: Word body, tables, headers/footers and footnotes as blocks in reading order.

python-docx opens the package (after the zip-bomb and DTD checks in `_zip`), but the body is walked as XML:
python-docx has no API for footnotes, text boxes, content controls or tracked changes, and its
`row.cells` repeats merged cells, which would count one sentence of evidence twice.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from govcheck.extract import _zip
from govcheck.extract.base import ExtractOptions
from govcheck.model import Block, Extracted, Unreadable

FORMAT = "docx"
EXTENSIONS: tuple[str, ...] = (".docx",)
LABEL = "DOCX"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "{" + W + "}"
NS = {"w": W}

# Elements whose text is never shown as body text (deleted revisions, field codes, comment marks).
_SKIP = {
    _W + "delText",
    _W + "instrText",
    _W + "delInstrText",
    _W + "del",
    _W + "moveFrom",
    _W + "pPr",
    _W + "rPr",
    _W + "commentReference",
    _W + "footnoteReference",
    _W + "endnoteReference",
    "{" + MC + "}Fallback",  # duplicate of mc:Choice (VML copy of a text box)
}
_CONTAINERS = {_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag", _W + "ins", _W + "moveTo"}
_HEADING_NAME = re.compile(r"^(?:heading|rubrik|overskrift|überschrift)\s*(\d)$", re.IGNORECASE)
_TITLE_NAMES = {"title", "rubrik", "titel"}
_LIST_NAME = re.compile(r"list|lista|liststycke|punkt", re.IGNORECASE)
_TOC_NAME = re.compile(r"^(?:toc|innehållsförteckning|table of contents)(?:\s*\d|\s+heading|$)", re.I)


def sniff(head: bytes) -> bool:
    """A zip that names Word parts; ODT, XLSX and PPTX zips are left to others (or to no one)."""
    if not head.startswith(_zip.ZIP_MAGIC):
        return False
    window = head[:4096]
    if b"application/vnd.oasis.opendocument" in window[:200]:
        return False
    if b"word/" in window:
        return True
    if b"[Content_Types].xml" in window:
        return b"xl/" not in window and b"ppt/" not in window
    return False


def extract(path: Path, options: ExtractOptions) -> Extracted:
    zf = _zip.open_checked(path, options, LABEL)
    with zf:
        _zip.check_xml_parts(zf, LABEL)
    document = _open(path)
    root = document.element
    if root.tag != _W + "document" or root.find(_W + "body") is None:
        raise Unreadable(f"corrupt DOCX: the main part is not a Word document body ({_zip._one_line(root.tag)[:80]})")
    # python-docx parses with resolve_entities=False, so nothing leaks; this is a backstop to the pre-scan
    # (check_xml_parts), so a hostile file is reported as such whatever slips past it.
    for part in document.part.package.iter_parts():
        element = getattr(part, "element", None)
        if element is not None and element.getroottree().docinfo.internalDTD is not None:
            raise Unreadable("unsafe XML (DTD/entities)")
    reader = _Reader(document)
    try:
        blocks, title = reader.read()
    except RecursionError:  # hostile nesting; the XML parser caps depth, this is the backstop
        raise Unreadable("document nesting too deep") from None
    if not any(b.text.strip() for b in blocks):
        raise Unreadable("no text")
    for i, block in enumerate(blocks):
        block.index = i
    return Extracted(
        format=FORMAT, blocks=blocks, title=title, engine="python-docx", warnings=reader.warnings
    )


def _open(path: Path):  # -> docx.document.Document
    import docx  # imported lazily: 0.1 s that PDF-only scans need not pay

    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError) as exc:
        raise Unreadable(f"corrupt DOCX: missing or damaged part ({_zip._one_line(exc)})") from None
    except etree.XMLSyntaxError as exc:
        raise Unreadable(_zip.xml_error(LABEL, "a part", exc)) from None
    except ValueError as exc:  # e.g. a .docm/.dotx or an XLSX: "file is not a Word file, content type is ..."
        raise Unreadable(f"not a Word document: {_zip._one_line(exc)}") from None
    except Exception as exc:  # python-docx raises its own PackageNotFoundError and assorted others
        raise Unreadable(f"corrupt DOCX: {type(exc).__name__}: {_zip._one_line(exc)}") from None


class _Style:
    __slots__ = ("based_on", "ilvl", "list", "name", "num_id", "outline")

    def __init__(self, name: str, based_on: str | None, outline: int | None, num_id: str | None = None,
                 ilvl: int | None = None) -> None:
        self.name = name
        self.based_on = based_on
        self.outline = outline
        self.num_id = num_id  # the style's own numbering ("0" removes what a base style gives)
        self.ilvl = ilvl
        self.list = num_id is not None and num_id != "0"


class _Reader:
    """One pass over a document: body, then footnotes/endnotes; headers first, footers last."""

    def __init__(self, document) -> None:
        self.doc = document
        self.part = document.part
        self.numbering_styles: dict[str, str] = {}  # numbering style id -> its numId (numStyleLink)
        self.styles = self._load_styles()
        self.warnings: list[str] = []
        self.table_no = 0
        self.numbering = _Numbering(self._numbering_root(), self.numbering_styles)

    # -- styles -------------------------------------------------------------------------------------
    def _load_styles(self) -> dict[str, _Style]:
        styles: dict[str, _Style] = {}
        try:
            root = self.doc.styles.element
        except Exception:  # a package without a styles part still has text worth reading
            return styles
        for st in root.iterfind(f"{_W}style"):
            sid = st.get(_W + "styleId") or ""
            num = st.find(f"{_W}pPr/{_W}numPr/{_W}numId")
            if st.get(_W + "type") == "numbering":
                if num is not None and num.get(_W + "val"):
                    self.numbering_styles[sid] = num.get(_W + "val") or ""
                continue
            if st.get(_W + "type") not in (None, "paragraph"):
                continue
            name_el = st.find(_W + "name")
            name = name_el.get(_W + "val", sid) if name_el is not None else sid
            based = st.find(_W + "basedOn")
            outline_el = st.find(f"{_W}pPr/{_W}outlineLvl")
            ilvl = st.find(f"{_W}pPr/{_W}numPr/{_W}ilvl")
            styles[sid] = _Style(
                name=name,
                based_on=based.get(_W + "val") if based is not None else None,
                outline=_int(outline_el.get(_W + "val")) if outline_el is not None else None,
                num_id=num.get(_W + "val") if num is not None else None,
                ilvl=_int(ilvl.get(_W + "val")) if ilvl is not None else None,
            )
        return styles

    def _numbering_root(self) -> etree._Element | None:
        """The numbering part's XML (list definitions), or None when the package has none."""
        try:
            part = next((r.target_part for r in self.part.rels.values()
                         if not r.is_external and str(r.reltype).endswith("/numbering")), None)
        except Exception:  # a damaged relationship: the text is still worth reading, unnumbered
            return None
        return self._part_root(part, "numbering") if part is not None else None

    def number(self, p: etree._Element) -> int | None:
        """Advance Word's list counters by this paragraph and return the ordinal it shows, if any.

        The numbering comes from the paragraph's own numPr or its style chain (a numPr may give only
        the level and leave the list to the style; numId 0 takes the numbering away)."""
        ppr = p.find(_W + "pPr")
        num_pr = ppr.find(_W + "numPr") if ppr is not None else None
        num_id: str | None = None
        ilvl: int | None = None
        if num_pr is not None:
            n = num_pr.find(_W + "numId")
            lv = num_pr.find(_W + "ilvl")
            num_id = n.get(_W + "val") if n is not None else None
            ilvl = _int(lv.get(_W + "val")) if lv is not None else None
        ps = ppr.find(_W + "pStyle") if ppr is not None else None
        sid = ps.get(_W + "val") if ps is not None else None
        from_style = num_id is None
        for _, st in self._style_chain(sid):
            if st is None:
                continue
            if num_id is None and st.num_id is not None:
                num_id = st.num_id
            if ilvl is None and st.ilvl is not None and from_style:
                ilvl = st.ilvl
            if num_id is not None and (ilvl is not None or not from_style):
                break
        if not num_id or num_id == "0":
            return None
        return self.numbering.advance(num_id, ilvl, sid if from_style else None)

    def _style_chain(self, sid: str | None) -> Iterator[tuple[str, _Style | None]]:
        seen: set[str] = set()
        while sid and sid not in seen:
            seen.add(sid)
            st = self.styles.get(sid)
            yield sid, st
            sid = st.based_on if st else None

    def classify(self, p: etree._Element) -> tuple[str, int | None]:
        """Block kind and heading level of a paragraph, from its style chain, outline level and numbering."""
        ppr = p.find(_W + "pPr")
        sid = None
        outline: int | None = None
        numbered = False
        if ppr is not None:
            ps = ppr.find(_W + "pStyle")
            sid = ps.get(_W + "val") if ps is not None else None
            ol = ppr.find(_W + "outlineLvl")
            if ol is not None:
                outline = _int(ol.get(_W + "val"))
            num = ppr.find(f"{_W}numPr/{_W}numId")
            numbered = num is not None and num.get(_W + "val") != "0"
        listy = numbered
        for style_id, st in self._style_chain(sid):
            names = {style_id.casefold()}
            if st:
                names.add(st.name.casefold())
            if names & _TITLE_NAMES:
                return "title", None
            if any(_TOC_NAME.match(n) for n in names):
                return "toc", None
            for n in names:
                m = _HEADING_NAME.match(n) or _HEADING_NAME.match(n.replace(" ", ""))
                if m and int(m.group(1)) > 0:
                    return "heading", min(int(m.group(1)), 6)
            if st and outline is None and st.outline is not None:
                outline = st.outline
            if (st and (st.list or _LIST_NAME.search(st.name))) or _LIST_NAME.search(style_id):
                listy = True
        if outline is not None and 0 <= outline < 9:
            return "heading", min(outline + 1, 6)
        return ("list-item" if listy else "paragraph"), None

    # -- reading ------------------------------------------------------------------------------------
    def read(self) -> tuple[list[Block], str | None]:
        headers, footers = self._headers_footers()
        self.table_no = 0  # header tables do not count: table numbers are the body's
        self.numbering.reset()  # nor do lists in the headers: the body's lists count from their start
        body: list[Block] = []
        self._walk(self.doc.element.body, body)
        notes = self._notes("footnotes") + self._notes("endnotes")
        blocks = headers + body + notes + footers
        title = next((b.text.strip() for b in body if b.kind == "title" and b.text.strip()), None)
        if not title:
            title = next((b.text.strip() for b in body if b.kind == "heading" and b.level == 1), None)
        if not title and self._has_core_properties():
            try:
                title = (self.doc.core_properties.title or "").strip() or None
            except Exception:
                title = None
        return blocks, title

    def _has_core_properties(self) -> bool:
        """python-docx invents core properties titled "Word Document" for a package without them."""
        try:
            rels = self.part.package.rels.values()
        except Exception:
            return False
        return any(str(r.reltype).endswith("/metadata/core-properties") for r in rels)

    def _walk(self, parent: etree._Element, out: list[Block]) -> None:
        for child in _block_children(parent):
            tag = child.tag
            if tag == _W + "p":
                self._paragraph(child, out)
            elif tag == _W + "tbl":
                self._table(child, out)

    def _paragraph(self, p: etree._Element, out: list[Block]) -> None:
        text = paragraph_text(p)
        kind, level = self.classify(p)
        number = self.number(p)  # an empty numbered paragraph still shows its number and counts
        if kind == "toc":  # a table of contents repeats the headings; as evidence it would count twice
            return
        if text.strip():
            # Numbered headings ("2 Ansvar") are sections, not items of a list: only items take a number.
            out.append(Block(text=text, kind=kind, level=level, number=number if kind == "list-item" else None))
        for box in _text_boxes(p):  # text boxes anchored here read after the paragraph that holds them
            self._walk(box, out)

    def _table(self, tbl: etree._Element, out: list[Block]) -> None:
        table_no = self.table_no
        self.table_no += 1
        for r, tr in enumerate(el for el in _block_children(tbl) if el.tag == _W + "tr"):
            col = _grid_before(tr)
            for tc in (el for el in _block_children(tr) if el.tag == _W + "tc"):
                span = _grid_span(tc)
                if not _is_merge_continuation(tc):  # the merged cell was emitted in the row that starts it
                    for p in tc.iter(_W + "p"):  # a list running through a table counts its cells' items
                        self.number(p)
                    text = "\n".join(t for t in cell_lines(tc) if t.strip())
                    if text.strip():
                        out.append(Block(text=text, kind="table-cell", table=(table_no, r, col)))
                col += span

    def _headers_footers(self) -> tuple[list[Block], list[Block]]:
        """Each distinct running header/footer text once, for the page types the document shows."""
        try:
            even_odd = bool(self.doc.settings.odd_and_even_pages_header_footer)
        except Exception:
            even_odd = False
        out: dict[str, list[Block]] = {"header": [], "footer": []}
        seen: dict[str, set[str]] = {"header": set(), "footer": set()}
        # A section without its own reference of a type inherits the previous section's ("linked to
        # previous"); so carry the effective references forward and read each part only once.
        current: dict[tuple[str, str], str] = {}
        done: set[tuple[str, str]] = set()
        for section in self.doc.sections:
            sect = section._sectPr
            title_pg = sect.find(_W + "titlePg")
            first_on = title_pg is not None and title_pg.get(_W + "val", "true") not in ("0", "false", "off")
            for kind in ("header", "footer"):
                for ref in sect.iterfind(f"{_W}{kind}Reference"):
                    current[(kind, ref.get(_W + "type", "default"))] = ref.get("{" + R + "}id") or ""
                shown = ["default"] + (["first"] if first_on else []) + (["even"] if even_odd else [])
                for typ in shown:
                    rid = current.get((kind, typ))
                    if not rid or (kind, rid) in done:
                        continue
                    done.add((kind, rid))
                    part = self.part.related_parts.get(rid)
                    root = self._part_root(part, kind) if part is not None else None
                    if root is None:
                        continue
                    lines: list[Block] = []
                    self._walk(root, lines)
                    for b in lines:
                        key = " ".join(b.text.split())
                        if key and key not in seen[kind]:
                            seen[kind].add(key)
                            out[kind].append(Block(text=b.text, kind=kind))
        return out["header"], out["footer"]

    def _part_root(self, part, what: str) -> etree._Element | None:
        """The XML of a related part. python-docx gives a plain, unparsed Part when the content type does
        not match its name (a renamed or damaged package), so parse it ourselves, safely."""
        element = getattr(part, "element", None)
        if element is not None:
            return element
        try:
            return _zip.parse_xml(part.blob, str(getattr(part, "partname", what)), LABEL)
        except Unreadable as exc:
            self.warnings.append(f"{what} skipped: {exc}")
            return None

    def _notes(self, which: str) -> list[Block]:
        """Footnotes/endnotes from their part; python-docx exposes them only as opaque parts."""
        part = next(
            (
                r.target_part
                for r in self.part.rels.values()
                if not r.is_external and r.reltype.endswith(which)
            ),
            None,
        )
        if part is None:
            return []
        try:
            root = _zip.parse_xml(part.blob, which, LABEL)
        except Unreadable as exc:
            self.warnings.append(f"{which} skipped: {exc}")
            return []
        blocks: list[Block] = []
        for note in root:
            if note.get(_W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
                continue
            text = "\n".join(t for t in cell_lines(note) if t.strip())
            if text.strip():
                blocks.append(Block(text=text, kind="footnote"))
        return blocks


# numFmt values that draw no number: a bullet (or a picture bullet) and "none"
_UNNUMBERED_FORMATS = {"bullet", "none"}
_MC_FALLBACK = "{" + MC + "}AlternateContent/{" + MC + "}Fallback/" + _W + "numFmt"


class _Level:
    """One level of a list definition: whether it shows a number, where it starts, when it restarts."""

    __slots__ = ("numbered", "restart", "start", "style")

    def __init__(self, lvl: etree._Element) -> None:
        fmt_el = lvl.find(_W + "numFmt")
        if fmt_el is None:  # Word 2010's custom formats sit in mc:AlternateContent; its Fallback is plain
            fmt_el = lvl.find(_MC_FALLBACK)
        fmt = fmt_el.get(_W + "val", "decimal") if fmt_el is not None else "decimal"
        text_el = lvl.find(_W + "lvlText")
        text = text_el.get(_W + "val") if text_el is not None else None
        # a level whose text names no counter ("•", "–", "") shows no number whatever its numFmt
        self.numbered = fmt not in _UNNUMBERED_FORMATS and (text is None or "%" in text)
        start_el = lvl.find(_W + "start")
        start = _bounded(start_el.get(_W + "val")) if start_el is not None else None
        self.start = start if start is not None else 0  # ECMA-376 17.9.26: omitted, it is zero
        restart_el = lvl.find(_W + "lvlRestart")
        self.restart = _int(restart_el.get(_W + "val")) if restart_el is not None else None
        style_el = lvl.find(_W + "pStyle")
        self.style = style_el.get(_W + "val") if style_el is not None else None


class _Numbering:
    """Word's list counters, as Word draws them (ECMA-376 17.9, and Word's practice where it departs).

    A w:num is an instance of an abstract list definition; instances of one abstract definition share its
    counters, so a list continues across them (a list interrupted and resumed with another numId). An
    instance whose lvlOverride carries a startOverride restarts that level at the override the first time
    the instance is used at that level - how Word's "Restart numbering" and python-docx documents that
    give each list its own num start a list again. Using a level restarts the deeper ones (unless their
    lvlRestart says otherwise).
    """

    def __init__(self, root: etree._Element | None, numbering_styles: dict[str, str]) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNumId -> numbering style id (numStyleLink)
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.styles = numbering_styles
        if root is not None:
            for an in root.iterfind(_W + "abstractNum"):
                aid = an.get(_W + "abstractNumId") or ""
                levels: dict[int, _Level] = {}
                for lvl in an.iterfind(_W + "lvl"):
                    ilvl = _int(lvl.get(_W + "ilvl"))
                    if ilvl is not None and 0 <= ilvl < 9:
                        levels[ilvl] = _Level(lvl)
                self.abstract[aid] = levels
                link = an.find(_W + "numStyleLink")
                if link is not None and link.get(_W + "val"):
                    self.links[aid] = link.get(_W + "val") or ""
            for num in root.iterfind(_W + "num"):
                ref = num.find(_W + "abstractNumId")
                starts: dict[int, int] = {}
                overrides: dict[int, _Level] = {}
                for ov in num.iterfind(_W + "lvlOverride"):
                    ilvl = _int(ov.get(_W + "ilvl"))
                    if ilvl is None or not 0 <= ilvl < 9:
                        continue
                    so = ov.find(_W + "startOverride")
                    start = _bounded(so.get(_W + "val")) if so is not None else None
                    if start is not None:
                        starts[ilvl] = start
                    lvl = ov.find(_W + "lvl")
                    if lvl is not None:
                        overrides[ilvl] = _Level(lvl)
                        starts.setdefault(ilvl, overrides[ilvl].start)  # a level overridden starts afresh
                self.nums[num.get(_W + "numId") or ""] = (
                    ref.get(_W + "val") or "" if ref is not None else "", starts, overrides
                )
        self.reset()

    def reset(self) -> None:
        self.counts: dict[str, dict[int, int | None]] = {}  # abstract definition -> level -> last ordinal
        self.used: set[tuple[str, int]] = set()  # (numId, level) pairs seen: a startOverride applies once

    def _definition(self, aid: str) -> str:
        """The abstract definition that holds the levels: a numStyleLink points through a numbering style
        to another definition (a list style)."""
        seen: set[str] = set()
        while aid in self.links and aid not in seen:
            seen.add(aid)
            num = self.nums.get(self.styles.get(self.links[aid], ""))
            if num is None:
                break
            aid = num[0]
        return aid

    def advance(self, num_id: str, ilvl: int | None, style: str | None) -> int | None:
        """Count one paragraph of list instance `num_id` at level `ilvl`; the ordinal it shows, or None
        (a bullet, or a list that is not defined). A paragraph numbered through its style (`style`) and
        no level of its own is at the level that names the style, else at the first."""
        num = self.nums.get(num_id)
        if num is None:
            return None
        aid = self._definition(num[0])
        levels = self.abstract.get(aid)
        if levels is None:
            return None
        _, starts, overrides = num
        if ilvl is None:
            ilvl = next((i for i, lv in sorted(levels.items()) if style and lv.style == style), 0)
        if not 0 <= ilvl < 9:
            return None
        level = overrides.get(ilvl) or levels.get(ilvl)
        if level is None:
            return None
        counts = self.counts.setdefault(aid, {})
        last = counts.get(ilvl)
        if (num_id, ilvl) not in self.used and ilvl in starts:
            counts[ilvl] = starts[ilvl]
        else:  # a startOverride is also where the level starts again after a restart
            counts[ilvl] = starts.get(ilvl, level.start) if last is None else last + 1
        self.used.add((num_id, ilvl))
        for deeper in [d for d in counts if d > ilvl]:
            sub = levels.get(deeper)  # (Word ignores lvlRestart in an override's level)
            restart = sub.restart if sub is not None else None
            # lvlRestart N (1-based): restart when level N or one above it is used; 0: never (MS-OI29500)
            if restart is None or (restart > 0 and ilvl < restart):
                counts[deeper] = None
        return counts[ilvl] if level.numbered else None


def _block_children(parent: etree._Element) -> Iterator[etree._Element]:
    """Children of a body/cell/row, looking through content controls and custom-XML wrappers."""
    for child in parent:
        if child.tag in _CONTAINERS:
            yield from _block_children(child)
        elif child.tag in (_W + "sdtPr", _W + "sdtEndPr"):
            continue
        else:
            yield child


def paragraph_text(p: etree._Element) -> str:
    """Visible text of a paragraph: runs, hyperlinks, insertions, fields' results; not deletions or boxes."""
    parts: list[str] = []
    _collect(p, parts)
    return "".join(parts)


def _collect(el: etree._Element, parts: list[str]) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag == _W + "tab" or tag == _W + "ptab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "softHyphen":
            parts.append("\u00ad")
        elif tag == _W + "txbxContent":
            continue  # read as blocks of their own by _text_boxes
        elif tag == _W + "r" and _hidden(child):
            continue
        else:
            _collect(child, parts)


def _hidden(run: etree._Element) -> bool:
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(_W + "val", "true") not in ("0", "false", "off")


def _text_boxes(p: etree._Element) -> list[etree._Element]:
    """Outermost text boxes in a paragraph, skipping the VML duplicates under mc:Fallback."""
    boxes = []
    for box in p.iter(_W + "txbxContent"):
        anc = box.getparent()
        inside = False
        while anc is not None and anc is not p:
            if anc.tag == "{" + MC + "}Fallback" or anc.tag == _W + "txbxContent":
                inside = True
                break
            anc = anc.getparent()
        if not inside:
            boxes.append(box)
    return boxes


def cell_lines(container: etree._Element) -> list[str]:
    """Paragraph texts of a cell or note in order, nested tables flattened into lines."""
    lines: list[str] = []
    for child in _block_children(container):
        if child.tag == _W + "p":
            lines.append(paragraph_text(child))
            for box in _text_boxes(child):
                lines.extend(cell_lines(box))
        elif child.tag == _W + "tbl":
            for tr in (el for el in _block_children(child) if el.tag == _W + "tr"):
                for tc in (el for el in _block_children(tr) if el.tag == _W + "tc"):
                    if not _is_merge_continuation(tc):
                        lines.extend(cell_lines(tc))
    return lines


def _is_merge_continuation(tc: etree._Element) -> bool:
    vm = tc.find(f"{_W}tcPr/{_W}vMerge")
    if vm is not None and vm.get(_W + "val", "continue") != "restart":
        return True
    hm = tc.find(f"{_W}tcPr/{_W}hMerge")  # legacy horizontal merge
    return hm is not None and hm.get(_W + "val", "continue") != "restart"


def _grid_span(tc: etree._Element) -> int:
    gs = tc.find(f"{_W}tcPr/{_W}gridSpan")
    return max(_int(gs.get(_W + "val")) or 1, 1) if gs is not None else 1


def _grid_before(tr: etree._Element) -> int:
    gb = tr.find(f"{_W}trPr/{_W}gridBefore")
    return max(_int(gb.get(_W + "val")) or 0, 0) if gb is not None else 0


def _bounded(value: str | None) -> int | None:
    """A list's start value, kept to a size any number a document shows has (and JSON stores)."""
    n = _int(value)
    return None if n is None else max(min(n, 10**9), -(10**9))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
