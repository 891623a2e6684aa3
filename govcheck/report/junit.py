"""JUnit XML, for CI systems that show test results (Jenkins, GitLab, Azure DevOps, GitHub test reporters).

A test suite per document and a test case per rule, so a CI page reads "dev-sv-007.docx: 9 failures".
What fails follows --fail-on (ReportOptions.failure_level): not met by default, partial too when asked.
Cells that were not judged are <skipped> with the reason, so nobody mistakes "could not read the PDF"
or "does not apply to a routine" for a pass: not applicable, cannot assess, and waived gaps (with the
waiver's justification). Built with xml.etree, which escapes document text and drops nothing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from govcheck.model import DocumentResult, RuleInfo, RuleResult, ScanReport
from govcheck.report import ReportOptions
from govcheck.report import common as c

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
    for doc in report.documents:
        suite = _suite(doc, rules, options.failure_level, lang)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _suite(doc: DocumentResult, rules: dict[str, RuleInfo], fail_on: str, lang: str) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(doc.path))
    props = ET.SubElement(suite, "properties")
    for name, value in (("status", doc.status), ("format", doc.format), ("lang", doc.lang),
                        ("doc_type", doc.doc_type), ("title", doc.title), ("reason", doc.reason)):
        if value:
            ET.SubElement(props, "property", name=name, value=_clean(str(value)))
    failures = skipped = 0
    for res in doc.results:
        case = _case(doc, res, rules.get(res.rule), fail_on, lang)
        failures += case.find("failure") is not None
        skipped += case.find("skipped") is not None
        suite.append(case)
    suite.set("tests", str(len(doc.results)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return suite


def _case(doc: DocumentResult, res: RuleResult, rule: RuleInfo | None, fail_on: str, lang: str) -> ET.Element:
    title = c.pick(rule.title, lang) if rule else res.rule
    case = ET.Element("testcase", name=f"{res.rule}: {_clean(title)}", classname=_clean(doc.path), time="0")
    outcome = c.label(res.outcome, lang)
    if res.waived is not None and c.is_gap(res):
        ET.SubElement(case, "skipped", message=_clean(f"{outcome}, {c.waiver_text(res.waived, lang)}"))
    elif res.outcome in ("not_applicable", "cannot_assess"):
        reason = c.cell_note(res, rule, doc, lang) or outcome
        ET.SubElement(case, "skipped", message=_clean(f"{outcome}: {reason}"))
    elif c.at_or_above(res.outcome, fail_on):
        failure = ET.SubElement(case, "failure", message=_clean(f"{title}: {outcome}"), type=res.outcome)
        failure.text = _clean(_details(res, rule, doc, lang))
    elif res.evidence:
        # Passing cells keep their evidence where CI shows test output, for whoever wonders why.
        ET.SubElement(case, "system-out").text = _clean(_details(res, rule, doc, lang))
    return case


def _details(res: RuleResult, rule: RuleInfo | None, doc: DocumentResult, lang: str) -> str:
    """Quotes with where they stand, the explanation, then the recommendation for a gap."""
    lines = []
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
