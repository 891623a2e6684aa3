"""Wording and lookups shared by the report writers, so every format says the same thing the same way.

Writers only read the ScanReport. The words an auditor would use (outcome names, document types, the
set-level sentences) live here once, in Swedish and English.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass

from govcheck.model import OUTCOMES, DocumentResult, RuleInfo, RuleResult, ScanReport

LANGS = ("sv", "en")

LABELS: dict[str, dict[str, str]] = {
    "sv": {"met": "uppfyllt", "partial": "delvis uppfyllt", "not_met": "ej uppfyllt",
           "cannot_assess": "ej möjligt att bedöma", "not_applicable": "ej tillämpligt"},
    "en": {"met": "met", "partial": "partial", "not_met": "not met",
           "cannot_assess": "cannot assess", "not_applicable": "not applicable"},
}
SYMBOLS = {"met": "●", "partial": "◐", "not_met": "○", "cannot_assess": "?", "not_applicable": "–"}
WAIVED_MARK = "†"

DOC_TYPES: dict[str, dict[str, str]] = {
    "sv": {"agreement": "överenskommelse", "guideline": "riktlinje", "routine": "rutin", "policy": "policy",
           "action-plan": "handlingsplan", "mandate": "uppdragsbeskrivning"},
    "en": {"agreement": "agreement", "guideline": "guideline", "routine": "routine", "policy": "policy",
           "action-plan": "action plan", "mandate": "terms of reference"},
}

# Rank of graded outcomes: what "improved" and "at or above --fail-on" mean.
SEVERITY = {"not_met": 2, "partial": 1, "met": 0}
FAIL_ON = ("never", "partial", "not_met")

# Rules whose evidence tells a document's decision body and date. Ids differ between packs (rule ids
# must be unique across the packs loaded together), so each pack's id is listed.
DECISION_RULES = ("decision-body", "approved-by")
DATE_RULES = ("decision-body", "approved-by", "effective-date", "validity", "review-date")

# Set-level checks ("is there a routine for X anywhere in the set?") until packs carry `set_checks:`
# themselves (see rulesets[].set_checks). Keyed by pack id.
DEFAULT_SET_CHECKS: dict[str, list[dict]] = {
    "child-youth-collaboration": [
        {"id": "deviation-routine", "rule": "deviation-handling",
         "title": {"sv": "Rutin för avvikelser och tvister", "en": "A routine for deviations and disputes"}},
        {"id": "sip-procedure", "rule": "coordinated-plan",
         "title": {"sv": "Arbetsgång för samordnad individuell plan (SIP)",
                   "en": "A procedure for coordinated individual plans"}},
        {"id": "information-transfer-routine", "rule": "information-transfer",
         "title": {"sv": "Rutin för informationsöverföring", "en": "A routine for information transfer"}},
    ],
}

TEXT = {
    "sv": {
        "page": "s.", "section": "avsnitt", "waived": "undantag", "decided_by": "beslutat av",
        "expires": "gäller till", "recommendation": "Rekommendation", "looked_for": "Letade efter",
        "nothing_found": "Inget i dokumentet uppfyller kriteriet.",
    },
    "en": {
        "page": "p.", "section": "section", "waived": "waived", "decided_by": "decided by",
        "expires": "expires", "recommendation": "Recommendation", "looked_for": "Looked for",
        "nothing_found": "Nothing in the document meets the criterion.",
    },
}


def report_lang(report: ScanReport, options: object = None) -> str:
    """--lang, else the documents' dominant language, else English."""
    lang = getattr(options, "lang", None) or report.lang or "en"
    return lang if lang in LANGS else "en"


def pick(value: dict[str, str] | str | None, lang: str) -> str:
    """A text in the wanted language, falling back to English, then to any language given."""
    if not value:
        return ""
    if isinstance(value, str):
        return value
    return value.get(lang) or value.get("en") or next(iter(value.values()), "")


def label(outcome: str, lang: str) -> str:
    return LABELS[lang].get(outcome, outcome)


def doc_type_label(doc_type: str | None, lang: str) -> str:
    if not doc_type:
        return "?"
    return DOC_TYPES[lang].get(doc_type, doc_type)


def rule_map(report: ScanReport) -> dict[str, RuleInfo]:
    return {r.id: r for r in report.rules}


def cells(doc: DocumentResult) -> dict[str, RuleResult]:
    return {r.rule: r for r in doc.results}


def is_gap(res: RuleResult) -> bool:
    return res.outcome in ("partial", "not_met")


