"""Report writers: one module per output format, each with `write(report, options) -> str | bytes`.

Writers only read the ScanReport; they never re-run rules. Files are written atomically (a temp
file in the same folder, then rename) so a crash never leaves half a report where CI looks for one.

A scan from the CLI does not build the ScanReport in memory: results stream through
report.stream.write_reports, which applies the per-document transforms (rule filtering, waivers -
and any later per-DocumentResult step such as auditors' recorded verdicts or review flags: add it to
the CLI's `transforms`, it then reaches every format, the summary and the exit code), counts them in
a Tally, writes the JSON report as they come and spills them for the other writers. So a writer may
be handed `report.documents` that is read back from disk on each pass (iterate, take len(); do not
index) and `report.tally` with the set-level counts (report/common.py uses them when present).
Targets and their failures (one line, exit 2) are report/output.py.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from govcheck.model import ScanReport

# format name -> module in this package (imported on demand: openpyxl etc. cost start-up time)
FORMATS: dict[str, str] = {
    "terminal": "terminal",
    "json": "json_report",
    "markdown": "markdown",
    "html": "html",
    "sarif": "sarif",
    "junit": "junit",
    "csv": "csv_report",
    "xlsx": "xlsx",
}
# file name extension per format, for --output-dir
EXTENSIONS: dict[str, str] = {
    "terminal": "txt", "json": "json", "markdown": "md", "html": "html", "sarif": "sarif",
    "junit": "xml", "csv": "csv", "xlsx": "xlsx",
}
BINARY = frozenset({"xlsx"})


@dataclass(frozen=True)
class ReportOptions:
    lang: str | None = None  # sv | en; None = the documents' dominant language
    details: bool = False  # terminal: print evidence under the matrix
    fail_on_partial: bool = False  # junit: partial cells are failures too (same as fail_on="partial")
    base: str | None = None  # sarif: folder paths are made relative to (default: the working directory)
    fail_on: str = "not_met"  # never | partial | not_met: what counts as a failure (junit, summaries)
    date: str | None = None  # the report's date (markdown/html scope); default today
    expired_waivers: tuple[dict, ...] = ()  # waivers past their date, shown so nobody relies on them
    config: str | None = None  # the govcheck.yaml used, named in the scope
    # govcheck.judgements.JudgementRun: the verdicts file used, what became of each verdict (applied,
    # stale, missing) and each document's sha256, which the XLSX and HTML write beside new verdicts.
    judgements: Any = None

    @property
    def failure_level(self) -> str:
        return "partial" if self.fail_on_partial else self.fail_on


def writer(fmt: str) -> ModuleType:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    return importlib.import_module(f"govcheck.report.{FORMATS[fmt]}")


def render(report: ScanReport, fmt: str, options: ReportOptions | None = None) -> str | bytes:
    return writer(fmt).write(report, options or ReportOptions())


def write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
