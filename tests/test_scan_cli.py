"""`govcheck scan` end to end: real folders in, the matrix and the JSON contract out."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import AS_OF, DEV, ROOT, WILD, govcheck

RULES = 15
SUPPORTED = {".pdf", ".docx", ".odt", ".html", ".htm", ".md", ".markdown", ".txt"}


def test_every_dev_file_is_listed_and_only_scans_cannot_be_assessed(dev_report: dict) -> None:
    on_disk = sorted(p.name for p in (DEV / "docs").iterdir())
    assert sorted(d["path"] for d in dev_report["documents"]) == on_disk
    for doc in dev_report["documents"]:
        outcomes = {r["rule"]: r["outcome"] for r in doc["results"]}
        assert len(outcomes) == RULES, doc["path"]
        if doc["path"].endswith(".scan.pdf"):
            assert doc["status"] == "unreadable"
            assert doc["reason"] == "no text layer — rerun with --ocr"
            assert set(outcomes.values()) == {"cannot_assess"}
        else:
            assert doc["status"] == "ok", doc["reason"]
            assert "cannot_assess" not in outcomes.values(), doc["path"]


def test_met_and_partial_cells_quote_their_evidence(dev_report: dict) -> None:
    # A forbidden rule is met by absence (no repealed statute cited): there is nothing to quote.
    graded = {r["id"] for r in dev_report["rules"] if r["kind"] != "forbidden"}
    for doc in dev_report["documents"]:
        for cell in doc["results"]:
            if cell["outcome"] == "partial" or (cell["outcome"] == "met" and cell["rule"] in graded):
                assert cell["evidence"], (doc["path"], cell["rule"])
                ev = cell["evidence"][0]
                assert ev["text"].strip()
                assert ev.get("page") or ev.get("section"), (doc["path"], cell["rule"], ev)


def test_the_json_report_keeps_its_schema(dev_report: dict) -> None:
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(dev_report, schema)
    assert dev_report["as_of"] == AS_OF
    assert dev_report["rulesets"][0]["id"] == "child-youth-collaboration"


def test_pdf_evidence_cites_the_physical_page(dev_report: dict) -> None:
    pdfs = [d for d in dev_report["documents"] if d["path"].endswith(".pdf") and d["status"] == "ok"]
    assert pdfs
    pages = [ev["page"] for d in pdfs for c in d["results"] for ev in c.get("evidence", []) if ev.get("page")]
    assert pages and all(isinstance(p, int) and p >= 1 for p in pages)


def test_swedish_documents_are_detected_as_swedish(dev_report: dict) -> None:
    langs = {d["path"]: d["lang"] for d in dev_report["documents"] if d["status"] == "ok"}
    assert all(lang == "sv" for path, lang in langs.items() if path.startswith("dev-sv-"))


def test_dev_corpus_accuracy_floors() -> None:
    """The audit method's floors on the labelled corpus: a regression in rules or extraction fails CI."""
    cmd = f"{sys.executable} -m govcheck scan {{docs}} --format json --as-of {{as_of}} -q"
    proc = subprocess.run(
        [sys.executable, str(ROOT.parent / "shared" / "tools" / "evaluate.py"),
         "--expected", str(DEV / "expected.yaml"), "--run", cmd],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    last = proc.stdout.strip().splitlines()[-1]
    scores = dict(re.findall(r"(\w+)=([\d.]+)", last))
    assert float(scores["accuracy"]) >= 0.90, proc.stdout
    assert float(scores["evidence"]) >= 0.85, proc.stdout
    assert float(scores["false_met"]) <= 0.05, proc.stdout


def test_examples_demo_prints_a_matrix_with_every_example() -> None:
    proc = govcheck("scan", "examples", "--exclude", "README.md", "--as-of", AS_OF)
    assert proc.returncode in (0, 1), proc.stderr
    examples = [p.name for p in (ROOT / "examples").iterdir() if p.suffix in SUPPORTED and p.name != "README.md"]
    assert examples
    for name in examples:
        assert name[:20] in proc.stdout, name
    assert "Traceback" not in proc.stderr
    assert re.search(r"\d+ documents, 0 unreadable", proc.stderr)


def test_english_example_is_judged_in_english() -> None:
    proc = govcheck("scan", "examples/partnership-agreement-ardvale.txt", "--format", "json", "--as-of", AS_OF, "-q")
    doc = json.loads(proc.stdout)["documents"][0]
    assert doc["lang"] == "en"
    assert doc["doc_type"] == "agreement"
    assert {r["outcome"] for r in doc["results"]} & {"met", "partial"}


def test_wild_corpus_gives_a_row_per_file_and_reasons_for_the_unreadable() -> None:
    proc = govcheck("scan", str(WILD), "--format", "json", "-q", timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    rows = {d["path"]: d for d in report["documents"]}
    assert sorted(rows) == sorted(p.name for p in WILD.iterdir() if p.suffix.lower() in SUPPORTED)
    assert "encrypted" in rows["password-example.pdf"]["reason"]
    assert rows["empty.pdf"]["status"] == "unreadable"
    for d in rows.values():
        if d["status"] != "ok":
            assert d["reason"] and "\n" not in d["reason"]
            assert {r["outcome"] for r in d["results"]} == {"cannot_assess"}


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("corrupt.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50, ""),
        ("corrupt.docx", b"PK\x03\x04 not really a zip", ""),
    ],
)
def test_an_unreadable_document_is_cannot_assess_not_a_failure(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "fine.md").write_text("# Rutin\n\nRegionen ansvarar för uppföljningen.\n", encoding="utf-8")
    proc = govcheck("scan", str(tmp_path), "--format", "json")
    assert "Traceback" not in proc.stderr
    rows = {d["path"]: d for d in json.loads(proc.stdout)["documents"]}
    bad = rows[name]
    assert bad["status"] == "unreadable" and reason in bad["reason"]
    assert {r["outcome"] for r in bad["results"]} == {"cannot_assess"}
    assert rows["fine.md"]["status"] == "ok"
    assert f"{name}: unreadable" in proc.stderr
    assert "1 unreadable" in proc.stderr


def test_content_beats_extension(tmp_path: Path) -> None:
    pdf = next((DEV / "docs").glob("*[0-9].pdf"))
    (tmp_path / "looks-like-word.docx").write_bytes(pdf.read_bytes())
    proc = govcheck("scan", str(tmp_path), "--format", "json", "-q", "--as-of", AS_OF)
    doc = json.loads(proc.stdout)["documents"][0]
    assert doc["status"] == "ok"
    assert doc["format"] == "pdf"


def test_include_exclude_and_hidden_folders(tmp_path: Path) -> None:
    text = "# Riktlinje\n\nKommunen ansvarar för elevhälsan.\n"
    for rel in ("a/one.md", "a/two.txt", "b/three.md", ".git/four.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    proc = govcheck("scan", str(tmp_path), "--format", "json", "-q", "--include", "*.md", "--exclude", "b/*")
    assert [d["path"] for d in json.loads(proc.stdout)["documents"]] == ["a/one.md"]


def test_a_bad_option_is_one_line_and_exit_2(tmp_path: Path) -> None:
    proc = govcheck("scan", str(tmp_path), "--as-of", "22/11/2026")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "--as-of" in proc.stderr
    proc = govcheck("scan", str(tmp_path / "missing"))
    assert proc.returncode == 2 and "missing" in proc.stderr
