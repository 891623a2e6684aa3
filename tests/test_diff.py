"""`govcheck diff`: a follow-up scan after editing documents shows exactly what changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import AS_OF, ROOT, govcheck

POLICIES = ROOT / "examples" / "policy-repo" / "policies"
AUP = "acceptable-use-policy.md"


def scan_to(folder: Path, out: Path) -> Path:
    proc = govcheck("scan", str(folder), "-r", "policy-basics", "--no-config", "--as-of", AS_OF,
                    "-f", "json", "-o", str(out), "-q", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Before, after giving the acceptable use policy an owner, and after reshuffling documents."""
    tmp = tmp_path_factory.mktemp("diff")
    docs = tmp / "policies"
    shutil.copytree(POLICIES, docs)
    out = {"before": scan_to(docs, tmp / "before.json")}
    aup = docs / AUP
    text = aup.read_text(encoding="utf-8")
    aup.write_text(text.replace("# Acceptable Use Policy\n", "# Acceptable Use Policy\n\n"
                                "Policy owner: Head of IT Support\n"), encoding="utf-8")
    out["after"] = scan_to(docs, tmp / "after.json")
    (docs / "dataskyddspolicy.md").unlink()
    (docs / "remote-work-policy.md").write_text("# Remote Work Policy\n\nStaff may work from home.\n",
                                                encoding="utf-8")
    (docs / "information-security-policy.md").write_text("", encoding="utf-8")  # unreadable now
    out["reshuffled"] = scan_to(docs, tmp / "reshuffled.json")
    return out


def diff(old: Path, new: Path, *args: str) -> str:
    proc = govcheck("diff", str(old), str(new), *args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_one_edit_shows_exactly_one_improvement(scans: dict[str, Path]) -> None:
    result = json.loads(diff(scans["before"], scans["after"], "--format", "json"))
    assert result["improved"] == [
        {"path": AUP, "rule": "owner", "old": "not_met", "new": "met", "kind": "improved"}]
    assert result["regressed"] == result["changed"] == []
    assert result["new_documents"] == result["removed_documents"] == []
    assert result["summary"] == {"improved": 1, "regressed": 0, "changed": 0, "new": 0, "removed": 0,
                                 "unchanged": 17}
    assert result["old"]["as_of"] == result["new"]["as_of"] == AS_OF


def test_reverse_order_is_a_regression(scans: dict[str, Path]) -> None:
    result = json.loads(diff(scans["after"], scans["before"], "--format", "json"))
    assert [(c["path"], c["rule"], c["kind"]) for c in result["regressed"]] == [(AUP, "owner", "regressed")]
    assert result["improved"] == []


def test_new_removed_and_unreadable_documents(scans: dict[str, Path]) -> None:
    result = json.loads(diff(scans["after"], scans["reshuffled"], "--format", "json"))
    assert [d["path"] for d in result["new_documents"]] == ["remote-work-policy.md"]
    assert [d["path"] for d in result["removed_documents"]] == ["dataskyddspolicy.md"]
    # met -> cannot_assess is neither better nor worse: listed as changed, every rule of the document
    assert {(c["path"], c["old"], c["new"]) for c in result["changed"]} == {
        ("information-security-policy.md", "met", "cannot_assess")}
    assert len(result["changed"]) == 6
    assert result["improved"] == result["regressed"] == []


def test_terminal_table_is_the_default(scans: dict[str, Path]) -> None:
    out = diff(scans["before"], scans["after"], "--lang", "en")
    assert "owner (Document owner)" in out and "not met" in out and "improved" in out
    assert "1 improved, 0 regressed, 0 changed, 0 new and 0 removed documents, 17 unchanged cells." in out
    out = diff(scans["after"], scans["reshuffled"], "--lang", "en")
    assert "+ New documents: remote-work-policy.md" in out
    assert "- Removed documents: dataskyddspolicy.md" in out


def test_markdown_in_both_languages(scans: dict[str, Path]) -> None:
    out = diff(scans["before"], scans["after"], "--format", "markdown", "--lang", "en")
    assert "| Document | Rule | Before | After | Change |" in out
    assert f"| {AUP} | owner (Document owner) | not met | met | improved |" in out
    out = diff(scans["before"], scans["after"], "--format", "markdown", "--lang", "sv")
    assert f"| {AUP} | owner (Dokumentägare) | ej uppfyllt | uppfyllt | förbättrat |" in out
    assert out.startswith("# Jämförelse av granskningar")


def test_identical_reports_have_no_changes(scans: dict[str, Path]) -> None:
    out = diff(scans["after"], scans["after"], "--format", "markdown", "--lang", "en")
    assert "No changes." in out


@pytest.mark.parametrize("content", ["not json", '{"documents": 3}', "[]"])
def test_unusable_input_exits_2(tmp_path: Path, scans: dict[str, Path], content: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    proc = govcheck("diff", str(bad), str(scans["after"]))
    assert proc.returncode == 2
    assert proc.stderr.startswith("govcheck: error:")
    assert govcheck("diff", str(scans["after"]), str(scans["after"]), "--format", "html").returncode == 2
