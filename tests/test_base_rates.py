"""Base rates: auditors' outcome counts per rule and document type flag the outcomes they seldom gave.

Through the real CLI: `govcheck rules base-rates` counts labelled corpora, a pack points at the file,
and a scan flags a cell whose outcome is rare, naming the count in the reason."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import govcheck, scan_report

from govcheck.rules import RuleError, load_pack

PACK = """\
id: mini
version: "1"
title: {sv: Mini, en: Mini}
languages: [sv, en]
base_rates: {file: rates.yaml, rare_below: 0.2, min_documents: 3}
doc_types:
  routine: {sv: [rutin], en: [routine]}
  policy: {sv: [policy], en: [policy]}
signals:
  owner: {sv: [dokumentägare], en: [document owner]}
rules:
  - id: has-owner
    title: {sv: Ägare, en: Owner}
    description: {sv: Ägare anges., en: An owner is named.}
    met:
      find: owner
"""

EXPECTED = """\
as_of: 2026-12-03
documents:
  - {file: docs/a.docx, source: src/a.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/a.pdf, source: src/a.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/b.txt, source: src/b.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/c.txt, source: src/c.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/d.txt, source: src/d.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: partial}}}
  - {file: docs/e.scan.pdf, source: src/e.md, lang: en, doc_type: routine,
     expected: {has-owner: {outcome: cannot_assess}}}
  - {file: docs/f.txt, source: src/f.md, lang: en, doc_type: policy, expected: {has-owner: {outcome: not_met}}}
