"""Benchmark: govcheck against the extraction floor and a pdftotext+grep peer, on the same files.

    python bench/run.py            # 2,000 documents / >= 15,000 pages, 3 runs each -> bench/RESULTS.md
    python bench/run.py --small    # 200 documents / 1,500 pages -> bench/out/RESULTS-small.md
    python bench/run.py --national 2000 100000   # short documents: wall, documents/s, peak memory

The national case (--national N ...): N byte-distinct short documents of mixed formats
(make_corpus.build_national), one cold `govcheck scan --format json` each (empty cache, default
jobs), the table written into the notes of bench/RESULTS.md between NATIONAL markers. A size with a
saved result (bench/out/national-N.result.json) is not measured again unless --again: a 100,000
document run takes most of an hour on the shared 2-core machine.

Measured, interleaved run by run on the same corpus and the same number of worker processes:

1. floor  - raw text only, fastest backend, process pool: pypdfium2 get_text_range() per page,
            python-docx paragraphs and cells, ODT content.xml text nodes (lxml);
2. cold   - `govcheck scan --format json` with an empty cache, default pack;
3. warm   - the same scan again, cache filled: every result comes from the cache (no extraction,
            no rule evaluation, no worker process); the scan hashes each file and reads its entry;
4. peer   - `pdftotext` (DOCX/ODT: unzip | sed) | `grep -c -i -F -f keywords` with the default
            pack's plain terms, through xargs -P.

Wall time is the median of the runs; peak memory is sampled every 50 ms over the whole process
tree (/proc): the sum of RSS (counts pages shared by forked workers once per process, so it
over-states) and the sum of PSS (shares them out). The share of rule evaluation comes from the
scan's own instrumentation (bench/govcheck_stats.py): worker seconds in rule evaluation over all
worker seconds per document (extraction, language and type detection, rules); the language/type
share is shown beside it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

import make_corpus  # noqa: E402  (bench/ is not a package)

# --- measuring ----------------------------------------------------------------------------------


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [root], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) in kB; PSS from smaps_rollup when readable, else RSS."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
        return rss, pss or rss
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmRSS:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return rss, rss


def measure(cmd: list[str], **popen: object) -> dict:
    """Run cmd; wall seconds and peak tree memory (MB)."""
    peak = {"rss": 0, "pss": 0}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, **popen)  # type: ignore[call-overload]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss = pss = 0
            for pid in _tree(proc.pid):
                r, p = _memory(pid)
                rss, pss = rss + r, pss + p
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            stop.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(map(str, cmd))}")
    return {"wall": wall, "rss_mb": peak["rss"] / 1024, "pss_mb": peak["pss"] / 1024}


# --- the floor ------------------------------------------------------------------------------------


def raw_text(path: str) -> int:
    """Characters of text by the cheapest route per format (0 when the file cannot be read)."""
    try:
        if path.endswith(".pdf"):
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(path)
            n = 0
            try:
                for i in range(len(pdf)):
                    page = pdf[i]
                    tp = page.get_textpage()
                    n += len(tp.get_text_range())
                    tp.close()
                    page.close()
            finally:
                pdf.close()
            return n
        if path.endswith(".docx"):
            import docx

            d = docx.Document(path)
            n = sum(len(p.text) for p in d.paragraphs)
            for table in d.tables:
                for row in table.rows:
                    n += sum(len(c.text) for c in row.cells)
            return n
        if path.endswith(".odt"):
            import zipfile

            from lxml import etree

            with zipfile.ZipFile(path) as zf:
                root = etree.fromstring(zf.read("content.xml"), etree.XMLParser(resolve_entities=False))
            return sum(len(t) for t in root.itertext())
    except Exception:
        return 0
    return 0


def floor_main(listing: str, jobs: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    files = Path(listing).read_text(encoding="utf-8").splitlines()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        chars = sum(pool.map(raw_text, files, chunksize=4))
    print(chars)


# --- the peer -------------------------------------------------------------------------------------


def keywords(out: Path) -> Path:
    """The default pack's plain (non-regex) terms as fixed strings, '*' wildcards dropped."""
    from govcheck.rules import load_packs
    from govcheck.rules.conditions import Condition, Find

    words: set[str] = set()

    def add(terms: list) -> None:
        for t in terms:
            if t.words:
                words.add(" ".join(w.text for w in t.words))

    for pack in load_packs(None):
        for per_lang in pack.signals.values():
            for terms in per_lang.values():
                add(terms)
        todo: list[object] = [c for r in pack.rules for c in (r.met, r.partial, r.forbid, r.evidence) if c]
        while todo:
            cond = todo.pop()
            if isinstance(cond, Find) and isinstance(cond.terms, dict):
                for terms in cond.terms.values():
                    add(terms)
            for attr in ("parts", "part"):
                sub = getattr(cond, attr, None)
                if isinstance(sub, Condition):
                    todo.append(sub)
                elif isinstance(sub, list):
                    todo.extend(sub)
    path = out / "keywords.txt"
    path.write_text("\n".join(sorted(w for w in words if len(w) >= 3)) + "\n", encoding="utf-8")
    return path


