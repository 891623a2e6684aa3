"""Auditors' recorded verdicts (govcheck-judgements.yaml): read, check, apply, and report what happened.

An auditor who reads a cell's evidence and disagrees with the tool (or confirms it) records a verdict:
outcome, reason, who, when, optionally the page or quote relied on. The next scan applies it after
the rules, as waivers are applied: `outcome` becomes the auditor's, `tool_outcome` keeps the tool's
and `judged_by` says who decided (shared/spec/report-json.md), so every report shows both and exit
codes follow the auditor.

A verdict is about one version of one document: it records the sha256 of the file's bytes. When the
document changes, the verdict is *stale* - it is not applied, because the auditor judged other text -
and it is reported, never silently dropped. The path only finds the document; the content decides: when
no file is left at a verdict's path but a scanned document has the recorded sha256 (the file was renamed
or moved to another folder), the verdict follows it and is reported as *moved*. Only when no document
with that content is scanned is the verdict *missing*. The file is validated strictly
(schemas/judgements.schema.json) before any document is read; every problem names file and line, like
govcheck.yaml (exit 2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import jsonschema
import yaml

from govcheck.model import OUTCOMES, DocumentResult, ScanReport, Source
from govcheck.rules.loader import _line_of, _PackLoader, _parts, schema

JUDGEMENTS_NAME = "govcheck-judgements.yaml"
MAX_BYTES = 16 * 1024 * 1024
# What each verdict turned into in this scan; the JSON report's `judgements` section has one list each.
# moved: the verdict's path names no file any more, and a scanned document has its content; it applies
# there (or, if that document has a verdict of its own for the rule, is superseded by it).
STATUSES = ("applied", "moved", "stale", "missing", "not_scanned")


class JudgementsError(Exception):
    """A judgements file that cannot be used: the message starts with `file:line:`."""


@dataclass(frozen=True)
class Verdict:
    """One recorded verdict: an auditor's outcome for one rule on one version of one document."""

    path: str
    sha256: str
    rule: str
    outcome: str
    reason: str
    by: str
    date: str
    page: int | str | None = None
    quote: str | None = None
    tool_outcome: str | None = None  # what the tool said when the verdict was recorded
    line: int = 0  # where it stands in its file, for messages

    def judged_by(self, moved_from: str | None = None) -> dict:
        """What a judged cell carries (RuleResult.judged_by): who, when, why, and what they relied on;
        `moved_from`, the path the document was judged under, when it has moved since."""
        out: dict = {"by": self.by, "date": self.date, "reason": self.reason}
        if self.page is not None:
            out["page"] = self.page
        if self.quote:
            out["quote"] = self.quote
        if moved_from is not None:
            out["moved_from"] = moved_from
        return out

    def to_yaml(self) -> dict:
        """The entry as written to a judgements file (keys in the order a person reads them)."""
        out: dict = {"path": self.path, "rule": self.rule, "outcome": self.outcome, "reason": self.reason,
                     "by": self.by, "date": self.date}
        if self.page is not None:
            out["page"] = self.page
        if self.quote:
            out["quote"] = self.quote
        if self.tool_outcome:
            out["tool_outcome"] = self.tool_outcome
        out["sha256"] = self.sha256
        return out


@dataclass
class Judgements:
    """A loaded judgements file."""

    path: Path | None = None
    verdicts: list[Verdict] = field(default_factory=list)

    def where(self, verdict: Verdict) -> str:
        return f"{self.path}:{verdict.line or 1}"


@dataclass(frozen=True)
class VerdictStatus:
    """What became of one verdict in this scan."""

    verdict: Verdict
    status: str  # one of STATUSES
    where: str  # "file:line"
    current_sha256: str | None = None  # the document's digest now (stale: differs from the recorded one)
    tool_outcome: str | None = None  # the tool's outcome in this scan, where the cell exists
    moved_to: str | None = None  # moved: the report path of the document that has the verdict's content now
    superseded_by: str | None = None  # moved but not applied: "file:line" of that document's own verdict
    document: str | None = None  # the report path of the document whose cell it was meant for, if scanned

    @property
    def applies(self) -> bool:
        """Does the cell show this verdict's outcome?"""
        return self.status == "applied" or (self.status == "moved" and self.superseded_by is None)

    def to_json(self) -> dict:
        v = self.verdict
        out: dict = {"path": v.path, "rule": v.rule, "outcome": v.outcome, "by": v.by, "date": v.date,
                     "reason": v.reason, "sha256": v.sha256, "where": self.where}
        if self.tool_outcome is not None:
            out["tool_outcome"] = self.tool_outcome
        if self.status == "stale":
            out["current_sha256"] = self.current_sha256
        if self.moved_to is not None:
            out["moved_to"] = self.moved_to
        if self.superseded_by is not None:
            out["superseded_by"] = self.superseded_by
        return out