"""


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "expected.yaml").write_text(EXPECTED, encoding="utf-8")
    pack = tmp_path / "pack.yaml"
    pack.write_text(textwrap.dedent(PACK), encoding="utf-8")
    return corpus / "expected.yaml", pack


def _scan(docs: Path, pack: Path) -> list[dict]:
    """The documents of a JSON scan of `docs` with `pack`, through the CLI."""
    proc = govcheck("scan", str(docs), "--rules", str(pack), "--format", "json", "--as-of", "2026-12-03",
                    "--no-cache", "--no-config", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["documents"]


def _flag_unconfirmed_heads(pack: Path, agreed_below: float, min_cells: int) -> None:
    """Give the mini pack a `partial` on "head of service" and a first-contact bar to flag it by."""
    pack.write_text(pack.read_text(encoding="utf-8").replace(
        "min_documents: 3}", f"min_documents: 3, agreed_below: {agreed_below}, min_cells: {min_cells}}}").replace(
        "met:\n      find: owner", "met:\n      find: owner\n    partial:\n      find: head"
    ).replace("  owner: {sv: [dokumentägare], en: [document owner]}",
              "  owner: {sv: [dokumentägare], en: [document owner]}\n  head: {sv: [chef], en: [head of service]}"),
        encoding="utf-8")


def test_base_rates_counts_each_source_once_and_skips_unreadable(tmp_path: Path) -> None:
    expected, _ = _setup(tmp_path)
    proc = govcheck("rules", "base-rates", str(expected))
    assert proc.returncode == 0, proc.stderr
    data = yaml.safe_load(proc.stdout)
    assert data["documents"] == 5  # a.docx and a.pdf are one source; the scan is not counted
    assert data["rules"]["has-owner"]["routine"] == {"met": 3, "not_met": 0, "partial": 1}
    assert data["rules"]["has-owner"]["*"] == {"met": 3, "not_met": 1, "partial": 1}


def test_a_rare_outcome_is_flagged_with_its_count(tmp_path: Path) -> None:
    expected, pack = _setup(tmp_path)
    assert govcheck("rules", "base-rates", str(expected), "-o", str(tmp_path / "rates.yaml")).returncode == 0
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "routine.txt").write_text("Routine for referrals\n\nThe school contacts the clinic.\n", encoding="utf-8")
    (docs / "owned.txt").write_text("Routine for referrals\n\nDocument owner: head of service.\n", encoding="utf-8")
    cells = {d["path"]: d["results"][0] for d in _scan(docs, pack)}
    gap = cells["routine.txt"]
    assert gap["outcome"] == "not_met" and gap["review"] is True
    # routines: 0 of 4 not met -> rare; over all types it would be 1 of 5
    reason = "auditors judged this criterion not_met in only 0 of 4 labelled documents of type routine"
    assert reason in gap["review_reasons"]
    assert cells["owned.txt"]["outcome"] == "met" and cells["owned.txt"]["review"] is False


@pytest.mark.parametrize(
    ("rates", "needle"),
    [
        (None, "base_rates.file"),
        ("documents: 3\nrules: {has-owner: {routine: {met: many}}}\n", "rates.yaml:2: rules.has-owner.routine.met"),
        ("documents: 3\nrules: {no-such-rule: {'*': {met: 1}}}\n", "'no-such-rule', a rule this pack does not have"),
    ],
    ids=["missing-file", "bad-count", "unknown-rule"],
)
def test_a_broken_rates_file_is_refused_by_name(tmp_path: Path, rates: str | None, needle: str) -> None:
    _, pack = _setup(tmp_path)
    if rates is not None:
        (tmp_path / "rates.yaml").write_text(rates, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_pack(pack)
    assert needle in str(info.value), str(info.value)


def test_the_bundled_pack_flags_a_gap_auditors_seldom_confirmed(tmp_path: Path) -> None:
    """An agreement that says nothing of how the collaboration is carried out: on documents the pack had not
    been tuned on, auditors seldom confirmed such a not_met, so it is worth a person's look. (The bundled
    pack no longer flags an outcome only for being rare among labels: that flag added cells, not catches.)"""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "avtal.md").write_text(
        "# Överenskommelse om samverkan kring barn och unga\n\n"
        "Regionen ansvarar för barn- och ungdomspsykiatrin. Kommunen ansvarar för socialtjänstens insatser.\n",
        encoding="utf-8")
    report = scan_report(docs)
    cell = next(r for r in report["documents"][0]["results"] if r["rule"] == "collaboration-procedure")
    assert cell["outcome"] == "not_met" and cell["review"] is True
    assert any(r.startswith("i dokument som regelpaketet inte var anpassat till bekräftade granskare kriteriets ej "
                            "uppfyllt i bara") for r in cell["review_reasons"]), cell["review_reasons"]
    assert not any(r.startswith("granskare bedömde") for r in cell["review_reasons"])


def _first_contact_report(tmp_path: Path) -> Path:
    """A first-contact report of the corpus above: the tool said partial where auditors said met in
    a, b and c (three of four partials wrong), and met where they said met in none."""
    docs = [("a.docx", "partial"), ("a.pdf", "partial"), ("b.txt", "partial"), ("c.txt", "met"),
            ("d.txt", "partial"), ("e.scan.pdf", "cannot_assess"), ("f.txt", "not_met")]
    report = {"documents": [{"path": f"/somewhere/{name}", "results": [{"rule": "has-owner", "outcome": got}]}
                            for name, got in docs]}
    path = tmp_path / "first.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    return path


def test_first_contact_reports_record_how_often_each_outcome_was_confirmed(tmp_path: Path) -> None:
    expected, _ = _setup(tmp_path)
    report = _first_contact_report(tmp_path)
    proc = govcheck("rules", "base-rates", str(expected), "--first-contact", f"{report}={expected}")
    assert proc.returncode == 0, proc.stderr
    tool = yaml.safe_load(proc.stdout)["tool"]
    # every rendering is a cell the auditor reads; the unreadable scan is not counted
    assert tool["rules"]["has-owner"] == {"met": {"cells": 1, "agreed": 1}, "partial": {"cells": 4, "agreed": 1},
                                          "not_met": {"cells": 1, "agreed": 1}}
    assert tool["cells"] == 6
    bad = govcheck("rules", "base-rates", str(expected), "--first-contact", str(report))
    assert bad.returncode == 2 and "REPORT.json=EXPECTED.yaml" in bad.stderr


def test_an_outcome_seldom_confirmed_on_first_contact_is_flagged_with_its_record(tmp_path: Path) -> None:
    expected, pack = _setup(tmp_path)
    report = _first_contact_report(tmp_path)
    rates = tmp_path / "rates.yaml"
    assert govcheck("rules", "base-rates", str(expected), "--first-contact", f"{report}={expected}",
                    "-o", str(rates)).returncode == 0
    _flag_unconfirmed_heads(pack, agreed_below=0.5, min_cells=2)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "headed.txt").write_text("Routine for referrals\n\nThe head of service decides.\n", encoding="utf-8")
    (docs / "owned.txt").write_text("Routine for referrals\n\nDocument owner: head of service.\n", encoding="utf-8")
    cells = {d["path"]: d["results"][0] for d in _scan(docs, pack)}
    partial = cells["headed.txt"]
    assert partial["outcome"] == "partial" and partial["review"] is True
    assert ("on documents the pack had not been tuned on, auditors confirmed this criterion's partial in only "
            "1 of 4 cells") in partial["review_reasons"]
    # met was confirmed in 1 of 1: too few cells to judge, and confirmed anyway
    assert cells["owned.txt"]["outcome"] == "met" and cells["owned.txt"]["review"] is False


TYPED_EXPECTED = """\
as_of: 2026-12-03
documents:
  - {file: docs/r1.txt, source: src/r1.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/r2.txt, source: src/r2.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/r3.txt, source: src/r3.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/p1.txt, source: src/p1.md, lang: en, doc_type: policy, expected: {has-owner: {outcome: partial}}}
  - {file: docs/p2.txt, source: src/p2.md, lang: en, doc_type: policy, expected: {has-owner: {outcome: partial}}}
  - {file: docs/p3.txt, source: src/p3.md, lang: en, doc_type: policy, expected: {has-owner: {outcome: partial}}}
