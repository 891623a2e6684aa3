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
    __slots__ = ("based_on", "list", "name", "outline")

    def __init__(self, name: str, based_on: str | None, outline: int | None, is_list: bool) -> None:
        self.name = name
        self.based_on = based_on
        self.outline = outline
        self.list = is_list


class _Reader:
    """One pass over a document: body, then footnotes/endnotes; headers first, footers last."""

    def __init__(self, document) -> None:
        self.doc = document
        self.part = document.part
        self.styles = self._load_styles()
        self.warnings: list[str] = []
        self.table_no = 0

    # -- styles -------------------------------------------------------------------------------------
    def _load_styles(self) -> dict[str, _Style]:
        styles: dict[str, _Style] = {}
        try:
            root = self.doc.styles.element
        except Exception:  # a package without a styles part still has text worth reading
            return styles
        for st in root.iterfind(f"{_W}style"):
            if st.get(_W + "type") not in (None, "paragraph"):
                continue
            sid = st.get(_W + "styleId") or ""
            name_el = st.find(_W + "name")
            name = name_el.get(_W + "val", sid) if name_el is not None else sid
            based = st.find(_W + "basedOn")
            outline_el = st.find(f"{_W}pPr/{_W}outlineLvl")
            num = st.find(f"{_W}pPr/{_W}numPr/{_W}numId")
            styles[sid] = _Style(
                name=name,
                based_on=based.get(_W + "val") if based is not None else None,
                outline=_int(outline_el.get(_W + "val")) if outline_el is not None else None,
                is_list=num is not None and num.get(_W + "val") != "0",
            )
        return styles

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
        if kind == "toc":  # a table of contents repeats the headings; as evidence it would count twice
            return
        if text.strip():
            out.append(Block(text=text, kind=kind, level=level))
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


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
