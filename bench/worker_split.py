"""CPU seconds of one cold worker by stage: preparing, language/type, rules, over a folder.

    python bench/worker_split.py bench/out/corpus-200-1500            # this tree
    PYTHONPATH=REF python bench/worker_split.py bench/out/corpus-200-1500   # another tree's code

Why: `bench/ab_cold.py` takes its shares from the scan's own stage timings, which are wall-clock seconds of
the workers; on this shared machine (load averages of 10-30 on two cores) a worker's wall seconds are
mostly time spent waiting for a core, and the shares move by several points from run to run. Here one
process reads every document the way a scan's worker does (`scan.prepare`, `scan.build_document`,
`rules.evaluate`, under the scan's worker GC setting; the lexicon and regex sets built on the first
document, as in each cold worker) and each stage is timed in CPU seconds of this process
(`time.process_time`), which waiting does not inflate.

Since the twelfth session a scan's fork server builds the packs' lexicons and warms them once, before
any worker forks (`govcheck.prewarm`); this script does the same before the timed loop when the code
it runs has `govcheck.prewarm` (`--no-prewarm`: build them on the first document, as before), and
prints that once-per-scan cost apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--no-prewarm", action="store_true", help="build the lexicons in the timed loop")
    args = ap.parse_args()

    from govcheck import scan
    from govcheck.discover import discover
    from govcheck.model import Unreadable
    from govcheck.rules import evaluate, load_packs

    packs = load_packs(None)
    options = scan.ScanOptions(as_of=dt.date(2026, 12, 3))
    sources, _ = discover([args.folder])
    spent = {"prepare": 0.0, "language/type": 0.0, "rules": 0.0, "gc after documents": 0.0}
    once = ""
    if not args.no_prewarm:
        try:
            from govcheck import prewarm
        except ImportError:  # code from before the twelfth session: every worker builds its own
            prewarm = None
        if prewarm is not None:
            t0 = time.process_time()
            prewarm.warm(packs)
            gc.collect()
            gc.freeze()  # as the fork server does
            once = f" (+ {time.process_time() - t0:.2f} s once per scan, in the fork server)"
    after_document = getattr(scan, "_after_document", lambda: None)  # (older code: nothing)
    with scan._document_gc():
        for source in sources:
            t0 = time.process_time()
            try:
                prepared = scan.prepare(source, options.extract)
            except Unreadable:
                spent["prepare"] += time.process_time() - t0
                continue
            t1 = time.process_time()
            try:
                doc = scan.build_document(source, options, packs, prepared)
            except Unreadable:
                continue
            t2 = time.process_time()
            evaluate(packs, doc, options.as_of)
            t3 = time.process_time()
            del doc, prepared
            after_document()  # (the scan's worker does this after each document since the sixteenth session)
            spent["prepare"] += t1 - t0
            spent["language/type"] += t2 - t1
            spent["rules"] += t3 - t2
            spent["gc after documents"] += time.process_time() - t3
    total = sum(spent.values())
    print(" ".join(f"{k} {v:.2f} s" for k, v in spent.items()) +
          f"; rules {spent['rules'] / total:.1%}, rules + language/type "
          f"{(spent['rules'] + spent['language/type']) / total:.1%} of {total:.2f} CPU s{once}")


if __name__ == "__main__":
    main()
