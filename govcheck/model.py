"""The data that flows through govcheck, stage by stage.

    discover -> Source
    extract  -> Extracted (blocks with locations)      or raises Unreadable
    normalise/segment -> Document (clean blocks, sentences, lang, doc_type)
    rules    -> RuleResult per rule
    assess   -> DocumentResult per file, ScanReport for the run

Everything here is plain data (dataclasses) so it pickles across worker processes and caches.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from typing import Literal

Outcome = Literal["met", "partial", "not_met", "cannot_assess", "not_applicable"]
OUTCOMES: tuple[str, ...] = ("met", "partial", "not_met", "cannot_assess", "not_applicable")

# OCR'd text whose least certain line Tesseract read below this mean word confidence (0-100) is marked
# as low confidence. Seen on the harder scan set (tests/scanset.py): blocks of clean text read 90-96,
# blocks garbled by a stamp or a signature across them 15-70 ("sKötaansyvarar genom" 58).
OCR_LOW_CONFIDENCE = 70

# Block kinds. "header"/"footer" are running page furniture; they are evidence too, but count once.
BlockKind = Literal["title", "heading", "paragraph", "list-item", "table-cell", "header", "footer", "footnote"]


class Unreadable(Exception):
    """A document whose text cannot be read. The message is the one-line reason users see."""


@dataclass(slots=True)
class Source:
    """A file found by discovery."""

    path: str  # absolute path on disk
    rel: str  # path relative to the scanned root, forward slashes (the report's `path`)
    format: str | None  # pdf, docx, odt, html, md, txt; None when not a document we read
    # (size, mtime_ns, inode) of a regular file when discovery saw it: a file that is not the same
    # when it is read is reported as changed, and nothing read from it is cached under its old bytes.
    signature: tuple[int, int, int] | None = None


@dataclass(slots=True)
class Block:
    """One unit of text at one place in the document: a paragraph, a heading, a table cell."""

    text: str
    kind: str = "paragraph"
    page: int | None = None  # 1-based physical page (PDF)
    page_label: str | None = None  # printed page label, when it differs from the physical page
    level: int | None = None  # heading level (1 = top) for kind "heading"
    headings: tuple[str, ...] = ()  # heading path, outermost first (filled by normalise)
    table: tuple[int, int, int] | None = None  # (table no, row, column), 0-based, for table cells
    index: int = 0  # position of the block in the document (paragraph number)
    ocr: bool = False  # text came from OCR, not from a text layer
    # OCR'd text: Tesseract's mean word confidence (0-100) of the block's least certain line, so that a
    # quote read through a stamp or off a faint fax can be told from a clean one.
    ocr_conf: int | None = None
    # The ordinal a reader sees before an item of an ordered (numbered) list, 1-based, counted at the
    # item's own nesting level; None for bullets and everything else. Markdown, HTML <ol>, Word
    # numbering and ODF numbered lists draw the number, so it is not in `text` (which stays the quoted
    # evidence): rules that look for ordered steps read it here. PDF and plain text keep "1." in the text.
    number: int | None = None

    @property
    def section(self) -> str | None:
        return self.headings[-1] if self.headings else None


@dataclass(slots=True)
class Extracted:
    """What an extractor returns: raw blocks plus what it learnt about the file."""

    format: str
    blocks: list[Block]
    pages: int | None = None
    title: str | None = None  # from metadata or the first heading, if the format has one
    engine: str = ""  # which backend produced the text
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Sentence:
    """A sentence of a block: the unit rules match in and the unit evidence quotes."""

    text: str
    block: int  # index into Document.blocks


@dataclass(slots=True)
class Document:
    """A normalised, segmented document ready for the rules."""

    path: str
    format: str
    blocks: list[Block]
    sentences: list[Sentence]
    lang: str = "sv"
    doc_type: str | None = None
    title: str | None = None
    pages: int | None = None
    engine: str = ""
    type_alternatives: tuple[str, ...] = ()  # other types the title or opening also names


@dataclass(slots=True)
class Evidence:
    text: str
    page: int | None = None
    section: str | None = None
    page_label: str | None = None
    kind: str | None = None  # block kind when not a plain paragraph (table-cell, header, ...)
    ocr: bool = False
    ocr_confidence: int | None = None  # Block.ocr_conf of the quoted block (OCR'd evidence only)

    @property
    def low_confidence(self) -> bool:
        """OCR'd text Tesseract was unsure of: a person should read the page before trusting the quote."""
        return self.ocr_confidence is not None and self.ocr_confidence < OCR_LOW_CONFIDENCE

    def to_json(self) -> dict:
        out: dict = {"text": self.text}
        for key in ("page", "page_label", "section", "kind"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.ocr:
            out["ocr"] = True
        if self.ocr_confidence is not None:
            out["ocr_confidence"] = self.ocr_confidence
            if self.low_confidence:
                out["ocr_low_confidence"] = True
        return out


@dataclass(slots=True)
class Facet:
    """One part of what a graded criterion asks for (follow-up: who / when / what), and whether the
    document supplies it. An auditor reads a `partial` from its facets: which part is missing."""

    id: str  # the facet's id in the pack (labels are in RuleInfo.facets)
    found: bool
    evidence: list[Evidence] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"id": self.id, "found": self.found, "evidence": [e.to_json() for e in self.evidence]}


