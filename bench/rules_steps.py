"""Rule evaluation alone, on documents prepared once: a byte-exact dump, CPU time, a profile, one pass.

    python bench/rules_steps.py prep OUT.pickle FOLDER...   # extract, segment, classify once; pickle
    python bench/rules_steps.py dump DOCS.pickle            # md5 of every result and condition's hits
    python bench/rules_steps.py time DOCS.pickle            # CPU seconds of engine.evaluate per pass
    python bench/rules_steps.py profile DOCS.pickle         # cProfile of one pass, by own time
    python bench/rules_steps.py run DOCS.pickle             # one pass (for callgrind / instruction counts)
    python bench/rules_steps.py run DOCS.pickle --none      # start-up only: load the packs and documents
    python bench/rules_steps.py run DOCS.pickle --prewarm   # lexicons built before the pass, as a scan's
                                                            # fork server builds them (twelfth session)
    python bench/rules_steps.py prefilter DOCS.pickle       # the regex prefilter alone: CPU s of a cold
                                                            # then warm pass (eighteenth session)

Why: in a scan, rule evaluation is a few seconds among a minute of extraction, and its share moves with
the machine's load. Here the documents are read once, so a pass is only `engine.evaluate` (with the
lexicon and regex sets built on the first document, as in each worker of a cold scan), and the `dump`
compares more than the reports do: every condition's hits, span by span, in order.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import pickle
import pstats
import sys
import time
from pathlib import Path


def prep(out: Path, folders: list[Path]) -> None:
    import datetime as dt

    from govcheck.discover import discover
    from govcheck.model import Unreadable
    from govcheck.rules import load_packs
    from govcheck.scan import ScanOptions, build_document

    packs = load_packs(None)
    options = ScanOptions(as_of=dt.date(2026, 12, 3))
    sources, _ = discover(folders)
    docs = []
    for source in sources:
        try:
            docs.append(build_document(source, options, packs))
        except Unreadable:
            continue
    with open(out, "wb") as fh:
        pickle.dump(docs, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"{len(docs)} documents of {len(sources)} files, {sum(len(d.sentences) for d in docs)} sentences -> {out}")


def _load(path: Path, prewarm: bool = False) -> tuple[list, list]:
    from govcheck.rules import load_packs

    with open(path, "rb") as fh:
        docs = pickle.load(fh)
    packs = load_packs(None)
    if prewarm:  # (code from before the twelfth session has no prewarm: there every worker builds them)
        from govcheck import prewarm as warm_up

        warm_up.warm(packs)
    # A worker holds one document at a time; here all are loaded at once, and the cyclic GC would walk
    # them all at each full collection (a sixth of the instructions). Frozen, it walks what rules make.
    gc.freeze()
    return packs, docs


def _pass(packs: list, docs: list) -> None:
    import datetime as dt

    from govcheck.rules.engine import evaluate

    as_of = dt.date(2026, 12, 3)
    for doc in docs:
        evaluate(packs, doc, as_of)


def dump(path: Path) -> None:
    """md5 of every result (repr) and, per rule, the hits of every condition that was evaluated, in
    the order they came: evidence order follows hit order, so a change there shows up here first."""
    import datetime as dt

    from govcheck.rules import engine

    packs, docs = _load(path)
    as_of = dt.date(2026, 12, 3)
    results = hashlib.md5()
    hits = hashlib.md5()
    for doc in docs:
        index = engine.build_index(doc, packs)
        for pack in packs:
            ctx = engine.context(pack, doc, index, as_of)
            readings = engine.Readings(ctx)
            for rule in pack.rules:
                results.update(repr(engine.judge(rule, ctx, doc, readings)).encode())
            paths = {}
            for rule in pack.rules:
                for cond in _conditions(rule):
                    paths[id(cond)] = (f"{rule.id}:{cond.path}:{type(cond).__name__}", _has_together(cond))
            # one entry per condition and reading; a condition without `together` reads the same in all
            entries: dict[tuple[str, str], str] = {}
            for c in (ctx, *readings._variants.values()):
                for k, v in [*c._cache.items(), *getattr(c, "_fixed", {}).items()]:
                    label, scoped = paths.get(k, ("?", True))
                    key = (label, str(sorted(c.reading)) if scoped else "")
                    value = repr(list(v.items()))
                    assert entries.setdefault(key, value) == value, (doc.path, key)
            for (label, reading), value in sorted(entries.items()):
                hits.update(f"{doc.path}|{reading}|{label}|{value}\n".encode())
    print(f"results {results.hexdigest()}  hits {hits.hexdigest()}  ({len(docs)} documents)")


def _conditions(rule: object) -> list:
    from govcheck.rules.conditions import All, Any, Count, Not, Together

    out, todo = [], [c for c in (rule.met, rule.partial, rule.forbid, rule.evidence) if c is not None]
    todo += [when for _, when, _ in rule.review if when is not None and not isinstance(when, str)]  # (not a facet id)
    while todo:
        c = todo.pop()
        out.append(c)
        if isinstance(c, Not):
            todo.append(c.part)
        elif isinstance(c, All | Any | Count | Together):
            todo.extend(c.parts)
    return out


def _has_together(cond: object) -> bool:
    from govcheck.rules.conditions import All, Any, Count, Not, Together

    todo = [cond]
    while todo:
        c = todo.pop()
        if isinstance(c, Together):
            return True
        if isinstance(c, Not):
            todo.append(c.part)
        elif isinstance(c, All | Any | Count):
            todo.extend(c.parts)
    return False


def timing(path: Path, passes: int, prewarm: bool = False) -> None:
    packs, docs = _load(path, prewarm)
    for k in range(passes):
        t0 = time.process_time()
        _pass(packs, docs)
        print(f"pass {k + 1}: {time.process_time() - t0:.3f} s CPU")


def prefilter(path: Path, passes: int) -> None:
    """CPU seconds of the regex prefilter alone (`Index._regexes_live`, the RE2 sets over each
    document's text) over every document, pass after pass in one process with the lexicons prebuilt
    as a scan's fork server builds them: the first pass builds the sets' DFA states as a cold worker
    does, the later ones find them built. Also how the first pass's seconds fall over the documents
    in fifths (a worker reads ~100 of the sample's documents), and how many (document, regex) pairs
    pass: a pair that passes and finds nothing costs one search."""
    from govcheck.rules import engine

    packs, docs = _load(path, prewarm=True)
    indexes = [engine.build_index(doc, packs) for doc in docs]
    indexes = [ix for ix in indexes if ix.lexicon is not None and ix.sentences]
    for ix in indexes:
        ix.joined()
    for k in range(passes):
        spent = []
        for ix in indexes:
            ix._possible = None
            t0 = time.process_time()
            ix._regexes_live()
            spent.append(time.process_time() - t0)
        n = len(spent)
        fifths = ", ".join(f"{sum(spent[f * n // 5:(f + 1) * n // 5]):.3f}" for f in range(5))
        print(f"pass {k + 1}: {sum(spent):.3f} s CPU (by fifths of the documents: {fifths}); "
              f"{sum(len(ix._possible) for ix in indexes)} (document, regex) pairs pass")


def profile(path: Path, sort: str, limit: int) -> None:
    packs, docs = _load(path)
    prof = cProfile.Profile()
    prof.enable()
    _pass(packs, docs)
    prof.disable()
    pstats.Stats(prof, stream=sys.stdout).sort_stats(sort).print_stats(limit)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prep")
    p.add_argument("out", type=Path)
    p.add_argument("folders", type=Path, nargs="+")
    for name in ("dump", "time", "profile", "run", "prefilter"):
        p = sub.add_parser(name)
        p.add_argument("docs", type=Path)
        p.add_argument("--passes", type=int, default=3)
        p.add_argument("--sort", default="tottime")
        p.add_argument("--limit", type=int, default=40)
        p.add_argument("--none", action="store_true", help="(run) start-up only")
        p.add_argument("--prewarm", action="store_true",
                       help="(run, time) build the lexicons at start-up, as govcheck.prewarm does in a scan")
    args = ap.parse_args()
    if args.cmd == "prep":
        prep(args.out, args.folders)
    elif args.cmd == "dump":
        dump(args.docs)
    elif args.cmd == "time":
        timing(args.docs, args.passes, args.prewarm)
    elif args.cmd == "profile":
        profile(args.docs, args.sort, args.limit)
    elif args.cmd == "prefilter":
        prefilter(args.docs, args.passes)
    else:
        packs, docs = _load(args.docs, args.prewarm)
        if not args.none:
            _pass(packs, docs)


if __name__ == "__main__":
    main()
