"""Imported by the scan's fork server only (`scan._context` preloads it first): imports what the workers
run (`govcheck.scan`) and builds the lexicons of a payload the scan staged for it (`govcheck.prewarm`),
once, before any worker forks.

All of it with the cyclic GC paused: importing and unpickling create only long-lived objects (modules,
the packs, the lexicons), and `load_staged` ends in one collection and a freeze; the collector is on
again before the server forks its first worker (govcheck/gcpause.py)."""

from govcheck import gcpause

with gcpause.paused():
    import govcheck.scan  # noqa: F401  (what every worker runs)
    from govcheck import prewarm

    prewarm.load_staged()
