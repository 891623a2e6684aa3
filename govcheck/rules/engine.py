"""Judge one document against the loaded packs: met / partial / not_met with quoted evidence.

The engine knows nothing about any criterion; it runs the pack's conditions. A graded rule is
`met` when its `met` condition holds, else `partial` when its `partial` condition holds, else
`not_met`. A forbidden rule is `not_met` when its `forbid` condition finds something (the evidence
is the offending citation) and `met` otherwise.
"""

from __future__ import annotations

import datetime as dt
import re

from govcheck.model import Document, Evidence, Facet, RuleResult
from govcheck.rules.conditions import (
    READINGS,
    Condition,
    Context,
    Hits,
    blank_blocks,
    blank_field,
    facet_conditions,
    merge,
    met_count,
    readings_that_matter,
)
from govcheck.rules.loader import Pack, Rule
from govcheck.rules.terms import Index, Lexicon, Term, compile_term

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
        entry = _LEXICONS[key] = (list(packs), Lexicon(lang, [t for p in packs for t in p.terms()],
                                                       searched=[t for p in packs for t in p.terms(lang)]))
    return entry[1]


def build_index(doc: Document, packs: list[Pack] | None = None) -> Index:
    unanswered = blank_blocks(doc.blocks)
    texts = [("" if s.block in unanswered or (doc.blocks[s.block].kind in ("paragraph", "list-item")
                                               and blank_field(s.text)) else s.text)
             for s in doc.sentences]
    return Index(texts, doc.lang, lexicon(packs, doc.lang) if packs else None)


def context(pack: Pack, doc: Document, index: Index, as_of: dt.date) -> Context:
    signals = pack.signals_for(doc.lang, doc.doc_type)
    for name, terms in defined_aliases(index, signals, pack.aliases).items():
        signals[name] = signals[name] + terms  # a new list: the pack's own stays as it is
    negation = [(signals.get(cue["signal"], []), cue.get("window"), signals.get(cue.get("not_inside") or "", []))
                for cue in pack.negation]
    return Context(
        index=index, blocks=doc.blocks, sentence_block=[s.block for s in doc.sentences], as_of=as_of,
        signals=signals, tables=pack.tables, negation=negation, planned=pack.planned, doc_type=doc.doc_type,
    )


# "the Hospital Authority (HA)", "Foundation for Social Welfare Services (“FSWS”)", "NHS Rowanbridge
# Trust (“the Trust”)", "... Services Organization ("BH-ASO")", "... Mental Health Service ("Health NZ")": a
# name of up to eight words, then its short form in brackets (up to three capitalised words); the quote may
# stand after the article: '... District School Board (the "Board")'
_SHORT_FORM = (r"\(\s*(?:hereafter\s+|hereinafter\s+|nedan\s+)?[\"“”']?"
               r"((?:[Tt]he\s+[\"“”']?)?[A-ZÅÄÖ][\wÅÄÖåäö&]{1,15}(?:-[\wÅÄÖåäö]{1,7})?(?:\s+[A-ZÅÄÖ][\wÅÄÖåäö&]{1,15}){0,2})"
               r"[\"“”']?\s*\)")
# (the name may carry one qualifier after a comma or a colon: "Department of Education, North-Eastern Victoria Region
# (the Department)", "Resource Teacher: Vision (RTV)")
_NAME_WORD = r"(?:[A-ZÅÄÖ][\w'’&.-]*|of|for|and|the|och|för|i|&)"
_DEFINITION = re.compile(
    r"(" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,8}"
    r"(?:[,:]\s+[A-ZÅÄÖ][\w'’&.-]*(?:\s+" + _NAME_WORD + r"){0,5})?)"
    r"\s*" + _SHORT_FORM)
# the bracket a definition ends in: a sentence without one is not searched from every word for a name
_BRACKETED = re.compile(_SHORT_FORM)


def _looks_short(short: str, around: str) -> bool:
    """A bracketed word is a short form when quoted, an acronym (two capitals or more: "HA", "ALNCo") or "the X";
    an unquoted capitalised word is the name's qualifier, mostly a place: "Ministry of Education (Southern)",
    "Oranga Tamariki (Invercargill)" name no party "Southern" or "Invercargill"."""
    if any(q in around[:3] for q in "\"“”'"):
        return True
    return short.lower().startswith("the ") or sum(c.isupper() for c in short) >= 2


