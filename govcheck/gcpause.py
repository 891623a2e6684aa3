"""The cyclic garbage collector paused while long-lived objects are built in bulk.

Why: loading the rule packs (YAML into terms, conditions and compiled regexes) and unpickling them in
the scan's fork server each create hundreds of thousands of container objects and almost no garbage.
Every 700 new containers start a young collection that walks and promotes them, and the older
generations walk them again, so the collector was a quarter to a half of that work: on the default
pack 0.11-0.13 of load_packs' 0.42 CPU s, and 0.11-0.20 of the fork server's 0.18-0.22 s unpickling
(bench/RESULTS.md, sixteenth session). While paused, reference counting still frees every object that
is not in a cycle at once; cycles made meanwhile wait for the next collection. No result depends on
when the collector runs (the same reasoning as `scan._document_gc`, which raises the threshold for a
worker's document loop instead: documents do leave garbage behind).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's previous state after it (nested blocks
    leave it to the outermost)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
