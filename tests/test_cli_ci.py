"""govcheck in CI: exit codes per --fail-on, govcheck.yaml discovery and overrides, waivers,
--output-dir and `govcheck init`, all through the real CLI on files written here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import AS_OF, ROOT, govcheck

# One rule with a known outcome per text: "owner" -> met, "author" -> partial, nothing -> not_met.
TINY_PACK = """\
id: tiny
version: "1"
title: {en: Tiny pack for exit-code tests}
languages: [en]
signals:
  owner: [owner]
  author: [author]
rules:
  - id: has-owner
    title: {en: Owner}
    description: {en: An owner is named.}
    met: {find: owner}
    partial: {find: author}
  - id: has-author
    title: {en: Author}
    description: {en: An author is named.}
    met: {find: author}
"""
TEXTS = {
    "met.txt": "The owner of this policy is the Head of IT. The author is Sam.",
    "partial.txt": "The author of this policy is Sam. The author writes well.",
    "not-met.txt": "This text says nothing relevant at all.",
}


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A policy repository: the tiny pack beside the docs folder, no config yet."""
    (tmp_path / "tiny.yaml").write_text(TINY_PACK, encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in TEXTS.items():
        (docs / name).write_text(text + "\n", encoding="utf-8")
    (docs / "empty.txt").write_text("", encoding="utf-8")  # unreadable: cannot_assess
    return tmp_path


def scan(repo: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return govcheck("scan", *args, "--as-of", AS_OF, cwd=cwd or repo, timeout=120)


def config(repo: Path, text: str) -> Path:
    path = repo / "govcheck.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def fifo_docs(repo: Path) -> Path:
    """A folder whose only document is a named pipe: reading it blocks, so a scan that exits 2 in
    time has provably read no document."""
    folder = repo / "blocking"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    return folder


# --- exit codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("doc", "fail_on", "code"), [
    ("met.txt", "never", 0), ("met.txt", "partial", 0), ("met.txt", "not_met", 0),
    ("partial.txt", "never", 0), ("partial.txt", "partial", 1), ("partial.txt", "not_met", 0),
    ("not-met.txt", "never", 0), ("not-met.txt", "partial", 1), ("not-met.txt", "not_met", 1),
    ("empty.txt", "never", 0), ("empty.txt", "partial", 0), ("empty.txt", "not_met", 0),
])
def test_exit_code_per_fail_on(repo: Path, doc: str, fail_on: str, code: int) -> None:
    # has-author is met in met.txt and partial.txt, not_met in the others: the doc's has-owner and
    # has-author cells together decide. met.txt: met/met; partial.txt: partial/met;
    # not-met.txt: not_met/not_met; empty.txt: cannot_assess (never a finding).
    proc = scan(repo, f"docs/{doc}", "-r", "tiny.yaml", "--fail-on", fail_on, "-q", "-f", "json", "--no-config")
    assert proc.returncode == code, proc.stderr
    report = json.loads(proc.stdout)
    assert report["documents"][0]["path"] == doc


def test_default_fail_on_is_not_met(repo: Path) -> None:
    assert scan(repo, "docs/partial.txt", "-r", "tiny.yaml", "-q", "--no-config").returncode == 0
    proc = scan(repo, "docs/not-met.txt", "-r", "tiny.yaml", "--no-config")
    assert proc.returncode == 1
    assert "findings at or above not_met" in proc.stderr


def test_not_applicable_never_counts(repo: Path) -> None:
    (repo / "agreements.yaml").write_text(
        TINY_PACK.replace("id: tiny", "id: agreements").replace("has-", "agreement-")
        .replace("    met: {find: owner}", "    applies_to: [agreement]\n    met: {find: owner}")
        .replace("    met: {find: author}", "    applies_to: [agreement]\n    met: {find: author}"),
        encoding="utf-8")
    proc = scan(repo, "docs/not-met.txt", "-r", "agreements.yaml", "--doc-type", "*=routine", "--fail-on",
                "partial", "-f", "json", "-q", "--no-config")
    cells = {r["rule"]: r["outcome"] for r in json.loads(proc.stdout)["documents"][0]["results"]}
    assert set(cells.values()) == {"not_applicable"}
    assert proc.returncode == 0


def test_policy_repo_example_fails_on_its_gap_and_passes_with_never() -> None:
    proc = govcheck("scan", "examples/policy-repo", "--as-of", AS_OF, "-f", "json", "-q")
    assert proc.returncode == 1, proc.stderr
    gaps = [(d["path"], r["rule"]) for d in json.loads(proc.stdout)["documents"] for r in d["results"]
            if r["outcome"] == "not_met"]
    assert gaps == [("policies/acceptable-use-policy.md", "owner")]
    assert govcheck("scan", "examples/policy-repo", "--as-of", AS_OF, "-q", "--fail-on", "never").returncode == 0


