"""Streaming changes no byte: a report is the same whichever path it takes out of the scan.

The first JSON report is written while the scan runs; every other report (and a JSON report that must
wait its turn on standard output) is rendered afterwards from results spilled to disk. Both must give
exactly what a run asking for that one report gives, in the order the --format options were given.
(bench/check_identical.py compares all formats with the previous code on the real corpora.)
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import AS_OF, ROOT, govcheck
from fuzz.builders import AGREEMENT, make_docx, write

SCAN = ["scan", "--as-of", AS_OF, "--fail-on", "never", "-q", "--no-cache", "--jobs", "1", "--timeout", "0"]


def test_live_and_spilled_reports_are_the_same_bytes_in_the_order_asked(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    write(folder / "rutin.md", "\n\n".join(AGREEMENT) + "\n")
    write(folder / "avtal.docx", make_docx(AGREEMENT))
    write(folder / "tom.txt", "")  # unreadable: a row of its own
    alone = {fmt: govcheck(*SCAN, str(folder), "--format", fmt, cwd=ROOT).stdout
             for fmt in ("json", "terminal", "csv")}
    assert len(json.loads(alone["json"])["documents"]) == 3
    # terminal first on standard output: the JSON report cannot stream live and comes from the spill file
    # (--output pairs with --format in order: r.json and cells.csv; terminal and JSON go to standard output)
    both = govcheck(*SCAN, str(folder), "--format", "json", "--format", "csv", "--format", "terminal", "--format",
                    "json", "--output", str(tmp_path / "r.json"), "--output", str(tmp_path / "cells.csv"), cwd=ROOT)
    assert both.returncode == 0, both.stderr
    assert both.stdout == alone["terminal"] + alone["json"]
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == alone["json"]  # written live
    assert (tmp_path / "cells.csv").read_text(encoding="utf-8") == alone["csv"]
    assert not list(tmp_path.glob(".*.tmp"))
