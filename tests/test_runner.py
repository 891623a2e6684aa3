"""The scan runner: worker processes give the same report as one process, and a document that
hangs, crashes its worker or exhausts memory becomes `unreadable` while the scan goes on."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import AS_OF, DEV, ROOT
from conftest import govcheck as cli

from govcheck.discover import discover
from govcheck.model import DocumentResult
from govcheck.rules import load_packs
from govcheck.scan import ScanOptions, ScanStats, run

SCAN = ("--format", "json", "--as-of", AS_OF, "-q", "--fail-on", "never", "--no-cache")
TEXT = ("Rutin för samordnad individuell plan\n\nRegionen och kommunen ansvarar gemensamt för att en SIP "
        "upprättas inom fyra veckor.\n")
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def report(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def by_path(rep: dict) -> dict[str, dict]:
    return {d["path"]: d for d in rep["documents"]}


def test_parallel_report_is_byte_identical_to_serial() -> None:
    docs = str(DEV / "docs")
    serial = cli("scan", docs, *SCAN, "--jobs", "1")
    parallel = cli("scan", docs, *SCAN, "--jobs", "2")
    in_process = cli("scan", docs, *SCAN, "--jobs", "1", "--timeout", "0")
    assert serial.returncode == parallel.returncode == in_process.returncode == 0, parallel.stderr
    assert parallel.stdout == serial.stdout
    assert in_process.stdout == serial.stdout


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """a.txt, a DOCX, a blocking FIFO named m.txt, then z.txt: work on both sides of the bad file."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(TEXT, encoding="utf-8")
    shutil.copy(DEV / "docs" / "dev-sv-002.docx", docs / "b.docx")
    if hasattr(os, "mkfifo"):
        os.mkfifo(docs / "m.txt")
    (docs / "z.txt").write_text(TEXT, encoding="utf-8")
    return docs


@needs_fifo
def test_discovery_lists_a_fifo_without_opening_it(folder: Path) -> None:
    found: list = []
    worker = threading.Thread(target=lambda: found.append(discover([folder])), daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "discovery blocked on the FIFO"
    assert [(s.rel, s.format) for s in found[0][0]] == [("a.txt", "txt"), ("b.docx", "docx"), ("m.txt", "txt"),
                                                        ("z.txt", "txt")]


@needs_fifo
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hanging_document_times_out_and_the_scan_goes_on(folder: Path, jobs: str) -> None:
    rep = report(cli("scan", str(folder), *SCAN, "--timeout", "2", "--jobs", jobs, timeout=120))
    docs = by_path(rep)
    assert docs["m.txt"]["status"] == "unreadable"
    assert docs["m.txt"]["reason"] == "timed out after 2 s"
    assert {r["outcome"] for r in docs["m.txt"]["results"]} == {"cannot_assess"}
    assert [docs[p]["status"] for p in ("a.txt", "b.docx", "z.txt")] == ["ok", "ok", "ok"]
    assert list(docs) == ["a.txt", "b.docx", "m.txt", "z.txt"]  # source order


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def _blocked_on_fifo(root: int) -> int | None:
    """The process under `root` waiting in open() for a FIFO's writer: the worker reading m.txt."""
    for pid in _descendants(root):
        try:
            with open(f"/proc/{pid}/wchan") as fh:
                if fh.read().strip() == "wait_for_partner":  # Linux fs/pipe.c, FIFO open
                    return pid
        except OSError:
            continue
    return None


@needs_fifo
@pytest.mark.skipif(not Path("/proc/self/wchan").exists(), reason="needs Linux /proc")
def test_a_crashing_worker_marks_its_document_and_the_pool_recovers(folder: Path) -> None:
    """A genuine SIGSEGV in the worker reading m.txt (the FIFO keeps it there while we aim)."""
    cmd = [sys.executable, "-m", "govcheck", "scan", str(folder), *SCAN, "--timeout", "120", "--jobs", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        give_up = time.monotonic() + 90
        victim = None
        while victim is None and time.monotonic() < give_up and proc.poll() is None:
            time.sleep(0.2)
            victim = _blocked_on_fifo(proc.pid)
        assert victim is not None, "no worker blocked on the FIFO"
        os.kill(victim, signal.SIGSEGV)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    docs = by_path(json.loads(out))
    assert docs["m.txt"]["status"] == "unreadable"
    assert docs["m.txt"]["reason"] == f"worker crashed (signal {int(signal.SIGSEGV)})"
    assert [docs[p]["status"] for p in ("a.txt", "b.docx", "z.txt")] == ["ok", "ok", "ok"]


def test_a_document_too_big_for_the_memory_limit_is_unreadable(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    sentence = "Regionen och kommunen ansvarar för barn och unga enligt överenskommelsen. "
    (docs / "huge.txt").write_text(sentence * 400_000, encoding="utf-8")  # 30 MB
    (docs / "small.txt").write_text(TEXT, encoding="utf-8")
    rep = report(cli("scan", str(docs), *SCAN, "--memory-limit", "256", "--jobs", "1", timeout=300))
    found = by_path(rep)
    assert found["huge.txt"]["status"] == "unreadable"
    assert found["huge.txt"]["reason"] == "exceeded the memory limit (256 MB)"
    assert found["small.txt"]["status"] == "ok"


def test_progress_ticks_for_every_document_in_completion_order() -> None:
    sources, _ = discover([DEV / "docs"])
    options = ScanOptions(as_of=dt.date.fromisoformat(AS_OF), jobs=2, cache=False)
    ticks: list[str] = []
    stats = ScanStats()
    results: list[DocumentResult] = []
    for result in run(sources, options, load_packs(None), progress=lambda r: ticks.append(r.path), stats=stats):
        assert result.path in ticks  # reported before (or as) it is yielded
        results.append(result)
    assert [r.path for r in results] == [s.rel for s in sources]
    assert sorted(ticks) == sorted(s.rel for s in sources)
    assert stats.documents == len(sources) and stats.crashes == stats.timeouts == 0
