"""Replay the review flag that rests on the tool's first-contact record, on full first-contact reports.

A round's flags are only honest when the record behind them was counted before the round was scored. This
replays that: for each round (a directory of full JSON reports of labelled sets scanned on first contact, as
`bench/judgement.py scan` writes them), the record is counted from the first-contact records in
tests/first-contact/ of the sets numbered below the round's first (the last `--recent` of them), the
`unconfirmed` reason is worked out again for every cell at `--threshold`, and the cell is flagged when that
reason or any other reason the report gave (less those `--drop` names) holds. Prints flagged / caught /
unflagged right per round and pooled, as `../shared/tools/evaluate.py` counts them (cells labelled or judged
cannot_assess left out).

    python bench/flag_replay.py /tmp/fc35 /tmp/fc36 ... --threshold 0.89 --drop "an age limit stands"
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
GRADED = ("met", "partial", "not_met")
# the engine's "unconfirmed" reason, in both languages (govcheck/rules/engine.py _SAY)
UNCONFIRMED = ("on documents the pack had not been tuned on", "i dokument som regelpaketet inte var anpassat")


def _number(path: Path) -> int:
    return int(re.findall(r"\d+", path.stem)[0])


def _labels(n: int) -> dict[str, dict]:
    data = yaml.safe_load((ROOT / f"tests/holdout{n}/expected.yaml").read_text(encoding="utf-8"))
    return {Path(d["file"]).name: d for d in data["documents"]}


def _keys(rule: str, got: str, doc_type: str | None, lang: str | None, found: list | None) -> list[tuple]:
    """The record's keys, narrowest first, as `BaseRates.unconfirmed` walks them."""
    keys: list[tuple] = []
    if found is not None:
        keys += [(rule, "tp", doc_type, got, len(found)), (rule, "p", "*", got, len(found))]
    return [*keys, (rule, "lt", lang, doc_type, got), (rule, "t", doc_type, got), (rule, "l", lang, got),
            (rule, "r", got)]


def _estimate(chain: list[list[int] | None], prior: int, min_cells: int) -> float | None:
    """`BaseRates._pooled`: from the rule's record inwards, each narrower record weighed against `prior` cells."""
    if not any(r and r[1] >= min_cells for r in chain):
        return None
    estimate = None
    for record in reversed(chain):
        if not record or not record[1]:
            continue
        estimate = record[0] / record[1] if estimate is None else (record[0] + prior * estimate) / (record[1] + prior)
    return estimate


def first_contact_cells() -> list[tuple[int, tuple, bool]]:
    """(set number, record key list, agreed) of every graded cell of tests/first-contact/."""
    cells = []
    for path in sorted((ROOT / "tests/first-contact").glob("holdout*.json")):
        n = _number(path)
        if not (ROOT / f"tests/holdout{n}/expected.yaml").exists():
            continue
        labels = _labels(n)
        for doc in json.loads(path.read_text(encoding="utf-8"))["documents"]:
            label = labels.get(Path(doc["path"]).name)
            if not label:
                continue
            for r in doc["results"]:
                want = (label["expected"].get(r["rule"]) or {}).get("outcome")
                if want in GRADED and r["outcome"] in GRADED:
                    keys = _keys(r["rule"], r["outcome"], label.get("doc_type"), label.get("lang"), r.get("found"))
                    cells.append((n, tuple(keys), want == r["outcome"]))
    return cells


def replay(rounds: list[Path], threshold: float, drop: tuple[str, ...], recent: int, prior: int,
           min_cells: int) -> None:
    record_cells = first_contact_cells()
    numbers = sorted({n for n, _, _ in record_cells})
    total = {"cells": 0, "flagged": 0, "wrong": 0, "caught": 0, "unflagged_right": 0}
    for folder in rounds:
        reports = sorted(folder.glob("holdout*.json"), key=_number)
        first = _number(reports[0])
        counted = set([n for n in numbers if n < first][-recent:])
        table: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for n, keys, agreed in record_cells:
            if n in counted:
                for key in keys:
                    table[key][0] += agreed
                    table[key][1] += 1
        tally = dict.fromkeys(total, 0)
        for path in reports:
            labels = _labels(_number(path))
            for doc in json.loads(path.read_text(encoding="utf-8"))["documents"]:
                label = labels.get(Path(doc["path"]).name)
                if not label:
                    continue
                for r in doc["results"]:
                    want = (label["expected"].get(r["rule"]) or {}).get("outcome")
                    if r["outcome"] == "cannot_assess" or want in (None, "cannot_assess"):
                        continue
                    others = [x for x in r.get("review_reasons", []) if not x.startswith(UNCONFIRMED + drop)]
                    flagged = bool(others)
                    if r["outcome"] in GRADED:
                        found = [f["id"] for f in r["facets"] if f["found"]] if r.get("facets") else None
                        keys = _keys(r["rule"], r["outcome"], doc.get("doc_type") or "", doc.get("lang"), found)
                        share = _estimate([table.get(k) for k in keys], prior, min_cells)
                        flagged = flagged or (share is not None and share < threshold)
                    wrong = r["outcome"] != want
                    tally["cells"] += 1
                    tally["flagged"] += flagged
                    tally["wrong"] += wrong
                    tally["caught"] += wrong and flagged
                    tally["unflagged_right"] += not flagged and not wrong
        _show(folder.name, tally)
        for key in total:
            total[key] += tally[key]
    _show("POOLED", total)


def _show(name: str, t: dict[str, int]) -> None:
    unflagged = t["cells"] - t["flagged"]
    print(f"{name} cells={t['cells']} flagged={t['flagged'] / t['cells']:.3f} "
          f"caught={t['caught'] / max(t['wrong'], 1):.3f} ({t['caught']}/{t['wrong']}) "
          f"unflagged_acc={t['unflagged_right'] / max(unflagged, 1):.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rounds", nargs="+", type=Path, help="directories of full first-contact reports, one per round")
    ap.add_argument("--threshold", type=float, default=0.89, help="agreement below which a cell is flagged")
    ap.add_argument("--drop", action="append", default=[], help="leave out reasons that start with this text")
    ap.add_argument("--recent", type=int, default=80, help="count the last N first-contact records before a round")
    ap.add_argument("--prior", type=int, default=20, help="the pack's prior_cells")
    ap.add_argument("--min-cells", type=int, default=20, help="the pack's min_cells")
    args = ap.parse_args()
    replay(args.rounds, args.threshold, tuple(args.drop), args.recent, args.prior, args.min_cells)


if __name__ == "__main__":
    main()
