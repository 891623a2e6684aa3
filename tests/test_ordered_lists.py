"""Ordered lists: the number a reader sees before a list item (Block.number), in every format that draws
the number itself instead of writing it into the text, and the numbered steps the rules find from it.

Markdown, HTML <ol>, Word numbering and ODF numbered lists put "1." "2." "3." on the page but not in the
text, so without Block.number an ordered procedure reads like a bulleted one. Each test builds a real
file and reads it with the format's extractor; the text stays what the reader sees after the marker.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from conftest import DEV
from conftest import govcheck as cli

from govcheck.cache import _MAGIC, Cache, CacheCorrupt, cache_stats, decode, encode
from govcheck.discover import discover
from govcheck.extract import ExtractOptions
from govcheck.extract import docx as docx_ext
from govcheck.extract import html as html_ext
from govcheck.extract import markdown as md_ext
from govcheck.extract import odt as odt_ext
from govcheck.model import Block, Document
from govcheck.normalize import normalise_blocks
from govcheck.rules import load_packs
from govcheck.rules.conditions import compile_condition
from govcheck.rules.engine import build_index, context
from govcheck.scan import prepare
from govcheck.segment import segment

OPTS = ExtractOptions()
needs_corpus = pytest.mark.skipif(not (DEV / "docs").is_dir(), reason="shared corpus not present")


def numbers(blocks: list[Block]) -> list[tuple[str, int | None]]:
    """(text, number) of the body's paragraphs and items, headings left out."""
    return [(b.text, b.number) for b in blocks if b.kind in ("paragraph", "list-item")]


# --- Markdown -------------------------------------------------------------------------------------


def test_markdown_ordered_lists_number_their_items(tmp_path: Path) -> None:
    path = tmp_path / "rutin.md"
    path.write_text(
        "# Rutin\n\n"
        "## Arbetsgång\n\n"
        "1. Kontrollera insatserna.\n"
        "2. Inhämta samtycke.\n"
        "   1. Muntligt.\n"          # nested: numbered at its own level
        "   2. Skriftligt.\n"
        "3. Skicka kallelsen.\n\n"
        "   Kallelsen går ut i god tid.\n\n"  # a second paragraph of item 3: no marker of its own
        "- Punkt ett\n"
        "- Punkt två\n\n"
        "Mellan listorna.\n\n"
        "3) Tre\n"                     # a list may start anywhere and use ')'
        "1) Fyra\n",                   # CommonMark numbers on from the start, whatever is written
        encoding="utf-8",
    )
    ex = md_ext.extract(path, OPTS)
    assert numbers(ex.blocks) == [
        ("Kontrollera insatserna.", 1),
        ("Inhämta samtycke.", 2),
        ("Muntligt.", 1),
        ("Skriftligt.", 2),
        ("Skicka kallelsen.", 3),
        ("Kallelsen går ut i god tid.", None),
        ("Punkt ett", None),
        ("Punkt två", None),
        ("Mellan listorna.", None),
        ("Tre", 3),
        ("Fyra", 4),
    ]


# --- HTML -----------------------------------------------------------------------------------------


def test_html_ol_start_value_reversed_and_nesting(tmp_path: Path) -> None:
    path = tmp_path / "rutin.html"
    path.write_text(
        "<!doctype html><html><head><title>Rutin</title></head><body><h1>Rutin</h1>"
        "<ol start='2'><li>Två</li><li>Tre<ol type='a'><li>Tre a</li><li>Tre b</li></ol></li>"
        "<li value='7'><p>Sju</p><p>Mer om sju</p></li><li>Åtta</li></ol>"
        "<ul><li>Punkt<ol><li>Ett under punkten</li></ol></li></ul>"
        "<ol reversed><li>Tre kvar</li><li hidden>dold</li><li>Två kvar</li><li>Sista</li></ol>"
        "<ol style='list-style-type: none'><li>Utan siffra</li></ol>"
        "</body></html>",
        encoding="utf-8",
    )
    ex = html_ext.extract(path, OPTS)
    assert numbers(ex.blocks) == [
        ("Två", 2),
        ("Tre", 3),
        ("Tre a", 1),
        ("Tre b", 2),
        ("Sju", 7),
        ("Mer om sju", None),
        ("Åtta", 8),
        ("Punkt", None),
        ("Ett under punkten", 1),
        ("Tre kvar", 3),  # reversed counts down from the number of items shown
        ("Två kvar", 2),
        ("Sista", 1),
        ("Utan siffra", None),
    ]