"""


def _typed_first_contact(tmp_path: Path) -> tuple[Path, Path]:
    """The mini pack with a first-contact record of six partials: wrong in three routines, right in three
    policies (3 of 6 over both types); returns the pack and a folder with one routine and one policy."""
    _, pack = _setup(tmp_path)
    corpus = tmp_path / "typed"
    corpus.mkdir()
    expected = corpus / "expected.yaml"
    expected.write_text(TYPED_EXPECTED, encoding="utf-8")
    report = tmp_path / "typed-first.json"
    report.write_text(json.dumps({"documents": [
        {"path": f"{name}.txt", "results": [{"rule": "has-owner", "outcome": "partial"}]}
        for name in ("r1", "r2", "r3", "p1", "p2", "p3")]}), encoding="utf-8")
    proc = govcheck("rules", "base-rates", str(expected), "--first-contact", f"{report}={expected}",
                    "-o", str(tmp_path / "rates.yaml"))
    assert proc.returncode == 0, proc.stderr
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "routine.txt").write_text("Routine for referrals\n\nThe head of service decides.\n", encoding="utf-8")
    (docs / "policy.txt").write_text("Policy on referrals\n\nThe head of service decides.\n", encoding="utf-8")
    return pack, docs


def test_a_record_too_small_to_decide_alone_still_moves_the_pooled_estimate(tmp_path: Path) -> None:
    """With `min_cells: 4` the types' records (3 cells each) are too small to decide alone, so the rule's
    3 of 6 flags the partial of both documents. With `prior_cells: 3` the records are pooled: the routines'
    0 of 3 pulls the routine's estimate to (0 + 3 x 0.5) / 6 = 0.25, still flagged; the policies' 3 of 3
    lifts the policy's to 0.75, above the pack's bar of 0.6, and it is no longer flagged."""
    pack, docs = _typed_first_contact(tmp_path)
    _flag_unconfirmed_heads(pack, agreed_below=0.6, min_cells=4)
    flagged = {d["path"]: d["results"][0]["review"] for d in _scan(docs, pack)}
    assert flagged == {"routine.txt": True, "policy.txt": True}
    pack.write_text(pack.read_text(encoding="utf-8").replace("min_cells: 4}", "min_cells: 4, prior_cells: 3}"),
                    encoding="utf-8")
    cells = {d["path"]: d["results"][0] for d in _scan(docs, pack)}
    assert cells["routine.txt"]["review"] is True and cells["policy.txt"]["review"] is False, cells
    assert ("on documents the pack had not been tuned on, auditors confirmed this criterion's partial in only "
            "3 of 6 cells") in cells["routine.txt"]["review_reasons"]


def test_the_record_of_the_documents_type_decides_whether_an_outcome_is_flagged(tmp_path: Path) -> None:
    """On first contact the tool said partial in all six documents: wrong in the three routines, right in
    the three policies (3 of 6 over both types). A routine's partial is flagged with the routines'
    record; a policy's partial, confirmed every time in policies, is not flagged though the rule's
    record over all types (3 of 6) is below the pack's bar."""
    pack, docs = _typed_first_contact(tmp_path)
    tool = yaml.safe_load((tmp_path / "rates.yaml").read_text(encoding="utf-8"))["tool"]
    assert tool["rules"]["has-owner"] == {"partial": {"cells": 6, "agreed": 3}}
    assert tool["by_type"]["has-owner"] == {"policy": {"partial": {"cells": 3, "agreed": 3}},
                                            "routine": {"partial": {"cells": 3, "agreed": 0}}}
    _flag_unconfirmed_heads(pack, agreed_below=0.6, min_cells=3)
    cells = {d["path"]: (d["doc_type"], d["results"][0]) for d in _scan(docs, pack)}
    assert cells["routine.txt"][0] == "routine" and cells["policy.txt"][0] == "policy"
    routine, policy = cells["routine.txt"][1], cells["policy.txt"][1]
    assert routine["outcome"] == "partial" and routine["review"] is True
    assert ("on documents the pack had not been tuned on, auditors confirmed this criterion's partial in only "
            "0 of 3 cells") in routine["review_reasons"]
    assert policy["outcome"] == "partial" and policy["review"] is False, policy["review_reasons"]


