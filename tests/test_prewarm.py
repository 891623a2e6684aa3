"""The fork server builds the packs' lexicons once per scan and its workers use them (govcheck.prewarm).

Why: if staging silently failed, every worker would build its own lexicons again and only a benchmark
would notice; if a worker took objects that were not its payload's, it would judge with the wrong packs.
That a scan's workers give the report one process gives is tests/test_runner.py's
test_parallel_report_is_byte_identical_to_serial.
"""

from __future__ import annotations

import datetime as dt
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from govcheck import prewarm
from govcheck.rules import load_packs
from govcheck.scan import ScanOptions

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent


def _payload(key: str = "key") -> bytes:
    return pickle.dumps((ScanOptions(as_of=dt.date(2026, 12, 3)), load_packs(None), key))


def probe(payload: bytes, conn) -> None:
    """In a worker: did it start with the fork server's packs, lexicons built for them?"""
    from govcheck.rules import engine

    _options, packs, key = prewarm.take(payload)
    built = [lang for (ids, lang), (held, _) in engine._LEXICONS.items()
             if ids == tuple(id(p) for p in packs) and all(a is b for a, b in zip(held, packs, strict=True))]
    conn.send((prewarm._STAGED is not None and prewarm._STAGED[1][1] is packs, sorted(built), key))


_SCRIPT = """
import pickle, sys
sys.path.insert(0, {tests!r})
import test_prewarm
from govcheck import prewarm, scan
payload = test_prewarm._payload()
objects = pickle.loads(payload) if {objects} else None
ctx = scan._context()
staged = prewarm.stage(ctx, payload, objects=objects, fork={fork})
assert staged is None if {fork} else (staged is not None and staged.exists())
parent, child = ctx.Pipe()
proc = ctx.Process(target=test_prewarm.probe, args=(payload, child))
proc.start()
print(parent.recv())
proc.join()
if staged is not None:
    staged.unlink()
other = test_prewarm._payload("other")
proc = ctx.Process(target=test_prewarm.probe, args=(other, child))
proc.start()
print(parent.recv())
proc.join()
if objects is not None:  # a server forked from here has these very objects (at the same addresses)
    proc = ctx.Process(target=test_prewarm.same_packs, args=(payload, id(objects[1]), child))
    proc.start()
    print(parent.recv())
    proc.join()
"""


def same_packs(payload: bytes, address: int, conn) -> None:
    conn.send(id(prewarm.take(payload)[1]) == address)


@pytest.mark.parametrize(("fork", "objects"), [(False, False), (True, False), (True, True)],
                         ids=["fresh-server", "forked-server", "forked-server-with-objects"])