# --- DOCX -----------------------------------------------------------------------------------------


def _new_list(d, style: str, start: int) -> int:
    """A new w:num over the style's list definition that starts again at `start` (as render.py and Word's
    "Restart numbering" do): a startOverride on level 0."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    numbering = d.part.numbering_part.element
    style_num = d.styles[style].element.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    abstract = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == style_num)
    abstract_id = abstract.find(qn("w:abstractNumId")).get(qn("w:val"))
    num_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), str(num_id))
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), abstract_id)
    override = OxmlElement("w:lvlOverride")
    override.set(qn("w:ilvl"), "0")
    start_el = OxmlElement("w:startOverride")
    start_el.set(qn("w:val"), str(start))
    override.append(start_el)
    num.extend([ref, override])
    numbering.append(num)
    return num_id


def _numbered(paragraph, num_id: int, ilvl: int = 0) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    num_pr = OxmlElement("w:numPr")
    lvl, num = OxmlElement("w:ilvl"), OxmlElement("w:numId")
    lvl.set(qn("w:val"), str(ilvl))
    num.set(qn("w:val"), str(num_id))
    num_pr.extend([lvl, num])
    paragraph._p.get_or_add_pPr().insert(1, num_pr)  # after w:pStyle


def make_list_docx(path: Path) -> Path:
    """Word lists as python-docx writes them with the "List Number"/"List Bullet" styles."""
    import docx

    d = docx.Document()
    d.add_heading("Rutin för samordnad individuell plan", 1)
    d.add_heading("Arbetsgång", 2)
    d.add_paragraph("Ett", style="List Number")
    d.add_paragraph("Två", style="List Number")
    d.add_paragraph("Mellan två delar av listan.")
    d.add_paragraph("Tre", style="List Number")  # the same list goes on after the paragraph
    d.add_paragraph("Tre a", style="List Number 2")  # a list of its own, one indent deeper
    d.add_paragraph("Tre b", style="List Number 2")
    d.add_paragraph("Fyra", style="List Number")
    d.add_paragraph("Punkt ett", style="List Bullet")
    d.add_paragraph("Punkt två", style="List Bullet")
    restart = _new_list(d, "List Number", 1)
    for text in ("Om ett", "Om två"):
        _numbered(d.add_paragraph(text, style="List Number"), restart)
    from_five = _new_list(d, "List Number", 5)
    for text in ("Fem", "Sex"):
        _numbered(d.add_paragraph(text, style="List Number"), from_five)
    d.save(str(path))
    return path


DOCX_NUMBERS = [
    ("Ett", 1), ("Två", 2), ("Mellan två delar av listan.", None), ("Tre", 3), ("Tre a", 1), ("Tre b", 2),
    ("Fyra", 4), ("Punkt ett", None), ("Punkt två", None), ("Om ett", 1), ("Om två", 2), ("Fem", 5), ("Sex", 6),
]  # fmt: skip


def test_docx_word_numbering_counts_as_word_draws_it(tmp_path: Path) -> None:
    ex = docx_ext.extract(make_list_docx(tmp_path / "rutin.docx"), OPTS)
    assert numbers(ex.blocks) == DOCX_NUMBERS
    assert all(b.kind == "list-item" for b in ex.blocks if b.number is not None)


def test_docx_levels_formats_and_list_instances(tmp_path: Path) -> None:
    """A multi-level definition of its own: letters and roman numerals are numbers, a bullet level and a
    level whose text names no counter are not; a deeper level restarts under each item above it; a second
    w:num over the same definition continues its count (Word), numId 0 takes the numbering away."""
    import docx
    from lxml import etree

    d = docx.Document()
    numbering = d.part.numbering_part.element
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    definitions = (
        f'<w:numbering xmlns:w="{w}">'
        '<w:abstractNum w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>'
        '<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="–"/></w:lvl>'
        "</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="91">'
        '<w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>'
        "</w:abstractNum>"
        '<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
        '<w:num w:numId="91"><w:abstractNumId w:val="90"/></w:num>'
        '<w:num w:numId="92"><w:abstractNumId w:val="91"/></w:num>'
        "</w:numbering>"
    )
    for el in etree.fromstring(definitions):
        numbering.append(el)
    # (abstractNum elements must precede num elements: Word refuses the part otherwise)
    for el in sorted(numbering, key=lambda e: etree.QName(e).localname != "abstractNum"):
        numbering.append(el)
    paragraphs = [
        ("Första", 90, 0), ("Första a", 90, 1), ("Första b", 90, 1), ("Punkt", 90, 2), ("Streck", 90, 3),
        ("Andra", 90, 0), ("Andra a", 90, 1), ("Tredje", 91, 0), ("Romersk tre", 92, 0), ("Romersk fyra", 92, 0),
        ("Utan numrering", 0, 0),
    ]  # fmt: skip
    for text, num_id, ilvl in paragraphs:
        _numbered(d.add_paragraph(text, style="List Paragraph"), num_id, ilvl)
    path = tmp_path / "levels.docx"
    d.save(str(path))
    ex = docx_ext.extract(path, OPTS)
    assert numbers(ex.blocks) == [
        ("Första", 1), ("Första a", 1), ("Första b", 2), ("Punkt", None), ("Streck", None), ("Andra", 2),
        ("Andra a", 1), ("Tredje", 3), ("Romersk tre", 3), ("Romersk fyra", 4), ("Utan numrering", None),
    ]  # fmt: skip


@needs_corpus
def test_docx_dev_corpus_procedure_is_numbered() -> None:
    ex = docx_ext.extract(DEV / "docs" / "dev-sv-012.docx", OPTS)
    items = [b for b in ex.blocks if b.kind == "list-item"]
    assert [b.number for b in items] == [1, 2, 3, 4, 5, 6]
    assert items[0].text == "Behovet uppmärksammas och tas upp med barnet och vårdnadshavarna."


# --- ODT ------------------------------------------------------------------------------------------

ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xml="http://www.w3.org/XML/1998/namespace"'
)
LIST_STYLES = (
    '<text:list-style style:name="L1">'
    '<text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"/>'
    '<text:list-level-style-number text:level="2" style:num-suffix=")" style:num-format="a"/>'
    "</text:list-style>"
    '<text:list-style style:name="L2"><text:list-level-style-bullet text:level="1" text:bullet-char="•"/>'
    "</text:list-style>"
    '<text:list-style style:name="L3"><text:list-level-style-number text:level="1" style:num-format=""/>'
    "</text:list-style>"
    '<text:list-style style:name="L4">'
    '<text:list-level-style-number text:level="1" text:start-value="4" style:num-format="i"/></text:list-style>'
)


def make_list_odt(path: Path, body: str) -> Path:
    """A minimal ODF text package with the list styles above among the automatic styles."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.3">'
        f"<office:automatic-styles>{LIST_STYLES}</office:automatic-styles>"
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest/>')
    return path


