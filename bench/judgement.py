"""Judgement on the labelled sets: scan them all, pool first contacts, compare two runs cell by cell.

    python bench/judgement.py scan OUT [--root TREE] [--skip REGEX]   # every labelled set -> OUT/SET.json, .eval
    python bench/judgement.py pool OUT SET...                         # readable accuracy, false met, flags, pooled
    python bench/judgement.py compare OLD NEW                         # cells mended / broken / changed
    python bench/judgement.py record OUT SET COMMIT                   # tests/first-contact/SET.json from OUT/SET.json

Why: the pack is tuned one mechanism at a time, and a change is kept only if no labelled cell breaks. That needs
the whole of dev and tests/holdout* scanned with the candidate code (`--root`: a snapshot of the tree, so the
working copy can change while it runs), and a per-cell diff against the last run. First contact with a new set is
scored once and recorded here before anything is tuned on it (`record`), and sets are reported pooled (`pool`).
Sets still unopened must be left out of `scan` (`--skip '^holdout(210|211)$'`): reading their reports is opening
them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EVALUATE = SHARED / "tools" / "evaluate.py"
MISS = re.compile(r"^  (\S+\.\w+)\s+(\S+)\s+want (\S+)\s+got (\S+)")


def set_dir(name: str) -> Path:
    return SHARED / "corpus" / "dev" if name == "dev" else REPO / "tests" / name


def labelled_sets(skip: str | None) -> list[str]:
    names = [p.parent.name for p in (REPO / "tests").glob("holdout*/expected.yaml")]
    names.sort(key=lambda n: int(n[7:] or 1))
    return ["dev"] + [n for n in names if not (skip and re.search(skip, n))]


def scan_one(name: str, out: Path, root: Path) -> None:
    d = set_dir(name)
    as_of = yaml.safe_load((d / "expected.yaml").read_text(encoding="utf-8"))["as_of"]
    env = dict(os.environ, PYTHONPATH=str(root))
    with open(out / f"{name}.json", "w") as rep, open(out / f"{name}.err", "w") as err:
        subprocess.run([sys.executable, "-m", "govcheck", "scan", str(d / "docs"), "--format", "json",
                        "--as-of", str(as_of), "--no-cache", "--no-config", "--timeout", "0", "--jobs", "1"],
                       cwd=root, env=env, stdout=rep, stderr=err, check=False)
    with open(out / f"{name}.eval", "w") as ev:
        subprocess.run([sys.executable, str(EVALUATE), "--expected", str(d / "expected.yaml"),
                        "--report", str(out / f"{name}.json"), "--verbose"], stdout=ev, stderr=subprocess.STDOUT,
                       check=False)


def readable(out: Path, name: str) -> float:
    last = (out / f"{name}.eval").read_text(encoding="utf-8").strip().splitlines()[-1]
    return float(re.search(r"readable=([\d.]+)", last).group(1))


def cmd_scan(args: argparse.Namespace) -> None:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    names = labelled_sets(args.skip)
    (out / "sets.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(lambda n: scan_one(n, out, args.root.resolve()), names))
    values = sorted((readable(out, n), n) for n in names)
    mean = sum(v for v, _ in values) / len(values)
    print(f"sets={len(values)} mean={mean:.4f} min={values[0][0]:.3f} ({values[0][1]})")


def cells(report: Path, expected: Path):
    """(readable cells) -> (label, result) per document file name and rule."""
    exp = yaml.safe_load(expected.read_text(encoding="utf-8"))
    rep = json.loads(report.read_text(encoding="utf-8"))
    by = {d["path"].split("/")[-1]: {r["rule"]: r for r in d["results"]} for d in rep["documents"]}
    for doc in exp["documents"]:
        name = doc["file"].split("/")[-1]
        for rule, label in doc["expected"].items():
            if label["outcome"] != "cannot_assess":
                yield label["outcome"], by.get(name, {}).get(rule, {})


def cmd_pool(args: argparse.Namespace) -> None:
    total = dict.fromkeys(("ok", "n", "fm", "fmn", "flagged", "wrong", "caught", "uok", "un"), 0)

    def line(t: dict[str, int]) -> str:
        return (f"acc={t['ok'] / t['n']:.3f} ({t['ok']}/{t['n']}) "
                f"fm={t['fm'] / max(t['fmn'], 1):.3f} ({t['fm']}/{t['fmn']}) "
                f"flagged={t['flagged'] / t['n']:.3f} caught={t['caught'] / max(t['wrong'], 1):.3f} "
                f"({t['caught']}/{t['wrong']}) unflagged={t['uok'] / max(t['un'], 1):.3f}")

    for name in args.sets:
        t = dict.fromkeys(total, 0)
        for want, result in cells(args.out / f"{name}.json", set_dir(name) / "expected.yaml"):
            right = result.get("outcome") == want
            flagged = bool(result.get("review"))
            t["n"] += 1
            t["ok"] += right
            if want in ("partial", "not_met"):
                t["fmn"] += 1
                t["fm"] += result.get("outcome") == "met"
            t["flagged"] += flagged
            t["wrong"] += not right
            t["caught"] += flagged and not right
            t["un"] += not flagged
            t["uok"] += right and not flagged
        for k in total:
            total[k] += t[k]
        print(name, line(t))
    print("POOLED", line(total))


def misses(out: Path, name: str) -> dict[tuple[str, str], str] | None:
    path = out / f"{name}.eval"
    if not path.exists():
        return None
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = MISS.match(line)
        if m:
            found[(m.group(1), m.group(2))] = m.group(4)
    return found


def cmd_compare(args: argparse.Namespace) -> None:
    fixed = broke = 0
    for name in (args.new / "sets.txt").read_text(encoding="utf-8").split():
        old, new = misses(args.old, name), misses(args.new, name)
        if old is None or new is None:
            continue
        for key in sorted(set(old) | set(new)):
            if key in old and key not in new:
                fixed += 1
                print("FIXED", name, *key)
            elif key in new and key not in old:
                broke += 1
                print("BROKE", name, *key, new[key])
            elif old[key] != new[key]:
                print("CHANGED", name, *key, old[key], "->", new[key])
    print(f"fixed={fixed} broke={broke}")


def cmd_record(args: argparse.Namespace) -> None:
    rep = json.loads((args.out / f"{args.set}.json").read_text(encoding="utf-8"))
    docs = []
    for d in sorted(rep["documents"], key=lambda d: d["path"]):
        results = []
        for r in d["results"]:
            kept = {"rule": r["rule"], "outcome": r["outcome"]}
            if r.get("facets") and r["outcome"] != "cannot_assess":
                kept["found"] = [f["id"] for f in r["facets"] if f.get("found")]
            results.append(kept)
        docs.append({"path": d["path"].split("/")[-1], "results": results})
    note = (f"First-contact report of tests/{args.set}: `govcheck scan tests/{args.set}/docs --format json --no-cache "
            f"--no-config` at commit {args.commit}, before the pack was tuned on the set; only what `govcheck rules "
            "base-rates --first-contact` reads is kept (each result's outcome and the facets it found)")
    path = REPO / "tests" / "first-contact" / f"{args.set}.json"
    path.write_text(json.dumps({"note": note, "commit": args.commit, "documents": docs}, ensure_ascii=False,
                               separators=(",", ":")) + "\n", encoding="utf-8")
    print(path, len(docs), "documents")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("scan")
    s.add_argument("out", type=Path)
    s.add_argument("--root", type=Path, default=REPO, help="the code tree to run (a snapshot)")
    s.add_argument("--skip", help="regex of set names not to scan (the unopened ones)")
    s.add_argument("--jobs", type=int, default=2)
    p = sub.add_parser("pool")
    p.add_argument("out", type=Path)
    p.add_argument("sets", nargs="+")
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    r = sub.add_parser("record")
    r.add_argument("out", type=Path)
    r.add_argument("set")
    r.add_argument("commit")
    args = ap.parse_args()
    {"scan": cmd_scan, "pool": cmd_pool, "compare": cmd_compare, "record": cmd_record}[args.cmd](args)


if __name__ == "__main__":
    main()
