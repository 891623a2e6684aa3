"""Run the fuzz targets for a fixed budget and report executions and findings.

    python tests/fuzz/run.py                      # every target, 1 minute each
    python tests/fuzz/run.py --minutes 0.2 -t loader -t extract-pdf
    python tests/fuzz/run.py --examples 2000      # stop a target after N examples instead

Each target runs in a child process (a segfault or hang in a native parser is a finding, not the end of the
run). A failing example is shrunk by hypothesis and printed; its input is also left in the child's work
folder and copied to tests/fuzz/crashes/ when the child died or hung. The hypothesis database
(tests/fuzz/.hypothesis/) replays earlier failures first, so a fixed bug is confirmed on the next run.
Not part of `pytest`: found crashes become regression tests in tests/test_fuzz_regressions.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRASHES = HERE / "crashes"


def child(name: str, minutes: float, examples: int, out: Path) -> None:
    """Run one target until the budget is spent or it fails; write a JSON summary to `out`."""
    import targets  # tests/fuzz is this script's folder, so it is on sys.path
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from hypothesis.database import DirectoryBasedExampleDatabase

    fn, strategies = targets.TARGETS[name]
    slowest = [0.0, ""]

    def make_test():  # a fresh wrapper per batch: hypothesis binds settings to the function once
        @given(st.fixed_dictionaries(strategies))
        def test(args: dict) -> None:
            started = time.perf_counter()
            fn(**args)
            took = time.perf_counter() - started
            if took > slowest[0]:
                slowest[0] = took
                slowest[1] = repr(args)[:300]

        return test

    budget_end = time.monotonic() + minutes * 60
    database = DirectoryBasedExampleDatabase(str(HERE / ".hypothesis"))
    finding: dict | None = None
    started = time.monotonic()
    while time.monotonic() < budget_end and examples > targets.EXECUTIONS:
        batch = min(200, examples - targets.EXECUTIONS)
        run = settings(
            max_examples=batch, deadline=None, database=database, derandomize=False,
            suppress_health_check=list(HealthCheck), report_multiple_bugs=False,
        )(make_test())
        try:
            run()
        except Exception as exc:  # the finding: shrunk by hypothesis, its example in the notes
            finding = {
                "type": type(exc).__name__,
                "message": str(exc)[:500],
                "example": "\n".join(getattr(exc, "__notes__", []))[:3000],
                "traceback": "".join(traceback.format_exception(exc)[-6:])[:4000],
            }
            break
    out.write_text(json.dumps({
        "target": name, "executions": targets.EXECUTIONS, "seconds": round(time.monotonic() - started, 1),
        "slowest_s": round(slowest[0], 2), "slowest": slowest[1], "finding": finding,
    }))


def parent(names: list[str], minutes: float, examples: int) -> int:
    import targets

    names = names or list(targets.TARGETS)
    rows = []
    failed = 0
    for name in names:
        work = Path(tempfile.mkdtemp(prefix=f"govcheck-fuzz-{name}-"))
        out = work / "result.json"
        env = dict(os.environ, GOVCHECK_FUZZ_WORK=str(work / "input"))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--minutes", str(minutes),
               "--examples", str(examples), "--out", str(out)]  # fmt: skip
        started = time.monotonic()
        try:
            proc = subprocess.run(cmd, env=env, timeout=minutes * 60 + 300, capture_output=True, text=True, check=False)
            code, tail = proc.returncode, (proc.stderr or "")[-1500:]
        except subprocess.TimeoutExpired:
            code, tail = None, "hang: the child did not finish within its budget + 5 minutes"
        # The input last run is the failing one (hypothesis replays the shrunk example last) or the one a
        # dead or hung child was working on: keep it.
        kept = []
        if not out.is_file() or json.loads(out.read_text())["finding"]:
            for f in (work / "input").glob("current.*"):
                CRASHES.mkdir(exist_ok=True)
                dest = CRASHES / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}{f.suffix}"
                shutil.copy(f, dest)
                kept.append(str(dest.relative_to(HERE.parents[1])))
        if out.is_file():
            result = json.loads(out.read_text())
        else:
            result = {"target": name, "executions": "?", "seconds": round(time.monotonic() - started, 1),
                      "finding": {"type": f"child exit {code}", "message": tail, "example": ""}}
        if result["finding"]:
            result["finding"]["kept"] = kept
        shutil.rmtree(work, ignore_errors=True)
        rows.append(result)
        f = result["finding"]
        failed += f is not None
        print(f"{name:14} {result['executions']!s:>7} examples {result['seconds']:>6} s  "
              f"slowest {result.get('slowest_s', '?')} s  {'FINDING ' + f['type'] if f else 'ok'}", flush=True)
        if f:
            print(f"    {f['message'][:300]}\n    input kept: {', '.join(f['kept']) or '-'}\n"
                  f"    example: {f['example'][:400]}\n{f.get('traceback', '')}", flush=True)
    total = sum(r["executions"] for r in rows if isinstance(r["executions"], int))
    print(f"total {total} examples, {failed} target(s) with findings")
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-t", "--target", action="append", default=[], help="target name (repeatable; default all)")
    ap.add_argument("--minutes", type=float, default=1.0, help="budget per target")
    ap.add_argument("--examples", type=int, default=10**9, help="stop a target after this many examples")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.minutes, args.examples, args.out)
        return 0
    return parent(args.target, args.minutes, args.examples)


if __name__ == "__main__":
    sys.exit(main())
