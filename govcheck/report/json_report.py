"""The JSON report: the contract in shared/spec/report-json.md, schema in schemas/report.schema.json.

Deterministic: keys sorted, no timestamps, documents in discovery order, so two scans of the same
files are byte-identical and `govcheck diff` compares like with like.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace

import orjson

from govcheck.model import ScanReport, summarise

# Stands in for the document list while the skeleton of the report is encoded (see write_stream).
_MARK = "\u0001govcheck-documents\u0001"


def dumps(obj: object) -> str:
    """The bytes `json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True)` gives, from orjson: the
    standard library's indenting encoder is pure Python (0.4 s for a 2,000-document report, a fifth of
    a warm scan). Falls back to json where orjson refuses (a lone surrogate, an integer over 64 bits)."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True)


def write(report: ScanReport, options: object = None) -> str:
    data = report.to_json()
    data.update(_judgements(options))
    return dumps(data) + "\n"


def _judgements(options: object) -> dict:
    """Which verdicts applied, went stale or lost their document (a key after "documents")."""
    run = getattr(options, "judgements", None)
    return {"judgements": run.to_json()} if run is not None and run.file else {}


def write_stream(report: ScanReport, out: Callable[[str], object], options: object = None) -> None:
    """write(report), one document at a time: the same bytes, with memory independent of the set's size.

    report.documents may be the live scan (a one-shot iterator feeding report.tally as it goes): the
    part before the document list depends on nothing the documents change (keys are sorted: as_of,
    documents, roots, rules, rulesets, summary, tool), and the part after it, with the summary, is
    encoded once the last document has passed. Each document is encoded alone and indented to its
    place in the list, which is what the indenting encoder does to it inside the whole report.
    """
    skeleton = replace(report, documents=[], tally=None).to_json()
    started = False
    prefix = ""
    for doc in report.documents:
        text = "    " + dumps(doc.to_json()).replace("\n", "\n    ")
        if not started:
            prefix = _split(skeleton)[0]
            out(prefix + text)
            started = True
        else:
            out(",\n" + text)
    skeleton["summary"] = summarise(report)
    skeleton.update(_judgements(options))  # complete once the last document has passed its transforms
    if not started:
        out(dumps(skeleton) + "\n")
        return
    head, tail = _split(skeleton)
    if head != prefix:  # cannot happen while "documents" sorts before the keys the summary changes
        raise AssertionError("the JSON report's head changed while its documents were written")
    out(tail + "\n")


def _split(skeleton: dict) -> tuple[str, str]:
    """The encoded report around its document list: (up to the list's first item, from after its last)."""
    text = dumps({**skeleton, "documents": [_MARK]})
    mark = dumps(_MARK)
    at = text.index(mark)
    line = text.rindex("\n", 0, at) + 1
    return text[:line], text[at + len(mark):]