PARTS_PACK = """\
id: parts
version: "1"
title: {sv: Delar, en: Parts}
languages: [sv, en]
base_rates: {file: rates.yaml, rare_below: 0.01, min_documents: 3, agreed_below: 0.5, min_cells: 3}
doc_types:
  routine: {sv: [rutin], en: [routine]}
signals:
  owner: {sv: [dokumentägare], en: [document owner]}
  head: {sv: [chef], en: [head of service]}
  shared: {sv: [gemensamt ansvar], en: [shared responsibility]}
rules:
  - id: owner-and-head
    title: {sv: Ägare och chef, en: Owner and head}
    description: {sv: Båda anges., en: Both are named.}
    facets:
      owner: {sv: ägare, en: owner}
      head: {sv: chef, en: head}
    met:
      count:
        - {find: owner, facet: owner}
        - {find: head, facet: head}
      at_least: 2
    partial:
      any:
        - find: owner
        - find: head
        - find: shared
"""

PARTS_EXPECTED = "as_of: 2026-12-03\ndocuments:\n" + "".join(
    f"  - {{file: docs/{name}.txt, source: src/{name}.md, lang: en, doc_type: routine, "
    f"expected: {{owner-and-head: {{outcome: {label}}}}}}}\n"
    for name, label in [("a", "met"), ("b", "met"), ("c", "met"), ("d", "met"),
                        ("e", "partial"), ("f", "partial"), ("g", "partial"), ("h", "partial")])


def test_the_number_of_parts_found_narrows_the_record(tmp_path: Path) -> None:
    """On first contact the tool said partial on one part found in four documents auditors judged met
    (0 of 4 confirmed), and partial on no part found in four they judged partial (4 of 4). Over both,
    partial was confirmed in 4 of 8 - at the pack's bar, not below it. A partial on one part is
    flagged with its own record; a partial on none is not."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    expected = corpus / "expected.yaml"
    expected.write_text(PARTS_EXPECTED, encoding="utf-8")
    report = tmp_path / "first.json"
    report.write_text(json.dumps({"documents": [
        {"path": f"{name}.txt", "results": [{"rule": "owner-and-head", "outcome": "partial", "found": found}]}
        for name, found in [("a", ["owner"]), ("b", ["owner"]), ("c", ["head"]), ("d", ["head"]),
                            ("e", []), ("f", []), ("g", []), ("h", [])]]}), encoding="utf-8")
    pack = tmp_path / "pack.yaml"
    pack.write_text(PARTS_PACK, encoding="utf-8")
    proc = govcheck("rules", "base-rates", str(expected), "--first-contact", f"{report}={expected}",
                    "-o", str(tmp_path / "rates.yaml"))
    assert proc.returncode == 0, proc.stderr
    tool = yaml.safe_load((tmp_path / "rates.yaml").read_text(encoding="utf-8"))["tool"]
    assert tool["rules"]["owner-and-head"] == {"partial": {"cells": 8, "agreed": 4}}
    assert tool["by_parts"]["owner-and-head"]["routine"] == {
        "partial": {"0": {"cells": 4, "agreed": 4}, "1": {"cells": 4, "agreed": 0}}}
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "one.txt").write_text("Routine for referrals\n\nThe head of service decides.\n", encoding="utf-8")
    (docs / "none.txt").write_text("Routine for referrals\n\nThere is a shared responsibility.\n", encoding="utf-8")
    cells = {d["path"]: d["results"][0] for d in _scan(docs, pack)}
    one, none = cells["one.txt"], cells["none.txt"]
    assert one["outcome"] == "partial" and one["review"] is True
    assert ("on documents the pack had not been tuned on, auditors confirmed this criterion's partial in only "
            "0 of 4 cells") in one["review_reasons"]
    assert none["outcome"] == "partial" and none["review"] is False, none["review_reasons"]


LANG_EXPECTED = """\
as_of: 2026-12-03
documents:
  - {file: docs/e1.txt, source: src/e1.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/e2.txt, source: src/e2.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/e3.txt, source: src/e3.md, lang: en, doc_type: routine, expected: {has-owner: {outcome: met}}}
  - {file: docs/s1.txt, source: src/s1.md, lang: sv, doc_type: routine, expected: {has-owner: {outcome: partial}}}
  - {file: docs/s2.txt, source: src/s2.md, lang: sv, doc_type: routine, expected: {has-owner: {outcome: partial}}}
  - {file: docs/s3.txt, source: src/s3.md, lang: sv, doc_type: routine, expected: {has-owner: {outcome: partial}}}
