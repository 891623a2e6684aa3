"""Non-PDF extraction: what a user would notice in the blocks, titles and refusal reasons.

Real documents come from the shared corpus; hostile and encoding cases are built in tmp_path so each
test shows exactly what it feeds the extractor.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from conftest import govcheck, scan_report

from govcheck.extract import ExtractOptions, detect_format
from govcheck.extract import docx as docx_ext
from govcheck.extract import html as html_ext
from govcheck.extract import markdown as md_ext
from govcheck.extract import odt as odt_ext
from govcheck.extract import text as text_ext
from govcheck.model import Block, Extracted, Unreadable

SHARED = Path(__file__).parents[2] / "shared"
DEV = SHARED / "corpus" / "dev" / "docs"
WILD = SHARED / "corpus" / "wild"
OPTS = ExtractOptions()
DEV_DOCX = sorted(DEV.glob("*.docx"))
KINDS = ("title", "heading", "paragraph", "list-item", "table-cell", "header", "footer", "footnote")

needs_corpus = pytest.mark.skipif(not DEV.is_dir(), reason="shared corpus not present")


def kinds(ex: Extracted, kind: str) -> list[Block]:
    return [b for b in ex.blocks if b.kind == kind]


def texts(ex: Extracted) -> list[str]:
    return [b.text for b in ex.blocks]


def assert_well_formed(ex: Extracted) -> None:
    assert [b.index for b in ex.blocks] == list(range(len(ex.blocks)))
    assert all(b.text.strip() for b in ex.blocks)
    for b in ex.blocks:
        assert b.kind in KINDS
        assert (b.level is not None) == (b.kind == "heading")
        assert (b.table is not None) == (b.kind == "table-cell")
        assert b.headings == ()
        if b.level is not None:
            assert 1 <= b.level <= 6


# --- building test files ------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def make_docx(path: Path, body: str, footnotes: str | None = None, prolog: str = "") -> Path:
    """A minimal WordprocessingML package with the given body XML (and optional footnotes part)."""
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.footnotes+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>'
    )
    doc_rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + (
            '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'footnotes" Target="footnotes.xml"/>'
            if footnotes
            else ""
        )
        + "</Relationships>"
    )
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        f"<w:body>{body}<w:sectPr/></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", document)
        zf.writestr("word/_rels/document.xml.rels", doc_rels)
        if footnotes:
            zf.writestr(
                "word/footnotes.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{W_NS}">'
                f"{footnotes}</w:footnotes>",
            )
    return path


def wp(text: str, style: str | None = None, extra_ppr: str = "") -> str:
    ppr = f"<w:pPr>{f'<w:pStyle w:val={chr(34)}{style}{chr(34)}/>' if style else ''}{extra_ppr}</w:pPr>"
    return f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)


def make_odt(
    path: Path, body: str, master: str = "", meta_title: str | None = None, prolog: str = ""
) -> Path:
    """A minimal ODF text package: mimetype first and stored, as the spec (and sniffing) expects."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<office:document-content {ODF_NS} office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODF_NS}>'
        '<office:styles><style:style style:name="Title" style:family="paragraph"/></office:styles>'
        f"<office:master-styles>{master}</office:master-styles></office:document-styles>"
    )
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODF_NS}><office:meta>'
        + (f"<dc:title>{meta_title}</dc:title>" if meta_title else "")
        + "</office:meta></office:document-meta>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED
        )
        zf.writestr("content.xml", content)
        zf.writestr("styles.xml", styles)
        zf.writestr("meta.xml", meta)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest/>')
    return path


# --- DOCX: the dev corpus -------------------------------------------------------------------------------


@needs_corpus
def test_docx_agreement_headings_sentence_table_and_page_furniture():
    ex = docx_ext.extract(DEV / "dev-sv-002.docx", OPTS)
    assert_well_formed(ex)
    assert ex.format == "docx"
    assert ex.title == "Lokal överenskommelse om samverkan kring barn och unga i Norrby"
    assert kinds(ex, "title")[0].text == ex.title

    headings = {b.text: b.level for b in kinds(ex, "heading")}
    assert headings["1. Inledning"] == 2
    assert headings["9.1 Norrby kommun"] == 3
    assert headings["18. Beslut"] == 2

    para = next(b for b in kinds(ex, "paragraph") if "Norrby kommun ansvarar genom socialnämnden" in b.text)
    assert para.text.startswith("Norrby kommun ansvarar genom socialnämnden för utredning")

    cells = kinds(ex, "table-cell")
    assert [c.table for c in cells] == sorted(c.table for c in cells)  # row by row, left to right
    assert cells[0].text == "För Norrby kommun" and cells[0].table == (0, 0, 0)
    assert cells[1].text == "För Region Västerdal" and cells[1].table == (0, 0, 1)
    assert any(
        c.text == "Henrik Dalmark, hälso- och sjukvårdsdirektör" and c.table == (0, 2, 1) for c in cells
    )
    # The signature table follows the decision paragraph, as on the page.
    decision = next(b for b in ex.blocks if b.text.startswith("Antagen av socialnämnden"))
    assert decision.index < cells[0].index

    assert [b.text for b in kinds(ex, "header")] == ["Norrby kommun · Region Västerdal"]
    footers = kinds(ex, "footer")
    assert len(footers) == 1 and footers[0].text.startswith("Lokal överenskommelse barn och unga · Sida")


