"""Every report format, produced from a real scan of the dev corpus and parsed back as its consumers would.

The scan runs once (module fixture, the real CLI in a subprocess); each test loads a fresh ScanReport
from its JSON so tests can plant waivers or hostile text without affecting each other.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from markdown_it import MarkdownIt

from govcheck.model import Evidence, ScanReport
from govcheck.report import ReportOptions, render
from govcheck.report import sarif as sarif_writer
from govcheck.report.common import report_from_json

REPO = Path(__file__).parents[1]
SHARED = REPO / ".." / "shared"
DEV_DOCS = SHARED / "corpus" / "dev" / "docs"
SARIF_SCHEMA = SHARED / "data" / "sarif-schema-2.1.0.json"
EXAMPLE_MD = REPO / "examples" / "rutin-sip-tallbacka.md"
AS_OF = "2026-11-22"
HOSTILE = 'Avtal | <script>alert("x")</script> <img src=x onerror=alert(1)> **fet** &amp; `kod`'


def scan_json(*paths: Path, cwd: Path = REPO) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "govcheck", "scan", *map(str, paths), "--as-of", AS_OF, "--format", "json", "-q"],
        capture_output=True, text=True, timeout=300, cwd=cwd,
    )
    assert proc.returncode in (0, 1), proc.stderr  # 1 = findings at or above --fail-on
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def dev_json() -> dict:
    return scan_json(DEV_DOCS)


@pytest.fixture
def report(dev_json: dict) -> ScanReport:
    return report_from_json(copy.deepcopy(dev_json))


def outcomes(data: dict) -> Counter:
    return Counter(r["outcome"] for d in data["documents"] for r in d["results"])


def first_cell(report: ScanReport, outcome: str, with_evidence: bool = True):
    for doc in report.documents:
        for res in doc.results:
            if res.outcome == outcome and (bool(res.evidence) or not with_evidence):
                return doc, res
    raise AssertionError(f"no {outcome} cell in the dev corpus")


def waive(report: ScanReport, outcome: str = "partial"):
    doc, res = first_cell(report, outcome)
    res.waived = {"justification": "Revideras i samband med ny överenskommelse 2027", "decided_by": "Styrgruppen",
                  "expires": "2027-06-30"}
    return doc, res


# --- Markdown --------------------------------------------------------------------------------------------


def md_html(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


def test_markdown_gap_report_in_the_documents_language(report: ScanReport, dev_json: dict) -> None:
    text = render(report, "markdown", ReportOptions(date="2026-11-23"))
    html = md_html(text)
    assert "<table>" in html
    # the matrix: one row per document, a column per rule, symbols
    section = text.split("## Matris")[1].split("Kriterier:")[0]
    matrix = [line for line in section.splitlines() if line.startswith("| dev-sv-")]
    assert len(matrix) == len(dev_json["documents"])
    assert all(line.count(" | ") == len(dev_json["rules"]) + 1 for line in matrix)
    # the set-level sentence, with the numbers of the JSON summary
    counts = dev_json["summary"]["rules"]["child-rights-convention"]
    judged = counts["met"] + counts["partial"] + counts["not_met"]
    assert f"Barnkonventionen har arbetats in i {counts['met']} av {judged} dokument" in html
    assert "Rutin för avvikelser och tvister" in html  # set-level check
    assert "Teckenförklaring" in text and "ej uppfyllt" in text
    # a gap quotes its evidence, with where it stands, in a blockquote
    _doc, res = first_cell(report, "partial")
    quote = res.evidence[0].text
    assert re.search(r"<blockquote>\s*<p>“" + re.escape(quote[:40]), html)
    assert "Rekommendation" in text
    # scope and as-of
    assert "2026-11-22" in text and "2026-11-23" in text and "child-youth-collaboration" in text


def test_markdown_unreadable_documents_listed_with_reason_never_as_gaps(report: ScanReport) -> None:
    text = render(report, "markdown")
    unreadable = [d for d in report.documents if d.status != "ok"]
    assert unreadable
    per_doc = text.split("## Dokument för dokument")[1].split("## Dokument som inte kunde läsas")
    for doc in unreadable:
        assert doc.path.replace("_", "\\_") not in per_doc[0]
        assert f"{doc.path} | {doc.reason} |" in per_doc[1]


def test_markdown_per_document_type_date_decision_body_and_verdict(report: ScanReport, dev_json: dict) -> None:
    text = render(report, "markdown", ReportOptions(lang="en"))
    section = text.split("### 1. dev-sv-001.pdf")[1].split("### 2.")[0]
    assert "- Type: agreement" in section
    assert "- Date: 2024-11-26" in section
    assert "- Decision body: “Godkänd av regionfullmäktige" in section
    assert "Overall verdict: **Meets all criteria" in section
    counts = dev_json["summary"]["rules"]["child-rights-convention"]
    judged = counts["met"] + counts["partial"] + counts["not_met"]
    assert f"UN Convention on the Rights of the Child: addressed in {counts['met']} of {judged} documents" in text
    assert "Legend: ● met · ◐ partial · ○ not met" in text


def test_markdown_waivers_marked_and_expired_listed(report: ScanReport) -> None:
    doc, _res = waive(report)
    expired = ({"rule": "goals", "path": "dev-sv-00|7.docx", "decided_by": "Styrgruppen", "expires": "2025-01-01",
                "justification": "Ny plan på gång"},)
    text = render(report, "markdown", ReportOptions(expired_waivers=expired))
    row = next(line for line in text.splitlines() if line.startswith(f"| {doc.path} |"))
    assert re.search(r"\| ◐⚑?† \|", row), row  # the waived partial (⚑ when the tool also flags it for review)
    assert "Revideras i samband med ny överenskommelse 2027" in text
    assert "## Undantag som har gått ut" in text and "Ny plan på gång" in text
    html = md_html(text)
    expired_table = html.split("Undantag som har gått ut")[1]
    assert "dev-sv-00|7.docx" in expired_table  # the escaped pipe did not split the cell


def test_markdown_escapes_hostile_document_text(report: ScanReport) -> None:
    doc, res = first_cell(report, "partial")
    res.evidence[0].text = HOSTILE
    doc.path = "a|b.pdf"
    text = render(report, "markdown")
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert "<script>" not in html and "<img" not in html and "<strong>fet</strong>" not in html
    row = next(line for line in text.splitlines() if line.startswith("| a\\|b.pdf |"))
    assert len(re.split(r"(?<!\\)\|", row)) == len(report.rules) + 4


# --- SARIF ----------------------------------------------------------------------------------------------


def sarif(report: ScanReport, **kw) -> dict:
    return json.loads(render(report, "sarif", ReportOptions(base=str(REPO), **kw)))


def test_sarif_valid_one_result_per_gap(report: ScanReport, dev_json: dict) -> None:
    waive(report)  # a waived gap is still a result (suppressed)
    out = sarif(report)
    jsonschema.validate(out, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    run = out["runs"][0]
    results = run["results"]
    n = outcomes(dev_json)
    assert len(results) == n["partial"] + n["not_met"]
    assert Counter(r["level"] for r in results) == {"error": n["not_met"], "warning": n["partial"]}
    driver = run["tool"]["driver"]
    assert driver["name"] == "govcheck" and driver["version"] and driver["informationUri"].startswith("https://")
    ids = [r["id"] for r in driver["rules"]]
    assert ids == [r["id"] for r in dev_json["rules"]]
    assert all(r["shortDescription"]["text"] and r["fullDescription"]["text"] and r["help"]["text"]
               for r in driver["rules"])
    for r in results:
        assert ids[r["ruleIndex"]] == r["ruleId"]
        loc = r["locations"][0]["physicalLocation"]
        assert (REPO / loc["artifactLocation"]["uri"]).is_file()  # repo-relative, resolvable
        assert loc["region"]["startLine"] == 1  # dev corpus is PDF/DOCX/ODT: no lines
        assert r["partialFingerprints"]["govcheck/v1"]
    pdf_with_page = [r for r in results if r["properties"].get("page")]
    assert pdf_with_page and all(f"s. {r['properties']['page']}" in r["message"]["text"] for r in pdf_with_page)
    # unreadable documents are notifications, not results
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == sum(1 for d in dev_json["documents"] if d["status"] != "ok")


def test_sarif_waived_gap_is_suppressed_with_its_justification(report: ScanReport) -> None:
    doc, res = waive(report)
    results = sarif(report)["runs"][0]["results"]
    hit = [r for r in results if r["ruleId"] == res.rule and r["properties"]["document"] == doc.path]
    assert len(hit) == 1
    (supp,) = hit[0]["suppressions"]
    assert supp["kind"] == "external" and "Revideras i samband med ny överenskommelse 2027" in supp["justification"]
    assert sum(1 for r in results if "suppressions" in r) == 1


def test_sarif_fingerprint_unchanged_when_another_document_changes(report: ScanReport) -> None:
    before = {(r["ruleId"], r["properties"]["document"]): r["partialFingerprints"]
              for r in sarif(report)["runs"][0]["results"]}
    changed, res = first_cell(report, "partial")
    res.evidence[0].text = "Helt ny formulering i ett annat dokument."
    after = {(r["ruleId"], r["properties"]["document"]): r["partialFingerprints"]
             for r in sarif(report)["runs"][0]["results"]}
    assert before.keys() == after.keys()
    differ = {k for k in before if before[k] != after[k]}
    assert differ == {(res.rule, changed.path)}


def test_sarif_text_documents_point_at_the_quoted_line_and_survive_edits(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    doc = folder / "rutin.md"
    shutil.copy(EXAMPLE_MD, doc)
    report = report_from_json(scan_json(folder))
    first = json.loads(sarif_writer.write(report, ReportOptions(base=str(tmp_path))))["runs"][0]["results"]
    assert first
    lines = doc.read_text(encoding="utf-8").splitlines()
    located = 0
    for r in first:
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/rutin.md"
        line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
        quote = next(d for d in report.documents[0].results if d.rule == r["ruleId"]).evidence
        if quote and line > 1:
            located += 1
            first_word = re.findall(r"\w+", quote[0].text)[0] if quote[0].kind is None else ""
            assert not first_word or first_word.casefold() in " ".join(lines[line - 1:line + 2]).casefold()
    assert located >= len(first) // 2
    # an unrelated edit moves the lines; the findings keep their identity
    text = doc.read_text(encoding="utf-8")
    head, body = text.split("## Syfte", 1)
    doc.write_text(head + "\n\n\n\n## Syfte" + body, encoding="utf-8")
    second = json.loads(sarif_writer.write(report, ReportOptions(base=str(tmp_path))))["runs"][0]["results"]
    moved = [(a, b) for a, b in zip(first, second, strict=True)
             if a["locations"][0]["physicalLocation"]["region"]["startLine"]
             != b["locations"][0]["physicalLocation"]["region"]["startLine"]]
    assert moved
    assert [r["partialFingerprints"] for r in first] == [r["partialFingerprints"] for r in second]


# --- JUnit ----------------------------------------------------------------------------------------------


def test_junit_counts_match_the_json(report: ScanReport, dev_json: dict) -> None:
    n = outcomes(dev_json)
    root = ET.fromstring(render(report, "junit"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [d["path"] for d in dev_json["documents"]]
    assert all(len(s.findall("testcase")) == len(dev_json["rules"]) == int(s.get("tests")) for s in suites)
    assert len(root.findall(".//failure")) == int(root.get("failures")) == n["not_met"]
    assert len(root.findall(".//skipped")) == int(root.get("skipped")) == n["cannot_assess"] + n["not_applicable"]
    unreadable = next(s for s in suites if s.get("name").endswith(".scan.pdf"))
    assert all("no text layer" in sk.get("message") for sk in unreadable.iter("skipped"))


def test_junit_partial_fails_when_asked_and_waived_is_skipped(report: ScanReport, dev_json: dict) -> None:
    n = outcomes(dev_json)
    doc, res = waive(report, "not_met")
    root = ET.fromstring(render(report, "junit", ReportOptions(fail_on="partial")))
    assert int(root.get("failures")) == n["not_met"] + n["partial"] - 1
    suite = next(s for s in root.findall("testsuite") if s.get("name") == doc.path)
    case = next(c for c in suite.findall("testcase") if c.get("name").startswith(res.rule + ":"))
    assert case.find("failure") is None
    assert "Revideras i samband med ny överenskommelse 2027" in case.find("skipped").get("message")
    failure = root.find(".//failure")
    assert failure.get("type") in ("partial", "not_met") and "Rekommendation" in failure.text


# --- CSV and XLSX -----------------------------------------------------------------------------------------


def test_csv_rows_bom_and_formula_guard(report: ScanReport, dev_json: dict) -> None:
    doc, res = first_cell(report, "partial")
    res.evidence = [Evidence("=HYPERLINK(\"http://evil.example\",\"klicka\")", page=2, section="Syfte")]
    text = render(report, "csv")
    assert text.startswith("\ufeff")  # Excel needs the BOM to read å ä ö as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == sum(len(d["results"]) for d in dev_json["documents"])
    assert list(rows[0])[:8] == ["path", "title", "doc_type", "lang", "status", "rule", "rule_title", "outcome"]
    assert Counter(r["outcome"] for r in rows) == outcomes(dev_json)
    assert any("Överenskommelse" in r["title"] for r in rows)
    planted = next(r for r in rows if r["path"] == doc.path and r["rule"] == res.rule)
    assert planted["evidence"].startswith("'=HYPERLINK") and planted["page"] == "2"
    many = next(r for r in rows if r["evidence"].count(" | ") >= 2)
    assert many["section"].count(" | ") == many["evidence"].count(" | ")  # quote i pairs with section i


def test_xlsx_sheets_frozen_header_filter_matrix_and_no_formulas(report: ScanReport, dev_json: dict) -> None:
    doc, res = first_cell(report, "partial")
    res.evidence[0].text = "=1+1"
    wb = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx", ReportOptions(lang="en"))))
    cells, matrix = wb.worksheets
    assert cells.title == "cells" and matrix.title == "matrix"
    assert cells.freeze_panes == "A2" and cells.auto_filter.ref
    assert [c.value for c in cells[1]][:3] == ["Path", "Document title", "Document type"]
    assert cells.max_row == 1 + sum(len(d["results"]) for d in dev_json["documents"])
    assert cells.column_dimensions["L"].width >= 60  # evidence is readable without resizing
    planted = next(row for row in cells.iter_rows(min_row=2) if row[0].value == doc.path and row[5].value == res.rule)
    assert planted[11].value.startswith("=1+1") and planted[11].data_type == "s"
    assert matrix.max_row == 1 + len(dev_json["documents"])
    assert matrix.max_column == 2 + len(dev_json["rules"])
    labels = {c.value for row in matrix.iter_rows(min_row=2, min_col=3) for c in row}
    assert labels == {"met", "partial", "not met", "cannot assess", "not applicable"}
    red = next(c for row in matrix.iter_rows(min_row=2, min_col=3) for c in row if c.value == "not met")
    assert red.fill.start_color.rgb.endswith("FFC7CE")


def test_spreadsheet_headings_in_swedish(report: ScanReport) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx", ReportOptions(lang="sv"))))
    assert wb.worksheets[0]["A1"].value == "Sökväg"
    assert "ej uppfyllt" in {c.value for row in wb["matrix"].iter_rows(min_row=2, min_col=3) for c in row}


# --- HTML -----------------------------------------------------------------------------------------------


class Collect(HTMLParser):
    """Elements with their attributes, and the text, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(text: str) -> Collect:
    parser = Collect()
    parser.feed(text)
    parser.close()
    return parser


