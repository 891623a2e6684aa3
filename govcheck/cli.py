"""Command line: `govcheck scan`, `govcheck diff`, `govcheck init` and `govcheck rules ...`.

Exit codes of `govcheck scan` (like Vale and Semgrep, so CI can gate on them):
  0  no finding at or above --fail-on (default not_met; `never` always gives 0)
  1  findings at or above --fail-on: a not_met cell, or with --fail-on partial also a partial cell.
     Waived cells, cannot_assess (unreadable) and not_applicable never count.
  2  a usage, configuration (govcheck.yaml), rule pack or waiver problem, reported before any
     document is read; or a failure of the tool itself - a report that cannot be written (--output
     is a folder or not writable, a full disk, standard output closed or full) - with one line
     naming the path and the reason, and no report left half-written.
  130 / 143  interrupted (SIGINT / SIGTERM): no report written, workers stopped.
  141  the reader of standard output went away (`govcheck scan DIR | head -1`): writing stops, the
     scan's workers are stopped, no report is committed, nothing is printed. 128 + SIGPIPE, the status
     a shell shows for `yes | head -1` under `set -o pipefail`: neither 0 nor 1, because the report
     was not delivered whole and the findings were not counted to the end, and not 2, because nothing
     failed in govcheck - the reader chose to stop. Every command ends this way on a closed pipe.
`govcheck diff` exits 0 (2 on unreadable reports); `govcheck init` 0 (2 if the file exists).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from typer.core import TyperGroup

from govcheck import __version__
from govcheck.config import (
    STARTER,
    Config,
    ConfigError,
    check_rule_ids,
    expired_waivers,
    find_config,
    keep_document_rules,
    load_config,
    select_rules,
    waive_document,
)
from govcheck.discover import discover
from govcheck.extract import ExtractOptions
from govcheck.judgements import (
    JUDGEMENTS_NAME,
    JudgementApplier,
    JudgementRun,
    Judgements,
    JudgementsError,
    apply_judgements,
    find_judgements,
    load_judgements,
)
from govcheck.judgements import check_rules as check_judged_rules
from govcheck.model import DocumentResult
from govcheck.report import BINARY, EXTENSIONS, FORMATS, ReportOptions, write_atomic
from govcheck.report.common import FAIL_ON, review_summary
from govcheck.report.output import OutputError, Target, silence_stdout, write_stdout
from govcheck.report.stream import Output, Transform, write_reports
from govcheck.rules import RuleError, bundled_packs, load_pack, load_packs
from govcheck.scan import ScanOptions, ScanStats, report_header, run, scan

# 128 + SIGPIPE: what a shell reports for a coreutils command whose reader stopped reading.
EXIT_READER_GONE = 141


@contextlib.contextmanager
def _quiet_when_reader_leaves() -> Iterator[None]:
    """End with EXIT_READER_GONE, silently, when standard output's reader has gone away.

    Python ignores SIGPIPE, so a write to a closed pipe raises BrokenPipeError; left to click, that
    becomes exit 1 - which govcheck uses for "findings" - or, when the last buffered lines are flushed
    at interpreter exit, an "Exception ignored" message and exit 120. Standard output is flushed here,
    not at exit, so a closed pipe shows itself where it can be caught."""
    try:
        try:
            yield
        finally:
            with contextlib.suppress(ValueError, AttributeError):  # standard output closed or absent
                sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()  # nothing more to write, and the interpreter's own flush must not fail again
        raise typer.Exit(EXIT_READER_GONE) from None
    except OSError as exc:  # a full disk behind standard output (`> /dev/full`): the tool failed, exit 2
        if exc.filename is not None:  # a named file failed (a broken install's schema): not standard output
            raise
        interrupt = _interrupt_behind(exc)
        if interrupt is not None:  # stopping for Ctrl-C or SIGTERM failed on a pipe: it ends as the signal does
            raise interrupt from None
        silence_stdout()
        raise fail(f"cannot write to standard output: {exc.strerror or exc}") from None


def _interrupt_behind(exc: BaseException) -> BaseException | None:
    """The Ctrl-C (KeyboardInterrupt) or SIGTERM (Terminated, SystemExit) an error was raised while handling, if any.

    A scan stopped by a signal closes its workers' pipes as it unwinds; an error from one of them
    ("handle is closed", errno unset) is no failure to write standard output, and must not turn the
    interrupted scan's exit 130 or 143 into exit 2 (seen once under load in test_faults.py)."""
    seen: set[int] = set()
    cause = exc.__context__
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, (KeyboardInterrupt, SystemExit, Terminated)):
            return cause
        seen.add(id(cause))
        cause = cause.__context__
    return None


class _Commands(TyperGroup):
    """The command group: every command, and the help and --version printed while the arguments are
    parsed, end quietly with EXIT_READER_GONE on a closed pipe (_quiet_when_reader_leaves)."""

    def make_context(self, *args: Any, **kwargs: Any) -> typer.Context:
        with _quiet_when_reader_leaves():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: typer.Context) -> Any:
        with _quiet_when_reader_leaves():
            return super().invoke(ctx)