@needs_corpus
@pytest.mark.parametrize("path", DEV_DOCX, ids=lambda p: p.name)
def test_docx_dev_corpus_reads_with_title_and_headings(path):
    import docx

    ex = docx_ext.extract(path, OPTS)
    assert_well_formed(ex)
    assert ex.title == docx.Document(str(path)).core_properties.title
    assert kinds(ex, "heading")
    assert len(kinds(ex, "header")) <= 1 and len(kinds(ex, "footer")) <= 1


@needs_corpus
def test_docx_numbered_list_paragraphs_are_list_items():
    ex = docx_ext.extract(DEV / "dev-sv-012.docx", OPTS)
    items = kinds(ex, "list-item")
    assert len(items) == 6
    assert items[0].text == "Behovet uppmärksammas och tas upp med barnet och vårdnadshavarna."


@needs_corpus
def test_docx_merged_cells_are_not_repeated():
    ex = docx_ext.extract(WILD / "tbl-cell-access.docx", OPTS)
    by_table: dict[int, list[Block]] = {}
    for c in kinds(ex, "table-cell"):
        by_table.setdefault(c.table[0], []).append(c)
    # table 1: "4" spans two columns (python-docx's row.cells gives 4 | 4 | 6)
    assert [c.text for c in by_table[1] if c.table[1] == 1] == ["4", "6"]
    # table 3: "4" spans 2x2, "6" spans two rows
    assert [c.text for c in by_table[3]].count("4") == 1
    assert [c.text for c in by_table[3]].count("6") == 1
    assert [c.table for c in by_table[3]] == [
        (3, 0, 0),
        (3, 0, 1),
        (3, 0, 2),
        (3, 1, 0),
        (3, 1, 2),
        (3, 2, 2),
    ]


@needs_corpus
def test_docx_headers_first_page_and_linked_sections():
    ex = docx_ext.extract(WILD / "sct-first-page-hdrftr.docx", OPTS)
    # section 2 turns on a first-page header it inherits from section 1
    assert [b.text for b in kinds(ex, "header")] == [
        "Default (odd, primary) Header",
        "First Page Header (section 2)",
    ]

    ex = docx_ext.extract(WILD / "hdr-header-footer.docx", OPTS)
    assert [b.text for b in kinds(ex, "header")] == ["Header for section-1"]  # section 2 is linked: once
    assert [b.text for b in kinds(ex, "footer")] == ["Footer for section 1"]

    ex = docx_ext.extract(WILD / "doc-odd-even-hdrs.docx", OPTS)
    assert sorted(b.text for b in kinds(ex, "header")) == ["Even page header.", "Odd page header."]


@needs_corpus
def test_docx_comments_and_header_tables_stay_out_of_the_body():
    ex = docx_ext.extract(WILD / "comments-rich-para.docx", OPTS)
    assert not any("Paragraph with Heading 2 paragraph style" in t for t in texts(ex))
    ex = docx_ext.extract(WILD / "blk-paras-and-tables.docx", OPTS)
    assert [b.text for b in kinds(ex, "header")] == ["Left-side", "Right-side"]
    (cell,) = kinds(ex, "table-cell")
    assert cell.text == "Text before\nTable\nBetween\nText after"  # one block per cell, nested table inline
    assert cell.table == (1, 0, 0)  # header tables do not shift the body's table numbers


def test_docx_footnotes_textboxes_revisions_and_styles(tmp_path):
    body = (
        wp("Riktlinje för samverkan", "Title")
        + wp("Ansvar", "Rubrik1")
        + wp("Underrubrik", extra_ppr='<w:outlineLvl w:val="2"/>')
        + "<w:p><w:r><w:t>Regionen ansvarar</w:t></w:r><w:ins><w:r><w:t> för BUP</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText> STRUKEN</w:delText></w:r></w:del>"
        '<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>'
        + wp("Punkt", extra_ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>')
        + '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        + wp("Text i textruta")
        + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
        + wp("Text i textruta")
        + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        + wp("Innehåll 1", "TOC1")
    )
    notes = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:t>Se 2 kap. 7 § socialtjänstlagen.</w:t></w:r></w:p></w:footnote>'
    )
    ex = docx_ext.extract(make_docx(tmp_path / "f.docx", body, notes), OPTS)
    assert_well_formed(ex)
    assert ex.title == "Riktlinje för samverkan"
    assert [(b.kind, b.level) for b in ex.blocks[:3]] == [("title", None), ("heading", 1), ("heading", 3)]
    assert "Regionen ansvarar för BUP." in texts(ex)  # insertion kept, deletion and note mark dropped
    assert [b.text for b in kinds(ex, "list-item")] == ["Punkt"]
    assert texts(ex).count("Text i textruta") == 1  # the VML fallback copy is not read twice
    assert "Innehåll 1" not in texts(ex)  # table-of-contents lines repeat headings
    assert [b.text for b in kinds(ex, "footnote")] == ["Se 2 kap. 7 § socialtjänstlagen."]


