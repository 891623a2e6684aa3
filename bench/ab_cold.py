"""Cold scan before and after a change, against the floor, interleaved in one run.

    python bench/ab_cold.py --base 1f5205a                 # the 200-document sample, 5 rounds
    python bench/ab_cold.py --base 1f5205a --docs 2000 --pages 15000 --runs 3

Why: this machine is shared and its speed moves by 2-4x from one minute to the next, so a ratio
measured today cannot be set against one measured yesterday. Each round measures the floor, the
reference commit's cold scan and this worktree's cold scan back to back (same corpus, same worker
count, empty cache); the reference code is `git archive`d and run through PYTHONPATH. Reported per
side: median cold/floor over the rounds (ratio per round first) in wall time and in CPU seconds of the
process tree (steadier under load), median wall time, and the median of worker seconds in preparation
(extract + normalise + segment) from the scan's own stats. The two sides' JSON reports must be
byte-identical.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import make_corpus  # noqa: E402  (bench/ is not a package)
import run as bench_run  # noqa: E402


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) a process has used itself so far, 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def measure(cmd: list[str], **popen: object) -> dict:
    """Wall seconds and CPU seconds of the whole process tree. CPU is steadier than wall time on this
    shared machine. Each process's own CPU time is read from /proc every 20 ms and the last reading
    counted (workers of a forkserver are not children the scan waits for, so RUSAGE_CHILDREN misses
    them); what a process spends after its last reading is missed, a few ms per process."""
    seen: dict[int, float] = {}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, **popen)  # type: ignore[call-overload]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in bench_run._tree(proc.pid):
                cpu = _cpu(pid)
                if cpu >= seen.get(pid, 0.0):
                    seen[pid] = cpu
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = proc.wait()
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if code != 0:
        raise SystemExit(f"failed ({code}): {' '.join(map(str, cmd))}")
    # the direct child exactly, from the kernel; its descendants from the samples
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    reaped = sum(cpu for pid, cpu in seen.items() if pid != proc.pid)
    return {"wall": wall, "cpu": max(own, seen.get(proc.pid, 0.0) + reaped)}


def _shares(stats: dict) -> tuple[float, float]:
    """(rules, language/type) as shares of the workers' seconds, as bench/run.py reports them."""
    total = stats["prepare_seconds"] + stats["classify_seconds"] + stats["rules_seconds"]
    return stats["rules_seconds"] / total, stats["classify_seconds"] / total


def _share_helper(ref: Path) -> None:
    """Give the reference code this worktree's compiled helpers when both have the same source:
    `git archive` has no build products, and without the helper the reference would read PDFs in
    Python, a quarter slower, which is not the change being measured. The same for the word index's
    helper (twelfth session): until the thirteenth session only the PDF helper was copied, so a
    reference from 4d5a201 on ran the word index in Python. A reference whose source differs gets its own
    build (`_compile`)."""
    for folder, name in ((Path("govcheck") / "extract" / "_pdf", "_native"), (Path("govcheck") / "rules", "_index")):
        source = ref / folder / f"{name}.c"
        if not source.exists():
            continue
        if source.read_bytes() != (ROOT / folder / f"{name}.c").read_bytes():
            _compile(ref, folder / f"{name}.c")  # (sixteenth session: the reference's own helper, not none)
            continue
        for built in (ROOT / folder).glob(f"{name}*.so"):
            (ref / folder / built.name).write_bytes(built.read_bytes())


