"""OCR of scanned agreements: what a user sees with and without --ocr.

These tests need Tesseract with Swedish and English data (`make system-deps`); they fail rather than skip
without it, so a CI image that lost the package cannot pass silently.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from conftest import AS_OF, DEV, govcheck

from govcheck.extract import ExtractOptions, extract
from govcheck.extract import ocr as ocr_mod
from govcheck.extract.pdf import NO_TEXT
from govcheck.model import Unreadable

DOCS = DEV / "docs"
SCAN = DOCS / "dev-sv-003.scan.pdf"
TEXT = DOCS / "dev-sv-003.pdf"


def _require_tesseract() -> None:
    exe = shutil.which("tesseract")
    assert exe, "tesseract is not installed: run `make system-deps` (apt: tesseract-ocr -swe -eng)"
    langs = ocr_mod.installed_languages(exe)
    assert {"swe", "eng"} <= langs, f"tesseract language data missing, have {sorted(langs)}"


def _scan(path: Path, *extra: str) -> dict:
    proc = govcheck("scan", str(path), "--format", "json", "--as-of", AS_OF, "-q", *extra)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert len(report["documents"]) == 1
    return report["documents"][0]


@pytest.fixture(scope="module")
def scanned() -> dict:
    _require_tesseract()
    return _scan(SCAN, "--ocr")


def test_scan_without_ocr_is_unreadable_with_hint() -> None:
    doc = _scan(SCAN)
    assert doc["status"] == "unreadable"
    assert doc["reason"] == NO_TEXT == "no text layer — rerun with --ocr"
    assert all(r["outcome"] == "cannot_assess" for r in doc["results"])


def test_scan_with_ocr_reads_like_the_text_version(scanned: dict) -> None:
    assert scanned["status"] == "ok", scanned["reason"]
    assert scanned["lang"] == "sv"
    assert scanned["ocr"] is True
    assert scanned["engine"].endswith("+tesseract")
    assert scanned["pages"] == 3
    assert scanned["title"] == "Samverkansavtal om Första linjen unga i Sjöhamn och Bergsala"
    text = _scan(TEXT)
    assert text["status"] == "ok" and text["ocr"] is False
    mine = {r["rule"]: r["outcome"] for r in scanned["results"]}
    theirs = {r["rule"]: r["outcome"] for r in text["results"]}
    same = sum(mine[k] == theirs[k] for k in theirs)
    assert same >= 0.8 * len(theirs), {k: (mine[k], theirs[k]) for k in theirs if mine[k] != theirs[k]}


def test_ocr_evidence_is_marked(scanned: dict) -> None:
    evidence = [e for r in scanned["results"] for e in r["evidence"]]
    assert evidence, "met/partial rules quote evidence"
    assert all(e.get("ocr") is True for e in evidence)
    assert all(isinstance(e.get("page"), int) for e in evidence)  # OCR'd evidence still has its page


def test_ocr_keeps_structure_of_the_scan() -> None:
    """Headings, list items and table cells come back from the page geometry, as for a text layer."""
    _require_tesseract()
    ex = extract(DOCS / "dev-sv-013.scan.pdf", "pdf", ExtractOptions(ocr=True))
    assert all(b.ocr for b in ex.blocks)
    kinds = {b.kind for b in ex.blocks}
    assert {"heading", "paragraph"} <= kinds
    assert "table-cell" in kinds or "list-item" in kinds
    assert not any("|" in b.text.split() for b in ex.blocks)  # table rules are not words


def test_mixed_document_ocrs_only_the_image_pages(tmp_path: Path) -> None:
    """A text page followed by a scanned page: without --ocr a warning, with it OCR'd blocks on page 2 only."""
    _require_tesseract()
    mixed = tmp_path / "mixed.pdf"
    pdf = pdfium.PdfDocument.new()
    pdf.import_pages(pdfium.PdfDocument(str(TEXT)), [0])
    pdf.import_pages(pdfium.PdfDocument(str(SCAN)), [1])
    pdf.save(str(mixed))
    pdf.close()
    plain = extract(mixed, "pdf", ExtractOptions())
    assert {b.page for b in plain.blocks} == {1}
    assert any("rerun with --ocr" in w for w in plain.warnings)
    both = extract(mixed, "pdf", ExtractOptions(ocr=True))
    assert {b.page for b in both.blocks} == {1, 2}
    assert all(b.ocr == (b.page == 2) for b in both.blocks)
    assert any("Ansvarsfördelning" in b.text for b in both.blocks if b.page == 2)