def test_docx_title_falls_back_to_first_heading_1(tmp_path):
    ex = docx_ext.extract(make_docx(tmp_path / "h.docx", wp("Rutin för SIP", "Heading1") + wp("Text.")), OPTS)
    assert ex.title == "Rutin för SIP"


# --- DOCX/ODT: hostile and broken files ----------------------------------------------------------------


def zip_bomb(path: Path, member: str = "word/document.xml", mb: int = 40) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open(member, "w") as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(mb):
                fh.write(chunk)
    return path


@pytest.mark.parametrize("module", [docx_ext, odt_ext], ids=["docx", "odt"])
def test_zip_bomb_is_refused_before_parsing(tmp_path, module):
    bomb = zip_bomb(tmp_path / f"bomb.{module.FORMAT}", mb=40)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(Unreadable, match=r"^zip bomb suspected: .*expands \d+:1"):
        module.extract(bomb, OPTS)
    with pytest.raises(Unreadable, match=r"^zip bomb suspected: \d+ MB uncompressed"):
        module.extract(bomb, ExtractOptions(max_unzipped_bytes=10 * 1024 * 1024, max_zip_ratio=1e9))


@pytest.mark.parametrize(("module", "label"), [(docx_ext, "DOCX"), (odt_ext, "ODT")])
def test_broken_and_protected_containers(tmp_path, module, label):
    ext = module.EXTENSIONS[0]
    empty = tmp_path / f"empty{ext}"
    empty.write_bytes(b"")
    with pytest.raises(Unreadable, match=r"^empty file$"):
        module.extract(empty, OPTS)

    junk = tmp_path / f"junk{ext}"
    junk.write_bytes(b"This is not a zip file at all, just text. " * 20)
    with pytest.raises(Unreadable, match=f"^corrupt {label}: not a zip archive"):
        module.extract(junk, OPTS)

    truncated = tmp_path / f"truncated{ext}"
    truncated.write_bytes(
        (WILD / "test.docx").read_bytes()[:3000] if WILD.is_dir() else b"PK\x03\x04" + b"x" * 99
    )
    with pytest.raises(Unreadable, match=f"^corrupt {label}"):
        module.extract(truncated, OPTS)

    # Password-protected OOXML is an OLE compound file holding an EncryptedPackage stream.
    ole = tmp_path / f"locked{ext}"
    ole.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 1000
        + "EncryptedPackage".encode("utf-16-le")
        + b"\0" * 500
    )
    with pytest.raises(Unreadable, match=r"^encrypted \(password required\)$"):
        module.extract(ole, OPTS)


