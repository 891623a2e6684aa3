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

When the scanning process has a single thread (no progress bar), it does not start a fresh interpreter
for the fork server at all: it forks the server from itself (`_fork_server`), which then has every
module imported and the very pack objects the scan loaded, with their regexes compiled, and only builds
the lexicons. The fresh server repeated what the scan had just done: start an interpreter, import
govcheck (compiling its sources where no bytecode is written), unpickle the packs and compile their
~650 RE2 regexes again (bench/RESULTS.md, seventeenth session). A fork of a process with other threads
could inherit a lock one of them holds, so with a progress bar the fresh server is started as before.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
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


def stage(ctx: BaseContext, payload: bytes, formats: Iterable[str | None] = (), objects: Any = None,
          fork: bool = True) -> Path | None:
    """Start the fork server (if `ctx` has one and it is not running yet) with `payload` staged for it;
    returns the staging file, which the caller deletes when the scan ends (the fork server reads it
    before it serves its first fork, so no worker exists before it is read). None when there is
    nothing to stage into (spawn, or a server already running), or when the server was forked from
    this process (`_fork_server`; with `fork`, the default): it has the payload's objects already.
    `objects`: those `payload` is the pickle of, if the caller has them (the server forked from here
    then uses them instead of unpickling the payload). `formats`: those of the scan's documents, whose
    readers' libraries the fork server imports (`READER_IMPORTS`)."""
    if ctx.get_start_method() != "forkserver":
        return None
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    if server is None or getattr(server, "_forkserver_pid", None) is not None:
        return None  # (a running server was started by an earlier scan: its workers unpickle their own)
    formats = sorted({f for f in formats if f in READER_IMPORTS})
    if fork and isinstance(server, forkserver.ForkServer) and _fork_server(server, payload, formats, objects):
        return None
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
        os.environ[_FORMATS_ENV] = ",".join(formats)
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



# The handlers a fresh interpreter starts with, where they are not SIG_DFL (the others are)
_FRESH_SIGNALS = {signal.SIGINT: signal.default_int_handler, signal.SIGPIPE: signal.SIG_IGN,
                  signal.SIGXFSZ: signal.SIG_IGN}


def _fork_server(server: Any, payload: bytes, formats: list[str], objects: Any) -> bool:
    """Start the fork server as a fork of this process, as `multiprocessing.forkserver.ensure_running`
    starts a fresh interpreter: the same listening socket, "alive" pipe and bookkeeping, so that
    `ctx.Process` uses it as it would the fresh one. False (nothing started) when this process has
    other threads, when the standard streams cannot be flushed, or when the fork fails.

    The server forked here differs from a fresh one only in what it inherits: every module this
    process imported, and its objects. So before the fork: the standard streams are flushed (a worker
    flushes them when it ends, and must not write this process's buffered output a second time), and
    garbage is collected (a file object left in a cycle must be closed here, not in a worker). In the
    server: the signal handlers a fresh interpreter has (the scan's SIGTERM handler is the scan's), the
    staged objects, and it never returns: `os._exit`, no exit handler of this process runs there."""
    import socket
    import sys
    import threading
    from multiprocessing import connection, resource_tracker, util

    if threading.active_count() != 1:
        return False
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    gc.collect()
    with server._lock:
        resource_tracker.ensure_running()
        if server._forkserver_pid is not None:
            return False
        with socket.socket(socket.AF_UNIX) as listener:
            address = connection.arbitrary_address("AF_UNIX")
            listener.bind(address)
            if not util.is_abstract_socket_namespace(address):
                os.chmod(address, 0o600)
            listener.listen()
            alive_r, alive_w = os.pipe()
            try:
                pid = os.fork()
            except OSError:
                os.close(alive_r)
                os.close(alive_w)
                return False
            if pid == 0:  # the fork server
                try:
                    os.close(alive_w)
                    server._lock = threading.Lock()  # (held here: this copy of it would never be released)
                    _serve_forked(listener.fileno(), alive_r, payload, formats, objects)
                finally:
                    os._exit(0)
            os.close(alive_r)
        server._forkserver_address = address
        server._forkserver_alive_fd = alive_w
        server._forkserver_pid = pid
    return True


def _serve_forked(listener_fd: int, alive_r: int, payload: bytes, formats: list[str], objects: Any) -> None:
    """The forked fork server: stage the objects (unpickled from the payload if not given), build the
    lexicons, collect and freeze as `load_staged` does, then serve forks until the scan is gone."""
    global _STAGED
    from multiprocessing import forkserver

    for signum in signal.valid_signals():
        fresh = _FRESH_SIGNALS.get(signum, signal.SIG_DFL)
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            current = signal.getsignal(signum)
            if current is not None and current != fresh:
                signal.signal(signum, fresh)
    import_readers(formats)
    with contextlib.suppress(Exception):
        with gcpause.paused():
            staged = objects if objects is not None else pickle.loads(payload)
            warm(staged[1])
        _STAGED = (payload, staged)
        gc.collect()
        gc.freeze()
    forkserver.main(listener_fd, alive_r, [])