@pytest.mark.parametrize("args", [
    ["--fail-on", "sometimes"], ["--format", "pdf"], ["--lang", "de"], ["--as-of", "2026-02-30"],
    ["-r", "no-such-pack"], ["--config", "missing.yaml"],
])
def test_usage_errors_exit_2_before_reading(repo: Path, args: list[str]) -> None:
    blocking = fifo_docs(repo)
    proc = govcheck("scan", str(blocking), *args, cwd=repo, timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("govcheck: error:")
    assert proc.stdout == ""


def test_help_documents_exit_codes() -> None:
    out = govcheck("scan", "--help").stdout
    assert "--fail-on" in out and "Exit status" in out
    import govcheck.cli as cli

    assert "Exit codes" in (cli.__doc__ or "")


# --- config ---------------------------------------------------------------------------------------


def test_config_found_by_walking_up_from_the_first_path(repo: Path, tmp_path: Path) -> None:
    config(repo, "packs: [tiny.yaml]\nfail_on: partial\n")
    nested = repo / "docs" / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "p.txt").write_text(TEXTS["partial.txt"], encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = scan(repo, str(nested), "-f", "json", "-q", cwd=elsewhere)  # packs resolve beside the config
    assert proc.returncode == 1, proc.stderr  # fail_on: partial from the config
    report = json.loads(proc.stdout)
    assert [r["id"] for r in report["rulesets"]] == ["tiny"]


def test_command_line_overrides_config(repo: Path) -> None:
    config(repo, "packs: [tiny.yaml]\nfail_on: partial\nas_of: 2020-01-01\ninclude: ['*.md']\n")
    assert scan(repo, "docs", "-q").returncode == 0  # include *.md: nothing to scan
    proc = govcheck("scan", "docs", "--include", "partial.txt", "-f", "json", "-q", cwd=repo)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert report["as_of"] == "2020-01-01"
    assert [d["path"] for d in report["documents"]] == ["partial.txt"]
    proc = scan(repo, "docs", "--include", "partial.txt", "--fail-on", "not_met", "-f", "json", "-q")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["as_of"] == AS_OF
    # --no-config: the default pack, whatever govcheck.yaml says
    proc = scan(repo, "docs/partial.txt", "--no-config", "-f", "json", "-q")
    assert [r["id"] for r in json.loads(proc.stdout)["rulesets"]] == ["child-youth-collaboration"]


def test_explicit_config_file_and_doc_overrides(repo: Path) -> None:
    other = repo / "ci.yaml"
    other.write_text("packs: [tiny.yaml]\ndoc_types: {'partial*': routine}\ndoc_langs: {'*.txt': en}\n"
                     "fail_on: never\n", encoding="utf-8")
    config(repo, "packs: [no-such-pack]\n")  # would be exit 2 if it were read
    proc = scan(repo, "docs/partial.txt", "--config", "ci.yaml", "-f", "json", "-q")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)["documents"][0]
    assert (doc["doc_type"], doc["lang"]) == ("routine", "en")
    proc = scan(repo, "docs/partial.txt", "--doc-type", "*=policy", "--config", "ci.yaml", "-f", "json", "-q")
    assert json.loads(proc.stdout)["documents"][0]["doc_type"] == "policy"


def test_rules_enable_and_disable_drop_rules_from_the_run(repo: Path) -> None:
    config(repo, "packs: [tiny.yaml]\nrules: {disable: [has-owner]}\n")
    for jobs in ("1", "2"):  # worker processes reload packs: the filter must hold there too
        proc = scan(repo, "docs", "-f", "json", "-q", "-j", jobs)
        report = json.loads(proc.stdout)
        assert [r["id"] for r in report["rules"]] == ["has-author"]
        assert {r["rule"] for d in report["documents"] for r in d["results"]} == {"has-author"}
    config(repo, "packs: [tiny.yaml]\nrules: {enable: [has-owner]}\n")
    report = json.loads(scan(repo, "docs/met.txt", "-f", "json", "-q").stdout)
    assert [r["id"] for r in report["rules"]] == ["has-owner"]


