"""The rule packs' lexicons built once per scan, in the fork server, instead of once in every worker.

A scan's workers fork from a fork server (`scan._context`). Each of them used to unpickle the packs
(recompiling ~650 RE2 regexes: 0.14 s CPU) and build a `Lexicon` per document language (tries, the
RE2 prefilter sets compiled: ~0.11 s) - the same work in every worker, and again in each worker that
replaces one killed for a timeout. Here the fork server does it once before it forks anyone, and every
worker starts from a copy of the finished objects.

The fork server is a fresh interpreter that only imports modules (`set_forkserver_preload`); it cannot
be handed objects. So the scan stages its worker payload in a private file named by an environment
variable that only the fork server's start sees (`stage`), and the fork server loads it and builds
(`load_staged`, run by importing `govcheck._forkserver` there). A worker then takes the fork server's
objects when its payload is the staged one (`take`) - the lexicons are keyed by the identity of the
pack objects, so it must use those very objects - and unpickles its own otherwise (a fork server
started by an earlier scan of the same process, `spawn`): the same results either way, only slower.
Nothing here changes a result: a lexicon built in another process answers the same.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import tempfile
from collections.abc import Iterable
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from govcheck import gcpause

_ENV = "_GOVCHECK_FORKSERVER_PAYLOAD"
_FORMATS_ENV = "_GOVCHECK_FORKSERVER_FORMATS"
# The libraries a format's reader imports on first use (lazily: a PDF-only scan need not load python-docx),
# imported by the fork server for the formats a scan has, so that no worker imports them again: each
# worker spent 0.03-0.08 s CPU per format on them (pypdfium2, python-docx, markdown-it-py).
READER_IMPORTS: dict[str, tuple[str, ...]] = {
    "pdf": ("pypdfium2", "pypdfium2.raw", "pypdfium2_raw.bindings"),
    "docx": ("docx",),
    "md": ("markdown_it",),
}
LANGS = ("sv", "en")  # the languages a document can have (classify.STOPWORDS, --doc-lang)

# (payload bytes, the objects unpickled from them), set in the fork server when a payload was staged
_STAGED: tuple[bytes, Any] | None = None


def warm(packs: list, langs: Iterable[str] = LANGS) -> None:
    """Build the packs' lexicon for each language (tries, the prefilter's RE2 sets compiled).

    Not done: running the sets and the word memo over the packs' own rule examples to fill the DFAs'
    state caches ahead of the documents. Over the 200-document sample it cost 0.16 s CPU once and saved
    a worker 0.06-0.11 s of the ~0.27 s its sets spend building states (the examples are short; a
    document meets other states): no gain with two workers."""
    from govcheck.rules.engine import lexicon

    for lang in langs:
        lexicon(packs, lang)


def stage(ctx: BaseContext, payload: bytes, formats: Iterable[str | None] = ()) -> Path | None:
    """Start the fork server (if `ctx` has one and it is not running yet) with `payload` staged for it;
    returns the staging file, which the caller deletes when the scan ends (the fork server reads it
    before it serves its first fork, so no worker exists before it is read). None when there is
    nothing to stage into (spawn, or a server already running). `formats`: those of the scan's
    documents, whose readers' libraries the fork server imports (`READER_IMPORTS`)."""
    if ctx.get_start_method() != "forkserver":
        return None
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if server is None or getattr(server, "_forkserver_pid", None) is not None:
        return None  # (a running server was started by an earlier scan: its workers unpickle their own)
    try:
        fd, name = tempfile.mkstemp(prefix="govcheck-payload-")
    except OSError:  # no writable temporary folder: the workers unpickle and build their own, as before
        return None
    path = Path(name)
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
        except OSError:  # (a full disk: the same)
            path.unlink(missing_ok=True)
            return None
        os.environ[_ENV] = name
        os.environ[_FORMATS_ENV] = ",".join(sorted({f for f in formats if f in READER_IMPORTS}))
        try:
            forkserver.ensure_running()
        finally:
            os.environ.pop(_ENV, None)
            os.environ.pop(_FORMATS_ENV, None)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def import_readers(formats: Iterable[str]) -> None:
    """Import the libraries of these formats' readers (`READER_IMPORTS`); one that fails to import is
    left to the worker that needs it, which reports the error as it always did."""
    import importlib

    for fmt in formats:
        for module in READER_IMPORTS.get(fmt, ()):
            with contextlib.suppress(Exception):
                importlib.import_module(module)


def take(payload: bytes) -> Any:
    """The worker's (options, packs, packs key): the fork server's own objects when it staged this very
    payload (its lexicons are keyed by them), else unpickled here."""
    if _STAGED is not None and _STAGED[0] == payload:
        return _STAGED[1]
    with gcpause.paused():
        return pickle.loads(payload)


def load_staged() -> None:
    """In the fork server (called by `govcheck._forkserver`, after it imported `govcheck.scan`): read
    the staged payload, build the lexicons, and move everything built into the GC's permanent generation:
    the workers' collections then never walk (or touch, and so copy) the pages they share with the
    server. Any failure leaves the workers to do it themselves: an exception here would stop the fork
    server."""
    global _STAGED
    name = os.environ.pop(_ENV, None)
    formats = os.environ.pop(_FORMATS_ENV, "")
    if not name:
        return
    import_readers(formats.split(","))
    with contextlib.suppress(Exception):
        data = Path(name).read_bytes()
        with gcpause.paused():  # the packs and lexicons: long-lived objects, no garbage (govcheck/gcpause.py)
            objects = pickle.loads(data)
            warm(objects[1])
        _STAGED = (data, objects)
        gc.collect()
        gc.freeze()

