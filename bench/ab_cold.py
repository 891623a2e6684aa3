"""Cold scan before and after a change, against the floor, interleaved in one run.

    python bench/ab_cold.py --base 1f5205a                 # the 200-document sample, 5 rounds
    python bench/ab_cold.py --base 1f5205a --docs 2000 --pages 15000 --runs 3

Why: this machine is shared and its speed moves by 2-4x from one minute to the next, so a ratio
measured today cannot be set against one measured yesterday. Each round measures the floor, the
reference commit's cold scan and this worktree's cold scan back to back (same corpus, same worker
count, empty cache); the reference code is `git archive`d and run through PYTHONPATH. Reported per
side: median cold/floor over the rounds (ratio per round first), median wall time, and the median of
worker seconds in preparation (extract + normalise + segment) from the scan's own stats. The two
sides' JSON reports must be byte-identical.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import make_corpus  # noqa: E402  (bench/ is not a package)
import run as bench_run  # noqa: E402


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
    sides = {"before": str(ref), "after": None}
    rows: dict[str, list[dict]] = {"floor": [], "before": [], "after": []}
    outputs: dict[str, set[bytes]] = {"before": set(), "after": set()}
    for rep in range(args.runs):
        m = bench_run.measure([sys.executable, str(ROOT / "bench" / "run.py"), "--floor-worker", str(listing),
                               str(jobs)], stdout=subprocess.DEVNULL)
        rows["floor"].append(m)
        order = ("before", "after") if rep % 2 == 0 else ("after", "before")
        for side in order:
            stats, out = work / f"{side}-{rep}.stats.json", work / f"{side}-{rep}.json"
            env = {**os.environ, "LC_ALL": "C.UTF-8"}
            if sides[side]:
                env["PYTHONPATH"] = sides[side]  # type: ignore[assignment]
            m = bench_run.measure(bench_run.govcheck_cmd(stats, corpus, out, None, jobs), env=env, cwd=work)
            m["stats"] = json.loads(stats.read_text())
            rows[side].append(m)
            outputs[side].add(out.read_bytes())
        print(f"round {rep + 1}: floor {rows['floor'][-1]['wall']:.1f} s, before {rows['before'][-1]['wall']:.1f} s, "
              f"after {rows['after'][-1]['wall']:.1f} s", file=sys.stderr)
    print(f"{len(manifest['files'])} documents, {manifest['pages']} pages, {jobs} jobs, {args.runs} rounds; "
          f"base {args.base}")
    print(f"floor wall s median {statistics.median(m['wall'] for m in rows['floor']):.1f} "
          "(" + ", ".join(f"{m['wall']:.1f}" for m in rows["floor"]) + ")")
    for side in ("before", "after"):
        ratios = [m["wall"] / f["wall"] for m, f in zip(rows[side], rows["floor"], strict=True)]
        prep = [m["stats"]["prepare_seconds"] for m in rows[side]]
        rules = [m["stats"]["rules_seconds"] for m in rows[side]]
        print(f"{side:<6} cold/floor median {statistics.median(ratios):.2f} (per round "
              f"{', '.join(f'{r:.2f}' for r in ratios)}); "
              f"wall median {statistics.median(m['wall'] for m in rows[side]):.1f} s; "
              f"worker s preparing median {statistics.median(prep):.1f}, rules {statistics.median(rules):.1f}")
    same = len(outputs["before"] | outputs["after"]) == 1
    print(f"JSON reports of all rounds and both sides byte-identical: {'yes' if same else 'NO'}")
    (work / "rows.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"raw figures: {work / 'rows.json'}")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