def test_encrypted_odt_manifest_is_reported(tmp_path):
    path = make_odt(tmp_path / "enc.odt", "<text:p>x</text:p>")
    data = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(data, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "META-INF/manifest.xml":
                body = b'<manifest><file-entry><encryption-data checksum="x"/></file-entry></manifest>'
            dst.writestr(info, body)
    path.write_bytes(data.getvalue())
    with pytest.raises(Unreadable, match=r"^encrypted \(password required\)$"):
        odt_ext.extract(path, OPTS)


XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


# The padded variant hides the DTD behind a long comment, past the cheap prolog pre-scan.
@pytest.mark.parametrize("prolog", [XXE, "<!--" + "x" * 9000 + "-->" + XXE], ids=["plain", "padded"])
def test_docx_external_entity_is_refused_not_resolved(tmp_path, prolog):
    path = make_docx(tmp_path / "xxe.docx", "<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", prolog=prolog)
    with pytest.raises(Unreadable, match=r"^unsafe XML \(DTD/entities\)$"):
        docx_ext.extract(path, OPTS)


@pytest.mark.parametrize("prolog", [XXE, "<!--" + "x" * 9000 + "-->" + XXE], ids=["plain", "padded"])
def test_odt_external_entity_is_refused_not_resolved(tmp_path, prolog):
    path = make_odt(tmp_path / "xxe.odt", "<text:p>Hej &xxe; då</text:p>", prolog=prolog)
    with pytest.raises(Unreadable, match=r"^unsafe XML \(DTD/entities\)$"):
        odt_ext.extract(path, OPTS)


def test_docx_without_text(tmp_path):
    with pytest.raises(Unreadable, match=r"^no text$"):
        docx_ext.extract(
            make_docx(tmp_path / "blank.docx", "<w:p/><w:p><w:r><w:t>  </w:t></w:r></w:p>"), OPTS
        )


# --- ODT ------------------------------------------------------------------------------------------------


@needs_corpus
def test_odt_routine_title_headings_lists_and_table():
    ex = odt_ext.extract(DEV / "dev-sv-015.odt", OPTS)
    assert_well_formed(ex)
    assert ex.format == "odt"
    title = "Rutin för orosanmälan och samverkan mellan förskola, skola och socialtjänst i Bergsala kommun"
    assert ex.title == title
    assert ex.blocks[0].kind == "title" and ex.blocks[0].text == title
    headings = [(b.text, b.level) for b in kinds(ex, "heading")]
    assert headings[0] == ("1. Målgrupp och omfattning", 2)
    assert ("7. Kontaktuppgifter", 2) in headings
    items = [b.text for b in kinds(ex, "list-item")]
    assert "Rutinägare: elevhälsochefen i Bergsala kommun" in items
    assert any(
        t.startswith("Anmäl. Anmälan görs skriftligen i kommunens e-tjänst Orosanmälan.") for t in items
    )
    cells = kinds(ex, "table-cell")
    assert [c.text for c in cells[:4]] == [
        "Funktion",
        "Nås via",
        "Socialtjänstens mottagningsgrupp barn och unga",
        "Kommunens växel, vardagar 8–16",
    ]
    assert [c.table for c in cells] == [(0, r, c) for r in range(5) for c in range(2)]


@needs_corpus
def test_odt_wild_form_document():
    ex = odt_ext.extract(WILD / "libreoffice-form.odt", OPTS)
    assert ex.title == "Example for a Form"


def test_odt_inline_markup_notes_merged_cells_and_page_furniture(tmp_path):
    body = (
        '<text:h text:outline-level="1">Avtal</text:h>'
        '<text:p>Regionen<text:s text:c="3"/>ansvarar<text:tab/>för <text:span>BUP</text:span>'
        "<text:line-break/>och <text:a>habilitering</text:a>"
        '<text:note text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>Enligt HSL.</text:p></text:note-body></text:note>.</text:p>"
        "<text:list><text:list-item><text:p>Första punkten</text:p>"
        "<text:list><text:list-item><text:p>Underpunkt</text:p></text:list-item></text:list>"
        "</text:list-item></text:list>"
        '<text:h text:outline-level="9">Djup rubrik</text:h>'
        "<table:table><table:table-row>"
        '<table:table-cell table:number-columns-spanned="2"><text:p>Sammanslagen</text:p></table:table-cell>'
        "<table:covered-table-cell/><table:table-cell><text:p>C</text:p></table:table-cell>"
        "</table:table-row><table:table-row>"
        "<table:table-cell><text:p>rad 2</text:p><text:p>andra stycket</text:p></table:table-cell>"
        "</table:table-row></table:table>"
        "<office:annotation><text:p>En kommentar</text:p></office:annotation>"
        "<text:tracked-changes><text:changed-region><text:deletion><text:p>Borttaget</text:p>"
        "</text:deletion></text:changed-region></text:tracked-changes>"
    )
    master = (
        '<style:master-page style:name="Standard">'
        "<style:header><text:p>Region Fjällmark</text:p></style:header>"
        "<style:header-first><text:p>Region Fjällmark</text:p></style:header-first>"
        "<style:footer><text:p>Sida <text:page-number>1</text:page-number></text:p></style:footer>"
        "</style:master-page>"
    )
    ex = odt_ext.extract(make_odt(tmp_path / "a.odt", body, master, meta_title="Metatitel"), OPTS)
    assert_well_formed(ex)
    assert ex.title == "Metatitel"  # no Title-styled paragraph: the metadata title wins over the first h
    assert "Regionen   ansvarar\tför BUP\noch habilitering." in texts(ex)
    assert [b.text for b in kinds(ex, "list-item")] == ["Första punkten", "Underpunkt"]
    assert ("Djup rubrik", 6) in [(b.text, b.level) for b in kinds(ex, "heading")]
    assert [(c.text, c.table) for c in kinds(ex, "table-cell")] == [
        ("Sammanslagen", (0, 0, 0)),
        ("C", (0, 0, 2)),
        ("rad 2\nandra stycket", (0, 1, 0)),
    ]
    assert [b.text for b in kinds(ex, "footnote")] == ["Enligt HSL."]
    assert [b.text for b in kinds(ex, "header")] == ["Region Fjällmark"]
    assert [b.text for b in kinds(ex, "footer")] == ["Sida 1"]
    assert not any("kommentar" in t or "Borttaget" in t for t in texts(ex))


def test_odt_title_from_first_heading_when_nothing_else(tmp_path):
    ex = odt_ext.extract(make_odt(tmp_path / "h.odt", '<text:h text:outline-level="1">Rutin</text:h>'), OPTS)
    assert ex.title == "Rutin"
    with pytest.raises(Unreadable, match=r"^no text$"):
        odt_ext.extract(make_odt(tmp_path / "e.odt", "<text:p/>"), OPTS)


# --- HTML -----------------------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html lang="sv"><head><meta charset="windows-1252"><title>Riktlinje för SIP</title>
<style>.x { color: red }</style><script>var hemligt = "skript";</script></head>
<body>
<nav hidden>Meny Start Kontakt</nav>
<div class="cookie" style="display: none">Vi använder kakor</div>
<h1>Riktlinje för samordnad individuell plan</h1>
<p>Denna   riktlinje gäller
för <b>Region Fjällmark</b> och <a href="#">Ås kommun</a>.<br>Ny rad.</p>
<h3>Ansvar</h3>
<ul><li>Regionen ansvarar för BUP.</li><li><p>Kommunen ansvarar för elevhälsan.</p></li></ul>
<table>
<tr><th>Part</th><th>Ansvar</th></tr>
<tr><td rowspan="2">Regionen</td><td><p>BUP</p><p>Primärvård</p></td></tr>
<tr><td>Habilitering</td></tr>
</table>
<p aria-hidden="true">Skärmläsardold</p>
<noscript>Aktivera javascript</noscript><template><p>Mall</p></template>
<div>Fastställd av regionstyrelsen 2025-03-01.</div>
</body></html>
"""


def test_html_visible_text_only_with_structure(tmp_path):
    path = tmp_path / "riktlinje.html"
    path.write_bytes(HTML_PAGE.encode("cp1252"))
    ex = html_ext.extract(path, OPTS)
    assert_well_formed(ex)
    assert ex.format == "html"
    assert ex.title == "Riktlinje för SIP"
    assert ex.blocks[0].kind == "title" and ex.blocks[0].text == "Riktlinje för SIP"
    assert [(b.text, b.level) for b in kinds(ex, "heading")] == [
        ("Riktlinje för samordnad individuell plan", 1),
        ("Ansvar", 3),
    ]
    assert "Denna riktlinje gäller för Region Fjällmark och Ås kommun.\nNy rad." in texts(ex)
    assert [b.text for b in kinds(ex, "list-item")] == [
        "Regionen ansvarar för BUP.",
        "Kommunen ansvarar för elevhälsan.",
    ]
    assert [(c.text, c.table) for c in kinds(ex, "table-cell")] == [
        ("Part", (0, 0, 0)),
        ("Ansvar", (0, 0, 1)),
        ("Regionen", (0, 1, 0)),
        ("BUP\nPrimärvård", (0, 1, 1)),
        ("Habilitering", (0, 2, 1)),
    ]
    assert "Fastställd av regionstyrelsen 2025-03-01." in texts(ex)
    joined = " ".join(texts(ex))
    for hidden in ("Meny", "kakor", "hemligt", "color", "Skärmläsardold", "javascript", "Mall"):
        assert hidden not in joined


def test_html_external_entity_does_not_leak(tmp_path):
    path = tmp_path / "xxe.html"
    path.write_text(
        '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<html><head><title>T</title></head><body><p>Före &xxe; efter</p></body></html>",
        encoding="utf-8",
    )
    ex = html_ext.extract(path, OPTS)
    joined = "\n".join(texts(ex))
    assert "root:" not in joined and "/bin/" not in joined
    assert "Före" in joined and "efter" in joined
    assert "]>" not in joined


def test_html_title_from_h1_and_undeclared_cp1252(tmp_path):
    path = tmp_path / "x.htm"
    path.write_bytes(
        "<html><body><h1>Överenskommelse</h1><p>Gäller från 2025.</p></body></html>".encode("cp1252")
    )
    ex = html_ext.extract(path, OPTS)
    assert ex.title == "Överenskommelse"
    assert texts(ex) == ["Överenskommelse", "Gäller från 2025."]


def test_html_empty_and_textless(tmp_path):
    empty = tmp_path / "e.html"
    empty.write_bytes(b"")
    with pytest.raises(Unreadable, match=r"^empty file$"):
        html_ext.extract(empty, OPTS)
    bare = tmp_path / "b.html"
    bare.write_text("<html><head><script>x()</script></head><body><img src=a.png></body></html>")
    with pytest.raises(Unreadable, match=r"^no text$"):
        html_ext.extract(bare, OPTS)


# --- Markdown -------------------------------------------------------------------------------------------

MARKDOWN = """---
title: "Frontmattertitel"
layout:
  header: "Region Fjällmark"
---

# Rutin för SIP

Rutinen gäller **barn och unga** i [Ås kommun](https://example.org)
och Region Fjällmark.

Ansvar
------

- Socialtjänsten kallar till SIP.
- Regionen *deltar* med BUP.

1. Första steget
2. Andra steget

| Part | Ansvar |
|------|--------|
| Kommunen | Elevhälsa |
| Regionen | BUP |

<!-- en dold kommentar -->
"""


def test_markdown_structure_and_inline_text(tmp_path):
    path = tmp_path / "rutin.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    ex = md_ext.extract(path, OPTS)
    assert_well_formed(ex)
    assert ex.format == "md"
    assert ex.title == "Rutin för SIP"
    assert not any("Frontmattertitel" in t or "layout" in t for t in texts(ex))
    assert [(b.text, b.level) for b in kinds(ex, "heading")] == [("Rutin för SIP", 1), ("Ansvar", 2)]
    assert "Rutinen gäller barn och unga i Ås kommun\noch Region Fjällmark." in texts(ex)
    assert [b.text for b in kinds(ex, "list-item")] == [
        "Socialtjänsten kallar till SIP.",
        "Regionen deltar med BUP.",
        "Första steget",
        "Andra steget",
    ]
    assert [(c.text, c.table) for c in kinds(ex, "table-cell")] == [
        ("Part", (0, 0, 0)),
        ("Ansvar", (0, 0, 1)),
        ("Kommunen", (0, 1, 0)),
        ("Elevhälsa", (0, 1, 1)),
        ("Regionen", (0, 2, 0)),
        ("BUP", (0, 2, 1)),
    ]
    assert not any("kommentar" in t for t in texts(ex))


def test_markdown_title_falls_back_to_front_matter_and_decodes_utf16(tmp_path):
    path = tmp_path / "r.markdown"
    path.write_bytes(("---\ntitle: Överenskommelse\n---\n\n## Syfte\n\nText.\n").encode("utf-16"))
    ex = md_ext.extract(path, OPTS)
    assert ex.title == "Överenskommelse"
    assert texts(ex) == ["Syfte", "Text."]


@needs_corpus
def test_markdown_dev_source_matches_docx_headings():
    src = SHARED / "corpus" / "dev" / "src" / "dev-sv-002.md"
    md = md_ext.extract(src, OPTS)
    dx = docx_ext.extract(DEV / "dev-sv-002.docx", OPTS)
    assert md.title == dx.title
    assert [b.text for b in kinds(md, "heading")][1:] == [b.text for b in kinds(dx, "heading")]


# --- Plain text -----------------------------------------------------------------------------------------

PLAIN = """Överenskommelse om samverkan mellan Region Fjällmark och Ås kommun

1. Syfte och mål

Syftet är att barn och unga ska få ett samordnat stöd från social-
tjänsten och regionen. Målet är att minst 80 procent
ska ha en SIP inom 30 dagar.

5.1 Barnets rättigheter

- Barnets bästa ska komma i främsta rummet.
- Barnet ska komma till tals.

Uppföljning
===========

Uppföljning sker årligen.
"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-be"])
def test_text_encodings_decode_swedish(tmp_path, encoding):
    path = tmp_path / "avtal.txt"
    data = PLAIN.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    ex = text_ext.extract(path, OPTS)
    assert ex.title == "Överenskommelse om samverkan mellan Region Fjällmark och Ås kommun"
    assert any("Överenskommelse" in t for t in texts(ex))
    assert any("Målet är att minst 80 procent" in t for t in texts(ex))