app = typer.Typer(
    cls=_Commands,
    help="Check governance documents (agreements, guidelines, routines) against YAML rule packs.\n\n"
    "Start with:  govcheck scan FOLDER   (a matrix per document and rule, with --details for evidence).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="List, validate, test and explain rule packs.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
cache_app = typer.Typer(help="Show or empty the cache of extracted documents and results (it grows with "
                        "every new document version, rule pack and govcheck release).", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
judgements_app = typer.Typer(
    help="Auditors' verdicts: where you disagree with (or confirm) the tool, bound to the document's content.\n\n"
    "\b\nThe review workflow:\n"
    "  1. govcheck scan DOCS -f xlsx -o matrix.xlsx   (or -f html and its Review mode button)\n"
    "  2. fill in Auditor outcome / reason / Auditor / Date judged on the rows you judged\n"
    "  3. govcheck judgements import matrix.xlsx -o DOCS/govcheck-judgements.yaml\n"
    "  4. govcheck scan DOCS   applies each verdict while the document is unchanged (outcome = yours,\n"
    "     the tool's kept as tool_outcome); after an edit the verdict is reported as stale and the\n"
    "     tool's outcome stands until you judge the new version. A file renamed or moved keeps its\n"
    "     verdict: it is found by its content (sha256) and reported as moved.\n"
    "  5. govcheck judgements examples DOCS   turns disagreements into candidate rule examples.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(judgements_app, name="judgements")

err = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    with contextlib.suppress(OSError):  # stderr gone too: the exit code still says it
        err.print(f"govcheck: error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


class Terminated(BaseException):
    """SIGTERM, raised where the scan is so that reports in progress are removed and workers stopped
    on the way out, as for Ctrl-C (a BaseException: no `except Exception` may take it for a bad file)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated


def _redeliver_terminated(hook: Callable[[Any], object]) -> Callable[[Any], None]:
    """sys.unraisablehook for a scan: a SIGTERM that lands where Python ignores exceptions (a callback run by C
    code, such as logging's fork handler `_releaseLock`) would print "Exception ignored … Terminated" with a
    traceback and be lost, the scan going on; send it again instead, a moment later from another thread, so that
    it lands in the scan's own code and not in this hook."""

    def handle(unraisable: Any) -> None:  # sys.UnraisableHookArgs
        if isinstance(unraisable.exc_value, Terminated):
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGTERM)).start()
            return
        hook(unraisable)

    return handle


def _parse_date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"--as-of {value!r}: expected a date like 2026-11-22") from None


def _pairs(values: list[str], option: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        glob, sep, value = v.rpartition("=")
        if not sep or not glob or not value:
            raise fail(f"{option} {v!r}: expected GLOB=VALUE, e.g. 'rutin-*.docx=routine'")
        out.append((glob, value))
    return out


@app.command("scan")
def scan_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to scan (folders recursively).")],
    fmt: Annotated[list[str], typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}. "
                                           "Repeat with --output for several reports in one run.")] = [],  # noqa: B006
    output: Annotated[list[Path], typer.Option("--output", "-o", help="Write the report here (paired with "
                                               "--format in order); default standard output.")] = [],  # noqa: B006
    as_of: Annotated[str | None, typer.Option(help="Judge validity and repealed law at this date "
                                              "(YYYY-MM-DD; default today).")] = None,
    rules: Annotated[list[str], typer.Option("--rules", "-r", help="Rule pack file or bundled pack id; "
                                             "repeatable. Replaces the default pack: name it too to "
                                             "keep it (-r child-youth-collaboration -r mine.yaml).")] = [],  # noqa: B006
    include: Annotated[list[str], typer.Option(help="Only files matching this glob (repeatable).")] = [],  # noqa: B006
    exclude: Annotated[list[str], typer.Option(help="Skip files matching this glob (repeatable).")] = [],  # noqa: B006
    doc_type: Annotated[list[str], typer.Option("--doc-type", help="Override the detected document "
                                                "type: GLOB=TYPE, e.g. 'rutin*.pdf=routine'.")] = [],  # noqa: B006
    doc_lang: Annotated[list[str], typer.Option("--doc-lang", help="Override the detected language: "
                                                "GLOB=sv|en.")] = [],  # noqa: B006
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (0 = one per core).")] = 0,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds one document may take before it is "
                                           "reported unreadable (0 = no limit; with --jobs 1 also no "
                                           "worker process).")] = 60.0,
    memory_limit: Annotated[int, typer.Option("--memory-limit", help="Address space in MB for each worker "
                                              "process; a document needing more is reported unreadable "
                                              "(0 = no limit).")] = 2048,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Cache of extracted text (default: "
                                                   "the per-user cache folder).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")] = False,
    pdf_engine: Annotated[str, typer.Option(help="PDF text engine: pdfium (fast, default) or "
                                            "pdfplumber (slower layout analysis).")] = "pdfium",
    ocr: Annotated[bool, typer.Option("--ocr", help="Read pages without a text layer with Tesseract.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Report language sv|en (default: the "
                                             "documents' language).")] = None,
    details: Annotated[bool, typer.Option("--details", help="Terminal: quote the evidence of every cell.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
    fail_on: Annotated[str | None, typer.Option("--fail-on", help="Exit 1 if a cell is at or above this outcome: "
                                                "never, partial or not_met (default not_met). Waived, "
                                                "cannot_assess and not_applicable cells never count. "
                                                "Exit 2 means a usage, config, rule or waiver error.")] = None,
    config_file: Annotated[Path | None, typer.Option("--config", help="Use this govcheck.yaml (default: the "
                                                     "nearest one in the first path's folder or above).")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore any govcheck.yaml.")] = False,
    output_dir: Annotated[Path | None, typer.Option("--output-dir", help="Write each --format without its own "
                                                    "--output to DIR/govcheck-report.<ext>.")] = None,
    judgements_file: Annotated[Path | None, typer.Option("--judgements", help="Auditors' recorded verdicts to "
                                                         "apply (default: govcheck-judgements.yaml beside "
                                                         "govcheck.yaml, or the nearest one above the first "
                                                         "path). A verdict replaces the tool's outcome while "
                                                         "the document is unchanged; after an edit it is "
                                                         "reported as stale. See `govcheck judgements --help`."
                                                         )] = None,
    no_judgements: Annotated[bool, typer.Option("--no-judgements", help="Apply no recorded verdicts: the "
                                                "tool's own outcomes only.")] = False,
) -> None:
    """Scan documents and print a compliance matrix or write reports.

    Exit status: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage, config, rule
    or waiver error (before any document is read).
    """
    # Everything that can be wrong with the invocation, config, packs or waivers is checked here,
    # before discovery reads any document: exit 2 must never follow a half-done scan.
    cfg = _load_config(paths, config_file, no_config)
    as_of_date = _parse_date(as_of) if as_of else (cfg.as_of or dt.date.today())
    fail_level = fail_on or cfg.fail_on or "not_met"
    if fail_level not in FAIL_ON:
        raise fail(f"--fail-on {fail_level!r}: choose {', '.join(FAIL_ON)}")
    lang = lang or cfg.lang
    if pdf_engine not in ("pdfium", "pdfplumber"):
        raise fail(f"--pdf-engine {pdf_engine!r}: choose pdfium or pdfplumber")
    if timeout < 0:
        raise fail(f"--timeout {timeout:g}: seconds, 0 or more")
    if memory_limit < 0 or 0 < memory_limit < 256:
        raise fail(f"--memory-limit {memory_limit}: at least 256 (MB), or 0 for no limit")
    formats = fmt or ["terminal"]
    for f in formats:
        if f not in FORMATS:
            raise fail(f"--format {f!r}: choose from {', '.join(FORMATS)}")
    if len(output) > len(formats):
        raise fail("more --output than --format options; give one --format per --output")
    targets = _targets(formats, output, output_dir)
    for f, target in zip(formats, targets, strict=True):
        if target is None and f in BINARY:
            raise fail(f"--format {f} is binary: give an --output file or --output-dir")
    if lang and lang not in ("sv", "en"):
        raise fail(f"--lang {lang!r}: choose sv or en")
    types = cfg.doc_types + _pairs(doc_type, "--doc-type")  # the last match wins: the command line
    langs = cfg.doc_langs + _pairs(doc_lang, "--doc-lang")
    include, exclude = include or cfg.include, exclude or cfg.exclude
    try:
        packs = load_packs(rules or cfg.packs or None)
        check_rule_ids(cfg, packs)
    except (RuleError, ConfigError) as exc:
        raise fail(str(exc)) from None
    if no_judgements and judgements_file:
        raise fail("--judgements and --no-judgements: give one of them")
    judgements = _load_judgements(cfg, paths, judgements_file, no_judgements or no_config)
    try:
        check_judged_rules(judgements, (r.id for p in packs for r in p.rules))
    except JudgementsError as exc:
        raise fail(str(exc)) from None
    filtered = bool(cfg.enable or cfg.disable)
    if filtered:
        packs = select_rules(packs, cfg.enable, cfg.disable)
        if not any(p.rules for p in packs):
            raise fail(f"{cfg.path}: rules.enable/disable leave no rule to run")
    expired = expired_waivers(cfg.waivers, as_of_date)
    for w in expired:  # even with -q: a gap that was waived now fails again, and the reason must show
        err.print(f"govcheck: warning: {w.where}: waiver for {w.rule} on {w.path!r} expired on "
                  f"{w.expires.isoformat()}; its cells count again", markup=False, soft_wrap=True)
    try:
        sources, notes = discover(paths, include, exclude)
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    for note in notes:
        if not quiet:
            err.print(f"govcheck: note: {note}", markup=False)
    if not sources and not quiet:
        err.print("govcheck: no documents found (pdf, docx, odt, html, md, txt)")

    options = ScanOptions(
        as_of=as_of_date, packs=[str(p.path) for p in packs],
        extract=ExtractOptions(pdf_engine=pdf_engine, ocr=ocr), doc_types=types, doc_langs=langs, jobs=jobs,
        timeout=timeout or None, memory_limit=memory_limit or None, cache=not no_cache,
        cache_dir=str(cache_dir) if cache_dir else None,
    )
    roots = [str(p) for p in paths]
    header = report_header(options, packs, roots)
    # Per-document steps between the scan and the writers, in order (see govcheck.report.stream).
    transforms: list[Transform] = []
    if filtered:
        kept = {r.id for p in packs for r in p.rules}
        header.rules = [r for r in header.rules if r.id in kept]
        transforms.append(lambda d: keep_document_rules(d, kept))
    # Verdicts before waivers: a waiver covers a gap, and whether there is a gap is the auditor's call.
    applier = JudgementApplier(judgements, sources, roots, all_digests=bool({"xlsx", "html"} & set(formats)))
    transforms.append(applier)
    live_waivers = [w for w in cfg.waivers if w.expires >= as_of_date]
    if live_waivers:
        base = cfg.path.resolve().parent if cfg.path else None
        transforms.append(lambda d: waive_document(d, live_waivers, roots, base))
    ropts = ReportOptions(lang=lang, details=details, fail_on=fail_level,
                          expired_waivers=tuple(w.to_json() for w in expired),
                          config=str(cfg.path) if cfg.path else None, judgements=applier.run)

    def warn(message: str) -> None:
        err.print(f"govcheck: warning: {message}", markup=False, soft_wrap=True)

    outputs = [Output(f, Target(t)) for f, t in zip(formats, targets, strict=True)]
    scan_stats = ScanStats()
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _redeliver_terminated(previous_hook)
    started = time.monotonic()
    # What start-up built lives until the scan ends (the packs alone are ~10^5 objects): out of the
    # collector's generations while it runs, so that no full collection walks it again (~0.1 CPU s of this
    # process on the 200-document bench; govcheck/gcpause.py says why results cannot change). Unfrozen
    # after, for a caller that scans again in the same process (tests).
    gc.freeze()
    try:
        for out in outputs:  # an impossible --output fails here, before any document is read
            out.target.open()
        show_progress = not quiet and err.is_terminal and (len(sources) > 1 or ocr)
        if show_progress:
            with Progress(TextColumn("{task.fields[what]:<9}"), BarColumn(), MofNCompleteColumn(),
                          TimeRemainingColumn(), TextColumn("{task.description}"), console=err, transient=True) as bar:
                task = bar.add_task("", total=len(sources), what="scanning")
                pages: dict[str, tuple[int, int]] = {}  # OCR'd documents: (pages done, pages to read)
                page_task: list = []

                def tick(result: DocumentResult) -> None:
                    bar.update(task, advance=1, description=result.path[-40:])

                def tick_page(path: str, done: int, total: int) -> None:
                    """Scans are slow: count their pages, not only the documents."""
                    pages[path] = (done, total)
                    if not page_task:
                        page_task.append(bar.add_task("", total=0, what="OCR pages"))
                    bar.update(page_task[0], completed=sum(d for d, _ in pages.values()),
                               total=sum(t for _, t in pages.values()), description=path[-40:])

                written = write_reports(header, run(sources, options, packs, tick, scan_stats, warn, tick_page),
                                        outputs, ropts, transforms, fail_level)
        else:
            written = write_reports(header, run(sources, options, packs, stats=scan_stats, warn=warn), outputs,
                                    ropts, transforms, fail_level)
        for out in outputs:
            out.target.commit()
    except OutputError as exc:
        raise fail(str(exc)) from None
    except Terminated:
        raise typer.Exit(143) from None
    finally:
        gc.unfreeze()
        for out in outputs:
            out.target.discard()
        signal.signal(signal.SIGTERM, previous)
        sys.unraisablehook = previous_hook
    elapsed = time.monotonic() - started
    _warn_unapplied(applier.run, quiet)  # even with -q: a verdict that stopped applying changes an outcome

    tally = written.report.tally
    assert tally is not None
    if not quiet:
        for path, why in tally.unreadable_docs:
            err.print(f"govcheck: {path}: unreadable: {why}", markup=False)
        gate = "" if fail_level == "never" else f"{written.findings} findings at or above {fail_level}, "
        waived = f"{written.waived} waived, " if written.waived else ""
        ocr_note = ""
        if scan_stats.ocr_pages:
            ocr_note = f"{scan_stats.ocr_pages} pages OCR'd ({scan_stats.ocr_page_hits} from the page cache), "
        err.print(f"govcheck: {tally.documents} documents, {tally.unreadable} unreadable, {gate}{waived}"
                  f"{review_summary(written.report, applier.run)}{ocr_note}{elapsed:.1f} s", markup=False,
                  soft_wrap=True)
    if written.findings:
        raise typer.Exit(1)


def _load_config(paths: list[Path], config_file: Path | None, no_config: bool) -> Config:
    """--config FILE, else the nearest govcheck.yaml above the first scanned path; exit 2 on problems."""
    if no_config:
        return Config()
    path = config_file
    if path is None and paths:
        path = find_config(paths[0])
    if path is None:
        return Config()
    if not path.is_file():
        raise fail(f"--config {path}: no such file")
    try:
        return load_config(path)
    except ConfigError as exc:
        raise fail(str(exc)) from None


def _load_judgements(cfg: Config, paths: list[Path], explicit: Path | None, skip: bool) -> Judgements:
    """--judgements FILE, else govcheck-judgements.yaml beside the config (or above the first path);
    exit 2 on any problem, before a document is read."""
    if skip and explicit is None:
        return Judgements()
    path = explicit or find_judgements(cfg.path, paths[0] if paths else None)
    if path is None:
        return Judgements()
    if not path.is_file():
        raise fail(f"--judgements {path}: no such file")
    try:
        return load_judgements(path)
    except JudgementsError as exc:
        raise fail(str(exc)) from None


def _warn_unapplied(run: JudgementRun, quiet: bool = False) -> None:
    """Stale, missing and superseded verdicts on stderr, even with -q: a verdict that stopped applying
    changes an outcome back to the tool's, and the auditor must know why. A verdict that followed its
    document to a new path still applies: a note, unless -q, so the file can be brought up to date."""
    for e in run.entries:
        v = e.verdict
        if e.status == "stale":
            now = "it cannot be read now" if e.current_sha256 is None else "the document has changed since"
            err.print(f"govcheck: warning: {e.where}: verdict {v.outcome} for {v.rule} on {v.path!r} ({v.by}, "
                      f"{v.date}) is stale: {now}; the tool's outcome stands until it is judged again",
                      markup=False, soft_wrap=True)
        elif e.status == "missing":
            err.print(f"govcheck: warning: {e.where}: verdict for {v.rule} on {v.path!r}: no such document any "
                      "more, and no scanned document has its content", markup=False, soft_wrap=True)
        elif e.status == "moved" and not e.applies:
            err.print(f"govcheck: warning: {e.where}: verdict for {v.rule} on {v.path!r}: the document is now "
                      f"{e.moved_to!r}, which has its own verdict ({e.superseded_by}); this one is not applied, "
                      "remove it", markup=False, soft_wrap=True)
        elif e.status == "moved" and not quiet:
            err.print(f"govcheck: note: {e.where}: verdict for {v.rule} on {v.path!r} follows its content to "
                      f"{e.moved_to!r} (renamed or moved); write the new path in the file to keep it tidy",
                      markup=False, soft_wrap=True)


def _targets(formats: list[str], output: list[Path], output_dir: Path | None) -> list[Path | None]:
    """Where each format goes: its paired --output, else DIR/govcheck-report.<ext>, else stdout."""
    out: list[Path | None] = []
    for i, f in enumerate(formats):
        if i < len(output):
            out.append(output[i])
        elif output_dir is not None:
            out.append(output_dir / f"govcheck-report.{EXTENSIONS[f]}")
        else:
            out.append(None)
    written = [t for t in out if t is not None]
    if len(set(written)) < len(written):
        raise fail("two reports would be written to the same file: give each repeated --format its own --output")
    return out


# --- init and diff --------------------------------------------------------------------------------


@app.command("init")
def init_cmd(
    folder: Annotated[Path, typer.Argument(help="Where to write govcheck.yaml (default: here).")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing govcheck.yaml.")] = False,
) -> None:
    """Write a commented starter govcheck.yaml (policy-basics pack, fail on not_met, no waivers)."""
    target = folder / "govcheck.yaml"
    if target.exists() and not force:
        raise fail(f"{target} exists; use --force to overwrite it")
    if not folder.is_dir():
        raise fail(f"{folder}: no such folder")
    write_atomic(target, STARTER)
    print(f"wrote {target}: edit packs, include and waivers, then run `govcheck scan {folder}`")


@app.command("diff")
def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The earlier JSON report (govcheck scan --format json).")],
    new: Annotated[Path, typer.Argument(help="The later JSON report.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="terminal, markdown or json.")] = "terminal",
    lang: Annotated[str | None, typer.Option("--lang", help="sv|en (default: the documents' language).")] = None,
) -> None:
    """What improved, regressed or changed per document and rule between two scans; exit 0."""
    from govcheck.diff import DIFF_FORMATS, DiffError, compare, load_report, render

    if fmt not in DIFF_FORMATS:
        raise fail(f"--format {fmt!r}: choose from {', '.join(DIFF_FORMATS)}")
    if lang and lang not in ("sv", "en"):
        raise fail(f"--lang {lang!r}: choose sv or en")
    try:
        before, after = load_report(old), load_report(new)
    except DiffError as exc:
        raise fail(str(exc)) from None
    if not lang:
        langs = [d.get("lang") for d in after["documents"] if d.get("lang") in ("sv", "en")]
        lang = max(set(langs), key=langs.count) if langs else "en"
    write_stdout(render(compare(before, after, str(old), str(new)), fmt, lang))


# --- judgements -----------------------------------------------------------------------------------


@judgements_app.command("import")
def judgements_import(
    workbook: Annotated[Path, typer.Argument(help="An XLSX report (govcheck scan --format xlsx) with the "
                                             "auditor's columns filled in.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Judgements file to write; an existing "
                                                "one is updated (a new verdict replaces the old one for the "
                                                "same document and rule, others are kept). Default: "
                                                "standard output.")] = None,
) -> None:
    """Turn the filled-in rows of an XLSX report into a judgements file; exit 2 naming sheet, row and
    column of every problem."""
    from govcheck.judgements import carried, dump, merge
    from govcheck.judgements_import import WorkbookError, import_xlsx

    if not workbook.is_file():
        raise fail(f"{workbook}: no such file")
    try:
        verdicts = import_xlsx(workbook)
    except WorkbookError as exc:
        for problem in exc.problems:
            err.print(f"govcheck: error: {problem}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    old: list = []
    if output is not None and output.exists():
        try:
            old = load_judgements(output).verdicts
        except JudgementsError as exc:
            raise fail(str(exc)) from None
    merged = merge(old, verdicts)
    if output is None:
        write_stdout(dump(merged))
        return
    write_atomic(output, dump(merged))
    replaced = sum(1 for v in verdicts if any((o.path, o.rule) == (v.path, v.rule) for o in old))
    moved = len(carried(old, verdicts))
    err.print(f"govcheck: {output}: {len(verdicts)} verdicts from {workbook.name} ({replaced} replacing earlier "
              f"ones{f', {moved} moved to their document’s new path' if moved else ''}), {len(merged)} in all",
              markup=False, soft_wrap=True)


@judgements_app.command("examples")
def judgements_examples(
    paths: Annotated[list[Path], typer.Argument(help="The documents the verdicts are about (as for scan).")],
    judgements_file: Annotated[Path | None, typer.Option("--judgements", help="Judgements file (default: "
                                                         "govcheck-judgements.yaml beside govcheck.yaml, or the "
                                                         "nearest one above the first path).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here (default: standard "
                                                "output).")] = None,
    rules: Annotated[list[str], typer.Option("--rules", "-r", help="Rule packs, as for scan.")] = [],  # noqa: B006
    as_of: Annotated[str | None, typer.Option(help="As for scan (YYYY-MM-DD; default today).")] = None,
    config_file: Annotated[Path | None, typer.Option("--config", help="Use this govcheck.yaml.")] = None,
    no_config: Annotated[bool, typer.Option("--no-config", help="Ignore any govcheck.yaml.")] = False,
) -> None:
    """Write the cells where an auditor's verdict differs from the tool's outcome as candidate rule examples
    (lang, outcome, name, text, evidence: the pack's `examples:` format), with the quoted sentence and what
    the rule gives on it now. Nothing is added to a pack: a rule author reviews them."""
    from govcheck.judgements_examples import candidate_examples

    cfg = _load_config(paths, config_file, no_config)
    as_of_date = _parse_date(as_of) if as_of else (cfg.as_of or dt.date.today())
    try:
        packs = load_packs(rules or cfg.packs or None)
    except RuleError as exc:
        raise fail(str(exc)) from None
    judgements = _load_judgements(cfg, paths, judgements_file, False)
    if judgements.path is None:
        raise fail(f"no judgements file: give --judgements FILE or keep {JUDGEMENTS_NAME} beside govcheck.yaml")
    try:
        check_judged_rules(judgements, (r.id for p in packs for r in p.rules))
        sources, _ = discover(paths, cfg.include, cfg.exclude)
    except JudgementsError as exc:
        raise fail(str(exc)) from None
    except FileNotFoundError as exc:
        raise fail(str(exc)) from None
    judged = {v.path for v in judgements.verdicts}
    options = ScanOptions(as_of=as_of_date, packs=[str(p.path) for p in packs], doc_types=cfg.doc_types,
                          doc_langs=cfg.doc_langs)
    report = scan(sources, options, packs, [str(p) for p in paths])
    report, verdicts = apply_judgements(report, judgements, sources)
    _warn_unapplied(verdicts)
    text, count = candidate_examples(report, packs, as_of_date)
    if output is None:
        write_stdout(text)
    else:
        write_atomic(output, text)
    err.print(f"govcheck: {count} candidate examples from {len(judged)} judged documents", markup=False)


# --- rules ----------------------------------------------------------------------------------------


def _packs_or_fail(names: list[str] | None):
    try:
        return load_packs(names or None) if names else [load_pack(p) for p in bundled_packs()]
    except RuleError as exc:
        raise fail(str(exc)) from None


@rules_app.command("list")
def rules_list(
    pack: Annotated[list[str] | None, typer.Argument(help="Pack files or ids (default: all bundled packs).")] = None,  # type: ignore[assignment]
    lang: Annotated[str, typer.Option(help="Title language sv|en.")] = "en",
) -> None:
    """List the rules of the bundled (or given) packs."""
    for p in _packs_or_fail(pack):
        print(f"{p.id} (version {p.version}) — {p.title.get(lang) or next(iter(p.title.values()))}")
        for r in p.rules:
            scope = f"  [{', '.join(r.applies_to)} only]" if r.applies_to else ""
            print(f"  {r.id:<28} {r.info.title.get(lang) or next(iter(r.info.title.values()))}{scope}")


@rules_app.command("validate")
def rules_validate(pack: Annotated[list[Path], typer.Argument(help="Pack files to check.")]) -> None:
    """Check packs strictly (schema, signals, regexes); exit 2 naming file, line and path on a problem."""
    for p in pack:
        try:
            loaded = load_pack(p)
        except RuleError as exc:
            raise fail(str(exc)) from None
        print(f"{p}: ok ({len(loaded.rules)} rules, {sum(len(r.examples) for r in loaded.rules)} examples)")


@rules_app.command("test")
def rules_test(
    pack: Annotated[list[str] | None, typer.Argument(help="Pack files or ids (default: all bundled packs).")] = None,  # type: ignore[assignment]
    rule: Annotated[str | None, typer.Option(help="Only this rule's examples.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show passing examples too.")] = False,
) -> None:
    """Run every rule's examples; exit 1 if any gives the wrong outcome or evidence."""
    from govcheck.rules.testing import run_examples

    failed = passed = 0
    for p in _packs_or_fail(pack):
        for res in run_examples(p, rule):
            if res.ok:
                passed += 1
                if verbose:
                    print(f"PASS {p.id}/{res.rule} [{res.lang}] {res.name}: {res.got}")
            else:
                failed += 1
                why = "wrong evidence" if res.want == res.got else f"want {res.want}, got {res.got}"
                print(f"FAIL {p.id}/{res.rule} [{res.lang}] {res.name}: {why}; {res.detail}")
    print(f"{passed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


@rules_app.command("base-rates")
def rules_base_rates(
    expected: Annotated[list[Path], typer.Argument(help="Labelled corpora: their expected.yaml files.")],
    output: Annotated[Path | None, typer.Option("--output", "-o",
                                                help="Write here (default: standard output).")] = None,
    first_contact: Annotated[list[str], typer.Option(
        "--first-contact", metavar="REPORT=EXPECTED",
        help="A JSON report of a labelled set scanned before the pack was tuned on it, and that set's "
             "expected.yaml: counts how often auditors confirmed each outcome the tool gave. Repeatable.")] = [],  # noqa: B006
    recent: Annotated[int | None, typer.Option(
        "--recent", metavar="N", min=1,
        help="Count only the last N --first-contact reports given (oldest first): older ones record a pack "
             "that no longer exists.")] = None,
) -> None:
    """Count how often the auditors' labels give each outcome, per rule and document type, for a
    pack's `base_rates:` file. A scan then flags a cell whose outcome auditors rarely gave to such
    documents. Unreadable (cannot_assess) and not_applicable cells are not counted. Only pass corpora
    you may look at: labels of a set kept unseen must not shape the tool.

    With --first-contact the file also records the tool's own reliability: for each rule and outcome,
    in how many first-contact cells auditors agreed, also per document type and per number of the rule's
    parts found (reports that list them). A scan flags an outcome confirmed in fewer than the pack's
    `agreed_below` share of them: the narrowest record with `min_cells` cells decides (type and parts,
    parts over all types, type, the rule's), or with `prior_cells` all of them pooled. Reports of a set
    scanned after tuning on it overstate the record: pass only reports made before the pack had seen the set.
    The record is also kept per language, and with --recent only the newest reports count: replayed on the
    first-contact reports of holdout246-278 (each round's record from the sets before it), the language
    and the last 80 reports caught 0.67 of the wrong cells at 0.20 flagged, against 0.63 before."""
    import yaml

    from govcheck.rules.rates import GRADED, count_agreement, count_outcomes

    pairs: list[tuple[Path, Path]] = []
    for item in first_contact:
        report, sep, labels = item.partition("=")
        if not sep or not report or not labels:
            raise fail(f"--first-contact {item!r}: expected REPORT.json=EXPECTED.yaml")
        pairs.append((Path(report), Path(labels)))
    if recent is not None:
        first_contact, pairs = first_contact[-recent:], pairs[-recent:]
    try:
        counts, documents = count_outcomes(expected)
        tool = count_agreement(pairs) if pairs else None
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise fail(str(exc)) from None
    sources = [str(p) for p in expected]
    data: dict = {"sources": sources, "documents": documents,
                  "rules": {r: {t: dict(sorted(c.items())) for t, c in sorted(per.items())}
                            for r, per in sorted(counts.items())}}
    if tool is not None:
        unknown = sorted(set(tool.rules) - set(counts))
        if unknown:
            raise fail(f"--first-contact: rules {', '.join(unknown)} have no labels in the corpora given")
        def graded(per: dict) -> dict:  # the outcomes in the scale's order
            return {o: per[o] for o in GRADED if o in per}

        def per_type(record: dict) -> dict:  # rule -> document type -> outcomes
            return {r: {t: graded(per_o) for t, per_o in sorted(per.items())} for r, per in sorted(record.items())}

        data["tool"] = {"sources": first_contact, "cells": tool.cells,
                        "rules": {r: graded(per) for r, per in sorted(tool.rules.items())},
                        "by_type": per_type(tool.by_type), "by_parts": per_type(tool.by_parts),
                        "by_lang": {r: per_type(per) for r, per in sorted(tool.by_lang.items())}}
    text = ("# Written by `govcheck rules base-rates`: how often auditors' labels gave each outcome, per rule\n"
            "# and document type ('*': all types); under `tool`, how often they confirmed each outcome the\n"
            "# tool gave on first contact. Regenerate after adding labelled corpora.\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120))
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"{output}: {documents} labelled documents, {len(counts)} rules", file=sys.stderr)


@rules_app.command("explain")
def rules_explain(
    rule: Annotated[str, typer.Argument(help="Rule id, e.g. decision-body.")],
    pack: Annotated[list[str], typer.Option("--rules", "-r", help="Packs to look in.")] = [],  # noqa: B006
    lang: Annotated[str, typer.Option(help="sv|en")] = "en",
) -> None:
    """What a rule checks, how each outcome is decided, and its examples."""
    import yaml

    for p in _packs_or_fail(pack):
        for r in p.rules:
            if r.id != rule:
                continue
            pick = lambda d: d.get(lang) or next(iter(d.values()), "")  # noqa: E731
            print(f"{r.id} ({p.id}) — {pick(r.info.title)}\n")
            print(pick(r.info.description))
            if r.info.source:
                print(f"\nSource: {r.info.source}")
            if r.applies_to:
                print(f"Applies to: {', '.join(r.applies_to)} (other types: not_applicable)")
            raw = next(x for x in yaml.safe_load(p.path.read_text(encoding="utf-8"))["rules"] if x["id"] == rule)
            for level in ("met", "partial", "forbid", "evidence"):
                if level in raw:
                    print(f"\n{level}:")
                    print("  " + yaml.safe_dump(raw[level], allow_unicode=True, sort_keys=False).replace("\n", "\n  "))
            if r.kind == "graded":
                print("otherwise: not_met")
            if r.info.recommendation:
                print(f"\nRecommendation: {pick(r.info.recommendation)}")
            if r.examples:
                print("\nExamples:")
                for ex in r.examples:
                    print(f"  [{ex['lang']}] {ex['outcome']:<14} {ex['text']!r}")
            return
    raise fail(f"no rule {rule!r} in the loaded packs (see `govcheck rules list`)")


_CACHE_DIR_HELP = "Cache folder (default: the user cache folder, as for scan)."


def _cache_root(cache_dir: Path | None) -> Path:
    from govcheck.cache import default_dir

    return cache_dir if cache_dir is not None else default_dir()


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


@cache_app.command("info")
def cache_info(
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help=_CACHE_DIR_HELP)] = None,
) -> None:
    """Where the cache is and how much it holds."""
    from govcheck.cache import cache_stats

    root = _cache_root(cache_dir)
    stats = cache_stats(root)
    typer.echo(f"{root}: {stats.entries} entries, {_size(stats.bytes)}"
               + (f" ({stats.stale} left over from unfinished writes or older versions)" if stats.stale else ""))


@cache_app.command("clear")
def cache_clear(
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help=_CACHE_DIR_HELP)] = None,
    older_than: Annotated[float | None, typer.Option("--older-than", min=0, help="Only entries no scan has "
                                                     "used for this many days.")] = None,
) -> None:
    """Delete cached entries; the next scan re-reads the documents it needs."""
    from govcheck.cache import clear_cache

    root = _cache_root(cache_dir)
    removed = clear_cache(root, older_than)
    typer.echo(f"{root}: removed {removed.entries} entries, {_size(removed.bytes)}")


def version_callback(value: bool) -> None:
    if value:
        print(f"govcheck {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Check governance documents against YAML rule packs."""


def main() -> None:
    app()
