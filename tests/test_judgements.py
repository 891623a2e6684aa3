"""Auditors' recorded verdicts through the real CLI: applied while the document is unchanged, stale after
an edit, reported when the document is gone, and a broken judgements file stops the run (exit 2) with
file:line before any document is read."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import AS_OF, ROOT, govcheck

TINY_PACK = """\
id: tiny
version: "1"
title: {en: Tiny pack for verdict tests}
languages: [en]
signals:
  owner: [owner]
  author: [author]
rules:
  - id: has-owner
    title: {en: Owner}
    description: {en: An owner is named.}
    recommendation: {en: Name the policy's owner.}
    met: {find: owner}
    partial: {find: author}
  - id: has-author
    title: {en: Author}
    description: {en: An author is named.}
    met: {find: author}
"""
PARTIAL_TEXT = "The author of this policy is Sam. The author writes well.\n"
VERDICT = """\
  - path: {path}
    sha256: {sha}
    rule: has-owner
    outcome: met
    reason: Sam signs as owner in the approval block.
    by: A. Revisor
    date: 2026-12-10
"""


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A policy repository whose one document the tool finds only partial on has-owner (exit 1 with
    fail_on partial), and an auditor's verdict that it is met."""
    (tmp_path / "tiny.yaml").write_text(TINY_PACK, encoding="utf-8")
    (tmp_path / "govcheck.yaml").write_text("packs: [tiny.yaml]\nfail_on: partial\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "policy.txt").write_text(PARTIAL_TEXT, encoding="utf-8")
    return tmp_path


def judge(repo: Path, *entries: str) -> Path:
    path = repo / "govcheck-judgements.yaml"
    path.write_text("version: 1\njudgements:\n" + "".join(entries), encoding="utf-8")
    return path


def scan(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return govcheck("scan", "docs", "--as-of", AS_OF, *args, cwd=repo, timeout=120)


def cell(report: dict, path: str, rule: str) -> dict:
    doc = next(d for d in report["documents"] if d["path"] == path)
    return next(r for r in doc["results"] if r["rule"] == rule)


def test_verdict_replaces_the_outcome_keeps_the_tools_and_changes_the_exit_code(repo: Path) -> None:
    assert scan(repo, "-q").returncode == 1  # the tool: partial, and fail_on partial
    judge(repo, VERDICT.format(path="policy.txt", sha=sha(repo / "docs" / "policy.txt")))
    proc = scan(repo, "-f", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    jsonschema.validate(report, json.loads((ROOT / "schemas" / "report.schema.json").read_text()))
    got = cell(report, "policy.txt", "has-owner")
    assert got["outcome"] == "met" and got["tool_outcome"] == "partial"
    assert got["judged_by"] == {"by": "A. Revisor", "date": "2026-12-10",
                                "reason": "Sam signs as owner in the approval block."}
    assert got["evidence"][0]["text"] == "The author of this policy is Sam."  # the tool's evidence stays
    assert "tool_outcome" not in cell(report, "policy.txt", "has-author")  # other cells untouched
    assert [e["rule"] for e in report["judgements"]["applied"]] == ["has-owner"]
    assert report["judgements"]["stale"] == report["judgements"]["missing"] == []
    assert "1 judged by an auditor" in proc.stderr
    # and without the verdicts, the tool's outcome again
    assert scan(repo, "-q", "--no-judgements").returncode == 1


def test_a_verdict_after_the_document_changed_is_stale_and_not_applied(repo: Path) -> None:
    doc = repo / "docs" / "policy.txt"
    judge(repo, VERDICT.format(path="policy.txt", sha=sha(doc)))
    doc.write_text(PARTIAL_TEXT + "A new paragraph about scope.\n", encoding="utf-8")
    proc = scan(repo, "-f", "json", "-q")
    assert proc.returncode == 1  # the tool's partial stands and fails again
    report = json.loads(proc.stdout)
    got = cell(report, "policy.txt", "has-owner")
    assert got["outcome"] == "partial" and "judged_by" not in got
    stale = report["judgements"]["stale"]
    assert [(s["path"], s["rule"], s["outcome"]) for s in stale] == [("policy.txt", "has-owner", "met")]
    assert stale[0]["current_sha256"] == sha(doc) != stale[0]["sha256"]
    assert stale[0]["where"].endswith("govcheck-judgements.yaml:3")
    # even with -q: the auditor must learn why the outcome went back
    assert "govcheck-judgements.yaml:3: verdict met for has-owner on 'policy.txt'" in proc.stderr
    assert "is stale" in proc.stderr
    md = scan(repo, "-f", "markdown", "-q").stdout
    assert "stale" in md and "A. Revisor" in md


def test_a_verdict_for_a_document_that_is_gone_is_reported(repo: Path) -> None:
    judge(repo, VERDICT.format(path="policy.txt", sha=sha(repo / "docs" / "policy.txt")),
          VERDICT.format(path="retired-policy.txt", sha="f" * 64))
    proc = scan(repo, "-f", "json")
    assert proc.returncode == 0
    report = json.loads(proc.stdout)
    assert [m["path"] for m in report["judgements"]["missing"]] == ["retired-policy.txt"]
    assert "govcheck-judgements.yaml:10: verdict for has-owner on 'retired-policy.txt': no such document" \
        in proc.stderr
    terminal = scan(repo).stdout
    assert "retired-policy.txt" in terminal


def test_a_renamed_or_moved_document_keeps_its_verdict(repo: Path) -> None:
    """The verdict is bound to content and rule; the path only finds the document. Renamed into another
    folder, the same bytes keep the auditor's outcome, and every report says it moved."""
    doc = repo / "docs" / "policy.txt"
    judge(repo, VERDICT.format(path="policy.txt", sha=sha(doc)))
    moved = repo / "docs" / "archive" / "policy-2026.txt"
    moved.parent.mkdir()
    doc.rename(moved)
    proc = scan(repo, "-f", "json")
    assert proc.returncode == 0, proc.stderr  # the auditor's met, not the tool's partial (fail_on partial)
    report = json.loads(proc.stdout)
    jsonschema.validate(report, json.loads((ROOT / "schemas" / "report.schema.json").read_text()))
    got = cell(report, "archive/policy-2026.txt", "has-owner")
    assert got["outcome"] == "met" and got["tool_outcome"] == "partial"
    assert got["judged_by"]["by"] == "A. Revisor" and got["judged_by"]["moved_from"] == "policy.txt"
    j = report["judgements"]
    assert j["missing"] == j["applied"] == j["stale"] == []
    assert [(m["path"], m["moved_to"], m["rule"], m["outcome"]) for m in j["moved"]] == [
        ("policy.txt", "archive/policy-2026.txt", "has-owner", "met")]
    assert "superseded_by" not in j["moved"][0]
    assert ("govcheck-judgements.yaml:3: verdict for has-owner on 'policy.txt' follows its content to "
            "'archive/policy-2026.txt'") in proc.stderr
    assert "1 judged by an auditor" in proc.stderr and "1 verdict for moved documents" in proc.stderr
    terminal = scan(repo, "--details").stdout
    assert "moved: policy.txt → archive/policy-2026.txt · has-owner → met (A. Revisor, 2026-12-10)" in terminal
    assert "judged as policy.txt" in terminal
    assert "verdicts not applied" not in terminal
    md = scan(repo, "-f", "markdown", "--lang", "en").stdout
    assert "## Auditors' verdicts that followed their document" in md
    assert "| archive/policy-2026.txt | policy.txt | `has-owner` | met | A. Revisor, 2026-12-10 |" in md
    assert "## Auditors' verdicts not applied" not in md
    # the HTML review mode re-exports it under the path the document has now
    page = repo / "r.html"
    assert scan(repo, "-f", "html", "-o", str(page), "-q").returncode == 0
    html = page.read_text(encoding="utf-8")
    assert '<section id="followed">' in html and "<td>archive/policy-2026.txt</td><td>policy.txt</td>" in html
    block = html.split('id="gc-verdicts">')[1].split("</script>")[0]
    assert [(v["path"], v["rule"], v["sha256"]) for v in json.loads(block)] == [
        ("archive/policy-2026.txt", "has-owner", sha(moved))]
    # once the moved document is edited, nothing scanned has the content the auditor read: missing
    moved.write_text(PARTIAL_TEXT + "Edited after the move.\n", encoding="utf-8")
    proc = scan(repo, "-f", "json", "-q")
    assert proc.returncode == 1
    j = json.loads(proc.stdout)["judgements"]
    assert [m["path"] for m in j["missing"]] == ["policy.txt"] and j["moved"] == []
    assert "no such document any more, and no scanned document has its content" in proc.stderr


def test_a_moved_verdict_gives_way_to_the_documents_own(repo: Path) -> None:
    """After a rename the auditor judged the cell again under the new path: that verdict applies, and the
    old one is reported so it can be removed - never two verdicts fighting over one cell."""
    doc = repo / "docs" / "policy.txt"
    digest = sha(doc)
    doc.rename(repo / "docs" / "renamed.txt")
    again = VERDICT.format(path="renamed.txt", sha=digest).replace("outcome: met", "outcome: not_met").replace(
        "Sam signs as owner in the approval block.", "Sam is the author, not the owner.")
    judge(repo, VERDICT.format(path="policy.txt", sha=digest), again)
    proc = scan(repo, "-f", "json")
    assert proc.returncode == 1, proc.stderr  # the document's own verdict: not met
    report = json.loads(proc.stdout)
    got = cell(report, "renamed.txt", "has-owner")
    assert got["outcome"] == "not_met" and "moved_from" not in got["judged_by"]
    j = report["judgements"]
    assert [a["path"] for a in j["applied"]] == ["renamed.txt"]
    assert [(m["path"], m["moved_to"], m["superseded_by"]) for m in j["moved"]] == [
        ("policy.txt", "renamed.txt", f"{repo / 'govcheck-judgements.yaml'}:10")]
    assert ("govcheck-judgements.yaml:3: verdict for has-owner on 'policy.txt': the document is now 'renamed.txt', "
            "which has its own verdict") in proc.stderr
    md = scan(repo, "-f", "markdown", "--lang", "en", "-q").stdout
    assert "## Auditors' verdicts not applied" in md and "which has its own verdict" in md


def junit_cases(xml: str) -> tuple[ET.Element, dict[tuple[str, str], ET.Element]]:
    root = ET.fromstring(xml)
    cases = {(case.get("classname"), case.get("name").split(":")[0]): case for case in root.iter("testcase")}
    return root, cases


def properties(element: ET.Element) -> list[tuple[str, str]]:
    return [(p.get("name"), p.get("value")) for p in element.findall("properties/property")]


def test_junit_shows_verdicts_and_review_flags_and_the_verdict_decides_pass_or_fail(repo: Path) -> None:
    """CI pages show JUnit: a judged cell says who decided and what the tool said, a flagged cell why to
    look, the auditor's outcome passes or fails the case exactly as it sets the exit code, and verdicts
    that did not apply or followed a moved document are listed in a suite of their own."""
    doc = repo / "docs" / "policy.txt"
    digest = sha(doc)
    (repo / "docs" / "second.txt").write_text("The owner of this policy is Kim.\n", encoding="utf-8")
    overrule = VERDICT.format(path="policy.txt", sha=digest).replace("rule: has-owner", "rule: has-author").replace(
        "outcome: met", "outcome: not_met").replace("Sam signs as owner in the approval block.",
                                                    "Sam is named, but not as the author.")
    stale = VERDICT.format(path="second.txt", sha="e" * 64)
    judge(repo, VERDICT.format(path="policy.txt", sha=digest), overrule, stale,
          VERDICT.format(path="retired.txt", sha="f" * 64))
    out = repo / "r.xml"
    proc = scan(repo, "-f", "junit", "-o", str(out), "-f", "json", "-q")
    assert proc.returncode == 1, proc.stderr  # the auditor's not_met on has-author
    report = json.loads(proc.stdout)
    root, cases = junit_cases(out.read_text(encoding="utf-8"))
    # the tool said partial (a failure at fail_on partial); the auditor's met passes
    passed = cases["policy.txt", "has-owner"]
    assert passed.find("failure") is None
    assert ("judged_by", "A. Revisor") in properties(passed) and ("tool_outcome", "partial") in properties(passed)
    assert ("judged_on", "2026-12-10") in properties(passed)
    assert "✎ judged by A. Revisor on 2026-12-10: Sam signs as owner" in passed.find("system-out").text
    # the tool said met; the auditor's not_met fails, and the message says whose outcome it is
    failed = cases["policy.txt", "has-author"]
    failure = failed.find("failure")
    assert failure is not None and failure.get("type") == "not_met"
    assert "✎ judged by A. Revisor" in failure.get("message") and "[tool: met]" in failure.get("message")
    assert ("tool_outcome", "met") in properties(failed)
    # as many failures as the exit code counts
    findings = sum(1 for d in report["documents"] for r in d["results"] if r["outcome"] in ("partial", "not_met"))
    assert int(root.get("failures")) == findings == len(root.findall(".//failure"))
    # a stale verdict: a property of the cell it was meant for; the tool's outcome stands
    meant = cases["second.txt", "has-owner"]
    assert meant.find("failure") is None  # the tool's met
    assert any(name == "stale_verdict" and "the document changed since" in value and value.endswith(":17)")
               for name, value in properties(meant))
    # the suite of verdicts: counts, and what did not apply
    suite = next(s for s in root.findall("testsuite") if s.get("name") == "govcheck judgements")
    assert suite.get("tests") == "0" and suite.findall("testcase") == []
    counts = dict(properties(suite))
    assert (counts["applied"], counts["stale"], counts["missing"], counts["moved"]) == ("2", "1", "1", "0")
    err = suite.find("system-err").text
    assert "govcheck-judgements.yaml:17: stale: second.txt · has-owner → met" in err
    assert "govcheck-judgements.yaml:24: missing: retired.txt · has-owner → met" in err
    # a review flag: properties and the reason in the case's output (a flagged cell of the examples)
    flagged_report = repo / "flags.xml"
    proc = govcheck("scan", "examples", "--exclude", "README.md", "--exclude", "policy-repo/*", "--no-config",
                    "--as-of", AS_OF, "--fail-on", "partial", "--lang", "en", "-f", "junit", "-o", str(flagged_report),
                    "-f", "json", cwd=ROOT)
    data = json.loads(proc.stdout)
    _, cases = junit_cases(flagged_report.read_text(encoding="utf-8"))
    flagged = [(d["path"], r) for d in data["documents"] for r in d["results"] if r["review"]]
    assert flagged
    for path, r in flagged:
        case = cases[path, r["rule"]]
        assert ("review", "true") in properties(case)
        assert [v for n, v in properties(case) if n == "review_reason"] == r["review_reasons"]
        said = " ".join([*(x.get("message", "") for x in case if x.tag in ("failure", "skipped")),
                         *(x.text or "" for x in case if x.tag == "system-out")])
        assert "⚑ needs review" in said and r["review_reasons"][0] in said
    assert not any(("review", "true") in properties(case) for key, case in cases.items()
                   if key not in {(p, r["rule"]) for p, r in flagged})


def test_junit_lists_a_verdict_that_followed_a_moved_document(repo: Path) -> None:
    doc = repo / "docs" / "policy.txt"
    judge(repo, VERDICT.format(path="policy.txt", sha=sha(doc)))
    doc.rename(repo / "docs" / "renamed.txt")
    out = repo / "r.xml"
    assert scan(repo, "-f", "junit", "-o", str(out), "-q").returncode == 0
    root, cases = junit_cases(out.read_text(encoding="utf-8"))
    assert ("judged_as", "policy.txt") in properties(cases["renamed.txt", "has-owner"])
    suite = next(s for s in root.findall("testsuite") if s.get("name") == "govcheck judgements")
    assert dict(properties(suite))["moved"] == "1" and suite.find("system-err") is None
    assert "govcheck-judgements.yaml:3: moved: policy.txt → renamed.txt · has-owner → met" in \
        suite.find("system-out").text


def test_judgements_file_given_on_the_command_line(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("judgements:\n" + VERDICT.format(path="policy.txt", sha=sha(repo / "docs" / "policy.txt")),
                         encoding="utf-8")
    assert scan(repo, "-q", "--judgements", str(elsewhere)).returncode == 0
    assert scan(repo, "-q", "--judgements", str(tmp_path / "nope.yaml")).returncode == 2


def fifo_docs(repo: Path) -> Path:
    folder = repo / "blocking"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    return folder


GOOD_SHA = "a" * 64


@pytest.mark.parametrize(("entry", "message"), [
    (VERDICT.format(path="p.txt", sha=GOOD_SHA).replace("outcome: met", "outcome: fine"),
     "govcheck-judgements.yaml:6: judgements[0].outcome: 'fine' is not an outcome"),
    (VERDICT.format(path="p.txt", sha="abc123"),
     "govcheck-judgements.yaml:4: judgements[0].sha256: 'abc123' is not a sha256"),
    (VERDICT.format(path="p.txt", sha=GOOD_SHA).replace("date: 2026-12-10", "date: 2026-02-30"),
     "govcheck-judgements.yaml:9: judgements[0].date: '2026-02-30' is not a valid date"),
    (VERDICT.format(path="p.txt", sha=GOOD_SHA).replace("    by: A. Revisor\n", ""),
     "govcheck-judgements.yaml:3: judgements[0]: 'by' is a required property"),
    (VERDICT.format(path="p.txt", sha=GOOD_SHA).replace("rule: has-owner", "rule: has-ownr"),
     "govcheck-judgements.yaml:3: unknown rule 'has-ownr'"),
    (VERDICT.format(path="p.txt", sha=GOOD_SHA) + "    approved: yes\n",
     "govcheck-judgements.yaml:10: judgements[0].approved: unknown key 'approved'"),
    (VERDICT.format(path="p.txt", sha=GOOD_SHA) * 2,
     "govcheck-judgements.yaml:10: judgements[1]: a second verdict for rule 'has-owner' on 'p.txt' "
     "(the first is at line 3)"),
    ("  - path: [unclosed\n", "govcheck-judgements.yaml:4: invalid YAML"),
])
def test_invalid_judgements_file_exits_2_with_file_and_line_before_reading(repo: Path, entry: str,
                                                                           message: str) -> None:
    judge(repo, entry)
    blocking = fifo_docs(repo)  # reading this would block: exit 2 in time proves no document was read
    proc = govcheck("scan", str(blocking), cwd=repo, timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert proc.stdout == ""


def test_written_judgements_file_is_valid_yaml_for_people(repo: Path) -> None:
    """The file govcheck writes (import/export) reads back, with a header that explains it."""
    from govcheck.judgements import Verdict, dump, load_judgements

    v = Verdict(path="a b/å.pdf", sha256=GOOD_SHA, rule="has-owner", outcome="met", reason="Owner: “Åsa”: p. 4",
                by="A. Revisor", date="2026-12-10", page=4, quote="Ägare: Åsa # not a comment")
    path = repo / "out.yaml"
    path.write_text(dump([v]), encoding="utf-8")
    assert path.read_text(encoding="utf-8").startswith("# govcheck judgements")
    back = load_judgements(path).verdicts[0]
    assert (back.path, back.reason, back.page, back.quote, back.date) == (v.path, v.reason, 4, v.quote, v.date)
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["version"] == 1


def test_diff_shows_verdict_changes_beside_outcome_changes(repo: Path) -> None:
    doc = repo / "docs" / "policy.txt"

    def scan_to(name: str) -> str:
        out = repo / name
        assert scan(repo, "-f", "json", "-o", str(out), "-q", "--fail-on", "never").returncode == 0
        return str(out)

    before = scan_to("before.json")
    judge(repo, VERDICT.format(path="policy.txt", sha=sha(doc)))
    judged = scan_to("judged.json")
    proc = govcheck("diff", before, judged, "--format", "json", cwd=repo)
    result = json.loads(proc.stdout)
    assert [(c["rule"], c["old"], c["new"], c["new_judged"]) for c in result["improved"]] == [
        ("has-owner", "partial", "met", True)]
    assert [(v["rule"], v["kind"], v["new"]["by"], v["new"]["tool_outcome"]) for v in result["verdicts"]] == [
        ("has-owner", "recorded", "A. Revisor", "partial")]
    md = govcheck("diff", before, judged, "--format", "markdown", cwd=repo).stdout
    assert "| policy.txt | has-owner (Owner) | partial | met ✎ | improved |" in md
    assert ("| policy.txt | has-owner (Owner) | – | met ✎ A. Revisor 2026-12-10 (tool: partial) "
            "| verdict recorded |") in md
    # the document is edited: the verdict goes stale, the tool's partial is back
    doc.write_text(PARTIAL_TEXT + "Reviewed yearly.\n", encoding="utf-8")
    edited = scan_to("edited.json")
    terminal = govcheck("diff", judged, edited, cwd=repo).stdout
    assert "verdict withdrawn or stale" in terminal and "1 changes of auditors' verdicts" in terminal


# --- XLSX round trip ------------------------------------------------------------------------------


def fill(workbook: Path, rows: dict[tuple[str, str], dict[str, object]]) -> None:
    """What an auditor does in Excel: type into the auditor's columns of the rows they judged."""
    import openpyxl

    wb = openpyxl.load_workbook(workbook)
    ws = wb.worksheets[0]
    head = {cell.value: cell.column for cell in ws[1]}
    for row in ws.iter_rows(min_row=2):
        key = (row[0].value, row[5].value)  # path and rule (the first columns, whatever the language)
        for heading, value in rows.get(key, {}).items():
            ws.cell(row=row[0].row, column=head[heading], value=value)
    wb.save(workbook)


def test_xlsx_round_trip_verdict_changes_the_next_scan(repo: Path) -> None:
    import datetime as dt

    import openpyxl

    book = repo / "matrix.xlsx"
    assert scan(repo, "-f", "xlsx", "-o", str(book), "-q").returncode == 1
    ws = openpyxl.load_workbook(book).worksheets[0]
    head = [c.value for c in ws[1]]
    assert head[-5:] == ["Auditor outcome", "Auditor reason", "Auditor", "Date judged", "Document sha256"]
    assert ws.column_dimensions["X"].hidden  # the digest column
    assert ws.data_validations.dataValidation[0].formula1 == '"met,partial,not met,cannot assess,not applicable"'
    fill(book, {("policy.txt", "has-owner"): {"Auditor outcome": "met", "Auditor reason": "Sam signs as owner.",
                                              "Auditor": "A. Revisor", "Date judged": dt.datetime(2026, 12, 10)}})
    out = repo / "govcheck-judgements.yaml"
    proc = govcheck("judgements", "import", str(book), "-o", str(out), cwd=repo)
    assert proc.returncode == 0, proc.stderr
    saved = yaml.safe_load(out.read_text(encoding="utf-8"))["judgements"]
    assert saved == [{"path": "policy.txt", "rule": "has-owner", "outcome": "met", "reason": "Sam signs as owner.",
                      "by": "A. Revisor", "date": "2026-12-10", "tool_outcome": "partial",
                      "sha256": sha(repo / "docs" / "policy.txt")}]
    proc = scan(repo, "-f", "json", "-q")
    assert proc.returncode == 0
    assert cell(json.loads(proc.stdout), "policy.txt", "has-owner")["judged_by"]["by"] == "A. Revisor"
    # the next workbook shows the verdict in force, and importing it again changes nothing
    assert scan(repo, "-f", "xlsx", "-o", str(book), "-q").returncode == 0
    before = out.read_text(encoding="utf-8")
    assert govcheck("judgements", "import", str(book), "-o", str(out), cwd=repo).returncode == 0
    assert out.read_text(encoding="utf-8") == before


def test_xlsx_round_trip_after_a_move_writes_the_new_path_in_place_of_the_old(repo: Path) -> None:
    """The workbook of a scan after a rename shows the moved verdict under the new path; importing it
    puts that path in the file instead of keeping both (which the scan would report on every run)."""
    doc = repo / "docs" / "policy.txt"
    digest = sha(doc)
    out = judge(repo, VERDICT.format(path="policy.txt", sha=digest))
    doc.rename(repo / "docs" / "renamed.txt")
    book = repo / "matrix.xlsx"
    assert scan(repo, "-f", "xlsx", "-o", str(book), "-q").returncode == 0
    proc = govcheck("judgements", "import", str(book), "-o", str(out), cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "1 moved to their document’s new path" in proc.stderr
    saved = yaml.safe_load(out.read_text(encoding="utf-8"))["judgements"]
    assert [(v["path"], v["rule"], v["outcome"], v["sha256"]) for v in saved] == [
        ("renamed.txt", "has-owner", "met", digest)]
    proc = scan(repo, "-f", "json")
    assert proc.returncode == 0
    j = json.loads(proc.stdout)["judgements"]
    assert [a["path"] for a in j["applied"]] == ["renamed.txt"] and j["moved"] == []
    assert "verdict" not in proc.stderr.replace("judged by an auditor", "")  # no note, no warning


def test_xlsx_import_errors_name_sheet_row_and_column(repo: Path) -> None:
    book = repo / "matrix.xlsx"
    assert scan(repo, "-f", "xlsx", "-o", str(book), "-q", "--lang", "sv").returncode == 1
    fill(book, {("policy.txt", "has-owner"): {"Revisorns bedömning": "godkänt", "Revisor": "A. Revisor"},
                ("policy.txt", "has-author"): {"Revisorns bedömning": "delvis uppfyllt", "Revisor": "A. Revisor",
                                               "Revisorns motivering": "ok", "Bedömningsdatum": "10/12/2026"}})
    proc = govcheck("judgements", "import", str(book), "-o", str(repo / "j.yaml"), cwd=repo)
    assert proc.returncode == 2
    assert f"{book}: sheet 'bedömningar', row 2, column T (Auditor outcome): 'godkänt' is not an outcome" in proc.stderr
    assert "row 2, column U (Auditor reason): empty; write why you decided so" in proc.stderr
    assert "row 3, column W (Date judged): '10/12/2026' is not a date (YYYY-MM-DD)" in proc.stderr
    assert not (repo / "j.yaml").exists()


def test_examples_command_writes_disagreements_as_candidate_rule_examples(repo: Path) -> None:
    digest = sha(repo / "docs" / "policy.txt")
    agree = VERDICT.format(path="policy.txt", sha=digest).replace("has-owner", "has-author").replace(
        "Sam signs as owner in the approval block.", "Confirmed.")
    judge(repo, VERDICT.format(path="policy.txt", sha=digest), agree)
    out = repo / "candidates.yaml"
    proc = govcheck("judgements", "examples", "docs", "--as-of", AS_OF, "-o", str(out), cwd=repo, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "policy.txt: A. Revisor 2026-12-10, tool partial -> auditor met; the rule gives partial" in text
    data = yaml.safe_load(text)
    assert [r["id"] for r in data["rules"]] == ["has-owner"]  # the confirmed cell teaches nothing new
    example = data["rules"][0]["examples"][0]
    assert example == {"lang": "en", "outcome": "met", "name": "auditor: Sam signs as owner in the approval block.",
                       "text": "The author of this policy is Sam.", "evidence": "The author of this policy is Sam."}
    rulepack = json.loads((ROOT / "schemas" / "rulepack.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(example, {"$defs": rulepack["$defs"], "$ref": "#/$defs/example"})
    assert "examples:" not in (repo / "tiny.yaml").read_text(encoding="utf-8")  # nothing applied to the pack
