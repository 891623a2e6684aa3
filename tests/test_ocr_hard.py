"""A county archive's scans: turned and leaning pages, stamps, signatures, two columns, faint faxes.

The scans are made once per session from the labelled dev corpus (tests/scanset.py), seven pages in all,
and shared through one page cache, so each page is OCR'd about once: determinism runs first and fills the
cache that the accuracy and rescan tests then hit. Needs Tesseract with swe+eng (see test_ocr.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import jsonschema
import numpy as np
import pypdfium2 as pdfium
import pytest
import yaml
from conftest import AS_OF, DEV, ROOT, govcheck
from PIL import Image, ImageDraw, ImageFont
from scanset import make_hard_scan
from test_ocr import _require_tesseract

from govcheck.cache import Cache
from govcheck.extract import ExtractOptions, extract, marks, ocr, straighten
from govcheck.extract.ocr import OcrLine, OcrWord

DOCS = DEV / "docs"
# Every treatment at least once: 003 gets stamp, rotated page, two columns, signature; 013 a fax and a turn.
PLANS = {"dev-sv-003": None, "dev-sv-013": ["fax", "rotate"]}
# A received-stamp across the goals of 010's first page (its list of targets under "3. Mål"); a signature
# through the text of its last page.
STAMPED = ("dev-sv-010", ["stamp", "plain"])


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    _require_tesseract()
    root = tmp_path_factory.mktemp("hard")
    dirs = {name: root / name for name in ("scans", "text", "single", "cache", "stamped")}
    for d in dirs.values():
        d.mkdir()
    for name, plan in PLANS.items():
        make_hard_scan(DOCS / f"{name}.pdf", dirs["scans"] / f"{name}.pdf", plan)
        shutil.copy(DOCS / f"{name}.pdf", dirs["text"] / f"{name}.pdf")
    make_hard_scan(DOCS / f"{STAMPED[0]}.pdf", dirs["stamped"] / f"{STAMPED[0]}.pdf", STAMPED[1])
    shutil.copy(dirs["scans"] / "dev-sv-013.pdf", dirs["single"] / "dev-sv-013.pdf")
    return dirs


def _run(folder: Path, *extra: str) -> tuple[dict, str, str]:
    proc = govcheck("scan", str(folder), "--format", "json", "--as-of", AS_OF, *extra, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout), proc.stdout, " ".join(proc.stderr.split())  # stderr wraps at 80 columns


def _accuracy(report: dict) -> float:
    """Share of labelled cells the report gets right, as ../shared/tools/evaluate.py counts it."""
    expected = yaml.safe_load((DEV / "expected.yaml").read_text(encoding="utf-8"))
    labels = {Path(d["file"]).name: d["expected"] for d in expected["documents"]}
    right = total = 0
    for doc in report["documents"]:
        got = {r["rule"]: r["outcome"] for r in doc["results"]}
        for rule, label in labels[Path(doc["path"]).name].items():
            total += 1
            right += got.get(rule) == label["outcome"]
    return right / total


def test_pages_read_in_parallel_give_the_same_report(hard: dict[str, Path]) -> None:
    """--jobs 2 reads the two pages of one scan at once (a lent core); the JSON is byte for byte --jobs 1's."""
    _one, alone, _ = _run(hard["single"], "--ocr", "--jobs", "1", "--no-cache")
    report, both, err = _run(hard["single"], "--ocr", "--jobs", "2", "--cache-dir", str(hard["cache"]))
    assert both == alone
    assert report["documents"][0]["status"] == "ok"
    assert "2 pages OCR'd (0 from the page cache)" in err


