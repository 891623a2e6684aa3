"""JUnit XML, for CI systems that show test results (Jenkins, GitLab, Azure DevOps, GitHub test reporters).

A test suite per document and a test case per rule, so a CI page reads "dev-sv-007.docx: 9 failures".
What fails follows --fail-on (ReportOptions.failure_level): not met by default, partial too when asked.
Cells that were not judged are <skipped> with the reason, so nobody mistakes "could not read the PDF"
or "does not apply to a routine" for a pass: not applicable, cannot assess, and waived gaps (with the
waiver's justification). Built with xml.etree, which escapes document text and drops nothing.

The auditor's review shows here too, because a CI page is where many people first see a cell: a cell an
auditor judged carries `judged_by`, `judged_on`, `judged_reason` and `tool_outcome` properties and says
"✎ judged by ..." in its message and output; a cell the tool flags carries `review` and a
`review_reason` per reason and says "⚑ needs review". Pass or fail follows the cell's outcome, which is
the auditor's when a verdict applies - exactly as the exit code does. Verdicts that did not apply (stale,
for a document that is gone, superseded) and those that followed a moved document are listed in one
more suite, "govcheck judgements" (no test cases: counts as properties, one line each in system-err and
system-out), and a stale verdict is also a `stale_verdict` property of the cell it was meant for.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from govcheck.model import DocumentResult, RuleInfo, RuleResult, ScanReport
from govcheck.report import ReportOptions
from govcheck.report import common as c

if TYPE_CHECKING:
    from govcheck.judgements import JudgementRun, VerdictStatus

# The suite that lists what became of the auditors' verdicts (not a document: it has no test cases).
JUDGEMENTS_SUITE = "govcheck judgements"

# Characters XML 1.0 cannot carry at all (not even escaped); a hostile document may contain them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def write(report: ScanReport, options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    lang = c.report_lang(report, options)
    rules = c.rule_map(report)
    root = ET.Element("testsuites", name=report.tool.get("name", "govcheck"))
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    run: JudgementRun | None = options.judgements
    stale: dict[tuple[str, str], list[VerdictStatus]] = {}
    for e in run.by_status("stale") if run is not None else []:
        stale.setdefault((e.document or e.verdict.path, e.verdict.rule), []).append(e)
    for doc in report.documents:
        suite = _suite(doc, rules, options.failure_level, lang, stale)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    if run is not None and run.file:
        root.append(_judgements_suite(run, lang))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(doc: DocumentResult, rules: dict[str, RuleInfo], fail_on: str, lang: str,
           stale: dict[tuple[str, str], list[VerdictStatus]]) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(doc.path))
    props = ET.SubElement(suite, "properties")
    for name, value in (("status", doc.status), ("format", doc.format), ("lang", doc.lang),
                        ("doc_type", doc.doc_type), ("title", doc.title), ("reason", doc.reason)):
        if value:
            ET.SubElement(props, "property", name=name, value=_clean(str(value)))
    failures = skipped = 0
    for res in doc.results:
        case = _case(doc, res, rules.get(res.rule), fail_on, lang, stale.get((doc.path, res.rule), []))
        failures += case.find("failure") is not None
        skipped += case.find("skipped") is not None
        suite.append(case)
    suite.set("tests", str(len(doc.results)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return suite


def _case(doc: DocumentResult, res: RuleResult, rule: RuleInfo | None, fail_on: str, lang: str,
          stale: list[VerdictStatus]) -> ET.Element:
    title = c.pick(rule.title, lang) if rule else res.rule
    case = ET.Element("testcase", name=f"{res.rule}: {_clean(title)}", classname=_clean(doc.path), time="0")
    _case_properties(case, res, stale)
    outcome = c.label(res.outcome, lang) + _marks(res, lang)
    if res.waived is not None and c.is_gap(res):
        ET.SubElement(case, "skipped", message=_clean(f"{outcome}, {c.waiver_text(res.waived, lang)}"))
    elif res.outcome in ("not_applicable", "cannot_assess"):
        reason = c.cell_note(res, rule, doc, lang) or c.label(res.outcome, lang)
        ET.SubElement(case, "skipped", message=_clean(f"{outcome}: {reason}"))
    elif c.at_or_above(res.outcome, fail_on):  # the auditor's outcome where a verdict applies
        failure = ET.SubElement(case, "failure", message=_clean(f"{title}: {outcome}"), type=res.outcome)
        failure.text = _clean(_details(res, rule, doc, lang))
    elif res.evidence or res.judged_by is not None or res.review:
        # Passing cells keep their evidence where CI shows test output, for whoever wonders why.
        ET.SubElement(case, "system-out").text = _clean(_details(res, rule, doc, lang))
    return case


def _marks(res: RuleResult, lang: str) -> str:
    """' ✎ judged by A. Revisor on 2026-12-10: why [tool: partial]' or ' ⚑ needs review: reasons': what the
    one-line message of a cell says about the auditor's review (a judged cell has been checked)."""
    if res.judged_by is not None:
        return f" {c.JUDGED_MARK} {c.judged_text(res, lang)}"
    if res.review:
        reasons = "; ".join(res.review_reasons)
        return f" {c.REVIEW_MARK} {c.TEXT[lang]['needs_review']}" + (f": {reasons}" if reasons else "")
    return ""