def test_html_self_contained_matrix_and_evidence(report: ScanReport, dev_json: dict) -> None:
    page = render(report, "html")
    parsed = parse_html(page)
    tags = parsed.tags
    # nothing is fetched: no src, no stylesheet links, a CSP that forbids loading anything
    assert not [a for t, a in tags if "src" in a or (t == "link")]
    csp = next(a["content"] for t, a in tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    cells = [a for t, a in tags if t == "td" and "cell" in a.get("class", "")]
    assert len(cells) == sum(len(d["results"]) for d in dev_json["documents"])
    ids = {a["id"] for _, a in tags if "id" in a}
    assert all(c["data-target"] in ids for c in cells)  # every cell opens an evidence block
    assert {"f-outcome", "f-rule", "f-type", "panel"} <= ids
    text = "".join(parsed.text)
    _doc, res = first_cell(report, "partial")
    assert res.evidence[0].text in text
    assert "Barnkonventionen har arbetats in i" in text and "@media print" in page


def test_html_escapes_hostile_document_text(report: ScanReport) -> None:
    doc, res = first_cell(report, "partial")
    res.evidence[0].text = HOSTILE
    doc.title = '"><script>alert(2)</script>'
    page = render(report, "html")
    parsed = parse_html(page)
    scripts = [a for t, a in parsed.tags if t == "script"]
    # ours only: the report script, the review-mode script and the (never executed) verdicts data block
    assert sorted(map(str, scripts)) == sorted(map(str, [{}, {}, {"type": "application/json", "id": "gc-verdicts"}]))
    assert not [t for t, _ in parsed.tags if t == "img"]
    assert HOSTILE in "".join(parsed.text)


def test_html_english_labels(report: ScanReport) -> None:
    page = render(report, "html", ReportOptions(lang="en"))
    assert '<html lang="en">' in page and ": addressed in" in page and ">not met<" in page


# --- JSON ----------------------------------------------------------------------------------------------


def test_json_report_is_indented_sorted_utf8_as_json_dumps_writes_it(report: ScanReport) -> None:
    report.documents[0].title = 'Överenskommelse "2026" \u2028 \\ \x01'  # quotes, escapes, control chars
    text = render(report, "json")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_json_report_text_orjson_refuses_is_still_written() -> None:
    from govcheck.report.json_report import dumps

    lone = {"title": "broken \udc80 surrogate", "n": 2**70}  # orjson rejects both
    assert dumps(lone) == json.dumps(lone, ensure_ascii=False, indent=2, sort_keys=True)