@dataclass(slots=True)
class RuleResult:
    rule: str
    outcome: str
    evidence: list[Evidence] = field(default_factory=list)
    message: str = ""  # what was found, or what was looked for and not found
    waived: dict | None = None  # set by waivers: {justification, decided_by, expires}
    facets: list[Facet] = field(default_factory=list)  # graded rules that name their facets
    review: bool = False  # the tool's own judgement is uncertain: a person should check this cell
    review_reasons: list[str] = field(default_factory=list)
    tool_outcome: str | None = None  # the tool's outcome, when an auditor's verdict replaced it
    judged_by: dict | None = None  # the auditor's verdict applied: {by, date, reason, ...}

    def to_json(self) -> dict:
        out: dict = {
            "rule": self.rule,
            "outcome": self.outcome,
            "evidence": [e.to_json() for e in self.evidence],
            "message": self.message,
        }
        if self.waived is not None:
            out["waived"] = self.waived
        if self.facets:
            out["facets"] = [f.to_json() for f in self.facets]
        out["review"] = self.review
        out["review_reasons"] = list(self.review_reasons)
        if self.judged_by is not None:
            out["tool_outcome"] = self.tool_outcome
            out["judged_by"] = self.judged_by
        return out


@dataclass(slots=True)
class DocumentResult:
    path: str
    status: str  # "ok" | "unreadable"
    reason: str | None
    format: str | None
    lang: str | None
    doc_type: str | None
    title: str | None
    results: list[RuleResult]
    pages: int | None = None
    engine: str | None = None
    ocr: bool = False

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
            "format": self.format,
            "lang": self.lang,
            "doc_type": self.doc_type,
            "title": self.title,
            "pages": self.pages,
            "engine": self.engine,
            "ocr": self.ocr,
            "results": [r.to_json() for r in self.results],
        }


@dataclass(slots=True)
class RuleInfo:
    """What report writers need to know of a rule (titles, help) without the engine."""

    id: str
    pack: str
    title: dict[str, str]
    description: dict[str, str]
    recommendation: dict[str, str]
    source: str = ""
    applies_to: list[str] | None = None
    kind: str = "graded"
    facets: dict[str, dict[str, str]] = field(default_factory=dict)  # facet id -> {lang: label}