@dataclass
class JudgementRun:
    """What the report writers need about verdicts: the file used, each verdict's fate, and each scanned
    document's digest (the XLSX and the HTML review mode write it beside new verdicts, binding them to
    the version of the document the auditor saw)."""

    file: str | None = None
    entries: list[VerdictStatus] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # report path -> sha256 of the file's bytes
    verdicts: list[Verdict] = field(default_factory=list)  # the file's verdicts as read (HTML re-exports them)

    def by_status(self, status: str) -> list[VerdictStatus]:
        return [e for e in self.entries if e.status == status]

    def unapplied(self) -> list[VerdictStatus]:
        """Verdicts a person must act on: stale, missing, or moved onto a document that has its own."""
        return [e for e in self.entries if e.status in ("stale", "missing") or (e.status == "moved" and not e.applies)]

    def followed(self) -> list[VerdictStatus]:
        """Verdicts applied to a document found under a new path (moved, not superseded)."""
        return [e for e in self.entries if e.status == "moved" and e.applies]

    def current_verdicts(self) -> list[Verdict]:
        """The file's verdicts as they should now be written (the HTML review mode re-exports these): a
        moved verdict under the path its document has now (one per document that has its content), a
        superseded one left out - its cell has a verdict of its own."""
        moved: dict[Verdict, list[str]] = {}
        for e in self.entries:
            if e.status == "moved":
                moved.setdefault(e.verdict, [])
                if e.applies and e.moved_to is not None:
                    moved[e.verdict].append(e.moved_to)
        out: list[Verdict] = []
        for v in self.verdicts:
            if v in moved:
                out.extend(replace(v, path=path) for path in moved[v])
            else:
                out.append(v)
        return out

    def to_json(self) -> dict:
        out: dict = {"file": self.file}
        for status in STATUSES:
            out[status] = [e.to_json() for e in self.by_status(status)]
        return out


# --- finding and reading --------------------------------------------------------------------------


def find_judgements(config_path: Path | None, start: Path | None) -> Path | None:
    """govcheck-judgements.yaml beside the govcheck.yaml in use; without a config, the nearest one in the
    first scanned path's folder or above (where an auditor keeps it beside the documents)."""
    if config_path is not None:
        candidate = config_path.resolve().parent / JUDGEMENTS_NAME
        return candidate if candidate.is_file() else None
    if start is None:
        return None
    here = start.resolve()
    if not here.is_dir():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / JUDGEMENTS_NAME
        if candidate.is_file():
            return candidate
    return None