PEER = r"""for f; do
  case "$f" in
    *.pdf) pdftotext -q "$f" - ;;
    *.docx) unzip -p "$f" word/document.xml | sed -e 's/<[^>]*>/ /g' ;;
    *.odt) unzip -p "$f" content.xml | sed -e 's/<[^>]*>/ /g' ;;
  esac | grep -c -i -F -f "$KEYWORDS"
done
true"""


NOTES = "<!-- notes: kept when bench/run.py rewrites this file -->"

# --- the run --------------------------------------------------------------------------------------


def machine() -> dict:
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": model, "python": platform.python_version(), "system": platform.platform(),
        "date": dt.datetime.now().isoformat(timespec="minutes"), "commit": commit.stdout.strip(),
        "pdftotext": shutil.which("pdftotext") is not None,
    }


def govcheck_cmd(stats: Path, corpus: Path, out: Path, cache: Path | None, jobs: int, extra: tuple = ()) -> list[str]:
    cmd = [sys.executable, str(BENCH / "govcheck_stats.py"), str(stats), "scan", str(corpus), "--format", "json",
           "--output", str(out), "-q", "--fail-on", "never", "--jobs", str(jobs), *extra]
    return cmd + (["--cache-dir", str(cache)] if cache else ["--no-cache"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="200 documents / 1,500 pages")
    ap.add_argument("--docs", type=int)
    ap.add_argument("--pages", type=int)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=0, help="worker processes for every contender (0 = cores)")
    ap.add_argument("--results", type=Path, help="default bench/RESULTS.md (--small: bench/out/RESULTS-small.md)")
    ap.add_argument("--floor-worker", nargs=2, metavar=("LIST", "JOBS"), help=argparse.SUPPRESS)
    ap.add_argument("--national", type=int, nargs="+", metavar="N", help="short-document runs of these sizes")
    ap.add_argument("--again", action="store_true", help="--national: measure sizes already measured")
    args = ap.parse_args()
    if args.floor_worker:
        floor_main(args.floor_worker[0], int(args.floor_worker[1]))
        return
    if args.national:
        national(args.national, args.again, args.jobs)
        return
    info = machine()
    jobs = args.jobs or info["cores"]
    docs = args.docs or (200 if args.small else 2000)
    pages = args.pages or (1500 if args.small else 15000)
    corpus = OUT / f"corpus-{docs}-{pages}"
    manifest_path = corpus / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    else:
        manifest = make_corpus.build(corpus, docs, pages)
    files = [str(corpus / f["path"]) for f in manifest["files"]]
    total_pages = manifest["pages"]
    work = Path(tempfile.mkdtemp(prefix="govcheck-bench-"))
    listing = work / "files.txt"
    listing.write_text("\n".join(files) + "\n", encoding="utf-8")
    kw = keywords(work)
    peer = work / "peer.sh"
    peer.write_text(PEER + "\n", encoding="utf-8")
    print(f"corpus {corpus}: {len(files)} documents, {total_pages} pages; {jobs} jobs; work in {work}",
          file=sys.stderr)

    runs: dict[str, list[dict]] = {"floor": [], "cold": [], "warm": [], "peer": [], "dev": []}
    outputs: dict[str, list[bytes]] = {"cold": [], "warm": []}
    env = {**os.environ, "KEYWORDS": str(kw), "LC_ALL": "C.UTF-8"}
    for rep in range(args.runs):
        m = measure([sys.executable, __file__, "--floor-worker", str(listing), str(jobs)], stdout=subprocess.DEVNULL)
        runs["floor"].append(m)
        cache = work / f"cache-{rep}"
        for kind in ("cold", "warm"):
            stats, out = work / f"{kind}-{rep}.stats.json", work / f"{kind}-{rep}.json"
            m = measure(govcheck_cmd(stats, corpus, out, cache, jobs))
            m["stats"] = json.loads(stats.read_text())
            runs[kind].append(m)
            outputs[kind].append(out.read_bytes())
        if info["pdftotext"]:
            m = measure(["sh", "-c", f"xargs -d '\\n' -n 8 -P {jobs} sh {peer} < {listing} > /dev/null"], env=env)
            runs["peer"].append(m)
        dev_stats = work / f"dev-{rep}.stats.json"
        m = measure(govcheck_cmd(dev_stats, ROOT.parent / "shared" / "corpus" / "dev" / "docs", work / "dev.json",
                                 None, jobs))
        runs["dev"].append(m)
        shutil.rmtree(cache, ignore_errors=True)
        print(f"run {rep + 1}: " + ", ".join(f"{k} {v[-1]['wall']:.1f} s" for k, v in runs.items() if v),
              file=sys.stderr)

    identical = len({*outputs["cold"], *outputs["warm"]}) == 1
    result = {"machine": info, "jobs": jobs, "documents": len(files), "pages": total_pages,
              "formats": manifest["formats"], "runs": runs, "cold_equals_warm": identical,
              "sources": manifest.get("sources"), "identical_copies": manifest.get("identical_copies")}
    (OUT / "results.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    target = args.results or (OUT / "RESULTS-small.md" if args.small else BENCH / "RESULTS.md")
    notes = ""
    if target.exists():  # hand-written analysis below the marker survives a re-run
        old = target.read_text(encoding="utf-8")
        if NOTES in old:
            notes = old[old.index(NOTES):]
    target.write_text(render(result, corpus) + notes, encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)


NATIONAL_START, NATIONAL_END = "<!-- NATIONAL: written by bench/run.py --national -->", "<!-- /NATIONAL -->"


def national_run(n: int, jobs: int) -> dict:
    """One cold JSON scan of n short documents, measured like the other contenders."""
    corpus = OUT / f"national-{n}"
    if not (corpus / "manifest.json").exists():
        make_corpus.build_national(corpus, n)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix=f"govcheck-national-{n}-", dir=OUT))
    try:
        m = measure(govcheck_cmd(work / "stats.json", corpus, work / "report.json", work / "cache", jobs))
        m["stats"] = json.loads((work / "stats.json").read_text())
        m["report_bytes"] = (work / "report.json").stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
    m.update(documents=n, formats=manifest["formats"], pages=manifest["pages"], commit=machine()["commit"],
             date=dt.datetime.now().isoformat(timespec="minutes"))
    return m


