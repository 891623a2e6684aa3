"""Every crash the fuzzer (tests/fuzz/run.py) found, as a regression test.

Two layers: each kept failing input in tests/fuzz/crashes/ is replayed through its entry point, and each
finding also has a minimal hand-built reproduction below that names what went wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz.builders import AGREEMENT, W_NS, make_docx, make_pdf

from govcheck.extract import ExtractOptions, detect_format, extract
from govcheck.model import Extracted, Unreadable

CRASHES = Path(__file__).parent / "fuzz" / "crashes"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.mark.parametrize("path", sorted(CRASHES.glob("extract-*")), ids=lambda p: p.name)
def test_kept_extractor_inputs_end_in_blocks_or_a_reason(path: Path) -> None:
    fmt = path.name.split("-")[1]
    assert detect_format(path) is not None
    for options in (ExtractOptions(), ExtractOptions(pdf_engine="pdfplumber")):
        try:
            result = extract(path, fmt, options)
        except Unreadable as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            assert isinstance(result, Extracted)


def _docx_with_header() -> bytes:
    """A DOCX whose header part has no content-type override (the package's default: application/xml)."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in AGREEMENT)
    document = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{body}'
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr></w:body></w:document>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rIdH" Type="{R_NS}/header" Target="header0.xml"/></Relationships>'
    )
    header = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:hdr xmlns:w="{W_NS}"><w:p><w:r><w:t>Region Västerdal · '
        "Överenskommelse</w:t></w:r></w:p></w:hdr>"
    )
    extra = {"word/_rels/document.xml.rels": rels.encode(), "word/header0.xml": header.encode()}
    return make_docx([], document_xml=document, extra=extra)


def test_docx_header_part_with_unmatched_content_type(tmp_path: Path) -> None:
    """Found by extract-docx: a header part renamed (footer1.xml -> footer0.xml) no longer matches its
    content-type override, so python-docx hands back a plain Part with no `.element` (AttributeError)."""
    path = tmp_path / "renamed-header.docx"
    path.write_bytes(_docx_with_header())
    ex = extract(path, "docx")
    assert [b.text for b in ex.blocks if b.kind == "header"] == ["Region Västerdal · Överenskommelse"]
    assert ex.blocks[1].text == AGREEMENT[0]


def test_pdf_page_without_mediabox_in_pdfplumber(tmp_path: Path) -> None:
    """Found by extract-pdf: a damaged /MediaBox key made pdfplumber fail on the page and then fail again
    inside its own close() (TypeError/AttributeError escaped the extractor). pdfium repairs such pages, so
    the pdfplumber engine now falls back to it, with a warning."""
    path = tmp_path / "no-mediabox.pdf"
    path.write_bytes(make_pdf([AGREEMENT]).replace(b"/MediaBox", b".MediaBox"))
    for engine in ("pdfium", "pdfplumber"):
        ex = extract(path, "pdf", ExtractOptions(pdf_engine=engine))
        assert ex.blocks[0].text.startswith(AGREEMENT[0])
    assert any("pdfplumber could not read" in w for w in ex.warnings)