def test_text_short_cp1252_is_not_mistaken_for_central_european(tmp_path):
    path = tmp_path / "kort.txt"
    path.write_bytes("Målgrupp: barn och unga 0–17 år.".encode("cp1252"))
    assert texts(text_ext.extract(path, OPTS)) == ["Målgrupp: barn och unga 0–17 år."]


def test_text_utf16_without_bom(tmp_path):
    path = tmp_path / "u.txt"
    path.write_bytes("Överenskommelse\n\nText om ansvar.".encode("utf-16-le"))
    assert texts(text_ext.extract(path, OPTS)) == ["Överenskommelse", "Text om ansvar."]


def test_text_structure_from_layout(tmp_path):
    path = tmp_path / "avtal.text"
    path.write_text(PLAIN.replace("\n", "\r\n"), encoding="utf-8")
    ex = text_ext.extract(path, OPTS)
    assert_well_formed(ex)
    assert ex.blocks[0].kind == "title"
    assert [(b.text, b.level) for b in kinds(ex, "heading")] == [
        ("1. Syfte och mål", 1),
        ("5.1 Barnets rättigheter", 2),
        ("Uppföljning", 1),
    ]
    para = kinds(ex, "paragraph")[0]
    assert para.text == (
        "Syftet är att barn och unga ska få ett samordnat stöd från social-\n"
        "tjänsten och regionen. Målet är att minst 80 procent\n"
        "ska ha en SIP inom 30 dagar."
    )
    assert [b.text for b in kinds(ex, "list-item")] == [
        "Barnets bästa ska komma i främsta rummet.",
        "Barnet ska komma till tals.",
    ]
    assert texts(ex)[-1] == "Uppföljning sker årligen."