@dataclass(slots=True)
class ScanReport:
    tool: dict
    as_of: str
    rulesets: list[dict]
    rules: list[RuleInfo]
    # A list, or (a streamed scan) results spilled to disk and read back on each pass
    # (govcheck.report.stream.SpilledDocuments): writers iterate and count, never index.
    documents: Collection[DocumentResult]
    roots: list[str] = field(default_factory=list)
    lang: str | None = None  # dominant language of the set, for report wording
    tally: Tally | None = None  # set-level counts gathered while the documents streamed past

    def to_json(self) -> dict:
        return {
            "tool": self.tool,
            "as_of": self.as_of,
            "roots": self.roots,
            "rulesets": self.rulesets,
            "rules": [asdict(r) for r in self.rules],
            "documents": [d.to_json() for d in self.documents],
            "summary": summarise(self),
        }


def summarise(report: ScanReport) -> dict:
    """Counts per rule across the set: the auditors' samlad bedömning in numbers."""
    if report.tally is not None:
        return report.tally.summary()
    per_rule: dict[str, dict[str, int]] = {}
    for rule in report.rules:
        counts = dict.fromkeys(OUTCOMES, 0)
        for doc in report.documents:
            for res in doc.results:
                if res.rule == rule.id:
                    counts[res.outcome] += 1
        per_rule[rule.id] = counts
    unreadable = sum(1 for d in report.documents if d.status != "ok")
    return {"documents": len(report.documents), "unreadable": unreadable, "rules": per_rule}


@dataclass(slots=True)
class Tally:
    """Counts across the set, gathered one document at a time as results stream to the report writers.

    Why: a national review has ~60,000 documents, and the set-level numbers (per-rule counts, the JSON
    summary, the exit code, the dominant language) must not need every result in memory, nor one pass
    over them per rule. Fed with the documents exactly as they are written (after rule filtering,
    waivers and any other per-document transform), it gives what summarise() and the report/common
    counters give from a full list.
    """

    rules: list[str]  # the report's rule ids, in order
    documents: int = 0
    unreadable: int = 0
    per_rule: dict[str, dict[str, int]] = field(default_factory=dict)
    waived: dict[str, int] = field(default_factory=dict)  # waived cells per rule
    langs: dict[str, int] = field(default_factory=dict)  # documents per language, first seen first
    met_in: dict[str, list[str]] = field(default_factory=dict)  # paths per rule, for the set checks
    partial_in: dict[str, list[str]] = field(default_factory=dict)
    unreadable_docs: list[tuple[str, str | None]] = field(default_factory=list)  # (path, reason)
    review: int = 0  # cells flagged for a person's review
    judged: int = 0  # cells whose outcome is an auditor's recorded verdict

    def __post_init__(self) -> None:
        self.per_rule = {r: dict.fromkeys(OUTCOMES, 0) for r in self.rules}

    def add(self, doc: DocumentResult) -> None:
        self.documents += 1
        if doc.status != "ok":
            self.unreadable += 1
            self.unreadable_docs.append((doc.path, doc.reason))
        if doc.lang:
            self.langs[doc.lang] = self.langs.get(doc.lang, 0) + 1
        for res in doc.results:
            counts = self.per_rule.get(res.rule)
            if counts is not None and res.outcome in counts:
                counts[res.outcome] += 1
            if res.waived is not None:
                self.waived[res.rule] = self.waived.get(res.rule, 0) + 1
            self.review += res.review
            self.judged += res.judged_by is not None
            if res.outcome == "met":
                self.met_in.setdefault(res.rule, []).append(doc.path)
            elif res.outcome == "partial":
                self.partial_in.setdefault(res.rule, []).append(doc.path)

    def counts(self, rule_id: str) -> dict[str, int]:
        return dict(self.per_rule.get(rule_id) or dict.fromkeys(OUTCOMES, 0))

    def lang(self) -> str | None:
        """The dominant language, chosen as ScanReport's builder chooses it from a list."""
        return max(set(self.langs), key=self.langs.__getitem__) if self.langs else None

    def summary(self) -> dict:
        return {"documents": self.documents, "unreadable": self.unreadable,
                "rules": {r: dict(c) for r, c in self.per_rule.items()}}
