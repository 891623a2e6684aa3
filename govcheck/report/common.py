"""Wording and lookups shared by the report writers, so every format says the same thing the same way.

Writers only read the ScanReport. The words an auditor would use (outcome names, document types, the
set-level sentences, the headings of a gap report) live here once, in Swedish and English. Facts the
model does not carry as fields (a document's decision body and date) are derived here from the
evidence of the rules, so the Markdown and HTML reports cannot disagree about them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from govcheck.model import OUTCOMES, DocumentResult, Evidence, Facet, RuleInfo, RuleResult, ScanReport

if TYPE_CHECKING:
    from govcheck.report import ReportOptions

LANGS = ("sv", "en")

LABELS: dict[str, dict[str, str]] = {
    "sv": {"met": "uppfyllt", "partial": "delvis uppfyllt", "not_met": "ej uppfyllt",
           "cannot_assess": "ej möjligt att bedöma", "not_applicable": "ej tillämpligt"},
    "en": {"met": "met", "partial": "partial", "not_met": "not met",
           "cannot_assess": "cannot assess", "not_applicable": "not applicable"},
}
SYMBOLS = {"met": "●", "partial": "◐", "not_met": "○", "cannot_assess": "?", "not_applicable": "–"}
WAIVED_MARK = "†"
# A cell the tool is unsure of (RuleResult.review), and a cell whose outcome an auditor recorded.
REVIEW_MARK = "⚑"
JUDGED_MARK = "✎"

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

# Short phrases used inside sentences of every format.
TEXT = {
    "sv": {
        "page": "s.", "section": "avsnitt", "waived": "undantag", "decided_by": "beslutat av",
        "expires": "gäller till", "recommendation": "Rekommendation", "looked_for": "Letade efter",
        "nothing_found": "Inget i dokumentet uppfyller kriteriet.",
        "found_instead": "Det som hittades",
        "review": "granskas", "needs_review": "behöver granskas", "judged": "bedömt av revisor",
        "tool_said": "verktyget", "judged_by": "bedömt av", "on": "den", "facets": "Delar av kriteriet",
        "verdicts": "Revisorns bedömningar", "stale": "inaktuell", "missing_doc": "dokumentet finns inte",
        "judged_as": "bedömt som",
    },
    "en": {
        "page": "p.", "section": "section", "waived": "waived", "decided_by": "decided by",
        "expires": "expires", "recommendation": "Recommendation", "looked_for": "Looked for",
        "nothing_found": "Nothing in the document meets the criterion.",
        "found_instead": "What was found",
        "review": "review", "needs_review": "needs review", "judged": "judged by an auditor",
        "tool_said": "tool", "judged_by": "judged by", "on": "on", "facets": "Parts of the criterion",
        "verdicts": "Auditors' verdicts", "stale": "stale", "missing_doc": "document gone",
        "judged_as": "judged as",
    },
}

# Headings and labels of the human-readable reports (Markdown, HTML).
WORDS = {
    "sv": {
        "title": "Granskning av styrande dokument – bristrapport",
        "scope": "Omfattning", "folders": "Granskade mappar", "date": "Rapportdatum",
        "as_of": "Bedömningsdag", "as_of_note": "giltighet och upphävd lagstiftning bedöms per denna dag",
        "packs": "Regelpaket", "documents": "Dokument", "of_which": "varav {n} kunde inte läsas",
        "config": "Konfiguration", "tool": "Verktyg", "matrix": "Matris", "legend": "Teckenförklaring",
        "criteria": "Kriterier", "doc": "Dokument", "type": "Typ", "all": "alla",
        "set": "Samlad bedömning per kriterium",
        "unreadable_note": "{n} dokument kunde inte läsas och ingår inte i bedömningen.",
        "checks": "Finns rutinerna någonstans i dokumentmängden?", "check": "Kontroll",
        "result": "Bedömning", "where": "Var", "found": "Finns", "missing": "Saknas",
        "partly_in": "delvis i {n} dokument",
        "per_doc": "Dokument för dokument", "lang": "Språk", "doc_date": "Datum",
        "decision": "Beslutsinstans", "no_decision": "anges inte", "verdict": "Samlad bedömning",
        "gaps": "Brister", "no_gaps": "Inga brister.", "unreadable": "Dokument som inte kunde läsas",
        "reason": "Orsak", "expired": "Undantag som har gått ut",
        "expired_note": "Dessa undantag gäller inte längre; cellerna bedöms som vanligt.",
        "rule": "Regel", "path": "Sökväg", "decided_by": "Beslutat av", "expires": "Gick ut",
        "justification": "Motivering", "defined_in": "Angivet i", "waived_gaps": "Brister med beslutat undantag",
        "unknown": "okänt", "langs": {"sv": "svenska", "en": "engelska"},
        "filter": "Filtrera", "outcome": "Bedömning", "gaps_only": "brister (delvis + ej uppfyllt)",
        "details": "Belägg per dokument", "click_hint": "Klicka på en cell för att se beläggen.",
        "close": "Stäng", "shown": "visas",
    },
    "en": {
        "title": "Governance document review – gap report",
        "scope": "Scope", "folders": "Folders reviewed", "date": "Report date",
        "as_of": "As-of date", "as_of_note": "validity and repealed legislation are judged at this date",
        "packs": "Rule packs", "documents": "Documents", "of_which": "{n} of them unreadable",
        "config": "Configuration", "tool": "Tool", "matrix": "Matrix", "legend": "Legend",
        "criteria": "Criteria", "doc": "Document", "type": "Type", "all": "all",
        "set": "Judgement across the set, per criterion",
        "unreadable_note": "{n} documents could not be read and are not part of the judgement.",
        "checks": "Do the key routines exist anywhere in the set?", "check": "Check",
        "result": "Finding", "where": "Where", "found": "Found", "missing": "Missing",
        "partly_in": "partly in {n} documents",
        "per_doc": "Document by document", "lang": "Language", "doc_date": "Date",
        "decision": "Decision body", "no_decision": "not stated", "verdict": "Overall verdict",
        "gaps": "Gaps", "no_gaps": "No gaps.", "unreadable": "Documents that could not be read",
        "reason": "Reason", "expired": "Expired waivers",
        "expired_note": "These waivers no longer apply; their cells are judged as usual.",
        "rule": "Rule", "path": "Path", "decided_by": "Decided by", "expires": "Expired",
        "justification": "Justification", "defined_in": "Defined in", "waived_gaps": "Gaps with an agreed waiver",
        "unknown": "unknown", "langs": {"sv": "Swedish", "en": "English"},
        "filter": "Filter", "outcome": "Outcome", "gaps_only": "gaps (partial + not met)",
        "details": "Evidence per document", "click_hint": "Click a cell to see its evidence.",
        "close": "Close", "shown": "shown",
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
    if section and section != getattr(ev, "text", None):  # a quoted heading needs no "under itself"
        parts.append(f"{TEXT[lang]['section']} “{section}”")
    return ", ".join(parts)


def primary_evidence(res: RuleResult) -> Evidence | None:
    """The quote that best stands for a cell: a body sentence before a bare heading or table cell.

    Evidence often starts with the heading that names the topic ("Syfte"); the sentence under it is
    what a reader needs to see first, and what a line search can find in a source file.
    """
    for ev in res.evidence:
        if ev.kind is None:
            return ev
    return res.evidence[0] if res.evidence else None


def looked_for(res: RuleResult, rule: RuleInfo | None, doc_lang: str | None, lang: str) -> str:
    """What the rule looked for, in the report's language.

    The engine words its message in the document's language; when the report is in another language
    the rule's own description says the same thing in the reader's language.
    """
    if rule is not None and doc_lang != lang:
        return pick(rule.description, lang) or res.message
    return res.message or (pick(rule.description, lang) if rule else "")


def cell_note(res: RuleResult, rule: RuleInfo | None, doc: DocumentResult, lang: str) -> str:
    """The sentence that explains a cell without quotes, in the report's language.

    Not met with nothing quoted: what was looked for. Not applicable: which document types the rule is
    for (the engine's message is English only). Cannot assess: why the document could not be read. A
    forbidden rule's message only repeats its title, so it says nothing.
    """
    t = TEXT[lang]
    if res.outcome == "not_met" and not res.evidence:
        wanted = looked_for(res, rule, doc.lang, lang)
        return t["nothing_found"] + (f" {t['looked_for']}: {wanted}" if wanted else "")
    if res.outcome == "not_applicable" and rule is not None and rule.applies_to:
        types = ", ".join(doc_type_label(x, lang) for x in rule.applies_to)
        this = doc_type_label(doc.doc_type, lang)
        if lang == "sv":
            return f"Kriteriet gäller bara {types}; detta dokument är {this}."
        return f"The criterion applies to {types} only; this document is {this}."
    if res.outcome == "cannot_assess":
        return doc.reason or res.message
    if rule is not None and rule.kind == "forbidden":
        return ""
    return res.message


def waiver_text(waived: dict, lang: str) -> str:
    t = TEXT[lang]
    out = t["waived"] + (f": {waived['justification']}" if waived.get("justification") else "")
    if waived.get("decided_by"):
        out += f" ({t['decided_by']} {waived['decided_by']}"
        out += f", {t['expires']} {waived['expires']})" if waived.get("expires") else ")"
    return out


def counts(report: ScanReport, rule_id: str) -> dict[str, int]:
    if report.tally is not None:  # a streamed scan counted as it wrote: no pass over the spilled results
        return report.tally.counts(rule_id)
    out = dict.fromkeys(OUTCOMES, 0)
    for doc in report.documents:
        for res in doc.results:
            if res.rule == rule_id and res.outcome in out:
                out[res.outcome] += 1
    return out


def judged_text(res: RuleResult, lang: str) -> str:
    """'bedömt av A. Revisor den 2026-12-10: skäl (verktyget: delvis uppfyllt)' - who replaced the tool's
    outcome, why, and what the tool had said, so the tool's own judgement stays visible."""
    j = res.judged_by or {}
    t = TEXT[lang]
    text = f"{t['judged_by']} {j.get('by', '?')} {t['on']} {j.get('date', '?')}"
    if j.get("reason"):
        text += f": {j['reason']}"
    extras = []
    if j.get("page") is not None:
        extras.append(f"{t['page']} {j['page']}")
    if j.get("quote"):
        extras.append(f"“{j['quote']}”")
    if j.get("moved_from"):
        extras.append(f"{t['judged_as']} {j['moved_from']}")
    if extras:
        text += f" ({', '.join(extras)})"
    if res.tool_outcome:
        text += f" [{t['tool_said']}: {label(res.tool_outcome, lang)}]"
    return text


def facet_label(rule: RuleInfo | None, facet_id: str, lang: str) -> str:
    """A facet's label from the pack in the report language, else its id."""
    labels = rule.facets.get(facet_id) if rule is not None else None
    return pick(labels, lang) or facet_id


def review_summary(report: ScanReport, run: object = None) -> str:
    """'3 to review, 2 judged by an auditor, 1 stale verdict, ' for the one-line summary after a scan
    (empty when there is nothing to say): where a person should look, and what persons decided."""
    if report.tally is not None:  # streamed: the documents are gone, their counts are kept
        review, judged = report.tally.review, report.tally.judged
    else:
        review = sum(1 for d in report.documents for r in d.results if r.review)
        judged = sum(1 for d in report.documents for r in d.results if r.judged_by is not None)
    parts = []
    if review:
        parts.append(f"{review} to review")
    if judged:
        parts.append(f"{judged} judged by an auditor")
    entries = getattr(run, "entries", None) or []
    stale = sum(1 for e in entries if e.status == "stale")
    missing = sum(1 for e in entries if e.status == "missing")
    moved = sum(1 for e in entries if e.status == "moved")
    if moved:
        parts.append(f"{moved} verdict{'s' if moved > 1 else ''} for moved documents")
    if stale:
        parts.append(f"{stale} stale verdict{'s' if stale > 1 else ''}")
    if missing:
        parts.append(f"{missing} verdict{'s' if missing > 1 else ''} for missing documents")
    return "".join(f"{p}, " for p in parts)


# What became of a verdict that does not simply apply, in the words of every report (terminal, Markdown,
# HTML, JUnit): why it was not applied, or where it followed its document.
VERDICT_FATE = {
    "sv": {"unapplied": "Revisorns bedömningar som inte tillämpades",
           "unapplied_note": "En bedömning gäller den version av dokumentet som bedömdes. Dessa celler visar "
                             "verktygets utfall tills någon bedömer dem igen.",
           "stale": "dokumentet har ändrats (inaktuell)", "missing": "dokumentet finns inte längre, och inget "
           "granskat dokument har dess innehåll",
           "superseded": "dokumentet heter nu {to}, som har en egen bedömning ({by}); ta bort denna",
           "followed": "Revisorns bedömningar som följde med sitt dokument",
           "followed_note": "Filen har bytt namn eller flyttats men innehållet är detsamma (sha256), så "
                            "bedömningen gäller fortfarande. Skriv den nya sökvägen i bedömningsfilen.",
           "judged_as": "Bedömt som", "now": "Heter nu"},
    "en": {"unapplied": "Auditors' verdicts not applied",
           "unapplied_note": "A verdict holds for the version of the document that was judged. These cells show "
                             "the tool's outcome until someone judges them again.",
           "stale": "stale: the document changed after it was judged",
           "missing": "the document is gone, and no scanned document has its content",
           "superseded": "the document is now {to}, which has its own verdict ({by}); remove this one",
           "followed": "Auditors' verdicts that followed their document",
           "followed_note": "The file was renamed or moved but its content (sha256) is the same, so the verdict "
                            "still applies. Write the new path in the judgements file.",
           "judged_as": "Judged as", "now": "Now"},
}


def verdict_fate(entry: Any, lang: str) -> str:
    """Why a verdict did not apply (a govcheck.judgements.VerdictStatus of JudgementRun.unapplied())."""
    words = VERDICT_FATE[lang]
    if entry.status == "moved":
        return words["superseded"].format(to=entry.moved_to, by=entry.superseded_by)
    return words[entry.status]


def judged_count(report: ScanReport, rule_id: str) -> int:
    return sum(1 for d in report.documents for r in d.results if r.rule == rule_id and r.judged_by is not None)


def waived_count(report: ScanReport, rule_id: str) -> int:
    if report.tally is not None:
        return report.tally.waived.get(rule_id, 0)
    return sum(1 for d in report.documents for r in d.results if r.rule == rule_id and r.waived is not None)


_SHARE = {
    "sv": ("inget dokument", "en minoritet av dokumenten", "hälften av dokumenten", "merparten av dokumenten",
           "samtliga dokument"),
    "en": ("no document", "a minority of the documents", "half of the documents", "most of the documents",
           "all documents"),
}


def share_word(met: int, judged: int, lang: str) -> str:
    """'merparten av dokumenten' / 'most of the documents': the auditor's quantifier for met of judged."""
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

    Only documents the criterion was judged in count (met, partial, not met): unreadable documents and
    documents the criterion does not apply to are left out of the denominator, as auditors do.
    Graded rules: met is "worked in" (har arbetats in), partial "partly". Forbidden rules (a repealed
    statute cited) count where the forbidden thing was found instead.
    """
    title = pick(rule.title, lang)
    judged = c["met"] + c["partial"] + c["not_met"]
    if judged == 0:
        if lang == "sv":
            return f"{title}: kunde inte bedömas i något dokument."
        return f"{title}: could not be judged in any document."
    noun = "document" if judged == 1 else "documents"
    if rule.kind == "forbidden":
        if lang == "sv":
            return f"{title} förekommer i {c['not_met']} av {judged} dokument."
        return f"{title}: cited in {c['not_met']} of {judged} {noun}."
    extra = []
    if lang == "sv":
        text = f"{title} har arbetats in i {c['met']} av {judged} dokument"
        if c["partial"]:
            extra.append(f"delvis i {c['partial']}")
        if c["not_met"]:
            extra.append(f"saknas i {c['not_met']}")
    else:
        text = f"{title}: addressed in {c['met']} of {judged} {noun}"
        if c["partial"]:
            extra.append(f"partly in {c['partial']}")
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
            if report.tally is not None:
                met_in = list(report.tally.met_in.get(rule, []))
                partial_in = list(report.tally.partial_in.get(rule, []))
            else:
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

    The model has no decision-body field: the rule's evidence is the only source, and quoting it keeps
    the report honest. A body sentence beats a table cell or a running header; a table row alone is
    quoted cell by cell.
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


# --- facts shared by the Markdown and HTML reports --------------------------------------------------


def scope(report: ScanReport, options: ReportOptions, lang: str) -> list[tuple[str, str, str]]:
    """(key, label, plain value) rows describing what was reviewed, when and against what.

    Writers format values themselves (Markdown puts folders in code spans); the key tells which is which.
    """
    w = WORDS[lang]
    unreadable = sum(1 for d in report.documents if d.status != "ok")
    docs = str(len(report.documents)) + (f" ({w['of_which'].format(n=unreadable)})" if unreadable else "")
    packs = [f"{rs.get('id', '?')}, version {rs.get('version', '?')}" for rs in report.rulesets]
    date = options.date or dt.date.today().isoformat()
    rows = [
        ("folders", w["folders"], ", ".join(report.roots) or "–"),
        ("date", w["date"], date),
        ("as_of", w["as_of"], f"{report.as_of} ({w['as_of_note']})"),
        ("packs", w["packs"], "; ".join(packs) or "–"),
        ("documents", w["documents"], docs),
    ]
    if options.config:
        rows.append(("config", w["config"], options.config))
    rows.append(("tool", w["tool"], f"{report.tool.get('name', 'govcheck')} {report.tool.get('version', '')}"))
    return rows


def document_facts(doc: DocumentResult, lang: str) -> list[tuple[str, str, str]]:
    """(key, label, plain value) rows about one document: type, language, date, decision body, verdict."""
    w = WORDS[lang]
    decision, _ = decision_of(doc)
    return [
        ("type", w["type"], doc_type_label(doc.doc_type, lang)),
        ("lang", w["lang"], w["langs"].get(doc.lang or "", doc.lang or w["unknown"])),
        ("date", w["doc_date"], date_of(doc) or w["unknown"]),
        ("decision", w["decision"], f"“{decision}”" if decision else w["no_decision"]),
        ("verdict", w["verdict"], verdict(doc, lang)),
    ]


# --- one row per document x rule, for the spreadsheet formats ---------------------------------------

# Stable column keys (CSV header, what scripts read) and their spreadsheet headings per language.
COLUMNS: tuple[str, ...] = ("path", "title", "doc_type", "lang", "status", "rule", "rule_title", "outcome",
                            "outcome_label", "waived", "waiver", "evidence", "page", "section", "message",
                            "review", "review_reasons", "tool_outcome", "judged_by")
HEADINGS = {
    "sv": {"path": "Sökväg", "title": "Dokumenttitel", "doc_type": "Dokumenttyp", "lang": "Språk",
           "status": "Status", "rule": "Regel", "rule_title": "Kriterium", "outcome": "Utfall (id)",
           "outcome_label": "Bedömning", "waived": "Undantag", "waiver": "Undantagets motivering",
           "evidence": "Belägg", "page": "Sida", "section": "Avsnitt", "message": "Meddelande",
           "review": "Granskas", "review_reasons": "Varför granska", "tool_outcome": "Verktygets utfall",
           "judged_by": "Bedömt av revisor"},
    "en": {"path": "Path", "title": "Document title", "doc_type": "Document type", "lang": "Language",
           "status": "Status", "rule": "Rule", "rule_title": "Criterion", "outcome": "Outcome (id)",
           "outcome_label": "Outcome", "waived": "Waived", "waiver": "Waiver justification",
           "evidence": "Evidence", "page": "Page", "section": "Section", "message": "Message",
           "review": "Needs review", "review_reasons": "Why review", "tool_outcome": "Tool's outcome",
           "judged_by": "Judged by auditor"},
}
JOIN = " | "


def rows(report: ScanReport, lang: str) -> list[dict[str, Any]]:
    """One flat row per document x rule, in matrix order.

    Several quotes are joined with " | ", and their pages and sections likewise, position for position,
    so a reader can pair quote 2 with page 2. Numbers stay numbers when there is a single page.
    """
    titles = {r.id: pick(r.title, lang) for r in report.rules}
    out: list[dict[str, Any]] = []
    for doc in report.documents:
        for res in doc.results:
            evs = res.evidence
            pages = [str(e.page_label or e.page) if e.page else "" for e in evs]
            sections = [e.section or "" for e in evs]
            page: int | str = (evs[0].page_label or evs[0].page or "") if len(evs) == 1 else _joined(pages)
            out.append({
                "path": doc.path, "title": doc.title or "", "doc_type": doc.doc_type or "", "lang": doc.lang or "",
                "status": doc.status, "rule": res.rule, "rule_title": titles.get(res.rule, res.rule),
                "outcome": res.outcome, "outcome_label": label(res.outcome, lang),
                "waived": ("ja" if lang == "sv" else "yes") if res.waived is not None else "",  # empty = not waived
                "waiver": waiver_text(res.waived, lang) if res.waived is not None else "",
                "evidence": JOIN.join(e.text for e in evs),
                "page": page,
                "section": _joined(sections),
                "message": res.message,
                "review": ("ja" if lang == "sv" else "yes") if res.review else "",  # empty = no review needed
                "review_reasons": JOIN.join(res.review_reasons),
                "tool_outcome": res.tool_outcome or "" if res.judged_by is not None else "",
                "judged_by": judged_text(res, lang) if res.judged_by is not None else "",
            })
    return out


def _joined(values: list[str]) -> str:
    """Values joined position for position, or "" when none is known (no row of bare separators)."""
    return JOIN.join(values) if any(values) else ""


# --- reading a saved JSON report back ----------------------------------------------------------------


def report_from_json(data: dict) -> ScanReport:
    """A ScanReport from the JSON report (`--format json`), so any format can be rendered from it later.

    The JSON does not carry the dominant language; it is recomputed the way the scan computes it.
    """
    def evidence(items: list[dict]) -> list[Evidence]:
        return [Evidence(text=e["text"], page=e.get("page"), section=e.get("section"), page_label=e.get("page_label"),
                         kind=e.get("kind"), ocr=bool(e.get("ocr", False)), ocr_confidence=e.get("ocr_confidence"))
                for e in items]

    docs = []
    for d in data.get("documents", []):
        results = [
            RuleResult(rule=r["rule"], outcome=r["outcome"], message=r.get("message", ""), waived=r.get("waived"),
                       evidence=evidence(r.get("evidence", [])),
                       facets=[Facet(id=f["id"], found=bool(f["found"]), evidence=evidence(f.get("evidence", [])))
                               for f in r.get("facets", [])],
                       review=bool(r.get("review", False)), review_reasons=list(r.get("review_reasons", [])),
                       tool_outcome=r.get("tool_outcome"), judged_by=r.get("judged_by"))
            for r in d.get("results", [])
        ]
        docs.append(DocumentResult(
            path=d["path"], status=d["status"], reason=d.get("reason"), format=d.get("format"), lang=d.get("lang"),
            doc_type=d.get("doc_type"), title=d.get("title"), results=results, pages=d.get("pages"),
            engine=d.get("engine"), ocr=bool(d.get("ocr", False)),
        ))
    rules = [RuleInfo(id=r["id"], pack=r.get("pack", ""), title=r.get("title", {}),
                      description=r.get("description", {}), recommendation=r.get("recommendation", {}),
                      source=r.get("source", ""), applies_to=r.get("applies_to"), kind=r.get("kind", "graded"),
                      facets=r.get("facets", {}))
             for r in data.get("rules", [])]
    langs = [d.lang for d in docs if d.lang]
    return ScanReport(tool=data.get("tool", {}), as_of=data.get("as_of", ""), rulesets=data.get("rulesets", []),
                      rules=rules, documents=docs, roots=data.get("roots", []),
                      lang=max(sorted(set(langs)), key=langs.count) if langs else None)
