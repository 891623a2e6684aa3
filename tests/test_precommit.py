"""The published pre-commit hook, run the way a user adopts it: `pre-commit try-repo` against this
repository's HEAD commit (not the working tree, which other work may be changing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is needed for pre-commit")
POLICIES = ROOT / "examples" / "policy-repo" / "policies"


def run(cmd: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def try_repo(repo: Path) -> subprocess.CompletedProcess:
    head = run(["git", "rev-parse", "HEAD"], ROOT).stdout.strip()
    return run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "govcheck", "--ref", head,
                "--all-files", "--color", "never"], repo)


def test_hook_definition_matches_the_documented_entry() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "govcheck")
    assert hook["entry"] == "govcheck scan --fail-on not_met -q --format terminal"
    assert hook["pass_filenames"] is True
    committed = run(["git", "show", "HEAD:.pre-commit-hooks.yaml"], ROOT)
    assert committed.returncode == 0, "commit .pre-commit-hooks.yaml: try-repo uses HEAD"


def test_try_repo_fails_on_a_gap_and_passes_once_it_is_fixed(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency")
    repo = tmp_path / "policies-repo"
    (repo / "policies").mkdir(parents=True)
    assert run(["git", "init", "-q"], repo).returncode == 0
    (repo / "govcheck.yaml").write_text("packs: [policy-basics]\n", encoding="utf-8")
    shutil.copy(POLICIES / "information-security-policy.md", repo / "policies")
    gap = repo / "policies" / "acceptable-use-policy.md"
    shutil.copy(POLICIES / gap.name, gap)
    # Neither is a governance document: the hook's file filter must leave them out.
    (repo / "README.md").write_text("# Policies of Northwind\n\nSee the policies folder.\n", encoding="utf-8")
    (repo / "notes.yaml").write_text("todo: review\n", encoding="utf-8")
    assert run(["git", "add", "-A"], repo).returncode == 0

    proc = try_repo(repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "govcheck" in out and "Failed" in out
    assert "acceptable-use-policy.md" in out
    assert "README.md" not in out.split("hooks:")[-1]  # not scanned (the header lists the config only)

    text = gap.read_text(encoding="utf-8")
    gap.write_text(text.replace("# Acceptable Use Policy\n", "# Acceptable Use Policy\n\n"
                                "Policy owner: Head of IT Support\n"), encoding="utf-8")
    assert run(["git", "add", "-A"], repo).returncode == 0
    proc = try_repo(repo)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "Passed" in out