def _compile(root: Path, source: Path) -> None:
    """Build a helper of the reference code from its own source, as hatch_build.compile_native does
    (same compiler flags; that module needs hatchling to import). When the change being measured is in
    the helper's C, copying this worktree's build would give the reference the new code, and giving it
    none would measure its pure-Python path instead."""
    import shlex
    import sysconfig

    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    target = root / source.with_name(source.stem + suffix)
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    includes = {sysconfig.get_paths()["include"], sysconfig.get_paths()["platinclude"]}
    subprocess.run([*cc, "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math", "-std=c11",
                    *(f"-I{p}" for p in sorted(includes)), str(root / source), "-o", str(target), "-lm"],
                   check=True, capture_output=True, text=True, timeout=300)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="reference commit")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--pages", type=int, default=1500)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=0)
    args = ap.parse_args()
    jobs = args.jobs or len(os.sched_getaffinity(0))
    corpus = bench_run.OUT / f"corpus-{args.docs}-{args.pages}"
    if not (corpus / "manifest.json").exists():
        make_corpus.build(corpus, args.docs, args.pages)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    work = Path(tempfile.mkdtemp(prefix="govcheck-ab-"))
    listing = work / "files.txt"
    listing.write_text("\n".join(str(corpus / f["path"]) for f in manifest["files"]) + "\n", encoding="utf-8")
    ref = work / "ref-code"
    ref.mkdir()
    archive = subprocess.run(["git", "archive", args.base], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(ref)], input=archive, check=True)
    _share_helper(ref)
    sides = {"before": str(ref), "after": None}
    rows: dict[str, list[dict]] = {"floor": [], "before": [], "after": []}
    outputs: dict[str, set[bytes]] = {"before": set(), "after": set()}
    for rep in range(args.runs):
        m = measure([sys.executable, str(ROOT / "bench" / "run.py"), "--floor-worker", str(listing),
                               str(jobs)], stdout=subprocess.DEVNULL)
        rows["floor"].append(m)
        order = ("before", "after") if rep % 2 == 0 else ("after", "before")
        for side in order:
            stats, out = work / f"{side}-{rep}.stats.json", work / f"{side}-{rep}.json"
            env = {**os.environ, "LC_ALL": "C.UTF-8"}
            if sides[side]:
                env["PYTHONPATH"] = sides[side]  # type: ignore[assignment]
            m = measure(bench_run.govcheck_cmd(stats, corpus, out, None, jobs), env=env, cwd=work)
            m["stats"] = json.loads(stats.read_text())
            rows[side].append(m)
            outputs[side].add(out.read_bytes())
        print(f"round {rep + 1}: " + ", ".join(f"{k} {v[-1]['wall']:.1f} s ({v[-1]['cpu']:.1f} CPU s)"
                                               for k, v in rows.items()), file=sys.stderr)
    print(f"{len(manifest['files'])} documents, {manifest['pages']} pages, {jobs} jobs, {args.runs} rounds; "
          f"base {args.base}")
    print(f"floor wall s median {statistics.median(m['wall'] for m in rows['floor']):.1f} "
          "(" + ", ".join(f"{m['wall']:.1f}" for m in rows["floor"]) + ")")
    print(f"floor CPU s median {statistics.median(m['cpu'] for m in rows['floor']):.1f}")
    for side in ("before", "after"):
        cpu = [m["cpu"] / f["cpu"] for m, f in zip(rows[side], rows["floor"], strict=True)]
        print(f"{side:<6} CPU cold/floor median {statistics.median(cpu):.2f} (per round "
              f"{', '.join(f'{r:.2f}' for r in cpu)}); "
              f"CPU s median {statistics.median(m['cpu'] for m in rows[side]):.1f}")
        ratios = [m["wall"] / f["wall"] for m, f in zip(rows[side], rows["floor"], strict=True)]
        prep = [m["stats"]["prepare_seconds"] for m in rows[side]]
        rules = [m["stats"]["rules_seconds"] for m in rows[side]]
        print(f"{side:<6} cold/floor median {statistics.median(ratios):.2f} (per round "
              f"{', '.join(f'{r:.2f}' for r in ratios)}); "
              f"wall median {statistics.median(m['wall'] for m in rows[side]):.1f} s; "
              f"worker s preparing median {statistics.median(prep):.1f}, rules {statistics.median(rules):.1f}")
        shares = [_shares(m["stats"]) for m in rows[side]]
        print(f"{side:<6} share of worker time, median: rules {statistics.median(r for r, _ in shares):.1%}, "
              f"rules + language/type {statistics.median(r + c for r, c in shares):.1%} (per round rules "
              f"{', '.join(f'{r:.1%}' for r, _ in shares)})")
    same = len(outputs["before"] | outputs["after"]) == 1
    print(f"JSON reports of all rounds and both sides byte-identical: {'yes' if same else 'NO'}")
    (work / "rows.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"raw figures: {work / 'rows.json'}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