def test_text_title_wrapped_over_two_lines_is_one_title_and_types_the_document(tmp_path):
    """A plain-text title broken over two lines keeps its type word: the scan reads it as an action plan."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "minutes.txt").write_text(
        "Souris Interagency Committee: Extract from Minutes, Item 5, Children's Bladder\n"
        "and Bowel Action Plan 2026-2027\n\n"
        "The Committee adopted the plan. The public health nurse reports to the Committee each quarter.\n",
        encoding="utf-8",
    )
    ex = text_ext.extract(folder / "minutes.txt", OPTS)
    assert ex.title == (
        "Souris Interagency Committee: Extract from Minutes, Item 5, Children's Bladder and Bowel Action Plan 2026-2027"
    )
    (doc,) = scan_report(folder)["documents"]
    assert doc["doc_type"] == "action-plan"


def test_text_scope_label_heads_the_group_it_applies_to(tmp_path):
    """"Gäller för" alone on its line is the routine's scope heading (as the HTML page marks it), not a sentence
    left open: the ages under it delimit the target group, in .txt as in .html."""
    folder = tmp_path / "docs"
    folder.mkdir()
    body = "All personal som arbetar med barn 1–5 år i kommunens förskolor."
    (folder / "rutin.txt").write_text(
        f"Rutin – barn som bränt sig i solen\n\nGäller för\n\n{body}\n\nSamordnaren ska\n\nkalla till möte.\n",
        encoding="utf-8",
    )
    ex = text_ext.extract(folder / "rutin.txt", OPTS)
    assert [b.text for b in kinds(ex, "heading")] == ["Gäller för"]  # "Samordnaren ska" still opens a sentence
    (doc,) = scan_report(folder)["documents"]
    (target,) = [r for r in doc["results"] if r["rule"] == "target-group"]
    assert target["outcome"] == "met"
    assert any("1–5 år" in e["text"] for e in target["evidence"])


def test_text_first_paragraph_of_body_text_is_no_title(tmp_path):
    path = tmp_path / "body.txt"
    path.write_text("Denna rutin gäller elever. Den beskriver\nhur skolan samverkar med BUP.\n", encoding="utf-8")
    assert text_ext.extract(path, OPTS).title == "Denna rutin gäller elever. Den beskriver"


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("3. Syfte och mål", 1),
        ("5.1 Barnets rättigheter", 2),
        ("2.3.1 Kontaktvägar", 3),
        ("§ 4 Mål", 1),
        ("§ 12", None),
        ("Version 1.2 – approved 12/09/2024", None),
        ("Reviderad 2025-03-01", None),
        ("Approved February 10, 2026", None),
        ("Fastställd 10 februari 2026", None),
        ("Handlingsplan mars 2026", 1),
        ("Bakgrund", 1),
        ("Beslutad av:", None),
        ("Gäller för", 1),
        ("Applies to", 1),
        ("Samordnaren ska", None),
        ("Parterna ska följa upp överenskommelsen.", None),
        ("2025-01-01", None),
        ("- punkt", None),
        ("x" * 85, None),
    ],
)
def test_text_heading_heuristic(line, level):
    assert text_ext.heading_level(line) == level


def test_text_empty_binary_and_blank(tmp_path):
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    with pytest.raises(Unreadable, match=r"^empty file$"):
        text_ext.extract(empty, OPTS)
    blank = tmp_path / "b.txt"
    blank.write_text("\n   \n\t\n")
    with pytest.raises(Unreadable, match=r"^no text$"):
        text_ext.extract(blank, OPTS)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(bytes(range(0, 32)) * 50)
    with pytest.raises(Unreadable, match="binary"):
        text_ext.extract(binary, OPTS)


# --- sniffing and detection -----------------------------------------------------------------------------


def test_detect_format_trusts_content_over_extension(tmp_path):
    pdf_as_docx = tmp_path / "avtal.docx"
    pdf_as_docx.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert detect_format(pdf_as_docx) == "pdf"

    odt_as_docx = make_odt(tmp_path / "rutin.docx", "<text:p>x</text:p>")
    assert detect_format(odt_as_docx) == "odt"
    docx_as_zip = make_docx(tmp_path / "avtal.zip", wp("x"))
    assert detect_format(docx_as_zip) == "docx"

    html_as_txt = tmp_path / "sida.txt"
    html_as_txt.write_text("\ufeff  <!DOCTYPE HTML>\n<html><body>x</body></html>", encoding="utf-8")
    assert detect_format(html_as_txt) == "html"

    for name, fmt in [
        ("a.md", "md"),
        ("a.markdown", "md"),
        ("a.txt", "txt"),
        ("a.TEXT", "txt"),
        ("a.htm", "html"),
    ]:
        p = tmp_path / name
        p.write_text("# Rubrik\n\nText.\n", encoding="utf-8")
        assert detect_format(p) == fmt


@needs_corpus
def test_sniffers_on_real_files():
    for path in DEV_DOCX + sorted(WILD.glob("*.docx")):
        head = path.read_bytes()[:4096]
        assert docx_ext.sniff(head) and not odt_ext.sniff(head), path.name
    for path in [DEV / "dev-sv-015.odt", *WILD.glob("*.odt")]:
        head = path.read_bytes()[:4096]
        assert odt_ext.sniff(head) and not docx_ext.sniff(head), path.name
        assert detect_format(path) == "odt"


def test_sniffers_reject_other_zips_and_text():
    xlsx = io.BytesIO()
    with zipfile.ZipFile(xlsx, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert not docx_ext.sniff(xlsx.getvalue()[:4096])
    assert not odt_ext.sniff(xlsx.getvalue()[:4096])
    assert html_ext.sniff(b"  <html lang='sv'>")
    assert html_ext.sniff(b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN">')
    assert html_ext.sniff("<!doctype html>".encode("utf-16"))
    assert not html_ext.sniff(b"# Rubrik\n\n<html> in prose")
    assert not md_ext.sniff(b"# Rubrik") and not text_ext.sniff(b"Text")


def test_plain_text_caps_headings_and_label_fields() -> None:
    """Typed documents put an ALL-CAPS heading right above its list; "Owner: X" is a field, not a heading."""
    from govcheck.extract.text import parse_plain

    blocks = parse_plain(
        "ARDVALE COUNCIL\nPROCEDURE 12: REFERRALS\n\nOwner: Head of Inclusion\n\n"
        "RESPONSIBILITIES\n- The school refers.\n- CAMHS assesses.\n"
    )
    kinds = [(b.kind, b.text) for b in blocks]
    assert kinds[0] == ("heading", "ARDVALE COUNCIL")
    assert ("paragraph", "Owner: Head of Inclusion") in kinds
    assert ("heading", "RESPONSIBILITIES") in kinds
    assert ("list-item", "The school refers.") in kinds and ("list-item", "CAMHS assesses.") in kinds


TAB_TABLE = (
    "Missing children protocol\n\n"
    "3. Who does what\n\n"
    "Agency\tResponsibility\n"
    "Leeds City Council\tArranges the return interview and tells the parents.\n"
    "Leeds Community Healthcare NHS Trust\tOffers a health assessment after each episode.\n\n"
    "\tThis indented line\tis prose with tabs, not a table.\n"
    "and it goes on here.\n"
)


def test_text_tab_separated_table_is_read_as_table(tmp_path):
    """Word's and spreadsheets' "save as text" keep a table as tab-separated lines: each row is read with its
    header, so the party in the first column is assigned the task beside it, as in the DOCX original."""
    path = tmp_path / "protocol.txt"
    path.write_text(TAB_TABLE, encoding="utf-8")
    ex = text_ext.extract(path, OPTS)
    assert_well_formed(ex)
    cells = [(b.table, b.text) for b in kinds(ex, "table-cell")]
    assert cells[:2] == [((0, 0, 0), "Agency"), ((0, 0, 1), "Responsibility")]
    assert ((0, 2, 0), "Leeds Community Healthcare NHS Trust") in cells and len(cells) == 6
    assert kinds(ex, "paragraph")[-1].text.startswith("\tThis indented line")  # tab-indented prose stays prose

    proc = govcheck("scan", str(path), "--format", "json", "--no-config", "--no-cache", "--lang", "en", timeout=120)
    result = next(r for r in json.loads(proc.stdout)["documents"][0]["results"]
                  if r["rule"] == "responsibility-principals")
    assert result["outcome"] == "met", result
    assert {e.get("kind") for e in result["evidence"]} == {"table-cell"}


FORM_AS_TEXT = (
    "Uppdragsbeskrivning – arbetsgrupp\n\n"
    "Fält\tUppgift\n"
    "Uppdragsgivare\tSocialchef\n"
    "Beslutad av\t\n"
    "Datum\t\n\n"
    "Arbetsgruppen ska ta fram skriftliga råd till familjehem.\n"
)


def test_text_form_with_blank_fields_stays_a_table(tmp_path):
    """A form saved as text ends a blank field's line with its tab ("Beslutad av<TAB>"): the row keeps its empty
    cell, so the form stays a table and the blank decision field is read as blank, not as "Beslutad av Datum"."""
    path = tmp_path / "uppdrag.txt"
    path.write_text(FORM_AS_TEXT, encoding="utf-8")
    ex = text_ext.extract(path, OPTS)
    assert_well_formed(ex)
    cells = [(b.table, b.text) for b in kinds(ex, "table-cell")]
    assert ((0, 2, 0), "Beslutad av") in cells and ((0, 3, 0), "Datum") in cells
    assert not any(text.startswith("Beslutad av Datum") for _, text in cells)

    proc = govcheck("scan", str(path), "--format", "json", "--no-config", "--no-cache", "--lang", "sv", timeout=120)
    result = next(r for r in json.loads(proc.stdout)["documents"][0]["results"] if r["rule"] == "decision-body")
    assert result["outcome"] != "met", result


def test_a_year_that_wraps_the_last_body_line_is_no_page_number(tmp_path):
    # "... handled under the Privacy Act" / "1993." at the foot of the page: the year stands where page numbers stand
    # and looks like one, but it wraps the line above it (line spacing, same left edge, a sentence not ended) - read as
    # a page number, the act lost its year and a repealed act went unseen. A page number set apart stays apart.
    from fuzz.builders import make_pdf

    from govcheck.extract import extract

    filler = [f"Line {n} of the guidance on driving on the beach, with more words to make it a full line." for n in
              range(48)]
    first = [*filler, "Any personal information you give us is handled under the Privacy Act", "1993."]
    second = [*filler[:40], *[""] * 9, "2"]  # the same height, with a gap above it
    path = tmp_path / "guidance.pdf"
    path.write_bytes(make_pdf([first, second]))
    blocks = extract(path, "pdf", ExtractOptions()).blocks
    texts = [b.text.replace("\n", " ") for b in blocks]
    assert any(t.endswith("handled under the Privacy Act 1993.") for t in texts), texts[-6:]
    assert "1993." not in texts
    assert "2" in texts  # the page number, set apart, is not read into the body
