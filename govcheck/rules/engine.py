"""Judge one document against the loaded packs: met / partial / not_met with quoted evidence.

The engine knows nothing about any criterion; it runs the pack's conditions. A graded rule is
`met` when its `met` condition holds, else `partial` when its `partial` condition holds, else
`not_met`. A forbidden rule is `not_met` when its `forbid` condition finds something (the evidence
is the offending citation) and `met` otherwise.
"""

from __future__ import annotations

import datetime as dt

from govcheck.model import Document, Evidence, RuleResult
from govcheck.rules.conditions import Context, Hits
from govcheck.rules.loader import Pack, Rule
from govcheck.rules.terms import Index, Lexicon

MAX_EVIDENCE = 3
# Body text is the better quote; running headers/footers and titles rank last.
_KIND_RANK = {"paragraph": 0, "list-item": 0, "table-cell": 1, "heading": 2, "title": 2, "footnote": 2,
              "header": 3, "footer": 3}


# (pack ids, language) -> (the packs, their lexicon): built once per scan in each process.
_LEXICONS: dict[tuple[tuple[int, ...], str], tuple[list[Pack], Lexicon]] = {}


def lexicon(packs: list[Pack], lang: str) -> Lexicon:
    key = (tuple(id(p) for p in packs), lang)
    entry = _LEXICONS.get(key)
    if entry is None or len(entry[0]) != len(packs) or any(a is not b for a, b in zip(entry[0], packs, strict=True)):
        if len(_LEXICONS) >= 8:
            _LEXICONS.clear()
        entry = _LEXICONS[key] = (list(packs), Lexicon(lang, [t for p in packs for t in p.terms()]))
    return entry[1]


def build_index(doc: Document, packs: list[Pack] | None = None) -> Index:
    return Index([s.text for s in doc.sentences], doc.lang, lexicon(packs, doc.lang) if packs else None)


def context(pack: Pack, doc: Document, index: Index, as_of: dt.date) -> Context:
    signals = pack.signals_for(doc.lang)
    negation = [(signals.get(cue["signal"], []), cue.get("window")) for cue in pack.negation]
    return Context(
        index=index, blocks=doc.blocks, sentence_block=[s.block for s in doc.sentences], as_of=as_of,
        signals=signals, tables=pack.tables, negation=negation,
    )


def evidence_from(hits: Hits, doc: Document, limit: int = MAX_EVIDENCE) -> list[Evidence]:
    """The first sentences of a hit set (conditions order them so every deciding facet comes early),
    body text before running headers/footers; quoted once each, shown in document order."""
    def tier(si: int) -> int:
        kind = doc.blocks[doc.sentences[si].block].kind
        if _KIND_RANK.get(kind, 1) >= 3:
            return 2  # running header/footer: counted once, quoted last
        if _KIND_RANK.get(kind, 1) == 2 or len(doc.sentences[si].text.split()) < 4:
            return 1  # a heading or a bare table label says less than a sentence
        return 0

    order = sorted((si for si in hits if si >= 0), key=tier)
    chosen: list[int] = []
    seen: set[str] = set()
    for si in order:
        text = doc.sentences[si].text
        if text not in seen:
            seen.add(text)
            chosen.append(si)
        if len(chosen) >= limit:
            break
    out = []
    for si in sorted(chosen):
        block = doc.blocks[doc.sentences[si].block]
        out.append(Evidence(
            text=doc.sentences[si].text, page=block.page, section=block.section, page_label=block.page_label,
            kind=None if block.kind in ("paragraph", "list-item") else block.kind, ocr=block.ocr,
            ocr_confidence=block.ocr_conf,
        ))
    return out


def _text(value: dict[str, str] | str, lang: str) -> str:
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("en") or next(iter(value.values()), "")


def judge(rule: Rule, ctx: Context, doc: Document) -> RuleResult:
    lang = doc.lang
    if rule.applies_to and doc.doc_type and doc.doc_type not in rule.applies_to:
        return RuleResult(rule.id, "not_applicable",
                          message=f"applies to {', '.join(rule.applies_to)}; this is {doc.doc_type}")
    if rule.kind == "forbidden":
        assert rule.forbid is not None
        bad = rule.forbid(ctx)
        if bad:
            return RuleResult(rule.id, "not_met", evidence_from(bad, doc), _text(rule.info.title, lang))
        shown = rule.evidence(ctx) if rule.evidence else {}
        return RuleResult(rule.id, "met", evidence_from(shown, doc), "")
    assert rule.met is not None
    hits = rule.met(ctx)
    if hits:
        return RuleResult(rule.id, "met", evidence_from(hits, doc))
    if rule.partial is not None:
        hits = rule.partial(ctx)
        if hits:
            return RuleResult(rule.id, "partial", evidence_from(hits, doc))
    return RuleResult(rule.id, "not_met", [], _text(rule.looked_for, lang))


def evaluate(packs: list[Pack], doc: Document, as_of: dt.date) -> list[RuleResult]:
    index = build_index(doc, packs)
    results: list[RuleResult] = []
    for pack in packs:
        ctx = context(pack, doc, index, as_of)
        results.extend(judge(rule, ctx, doc) for rule in pack.rules)
    return results
