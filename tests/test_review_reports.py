"""Where to look and what was decided, in every report a person reads: review flags with their reasons,
a criterion's facets as a checklist, and cells an auditor has judged (with the tool's outcome kept).

The rules engine computes `review`, `review_reasons` and `facets`; these tests feed a JSON report
written here through report_from_json -> render, as `govcheck scan` would, and one test checks the
same on a real scan of examples/.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import AS_OF, ROOT, govcheck

from govcheck.report import ReportOptions, render
from govcheck.report.common import report_from_json

FOLLOW_UP_FACETS = {"who": {"sv": "vem följer upp", "en": "who follows up"},
                    "when": {"sv": "när", "en": "when"}}


def report_json() -> dict:
    """Two documents: one with a flagged partial cell with facets, one with a cell an auditor judged."""
    ev = {"text": "Samverkansgruppen följer upp överenskommelsen.", "page": 3, "section": "Uppföljning"}
    return {
        "tool": {"name": "govcheck", "version": "0.1.0"}, "as_of": AS_OF, "roots": ["docs"],
        "rulesets": [{"id": "demo", "version": "1"}],
        "rules": [
            {"id": "follow-up", "pack": "demo", "title": {"sv": "Uppföljning", "en": "Follow-up"},
             "description": {"en": "How the agreement is followed up."}, "recommendation": {"en": "Say who, when."},
             "facets": FOLLOW_UP_FACETS},
            {"id": "decision-body", "pack": "demo", "title": {"sv": "Beslutsinstans", "en": "Decision body"},
             "description": {"en": "Who decided."}, "recommendation": {"en": "Name the body."}},
        ],
        "documents": [
            {"path": "a.pdf", "status": "ok", "reason": None, "lang": "en", "doc_type": "agreement", "title": "A",
             "results": [
                 {"rule": "follow-up", "outcome": "partial", "evidence": [ev], "message": "",
                  "review": True, "review_reasons": ["only the who is stated", "a deferral nearby"],
                  "facets": [{"id": "who", "found": True, "evidence": [ev]},
                             {"id": "when", "found": False, "evidence": []}]},
                 {"rule": "decision-body", "outcome": "met", "evidence": [{"text": "Decided by the board."}],
                  "review": False, "review_reasons": []}]},
            {"path": "b.pdf", "status": "ok", "reason": None, "lang": "en", "doc_type": "agreement", "title": "B",
             "results": [
                 {"rule": "follow-up", "outcome": "met", "tool_outcome": "not_met",
                  "judged_by": {"by": "A. Revisor", "date": "2026-12-10", "reason": "Annual report, p. 4"},
                  "evidence": [], "message": "No follow-up found.", "review": False, "review_reasons": []},
                 {"rule": "decision-body", "outcome": "not_met", "evidence": [], "message": "",
                  "review": False, "review_reasons": []}]},
        ],
    }


@pytest.fixture
def report():
    return report_from_json(report_json())


def test_terminal_marks_flagged_and_judged_cells_and_counts_them(report) -> None:
    out = render(report, "terminal", ReportOptions(lang="en", details=True))
    rows = {line.split()[1]: line for line in out.splitlines() if line.startswith("│ ")}
    assert "◐⚑" in rows["a.pdf"] and "●✎" in rows["b.pdf"]
    assert "only the who is stated; a deferral nearby" in out
    assert "judged by A. Revisor on 2026-12-10: Annual report, p. 4 [tool: not met]" in out
    assert "✓ who follows up" in out and "✗ when" in out
    assert "2 documents, 0 unreadable, 1 ⚑ to review, 1 ✎ judged by an auditor" in out


def test_markdown_lists_flagged_cells_per_document_facets_and_verdicts(report) -> None:
    md = render(report, "markdown", ReportOptions(lang="en"))
    assert "- ⚑ Needs review: Follow-up (only the who is stated, a deferral nearby)" in md
    assert "- ✎ Follow-up — **met**, judged by A. Revisor on 2026-12-10: Annual report, p. 4 \\[tool: not met\\]" in md
    gap = md.split("**Follow-up** — partial")[1].split("**Recommendation")[0]
    assert "- [x] ✓ who follows up: “Samverkansgruppen följer upp överenskommelsen.” — p. 3" in gap
    assert "- [ ] ✗ when" in gap
    sv = render(report, "markdown", ReportOptions(lang="sv"))
    assert "✓ vem följer upp" in sv and "bedömt av A. Revisor den 2026-12-10" in sv


def test_html_review_filter_and_cell_detail(report) -> None:
    page = render(report, "html", ReportOptions(lang="en"))
    assert '<select id="f-review">' in page and '<option value="review">needs review</option>' in page
    flagged = re.findall(r'<td class="cell[^>]*data-review="1"', page)
    judged = re.findall(r'<td class="cell[^>]*data-judged="1"', page)
    assert len(flagged) == 1 and len(judged) == 1
    detail = page.split('id="d0-r0"')[1].split("</article>")[0]
    assert "<li>only the who is stated</li>" in detail
    assert '<span class="yes">✓</span> who follows up' in detail and '<span class="no">✗</span> when' in detail
    judged_detail = page.split('id="d1-r0"')[1].split("</article>")[0]
    assert "judged by A. Revisor on 2026-12-10: Annual report, p. 4 [tool: not met]" in judged_detail
    assert "No follow-up found." in judged_detail  # the tool's own finding stays visible


def test_csv_and_xlsx_have_review_and_verdict_columns(report) -> None:
    rows = list(csv.DictReader(io.StringIO(render(report, "csv", ReportOptions(lang="en")).lstrip("\ufeff"))))
    flagged = [r for r in rows if r["review"]]
    assert [(r["path"], r["rule"], r["review_reasons"]) for r in flagged] == [
        ("a.pdf", "follow-up", "only the who is stated | a deferral nearby")]
    judged = [r for r in rows if r["judged_by"]]
    assert [(r["path"], r["outcome"], r["tool_outcome"]) for r in judged] == [("b.pdf", "met", "not_met")]
    wb = openpyxl.load_workbook(io.BytesIO(render(report, "xlsx", ReportOptions(lang="en"))))
    head = [c.value for c in wb.worksheets[0][1]]
    assert {"Needs review", "Why review", "Tool's outcome", "Judged by auditor"} <= set(head)


def test_sarif_result_properties(report) -> None:
    sarif = json.loads(render(report, "sarif", ReportOptions(lang="en")))
    results = {(r["properties"]["document"], r["ruleId"]): r["properties"] for r in sarif["runs"][0]["results"]}
    assert results["a.pdf", "follow-up"]["review"] is True
    assert results["a.pdf", "follow-up"]["review_reasons"] == ["only the who is stated", "a deferral nearby"]
    assert results["b.pdf", "decision-body"]["review"] is False
    assert ("b.pdf", "follow-up") not in results  # the auditor's met is no gap


def test_review_shown_on_a_real_scan_of_the_examples(tmp_path: Path) -> None:
    """End to end: the review column, filter and summary follow whatever the engine flags."""
    out = tmp_path / "r"
    proc = govcheck("scan", "examples", "--exclude", "README.md", "--exclude", "policy-repo/*", "--no-config",
                    "--as-of", AS_OF, "--fail-on", "never", "-f", "json", "-o", str(out / "r.json"),
                    "-f", "csv", "-o", str(out / "r.csv"), "-f", "html", "-o", str(out / "r.html"), cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    flagged = sum(1 for d in data["documents"] for r in d["results"] if r["review"])
    rows = list(csv.DictReader(io.StringIO((out / "r.csv").read_text(encoding="utf-8-sig"))))
    assert "review" in rows[0] and sum(1 for r in rows if r["review"]) == flagged
    page = (out / "r.html").read_text(encoding="utf-8")
    assert 'id="f-review"' in page
    assert len(re.findall(r'<td class="cell[^>]*data-review="1"', page)) == flagged
    assert flagged, "the engine flags some cell of the examples (their partials rest on one part of several)"
    assert f"{flagged} to review" in proc.stderr
    assert all(r["review_reasons"] for d in data["documents"] for r in d["results"] if r["review"])


def test_html_embeds_recorded_verdicts_for_export_without_letting_text_out(report) -> None:
    """The review mode re-exports the verdicts in force; their text is data, never markup or script."""
    from govcheck.judgements import JudgementRun, Verdict

    hostile = '</script><script>window.pwned=1</script><!--'
    run = JudgementRun(file="j.yaml", digests={"a.pdf": "a" * 64, "b.pdf": "b" * 64},
                       verdicts=[Verdict(path="b.pdf", sha256="b" * 64, rule="follow-up", outcome="met",
                                         reason=hostile, by="A. Revisor", date="2026-12-10")])
    page = render(report, "html", ReportOptions(lang="en", judgements=run))
    block = page.split('<script type="application/json" id="gc-verdicts">')[1].split("</script>")[0]
    assert json.loads(block)[0]["reason"] == hostile
    assert 'data-path="a.pdf" data-sha="' + "a" * 64 + '"' in page
    assert page.count("<script") == 3  # the data block and the two hashed scripts: nothing injected
