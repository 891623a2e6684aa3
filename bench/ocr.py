"""OCR benchmark (issue #15): scanned pages, before and after page-level OCR, straightening and the page cache.

    python bench/ocr.py [--before REF] [--rounds N] [--skip STEPS]     # -> bench/out/ocr/results.json

Separate from bench/run.py (whose text-corpus figures it leaves alone). `--before REF` (default: the commit
before issue #15's work) is checked out with `git archive` into bench/out/ocr/before/ and run from there
with PYTHONPATH, in this same virtualenv, so both sides use the same Tesseract and libraries.

1. Throughput per core: `govcheck scan --ocr --jobs 1 --timeout 0 --no-cache` (one process; Tesseract runs
   as its child, so the CPU seconds of both are in RUSAGE_CHILDREN) on the corpus's labelled scans (mild:
   150 dpi) and on the harder set (tests/scanset.py: 200 dpi photocopies, stamps, turned pages, two columns,
   faxes, signatures). pages / CPU-second = pages per second per core. CPU seconds, not wall: this machine's
   2 cores are shared with other work, which stretches wall time but not CPU time.
   With --rounds N the before/after runs alternate N times and the median CPU is reported (this
   machine's CPU seconds still move by 10-20 % with the load of the other work on it).
2. Accuracy of those same reports (../shared/tools/evaluate.py) against the text PDFs they were made from.
3. One 4-page scan alone, `--jobs 2`: wall time (the pages of one document on both cores).
4. Orientation: govcheck.extract.straighten against Tesseract's OSD (`--psm 0`) on every page of the harder
   set turned 0/90/180/270 more: right answers and seconds per page.
5. Archive with scans: the dev corpus's documents in `--copies` perturbed copies each (bench/make_corpus.py's
   perturb: distinct bytes, same text) plus the mild and harder scans (>= 20 % of pages scanned), `--ocr`,
   default jobs, empty cache: cold wall time and peak memory (sampled like bench/run.py), before and after;
   then one scanned agreement gets a signature page and the archive is scanned again (after only).
6. Words (`words`): per page of the harder set, the share of the text layer's words the OCR'd page has
   (recall, as bags of words) and their order (1 - word error rate against the text layer's word
   sequence), before and after; and each cell the harder set's report gets wrong, with the treatment of
   the page its text version quotes for it (the cause: stamp, signature, rotate, columns, fax).
   Each side OCRs through its own page cache once (in process, `--words-of`) and the report is then
   scanned from that cache.
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
BEFORE = "58132a0"  # the last commit before issue #15's OCR work (the eighth session compares with 01b0e36)
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
    # The compiled PDF helper (git-ignored) goes along when its source is the same, so that both sides
    # read PDFs alike and only the OCR differs.
    helper = Path("govcheck/extract/_pdf")
    if (ROOT / helper / "_native.c").exists() and (target / helper / "_native.c").exists() and (
            (ROOT / helper / "_native.c").read_bytes() == (target / helper / "_native.c").read_bytes()):
        for built in (ROOT / helper).glob("_native*.so"):
            shutil.copy(built, target / helper / built.name)
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


def words_of(hard: Path, cache: Path) -> dict[str, dict[str, list[str]]]:
    """Per document and page, the words of the OCR'd blocks (runs in the code under test: --words-of)."""
    from govcheck.cache import Cache
    from govcheck.extract import ExtractOptions, extract, ocr

    ocr.configure(cache=Cache(cache))
    out: dict[str, dict[str, list[str]]] = {}
    for name in TEXT_PDFS:
        blocks = extract(hard / f"{name}.pdf", "pdf", ExtractOptions(ocr=True)).blocks
        pages = sorted({b.page for b in blocks if b.page is not None})
        out[name] = {str(p): _tokens("\n".join(b.text for b in blocks if b.page == p)) for p in pages}
    return out


def _tokens(text: str) -> list[str]:
    """Words as ../shared/tools/evaluate.py compares text: hyphenation at line ends joined, case folded."""
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text)
    return re.findall(r"\w+", text.casefold())