def defined_aliases(index: Index, signals: dict[str, list[Term]], names: list[str]) -> dict[str, list[Term]]:
    """Short names a document defines for what a signal already matches: in "the Hospital Authority
    (HA) is responsible for …" the pack knows "hospital authority", and from there on "HA" is the same
    party. Only names the signal matches lend their meaning; the short form must look like one (a
    capitalised word or acronym, or "the X")."""
    if not names:
        return {}
    found: dict[str, list[Term]] = {}
    seen: set[tuple[str, str]] = set()
    hits: dict[str, Hits] = {}  # each signal's matches, looked up once (`merge` as Context.merged)
    for si, text in enumerate(index.sentences):
        if "(" not in text or not _BRACKETED.search(text):
            continue
        for m in _DEFINITION.finditer(text):
            short = re.sub(r"[\"“”']", "", m.group(2))
            if not _looks_short(short, m.group(0)[m.start(2) - m.start(0) - 1:]):
                continue
            for name in names:
                if (name, short) in seen:
                    continue
                if name not in hits:
                    hits[name] = merge(index.find_many(signals.get(name, [])))
                starts, ends = index.offsets(si)
                if not any(starts[a] >= m.start(1) and ends[b - 1] <= m.end(1) for a, b in hits[name].get(si, ())):
                    continue
                seen.add((name, short))
                words = short.split()
                the = words[0].lower() == "the"
                # (not inside a reference code: "HR-SSDEC-07" is a number, not the council)
                pattern = (r"(?:^|[^\w-])" + (r"[Tt]he\s+" if the else "") + r"\s+".join(map(re.escape, words[the:]))
                           + r"(?:[^\w-]|$)")
                found.setdefault(name, []).append(compile_term("re:" + pattern, index.lang))
    return found


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


_FACETS: dict[str, tuple[Rule, list[Condition]]] = {}


def _facet_conditions(rule: Rule) -> list[Condition]:
    """`facet_conditions` of the rule's `met`, once per rule: walking its tree for every cell cost as
    much as looking its (memoised) conditions up."""
    entry = _FACETS.get(rule.id)
    if entry is None or entry[0] is not rule:
        entry = _FACETS[rule.id] = (rule, facet_conditions(rule.met))
    return entry[1]


def _facet_hits(rule: Rule, ctx: Context) -> dict[str, list[Hits]]:
    """Facet id -> the hits of each condition that decides it (memoised per document)."""
    found: dict[str, list[Hits]] = {}
    for cond in _facet_conditions(rule):
        found.setdefault(cond.facet or "", []).append(cond(ctx))
    return found


def facets_of(rule: Rule, ctx: Context, doc: Document) -> list[Facet]:
    """The rule's checklist: each declared facet with whether its conditions in `met` hold and the
    sentence that shows it. Conditions are memoised per document, so this re-reads no text."""
    found = _facet_hits(rule, ctx)
    out = []
    for fid in rule.info.facets:
        if fid in found:
            hits = merge(found[fid])
            out.append(Facet(fid, bool(hits), evidence_from(hits, doc, limit=1) if hits else []))
    return out


_RANK = {"not_met": 0, "partial": 1, "met": 2}
# Readings a cell is read under for review (conditions/READINGS). A `not_met` that a wider scope would raise
# is flagged (first contact with holdout47-55: 7 of 13 such cells wrong); a `partial` that it would raise
# is not (6 of 55 wrong, and none of the 31 it alone flagged). A `met` that a narrower scope would lower was
# flagged for a round and dropped: on first contact it flagged 6 cells of holdout56-59 (2 wrong, neither caught
# by it alone) and 4 of holdout60-62 (none wrong), for ~5.7 % of rule instructions (bench/RESULTS.md, 16th session).
LOOSER = ("scope",)


_MATTER: dict[str, tuple[Rule, set[str]]] = {}


