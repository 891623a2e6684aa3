"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

One result per gap (partial or not met). Waived gaps stay in, with a `suppressions` entry of kind
"external" carrying the justification: that is how SARIF says "known, accepted elsewhere", and viewers
then show them as dismissed instead of losing the audit trail. Unreadable documents are not gaps; they
become tool notifications.

Locations: the URI is relative to ReportOptions.base (default the working directory) because GitHub
maps results to repository files that way. Text formats (md, txt, html) get the real line of the quote
when the file can be read; PDF/DOCX/ODT have no lines, so line 1, with the page in message and
properties. GitHub refuses results without a location, so every result has one.

Fingerprints hash rule, document path and the normalised quote (or message), never line numbers, so
an edit elsewhere in a file or in another file does not turn an old finding into a "new" one.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from govcheck.model import DocumentResult, RuleInfo, RuleResult, ScanReport
from govcheck.report import ReportOptions
from govcheck.report import common as c

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TEXT_FORMATS = frozenset({"md", "txt", "html"})
LEVELS = {"not_met": "error", "partial": "warning"}
FINGERPRINT_KEY = "govcheck/v1"
_WORD = re.compile(r"\w+")
_TAG = re.compile(r"<[^>]*>")
_MAX_READ = 20_000_000  # bytes; a larger "text" file is not worth a line search


def write(report: ScanReport, options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    lang = c.report_lang(report, options)
    base = Path(options.base or os.getcwd()).resolve()
    rules = c.rule_map(report)
    index = {r.id: i for i, r in enumerate(report.rules)}
    results: list[dict] = []
    notifications: list[dict] = []
    for doc in report.documents:
        source = _source_file(report.roots, doc.path)
        uri = _uri(source, report.roots, doc.path, base)
        if doc.status != "ok":
            notifications.append({"level": "warning", "locations": [_location(uri, 1)],
                                  "message": {"text": f"{doc.path}: {c.verdict(doc, lang)}"}})
            continue
        words = _line_words(source) if doc.format in TEXT_FORMATS and source else None
        for res in doc.results:
            if c.is_gap(res):
                results.append(_result(doc, res, rules.get(res.rule), index.get(res.rule), uri, words, lang))
    run = {
        "tool": {"driver": _driver(report, lang)},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "results": results,
        "properties": {"asOf": report.as_of, "rulesets": report.rulesets},
    }
    sarif = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, ensure_ascii=False, indent=2) + "\n"


def _driver(report: ScanReport, lang: str) -> dict:
    version = str(report.tool.get("version", ""))
    driver: dict = {"name": report.tool.get("name", "govcheck"), "informationUri": _information_uri(),
                    "rules": [_rule(r, lang) for r in report.rules]}
    if version:
        driver["version"] = version
        driver["semanticVersion"] = version
    return driver


def _information_uri() -> str:
    """The project's home page from the installed metadata, else its PyPI page."""
    try:
        urls = metadata.metadata("govcheck").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        _name, _, url = entry.partition(",")
        if url.strip():
            return url.strip()
    return "https://pypi.org/project/govcheck/"


def _rule(rule: RuleInfo, lang: str) -> dict:
    title = c.pick(rule.title, lang) or rule.id
    description = c.pick(rule.description, lang) or title
    recommendation = c.pick(rule.recommendation, lang) or description
    help_md = f"**{c.TEXT[lang]['recommendation']}:** {recommendation}"
    if rule.source:
        help_md += f"\n\n{rule.source}"
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": title[:1024]},
        "fullDescription": {"text": description[:1024]},
        "help": {"text": recommendation, "markdown": help_md},
        "defaultConfiguration": {"level": "error"},
        "properties": {"pack": rule.pack, "kind": rule.kind, "source": rule.source,
                       "tags": [t for t in (rule.pack, rule.kind) if t]},
    }


