"""The pipeline for one document and for a whole scan.

    Source -> extract -> normalise -> segment -> language/type -> rules -> DocumentResult

Each document is analysed independently (worker processes in parallel); a document that cannot be
read yields `unreadable` with its reason and `cannot_assess` on every rule - never `not_met`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from govcheck import __version__
from govcheck.classify import classify_type, detect_language
from govcheck.extract import ExtractOptions, extract
from govcheck.model import Document, DocumentResult, RuleResult, ScanReport, Source, Unreadable
from govcheck.normalize import normalise_blocks
from govcheck.rules import Pack, evaluate, load_packs
from govcheck.segment import segment


@dataclass
class ScanOptions:
    as_of: dt.date
    packs: list[str] | None = None  # pack paths or bundled ids; None = the default pack
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    doc_types: list[tuple[str, str]] = field(default_factory=list)  # (glob, type) overrides
    doc_langs: list[tuple[str, str]] = field(default_factory=list)  # (glob, lang) overrides
    jobs: int = 0  # 0 = one per core


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


def build_document(source: Source, options: ScanOptions, packs: list[Pack]) -> Document:
    """Extract and prepare one document; raises Unreadable."""
    assert source.format is not None
    extracted = extract(Path(source.path), source.format, options.extract)
    blocks = normalise_blocks(extracted.blocks)
    sentences = segment(blocks)
    if not sentences:
        raise Unreadable("no text")
    lang = _override(source.rel, options.doc_langs) or detect_language(
        [s.text for s in sentences], default=packs[0].languages[0] if packs else "sv"
    )
    title = extracted.title or next((b.text for b in blocks if b.kind in ("title", "heading")), None)
    vocab: dict[str, dict[str, list[str]]] = {}
    for pack in packs:
        for doc_type, langs in pack.doc_types.items():
            for lng, words in langs.items():
                vocab.setdefault(doc_type, {}).setdefault(lng, []).extend(words)
    doc_type = _override(source.rel, options.doc_types) or classify_type(title, blocks, vocab, lang)
    return Document(
        path=source.rel, format=source.format, blocks=blocks, sentences=sentences, lang=lang,
        doc_type=doc_type, title=title, pages=extracted.pages, engine=extracted.engine,
    )


def analyse(source: Source, options: ScanOptions, packs: list[Pack]) -> DocumentResult:
    doc_type = _override(source.rel, options.doc_types)
    try:
        doc = build_document(source, options, packs)
    except Unreadable as exc:
        return unreadable(source, str(exc) or "unreadable", packs, doc_type)
    except MemoryError:
        return unreadable(source, "too large to read within the memory limit", packs, doc_type)
    except Exception as exc:  # an extractor bug must not stop the scan or pass as "not met"
        reason = f"extraction failed: {type(exc).__name__}: {str(exc)[:160]}"
        return unreadable(source, reason.replace("\n", " "), packs, doc_type)
    results = evaluate(packs, doc, options.as_of)
    return DocumentResult(
        path=doc.path, status="ok", reason=None, format=doc.format, lang=doc.lang, doc_type=doc.doc_type,
        title=doc.title, results=results, pages=doc.pages, engine=doc.engine,
        ocr=any(b.ocr for b in doc.blocks),
    )


# --- worker processes ----------------------------------------------------------------------------

_WORKER: tuple[ScanOptions, list[Pack]] | None = None


def _init_worker(options: ScanOptions) -> None:
    global _WORKER
    _WORKER = (options, load_packs(options.packs))


def _work(source: Source) -> DocumentResult:
    assert _WORKER is not None
    options, packs = _WORKER
    return analyse(source, options, packs)


def run(
    sources: list[Source], options: ScanOptions, packs: list[Pack],
    progress: Callable[[DocumentResult], None] | None = None,
) -> Iterator[DocumentResult]:
    """Analyse sources, yielding results in source order (stable reports whatever the job count)."""
    jobs = options.jobs or os.cpu_count() or 1
    if jobs <= 1 or len(sources) <= 1:
        for source in sources:
            result = analyse(source, options, packs)
            if progress:
                progress(result)
            yield result
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options,)) as pool:
        for result in pool.map(_work, sources, chunksize=1):
            if progress:
                progress(result)
            yield result


def scan(
    sources: list[Source], options: ScanOptions, packs: list[Pack], roots: list[str],
    progress: Callable[[DocumentResult], None] | None = None,
) -> ScanReport:
    documents = list(run(sources, options, packs, progress))
    langs = [d.lang for d in documents if d.lang]
    return ScanReport(
        tool={"name": "govcheck", "version": __version__},
        as_of=options.as_of.isoformat(),
        rulesets=[{"id": p.id, "version": p.version} for p in packs],
        rules=[r.info for p in packs for r in p.rules],
        documents=documents,
        roots=roots,
        lang=max(set(langs), key=langs.count) if langs else None,
    )