def at_or_above(outcome: str, fail_on: str) -> bool:
    """Does a cell with this outcome count as a finding at the --fail-on level?"""
    if fail_on == "never" or outcome not in SEVERITY:
        return False
    return SEVERITY[outcome] >= SEVERITY[fail_on]


def findings(report: ScanReport, fail_on: str) -> list[tuple[DocumentResult, RuleResult]]:
    """Cells that make govcheck exit 1: at or above --fail-on and not waived."""
    return [(d, r) for d in report.documents for r in d.results
            if r.waived is None and at_or_above(r.outcome, fail_on)]


def where(ev: object, lang: str) -> str:
    """'s. 3, avsnitt "5. Syfte"' - where a quote stands, as a reader would look it up."""
    parts = []
    page = getattr(ev, "page", None)
    page_label = getattr(ev, "page_label", None)
    if page:
        parts.append(f"{TEXT[lang]['page']} {page_label or page}")
    section = getattr(ev, "section", None)
    if section:
        parts.append(f"{TEXT[lang]['section']} “{section}”")
    return ", ".join(parts)


def waiver_text(waived: dict, lang: str) -> str:
    t = TEXT[lang]
    out = f"{t['waived']}: {waived.get('justification', '')}"
    if waived.get("decided_by"):
        out += f" ({t['decided_by']} {waived['decided_by']}"
        out += f", {t['expires']} {waived['expires']})" if waived.get("expires") else ")"
    return out


def counts(report: ScanReport, rule_id: str) -> dict[str, int]:
    out = dict.fromkeys(OUTCOMES, 0)
    for doc in report.documents:
        for res in doc.results:
            if res.rule == rule_id and res.outcome in out:
                out[res.outcome] += 1
    return out


def waived_count(report: ScanReport, rule_id: str) -> int:
    return sum(1 for d in report.documents for r in d.results if r.rule == rule_id and r.waived is not None)


_SHARE = {
    "sv": ("inget dokument", "en minoritet av dokumenten", "hälften av dokumenten", "merparten av dokumenten",
           "samtliga dokument"),
    "en": ("none", "a minority", "half", "most", "all"),
}


def share_word(met: int, judged: int, lang: str) -> str:
    """'merparten av dokumenten' / 'most': the auditor's quantifier for met of judged."""
    words = _SHARE[lang]
    if judged == 0 or met == 0:
        return words[0]
    if met == judged:
        return words[4]
    if 2 * met > judged:
        return words[3]
    return words[2] if 2 * met == judged else words[1]


def set_judgement(rule: RuleInfo, c: dict[str, int], lang: str) -> str:
    """One auditor's sentence per criterion, from the counts and the rule's title.

    Graded rules: met is "built in" (har arbetats in), partial "partly". Forbidden rules (a repealed
    statute cited) count where the forbidden thing was found instead.
    """
    title = pick(rule.title, lang)
    judged = c["met"] + c["partial"] + c["not_met"]
    if judged == 0:
        if lang == "sv":
            return f"{title}: kunde inte bedömas i något dokument."
        return f"{title}: could not be judged in any document."
    if rule.kind == "forbidden":
        if lang == "sv":
            return f"{title} förekommer i {c['not_met']} av {judged} dokument."
        return f"{title} found in {c['not_met']} of {judged} documents."
    if lang == "sv":
        text = f"{title} har arbetats in i {c['met']} av {judged} dokument"
        extra = []
        if c["partial"]:
            extra.append(f"delvis i {c['partial']}")
        if c["not_met"]:
            extra.append(f"saknas i {c['not_met']}")
        return text + (", " + ", ".join(extra) if extra else "") + f" ({share_word(c['met'], judged, lang)})."
    noun = "document" if judged == 1 else "documents"
    text = f"{title} is built into {c['met']} of {judged} {noun}"
    extra = []
    if c["partial"]:
        extra.append(f"partly into {c['partial']}")
    if c["not_met"]:
        extra.append(f"missing from {c['not_met']}")
    return text + (", " + ", ".join(extra) if extra else "") + f" ({share_word(c['met'], judged, lang)})."


@dataclass
class SetCheck:
    id: str
    rule: str
    title: str
    met_in: list[str]
    partial_in: list[str]

    @property
    def found(self) -> bool:
        return bool(self.met_in)


