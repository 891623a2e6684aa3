"""Base rates: how often auditors gave each outcome, per rule and document type.

A rule pack's judgement is least trustworthy where it disagrees with what auditors usually find: a
tool that says "not met" for a criterion nearly every agreement meets has more likely missed the
words than found a gap. `govcheck rules base-rates` counts the labels of corpora a pack's author may
use (their expected.yaml), and the pack's `base_rates:` points at the file; the engine flags the rare
outcomes for review (`BaseRates` in loader.py).

The tool's own record is counted too: how often auditors agreed with each outcome the pack gave on
first contact, i.e. in reports of labelled sets scanned before anyone tuned the pack on them
(`count_agreement`). A cell whose outcome was seldom confirmed there is flagged with that record.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

GRADED = ("met", "partial", "not_met")


def labelled_documents(path: Path) -> list[dict]:
    """The documents of a labelled corpus (an expected.yaml), or ValueError naming the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise ValueError(f"{path}: not a labelled corpus (no 'documents' list)")
    return data["documents"]


def count_outcomes(files: list[Path]) -> tuple[dict[str, dict[str, dict[str, int]]], int]:
    """Per rule, per document type and over all types ("*"), how many labelled documents have each
    graded outcome; and how many documents were counted. One source rendered in several formats is
    one document: its labels are counted once (the corpora list every rendering)."""
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(GRADED, 0)))
    seen: set[tuple[str, str]] = set()
    for path in files:
        for doc in labelled_documents(path):
            source = str(doc.get("source") or doc.get("file"))
            if (str(path), source) in seen:
                continue
            labels = doc.get("expected") or {}
            if any(v.get("outcome") == "cannot_assess" for v in labels.values()):
                # an unreadable rendering: the source's labels are counted from a readable one
                continue
            seen.add((str(path), source))
            doc_type = str(doc.get("doc_type") or "*")
            for rule, label in labels.items():
                outcome = label.get("outcome")
                if outcome in GRADED:
                    counts[rule]["*"][outcome] += 1
                    if doc_type != "*":
                        counts[rule][doc_type][outcome] += 1
    plain = {rule: {t: dict(c) for t, c in per.items()} for rule, per in counts.items()}
    return plain, len(seen)


Agreement = dict[str, dict[str, dict[str, int]]]  # rule -> outcome -> {"cells", "agreed"}


Parts = dict[str, dict[str, dict[str, dict[str, dict[str, int]]]]]  # rule -> type -> outcome -> parts -> record


@dataclass
class ToolRecord:
    """The tool's record on first contact (`count_agreement`): per rule and outcome; per labelled document
    type; per type ("*": all) and number of parts found; per language and type ("*": all types)."""

    rules: Agreement
    by_type: dict[str, Agreement]
    by_parts: Parts
    by_lang: dict[str, dict[str, Agreement]]  # rule -> language -> type or "*" -> outcome -> record
    cells: int


def count_agreement(pairs: list[tuple[Path, Path]]) -> ToolRecord:
    """Per rule and per outcome the tool gave, how many cells of first-contact reports there were and
    in how many the auditors' label agreed; the same per document type (the labelled type: an outcome
    can be sound in one kind of document and seldom right in another, as "goals met" in guidelines);
    the same per type (and over all types, "*") and number of the rule's parts (facets) the tool found,
    where the report says which ("met" on the two parts a rule asks for at least is less sure than on
    four); the same per language (the labelled one) and type: on first contact with holdout246-278 the
    pack was wrong in 7.7 % of English cells and 4.6 % of Swedish ones, and a partial of one rule can be
    sound in one language and seldom in the other; and how many cells were counted. A pair is a JSON
    report and the expected.yaml of the corpus it scanned; documents are matched by file name. Cells
    labelled cannot_assess or not_applicable, and tool outcomes other than met/partial/not_met, are left
    out: they say nothing about the rule's reading of a readable document."""
    def record() -> dict[str, int]:
        return {"cells": 0, "agreed": 0}
    counts: dict = defaultdict(lambda: defaultdict(record))
    by_type: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(record)))
    by_lang: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(record))))
    by_parts: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(record))))
    total = 0
    for report_path, expected_path in pairs:
        labelled = labelled_documents(expected_path)
        want = {Path(str(d.get("file"))).name: d.get("expected") or {} for d in labelled}
        types = {Path(str(d.get("file"))).name: d.get("doc_type") for d in labelled}
        langs = {Path(str(d.get("file"))).name: d.get("lang") for d in labelled}
        try:
            report = json.loads(report_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{report_path}: not a JSON report ({exc})") from None
        if not isinstance(report, dict) or not isinstance(report.get("documents"), list):
            raise ValueError(f"{report_path}: not a govcheck JSON report (no 'documents' list)")
        for doc in report["documents"]:
            name = Path(str(doc.get("path"))).name
            expected = want.get(name)
            if expected is None:
                continue
            doc_type, lang = types.get(name), langs.get(name)
            for result in doc.get("results") or []:
                label = (expected.get(result.get("rule")) or {}).get("outcome")
                got = result.get("outcome")
                if label not in GRADED or got not in GRADED:
                    continue
                rule = result["rule"]
                cells = [counts[rule][got]]
                if doc_type:
                    cells.append(by_type[rule][str(doc_type)][got])
                if lang:
                    cells.append(by_lang[rule][str(lang)]["*"][got])
                    if doc_type:
                        cells.append(by_lang[rule][str(lang)][str(doc_type)][got])
                found = result.get("found")
                if isinstance(found, list):
                    parts = str(len(found))
                    cells.append(by_parts[rule]["*"][got][parts])
                    if doc_type:
                        cells.append(by_parts[rule][str(doc_type)][got][parts])
                for cell in cells:
                    cell["cells"] += 1
                    cell["agreed"] += label == got
                total += 1
    plain = {rule: {o: dict(c) for o, c in per.items()} for rule, per in counts.items()}
    typed = {rule: {t: {o: dict(c) for o, c in per_o.items()} for t, per_o in per.items()}
             for rule, per in by_type.items()}
    langed = {rule: {lang: {t: {o: dict(c) for o, c in per_o.items()} for t, per_o in per_t.items()}
                     for lang, per_t in per.items()} for rule, per in by_lang.items()}
    parted = {rule: {t: {o: {n: dict(c) for n, c in sorted(per_n.items())} for o, per_n in per_o.items()}
                     for t, per_o in per.items()} for rule, per in by_parts.items()}
    return ToolRecord(plain, typed, parted, langed, total)
