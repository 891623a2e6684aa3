"""Base rates: how often auditors gave each outcome, per rule and document type.

A rule pack's judgement is least trustworthy where it disagrees with what auditors usually find: a
tool that says "not met" for a criterion nearly every agreement meets has more likely missed the
words than found a gap. `govcheck rules base-rates` counts the labels of corpora a pack's author may
use (their expected.yaml), and the pack's `base_rates:` points at the file; the engine flags the rare
outcomes for review (`BaseRates` in loader.py).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml

GRADED = ("met", "partial", "not_met")


def count_outcomes(files: list[Path]) -> tuple[dict[str, dict[str, dict[str, int]]], int]:
    """Per rule, per document type and over all types ("*"), how many labelled documents have each
    graded outcome; and how many documents were counted. One source rendered in several formats is
    one document: its labels are counted once (the corpora list every rendering)."""
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: dict.fromkeys(GRADED, 0)))
    seen: set[tuple[str, str]] = set()
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
            raise ValueError(f"{path}: not a labelled corpus (no 'documents' list)")
        for doc in data["documents"]:
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
