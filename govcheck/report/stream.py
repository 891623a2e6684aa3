"""Results stream from the scan to the report writers, so memory stays flat in the number of documents.

Why: the scanning process used to hold every DocumentResult (evidence and all, ~55 kB a document)
until the end - 325 MB for 5,000 short documents, ~3 GB for a national review of 60,000. Now:

    scan.run() --DocumentResult--> transforms --> Tally (set-level counts)
                                              --> the JSON report, written as results arrive
                                              --> a spill file, when other formats are asked for

- Per-document transforms run on each result before anything sees it: rule filtering
  (rules.enable/disable), waivers, and any later step of the same shape - an auditor's recorded
  verdict per document x rule, review flags. A transform takes a DocumentResult and returns one;
  whatever it changes is what every report, the summary and the exit code see.
- The Tally (govcheck.model) counts per rule, waived cells, unreadable documents and languages as
  results pass, so summaries, set-level judgements, the exit code and the report language need no
  second look at the results.
- The first JSON report is written while the scan runs (json_report.write_stream: the same bytes as
  before). Every other format needs the whole set before its first line (the report language is the
  set's dominant one; matrices come before details), so results are spilled to a temporary file
  (pickled, compressed, 0600, removed at the end) and each writer reads them back from there,
  document by document: evidence is held in the scanning process only while one result is handled.
  A writer that builds its whole output in memory (Markdown, HTML, SARIF, JUnit, XLSX, terminal)
  still holds that output, not the results.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from govcheck.model import DocumentResult, ScanReport, Tally
from govcheck.report import ReportOptions, json_report, render
from govcheck.report import common as c
from govcheck.report.output import OutputError, Target, reason

Transform = Callable[[DocumentResult], DocumentResult]
_LEN = struct.Struct("<I")


class SpilledDocuments:
    """The spilled results, read back in order on every iteration (a Collection: len, iter, in)."""

    def __init__(self, path: str, count: int) -> None:
        self.path = path
        self.count = count

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self) -> Iterator[DocumentResult]:
        with open(self.path, "rb") as fh:
            for _ in range(self.count):
                (size,) = _LEN.unpack(fh.read(_LEN.size))
                yield pickle.loads(zlib.decompress(fh.read(size)))

    def __contains__(self, item: object) -> bool:
        return any(doc == item for doc in self)


class Spill:
    """A temporary file the scan appends results to, for the writers that need the whole set."""

    def __init__(self) -> None:
        try:
            fd, self.path = tempfile.mkstemp(prefix="govcheck-results-", suffix=".spill")
        except OSError as exc:
            raise OutputError(f"cannot create a temporary file in {tempfile.gettempdir()}: {reason(exc)}") from None
        self._fh = os.fdopen(fd, "wb")
        self.count = 0

    def add(self, doc: DocumentResult) -> None:
        data = zlib.compress(pickle.dumps(doc, pickle.HIGHEST_PROTOCOL), 1)
        try:
            self._fh.write(_LEN.pack(len(data)) + data)
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot keep results for the reports: {reason(exc)}") from None
        self.count += 1

    def documents(self) -> SpilledDocuments:
        try:
            self._fh.flush()
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot keep results for the reports: {reason(exc)}") from None
        return SpilledDocuments(self.path, self.count)

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            self._fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)


@dataclass
class Output:
    fmt: str
    target: Target


@dataclass
class Written:
    """What the CLI needs after the reports are written: the report (documents spilled or empty) and
    the counts behind the exit code and the summary line."""

    report: ScanReport
    findings: int
    waived: int


def _live(outputs: Sequence[Output]) -> Output | None:
    """The JSON report that can be written while the scan runs: the first one that is not due on
    standard output after another report (standard output keeps the order of --format)."""
    for i, out in enumerate(outputs):
        if out.fmt == "json" and (out.target.path is not None or all(o.target.path for o in outputs[:i])):
            return out
    return None


def write_reports(
    header: ScanReport, results: Iterable[DocumentResult], outputs: Sequence[Output], options: ReportOptions,
    transforms: Sequence[Transform] = (), fail_on: str = "not_met",
) -> Written:
    """Run the transforms on each result, count it, write it; then write the remaining formats.

    Targets must be open. Each is flushed here but committed (renamed into place) by the caller, so a
    failure in any report leaves none of them behind. OutputError propagates with its one-line reason.
    """
    tally = Tally([r.id for r in header.rules])
    live = _live(outputs)
    spill = Spill() if any(o is not live for o in outputs) else None
    counts = {"findings": 0, "waived": 0}

    def passing() -> Iterator[DocumentResult]:
        for doc in results:
            for transform in transforms:
                doc = transform(doc)
            tally.add(doc)
            for res in doc.results:
                if res.waived is not None:
                    counts["waived"] += 1
                elif c.at_or_above(res.outcome, fail_on):
                    counts["findings"] += 1
            if spill is not None:
                spill.add(doc)
            yield doc
        for transform in transforms:  # a transform that keeps state across documents closes it here,
            finish = getattr(transform, "finish", None)  # before any report's last part is written
            if finish is not None:
                finish()

    try:
        stream = passing()
        if live is not None:
            json_report.write_stream(replace(header, documents=stream, tally=tally), live.target.write, options)
        else:
            for _ in stream:
                pass
        report = replace(header, documents=spill.documents() if spill is not None else [], tally=tally,
                         lang=tally.lang())
        for out in outputs:
            if out is live:
                continue
            if out.fmt == "json":
                json_report.write_stream(report, out.target.write, options)
            else:
                out.target.write(render(report, out.fmt, options))
        for out in outputs:
            out.target.finish()
        return Written(report=report, findings=counts["findings"], waived=counts["waived"])
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stop the scan's workers now, not when the generator is collected
        if spill is not None:
            spill.remove()