@pytest.mark.parametrize(("text", "message"), [
    ("packs: [tiny.yaml]\nfail-on: never\n", "govcheck.yaml:2: fail-on: unknown key 'fail-on'"),
    ("packs: [tiny.yaml]\nrules:\n  disable: [has-ownr]\n",
     "govcheck.yaml:3: rules.disable[0]: unknown rule 'has-ownr'"),
    ("packs: [tiny.yaml]\nrules: {enabled: [x]}\n", "govcheck.yaml:2: rules.enabled: unknown key 'enabled'"),
    ("packs: [nope.yaml]\n", "govcheck.yaml:1: packs[0]: 'nope.yaml' is neither a pack file"),
    ("fail_on: sometimes\n", "govcheck.yaml:1: fail_on: 'sometimes' is not one of"),
    ("as_of: 2026-13-01\n", "govcheck.yaml:1: as_of: '2026-13-01' is not a valid date"),
    ("packs: [tiny.yaml\n", "invalid YAML"),
])
def test_config_errors_exit_2_with_file_line_and_key(repo: Path, text: str, message: str) -> None:
    config(repo, text)
    blocking = fifo_docs(repo)
    proc = govcheck("scan", str(blocking), cwd=repo, timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert proc.stdout == ""


# --- waivers --------------------------------------------------------------------------------------

WAIVER = """\
packs: [tiny.yaml]
fail_on: partial
waivers:
  - rule: has-owner
    path: {path}
    justification: The owner is appointed at the next board meeting.
    decided_by: Board of Directors, 2026-10-01 § 3
    expires: {expires}
"""


@pytest.mark.parametrize("glob", ["partial.txt", "docs/partial*.txt", "'*.txt'"])
def test_valid_waiver_keeps_the_outcome_and_stops_the_failure(repo: Path, glob: str) -> None:
    config(repo, WAIVER.format(path=glob, expires="2027-06-30"))
    proc = scan(repo, "docs/partial.txt", "-f", "json")
    assert proc.returncode == 0, proc.stderr
    cell = next(r for r in json.loads(proc.stdout)["documents"][0]["results"] if r["rule"] == "has-owner")
    assert cell["outcome"] == "partial"
    assert cell["waived"]["decided_by"] == "Board of Directors, 2026-10-01 § 3"
    assert cell["waived"]["expires"] == "2027-06-30"
    assert "1 waived" in proc.stderr


def test_waiver_covers_only_its_rule_and_path(repo: Path) -> None:
    config(repo, WAIVER.format(path="partial.txt", expires="2027-06-30"))
    proc = scan(repo, "docs", "-f", "json", "-q")
    assert proc.returncode == 1  # not-met.txt is not waived
    waived = [(d["path"], r["rule"]) for d in json.loads(proc.stdout)["documents"] for r in d["results"]
              if r.get("waived")]
    assert waived == [("partial.txt", "has-owner")]


def test_expired_waiver_stops_waiving_and_is_reported(repo: Path) -> None:
    config(repo, WAIVER.format(path="partial.txt", expires="2026-01-31"))
    proc = scan(repo, "docs/partial.txt", "-f", "json", "-q")
    assert proc.returncode == 1
    assert "govcheck.yaml:4: waiver for has-owner on 'partial.txt' expired on 2026-01-31" in proc.stderr
    cell = next(r for r in json.loads(proc.stdout)["documents"][0]["results"] if r["rule"] == "has-owner")
    assert cell["outcome"] == "partial" and not cell.get("waived")
    # the same waiver judged at an earlier date still holds
    assert govcheck("scan", "docs/partial.txt", "--as-of", "2026-01-31", "-q", cwd=repo).returncode == 0


@pytest.mark.parametrize(("waiver", "message"), [
    ("  - rule: no-such-rule\n    path: x\n    justification: j\n    decided_by: d\n    expires: 2027-01-01\n",
     "govcheck.yaml:4: waivers[0].rule: unknown rule 'no-such-rule'"),
    ("  - rule: has-owner\n    path: x\n    decided_by: d\n    expires: 2027-01-01\n",
     "govcheck.yaml:4: waivers[0]: 'justification' is a required property"),
    ("  - rule: has-owner\n    path: x\n    justification: '  '\n    decided_by: d\n    expires: 2027-01-01\n",
     "govcheck.yaml:6: waivers[0].justification: must not be blank"),
    ("  - rule: has-owner\n    path: x\n    justification: j\n    expires: 2027-01-01\n",
     "'decided_by' is a required property"),
    ("  - rule: has-owner\n    path: x\n    justification: j\n    decided_by: d\n",
     "'expires' is a required property"),
    ("  - rule: has-owner\n    path: x\n    justification: j\n    decided_by: d\n    expires: 2027-02-30\n",
     "govcheck.yaml:8: waivers[0].expires: '2027-02-30' is not a valid date"),
    ("  - rule: has-owner\n    path: x\n    justification: j\n    decided_by: d\n    expires: next year\n",
     "govcheck.yaml:8: waivers[0].expires: 'next year' is not a valid date"),
    ("  - rule: has-owner\n    path: x\n    justification: j\n    decided_by: d\n    expires: 2027-01-01\n"
     "    approved: yes\n", "govcheck.yaml:9: waivers[0].approved: unknown key 'approved'"),
])
def test_malformed_waiver_exits_2_before_any_document_is_read(repo: Path, waiver: str, message: str) -> None:
    config(repo, "packs: [tiny.yaml]\nfail_on: partial\nwaivers:\n" + waiver)
    blocking = fifo_docs(repo)
    proc = govcheck("scan", str(blocking), cwd=repo, timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert proc.stdout == "" and "documents" not in proc.stderr


# --- outputs --------------------------------------------------------------------------------------


def test_output_dir_writes_every_format(repo: Path) -> None:
    out = repo / "out" / "reports"
    proc = scan(repo, "docs", "-r", "tiny.yaml", "-f", "json", "-f", "terminal", "--output-dir", str(out), "-q",
                "--no-config")
    assert proc.returncode == 1
    assert proc.stdout == ""
    report = json.loads((out / "govcheck-report.json").read_text(encoding="utf-8"))
    assert len(report["documents"]) == 4
    assert "not-met.txt" in (out / "govcheck-report.txt").read_text(encoding="utf-8")


def test_output_pairs_still_win_over_output_dir(repo: Path) -> None:
    proc = scan(repo, "docs", "-r", "tiny.yaml", "-f", "json", "-o", "mine.json", "-f", "terminal",
                "--output-dir", "out", "-q", "--no-config")
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads((repo / "mine.json").read_text(encoding="utf-8"))["documents"]
    assert (repo / "out" / "govcheck-report.txt").is_file()
    assert not (repo / "out" / "govcheck-report.json").exists()
    proc = scan(repo, "docs", "-f", "json", "-f", "json", "--output-dir", "out", "--no-config")
    assert proc.returncode == 2 and "same file" in proc.stderr


# --- init -----------------------------------------------------------------------------------------


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path: Path) -> None:
    proc = govcheck("init", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "govcheck.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("#") > 10  # commented
    schema = json.loads((ROOT / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(text), schema)
    from govcheck.config import load_config

    cfg = load_config(path)
    assert cfg.fail_on == "not_met" and cfg.packs and cfg.packs[0].endswith("policy-basics.yaml")

    path.write_text("# mine\n", encoding="utf-8")
    proc = govcheck("init", str(tmp_path))
    assert proc.returncode == 2 and "--force" in proc.stderr
    assert path.read_text(encoding="utf-8") == "# mine\n"
    assert govcheck("init", str(tmp_path), "--force").returncode == 0
    assert path.read_text(encoding="utf-8") == text


def test_init_config_drives_a_scan(tmp_path: Path) -> None:
    assert govcheck("init", str(tmp_path)).returncode == 0
    policies = tmp_path / "policies"
    policies.mkdir()
    for p in (ROOT / "examples" / "policy-repo" / "policies").iterdir():
        (policies / p.name).write_bytes(p.read_bytes())
    (tmp_path / "README.md").write_text("# Our policies\n", encoding="utf-8")  # excluded by the starter
    proc = govcheck("scan", str(tmp_path), "--as-of", AS_OF, "-f", "json", "-q")
    assert proc.returncode == 1  # the acceptable use policy has no owner
    report = json.loads(proc.stdout)
    assert [r["id"] for r in report["rulesets"]] == ["policy-basics"]
    assert sorted(d["path"] for d in report["documents"]) == [
        "policies/acceptable-use-policy.md", "policies/dataskyddspolicy.md",
        "policies/information-security-policy.md"]


# --- GitHub Action --------------------------------------------------------------------------------


def test_action_scan_step_runs_and_writes_summary_sarif_and_exit_code(tmp_path: Path) -> None:
    pytest.importorskip("govcheck.report.sarif", reason="SARIF writer not in this tree yet")
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "scan")
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(summary),
           "GITHUB_OUTPUT": str(outputs), "GOVCHECK_PATH": "examples/policy-repo", "GOVCHECK_PACKS": "",
           "GOVCHECK_FAIL_ON": "not_met", "GOVCHECK_AS_OF": AS_OF,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "exit-code=1" in outputs.read_text(encoding="utf-8")
    assert "acceptable-use-policy.md" in summary.read_text(encoding="utf-8")
    sarif = json.loads((tmp_path / "govcheck" / "govcheck-report.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
