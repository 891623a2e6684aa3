"""OCR benchmark (issue #15): scanned pages, before and after page-level OCR, straightening and the page cache.

    python bench/ocr.py [--before REF] [--docs N --pages P]     # -> bench/out/ocr/results.json, printed as Markdown

Separate from bench/run.py (whose text-corpus figures it leaves alone). `--before REF` (default: the commit
before issue #15's work) is checked out with `git archive` into bench/out/ocr/before/ and run from there
with PYTHONPATH, in this same virtualenv, so both sides use the same Tesseract and libraries.

1. Throughput per core: `govcheck scan --ocr --jobs 1 --timeout 0 --no-cache` (one process; Tesseract runs
   as its child, so the CPU seconds of both are in RUSAGE_CHILDREN) on the corpus's labelled scans (mild:
   150 dpi) and on the harder set (tests/scanset.py: 200 dpi photocopies, stamps, turned pages, two columns,
   faxes, signatures). pages / CPU-second = pages per second per core. CPU seconds, not wall: this machine's
   2 cores are shared with other work, which stretches wall time but not CPU time.
2. Accuracy of those same reports (../shared/tools/evaluate.py) against the text PDFs they were made from.
3. One 4-page scan alone, `--jobs 2`: wall time (the pages of one document on both cores).
4. Orientation: govcheck.extract.straighten against Tesseract's OSD (`--psm 0`) on every page of the harder
   set turned 0/90/180/270 more: right answers and seconds per page.
5. Archive with scans: the dev corpus's documents in `--copies` perturbed copies each (bench/make_corpus.py's
   perturb: distinct bytes, same text) plus the mild and harder scans (>= 20 % of pages scanned), `--ocr`,
   default jobs, empty cache: cold wall time and peak memory (sampled like bench/run.py), before and after;
   then one scanned agreement gets a signature page and the archive is scanned again (after only).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out" / "ocr"
DEV = ROOT.parent / "shared" / "corpus" / "dev"
EVALUATE = ROOT.parent / "shared" / "tools" / "evaluate.py"
AS_OF = "2026-11-22"
BEFORE = "58132a0"  # the last commit before issue #15's OCR work
sys.path[:0] = [str(BENCH), str(ROOT / "tests")]

import make_corpus  # noqa: E402
import run as text_bench  # noqa: E402  (measure(): wall time and peak memory of a process tree)
import scanset  # noqa: E402

TEXT_PDFS = ("dev-sv-001", "dev-sv-003", "dev-sv-006", "dev-sv-008", "dev-sv-010", "dev-sv-013")


def checkout(ref: str) -> Path:
    target = OUT / "before"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def env_for(src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def cpu_run(folder: Path, src: Path | None, out: Path) -> dict:
    """One in-process scan; wall and CPU seconds (govcheck + its Tesseract children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "govcheck", "scan", str(folder), "--ocr", "--jobs", "1", "--timeout", "0",
         "--no-cache", "--format", "json", "--output", str(out), "--as-of", AS_OF, "--fail-on", "never", "-q"],
        env=env_for(src), cwd=src or ROOT, capture_output=True, text=True, check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": round(wall, 1), "cpu": round(cpu, 1)}


def accuracy(report: Path, only: str, ocr_labels: bool = False) -> str:
    proc = subprocess.run([sys.executable, str(EVALUATE), "--expected", str(DEV / "expected.yaml"), "--report",
                           str(report), "--only", only, *(["--ocr"] if ocr_labels else [])],
                          capture_output=True, text=True, check=False)
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr.strip()


def pages_of(folder: Path) -> int:
    import pypdfium2 as pdfium

    total = 0
    for f in folder.rglob("*.pdf"):
        pdf = pdfium.PdfDocument(str(f))
        total += len(pdf)
        pdf.close()
    return total