"""


def test_the_record_of_the_documents_language_decides_and_only_recent_reports_count(tmp_path: Path) -> None:
    """On first contact the tool said partial in six routines: wrong in the three English ones, right in
    the three Swedish ones (3 of 6, below the bar of 0.6 over both languages). An English routine's partial
    is flagged with the English record; a Swedish one's is not. With --recent 1 only the newer of two
    reports is counted."""
    _, pack = _setup(tmp_path)
    corpus = tmp_path / "langs"
    corpus.mkdir()
    expected = corpus / "expected.yaml"
    expected.write_text(LANG_EXPECTED, encoding="utf-8")
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps({"documents": [
        {"path": "e1.txt", "results": [{"rule": "has-owner", "outcome": "met"}]}]}), encoding="utf-8")
    new.write_text(json.dumps({"documents": [
        {"path": f"{name}.txt", "results": [{"rule": "has-owner", "outcome": "partial"}]}
        for name in ("e1", "e2", "e3", "s1", "s2", "s3")]}), encoding="utf-8")
    rates = tmp_path / "rates.yaml"
    proc = govcheck("rules", "base-rates", str(expected), "--first-contact", f"{old}={expected}",
                    "--first-contact", f"{new}={expected}", "--recent", "1", "-o", str(rates))
    assert proc.returncode == 0, proc.stderr
    tool = yaml.safe_load(rates.read_text(encoding="utf-8"))["tool"]
    assert tool["sources"] == [f"{new}={expected}"] and tool["cells"] == 6
    assert tool["rules"]["has-owner"] == {"partial": {"cells": 6, "agreed": 3}}
    assert tool["by_lang"]["has-owner"]["en"] == {"*": {"partial": {"cells": 3, "agreed": 0}},
                                                  "routine": {"partial": {"cells": 3, "agreed": 0}}}
    assert tool["by_lang"]["has-owner"]["sv"]["*"] == {"partial": {"cells": 3, "agreed": 3}}
    _flag_unconfirmed_heads(pack, agreed_below=0.6, min_cells=3)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "english.txt").write_text("Routine for referrals\n\nThe head of service decides who is asked and when "
                                      "the routine is read again by the staff.\n", encoding="utf-8")
    (docs / "svenska.txt").write_text("Rutin för remisser\n\nChef beslutar vem som tillfrågas och när rutinen "
                                      "läses igen av personalen på enheten.\n", encoding="utf-8")
    cells = {d["path"]: (d["lang"], d["results"][0]) for d in _scan(docs, pack)}
    assert cells["english.txt"][0] == "en" and cells["svenska.txt"][0] == "sv"
    english, svenska = cells["english.txt"][1], cells["svenska.txt"][1]
    assert english["outcome"] == "partial" and english["review"] is True
    assert ("on documents the pack had not been tuned on, auditors confirmed this criterion's partial in only "
            "0 of 3 cells") in english["review_reasons"]
    assert svenska["outcome"] == "partial" and svenska["review"] is False, svenska["review_reasons"]
