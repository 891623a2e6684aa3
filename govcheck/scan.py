"""The pipeline for one document and for a whole scan.

    Source -> extract -> normalise -> segment -> language/type -> rules -> DocumentResult

Each document is analysed independently. A document that cannot be read yields `unreadable` with
its reason and `cannot_assess` on every rule - never `not_met`.

Documents are hostile input: a PDF can hang pdfium, crash it, or make it allocate gigabytes; a FIFO
named `x.txt` blocks open() forever. So every document is read in a worker process under a deadline
(`timeout`) and an address-space limit (`memory_limit`); a worker that hangs is killed, one that
dies is replaced, and its document becomes `unreadable` with a one-line reason while the scan goes
on. concurrent.futures is not used because one dead worker breaks its whole pool
(BrokenProcessPool) and a running task cannot be cancelled; the pool here is a few processes with a
pipe each, watched with multiprocessing.connection.wait.

With the cache on, the scanning process itself first hashes each regular file and looks up its
finished result (see govcheck.cache): a hit is done there and then, and only misses go to workers,
which are started when the first miss needs one - a warm scan of unchanged files starts none.

Results leave run() one at a time, in source order, and the CLI hands them straight to
govcheck.report.stream.write_reports: nothing here keeps a result after yielding it. Per-document
post-processing (rule filtering, waivers, auditors' recorded verdicts, review flags) belongs there,
as a transform applied to each DocumentResult before it is counted and written - not here, where
results are also what the cache stores.

Files are read after discovery, sometimes much later. A file that is gone or no longer what
discovery saw (size, modification time, inode: Source.signature) when it is read gets a row saying
so (cannot_assess), and nothing read from it is cached: its bytes and its text may not belong
together. A cache folder that cannot be written is warned about once (ScanStats.cache_error) and
the scan goes on.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import multiprocessing as mp
import os
import pickle
import signal
import stat
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from multiprocessing.connection import Connection, wait
from pathlib import Path

from govcheck import __version__, prewarm
from govcheck.cache import (
    Cache,
    Prepared,
    cache_key,
    default_dir,
    file_digest,
    fileobj_digest,
    packs_digest,
    result_key,
)
from govcheck.classify import classify_type, detect_language, type_alternatives
from govcheck.discover import signature
from govcheck.extract import ExtractOptions, extract
from govcheck.extract import ocr as ocr_mod
from govcheck.model import Document, DocumentResult, RuleResult, ScanReport, Source, Unreadable
from govcheck.normalize import normalise_blocks
from govcheck.rules import Pack, evaluate
from govcheck.segment import segment


@dataclass
class ScanOptions:
    as_of: dt.date
    packs: list[str] | None = None  # pack paths or bundled ids; None = the default pack
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    doc_types: list[tuple[str, str]] = field(default_factory=list)  # (glob, type) overrides
    doc_langs: list[tuple[str, str]] = field(default_factory=list)  # (glob, lang) overrides
    jobs: int = 0  # 0 = one per core
    timeout: float | None = 60.0  # seconds per document; None/0 = unbounded (and, with jobs 1, in-process)
    memory_limit: int | None = 2048  # MB of address space per worker; None/0 = unlimited
    cache: bool = True
    cache_dir: str | None = None  # None = the per-user cache folder


@dataclass
class ScanStats:
    """What a scan did, for tests and the benchmark (worker times are summed over workers)."""

    documents: int = 0
    cache_hits: int = 0  # documents read from the cache (a finished result or a prepared document)
    cache_misses: int = 0  # documents extracted
    result_hits: int = 0  # finished results read from the cache (no extraction, no rules)
    cache_write_errors: int = 0
    cache_error: str | None = None  # why the cache could not be written, the first time it could not
    timeouts: int = 0
    crashes: int = 0
    prepare_seconds: float = 0.0  # extract + normalise + segment, or loading the cache entry
    classify_seconds: float = 0.0  # language and document type
    rules_seconds: float = 0.0  # rule evaluation
    probe_seconds: float = 0.0  # the scanning process hashing files and reading result entries
    workers_started: int = 0
    ocr_pages: int = 0  # pages OCR'd (by Tesseract or from the page cache)
    ocr_page_hits: int = 0  # ... of them read from the page cache


@dataclass(slots=True)
class _Info:
    """Per-document facts a worker sends back with the result."""

    cache: str = "off"  # off | hit | miss: the document came from the cache (result or prepared)
    result_hit: bool = False  # ... as a finished result
    cache_write_failed: bool = False
    cache_error: str | None = None  # the reason, when a write failed
    prepare_seconds: float = 0.0
    classify_seconds: float = 0.0
    rules_seconds: float = 0.0
    fatal: bool = False  # the worker should not be trusted with another document
    ocr_pages: int = 0
    ocr_page_hits: int = 0


def _override(rel: str, table: list[tuple[str, str]]) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    for pattern, value in reversed(table):  # the last matching override wins
        if fnmatch(rel, pattern) or fnmatch(name, pattern):
            return value
    return None


def unreadable(source: Source, reason: str, packs: list[Pack], doc_type: str | None = None) -> DocumentResult:
    return DocumentResult(
        path=source.rel, status="unreadable", reason=reason, format=source.format, lang=None,
        doc_type=doc_type, title=None,
        results=[RuleResult(r.id, "cannot_assess", message=reason) for p in packs for r in p.rules],
    )


class _Changed(Unreadable):
    """The file is gone or not what discovery saw: its row says so, and nothing read from it is cached."""


def _check_unchanged(source: Source) -> None:
    """Raise _Changed if the file is no longer the version discovery listed (Source.signature)."""
    if source.signature is None:
        return
    try:
        st = os.stat(source.path)
    except FileNotFoundError:
        raise _Changed("file disappeared during the scan") from None
    except OSError:
        return  # the reader's own error says more
    if signature(st) != source.signature:
        raise _Changed("file changed during the scan; scan it again")


def _prepare_checked(source: Source, options: ExtractOptions) -> Prepared:
    """prepare(), then make sure what was read is the file discovery saw (else _Changed)."""
    try:
        prepared = prepare(source, options)
    except Unreadable:
        _check_unchanged(source)  # "cannot open file" for a file deleted meanwhile says it disappeared
        raise
    _check_unchanged(source)
    return prepared


def prepare(source: Source, options: ExtractOptions) -> Prepared:
    """Extract, normalise and segment: the pack-independent (cacheable) part. Raises Unreadable."""
    assert source.format is not None
    extracted = extract(Path(source.path), source.format, options)
    blocks = normalise_blocks(extracted.blocks)
    sentences = segment(blocks)
    if not sentences:
        raise Unreadable("no text")
    return Prepared(blocks=blocks, sentences=sentences, title=extracted.title, pages=extracted.pages,
                    engine=extracted.engine)


def _keys(source: Source, options: ScanOptions, packs_key: str | None, digest: str) -> tuple[str, str | None]:
    """(prepared-document key, result key or None when results are not cached)."""
    assert source.format is not None
    key = cache_key(digest, source.format, options.extract)
    if packs_key is None:
        return key, None
    rkey = result_key(key, packs_key, options.as_of.isoformat(), _override(source.rel, options.doc_types),
                      _override(source.rel, options.doc_langs))
    return key, rkey


_PROBE_MAX = 256 << 20  # larger files are hashed in a worker, under its deadline


def _digest_regular(source: Source) -> str | None:
    """In the scanning process: the file's digest, or None to leave the file to a worker.

    Only regular files of bounded size are read here, opened non-blocking so that a file swapped for a
    FIFO cannot hang the scan; anything else (and any error) is left to a worker to read and report.
    (Hashing ahead on threads was tried: no faster, the GIL hands over too slowly between small files.)"""
    if source.format is None:
        return None
    try:
        fd = os.open(source.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > _PROBE_MAX:
            return None
        if source.signature is not None and signature(st) != source.signature:
            return None  # changed since discovery: a worker reads it and reports that
        with open(fd, "rb", closefd=False) as fh:
            return fileobj_digest(fh)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)


def _probe(
    source: Source, options: ScanOptions, cache: Cache, packs_key: str, digest: str | None = None,
) -> tuple[DocumentResult | None, str | None]:
    """(cached result or None, the file's digest or None); digest: already computed by _digest_regular."""
    if digest is None:
        digest = _digest_regular(source)
        if digest is None:
            return None, None
    _, rkey = _keys(source, options, packs_key, digest)
    return (cache.get_result(rkey, source.rel) if rkey else None), digest


def _prepare_cached(source: Source, options: ScanOptions, cache: Cache | None, info: _Info,
                    key: str | None = None) -> Prepared:
    if cache is None or key is None:
        return _prepare_checked(source, options.extract)
    entry = cache.get(key)
    if entry is not None:
        info.cache = "hit"
        if isinstance(entry, str):
            raise Unreadable(entry)
        return entry
    info.cache = "miss"
    try:
        prepared = _prepare_checked(source, options.extract)
    except _Changed:
        raise
    except Unreadable as exc:  # "encrypted", "no text layer": as stable as the text itself
        info.cache_write_failed = not cache.put(key, str(exc) or "unreadable")
        raise
    info.cache_write_failed = not cache.put(key, prepared)
    return prepared


def build_document(
    source: Source, options: ScanOptions, packs: list[Pack], prepared: Prepared | None = None,
) -> Document:
    """A document ready for the rules; raises Unreadable."""
    assert source.format is not None
    if prepared is None:
        prepared = prepare(source, options.extract)
    blocks, sentences = prepared.blocks, prepared.sentences
    lang = _override(source.rel, options.doc_langs) or detect_language(
        [s.text for s in sentences], default=packs[0].languages[0] if packs else "sv"
    )
    title = prepared.title or next((b.text for b in blocks if b.kind in ("title", "heading")), None)
    vocab: dict[str, dict[str, list[str]]] = {}
    for pack in packs:
        for doc_type, langs in pack.doc_types.items():
            for lng, words in langs.items():
                vocab.setdefault(doc_type, {}).setdefault(lng, []).extend(words)
    overridden = _override(source.rel, options.doc_types)
    doc_type = overridden or classify_type(title, blocks, vocab, lang)
    return Document(
        path=source.rel, format=source.format, blocks=blocks, sentences=sentences, lang=lang,
        doc_type=doc_type, title=title, pages=prepared.pages, engine=prepared.engine,
        type_alternatives=() if overridden else type_alternatives(title, blocks, vocab, lang, doc_type),
    )


def _memory_reason(options: ScanOptions) -> str:
    return f"exceeded the memory limit ({options.memory_limit} MB)" if options.memory_limit else \
        "exceeded the available memory"


def analyse(
    source: Source, options: ScanOptions, packs: list[Pack], cache: Cache | None = None,
    info: _Info | None = None, packs_key: str | None = None, digest: str | None = None,
) -> DocumentResult:
    """One document, end to end. Never raises for a bad document; `info` collects cache/timing facts.

    packs_key (govcheck.cache.packs_digest of `packs`) turns the result cache on. A given digest means
    the scanning process has hashed the file and already looked its result up (a miss)."""
    info = info if info is not None else _Info()
    doc_type = _override(source.rel, options.doc_types)
    t0 = time.perf_counter()
    stage = "extraction"
    rkey: str | None = None
    try:
        key = None
        if cache is not None:
            probed = digest is not None
            if digest is None:
                try:
                    digest = file_digest(Path(source.path))
                except OSError as exc:
                    _check_unchanged(source)
                    raise Unreadable(f"cannot open file: {exc.strerror or exc}") from None
                _check_unchanged(source)  # the digest must be of the version discovery listed
            key, rkey = _keys(source, options, packs_key, digest)
            if rkey is not None and not probed:
                hit = cache.get_result(rkey, source.rel)
                if hit is not None:
                    info.cache, info.result_hit = "hit", True
                    return hit
        prepared = _prepare_cached(source, options, cache, info, key)
        t1 = time.perf_counter()
        info.prepare_seconds = t1 - t0
        stage = "analysis"
        doc = build_document(source, options, packs, prepared)
        t2 = time.perf_counter()
        info.classify_seconds = t2 - t1
        results = evaluate(packs, doc, options.as_of)
        info.rules_seconds = time.perf_counter() - t2
    except Unreadable as exc:
        result = unreadable(source, str(exc) or "unreadable", packs, doc_type)
        if rkey is not None and cache is not None and not isinstance(exc, _Changed):
            # the text's own verdict: as stable as the text
            info.cache_write_failed |= not cache.put_result(rkey, result)
        return result
    except MemoryError:
        info.fatal = True  # a worker that ran out of memory may be in a bad state: replace it
        return unreadable(source, _memory_reason(options), packs, doc_type)
    except Exception as exc:  # an extractor bug must not stop the scan or pass as "not met"
        try:
            _check_unchanged(source)  # ... nor a file pulled away mid-read pass as an extractor bug
        except _Changed as changed:
            return unreadable(source, str(changed), packs, doc_type)
        reason = f"{stage} failed: {type(exc).__name__}: {str(exc)[:160]}"
        return unreadable(source, reason.replace("\n", " "), packs, doc_type)
    finally:
        if stage == "extraction":
            info.prepare_seconds = time.perf_counter() - t0
    result = DocumentResult(
        path=doc.path, status="ok", reason=None, format=doc.format, lang=doc.lang, doc_type=doc.doc_type,
        title=doc.title, results=results, pages=doc.pages, engine=doc.engine,
        ocr=any(b.ocr for b in doc.blocks),
    )
    if rkey is not None and cache is not None:
        info.cache_write_failed |= not cache.put_result(rkey, result)
    return result


def _open_cache(options: ScanOptions) -> Cache | None:
    if not options.cache:
        return None
    return Cache(Path(options.cache_dir) if options.cache_dir else default_dir())


def _packs_key(cache: Cache | None, packs: list[Pack]) -> str | None:
    return packs_digest(packs) if cache is not None else None


# --- worker processes ----------------------------------------------------------------------------


def _limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    import resource

    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _exit_with(scan_pid: int) -> None:
    """Die (with any helper in our process group) when the scanning process is gone - killed outright,
    say - even while the main thread is stuck in open() on a FIFO. The forkserver parent cannot do
    this for us: every worker holds its lifeline open, so it outlives the scan too."""
    import threading

    pidfd = None
    if hasattr(os, "pidfd_open"):
        try:
            pidfd = os.pidfd_open(scan_pid)
        except OSError:
            pidfd = None

    def watch() -> None:
        if pidfd is not None:
            import select

            select.select([pidfd], [], [])  # readable when the process exits
        else:
            while True:
                time.sleep(1)
                try:
                    os.kill(scan_pid, 0)
                except ProcessLookupError:
                    break
                except PermissionError:
                    continue
        with contextlib.suppress(OSError):
            os.killpg(os.getpid(), signal.SIGKILL)
        os._exit(1)

    threading.Thread(target=watch, name="govcheck-lifeline", daemon=True).start()


# Allocations (net of frees) of container objects between two young-generation GC passes, in a process
# that analyses documents; Python's default is 700. Most documents stay below it, and are collected once
# they are done (`_after_document`).
_GC_YOUNG = 30_000


@contextlib.contextmanager
def _document_gc() -> Iterator[None]:
    """Fewer cyclic-GC passes while documents are analysed one after another, and the old setting after.

    Why: a document's lines, blocks, sentences and index stay alive while it is read and judged, so at
    Python's default threshold (700) each young pass walks thousands of live objects, promotes them, and
    the older passes walk them again: ~1.4 of ~11 CPU seconds for the 200-document sample in one process
    (1,433 young, 131 middle and 11 full passes). At 10,000: 240, 22 and 2 passes, about half the time.
    Reference counting still frees everything that is not in a cycle at once, so memory does not grow;
    garbage in cycles waits a little longer. Results do not depend on when the GC runs.

    Since the sixteenth session the threshold is 30,000 and each document ends with `_after_document`:
    a pass while a document is read walks all of it, alive; one after it walks only what it left in
    cycles. On the sample, one process: 70 young and 6 middle passes, 0.23-0.26 CPU s, became 3 young,
    200 middle (one a document) and 1 full, 0.16-0.17 s; peak RSS 180 -> 174 MB."""
    old = gc.get_threshold()
    gc.set_threshold(_GC_YOUNG, *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _after_document() -> None:
    """A document is done and its objects are gone, except those in reference cycles: collect the young
    and middle generations now, when they hold little that is alive (see `_document_gc`)."""
    gc.collect(1)


def _worker_main(conn: Connection, payload: bytes, scan_pid: int, slots=None) -> None:
    """Read (index, source, digest) from the pipe, answer (index, result, info) until told to stop.

    While OCR runs, ("ocr", index, pages done, pages to read) messages come first: they extend the
    document's deadline and count pages for the progress display. `slots`: CPU slots the scan lends
    when cores are idle, used for more Tesseract processes (govcheck.extract.ocr)."""
    if hasattr(os, "setpgid"):
        # Own process group: Ctrl-C reaches only the parent (which stops us), and a timeout kills
        # any helper we started (tesseract) along with us.
        os.setpgid(0, 0)
    _exit_with(scan_pid)
    options, packs, packs_key = prewarm.take(payload)
    _limit_memory(options.memory_limit)
    cache = _open_cache(options)
    with _document_gc():
        _serve(conn, options, packs, packs_key, cache, slots)


def _serve(conn: Connection, options: ScanOptions, packs: list[Pack], packs_key: str | None,
           cache: Cache | None, slots) -> None:
    """The worker's loop: one document per message until the pipe closes or says stop."""
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, source, digest = msg
        info = _Info()
        ocr_mod.configure(slots, cache, functools.partial(_send_ocr_progress, conn, index))
        try:
            result = analyse(source, options, packs, cache, info, packs_key, digest)
            _after_document()
        except MemoryError:
            info.fatal = True
            result = unreadable(source, _memory_reason(options), packs, _override(source.rel, options.doc_types))
        except Exception as exc:  # a rule engine bug: report it on this document, keep scanning
            reason = f"analysis failed: {type(exc).__name__}: {str(exc)[:160]}".replace("\n", " ")
            result = unreadable(source, reason, packs, _override(source.rel, options.doc_types))
        if info.cache_write_failed and cache is not None:
            info.cache_error = cache.last_error
        info.ocr_pages, info.ocr_page_hits = ocr_mod.take_counts()
        try:
            conn.send((index, result, info))
        except MemoryError:
            return  # the parent sees the exit and reports the document
        if info.fatal:
            return


def _send_ocr_progress(conn: Connection, index: int, done: int, total: int) -> None:
    conn.send(("ocr", index, done, total))


def _context() -> mp.context.BaseContext:
    """forkserver: workers fork from a clean, single-threaded server that has already imported govcheck
    (fast restarts, and no fork of a parent with a progress-bar thread); spawn where unavailable."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        # (govcheck._forkserver imports govcheck.scan itself, with the GC paused; the second name is
        # there in case the first fails to import: the server then still has the workers' modules)
        ctx.set_forkserver_preload(["govcheck._forkserver", "govcheck.scan"])
        return ctx
    return mp.get_context("spawn")


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, payload: bytes, slots=None) -> None:
        parent, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, payload, os.getpid(), slots),  # type: ignore[attr-defined]
                                daemon=True)
        # Ctrl-C or SIGTERM arriving while the start-up data is half sent would make the new process
        # print a traceback on the user's terminal: hold them until it is sent, then stop as usual.
        # (Handlers, not a signal mask: a library thread with the signal unblocked would take it.)
        pending: list[int] = []
        held = {s: signal.signal(s, lambda signum, frame: pending.append(signum))
                for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.proc.start()
        finally:
            for s, handler in held.items():
                signal.signal(s, handler)
        child.close()
        self.conn: Connection = parent
        self.task: int | None = None
        self.deadline: float | None = None
        self.started = 0.0
        if pending:
            self.kill()
            signal.raise_signal(pending[0])

    def submit(self, index: int, source: Source, digest: str | None, timeout: float | None) -> bool:
        """False if the worker is gone (killed from outside while idle)."""
        self.task = index
        self.started = time.monotonic()
        self.deadline = self.started + timeout if timeout else None
        try:
            self.conn.send((index, source, digest))
        except OSError:
            return False
        return True

    def kill(self) -> None:
        pid = self.proc.pid
        if pid is not None and self.proc.exitcode is None:
            if hasattr(os, "killpg"):
                with contextlib.suppress(OSError):
                    os.killpg(pid, signal.SIGKILL)  # the worker and anything it started
            self.proc.kill()
        self.proc.join()
        self.conn.close()

    def ask_to_stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)


def _crash_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        return f"worker crashed (signal {-exitcode})"
    return f"worker crashed (exit code {exitcode})"


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


OcrProgress = Callable[[str, int, int], None]  # (document path, pages OCR'd, pages to OCR)


def run(
    sources: list[Source], options: ScanOptions, packs: list[Pack],
    progress: Callable[[DocumentResult], None] | None = None, stats: ScanStats | None = None,
    warn: Callable[[str], None] | None = None, ocr_progress: OcrProgress | None = None,
) -> Iterator[DocumentResult]:
    """Analyse sources, yielding results in source order (stable reports whatever the job count).

    progress is called as each document finishes (completion order), so it ticks even while an
    earlier, slower document holds back the ordered stream. warn gets one line, once, when the cache
    cannot be written: a folder that is not writable at the start means a scan without the cache; a
    write that fails later (a full disk) leaves the entry out and the scan goes on. ocr_progress is
    called as each OCR'd page is read.
    """
    stats = stats if stats is not None else ScanStats()
    if options.cache and sources:
        problem = Cache(Path(options.cache_dir) if options.cache_dir else default_dir()).check_writable()
        if problem is not None:
            stats.cache_error = problem
            if warn:
                warn(f"cannot write the cache ({problem}); scanning without it")
            options = replace(options, cache=False)

    def record(info: _Info) -> None:
        _record(stats, info)
        if info.cache_write_failed and stats.cache_error is None:
            stats.cache_error = info.cache_error or "unknown error"
            if warn:
                warn(f"cannot write the cache ({stats.cache_error}); results not cached from here on "
                     "are read again next time")

    jobs = options.jobs or _cpu_count()
    if jobs <= 1 and not options.timeout:
        yield from _run_in_process(sources, options, packs, progress, record, ocr_progress)
    else:
        yield from _run_isolated(sources, options, packs, progress, stats, jobs, record, ocr_progress)


def _record(stats: ScanStats, info: _Info) -> None:
    stats.documents += 1
    stats.cache_hits += info.cache == "hit"
    stats.cache_misses += info.cache == "miss"
    stats.result_hits += info.result_hit
    stats.cache_write_errors += info.cache_write_failed
    stats.prepare_seconds += info.prepare_seconds
    stats.classify_seconds += info.classify_seconds
    stats.rules_seconds += info.rules_seconds
    stats.ocr_pages += info.ocr_pages
    stats.ocr_page_hits += info.ocr_page_hits


def _run_in_process(
    sources: list[Source], options: ScanOptions, packs: list[Pack],
    progress: Callable[[DocumentResult], None] | None, record: Callable[[_Info], None],
    ocr_progress: OcrProgress | None = None,
) -> Iterator[DocumentResult]:
    """No isolation (debugging, profiling, tests): --jobs 1 --timeout 0."""
    cache = _open_cache(options)
    packs_key = _packs_key(cache, packs)
    try:
        with _document_gc():
            for source in sources:
                info = _Info()
                ocr_mod.configure(None, cache, functools.partial(ocr_progress, source.rel) if ocr_progress else None)
                result = analyse(source, options, packs, cache, info, packs_key)
                _after_document()
                if info.cache_write_failed and cache is not None:
                    info.cache_error = cache.last_error
                info.ocr_pages, info.ocr_page_hits = ocr_mod.take_counts()
                record(info)
                if progress:
                    progress(result)
                yield result
    finally:
        ocr_mod.configure()  # this process's OCR settings end with the scan (extract() after it: no cache)


def _run_isolated(
    sources: list[Source], options: ScanOptions, packs: list[Pack],
    progress: Callable[[DocumentResult], None] | None, stats: ScanStats, jobs: int,
    record: Callable[[_Info], None], ocr_progress: OcrProgress | None = None,
) -> Iterator[DocumentResult]:
    if not sources:
        return
    ctx = _context()
    cache = _open_cache(options)
    packs_key = _packs_key(cache, packs)
    payload = pickle.dumps((options, packs, packs_key))
    cap = min(jobs, len(sources))
    workers: list[_Worker] = []  # started when a document needs one: a warm scan may need none
    # Cores with no document left to take are lent to the documents still running, for more Tesseract
    # processes at once (page-level OCR). Only lent, never taken back: once every document has been handed
    # out no new work appears. A worker killed while holding slots loses them: less parallelism, no hang.
    slots = ctx.Semaphore(0)
    lent = 0

    staged: list[Path | None] = []  # the payload file the fork server builds the lexicons from

    def start() -> _Worker:
        stats.workers_started += 1
        if not staged:  # (only when a document needs a worker: a warm scan builds nothing)
            staged.append(prewarm.stage(ctx, payload, {s.format for s in sources}, (options, packs, packs_key)))
        return _Worker(ctx, payload, slots)

    # Dispatch at most this far ahead of the next result to yield: bounded buffering behind a slow file.
    window = max(8 * cap, 16)
    done: dict[int, DocumentResult] = {}
    pending: deque[tuple[int, str | None]] = deque()  # (index, digest): misses waiting for a worker
    next_probe = next_yield = 0

    def finish(index: int, result: DocumentResult, info: _Info) -> None:
        done[index] = result
        record(info)
        if progress:
            progress(result)

    def fail(worker: _Worker, reason: str) -> _Worker:
        assert worker.task is not None
        index = worker.task
        worker.kill()
        if cache is not None and worker.proc.pid is not None:
            cache.discard_partial(worker.proc.pid)
        source = sources[index]
        finish(index, unreadable(source, reason, packs, _override(source.rel, options.doc_types)), _Info())
        return start()

    try:
        while next_yield < len(sources):
            while next_probe < len(sources) and next_probe < next_yield + window:
                index, source = next_probe, sources[next_probe]
                next_probe += 1
                if cache is None or packs_key is None:
                    pending.append((index, None))
                    continue
                t0 = time.perf_counter()
                result, digest = _probe(source, options, cache, packs_key)
                spent = time.perf_counter() - t0
                stats.probe_seconds += spent
                if result is None:
                    pending.append((index, digest))
                else:
                    finish(index, result, _Info(cache="hit", result_hit=True, prepare_seconds=spent))
            for i, w in enumerate(workers):
                if w.task is None and pending:
                    index, digest = pending.popleft()
                    if not w.submit(index, sources[index], digest, options.timeout):
                        w.kill()
                        w = workers[i] = start()
                        w.submit(index, sources[index], digest, options.timeout)
            while pending and len(workers) < cap:
                index, digest = pending.popleft()
                w = start()
                workers.append(w)
                w.submit(index, sources[index], digest, options.timeout)
            while next_yield in done:
                yield done.pop(next_yield)
                next_yield += 1
            busy = [w for w in workers if w.task is not None]
            if next_probe == len(sources) and not pending and jobs - len(busy) > lent:
                for _ in range(jobs - len(busy) - lent):
                    slots.release()
                lent = jobs - len(busy)
            if not busy:
                continue
            deadlines = [w.deadline for w in busy if w.deadline is not None]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait_for))
            now = time.monotonic()
            for w in busy:
                i = workers.index(w)
                if w.conn in ready:
                    try:
                        msg = w.conn.recv()
                    except (EOFError, OSError):
                        w.proc.join(1)
                        workers[i] = fail(w, _crash_reason(w.proc.exitcode))
                        stats.crashes += 1
                        continue
                    if msg[0] == "ocr":  # a page of a scan was read (or is about to be)
                        _, index, pages_done, pages_total = msg
                        if options.timeout:
                            # A scan's deadline grows with its pages: --timeout for the document, and
                            # as much again for each page to OCR.
                            w.deadline = w.started + options.timeout * (1 + pages_total)
                        if ocr_progress:
                            ocr_progress(sources[index].rel, pages_done, pages_total)
                        continue
                    index, result, info = msg
                    w.task = w.deadline = None
                    finish(index, result, info)
                    if info.fatal:  # it exits after a MemoryError: do not hand it the next file
                        w.kill()
                        workers[i] = start()
                elif w.proc.sentinel in ready:
                    w.proc.join(1)
                    workers[i] = fail(w, _crash_reason(w.proc.exitcode))
                    stats.crashes += 1
                elif w.deadline is not None and now >= w.deadline:
                    workers[i] = fail(w, f"timed out after {options.timeout:g} s")
                    stats.timeouts += 1
    finally:
        for path in staged:
            if path is not None:
                path.unlink(missing_ok=True)
        for w in workers:
            if w.task is None:
                w.ask_to_stop()
        give_up = time.monotonic() + 2
        for w in workers:
            if w.task is None:
                w.proc.join(max(0.0, give_up - time.monotonic()))
            busy = w.proc.exitcode is None
            w.kill()
            if busy and cache is not None and w.proc.pid is not None:
                cache.discard_partial(w.proc.pid)  # it may have been killed mid-write


def report_header(options: ScanOptions, packs: list[Pack], roots: list[str]) -> ScanReport:
    """The report of a scan before any document: what the streaming writers start from."""
    return ScanReport(
        tool={"name": "govcheck", "version": __version__},
        as_of=options.as_of.isoformat(),
        rulesets=[{"id": p.id, "version": p.version} for p in packs],
        rules=[r.info for p in packs for r in p.rules],
        documents=[],
        roots=roots,
    )


def scan(
    sources: list[Source], options: ScanOptions, packs: list[Pack], roots: list[str],
    progress: Callable[[DocumentResult], None] | None = None, stats: ScanStats | None = None,
    warn: Callable[[str], None] | None = None, ocr_progress: OcrProgress | None = None,
) -> ScanReport:
    """The whole scan as one ScanReport in memory (library use, tests). The CLI streams instead:
    run() into govcheck.report.stream.write_reports, which applies the per-document transforms."""
    documents = list(run(sources, options, packs, progress, stats, warn, ocr_progress))
    langs = [d.lang for d in documents if d.lang]
    return replace(report_header(options, packs, roots), documents=documents,
                   lang=max(set(langs), key=langs.count) if langs else None)