def _case_properties(case: ET.Element, res: RuleResult, stale: list[VerdictStatus]) -> None:
    """Machine-readable review facts on the test case (pytest's record_property puts them in the same place;
    Jenkins, GitLab and Azure keep them): who judged, the tool's own outcome, why to review."""
    props: list[tuple[str, str]] = []
    if res.judged_by is not None:
        j = res.judged_by
        props += [("judged_by", str(j.get("by", ""))), ("judged_on", str(j.get("date", ""))),
                  ("judged_reason", str(j.get("reason", ""))), ("tool_outcome", res.tool_outcome or "")]
        if j.get("moved_from"):
            props.append(("judged_as", str(j["moved_from"])))
    if res.review:
        props.append(("review", "true"))
        props += [("review_reason", reason) for reason in res.review_reasons]
    for e in stale:
        v = e.verdict
        props.append(("stale_verdict", f"{v.outcome} by {v.by} on {v.date}: the document changed since ({e.where})"))
    if props:
        element = ET.SubElement(case, "properties")
        for name, value in props:
            ET.SubElement(element, "property", name=name, value=_clean(value))


def _judgements_suite(run: JudgementRun, lang: str) -> ET.Element:
    """What became of each recorded verdict: counts as properties, the ones a person must act on in
    system-err (stale, missing, superseded), those that followed a moved document in system-out."""
    suite = ET.Element("testsuite", name=JUDGEMENTS_SUITE, tests="0", failures="0", errors="0", skipped="0")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="file", value=_clean(run.file or ""))
    for status in ("applied", "moved", "stale", "missing", "not_scanned"):
        ET.SubElement(props, "property", name=status, value=str(len(run.by_status(status))))
    # system-out before system-err: the order the JUnit schema (Ant, Jenkins) gives a suite's elements
    followed = run.followed()
    if followed:
        ET.SubElement(suite, "system-out").text = _clean("\n".join(
            f"{e.where}: moved: {e.verdict.path} → {e.moved_to} · {e.verdict.rule} → {e.verdict.outcome} "
            f"({e.verdict.by}, {e.verdict.date})" for e in followed))
    unapplied = run.unapplied()
    if unapplied:
        ET.SubElement(suite, "system-err").text = _clean("\n".join(
            f"{e.where}: {e.status}: {e.verdict.path} · {e.verdict.rule} → {e.verdict.outcome} ({e.verdict.by}, "
            f"{e.verdict.date}): {c.verdict_fate(e, lang)}" for e in unapplied))
    return suite


def _details(res: RuleResult, rule: RuleInfo | None, doc: DocumentResult, lang: str) -> str:
    """Who judged the cell or why to review it, quotes with where they stand, the explanation, then the
    recommendation for a gap."""
    lines = []
    if res.judged_by is not None:
        lines.append(f"{c.JUDGED_MARK} {c.judged_text(res, lang)}")
    elif res.review:
        lines.append(f"{c.REVIEW_MARK} {c.TEXT[lang]['needs_review']}: " + "; ".join(res.review_reasons))
    for ev in res.evidence:
        place = c.where(ev, lang)
        lines.append(f"“{ev.text}”" + (f" ({place})" if place else ""))
    note = c.cell_note(res, rule, doc, lang)
    if note:
        lines.append(note)
    recommendation = c.pick(rule.recommendation, lang) if rule else ""
    if recommendation and c.is_gap(res):
        lines.append(f"{c.TEXT[lang]['recommendation']}: {recommendation}")
    return "\n".join(lines)