def _result(doc: DocumentResult, res: RuleResult, rule: RuleInfo | None, rule_index: int | None,
            uri: str, words: list[tuple[str, int]] | None, lang: str) -> dict:
    ev = c.primary_evidence(res)
    title = c.pick(rule.title, lang) if rule else res.rule
    text = f"{title}: {c.label(res.outcome, lang)}."
    if ev is not None:
        place = c.where(ev, lang)
        text += f" “{ev.text}”" + (f" ({place})" if place else "")
    else:
        text += f" {c.cell_note(res, rule, doc, lang)}"
    props: dict = {"outcome": res.outcome, "document": doc.path, "docType": doc.doc_type, "lang": doc.lang}
    if doc.title:
        props["title"] = doc.title
    # Where a person should look, and what a person decided (the outcome above is then the auditor's).
    props["review"] = res.review
    props["review_reasons"] = list(res.review_reasons)
    if res.judged_by is not None:
        props["judged_by"] = res.judged_by
        props["tool_outcome"] = res.tool_outcome
    if ev is not None:
        props.update({k: v for k, v in (("page", ev.page), ("pageLabel", ev.page_label), ("section", ev.section))
                      if v is not None})
    fp = fingerprint(res.rule, doc.path, res)
    out: dict = {
        "ruleId": res.rule,
        "level": LEVELS[res.outcome],
        "kind": "fail",
        "message": {"text": text},
        "locations": [_location(uri, _find_line(words, res) if words else 1)],
        # Our own key for tools that read SARIF, and GitHub's key, which it uses instead of computing a
        # line-content hash (that would change with every edit near the line, or be garbage for a PDF).
        "partialFingerprints": {FINGERPRINT_KEY: fp, "primaryLocationLineHash": f"{fp[:32]}:1"},
        "properties": props,
    }
    if rule_index is not None:
        out["ruleIndex"] = rule_index
    if res.waived is not None:
        out["suppressions"] = [{"kind": "external", "status": "accepted",
                                "justification": c.waiver_text(res.waived, lang)}]
    return out


def _location(uri: str, line: int) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}}}


def _normal(text: str) -> str:
    """Casefolded words only: whitespace, punctuation and line-end hyphenation changes do not count."""
    return " ".join(_WORD.findall(text.casefold()))


def fingerprint(rule_id: str, path: str, res: RuleResult) -> str:
    """A stable identity for a finding: rule, document and what the finding says, no positions."""
    ev = c.primary_evidence(res)
    basis = _normal(ev.text) if ev is not None else _normal(res.message)
    return hashlib.sha256("\0".join((rule_id, path, basis)).encode("utf-8")).hexdigest()


def _source_file(roots: list[str], rel: str) -> Path | None:
    """The file on disk a document path came from: the scanned root it is relative to, or the root
    itself when a single file was scanned."""
    for root in roots:
        r = Path(root)
        if r.is_file():
            if r.name == rel:
                return r
            continue
        candidate = r / rel
        if candidate.is_file():
            return candidate
    return None


def _uri(source: Path | None, roots: list[str], rel: str, base: Path) -> str:
    """A relative URI from base, with forward slashes and percent-encoding (spaces, å, ä, ö)."""
    if source is None:
        root = Path(roots[0]) if roots else Path()
        source = root if root.name == rel else root / rel
    path = Path(os.path.relpath(source.resolve(), base)).as_posix()
    return quote(path, safe="/")


def _line_words(path: Path) -> list[tuple[str, int]] | None:
    """The file's words in order, each with its 1-based line number, for finding a quote.

    HTML tags are blanked (keeping their newlines) and entities decoded, so "<b>Syfte</b>" and
    "&auml;" match the extracted text; Markdown markup is not a word and drops out by itself.
    """
    try:
        if path.stat().st_size > _MAX_READ:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    text = _decode(raw)
    if text is None:
        return None
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        text = _TAG.sub(lambda m: "\n" * m.group().count("\n") or " ", text)
        text = "\n".join(html.unescape(line) for line in text.split("\n"))
    return [(w, n) for n, line in enumerate(text.split("\n"), 1) for w in _WORD.findall(line.casefold())]


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    return str(best) if best is not None else None


def _find_line(words: list[tuple[str, int]], res: RuleResult) -> int:
    """The line where a quote starts: its first 8, then 5, then 3 words found in sequence, else 1."""
    quotes = [c.primary_evidence(res), *res.evidence] if res.evidence else []
    tokens = [w for w, _ in words]
    for ev in quotes:
        if ev is None:
            continue
        wanted = _WORD.findall(ev.text.casefold())
        for k in sorted({min(len(wanted), n) for n in (8, 5, 3)} - {0}, reverse=True):
            needle = wanted[:k]
            for i in range(len(tokens) - k + 1):
                if tokens[i] == needle[0] and tokens[i:i + k] == needle:
                    return words[i][1]
    return 1
