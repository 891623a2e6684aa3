"""The Markdown gap report: an audit annex an official can paste into a board paper.

Order follows how auditors write it up: scope, the matrix, the set-level judgement per criterion,
whether key routines exist anywhere in the set, then each document with its gaps, the rule's
recommendation and the quoted evidence. Unreadable documents are listed with their reason, never as
gaps. Plain CommonMark plus GitHub tables, so it renders on GitHub and in any Markdown viewer.
"""

from __future__ import annotations

import datetime as dt
import re

from govcheck.model import DocumentResult, RuleInfo, RuleResult, ScanReport
from govcheck.report import common as c

WORDS = {
    "sv": {
        "title": "Granskning av styrande dokument – bristrapport",
        "scope": "Omfattning", "folders": "Granskade mappar", "date": "Rapportdatum",
        "as_of": "Bedömningsdag", "as_of_note": "giltighet och upphävd lagstiftning bedöms per denna dag",
        "packs": "Regelpaket", "documents": "Dokument", "of_which": "varav {n} kunde inte läsas",
        "config": "Konfiguration", "tool": "Verktyg", "matrix": "Matris", "legend": "Teckenförklaring",
        "criteria": "Kriterier", "doc": "Dokument", "type": "Typ",
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
        "justification": "Motivering", "waived_gaps": "Brister med beslutat undantag",
        "unknown": "okänt", "langs": {"sv": "svenska", "en": "engelska"},
    },
    "en": {
        "title": "Governance document review – gap report",
        "scope": "Scope", "folders": "Folders reviewed", "date": "Report date",
        "as_of": "As-of date", "as_of_note": "validity and repealed legislation are judged at this date",
        "packs": "Rule packs", "documents": "Documents", "of_which": "{n} of them unreadable",
        "config": "Configuration", "tool": "Tool", "matrix": "Matrix", "legend": "Legend",
        "criteria": "Criteria", "doc": "Document", "type": "Type",
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
        "justification": "Justification", "waived_gaps": "Gaps with an agreed waiver",
        "unknown": "unknown", "langs": {"sv": "Swedish", "en": "English"},
    },
}

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def esc(text: str) -> str:
    """Text as literal Markdown: markup characters escaped, on one line (safe in table cells)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def code(text: str) -> str:
    text = " ".join(str(text).split()).replace("`", "'")
    return f"`{text}`"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def symbol(res: RuleResult | None) -> str:
    if res is None:
        return c.SYMBOLS["cannot_assess"]
    mark = c.SYMBOLS.get(res.outcome, "·")
    return mark + (c.WAIVED_MARK if res.waived is not None else "")


def write(report: ScanReport, options: object = None) -> str:
    lang = c.report_lang(report, options)
    w = WORDS[lang]
    out: list[str] = [f"# {w['title']}", ""]
    out += _scope(report, options, lang)
    out += _matrix(report, lang)
    out += _set_level(report, lang)
    out += _set_checks(report, lang)
    out += _documents(report, lang)
    out += _unreadable(report, lang)
    out += _expired(getattr(options, "expired_waivers", ()) or (), lang)
    return "\n".join(out).rstrip() + "\n"


def _scope(report: ScanReport, options: object, lang: str) -> list[str]:
    w = WORDS[lang]
    unreadable = sum(1 for d in report.documents if d.status != "ok")
    docs = str(len(report.documents)) + (f" ({w['of_which'].format(n=unreadable)})" if unreadable else "")
    packs = []
    for rs in report.rulesets:
        title = c.pick(rs.get("title"), lang)
        packs.append((esc(title) + " " if title else "") + f"{code(rs['id'])}, version {esc(rs.get('version', ''))}")
    date = getattr(options, "date", None) or dt.date.today().isoformat()
    rows = [
        (w["folders"], ", ".join(code(r) for r in report.roots) or "–"),
        (w["date"], esc(date)),
        (w["as_of"], f"{esc(report.as_of)} ({w['as_of_note']})"),
        (w["packs"], "; ".join(packs) or "–"),
        (w["documents"], docs),
    ]
    config = getattr(options, "config", None)
    if config:
        rows.append((w["config"], code(config)))
    rows.append((w["tool"], esc(f"{report.tool.get('name', 'govcheck')} {report.tool.get('version', '')}")))
    out = [f"## {w['scope']}", "", _row(["", ""]), _row(["---", "---"])]
    out += [_row([f"**{k}**", v]) for k, v in rows]
    return [*out, ""]


def _matrix(report: ScanReport, lang: str) -> list[str]:
    w = WORDS[lang]
    legend = " · ".join(f"{c.SYMBOLS[o]} {c.label(o, lang)}" for o in c.SYMBOLS)
    legend += f" · {c.WAIVED_MARK} {c.TEXT[lang]['waived']}"
    head = [w["doc"], w["type"], *[str(i) for i in range(1, len(report.rules) + 1)]]
    out = [f"## {w['matrix']}", "", f"{w['legend']}: {legend}", "", _row(head),
           _row(["---", "---", *[":-:"] * len(report.rules)])]
    for doc in report.documents:
        by_rule = c.cells(doc)
        out.append(_row([esc(doc.path), esc(c.doc_type_label(doc.doc_type, lang)),
                         *[symbol(by_rule.get(r.id)) for r in report.rules]]))
    out += ["", f"{w['criteria']}:", ""]
    out += [f"{i}. {esc(c.pick(r.title, lang))} ({code(r.id)})" for i, r in enumerate(report.rules, 1)]
    return [*out, ""]


def _set_level(report: ScanReport, lang: str) -> list[str]:
    w = WORDS[lang]
    out = [f"## {w['set']}", ""]
    for rule in report.rules:
        counts = c.counts(report, rule.id)
        line = f"- {esc(c.set_judgement(rule, counts, lang))}"
        waived = c.waived_count(report, rule.id)
        if waived:
            line += f" {c.WAIVED_MARK} {waived} {c.TEXT[lang]['waived']}."
        out.append(line)
    unreadable = sum(1 for d in report.documents if d.status != "ok")
    if unreadable:
        out += ["", w["unreadable_note"].format(n=unreadable)]
    return [*out, ""]


def _set_checks(report: ScanReport, lang: str) -> list[str]:
    checks = c.set_checks(report, lang)
    if not checks:
        return []
    w = WORDS[lang]
    out = [f"## {w['checks']}", "", _row([w["check"], w["result"], w["where"]]), _row(["---", "---", "---"])]
    for chk in checks:
        if chk.found:
            result, where = f"**{w['found']}**", ", ".join(esc(p) for p in chk.met_in)
        else:
            result = f"**{w['missing']}**"
            if chk.partial_in:
                result += f" ({w['partly_in'].format(n=len(chk.partial_in))})"
            where = ", ".join(esc(p) for p in chk.partial_in) or "–"
        out.append(_row([esc(chk.title), result, where]))
    return [*out, ""]


def _documents(report: ScanReport, lang: str) -> list[str]:
    w = WORDS[lang]
    rules = c.rule_map(report)
    readable = [d for d in report.documents if d.status == "ok"]
    if not readable:
        return []
    out = [f"## {w['per_doc']}", ""]
    for n, doc in enumerate(readable, 1):
        out += _document(n, doc, rules, lang)
    return out


def _document(n: int, doc: DocumentResult, rules: dict[str, RuleInfo], lang: str) -> list[str]:
    w = WORDS[lang]
    out = [f"### {n}. {esc(doc.path)}", ""]
    if doc.title:
        out += [f"*{esc(doc.title)}*", ""]
    decision, _ = c.decision_of(doc)
    facts = [
        (w["type"], esc(c.doc_type_label(doc.doc_type, lang))),
        (w["lang"], w["langs"].get(doc.lang or "", doc.lang or w["unknown"])),
        (w["doc_date"], esc(c.date_of(doc) or w["unknown"])),
        (w["decision"], f"“{esc(decision)}”" if decision else w["no_decision"]),
        (w["verdict"], f"**{esc(c.verdict(doc, lang))}**"),
    ]
    out += [f"- {k}: {v}" for k, v in facts]
    out.append("")
    gaps = [r for r in doc.results if c.is_gap(r) and r.waived is None]
    waived = [r for r in doc.results if c.is_gap(r) and r.waived is not None]
    out += [f"#### {w['gaps']}", ""]
    if not gaps:
        out += [w["no_gaps"], ""]
    for res in gaps:
        out += _gap(res, rules.get(res.rule), lang)
    if waived:
        out += [f"#### {w['waived_gaps']}", ""]
        for res in waived:
            out += _gap(res, rules.get(res.rule), lang)
    return out


def _gap(res: RuleResult, rule: RuleInfo | None, lang: str) -> list[str]:
    t = c.TEXT[lang]
    title = c.pick(rule.title, lang) if rule else res.rule
    head = f"**{esc(title)}** — {c.label(res.outcome, lang)}"
    if res.waived is not None:
        head += f" {c.WAIVED_MARK} {esc(c.waiver_text(res.waived, lang))}"
    out = [head, ""]
    if res.evidence:
        for ev in res.evidence:
            where = c.where(ev, lang)
            out.append(f"> “{esc(ev.text)}”" + (f" — {esc(where)}" if where else ""))
            out.append(">")
        out.pop()
        out.append("")
    else:
        line = t["nothing_found"]
        if res.message:
            line += f" {t['looked_for']}: {esc(res.message)}"
        out += [line, ""]
    recommendation = c.pick(rule.recommendation, lang) if rule else ""
    if recommendation:
        out += [f"*{t['recommendation']}:* {esc(recommendation)}", ""]
    return out


def _unreadable(report: ScanReport, lang: str) -> list[str]:
    w = WORDS[lang]
    bad = [d for d in report.documents if d.status != "ok"]
    if not bad:
        return []
    out = [f"## {w['unreadable']}", "", _row([w["doc"], w["reason"]]), _row(["---", "---"])]
    out += [_row([esc(d.path), esc(d.reason or w["unknown"])]) for d in bad]
    return [*out, ""]


def _expired(expired: tuple[dict, ...] | list[dict], lang: str) -> list[str]:
    if not expired:
        return []
    w = WORDS[lang]
    out = [f"## {w['expired']}", "", w["expired_note"], "",
           _row([w["rule"], w["path"], w["decided_by"], w["expires"], w["justification"]]),
           _row(["---"] * 5)]
    for x in expired:
        out.append(_row([code(x.get("rule", "")), code(x.get("path", "")), esc(x.get("decided_by", "")),
                         esc(x.get("expires", "")), esc(x.get("justification", ""))]))
    return [*out, ""]