def _edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def page_words(hard: Path, src: Path | None, cache: Path, truth: dict) -> dict:
    """Recall and order of every harder page's words against its text layer (text layer: this code)."""
    from collections import Counter

    from govcheck.extract import ExtractOptions, extract

    if cache.exists():
        shutil.rmtree(cache)
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--words-of", str(hard), str(cache)],
                          env=dict(os.environ, PYTHONPATH=str(src or ROOT)), cwd=src or ROOT,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    scanned = json.loads(proc.stdout)
    rows = []
    for name in TEXT_PDFS:
        blocks = extract(DEV / "docs" / f"{name}.pdf", "pdf", ExtractOptions()).blocks
        last = max(b.page or 0 for b in blocks)
        for page in range(1, last + 1):
            want = _tokens("\n".join(b.text for b in blocks if b.page == page))
            got = scanned.get(name, {}).get(str(page), [])
            common = sum((Counter(want) & Counter(got)).values())
            step = truth[name][page - 1][0] + (" + signature" if page == last else "")
            rows.append({"doc": name, "page": page, "treatment": step, "words": len(want),
                         "recall": round(common / max(len(want), 1), 3),
                         "order": round(1 - _edit_distance(want, got) / max(len(want), 1), 3),
                         "extra": len(got) - common})
    total = sum(r["words"] for r in rows)
    summary = {k: round(sum(r[k] * r["words"] for r in rows) / total, 4) for k in ("recall", "order")}
    return {"pages": rows, **summary, "extra": sum(r["extra"] for r in rows)}


def misses(report: Path, text_report: Path, truth: dict) -> list[dict]:
    """Cells of the harder set's report that differ from the labels, each with the treatment of the
    pages the text version quotes for that rule (where the scan lost it)."""
    import yaml

    labels = {Path(d["file"]).name: d["expected"]
              for d in yaml.safe_load((DEV / "expected.yaml").read_text(encoding="utf-8"))["documents"]}
    text = {Path(d["path"]).name: {r["rule"]: r for r in d["results"]}
            for d in json.loads(text_report.read_text())["documents"]}
    out = []
    for doc in json.loads(report.read_text())["documents"]:
        name = Path(doc["path"]).name
        got = {r["rule"]: r["outcome"] for r in doc["results"]}
        for rule, label in labels.get(name, {}).items():
            if got.get(rule) == label["outcome"]:
                continue
            pages = sorted({e.get("page") for e in text[name][rule]["evidence"] if e.get("page")})
            plan = truth[Path(name).stem]
            causes = sorted({plan[p - 1][0] + (" + signature" if p == len(plan) else "") for p in pages})
            out.append({"doc": name, "rule": rule, "want": label["outcome"], "got": got.get(rule),
                        "pages": pages, "treatments": causes})
    return out


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
    ap.add_argument("--skip", default="",
                    help="comma-separated steps to skip: throughput,single,orientation,archive,words")
    ap.add_argument("--rounds", type=int, default=1, help="throughput runs per side, alternating (median CPU)")
    ap.add_argument("--words-of", nargs=2, metavar=("HARD", "CACHE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.words_of:
        print(json.dumps(words_of(Path(args.words_of[0]), Path(args.words_of[1]))))
        return
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
        runs: dict[tuple[str, str], list[dict]] = {}
        for _round in range(args.rounds):
            for label, src in (("before", before_src), ("after", None)):
                for name, folder in (("mild", mild), ("hard", hard)):
                    out = OUT / f"{name}-{label}.json"
                    r = cpu_run(folder, src, out)
                    runs.setdefault((name, label), []).append(r)
                    print(name, label, r, flush=True)
        for (name, label), rs in runs.items():
            out = OUT / f"{name}-{label}.json"
            cpus = sorted(r["cpu"] for r in rs)
            r = {"cpu": cpus[len(cpus) // 2], "cpu_runs": [x["cpu"] for x in rs], "wall_runs": [x["wall"] for x in rs]}
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

    if "words" not in skip:
        text_dir = OUT / "text"
        shutil.rmtree(text_dir, ignore_errors=True)
        text_dir.mkdir()
        for n in TEXT_PDFS:
            shutil.copy(DEV / "docs" / f"{n}.pdf", text_dir / f"{n}.pdf")
        text_report = OUT / "text.json"
        subprocess.run([sys.executable, "-m", "govcheck", "scan", str(text_dir), "--no-cache", "--format", "json",
                        "--output", str(text_report), "--as-of", AS_OF, "--fail-on", "never", "-q"],
                       cwd=ROOT, check=True)
        words: dict = {"text_accuracy": accuracy(text_report, rf"({only})\.pdf")}
        for label, src in (("before", before_src), ("after", None)):
            cache = OUT / f"words-cache-{label}"
            side = page_words(hard, src, cache, truth)
            report = OUT / f"words-{label}.json"
            subprocess.run([sys.executable, "-m", "govcheck", "scan", str(hard), "--ocr", "--jobs", "1",
                            "--cache-dir", str(cache), "--format", "json", "--output", str(report), "--as-of", AS_OF,
                            "--fail-on", "never", "-q"], env=env_for(src), cwd=src or ROOT, check=True)
            side["accuracy"] = accuracy(report, rf"({only})\.pdf")
            side["misses"] = misses(report, text_report, truth)
            words[label] = side
            print("words", label, {k: v for k, v in side.items() if k != "pages"}, flush=True)
        results["words"] = words

    (OUT / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
