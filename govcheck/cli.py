"""Command line: `govcheck scan` and `govcheck rules ...`.

Exit codes: 0 the scan ran, 2 a usage, configuration or rule pack problem (reported before any
document is read).
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from govcheck import __version__
from govcheck.discover import discover
from govcheck.extract import ExtractOptions
from govcheck.model import DocumentResult
from govcheck.report import FORMATS, ReportOptions, render, write_atomic
from govcheck.rules import RuleError, bundled_packs, load_pack, load_packs
from govcheck.scan import ScanOptions, scan

app = typer.Typer(
    help="Check governance documents (agreements, guidelines, routines) against YAML rule packs.\n\n"
    "Start with:  govcheck scan FOLDER   (a matrix per document and rule, with --details for evidence).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
rules_app = typer.Typer(help="List, validate, test and explain rule packs.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

err = Console(stderr=True, highlight=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"govcheck: error: {message}", markup=False, soft_wrap=True)
    return typer.Exit(code)


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
    pdf_engine: Annotated[str, typer.Option(help="PDF text engine: pdfium (fast, default) or "
                                            "pdfplumber (slower layout analysis).")] = "pdfium",
    ocr: Annotated[bool, typer.Option("--ocr", help="Read pages without a text layer with Tesseract.")] = False,
    lang: Annotated[str | None, typer.Option("--lang", help="Report language sv|en (default: the "
                                             "documents' language).")] = None,
    details: Annotated[bool, typer.Option("--details", help="Terminal: quote the evidence of every cell.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
) -> None:
    """Scan documents and print a compliance matrix or write reports."""
    as_of_date = _parse_date(as_of)
    if pdf_engine not in ("pdfium", "pdfplumber"):
        raise fail(f"--pdf-engine {pdf_engine!r}: choose pdfium or pdfplumber")
    formats = fmt or ["terminal"]
    for f in formats:
        if f not in FORMATS:
            raise fail(f"--format {f!r}: choose from {', '.join(FORMATS)}")
    if len(output) > len(formats):
        raise fail("more --output than --format options; give one --format per --output")
    if lang and lang not in ("sv", "en"):
        raise fail(f"--lang {lang!r}: choose sv or en")
    types, langs = _pairs(doc_type, "--doc-type"), _pairs(doc_lang, "--doc-lang")
    try:
        packs = load_packs(rules or None)
    except RuleError as exc:
        raise fail(str(exc)) from None
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
    )
    roots = [str(p) for p in paths]
    started = time.monotonic()
    show_progress = not quiet and err.is_terminal and len(sources) > 1
    if show_progress:
        with Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      TextColumn("{task.description}"), console=err, transient=True) as bar:
            task = bar.add_task("", total=len(sources))

            def tick(result: DocumentResult) -> None:
                bar.update(task, advance=1, description=result.path[-40:])

            report = scan(sources, options, packs, roots, tick)
    else:
        report = scan(sources, options, packs, roots)
    elapsed = time.monotonic() - started

    ropts = ReportOptions(lang=lang, details=details)
    for i, f in enumerate(formats):
        data = render(report, f, ropts)
        if i < len(output):
            write_atomic(output[i], data)
        elif isinstance(data, bytes):
            raise fail(f"--format {f} is binary: give an --output file")
        else:
            sys.stdout.write(data)
    if not quiet:
        unreadable = [d for d in report.documents if d.status != "ok"]
        for d in unreadable:
            err.print(f"govcheck: {d.path}: unreadable: {d.reason}", markup=False)
        err.print(f"govcheck: {len(report.documents)} documents, {len(unreadable)} unreadable, "
                  f"{elapsed:.1f} s", markup=False)


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
