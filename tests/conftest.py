"""Shared paths and one dev-corpus scan per test session (scans are the expensive part)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV = SHARED / "corpus" / "dev"
WILD = SHARED / "corpus" / "wild"
AS_OF = "2026-11-22"

# Every CLI run of the tests (they inherit this) caches in a throwaway folder, not the user's own.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="govcheck-test-cache-")


def govcheck(*args: str, timeout: float = 300, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "govcheck", *args], capture_output=True, text=True, timeout=timeout,
        cwd=cwd or ROOT,
    )


def scan_report(folder: Path) -> dict:
    """`govcheck scan FOLDER --format json` as a user runs it, checked against the report schema."""
    proc = govcheck("scan", str(folder), "--format", "json", "--as-of", AS_OF, "--no-cache", "--fail-on", "never")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)
    return report


@pytest.fixture(scope="session")
def dev_report() -> dict:
    proc = govcheck("scan", str(DEV / "docs"), "--format", "json", "--as-of", AS_OF, "-q")
    assert proc.returncode in (0, 1), proc.stderr  # 1 = findings at or above --fail-on
    return json.loads(proc.stdout)