def test_hard_scans_judged_within_005_of_their_text_versions(hard: dict[str, Path]) -> None:
    scans, _, err = _run(hard["scans"], "--ocr", "--jobs", "2", "--cache-dir", str(hard["cache"]))
    text, _, _ = _run(hard["text"], "--no-cache")
    # 013, scanned by the test above, is a finished result in the cache: only 003's pages are read.
    assert "3 pages OCR'd (0 from the page cache)" in err
    assert all(d["status"] == "ok" and d["ocr"] for d in scans["documents"])
    assert _accuracy(scans) >= _accuracy(text) - 0.05, (_accuracy(scans), _accuracy(text))
    evidence = [e for d in scans["documents"] for r in d["results"] for e in r["evidence"]]
    assert all(isinstance(e["ocr_confidence"], int) and 0 <= e["ocr_confidence"] <= 100 for e in evidence)
    assert all(e.get("ocr_low_confidence", False) == (e["ocr_confidence"] < 70) for e in evidence)
    # a cell quoting low-confidence OCR text asks a person to look at it
    for r in (r for d in scans["documents"] for r in d["results"]):
        if any(e.get("ocr_low_confidence") for e in r["evidence"]):
            assert r["review"] and any("OCR" in why for why in r["review_reasons"]), r
    jsonschema.validate(scans, json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8")))


def _cells(report: dict, name: str) -> dict[str, dict]:
    doc = next(d for d in report["documents"] if Path(d["path"]).name == name)
    return {r["rule"]: r for r in doc["results"]}


def test_two_column_page_is_read_column_by_column(hard: dict[str, Path]) -> None:
    """003's last page: its text in two columns, tables in both, a signature across the gutter. Tesseract
    read across the gutter, so the layout made one table of the page: the right column's first sentence
    was quoted with the left column's running header in front of it, and a decision cut at its line end.
    Read column by column (ocr.column_order), both are quoted as the text version quotes them."""
    scans, _, _ = _run(hard["scans"], "--ocr", "--jobs", "2", "--cache-dir", str(hard["cache"]))
    cells = _cells(scans, "dev-sv-003.pdf")
    validity = [e["text"] for e in cells["validity"]["evidence"]]
    assert validity == ["Avtalet gäller från 2026-01-01 till och med 2028-12-31."]
    decision = cells["decision-body"]["evidence"][0]["text"]
    assert decision.startswith("Avtalet har godkänts av primärvårdsnämnden i Region Västerdal 2025-10-21")
    assert "av kommunstyrelsen i Sjöhamns kommun 2025-11-03" in decision  # the sentence's second line


def test_goals_under_a_received_stamp_are_read_as_goals(hard: dict[str, Path], tmp_path: Path) -> None:
    """010's goals lie under a received-stamp. Read with the stamp on, its letters and the goal line under
    them became junk that the layout took for a table, and the goals cell was 'not met'. The stamp is
    taken off before Tesseract reads the page (marks.py): the goal is quoted, in its section, and no
    word of the stamp is."""
    report, _, _ = _run(hard["stamped"], "--ocr", "--jobs", "2", "--cache-dir", str(hard["cache"]))
    cells = _cells(report, "dev-sv-010.pdf")
    goal = cells["goals"]["evidence"][0]
    assert cells["goals"]["outcome"] == "met"
    assert goal["section"] == "3. Mål" and goal["page"] == 1
    assert goal["text"].startswith("Minst 90 procent av remisserna till BUP ska vara bedömda inom fem arbetsdagar")
    quoted = " ".join(e["text"] for r in cells.values() for e in r["evidence"])
    assert "INKOM" not in quoted and "2025-03-14" not in quoted
    shutil.copy(DOCS / "dev-sv-010.pdf", tmp_path / "dev-sv-010.pdf")
    text, _, _ = _run(tmp_path, "--no-cache")
    got = {rule: cell["outcome"] for rule, cell in cells.items()}
    assert got == {r["rule"]: r["outcome"] for r in text["documents"][0]["results"]}


def test_stamp_and_signature_are_taken_off_and_nothing_else(hard: dict[str, Path]) -> None:
    """On the generated scan itself (no Tesseract): the stamp, in a lighter ink than the text, loses its
    grey and keeps the text under it; the signature, in the text's ink, loses its strokes; nothing outside
    their boxes changes; pages without marks, the corpus's own scans, come back as they were."""
    pdf = pdfium.PdfDocument(str(hard["stamped"] / "dev-sv-010.pdf"))
    pages = [pdf[i].render(scale=300 / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
    pdf.close()
    for page, lighter in zip(pages, (True, False), strict=True):
        cleaned, found = marks.remove(page, 300)
        assert [m.lighter for m in found] == [lighter]
        x0, y0, x1, y1 = found[0].box
        before, after = np.asarray(page), np.asarray(cleaned)
        outside = np.ones(before.shape, bool)
        outside[y0:y1, x0:x1] = False
        assert np.array_equal(before[outside], after[outside])
        inside_before, inside_after = before[y0:y1, x0:x1], after[y0:y1, x0:x1]
        if lighter:  # the stamp's mid grey mostly gone, the text's dark ink all but kept
            def grey(a: np.ndarray) -> int:
                return int(((a > 60) & (a < 100)).sum())

            assert grey(inside_after) < 0.5 * grey(inside_before)
            assert (inside_after < 40).sum() > 0.95 * (inside_before < 40).sum()
        else:  # the pen's strokes are as dark as the text: most dark ink in the box was the signature
            assert (inside_after < 60).sum() < 0.5 * (inside_before < 60).sum()
    mild = pdfium.PdfDocument(str(DOCS / "dev-sv-013.scan.pdf"))
    for i in range(len(mild)):
        page = mild[i].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
        assert marks.remove(page, 300) == (page, [])
    mild.close()


def _line(y: float, *words: tuple[str, float, float]) -> OcrLine:
    return OcrLine([OcrWord(t, x0, x1, 90) for t, x0, x1 in words], bottom=y, top=y + 10, base=y + 2, size=10)


def test_column_order_cuts_lines_across_a_gutter_but_leaves_tables() -> None:
    """Prose in two columns whose lines Tesseract joined across the gutter is cut there and read left
    column first; a table whose cells line up the same way is left in Tesseract's order."""
    prose = [_line(700 - 14 * k, ("vänster", 50, 90), ("rad", 95, 110), (f"nummer{k}", 115, 200), ("slut", 205, 280),
                   ("höger", 320, 360), ("rad", 365, 380), (f"nummer{k}", 385, 470), ("slut", 475, 550))
             for k in range(12)]
    read = ocr.column_order(prose, 600)
    assert [ln.text for ln in read] == ([f"vänster rad nummer{k} slut" for k in range(12)]
                                        + [f"höger rad nummer{k} slut" for k in range(12)])
    table = [_line(700 - 14 * k, ("A", 50, 60), ("kod", 120, 150), ("namn", 200, 280),
                   ("B", 320, 330), ("ansvar", 400, 450), ("datum", 500, 550)) for k in range(12)]
    assert ocr.column_order(table, 600) is table
    single = [_line(700 - 14 * k, ("en", 50, 70), ("rad", 75, 90), ("över", 95, 300), ("hela", 305, 550))
              for k in range(12)]
    assert ocr.column_order(single, 600) is single


def _words(blocks) -> list[str]:
    return re.findall(r"\w{4,}", " ".join(b.text for b in blocks).casefold())


def test_turned_page_reads_like_its_text_version(hard: dict[str, Path]) -> None:
    """003 page 2 was fed sideways or upside down: after straightening, its words are the text page's."""
    ocr.configure(cache=Cache(hard["cache"]))  # filled by the tests above: no Tesseract run here
    ocr.take_counts()  # counts of earlier in-process extractions
    try:
        scanned = extract(hard["scans"] / "dev-sv-003.pdf", "pdf", ExtractOptions(ocr=True))
        assert ocr.take_counts() == (3, 3)
    finally:
        ocr.configure()
    text = extract(DOCS / "dev-sv-003.pdf", "pdf", ExtractOptions())
    want = _words(b for b in text.blocks if b.page == 2)
    got = set(_words(b for b in scanned.blocks if b.page == 2))
    assert sum(w in got for w in want) >= 0.9 * len(want)


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_orientation_and_skew_are_found(quarter: int) -> None:
    """Any quarter turn, with a 2.5-degree lean, is found and undone (projection profiles, no Tesseract)."""
    pdf = pdfium.PdfDocument(str(DOCS / "dev-sv-008.pdf"))
    page = pdf[1].render(scale=150 / 72, grayscale=True).to_pil().convert("L")
    pdf.close()
    turned = page.rotate(90 * quarter, expand=True).rotate(2.5, expand=True, fillcolor=255)
    how = straighten.analyse(turned)
    assert how.quarter == (4 - quarter) % 4
    assert how.skew == pytest.approx(-2.5, abs=0.2)
    level = straighten.apply(turned, how)
    assert straighten.analyse(level).needed is False


def test_blank_page_is_left_alone() -> None:
    blank = Image.fromarray(np.full((800, 600), 250, np.uint8), "L")
    assert straighten.analyse(blank).certain is False


def _signature_page(path: Path) -> None:
    page = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(page)
    draw.text((200, 300), "Underskrifter", fill=0, font=ImageFont.load_default(size=60))
    draw.text((200, 450), "För Region Västerdal: Johanna Reimers", fill=0, font=ImageFont.load_default(size=40))
    draw.line([(200 + 6 * x, 620 + 30 * np.sin(x / 7)) for x in range(120)], fill=20, width=5)
    page.save(path, "PDF", resolution=200)


def test_rescan_after_a_signature_page_redoes_one_page(hard: dict[str, Path], tmp_path: Path) -> None:
    """The agreement comes back signed: one page more. Only that page goes through Tesseract again."""
    folder = tmp_path / "signed"
    folder.mkdir()
    signature = tmp_path / "signature.pdf"
    _signature_page(signature)
    signed = pdfium.PdfDocument(str(hard["single"] / "dev-sv-013.pdf"))
    signed.import_pages(pdfium.PdfDocument(str(signature)))
    signed.save(str(folder / "dev-sv-013-signed.pdf"))
    signed.close()
    report, _, err = _run(folder, "--ocr", "--cache-dir", str(hard["cache"]))
    assert "3 pages OCR'd (2 from the page cache)" in err
    doc = report["documents"][0]
    assert doc["status"] == "ok" and doc["pages"] == 3


def test_deadline_of_a_scan_grows_with_its_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--timeout 2 and a Tesseract taking 1.2 s a page: a 3-page scan is still read (deadline 2 s x (1 + 3)),
    not cut off as 'timed out' after 2 s."""
    from test_ocr import SCAN, _fake_tesseract

    bin_dir = _fake_tesseract(tmp_path, "sleep 1.2; exit 0")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(SCAN, folder / "scan.pdf")
    report, _, err = _run(folder, "--ocr", "--jobs", "1", "--timeout", "2", "--no-cache")
    assert report["documents"][0]["reason"] == "no text layer, and OCR found no text"
    assert "3 pages OCR'd" in err
