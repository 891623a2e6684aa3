"""`govcheck` exactly as installed, plus a stats sink: where the benchmark's scan time goes.

    python bench/govcheck_stats.py STATS.json scan FOLDER --format json ...

Runs the real CLI (same options, same output); afterwards writes govcheck.scan.ScanStats (cache
hits/misses, timeouts, crashes, worker seconds in preparation vs. rule evaluation) to STATS.json.
"""

from __future__ import annotations

import dataclasses
import json
import sys

import govcheck.cli as cli
from govcheck.scan import ScanStats, run


def main() -> None:
    target, sys.argv = sys.argv[1], [sys.argv[0], *sys.argv[2:]]
    stats = ScanStats()

    def run_with_stats(*args, **kwargs):  # type: ignore[no-untyped-def]
        if len(args) > 4:  # stats passed by position (the CLI's own ScanStats): ours instead
            args = (*args[:4], stats, *args[5:])
        else:
            kwargs["stats"] = stats
        return run(*args, **kwargs)

    cli.run = run_with_stats  # type: ignore[assignment]  (the CLI streams run() into the writers)
    try:
        cli.main()
    finally:
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(dataclasses.asdict(stats), fh)


if __name__ == "__main__":
    main()