def _item(*paragraphs: str, start: int | None = None, inner: str = "") -> str:
    attr = f' text:start-value="{start}"' if start is not None else ""
    paras = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    return f"<text:list-item{attr}>{paras}{inner}</text:list-item>"


def test_odt_numbered_list_styles_levels_and_continuation(tmp_path: Path) -> None:
    body = (
        '<text:h text:outline-level="1">Rutin</text:h>'
        '<text:list xml:id="list1" text:style-name="L1">'
        + _item("Ett")
        + _item("Två", inner="<text:list>" + _item("Två a") + _item("Två b") + "</text:list>")
        + "</text:list>"
        "<text:p>Mellan två delar av listan.</text:p>"
        '<text:list xml:id="list2" text:continue-numbering="true" text:style-name="L1">'
        + _item("Tre", "Mer om tre")
        + "</text:list>"
        '<text:list text:style-name="L2">' + _item("Punkt ett") + _item("Punkt två") + "</text:list>"
        '<text:list text:style-name="L1"><text:list-header><text:p>Rubrik i listan</text:p></text:list-header>'
        + _item("Sju", start=7)
        + _item("Åtta")
        + "</text:list>"
        '<text:list text:continue-list="list2" text:style-name="L1">' + _item("Fyra") + "</text:list>"
        '<text:list text:style-name="L3">' + _item("Ingen siffra") + "</text:list>"
        '<text:list text:style-name="L4">' + _item("Romersk fyra") + "</text:list>"
        # a list that starts at its second level: the empty outer item is no numbered item
        '<text:list text:style-name="L1"><text:list-item><text:list>' + _item("Djupt") + "</text:list>"
        "</text:list-item></text:list>"
    )
    ex = odt_ext.extract(make_list_odt(tmp_path / "rutin.odt", body), OPTS)
    assert numbers(ex.blocks) == [
        ("Ett", 1), ("Två", 2), ("Två a", 1), ("Två b", 2), ("Mellan två delar av listan.", None), ("Tre", 3),
        ("Mer om tre", None), ("Punkt ett", None), ("Punkt två", None), ("Rubrik i listan", None), ("Sju", 7),
        ("Åtta", 8), ("Fyra", 4), ("Ingen siffra", None), ("Romersk fyra", 4), ("Djupt", 1),
    ]  # fmt: skip


