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
import sys
sys.path.insert(0, {tests!r})
import test_prewarm
from govcheck import prewarm, scan
payload = test_prewarm._payload()
ctx = scan._context()
staged = prewarm.stage(ctx, payload)
assert staged is not None and staged.exists()
parent, child = ctx.Pipe()
proc = ctx.Process(target=test_prewarm.probe, args=(payload, child))
proc.start()
print(parent.recv())
proc.join()
staged.unlink()
other = test_prewarm._payload("other")
proc = ctx.Process(target=test_prewarm.probe, args=(other, child))
proc.start()
print(parent.recv())
proc.join()
"""


def test_workers_start_from_the_fork_servers_lexicons() -> None:
    """A payload staged for a fresh fork server: its workers take the server's packs, with the lexicons
    of both languages built; a worker with another payload unpickles its own and builds nothing yet."""
    out = subprocess.run([sys.executable, "-c", _SCRIPT.format(tests=str(TESTS))], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    staged, other = out.stdout.splitlines()
    assert staged == "(True, ['en', 'sv'], 'key')"
    assert other == "(False, [], 'other')"


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
staged = prewarm.stage(ctx, test_prewarm._payload(), ["md", "docx", "txt", None])
parent, child = ctx.Pipe()
proc = ctx.Process(target=test_prewarm.modules, args=(child,))
proc.start()
print(parent.recv())
proc.join()
staged.unlink()
"""


def test_the_fork_server_imports_the_readers_of_the_scans_formats() -> None:
    """A scan of Markdown and Word files: its workers start with markdown-it-py and python-docx imported
    by the fork server, and without pypdfium2, which no document of the scan needs."""
    out = subprocess.run([sys.executable, "-c", _READERS_SCRIPT.format(tests=str(TESTS))], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['docx', 'markdown_it']"