def set_checks(report: ScanReport, lang: str) -> list[SetCheck]:
    """'Is there a routine for X anywhere in the set?' - pack data first, then the built-in defaults."""
    known = {r.id for r in report.rules}
    out: list[SetCheck] = []
    for ruleset in report.rulesets:
        specs = ruleset.get("set_checks")
        if specs is None:
            specs = DEFAULT_SET_CHECKS.get(ruleset.get("id", ""), [])
        for spec in specs:
            rule = spec.get("rule")
            if rule not in known:
                continue
            met_in = [d.path for d in report.documents for r in d.results if r.rule == rule and r.outcome == "met"]
            partial_in = [d.path for d in report.documents for r in d.results
                          if r.rule == rule and r.outcome == "partial"]
            out.append(SetCheck(spec.get("id", rule), rule, pick(spec.get("title"), lang) or rule,
                                met_in, partial_in))
    return out


_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")


def _dates(text: str) -> list[dt.date]:
    try:
        from govcheck.rules.conditions import find_dates
    except ImportError:  # pragma: no cover - the engine is always there in a real install
        found = []
        for m in _DATE.finditer(text):
            with contextlib.suppress(ValueError):
                found.append(dt.date(int(m[1]), int(m[2]), int(m[3])))
        return found
    return find_dates(text, exact=True)


_KIND_RANK = {None: 0, "table-cell": 1, "heading": 2, "title": 2, "header": 3, "footer": 3, "footnote": 3}


def decision_of(doc: DocumentResult) -> tuple[str | None, str | None]:
    """(decision statement quoted, outcome) from the decision-body rule's evidence.

    A body sentence beats a table cell or a running header; a table row alone is quoted cell by cell.
    """
    by_rule = cells(doc)
    for rid in DECISION_RULES:
        res = by_rule.get(rid)
        if res is None:
            continue
        if res.outcome not in ("met", "partial") or not res.evidence:
            return None, res.outcome
        body = [e for e in res.evidence if e.kind is None]
        if body:
            return body[0].text, res.outcome
        ranked = sorted(res.evidence, key=lambda e: _KIND_RANK.get(e.kind, 2))
        if ranked[0].kind == "table-cell":
            return " · ".join(e.text for e in res.evidence if e.kind == "table-cell"), res.outcome
        return ranked[0].text, res.outcome
    return None, None


def date_of(doc: DocumentResult) -> str | None:
    """The document's date: the decision date if the decision evidence has one, else the earliest
    exact date in the validity evidence (usually its start)."""
    by_rule = cells(doc)
    for rid in DATE_RULES:
        res = by_rule.get(rid)
        if res is None or res.outcome not in ("met", "partial"):
            continue
        found: list[dt.date] = []
        for ev in res.evidence:
            found.extend(_dates(ev.text))
        if found:
            return min(found).isoformat()
    return None


def verdict(doc: DocumentResult, lang: str) -> str:
    """The overall judgement of one document in one sentence, from its cells."""
    if doc.status != "ok":
        return (f"Kunde inte bedömas: {doc.reason}." if lang == "sv" else f"Could not be assessed: {doc.reason}.")
    graded = [r for r in doc.results if r.outcome in ("met", "partial", "not_met")]
    n = len(graded)
    met = sum(1 for r in graded if r.outcome == "met")
    partial = sum(1 for r in graded if r.outcome == "partial")
    not_met = n - met - partial
    if n == 0:
        return "Inga tillämpliga kriterier." if lang == "sv" else "No criteria apply."
    ratio = met / n
    if lang == "sv":
        if met == n:
            head = "Uppfyller samtliga kriterier"
        elif ratio >= 2 / 3 and not_met <= 1:
            head = "Uppfyller i huvudsak kriterierna"
        elif (met + partial) / n >= 0.5:
            head = "Uppfyller delvis kriterierna"
        else:
            head = "Uppfyller i huvudsak inte kriterierna"
        tail = f"{met} av {n} uppfyllda, {partial} delvis, {not_met} ej uppfyllda"
    else:
        if met == n:
            head = "Meets all criteria"
        elif ratio >= 2 / 3 and not_met <= 1:
            head = "Largely meets the criteria"
        elif (met + partial) / n >= 0.5:
            head = "Partly meets the criteria"
        else:
            head = "Largely does not meet the criteria"
        tail = f"{met} of {n} met, {partial} partial, {not_met} not met"
    waived = sum(1 for r in graded if r.waived is not None)
    if waived:
        tail += f"; {waived} {'med undantag' if lang == 'sv' else 'waived'}"
    return f"{head} ({tail})."