def _key(path: list[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def load_judgements(path: Path) -> Judgements:
    """Read and validate a judgements file; JudgementsError names file and line on any problem."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise JudgementsError(f"{path}:1: {size} bytes is larger than the {MAX_BYTES} byte limit")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise JudgementsError(f"{path}:1: not UTF-8 text") from None
    except OSError as exc:
        raise JudgementsError(f"{path}:1: cannot read ({exc.strerror})") from None
    try:
        for event in yaml.parse(text, Loader=_PackLoader):
            if isinstance(event, yaml.AliasEvent):
                raise JudgementsError(f"{path}:{event.start_mark.line + 1}: YAML aliases (*name) are not allowed")
        node = yaml.compose(text, Loader=_PackLoader)
        data = yaml.load(text, Loader=_PackLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise JudgementsError(f"{path}:{mark.line + 1 if mark else 1}: invalid YAML: "
                              f"{getattr(exc, 'problem', None) or exc}") from None
    if data is None:
        return Judgements(path=path)

    def where(key: str) -> str:
        return f"{path}:{_line_of(node, _parts(key)) or 1}"

    validator = jsonschema.Draft202012Validator(schema("judgements.schema.json"))
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        err = errors[0]
        key = _key(list(err.absolute_path))
        message = err.message
        if err.validator == "additionalProperties":
            unexpected = re.findall(r"'([^']+)' was unexpected", err.message)
            if unexpected:
                key = f"{key}.{unexpected[0]}".lstrip(".")
                message = f"unknown key {unexpected[0]!r}"
        elif err.validator == "pattern" and key.endswith(".date"):
            message = f"{err.instance!r} is not a date (YYYY-MM-DD)"
        elif err.validator == "pattern" and key.endswith(".sha256"):
            message = (f"{err.instance!r} is not a sha256 (64 lowercase hex digits, e.g. from "
                       "`sha256sum FILE` or the report's hidden column)")
        elif err.validator == "pattern" and err.validator_value == "\\S":
            message = "must not be blank"
        elif err.validator == "enum" and key.endswith("outcome"):
            message = f"{err.instance!r} is not an outcome (choose {', '.join(OUTCOMES)})"
        raise JudgementsError(f"{where(key)}: {key or '(top)'}: {message}")
    assert isinstance(data, dict)
    out = Judgements(path=path)
    seen: dict[tuple[str, str], int] = {}
    for i, item in enumerate(data.get("judgements") or []):
        key = f"judgements[{i}]"
        try:
            dt.date.fromisoformat(item["date"])
        except ValueError:
            raise JudgementsError(f"{where(key + '.date')}: {key}.date: {item['date']!r} is not a valid date") from None
        line = _line_of(node, _parts(key)) or 1
        doc = _normal_path(item["path"])
        if (doc, item["rule"]) in seen:
            raise JudgementsError(f"{path}:{line}: {key}: a second verdict for rule {item['rule']!r} on {doc!r} "
                                  f"(the first is at line {seen[doc, item['rule']]}); keep one")
        seen[doc, item["rule"]] = line
        out.verdicts.append(Verdict(
            path=doc, sha256=item["sha256"], rule=item["rule"], outcome=item["outcome"],
            reason=item["reason"].strip(), by=item["by"].strip(), date=item["date"], page=item.get("page"),
            quote=item.get("quote") or None, tool_outcome=item.get("tool_outcome"), line=line,
        ))
    return out


def _normal_path(path: str) -> str:
    return path.strip().replace("\\", "/").removeprefix("./")


def check_rules(judgements: Judgements, known: Iterable[str]) -> None:
    """Every rule a verdict names must be loaded: a misspelt rule id must not leave a verdict unused."""
    known = set(known)
    for v in judgements.verdicts:
        if v.rule not in known:
            raise JudgementsError(f"{judgements.where(v)}: unknown rule {v.rule!r} (not in the loaded packs; "
                                  "see `govcheck rules list`)")


# --- digests and applying -------------------------------------------------------------------------


def digest(path: str | Path) -> str | None:
    """sha256 of a regular file's bytes, or None (gone, unreadable, not a regular file).

    Opened non-blocking: a document swapped for a FIFO must not hang the step after the scan."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with open(fd, "rb", closefd=False) as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def digests(sources: Iterable[Source], only: set[str] | None = None) -> dict[str, str]:
    """Report path -> sha256, for the scanned files (or only the paths in `only`)."""
    out: dict[str, str] = {}
    for s in sources:
        if s.rel in out or (only is not None and s.rel not in only):
            continue
        d = digest(s.path)
        if d is not None:
            out[s.rel] = d
    return out


def _names(source: Source, base: Path | None) -> set[str]:
    """The paths a verdict can name a document by: its report path, or its path relative to the
    judgements file's folder (so a file kept at the repository root works for a scan of a subfolder)."""
    out = {source.rel}
    if base is not None:
        p = Path(source.path).resolve()
        if p.is_relative_to(base):
            out.add(p.relative_to(base).as_posix())
    return out


def _exists(verdict: Verdict, base: Path | None, roots: list[str]) -> bool:
    places = [Path(r) / verdict.path for r in roots] + [Path(r) for r in roots if Path(r).name == verdict.path]
    if base is not None:
        places.append(base / verdict.path)
    return any(p.exists() for p in places)


class JudgementApplier:
    """Applies the verdicts one document at a time, as results stream to the report writers (a
    transform of govcheck.report.stream), and records what became of each verdict in `run`.

    Applied: the document's bytes still have the recorded sha256 and the rule ran on it. Stale: the
    document changed (its cell keeps the tool's outcome). Moved: no file is left at the verdict's path,
    and a scanned document has the recorded content - renamed or moved, it is still what the auditor
    read, so the verdict applies there; a verdict of that document's own for the rule wins (the moved
    one is superseded and reported). Missing: no file at the path and no scanned document with the
    content. Not scanned: the file exists but was outside this scan (another folder, excluded, or the
    rule was not run). The last three are known once the last document has passed (`finish`).
    all_digests: hash every scanned document, not only judged ones (the XLSX and HTML need them); when
    some verdict's path names no file, every document is hashed anyway, to look for its content."""

    def __init__(self, judgements: Judgements, sources: list[Source], roots: list[str],
                 all_digests: bool = False) -> None:
        self.judgements = judgements
        self.roots = roots
        self.all_digests = all_digests
        self.base = judgements.path.resolve().parent if judgements.path else None
        by_name: dict[str, Source] = {}
        for src in sources:
            for name in _names(src, self.base):
                by_name.setdefault(name, src)
        self.sources = {src.rel: src for src in sources}
        self.matched: dict[str, list[Verdict]] = {}  # report path -> its verdicts, until the document passes
        self.unmatched: list[Verdict] = []
        # sha256 -> verdicts whose path names no file: they look for their content among the documents
        self.orphans: dict[str, list[Verdict]] = {}
        self.followed: set[Verdict] = set()  # orphans whose content turned up (applied or superseded)
        self.content_without_rule: set[Verdict] = set()  # content turned up, but the rule did not run there
        for v in judgements.verdicts:
            src = by_name.get(v.path)
            if src is not None:
                self.matched.setdefault(src.rel, []).append(v)
            elif _exists(v, self.base, self.roots):
                self.unmatched.append(v)
            else:
                self.orphans.setdefault(v.sha256, []).append(v)
        self.run = JudgementRun(file=str(judgements.path) if judgements.path else None,
                                verdicts=list(judgements.verdicts))
        self._finished = False

    def __call__(self, d: DocumentResult) -> DocumentResult:
        verdicts = {v.rule: v for v in self.matched.pop(d.path, [])}
        if not verdicts and not self.all_digests and not self.orphans:
            return d
        src = self.sources.get(d.path)
        current = digest(src.path) if src is not None else None
        if current is not None:
            self.run.digests[d.path] = current
        moved = self.orphans.get(current, []) if current is not None else []
        if not verdicts and not moved:
            return d
        where = self.judgements.where
        results = []
        for r in d.results:
            tool = r.tool_outcome if r.judged_by is not None else r.outcome
            v = verdicts.pop(r.rule, None)
            # A verdict of the document's own that applies outranks one that moved here; a stale one does
            # not: the moved verdict was made on the content the document has now.
            owner: Verdict | None = None
            if v is not None:
                if current == v.sha256:
                    r = replace(r, outcome=v.outcome, tool_outcome=tool, judged_by=v.judged_by())
                    self.run.entries.append(VerdictStatus(v, "applied", where(v), current, tool, document=d.path))
                    owner = v
                else:
                    self.run.entries.append(VerdictStatus(v, "stale", where(v), current, tool, document=d.path))
            for m in moved:
                if m.rule != r.rule:
                    continue
                self.followed.add(m)
                if owner is not None:
                    self.run.entries.append(VerdictStatus(m, "moved", where(m), current, tool, moved_to=d.path,
                                                          superseded_by=where(owner), document=d.path))
                    continue
                r = replace(r, outcome=m.outcome, tool_outcome=tool, judged_by=m.judged_by(moved_from=m.path))
                self.run.entries.append(VerdictStatus(m, "moved", where(m), current, tool, moved_to=d.path,
                                                      document=d.path))
                owner = m  # a second moved verdict with this content and rule is superseded by the first
            results.append(r)
        for v in verdicts.values():  # the rule did not run on this document (rules.enable/disable)
            self.run.entries.append(VerdictStatus(v, "not_scanned", where(v), current, document=d.path))
        ran = {r.rule for r in d.results}
        self.content_without_rule.update(m for m in moved if m.rule not in ran)
        return replace(d, results=results)

    def finish(self) -> JudgementRun:
        """After the last document: verdicts whose document never came are moved elsewhere, missing or
        not scanned."""
        if not self._finished:
            self._finished = True
            for rest in self.matched.values():  # a source without a document in the report (filtered)
                self.unmatched.extend(rest)
            self.matched = {}
            for v in self.unmatched:
                status = "not_scanned" if _exists(v, self.base, self.roots) else "missing"
                self.run.entries.append(VerdictStatus(v, status, self.judgements.where(v)))
            for group in self.orphans.values():
                for v in group:
                    if v in self.followed:
                        continue
                    # its content was scanned, but not this rule on it: outside this scan, not gone
                    status = "not_scanned" if v in self.content_without_rule else "missing"
                    self.run.entries.append(VerdictStatus(v, status, self.judgements.where(v)))
            order = {v: i for i, v in enumerate(self.judgements.verdicts)}
            self.run.entries.sort(key=lambda e: order[e.verdict])
        return self.run


def apply_judgements(report: ScanReport, judgements: Judgements, sources: list[Source],
                     all_digests: bool = False) -> tuple[ScanReport, JudgementRun]:
    """A copy of a whole report with every current verdict applied, and what became of each verdict
    (JudgementApplier over the report's documents)."""
    applier = JudgementApplier(judgements, sources, report.roots, all_digests)
    docs = [applier(d) for d in report.documents]
    return replace(report, documents=docs), applier.finish()


# --- writing judgements files ---------------------------------------------------------------------

HEADER = """\
# govcheck judgements: auditors' verdicts, one per document and rule.
# A verdict replaces the tool's outcome while the document's bytes still have the recorded sha256;
# after an edit it is reported as stale and the tool's outcome stands until someone judges it again.
# Reference: schemas/judgements.schema.json. Used by `govcheck scan` from beside govcheck.yaml, or
# with --judgements FILE.
"""


def carried(old: list[Verdict], new: list[Verdict]) -> dict[Verdict, Verdict]:
    """Old verdicts that a new one carries, unchanged, to another path -> that new verdict.

    Unchanged means the same content (sha256), rule, outcome, reason, who and when: a workbook or HTML
    report written after the document was renamed or moved shows the verdict in force under the new
    path, and importing it must not leave the old path beside the new one (the scan would report the
    old entry as superseded on every run)."""
    def same(v: Verdict) -> tuple:
        return (v.sha256, v.rule, v.outcome, v.reason, v.by, v.date)

    by_decision = {same(v): v for v in new}
    paths = {(v.path, v.rule) for v in new}
    out: dict[Verdict, Verdict] = {}
    for v in old:
        moved = by_decision.get(same(v))
        if moved is not None and moved.path != v.path and (v.path, v.rule) not in paths:
            out[v] = moved
    return out


def merge(old: list[Verdict], new: list[Verdict]) -> list[Verdict]:
    """The old verdicts with the new ones in their place (same document and rule, or the same verdict
    carried to the document's new path: `carried`) or appended."""
    fresh = {(v.path, v.rule): v for v in new}
    moved = carried(old, new)
    out: list[Verdict] = []
    for v in old:
        if (v.path, v.rule) in fresh:
            out.append(fresh.pop((v.path, v.rule)))
        elif v in moved:
            successor = moved[v]
            if (successor.path, successor.rule) in fresh:  # else already in its place: the old one just goes
                out.append(fresh.pop((successor.path, successor.rule)))
        else:
            out.append(v)
    return out + [v for v in new if (v.path, v.rule) in fresh]


def dump(verdicts: list[Verdict]) -> str:
    """A judgements file (with its explaining header) holding these verdicts."""
    body = yaml.safe_dump({"version": 1, "judgements": [v.to_yaml() for v in verdicts]},
                          allow_unicode=True, sort_keys=False, width=100)
    return HEADER + body