@needs_corpus
def test_odt_dev_corpus_libreoffice_list_is_numbered() -> None:
    ex = odt_ext.extract(DEV / "docs" / "dev-sv-015.odt", OPTS)
    numbered = [(b.number, b.text.split(".")[0]) for b in ex.blocks if b.number is not None]
    assert numbered == [(1, "Skriv ner vad du har sett eller hört, med datum och med barnets egna ord om barnet "
                            "har berättat något"), (2, "Ta kontakt med rektor eller förskolechef och, vid behov, "
                            "med elevhälsan"), (3, "Anmäl"), (4, "Informera"),
                        (5, "Fortsätt att ge barnet stöd i verksamheten som vanligt")]
    assert [b.number for b in ex.blocks if b.text.startswith("Rutinägare")] == [None]  # a bulleted item


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice absent")
def test_libreoffice_odt_and_html_of_a_word_file_number_alike(tmp_path: Path) -> None:
    """LibreOffice's own rendering of the Word lists (continue-numbering, continue-list, a list per
    style, <ol start>) reads with the numbers Word shows."""
    source = make_list_docx(tmp_path / "rutin.docx")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    for target in ("odt", "html"):
        subprocess.run(
            [soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--norestore",
             "--convert-to", target, "--outdir", str(tmp_path), str(source)],
            capture_output=True, timeout=300, check=True,
        )  # fmt: skip
    assert numbers(odt_ext.extract(tmp_path / "rutin.odt", OPTS).blocks) == DOCX_NUMBERS
    assert numbers(html_ext.extract(tmp_path / "rutin.html", OPTS).blocks) == DOCX_NUMBERS


# --- the cache ------------------------------------------------------------------------------------


@needs_corpus
def test_the_cache_keeps_numbers_and_ignores_entries_of_the_old_format(tmp_path: Path) -> None:
    source = next(s for s in discover([DEV / "docs"])[0] if s.rel == "dev-sv-012.docx")
    prepared = prepare(source, OPTS)
    assert [b.number for b in prepared.blocks if b.number is not None] == [1, 2, 3, 4, 5, 6]
    assert decode(encode(prepared)) == prepared

    # An entry as format 2 wrote it (its own header, blocks of ten fields) is a miss, never misread.
    obj = {"title": None, "pages": None, "engine": "python-docx", "heads": [[]],
           "blocks": [["Behovet uppmärksammas.", "list-item", None, None, None, None, False, 0, 0, None]],
           "sentences": [[0, 0, 22]]}  # fmt: skip
    body = zlib.compress(json.dumps(obj).encode())
    old = b"govcheck-cache\x002\n" + hashlib.sha256(body).digest() + body
    with pytest.raises(CacheCorrupt):
        decode(old)
    with pytest.raises(CacheCorrupt):  # nor is a ten-field block behind the current header
        decode(_MAGIC + hashlib.sha256(body).digest() + body)
    cache = Cache(tmp_path)
    key = "ab" * 32
    cache.put(key, prepared)
    assert cache.get(key) == prepared
    (tmp_path / "v2" / "ab").mkdir(parents=True)
    (tmp_path / "v2" / "ab" / f"{key}.json.z").write_bytes(old)
    assert cache.get(key) == prepared  # the old folder is not read
    assert cache_stats(tmp_path).stale == 1  # and is counted as a leftover for `cache clear`


# --- numbered steps -------------------------------------------------------------------------------