def national(sizes: list[int], again: bool, jobs: int) -> None:
    results = []
    for n in sizes:
        saved = OUT / f"national-{n}.result.json"
        if again or not saved.exists():
            print(f"national: scanning {n} documents", file=sys.stderr)
            saved.write_text(json.dumps(national_run(n, jobs), indent=1), encoding="utf-8")
        result = json.loads(saved.read_text(encoding="utf-8"))
        manifest = OUT / f"national-{n}" / "manifest.json"
        if "formats" not in result and manifest.exists():
            result["formats"] = json.loads(manifest.read_text(encoding="utf-8"))["formats"]
        results.append(result)
    info = machine()
    base = results[0]["documents"] / results[0]["wall"]
    lines = [NATIONAL_START, "## National scale: short documents, one cold scan each", "",
             f"{info['cores']} cores ({info['cpu']}), shared with other work; `python bench/run.py --national "
             f"{' '.join(map(str, sizes))}`. Each corpus: byte-distinct copies of the examples (ODT, DOCX, TXT, "
             "HTML, Markdown) and two 2-3 page PDFs, in folders of 1,000; `govcheck scan --format json` with "
             "an empty cache and one worker per core. Peak memory: the whole process tree, sampled every 50 ms.",
             "", "| documents | formats | wall s | documents/s | vs first row | peak RSS MB | peak PSS MB | "
             "JSON report MB | commit, date |", "|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        rate = r["documents"] / r["wall"]
        formats = ", ".join(f"{k} {v}" for k, v in sorted(r.get("formats", {}).items()))
        lines.append(f"| {r['documents']:,} | {formats} | {r['wall']:.0f} | {rate:.1f} | {rate / base:.2f} | "
                     f"{r['rss_mb']:.0f} | {r['pss_mb']:.0f} | {r.get('report_bytes', 0) / 1e6:.0f} | "
                     f"{r.get('commit', '?')}, {r.get('date', '?')} |")
    lines.append(NATIONAL_END)
    block = "\n".join(lines) + "\n"
    target = BENCH / "RESULTS.md"
    text = target.read_text(encoding="utf-8")
    if NATIONAL_START in text:
        text = text[:text.index(NATIONAL_START)] + block + text[text.index(NATIONAL_END) + len(NATIONAL_END) + 1:]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    target.write_text(text, encoding="utf-8")
    print(block, file=sys.stderr)


def render(r: dict, corpus: Path) -> str:
    med = {k: statistics.median(x["wall"] for x in v) for k, v in r["runs"].items() if v}
    spread = {k: (min(x["wall"] for x in v), max(x["wall"] for x in v)) for k, v in r["runs"].items() if v}
    peak = {k: (max(x["rss_mb"] for x in v), max(x["pss_mb"] for x in v)) for k, v in r["runs"].items() if v}
    pages = r["pages"]

    def share(kind: str, part: str = "rules_seconds") -> float:
        st = [x["stats"] for x in r["runs"][kind]]
        total = [s["rules_seconds"] + s["prepare_seconds"] + s.get("classify_seconds", 0.0) for s in st]
        return statistics.median(s.get(part, 0.0) / max(1e-9, t) for s, t in zip(st, total, strict=True))

    m = r["machine"]
    formats = ", ".join(f"{n} {f}" for f, n in r["formats"].items())
    names = {"floor": "1. floor: raw text only (pypdfium2 / python-docx / lxml), process pool",
             "cold": "2. govcheck cold (empty cache), default pack, JSON",
             "warm": "3. govcheck warm (cache filled)",
             "peer": "4. peer: pdftotext (unzip+sed for DOCX/ODT) + grep -F keywords, xargs -P",
             "dev": "dev corpus (17 files), govcheck, no cache"}
    lines = [
        "# Benchmark results",
        "",
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}), Python {m['python']}, {m['system']}, "
        f"govcheck commit {m['commit']}. The machine is shared and noisy: medians of {len(r['runs']['cold'])} "
        "interleaved runs, min-max shown.",
        "",
        f"Corpus: {r['documents']} documents, {pages} pages ({formats}), "
        f"copies of the {r['sources']} files in ../shared/corpus/dev/docs and ../shared/corpus/wild made by "
        f"`bench/make_corpus.py` ({r['identical_copies']} byte-identical copies: every copy has distinct bytes, "
        "so the cold scan gets no cache hits). The two largest PDFs (117 and 65 pages) supply much of the page "
        "count.",
        "",
        f"Every contender uses {r['jobs']} worker processes. Peak memory is the whole process tree, sampled "
        "every 50 ms: RSS summed over processes (over-counts pages shared between forked workers) / PSS summed.",
        "",
        "| run | wall s (median) | min-max | pages/s | peak RSS MB | peak PSS MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for k in ("floor", "cold", "warm", "peer", "dev"):
        if k not in med:
            continue
        pps = f"{pages / med[k]:.0f}" if k != "dev" else "-"
        lines.append(f"| {names[k]} | {med[k]:.1f} | {spread[k][0]:.1f}-{spread[k][1]:.1f} | {pps} | "
                     f"{peak[k][0]:.0f} | {peak[k][1]:.0f} |")
    def ratio(a: str, b: str) -> float:
        """Median of the per-run ratios: each run measures its contenders back to back, so a noisy
        neighbour slows both sides of one ratio, where a ratio of medians can pair a quiet run with a
        busy one."""
        return statistics.median(x["wall"] / y["wall"] for x, y in zip(r["runs"][a], r["runs"][b], strict=True))

    cold_share = share("cold")
    st = r["runs"]["cold"][-1]["stats"]
    warm_st = r["runs"]["warm"][-1]["stats"]
    lines += [
        "",
        "| ratio (median of the per-run ratios) | measured | target |",
        "|---|---:|---|",
        f"| cold / floor | {ratio('cold', 'floor'):.2f} | <= 1.3 |",
        f"| cold / warm (warm speed-up) | {ratio('cold', 'warm'):.1f} | >= 20 |",
    ]
    if "peer" in med:
        lines.append(f"| cold / peer | {ratio('cold', 'peer'):.2f} | - |")
    lines += [
        f"| rule evaluation share of cold (worker time) | {cold_share:.0%} | <= 10% |",
        f"| language + document type share of cold (worker time) | {share('cold', 'classify_seconds'):.0%} | - |",
        f"| warm: results served from the cache / worker processes started | "
        f"{warm_st.get('result_hits', 0)} / {warm_st.get('workers_started', '-')} | - |",
        f"| peak memory, cold (PSS / RSS sum) | {peak['cold'][1]:.0f} / {peak['cold'][0]:.0f} MB | <= 500 MB |",
        f"| dev corpus scan | {med['dev']:.1f} s | < 20 s |",
        "",
        f"Cold scan, last run: {st['cache_misses']} cache misses, {st['cache_hits']} hits, {st['timeouts']} "
        f"timeouts, {st['crashes']} crashes; worker seconds: {st['prepare_seconds']:.0f} extracting, "
        f"{st.get('classify_seconds', 0):.0f} language/type, {st['rules_seconds']:.0f} rules. "
        f"Warm: {warm_st.get('result_hits', 0)} results and "
        f"{warm_st['cache_hits'] - warm_st.get('result_hits', 0)} prepared documents from the cache, "
        f"{warm_st.get('probe_seconds', 0):.1f} s hashing files and reading entries in the scanning process, "
        f"{warm_st['rules_seconds']:.0f} s rules, {warm_st.get('workers_started', '-')} workers started.",
        f"Cold and warm JSON reports byte-identical across all runs: {'yes' if r['cold_equals_warm'] else 'NO'}.",
        "",
        f"Reproduce: `python bench/run.py{'' if r['documents'] == 2000 else ' --docs ' + str(r['documents'])}` "
        f"(corpus in {corpus.relative_to(ROOT)}, raw numbers in bench/out/results.json).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
