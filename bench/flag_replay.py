"""Replay the review flag that rests on the tool's first-contact record, on full first-contact reports.

A round's flags are only honest when the record behind them was counted before the round was scored. This
replays that: for each round (a directory of full JSON reports of labelled sets scanned on first contact, as
`bench/judgement.py scan` writes them), the record is counted from the first-contact records in
tests/first-contact/ of the sets numbered below the round's first (the last `--recent` of them) by the code
`govcheck rules base-rates` runs (`rates.count_agreement`), the `unconfirmed` reason is worked out again for every
cell at `--threshold` by the engine's own `BaseRates.unconfirmed`, and the cell is flagged when that
reason or any other reason the report gave (less those `--drop` names) holds. Prints flagged / caught /
unflagged right per round and pooled, as `../shared/tools/evaluate.py` counts them (cells labelled or judged
cannot_assess left out).

    python bench/flag_replay.py /tmp/fc35 /tmp/fc36 ... --threshold 0.89 --drop "an age limit stands"
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import yaml

from govcheck.rules.loader import BaseRates
from govcheck.rules.rates import count_agreement

ROOT = Path(__file__).resolve().parent.parent
GRADED = ("met", "partial", "not_met")
# the engine's "unconfirmed" reason, in both languages (govcheck/rules/engine.py _SAY)
UNCONFIRMED = ("on documents the pack had not been tuned on", "i dokument som regelpaketet inte var anpassat")


def _number(path: Path) -> int:
    return int(re.findall(r"\d+", path.stem)[0])


def _labels(n: int) -> dict[str, dict]:
    data = yaml.safe_load((ROOT / f"tests/holdout{n}/expected.yaml").read_text(encoding="utf-8"))
    return {Path(d["file"]).name: d for d in data["documents"]}


def _rates(pairs: list[tuple[Path, Path]], threshold: float, prior: int, min_cells: int) -> dict[str, BaseRates]:
    """Per rule, the record the engine would read, counted by the same code `govcheck rules base-rates` runs."""
    record = count_agreement(pairs)
    return {rule: BaseRates({}, 0.0, 0, per, threshold, min_cells, record.by_type.get(rule, {}),
                            record.by_parts.get(rule, {}), prior, record.by_lang.get(rule, {}))
            for rule, per in record.rules.items()}


def replay(rounds: list[Path], threshold: float, drop: tuple[str, ...], recent: int, prior: int,
           min_cells: int) -> None:
    records = sorted((ROOT / "tests/first-contact").glob("holdout*.json"), key=_number)
    records = [p for p in records if (ROOT / f"tests/holdout{_number(p)}/expected.yaml").exists()]
    total = {"cells": 0, "flagged": 0, "wrong": 0, "caught": 0, "unflagged_right": 0}
    for folder in rounds:
        reports = sorted(folder.glob("holdout*.json"), key=_number)
        before = [p for p in records if _number(p) < _number(reports[0])][-recent:]
        rates = _rates([(p, ROOT / f"tests/holdout{_number(p)}/expected.yaml") for p in before],
                       threshold, prior, min_cells)
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
                    rule_rates = rates.get(r["rule"])
                    if r["outcome"] in GRADED and rule_rates is not None:
                        parts = sum(f["found"] for f in r["facets"]) if r.get("facets") else None
                        flagged = flagged or rule_rates.unconfirmed(r["outcome"], doc.get("doc_type"), parts,
                                                                    doc.get("lang")) is not None
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
