"""Imported by the scan's fork server only (`scan._context` preloads it after `govcheck.scan`): builds
the lexicons of a payload the scan staged for it (`govcheck.prewarm`), once, before any worker forks."""

from govcheck import prewarm

prewarm.load_staged()
