"""The bundled examples score as examples/README.md says they should: that table is what a new user
reads before the first scan, so each outcome it states is checked here."""

from __future__ import annotations

import json

from conftest import ROOT
from conftest import govcheck as cli

RULES = ["responsibility-principals", "responsibility-joint-work", "child-rights-convention",
         "collaboration-procedure", "decision-body", "follow-up", "target-group", "goals", "deviation-handling",
         "coordinated-plan", "information-transfer", "validity", "cost-sharing", "legal-basis", "repealed-law"]

# file -> {rule: outcome} as examples/README.md states them (rules it leaves unstated are not checked)
STATED = {
    "overenskommelse-fjallmark-tallbacka.docx": dict.fromkeys(RULES, "met"),
    "overenskommelse-bergvik.odt": {
        "decision-body": "not_met", "repealed-law": "not_met", "validity": "partial",
        "responsibility-principals": "partial", "collaboration-procedure": "partial", "goals": "partial",
        "target-group": "partial", "coordinated-plan": "partial", "information-transfer": "partial",
        "cost-sharing": "partial", "follow-up": "not_met", "deviation-handling": "not_met",
        "child-rights-convention": "not_met", "legal-basis": "met",
    },
    "rutin-sip-tallbacka.md": {
        "coordinated-plan": "met", "information-transfer": "met", "cost-sharing": "not_applicable",
        "decision-body": "partial", "validity": "partial", "target-group": "partial", "legal-basis": "partial",
        "child-rights-convention": "partial", "deviation-handling": "partial", "follow-up": "partial",
    },
    "riktlinje-elevhalsa-bup.html": {
        **{r: "met" for r in RULES},
        "deviation-handling": "partial", "cost-sharing": "not_applicable",
    },
    "partnership-agreement-ardvale.txt": {
        **{r: "met" for r in RULES},
        "goals": "partial", "follow-up": "partial", "cost-sharing": "partial", "repealed-law": "not_met",
    },
}


def test_examples_score_as_their_readme_says() -> None:
    proc = cli("scan", "examples", "--exclude", "README.md", "--exclude", "policy-repo/*", "--no-config",
               "--as-of", "2026-11-23", "--format", "json", "-q", "--fail-on", "never", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    got = {d["path"]: {r["rule"]: r["outcome"] for r in d["results"]} for d in report["documents"]}
    assert sorted(got) == sorted(STATED)
    wrong = [(path, rule, want, got[path][rule])
             for path, stated in STATED.items() for rule, want in stated.items() if got[path][rule] != want]
    assert not wrong, wrong
    # The intranet page's hidden cookie banner and navigation never become evidence.
    quotes = [e["text"] for d in report["documents"] for r in d["results"] for e in r["evidence"]]
    assert quotes and not [q for q in quotes if "kommunfullmäktige" in q.lower() or "kakor" in q.lower()]
