"""`govcheck judgements examples`: where auditors overruled the tool, candidate examples for the rules.

A verdict that differs from the tool's outcome is a lesson for the rule pack: the sentence the tool
quoted (or the passage the auditor relied on) with the auditor's outcome is exactly the shape of a
rule example (`examples:` entries: lang, outcome, name, text, evidence). They are written out for a
rule author to review, never added to a pack automatically: one auditor's call on one document is
evidence, not yet a rule. Each candidate says what the current rule gives on that text alone, so the
author sees at once which ones `govcheck rules test` would fail.
"""

from __future__ import annotations

import datetime as dt
import json

from govcheck.model import ScanReport
from govcheck.report.common import primary_evidence
from govcheck.rules import Pack
from govcheck.rules.engine import build_index, context, judge
from govcheck.rules.testing import example_document

EXAMPLE_OUTCOMES = ("met", "partial", "not_met", "not_applicable")  # what a pack example may expect


def _q(text: object) -> str:
    """A YAML flow scalar: JSON strings are valid YAML and survive quotes, colons and '#'."""
    return json.dumps(str(text), ensure_ascii=False)


def candidate_examples(report: ScanReport, packs: list[Pack], as_of: dt.date) -> tuple[str, int]:
    """(YAML text of candidate examples grouped by rule, how many), from the judged cells where the
    auditor's outcome differs from the tool's."""
    rules = {r.id: (p, r) for p in packs for r in p.rules}
    by_rule: dict[str, list[str]] = {}
    skipped: list[str] = []
    count = 0
    for doc in report.documents:
        for res in doc.results:
            j = res.judged_by
            if j is None or res.tool_outcome == res.outcome:
                continue
            who = f"{doc.path}: {j.get('by')} {j.get('date')}, tool {res.tool_outcome} -> auditor {res.outcome}"
            ev = primary_evidence(res)
            text = j.get("quote") or (ev.text if ev is not None else "")
            if res.outcome not in EXAMPLE_OUTCOMES or not text or res.rule not in rules:
                why = ("no sentence: the tool quoted nothing and the verdict has no quote" if not text
                       else f"a pack example cannot expect {res.outcome}")
                skipped.append(f"#   {res.rule} on {who}: {why}")
                continue
            pack, rule = rules[res.rule]
            lang = doc.lang or (pack.languages[0] if pack.languages else "sv")
            example = example_document(text, lang, doc.doc_type)
            now = judge(rule, context(pack, example, build_index(example, [pack]), as_of), example).outcome
            fields = [f"lang: {lang}", f"outcome: {res.outcome}",
                      f"name: {_q('auditor: ' + (j.get('reason') or ''))}", f"text: {_q(text)}"]
            if doc.doc_type and rule.applies_to:
                fields.insert(2, f"doc_type: {doc.doc_type}")
            if res.outcome in ("met", "partial"):
                fields.append(f"evidence: {_q(text)}")
            agrees = " (already agrees)" if now == res.outcome else ""
            by_rule.setdefault(res.rule, []).append(
                f"      # {who}; the rule gives {now} on this text{agrees}\n      - {{{', '.join(fields)}}}")
            count += 1
    out = ["# Candidate rule examples from auditors' verdicts that differ from the tool's outcome.",
           "# Not applied: review each one, trim the text to what decides the criterion, then copy it under",
           "# its rule's `examples:` in the pack and run `govcheck rules test`.",
           f"# {count} candidates."]
    if by_rule:
        out.append("rules:")
        for rule_id, items in by_rule.items():
            out += [f"  - id: {rule_id}", f"    # pack: {rules[rule_id][0].id}", "    examples:", *items]
    else:
        out.append("rules: []")
    if skipped:
        out += ["# Left out:", *skipped]
    return "\n".join(out) + "\n", count
