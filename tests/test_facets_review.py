"""Facets and review flags on real documents through the real CLI: an auditor sees which part of a
criterion a `partial` lacks, and which cells the tool itself is unsure of."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, govcheck
from conftest import scan_report as scan


def cell(report: dict, rule: str, doc: int = 0) -> dict:
    return next(r for r in report["documents"][doc]["results"] if r["rule"] == rule)


def write(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_partial_follow_up_says_which_parts_are_missing(tmp_path: Path) -> None:
    folder = write(tmp_path, "rutin.md", "# Rutin för samverkan\n\n## Uppföljning\n\n"
                   "Styrgruppen följer upp rutinen.\n")
    report = scan(folder)
    follow = cell(report, "follow-up")
    assert follow["outcome"] == "partial"
    found = {f["id"]: f["found"] for f in follow["facets"]}
    assert found == {"who": True, "when": False, "what": False}
    who = next(f for f in follow["facets"] if f["id"] == "who")
    assert "Styrgruppen följer upp rutinen" in who["evidence"][0]["text"]
    labels = next(r for r in report["rules"] if r["id"] == "follow-up")["facets"]
    assert labels["when"]["sv"] and labels["when"]["en"]


def test_a_met_follow_up_lists_its_facets_with_evidence(tmp_path: Path) -> None:
    folder = write(tmp_path, "agreement.md", "# Partnership agreement\n\n"
                   "The Partnership Board will monitor this agreement annually using the indicators in Annex 2.\n")
    follow = cell(scan(folder), "follow-up")
    assert follow["outcome"] == "met"
    assert {f["id"] for f in follow["facets"] if f["found"]} >= {"who", "when"}
    assert all(f["evidence"] for f in follow["facets"] if f["found"])


def test_a_table_row_is_read_with_its_column_header(tmp_path: Path) -> None:
    folder = write(tmp_path, "plan.md", "# Handlingsplan\n\n| Mått | Målvärde |\n|---|---|\n"
                   "| Väntetid till första besök | 80 procent inom 30 dagar |\n")
    goals = cell(scan(folder), "goals")
    assert goals["outcome"] == "met"
    assert any("80 procent" in e["text"] for e in goals["evidence"])


def test_an_empty_heading_states_nothing(tmp_path: Path) -> None:
    folder = write(tmp_path, "rutin.md", "# Rutin\n\n## 1. Syfte\n\n## 2. Ansvar\n\nRegionen ansvarar för BUP.\n")
    assert cell(scan(folder), "goals")["outcome"] == "not_met"


def test_every_graded_cell_says_whether_it_needs_review(tmp_path: Path) -> None:
    folder = write(tmp_path, "rutin.md", "# Rutin\n\nRegionen ansvarar för BUP.\n")
    report = scan(folder)
    for r in report["documents"][0]["results"]:
        assert isinstance(r["review"], bool)
        assert r["review"] == bool(r["review_reasons"])


def test_a_not_met_that_a_wider_scope_would_raise_is_flagged_with_the_reason(tmp_path: Path) -> None:
    # The decision and its date stand in two paragraphs of one section: not met as written, and a
    # person should look, since read as one passage they record a decision.
    folder = write(tmp_path, "rutin.md", "# Rutin\n\n## Beslut\n\nInnehållet är fastställt.\n\n"
                   "Det skedde den 12 mars 2025.\n")
    decision = cell(scan(folder), "decision-body")
    assert decision["outcome"] == "not_met"
    assert decision["review"] is True
    assert any("samma avsnitt" in r for r in decision["review_reasons"])  # in the document's language


def test_a_partial_that_a_wider_scope_would_raise_is_not_flagged_for_it(tmp_path: Path) -> None:
    # The municipality's party and its duty stand in different sentences of one section: partial. On first
    # contact with nine sets no partial flagged only for this was wrong, so it is no reason.
    folder = write(tmp_path, "avtal.md", "# Överenskommelse\n\n## Ansvar\n\n"
                   "Regionen ansvarar för barn- och ungdomspsykiatrin.\n\n"
                   "Kommunen har flera verksamheter i varje del av länet. Dessa ansvarar för stödet i vardagen.\n")
    principals = cell(scan(folder), "responsibility-principals")
    assert principals["outcome"] == "partial"
    assert not any("samma avsnitt" in r for r in principals["review_reasons"])


def test_a_clear_cell_is_not_flagged(tmp_path: Path) -> None:
    folder = write(tmp_path, "avtal.md", "# Överenskommelse\n\n"
                   "Regionen ansvarar för barn- och ungdomspsykiatrin. Kommunen ansvarar för elevhälsan.\n")
    principals = cell(scan(folder), "responsibility-principals")
    assert principals["outcome"] == "met"
    assert principals["review"] is False


def test_a_pack_cannot_mark_an_undeclared_facet(tmp_path: Path) -> None:
    pack = (ROOT / "rules" / "child-youth-collaboration.yaml").read_text(encoding="utf-8")
    broken = pack.replace("          facet: how_often\n", "          facet: how_many\n", 1)
    assert broken != pack
    path = tmp_path / "pack.yaml"
    path.write_text(broken, encoding="utf-8")
    shutil.copytree(ROOT / "rules" / "base-rates", tmp_path / "base-rates")  # the pack's base_rates file
    proc = govcheck("rules", "validate", str(path))
    assert proc.returncode != 0
    assert "how_many" in proc.stderr and "not declared" in proc.stderr


def test_a_document_that_names_two_types_flags_the_rules_whose_applicability_depends_on_it(tmp_path: Path) -> None:
    folder = write(tmp_path, "plan.md", "# Handlingsplan\n\nÖverenskommelse om samverkan – handlingsplan för 2026.\n\n"
                   "Kostnaderna delas lika mellan regionen och kommunen.\n")
    report = scan(folder)
    assert report["documents"][0]["doc_type"] == "action-plan"
    cost = cell(report, "cost-sharing")
    assert cost["outcome"] == "not_applicable" and cost["review"] is True
    assert "nämner också agreement" in cost["review_reasons"][0]
    # a rule for every type does not depend on it
    assert not any("nämner också" in r for r in cell(report, "validity")["review_reasons"])


def test_column_headers_label_their_cells_in_docx_and_html_tables(tmp_path: Path) -> None:
    """Tables as statements in every format: the responsible party and the target value stand only in
    cells under their column headers."""
    import docx

    folder = tmp_path / "docs"
    folder.mkdir()
    d = docx.Document()
    d.add_heading("Handlingsplan för psykisk hälsa", 1)
    table = d.add_table(rows=3, cols=3)
    for r, row in enumerate([("Åtgärd", "Ansvarig", "Målvärde"),
                             ("Kallar till SIP", "Skolkuratorn", "90 procent inom 14 dagar"),
                             ("Dokumenterar planen i journalen", "BUP-sjuksköterskan", "alla planer")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    d.save(str(folder / "plan.docx"))
    (folder / "plan.html").write_text(
        "<html><head><title>Action plan</title></head><body><h1>Joint action plan</h1><table>"
        "<tr><th>Action</th><th>Lead</th><th>Target</th></tr>"
        "<tr><td>Convenes the planning meeting</td><td>School nurse</td><td>95 per cent within 20 days</td></tr>"
        "<tr><td>Records the agreed actions</td><td>CAMHS practitioner</td><td>all plans</td></tr>"
        "</table></body></html>", encoding="utf-8")
    report = scan(folder)
    for i, doc in enumerate(report["documents"]):
        assert cell(report, "goals", i)["outcome"] == "met", doc["path"]
        assert cell(report, "responsibility-joint-work", i)["outcome"] == "met", doc["path"]


def test_a_met_whose_part_stands_only_in_a_sentence_about_what_is_still_to_be_made_is_flagged(
        tmp_path: Path) -> None:
    # The municipality's part stands only in a sentence about a model still to be made: met as the rule
    # reads it, but a person should look.
    folder = write(tmp_path, "uppdrag.md", "# Uppdrag\n\n## Ansvar\n\n"
                   "Regionen ansvarar för barn- och ungdomspsykiatrin.\n\n"
                   "Socialtjänsten kommer att ansvara för familjestödet i den modell som ska tas fram under året.\n")
    principals = cell(scan(folder), "responsibility-principals")
    assert principals["outcome"] == "met"
    assert principals["review"] is True
    assert any("ännu ska tas fram" in r for r in principals["review_reasons"])


def test_a_plan_one_part_short_of_met_is_flagged(tmp_path: Path) -> None:
    # Who convenes the SIP is said, when it is started is not: partial, one part short of met, and on first
    # contact such cells were more often met by the auditors than not - so a person should look.
    folder = write(tmp_path, "rutin.md", "# Rutin för samverkan\n\n## SIP\n\n"
                   "Socialsekreteraren kallar till en samordnad individuell plan (SIP).\n")
    plan = cell(scan(folder), "coordinated-plan")
    assert plan["outcome"] == "partial"
    assert [f["id"] for f in plan["facets"] if f["found"]] == ["convene"]
    assert any("en av delarna" in r for r in plan["review_reasons"])
    # with no part found the partial is not flagged for it
    (tmp_path / "b").mkdir()
    bare = write(tmp_path / "b", "rutin.md", "# Rutin för samverkan\n\nVid behov upprättas en SIP.\n")
    assert not any("en av delarna" in r for r in cell(scan(bare), "coordinated-plan")["review_reasons"])


def test_joint_work_on_a_single_task_is_flagged(tmp_path: Path) -> None:
    # The school nurse tells the family the result: one task of the joint work, partial, one short of met (its met is a
    # count behind a guard, all: [not deferred, count]). On first contact such cells were wrong 11 times in the 27 no
    # other reason flagged, so a person should look; with two tasks named the met is not flagged for it.
    folder = write(tmp_path, "routine.md", "# Hearing screening routine\n\n## Roles\n\n"
                   "The school nurse will let the parents know the result of the screening.\n")
    joint = cell(scan(folder), "responsibility-joint-work")
    assert joint["outcome"] == "partial"
    assert [f["id"] for f in joint["facets"] if f["found"]] == ["inform"]
    assert any("single task" in r for r in joint["review_reasons"])