def _fake_tesseract(tmp_path: Path, body: str) -> Path:
    """A stand-in `tesseract` on PATH that lists swe/eng and does `body` for real work."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "tesseract"
    exe.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "--list-langs" ]; then echo "List of available languages (2):"; echo eng; echo swe; exit 0; fi\n'
        f"{body}\n"
    )
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return bin_dir


def test_missing_language_is_a_clear_reason() -> None:
    _require_tesseract()
    with pytest.raises(Unreadable, match=r"OCR language data missing: xxx \(install tesseract-ocr-xxx\)"):
        extract(SCAN, "pdf", ExtractOptions(ocr=True, ocr_lang="swe+xxx"))


def test_tesseract_failure_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = _fake_tesseract(tmp_path, 'echo "Error: cannot read image" >&2; exit 3')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(Unreadable) as info:
        extract(SCAN, "pdf", ExtractOptions(ocr=True))
    assert str(info.value) == "OCR failed: tesseract exited with 3 (Error: cannot read image)"


def test_tesseract_runs_single_threaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """OMP_THREAD_LIMIT=1 reaches the subprocess (it would otherwise compete with the scan's workers)."""
    seen = tmp_path / "env.txt"
    bin_dir = _fake_tesseract(tmp_path, f'echo "$OMP_THREAD_LIMIT $*" >> {seen}; exit 0')
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(Unreadable, match="OCR found no text"):
        extract(SCAN, "pdf", ExtractOptions(ocr=True))
    calls = seen.read_text().splitlines()
    assert len(calls) == 3
    assert all(c.startswith("1 stdin stdout --dpi 300 -l swe+eng hocr") for c in calls)


def test_missing_tesseract_is_a_clear_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(Unreadable, match="tesseract is not installed"):
        extract(SCAN, "pdf", ExtractOptions(ocr=True))


HOCR = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><body><div class='ocr_page' title='bbox 0 0 2480 3508'>
<span class='ocr_line' title="bbox 295 1743 2154 1786; baseline 0 -10; x_size 43">
 <span class='ocrx_word' title='bbox 295 1751 312 1768; x_wconf 71'>e</span>
 <span class='ocrx_word' title='bbox 372 1745 477 1776; x_wconf 92'>Minst</span>
 <span class='ocrx_word' title='bbox 490 1745 520 1776; x_wconf 92'>75</span></span>
<span class='ocr_line' title="bbox 300 1900 900 1943; baseline 0 -10; x_size 43">
 <span class='ocrx_word' title='bbox 300 1900 330 1933; x_wconf 90'>15</span>
 <span class='ocrx_word' title='bbox 340 1900 380 1933; x_wconf 90'>$</span>
 <span class='ocrx_word' title='bbox 390 1900 420 1933; x_wconf 5'>~</span></span>
<span class='ocr_line' title="bbox 300 2000 900 2043; baseline 0 -10; x_size 43">
 <span class='ocrx_word' title='bbox 300 2000 330 2033; x_wconf 90'>|</span></span>
</div></body></html>"""


def test_parse_hocr_bullets_section_signs_and_noise() -> None:
    lines = ocr_mod.parse_hocr(HOCR.encode(), 300 / 72, 3508, section_sign=True)
    assert [ln.text for ln in lines] == ["• Minst 75", "15 §"]  # low-confidence speckle and rules dropped
    first = lines[0]
    assert first.size == pytest.approx(43 * 72 / 300)
    assert first.base == pytest.approx((3508 - 1776) * 72 / 300)
    assert first.top > first.base > first.bottom
    assert ocr_mod.parse_hocr(HOCR.encode(), 300 / 72, 3508)[1].text == "15 $"


def test_poster_sized_page_is_rendered_within_the_pixel_budget(tmp_path: Path) -> None:
    """A 200-inch page at 300 dpi would be 3.7 gigapixels; it is rendered coarser instead."""
    _require_tesseract()
    from fuzz.builders import make_pdf

    path = tmp_path / "poster.pdf"
    path.write_bytes(make_pdf([[]]).replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 14400 14400]"))
    with pytest.raises(Unreadable, match="no text layer, and OCR found no text"):
        extract(path, "pdf", ExtractOptions(ocr=True))
    pdf = pdfium.PdfDocument(str(path))
    image, _scale = ocr_mod._render(pdf, 0, ocr_mod.DPI)
    pdf.close()
    width, height = ocr_mod._image_size(image)
    assert width * height <= ocr_mod.MAX_PIXELS * 1.001 and width > 5000  # pdfium rounds each side up
