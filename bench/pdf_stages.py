"""The PDFs of the 200-document sample, stage by stage, for instruction counts under callgrind.

    valgrind --tool=callgrind python bench/pdf_stages.py STAGE     # then subtract STAGE=none (start-up)

Stages (each includes the ones before it where it says so):
    none              imports only
    floor             bench/run.py's raw_text over the PDFs: what the floor does with them
    read              the PDFium reader alone (_read_pdfium: lines, runs, grids), no layout
    layout            read, then _layout over every document (all documents kept alive: the GC sees more
                      than a scan's worker would, so this overstates layout a little)
    extract-nolayout  the plug-in's extract() with _layout stubbed out: read + pdfplumber recovery
    extract           the plug-in's extract(): read + layout + pdfplumber recovery of what PDFium refuses
    plumber           only the pdfplumber recovery of the files PDFium refuses

Why: a whole cold scan under callgrind says how far above the floor it is, not which PDF stage the
difference is in; Python-level profilers distort the split (cProfile charges per call). Differences of
these runs attribute instructions to stages (bench/RESULTS.md, ninth session).
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "bench" / "out" / "corpus-200-1500"


def main() -> None:
    stage = sys.argv[1] if len(sys.argv) > 1 else "none"
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    files = [CORPUS / f["path"] for f in manifest["files"] if f["path"].endswith(".pdf")]
    sys.path.insert(0, str(ROOT / "bench"))
    import run as bench_run  # bench/ is not a package

    import govcheck.extract.pdf as pdf_plugin
    from govcheck.extract._pdf.layout import _layout
    from govcheck.extract._pdf.pdfium import _read_pdfium
    from govcheck.extract._pdf.plumber import _read_plumber
    from govcheck.extract.base import ExtractOptions
    from govcheck.model import Unreadable

    if stage == "floor":
        for f in files:
            bench_run.raw_text(str(f))
    elif stage == "read":
        for f in files:
            with contextlib.suppress(Exception):
                _read_pdfium(f)
    elif stage == "layout":
        docs = []
        for f in files:
            with contextlib.suppress(Exception):
                docs.append(_read_pdfium(f))
        for d in docs:
            _layout(d.pages)
    elif stage in ("extract", "extract-nolayout"):
        if stage == "extract-nolayout":
            pdf_plugin._layout = lambda pages: ([], None)  # type: ignore[assignment]
        for f in files:
            with contextlib.suppress(Unreadable):
                pdf_plugin.extract(f, ExtractOptions())
    elif stage == "plumber":
        for f in files:
            try:
                _read_pdfium(f)
            except Exception:
                with contextlib.suppress(Exception):
                    _read_plumber(f)
    elif stage != "none":
        sys.exit(f"unknown stage {stage!r}")
    print(f"{stage}: {len(files)} PDFs", file=sys.stderr)


if __name__ == "__main__":
    main()