def orientation(hard: Path, truth: dict[str, list[tuple[str, int]]]) -> dict:
    """straighten.analyse vs Tesseract OSD on each page turned by 0-3 more quarters (300 dpi, as OCR renders)."""
    import pypdfium2 as pdfium
    from PIL import Image

    from govcheck.extract import straighten

    turns = {1: Image.Transpose.ROTATE_90, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_270}
    score = {"projection": [0, 0.0], "osd": [0, 0.0]}
    n = 0
    for name, pages in truth.items():
        pdf = pdfium.PdfDocument(str(hard / f"{name}.pdf"))
        for i, (_step, quarters) in enumerate(pages):
            base = pdf[i].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
            for extra in range(4):
                image = base.transpose(turns[extra]) if extra else base
                want = (8 - quarters - extra) % 4  # counter-clockwise quarters that make it upright
                t0 = time.perf_counter()
                how = straighten.analyse(image)
                score["projection"][1] += time.perf_counter() - t0
                score["projection"][0] += how.quarter == want
                buf = io.BytesIO()
                image.save(buf, "PNG")
                t0 = time.perf_counter()
                osd = subprocess.run(["tesseract", "-", "-", "--psm", "0", "--dpi", "300"], input=buf.getvalue(),
                                     capture_output=True, env=dict(os.environ, OMP_THREAD_LIMIT="1"), check=False)
                score["osd"][1] += time.perf_counter() - t0
                m = re.search(rb"Rotate: (\d+)", osd.stdout)
                # OSD's "Rotate" is clockwise degrees to make the page upright.
                score["osd"][0] += m is not None and (4 - int(m.group(1)) // 90) % 4 == want
                n += 1
        pdf.close()
    return {k: {"right": v[0], "of": n, "seconds_per_page": round(v[1] / n, 3)} for k, v in score.items()}


def archive_run(folder: Path, src: Path | None, cache: Path, tag: str) -> dict:
    if cache.exists():
        shutil.rmtree(cache)
    out = OUT / f"archive-{tag}.json"
    cmd = [sys.executable, "-m", "govcheck", "scan", str(folder), "--ocr", "--format", "json", "--output", str(out),
           "--as-of", AS_OF, "--fail-on", "never", "-q", "--cache-dir", str(cache)]
    m = text_bench.measure(cmd, env=env_for(src), cwd=str(src or ROOT))
    docs = json.loads(out.read_text())["documents"]
    return {**{k: round(v, 1) for k, v in m.items()}, "unreadable": sum(d["status"] != "ok" for d in docs)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", default=BEFORE, help="git ref of the code to compare with")
    ap.add_argument("--copies", type=int, default=3, help="copies of each dev document in the archive")
    ap.add_argument("--skip", default="", help="comma-separated steps to skip: throughput,single,orientation,archive")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    OUT.mkdir(parents=True, exist_ok=True)
    previous = OUT / "results.json"  # steps skipped keep their last figures
    results: dict = json.loads(previous.read_text()) if skip and previous.exists() else {}
    results.update({"machine": text_bench.machine(), "before": args.before})
    before_src = checkout(args.before)

    hard, mild = OUT / "hard", OUT / "mild"
    for d in (hard, mild):
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
    truth = {n: scanset.make_hard_scan(DEV / "docs" / f"{n}.pdf", hard / f"{n}.pdf") for n in TEXT_PDFS}
    for f in (DEV / "docs").glob("*.scan.pdf"):
        shutil.copy(f, mild / f.name)
    results["sets"] = {"hard_pages": pages_of(hard), "mild_pages": pages_of(mild),
                       "plans": {n: [s for s, _ in t] for n, t in truth.items()}}
    only = "|".join(re.escape(n) for n in TEXT_PDFS)

    if "throughput" not in skip:
        for label, src in (("before", before_src), ("after", None)):
            for name, folder in (("mild", mild), ("hard", hard)):
                out = OUT / f"{name}-{label}.json"
                r = cpu_run(folder, src, out)
                pages = results["sets"][f"{name}_pages"]
                r["pages_per_cpu_second"] = round(pages / r["cpu"], 3)
                r["accuracy"] = accuracy(out, rf"({only})\.scan\.pdf" if name == "mild" else rf"({only})\.pdf",
                                         ocr_labels=name == "mild")
                results.setdefault("throughput", {}).setdefault(name, {})[label] = r
                print(name, label, r, flush=True)

    if "single" not in skip:
        one = OUT / "single"
        shutil.rmtree(one, ignore_errors=True)
        one.mkdir()
        shutil.copy(hard / "dev-sv-008.pdf", one / "dev-sv-008.pdf")  # 4 pages
        for label, src in (("before", before_src), ("after", None)):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "govcheck", "scan", str(one), "--ocr", "--jobs", "2", "--no-cache",
                            "--format", "json", "--as-of", AS_OF, "-q", "--fail-on", "never"],
                           env=env_for(src), cwd=src or ROOT, capture_output=True, check=True)
            results.setdefault("single_4_pages_jobs2", {})[label] = round(time.perf_counter() - t0, 1)
            print("single", label, results["single_4_pages_jobs2"][label], flush=True)

    if "orientation" not in skip:
        results["orientation"] = orientation(hard, truth)
        print("orientation", results["orientation"], flush=True)

    if "archive" not in skip:
        arch = OUT / "archive"
        shutil.rmtree(arch, ignore_errors=True)
        (arch / "text").mkdir(parents=True)
        (arch / "scans").mkdir()
        text_pages = scanned = 0
        for n in range(args.copies):
            for src in sorted((DEV / "docs").iterdir()):
                fmt = make_corpus.FORMATS.get(src.suffix.lower())
                if fmt is None or ".scan." in src.name:
                    continue
                data, _ = make_corpus.perturb(src.read_bytes(), fmt, n)
                target = arch / "text" / f"{src.stem}-{n}{src.suffix}"
                target.write_bytes(data)
                text_pages += make_corpus.page_count(target)
        for f in [*hard.glob("*.pdf"), *mild.glob("*.pdf")]:
            shutil.copy(f, arch / "scans" / f.name.replace(".pdf", "-scan.pdf"))
        scanned = pages_of(arch / "scans")
        total = text_pages + scanned
        results["archive"] = {"documents": sum(1 for p in arch.rglob("*") if p.is_file()), "pages": total,
                              "scanned_pages": scanned, "scanned_share": round(scanned / total, 3)}
        print("archive", results["archive"], flush=True)
        for label, src in (("before", before_src), ("after", None)):
            results["archive"][label] = archive_run(arch, src, OUT / f"cache-{label}", label)
            print("archive", label, results["archive"][label], flush=True)
        # The same archive again, one agreement come back signed: a new last page on 003's harder scan.
        import pypdfium2 as pdfium
        from PIL import Image, ImageDraw, ImageFont

        page = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(page)
        draw.text((200, 300), "Underskrifter", fill=0, font=ImageFont.load_default(size=60))
        draw.text((200, 450), "För Region Västerdal: Johanna Reimers", fill=0, font=ImageFont.load_default(size=40))
        sig = OUT / "signature.pdf"
        page.save(sig, "PDF", resolution=200)
        target = arch / "scans" / "dev-sv-003-scan.pdf"
        signed = pdfium.PdfDocument(str(target))
        signed.import_pages(pdfium.PdfDocument(str(sig)))
        signed.save(str(target.with_suffix(".tmp")))
        signed.close()
        target.with_suffix(".tmp").replace(target)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "govcheck", "scan", str(arch), "--ocr", "--format", "json",
                               "--as-of", AS_OF, "--fail-on", "never", "--cache-dir", str(OUT / "cache-after")],
                              cwd=ROOT, capture_output=True, text=True, check=True)
        summary = " ".join(proc.stderr.split()).rsplit("govcheck: ", 1)[-1]
        results["archive"]["rescan_after_signature"] = {"wall": round(time.perf_counter() - t0, 1), "summary": summary}
        print("rescan", results["archive"]["rescan_after_signature"], flush=True)

    (OUT / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