class Readings:
    """The document's context under each other reading (conditions/READINGS), built on first use and
    shared by the rules of a pack, as the pack's own context is."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._variants: dict[str, Context] = {}

    def __getitem__(self, name: str) -> Context:
        found = self._variants.get(name)
        if found is None:
            found = self._variants[name] = self.ctx.variant(frozenset({name}))
        return found


def review_of(rule: Rule, result: RuleResult, readings: Readings, doc: Document) -> list[str]:
    """Why a person should check this cell: a weak basis, low OCR confidence, the pack's own hints,
    and the reading under which its outcome would change (a not_met's parts a section apart counted together).
    Readings that ignored negation or dropped headings were measured and dropped: on first contact
    with three new sets they flagged 18 cells and were alone in catching none of 69 wrong ones."""
    reasons = _weak_basis(rule, result, doc.lang)
    rare = rule.base_rates.share(result.outcome, doc.doc_type) if rule.base_rates else None
    if rare is not None and rare[0] < rule.base_rates.rare_below:
        share, total, over = rare
        key = "rare" if over == "*" else "rare_type"
        reasons.append(_say(key, doc.lang, outcome=result.outcome, n=str(round(share * total)),
                            total=str(total), doc_type=over))
    parts = sum(f.found for f in result.facets)
    record = rule.base_rates.unconfirmed(result.outcome, doc.doc_type, parts, doc.lang) if rule.base_rates else None
    if record is not None:
        reasons.append(_say("unconfirmed", doc.lang, outcome=result.outcome, n=str(record[0]), total=str(record[1])))
    if any(e.low_confidence for e in result.evidence):
        reasons.append(_say("ocr", doc.lang))
    if result.outcome == "not_met":
        # a part of what the criterion asks for stands in the text, yet nothing of the criterion was
        # judged there: the parts and the outcome disagree (on first contact 13 of 13 such cells wrong)
        found = [_text(rule.info.facets[f.id], doc.lang) for f in result.facets if f.found and f.id in rule.info.facets]
        if found:
            reasons.append(_say("part", doc.lang, parts=", ".join(found)))
    reasons += _pack_hints(rule, result, readings.ctx, doc.lang)
    if result.outcome == "met" and _rests_on_planned(rule, readings.ctx):
        reasons.append(_say("planned", doc.lang))
    rank = _RANK[result.outcome]
    matter = _MATTER.get(rule.id)
    if matter is None or matter[0] is not rule:
        matter = _MATTER[rule.id] = (rule, readings_that_matter(rule.met) | readings_that_matter(rule.partial))
    for name in LOOSER if rank == 0 else ():
        if name not in matter[1]:
            continue
        other = _outcome_under(rule, readings[name], rank)
        if other is not None:
            reasons.append(_say("if", doc.lang, outcome=other, reading=_text(READINGS[name], doc.lang)))
    return reasons


def _rests_on_planned(rule: Rule, ctx: Context) -> bool:
    """Is one of the met's parts shown only by sentences that say it is still to be made ("En gemensam
    samtyckesblankett ska tas fram", "a shared referral portal will be developed")? The pack's `planned`
    signal names such sentences; the part's own match may stand outside the deferring clause, so the
    condition counted it. On first contact with holdout47-55 4 of the 6 mets it flagged were wrong; holdout56-59
    gave it none to flag."""
    if not ctx.planned:
        return False
    planned = ctx.merged(ctx.signals.get(ctx.planned, []))
    if not planned:
        return False
    for parts in _facet_hits(rule, ctx).values():
        sentences = {si for hits in parts for si in hits if si >= 0}
        if sentences and sentences <= planned.keys():
            return True
    return False


def _pack_hints(rule: Rule, result: RuleResult, ctx: Context, lang: str) -> list[str]:
    """The reasons of the rule's own `review:` hints that hold for this outcome: a condition that holds
    in the document, or (`at_minimum`, no condition) an outcome at the edge of its count: a met reached by
    no more facets than the count asks for (one weak part less and it would not be met), a partial one
    facet short of met (one part missed and it would be met), or (`without_facet`) an outcome reached
    without a facet the criterion leans on."""
    out = []
    for outcomes, when, reason in rule.review:
        if result.outcome not in outcomes:
            continue
        if isinstance(when, str):
            holds = not any(f.found for f in result.facets if f.id == when)
        elif when is None:
            holds = False
            count = met_count(rule.met)
            if count is not None:
                found, needed = sum(f.found for f in result.facets), count.needed(ctx.doc_type)
                holds = (found <= needed if result.outcome == "met"
                         else result.outcome == "partial" and found == needed - 1)
        else:
            holds = bool(when(ctx))
        if holds:
            out.append(_text(reason, lang))
    return out


def _outcome_under(rule: Rule, ctx: Context, rank: int) -> str | None:
    """The outcome under a looser reading when it is higher, else None. A partial asks `met` alone."""
    if rule.met is not None and rule.met(ctx):
        return "met"
    if rank == 0 and rule.partial is not None and rule.partial(ctx):
        return "partial"
    return None


# Reasons in the document's language (the pack's review hints are written in both, too).
_SAY = {
    "if": {"en": "{outcome} if {reading}", "sv": "{outcome} om {reading}"},
    "labels": {"en": "partial rests only on a heading or a table label",
               "sv": "delvis uppfyllt vilar bara på en rubrik eller en tabelletikett"},
    "rare": {"en": "auditors judged this criterion {outcome} in only {n} of {total} labelled documents",
             "sv": "granskare bedömde kriteriet som {outcome} i bara {n} av {total} granskade dokument"},
    "rare_type": {"en": "auditors judged this criterion {outcome} in only {n} of {total} labelled documents of "
                        "type {doc_type}",
                  "sv": "granskare bedömde kriteriet som {outcome} i bara {n} av {total} granskade dokument av "
                        "typen {doc_type}"},
    "no_type": {"en": "the document's type was not recognised; this criterion applies only to {types}",
                "sv": "dokumenttypen kändes inte igen; kriteriet gäller bara {types}"},
    "unconfirmed": {"en": "on documents the pack had not been tuned on, auditors confirmed this criterion's "
                           "{outcome} in only {n} of {total} cells",
                    "sv": "i dokument som regelpaketet inte var anpassat till bekräftade granskare kriteriets "
                          "{outcome} i bara {n} av {total} fall"},
    "part": {"en": "not met, though a part of the criterion was found: {parts}",
             "sv": "ej uppfyllt, fast en del av kriteriet hittades: {parts}"},
    "planned": {"en": "met, though one of its parts stands only in sentences about what is still to be made",
                "sv": "uppfyllt, fast en av delarna står bara i meningar om sådant som ännu ska tas fram"},
    "ocr": {"en": "the quoted text was read by OCR with low confidence",
            "sv": "den citerade texten lästes med OCR med låg säkerhet"},
    "type": {"en": "the document is read as {doc_type} but also names {others}: the rule's applicability depends on it",
             "sv": "dokumentet läses som {doc_type} men nämner också {others}: om regeln gäller beror på det"},
}
_OUTCOME_WORDS = {"sv": {"met": "uppfyllt", "partial": "delvis uppfyllt", "not_met": "ej uppfyllt"}}


def _say(key: str, lang: str, **values: str) -> str:
    template = _SAY[key].get(lang) or _SAY[key]["en"]
    if "outcome" in values:
        values["outcome"] = _OUTCOME_WORDS.get(lang, {}).get(values["outcome"], values["outcome"])
    return template.format(**values)


def _weak_basis(rule: Rule, result: RuleResult, lang: str) -> list[str]:
    """A `partial` that rests only on headings or table labels: on first contact with three new sets
    right about the cell being wrong 44 % of the time, against 10 % for an average cell. (A `met` at
    the fewest parts the criterion accepts was right 19 % of the time over nine sets, barely above an
    average cell, and is no longer a reason; nor is a `partial` with one part of several, at 16 %;
    the facets still show both. Nor is a `met` one of whose parts is shown only in the background or the
    recitals: since decision-body reads a background decision only when it names the document, on first
    contact with holdout56-62 it flagged 52 cells, 2 of them wrong, and was alone on none of those.)"""
    if result.outcome == "partial" and result.evidence and all(
            e.kind in ("heading", "title", "table-cell", "header", "footer") for e in result.evidence):
        return [_say("labels", lang)]
    return []


def judge(rule: Rule, ctx: Context, doc: Document, readings: Readings | None = None) -> RuleResult:
    result = _judge(rule, ctx, doc)
    if rule.applies_to and doc.doc_type and any(
            (alt in rule.applies_to) != (doc.doc_type in rule.applies_to) for alt in doc.type_alternatives):
        # the document also names a type under which this rule would (not) apply
        result.review_reasons.append(_say("type", doc.lang, doc_type=doc.doc_type,
                                          others=", ".join(doc.type_alternatives)))
    elif rule.applies_to and not doc.doc_type and result.outcome != "cannot_assess":
        # no type word found: the rule was not applied, though the document may be of its types
        result.review_reasons.append(_say("no_type", doc.lang, types=", ".join(rule.applies_to)))
    if result.outcome in _RANK and rule.kind == "graded":
        result.facets = facets_of(rule, ctx, doc)
        result.review_reasons += review_of(rule, result, readings or Readings(ctx), doc)
    elif result.outcome in _RANK and rule.review:
        # a forbid rule's own hints: the statute table judges only the acts it lists
        result.review_reasons += _pack_hints(rule, result, ctx, doc.lang)
    result.review = bool(result.review_reasons)
    return result


def _judge(rule: Rule, ctx: Context, doc: Document) -> RuleResult:
    lang = doc.lang
    if rule.applies_to and doc.doc_type and doc.doc_type not in rule.applies_to:
        return RuleResult(rule.id, "not_applicable",
                          message=f"applies to {', '.join(rule.applies_to)}; this is {doc.doc_type}")
    if rule.applies_to and not doc.doc_type:
        # No type word at all: an agreement names itself ("avtal", "överenskommelse", "agreement"), so a
        # document that names no type is read as none of the rule's types (labelled sets: 4 of 4 such
        # documents were minutes, routines and plans) - and flagged for a person to check (`judge`).
        return RuleResult(rule.id, "not_applicable",
                          message=f"applies to {', '.join(rule.applies_to)}; the document's type was not recognised")
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
        readings = Readings(ctx)
        results.extend(judge(rule, ctx, doc, readings) for rule in pack.rules)
        ctx.release()  # (no cycle left: the document's objects are freed as soon as they are dropped)
    return results
