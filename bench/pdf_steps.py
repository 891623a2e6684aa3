"""PDF extraction alone, on the dev and wild PDFs: a byte-exact dump, per-step CPU time, or one plain pass.

    python bench/pdf_steps.py dump OUT     # every page model and block, repr'd, to OUT; prints its md5
    python bench/pdf_steps.py time         # CPU seconds per step, mean of --passes passes (default 3)
    python bench/pdf_steps.py run          # extract every PDF once (for callgrind / instruction counts)
    python bench/pdf_steps.py run --none   # start-up only: what `run` costs before the first PDF

Why: the scan's JSON report shows only what survives normalising and the rules; the dump shows the
engine's own output (every line, run, coordinate and flag as `repr` prints it), so a change to the
PDFium reader that is not byte-identical shows up here first, on the file and page where it happens.
The steps are timed by wrapping the reader's methods (inclusive times: `lines` includes `split_at`).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"


def pdfs() -> list[Path]:
    """Every PDF of the dev and wild corpora, recognised by content as the scan does, sorted."""
    out = []
    for folder in (SHARED / "dev" / "docs", SHARED / "wild"):
        for p in sorted(folder.iterdir()):
            if p.is_file():
                with open(p, "rb") as fh:
                    if b"%PDF-" in fh.read(1024):
                        out.append(p)
    return out


def dump(target: Path) -> None:
    from govcheck.extract._pdf.model import _Broken, _Encrypted
    from govcheck.extract._pdf.pdfium import _read_pdfium
    from govcheck.extract.base import ExtractOptions
    from govcheck.extract.pdf import extract
    from govcheck.model import Unreadable

    lines: list[str] = []
    for path in pdfs():
        lines.append(f"## {path.name}")
        try:
            doc = _read_pdfium(path)
        except (_Broken, _Encrypted) as exc:
            lines.append(f"pdfium: {type(exc).__name__} {exc.args!r}")
        else:
            lines.append(f"count={doc.count} title={doc.meta_title!r}")
            for page in doc.pages:
                lines.append(repr(page))  # dataclass repr: every line, run, grid and flag
        try:
            ex = extract(path, ExtractOptions())
        except Unreadable as exc:
            lines.append(f"unreadable: {exc}")
        else:
            lines.append(f"extracted: {ex.title!r} {ex.pages} {ex.engine} {ex.warnings!r}")
            lines.extend(repr(b) for b in ex.blocks)
    data = ("\n".join(lines) + "\n").encode()
    target.write_bytes(data)
    print(hashlib.md5(data).hexdigest(), target, f"{len(data)} bytes")


def run(none: bool) -> None:
    from govcheck.extract.base import ExtractOptions
    from govcheck.extract.pdf import extract
    from govcheck.model import Unreadable

    for path in [] if none else pdfs():
        with contextlib.suppress(Unreadable):
            extract(path, ExtractOptions())


def timed(passes: int) -> None:
    import pypdfium2 as pdfium

    import govcheck.extract.pdf as plugin
    from govcheck.extract._pdf import pdfium as reader_mod
    from govcheck.extract.base import ExtractOptions
    from govcheck.model import Unreadable

    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)

    def wrap(owner, name: str, label: str) -> None:
        fn = getattr(owner, name)

        @functools.wraps(fn)
        def inner(*a, **k):
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent[label] += time.process_time() - t
                calls[label] += 1

        setattr(owner, name, inner)

    wrap(pdfium.PdfDocument, "__getitem__", "pdfium page load")
    wrap(pdfium.PdfPage, "get_textpage", "pdfium text page")
    wrap(pdfium.PdfTextPage, "get_text_range", "pdfium get_text_range")
    wrap(reader_mod._PdfiumReader, "geometry", "geometry (per-line PDFium calls)")
    wrap(reader_mod._PdfiumReader, "lines", "lines + runs (incl. cuts)")
    wrap(reader_mod._PdfiumReader, "split_at", "  of which cut searches")
    wrap(reader_mod._PdfiumReader, "objects", "page-object walk (ruling lines)")
    wrap(reader_mod._PdfiumReader, "page", "page total (pdfium reader)")
    wrap(plugin, "_layout", "layout")
    wrap(plugin, "_read_plumber", "pdfplumber recovery")
    files = pdfs()
    total = 0.0
    for _ in range(passes):
        t = time.process_time()
        for path in files:
            with contextlib.suppress(Unreadable):
                plugin.extract(path, ExtractOptions())
        total += time.process_time() - t
    import govcheck

    print(f"{len(files)} PDFs, mean of {passes} passes, CPU seconds (inclusive), {Path(govcheck.__file__).parent}")
    for label in spent:
        print(f"{label:<40} {spent[label] / passes:8.3f}  ({calls[label] // passes} calls)")
    print(f"{'whole extraction':<40} {total / passes:8.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=("dump", "time", "run"))
    ap.add_argument("out", nargs="?", type=Path)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--none", action="store_true")
    args = ap.parse_args()
    # govcheck from PYTHONPATH or the venv, not from this script's folder
    sys.path[:] = [p for p in sys.path if Path(p or '.').resolve() != ROOT / 'bench']
    if args.mode == "dump":
        dump(args.out or Path("pdf-dump.txt"))
    elif args.mode == "time":
        timed(args.passes)
    else:
        run(args.none)


if __name__ == "__main__":
    main()