STEPS = ["Kontrollera om barnet har insatser från båda huvudmännen.", "Inhämta samtycke från vårdnadshavarna.",
         "Dokumentera beslutet i journalen."]  # fmt: skip


def _sequence_hits(blocks: list[Block]) -> list[str]:
    pack = load_packs(None)[0]
    blocks = normalise_blocks(blocks)
    doc = Document(path="<test>", format="docx", blocks=blocks, sentences=segment(blocks), lang="sv")
    ctx = context(pack, doc, build_index(doc, [pack]), dt.date(2026, 12, 3))
    cond = compile_condition({"sequence": 3}, "test", set(), set(), ["sv", "en"])
    return [doc.sentences[si].text for si in cond.eval(ctx)]


def test_sequence_reads_the_number_of_an_item_and_the_enumerator_of_text() -> None:
    heading = Block(text="Arbetsgång", kind="heading", level=2)
    numbered = [Block(text=t, kind="list-item", number=i) for i, t in enumerate(STEPS, 1)]
    assert _sequence_hits([heading, *numbered]) == STEPS
    bulleted = [Block(text=t, kind="list-item") for t in STEPS]
    assert _sequence_hits([heading, *bulleted]) == []
    # the number the format draws is the step's, whatever the item's text opens with
    drawn = [Block(text=f"{4 - i}. {t}", kind="list-item", number=i) for i, t in enumerate(STEPS, 1)]
    assert len(_sequence_hits([heading, *drawn])) == 3
    # a list that starts at 2 is no run of steps from the first; text without a number still counts
    assert _sequence_hits([heading, *(Block(text=t, kind="list-item", number=i) for i, t in enumerate(STEPS, 2))]) == []
    typed = [Block(text=f"{i}. {t}", kind="paragraph") for i, t in enumerate(STEPS, 1)]
    assert len(_sequence_hits([heading, *typed])) == 3


def _routine(path: Path, heading: str, style: str) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Rutin för samordnad individuell plan", 1)
    d.add_heading(heading, 2)
    for text in STEPS:
        d.add_paragraph(text, style=style)
    d.add_paragraph("Kontakt med BUP tas via samverkanstelefonen.")
    d.save(str(path))


def test_cli_word_numbered_steps_meet_collaboration_procedure(tmp_path: Path) -> None:
    """A routine whose procedure is three Word-numbered steps and a contact route meets 'how the
    collaboration is carried out' (two facets: steps and contact), quoting a step; the same steps as
    bullets leave only the contact route (which in a routine is enough, but quotes no step). Under
    'Arbetsgång' the heading itself names the steps (the pack's `steps` signal has arbetsgång*), so there
    the bulleted routine is met by its heading, not by a quoted step; 'Tillvägagångssätt' names the
    procedure without naming steps."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for heading in ("Arbetsgång", "Tillvägagångssätt"):
        _routine(folder / f"{heading}-numrerad.docx", heading, "List Number")
        _routine(folder / f"{heading}-punkter.docx", heading, "List Bullet")
    proc = cli("scan", str(folder), "--format", "json", "--as-of", "2026-12-03", "-q", "--no-cache",
               "--no-config", "--fail-on", "never")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    cells = {
        d["path"]: next(r for r in d["results"] if r["rule"] == "collaboration-procedure")
        for d in report["documents"]
    }

    def step_quotes(cell: dict) -> list[str]:
        steps = next(f for f in cell["facets"] if f["id"] == "steps")
        return [e["text"] for e in steps["evidence"] if e["text"] in STEPS]

    for heading in ("Arbetsgång", "Tillvägagångssätt"):
        numbered = cells[f"{heading}-numrerad.docx"]
        assert numbered["outcome"] == "met", numbered
        assert any(e["text"] in STEPS for e in numbered["evidence"])
        assert step_quotes(numbered)
        assert not step_quotes(cells[f"{heading}-punkter.docx"])
    # A routine is itself the working procedure, so one part of the "how" meets it (the pack's `at_least_for`): the
    # bulleted routine under "Tillvägagångssätt" is met by its contact route alone - the bullets give it no steps.
    bullets = cells["Tillvägagångssätt-punkter.docx"]
    assert bullets["outcome"] == "met", bullets
    assert [f["id"] for f in bullets["facets"] if f["found"]] == ["contact"], bullets["facets"]