def test_workers_start_from_the_fork_servers_lexicons(fork: bool, objects: bool) -> None:
    """A payload staged for a fork server, fresh (`fork=False`: an interpreter started for it, as with a
    progress bar's thread running) or forked from the scan (with the objects the payload pickles, or
    unpickling it): its workers take the server's packs, with the lexicons of both languages built; a
    worker with another payload unpickles its own and builds nothing yet."""
    out = subprocess.run([sys.executable, "-c", _SCRIPT.format(tests=str(TESTS), fork=fork, objects=objects)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[:2] == ["(True, ['en', 'sv'], 'key')", "(False, [], 'other')"]
    assert lines[2:] == (["True"] if objects else [])


def test_take_unpickles_a_payload_that_was_not_staged() -> None:
    payload = _payload()
    _options, packs, key = prewarm.take(payload)
    assert key == "key" and [p.id for p in packs] == [p.id for p in load_packs(None)]


def test_no_temporary_folder_leaves_the_workers_to_build_their_own(monkeypatch) -> None:
    """Staging is an optimisation: a temporary folder that cannot be written must not stop a scan."""
    import multiprocessing as mp
    import types
    from multiprocessing import forkserver

    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    def must_not_start() -> None:
        raise AssertionError("the fork server is started by the first worker, as before")

    monkeypatch.setattr(forkserver, "_forkserver", types.SimpleNamespace(_forkserver_pid=None))
    monkeypatch.setattr(forkserver, "ensure_running", must_not_start)
    monkeypatch.setattr(prewarm.tempfile, "mkstemp", refuse)
    assert prewarm.stage(mp.get_context("forkserver"), _payload()) is None


def modules(conn) -> None:
    """In a worker: which of the readers' libraries were imported before it started."""
    conn.send(sorted(m for names in prewarm.READER_IMPORTS.values() for m in names if m in sys.modules))


_READERS_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import test_prewarm
from govcheck import prewarm, scan
ctx = scan._context()
staged = prewarm.stage(ctx, test_prewarm._payload(), ["md", "docx", "txt", None], fork={fork})
parent, child = ctx.Pipe()
proc = ctx.Process(target=test_prewarm.modules, args=(child,))
proc.start()
print(parent.recv())
proc.join()
if staged is not None:
    staged.unlink()
"""


@pytest.mark.parametrize("fork", [False, True], ids=["fresh-server", "forked-server"])
def test_the_fork_server_imports_the_readers_of_the_scans_formats(fork: bool) -> None:
    """A scan of Markdown and Word files: its workers start with markdown-it-py and python-docx imported
    by the fork server, and without pypdfium2, which no document of the scan needs."""
    out = subprocess.run([sys.executable, "-c", _READERS_SCRIPT.format(tests=str(TESTS), fork=fork)],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['docx', 'markdown_it']"


_SIGNALS_SCRIPT = """
import signal, sys
sys.path.insert(0, {tests!r})
import test_prewarm
from govcheck import prewarm, scan
signal.signal(signal.SIGTERM, lambda *a: None)  # as the scan command does
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
ctx = scan._context()
assert prewarm.stage(ctx, test_prewarm._payload()) is None
parent, child = ctx.Pipe()
proc = ctx.Process(target=test_prewarm.handlers, args=(child,))
proc.start()
print(parent.recv())
proc.join()
"""


def handlers(conn) -> None:
    """In a worker: its handlers of SIGTERM, SIGPIPE and SIGINT, as names."""
    import signal

    names = {signal.SIG_DFL: "default", signal.SIG_IGN: "ignore", signal.default_int_handler: "interrupt"}
    conn.send([names.get(signal.getsignal(s), "other") for s in (signal.SIGTERM, signal.SIGPIPE, signal.SIGINT)])


def test_a_forked_fork_server_gives_workers_a_fresh_interpreters_signal_handlers() -> None:
    """The server forked from the scan does not pass the scan's own handlers (its SIGTERM handler) on to
    the workers: they have those of a fresh interpreter, as the workers of a fresh server do."""
    out = subprocess.run([sys.executable, "-c", _SIGNALS_SCRIPT.format(tests=str(TESTS))],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['default', 'ignore', 'interrupt']"


_STREAMS_SCRIPT = """
import sys
sys.path.insert(0, {tests!r})
import test_prewarm
from govcheck import prewarm, scan
payload = test_prewarm._payload()
print("before the fork server", end="")  # buffered: stdout is a pipe, PYTHONUNBUFFERED unset
ctx = scan._context()
assert prewarm.stage(ctx, payload) is None
parent, child = ctx.Pipe()
proc = ctx.Process(target=test_prewarm.probe, args=(payload, child))
proc.start()
parent.recv()
proc.join()
print(" / after the worker")
"""


def test_a_forked_fork_server_does_not_write_the_scans_buffered_output_again() -> None:
    """A worker flushes its standard streams when it ends: what the scan had buffered when it forked the
    server must not come out a second time (the JSON report streams to stdout)."""
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    out = subprocess.run([sys.executable, "-c", _STREAMS_SCRIPT.format(tests=str(TESTS))], capture_output=True,
                         text=True, cwd=ROOT, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "before the fork server / after the worker\n"


_THREAD_SCRIPT = """
import sys, threading
sys.path.insert(0, {tests!r})
import test_prewarm
from govcheck import prewarm, scan
stop = threading.Event()
threading.Thread(target=stop.wait, daemon=True).start()  # as a progress bar's refresh thread
payload = test_prewarm._payload()
ctx = scan._context()
staged = prewarm.stage(ctx, payload)
assert staged is not None and staged.exists(), "a fresh fork server, with the payload staged in a file"
parent, child = ctx.Pipe()
proc = ctx.Process(target=test_prewarm.probe, args=(payload, child))
proc.start()
print(parent.recv())
proc.join()
staged.unlink()
stop.set()
"""


def test_a_scan_with_another_thread_starts_a_fresh_fork_server() -> None:
    """Forking a process with other threads could hand the server a lock one of them holds: then the fork
    server is a fresh interpreter that reads the staged payload, and its workers still start from its
    lexicons."""
    out = subprocess.run([sys.executable, "-c", _THREAD_SCRIPT.format(tests=str(TESTS))], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "(True, ['en', 'sv'], 'key')"
