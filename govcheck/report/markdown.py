"""The Markdown gap report: an audit annex an official can paste into a board paper.

Order follows how auditors write it up: scope, the matrix, the set-level judgement per criterion,
whether key routines exist anywhere in the set, then each document with its gaps, the rule's
recommendation and the quoted evidence. Unreadable documents are listed with their reason, never as
gaps. Plain CommonMark plus GitHub tables, so it renders on GitHub and in any Markdown viewer.

Document text is hostile input: every quote is escaped so a stray `|`, `*` or `<script>` in a PDF
cannot break a table, start emphasis or inject HTML into the rendered page.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from govcheck.model import DocumentResult, RuleInfo, RuleResult, ScanReport
from govcheck.report import ReportOptions
from govcheck.report import common as c

if TYPE_CHECKING:
    from govcheck.judgements import JudgementRun

# ASCII punctuation CommonMark/GFM give meaning to inline; all of it may be backslash-escaped.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
# "&amp;" or "&#60;" would be decoded as an entity; escaping the ampersand keeps it literal.
_ENTITY = re.compile(r"&(?=#?\w+;)")


def esc(text: object) -> str:
    """Text as literal Markdown: markup characters escaped, on one line (safe in table cells)."""
    flat = " ".join(str(text).split())
    return _ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", flat))


def code(text: object, in_table: bool = False) -> str:
    """A code span. In a GFM table a pipe ends the cell even inside a code span unless escaped, while
    outside a table the backslash would show, hence the flag."""
    flat = " ".join(str(text).split()).replace("`", "'")
    if in_table:
        flat = flat.replace("|", "\\|")
    return f"`{flat}`" if flat else "–"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def symbol(res: RuleResult | None) -> str:
    """The matrix symbol of a cell, with the waiver mark when a waiver covers it."""
    if res is None:
        return c.SYMBOLS["cannot_assess"]
    mark = c.SYMBOLS.get(res.outcome, "·")
    if res.judged_by is not None:
        mark += c.JUDGED_MARK
    elif res.review:
        mark += c.REVIEW_MARK
    return mark + (c.WAIVED_MARK if res.waived is not None else "")


def write(report: ScanReport, options: ReportOptions | None = None) -> str:
    options = options or ReportOptions()
    lang = c.report_lang(report, options)
    out: list[str] = [f"# {c.WORDS[lang]['title']}", ""]
    out += _scope(report, options, lang)
    out += _matrix(report, lang)
    out += _set_level(report, lang)
    out += _set_checks(report, lang)
    out += _documents(report, lang)
    out += _unreadable(report, lang)
    out += _expired(options.expired_waivers, lang)
    out += _unapplied(options.judgements, lang)
    return "\n".join(out).rstrip() + "\n"


def _scope(report: ScanReport, options: ReportOptions, lang: str) -> list[str]:
    out = [f"## {c.WORDS[lang]['scope']}", ""]
    for key, name, value in c.scope(report, options, lang):
        if key == "folders" and report.roots:
            shown = ", ".join(code(r) for r in report.roots)
        elif key == "config":
            shown = code(value)
        else:
            shown = esc(value)
        out.append(f"- **{name}:** {shown}")
    return [*out, ""]


def _matrix(report: ScanReport, lang: str) -> list[str]:
    w = c.WORDS[lang]
    legend = " · ".join(f"{c.SYMBOLS[o]} {c.label(o, lang)}" for o in c.SYMBOLS)
    legend += f" · {c.WAIVED_MARK} {c.TEXT[lang]['waived']}"
    legend += f" · {c.REVIEW_MARK} {c.TEXT[lang]['needs_review']} · {c.JUDGED_MARK} {c.TEXT[lang]['judged']}"
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
    w = c.WORDS[lang]
    out = [f"## {w['set']}", ""]
    for rule in report.rules:
        line = f"- {esc(c.set_judgement(rule, c.counts(report, rule.id), lang))}"
        waived = c.waived_count(report, rule.id)
        if waived:
            line += f" {c.WAIVED_MARK} {waived} {c.TEXT[lang]['waived']}."
        judged = c.judged_count(report, rule.id)
        if judged:
            line += f" {c.JUDGED_MARK} {judged} {c.TEXT[lang]['judged']}."
        out.append(line)
    unreadable = sum(1 for d in report.documents if d.status != "ok")
    if unreadable:
        out += ["", w["unreadable_note"].format(n=unreadable)]
    return [*out, ""]


def _set_checks(report: ScanReport, lang: str) -> list[str]:
    checks = c.set_checks(report, lang)
    if not checks:
        return []
    w = c.WORDS[lang]
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
    readable = [d for d in report.documents if d.status == "ok"]
    if not readable:
        return []
    rules = c.rule_map(report)
    out = [f"## {c.WORDS[lang]['per_doc']}", ""]
    for n, doc in enumerate(readable, 1):
        out += _document(n, doc, rules, lang)
    return out


def _document(n: int, doc: DocumentResult, rules: dict[str, RuleInfo], lang: str) -> list[str]:
    w = c.WORDS[lang]
    out = [f"### {n}. {esc(doc.path)}", ""]
    if doc.title:
        out += [f"*{esc(doc.title)}*", ""]
    for key, name, value in c.document_facts(doc, lang):
        out.append(f"- {name}: " + (f"**{esc(value)}**" if key == "verdict" else esc(value)))
    out += _review_lines(doc, rules, lang)
    out.append("")
    gaps = [r for r in doc.results if c.is_gap(r) and r.waived is None]
    waived = [r for r in doc.results if c.is_gap(r) and r.waived is not None]
    out += [f"#### {w['gaps']}", ""]
    if not gaps:
        out += [w["no_gaps"], ""]
    for res in gaps:
        out += _gap(res, rules.get(res.rule), doc, lang)
    if waived:
        out += [f"#### {w['waived_gaps']}", ""]
        for res in waived:
            out += _gap(res, rules.get(res.rule), doc, lang)
    return out


def _review_lines(doc: DocumentResult, rules: dict[str, RuleInfo], lang: str) -> list[str]:
    """Where a person should look in this document (cells the tool flags, with its reasons), and which
    cells an auditor has decided, with who, when, why and what the tool had said."""
    t = c.TEXT[lang]
    out = []
    flagged = [r for r in doc.results if r.review and r.judged_by is None]
    if flagged:
        items = "; ".join(f"{esc(_title(r, rules, lang))}" + (f" ({esc(', '.join(r.review_reasons))})"
                                                              if r.review_reasons else "") for r in flagged)
        out.append(f"- {c.REVIEW_MARK} {t['needs_review'].capitalize()}: {items}")
    for r in doc.results:
        if r.judged_by is not None:
            out.append(f"- {c.JUDGED_MARK} {esc(_title(r, rules, lang))} — **{c.label(r.outcome, lang)}**, "
                       f"{esc(c.judged_text(r, lang))}")
    return out


def _title(res: RuleResult, rules: dict[str, RuleInfo], lang: str) -> str:
    rule = rules.get(res.rule)
    return c.pick(rule.title, lang) if rule else res.rule


def _gap(res: RuleResult, rule: RuleInfo | None, doc: DocumentResult, lang: str) -> list[str]:
    """One gap: criterion and outcome, the quotes with where they stand, which parts of the criterion
    the document supplies, then what to do about it."""
    t = c.TEXT[lang]
    title = c.pick(rule.title, lang) if rule else res.rule
    head = f"**{esc(title)}** — {c.label(res.outcome, lang)}"
    if res.judged_by is not None:
        head += f" {c.JUDGED_MARK} {esc(c.judged_text(res, lang))}"
    elif res.review:
        head += f" {c.REVIEW_MARK} {t['needs_review']}" + (f": {esc('; '.join(res.review_reasons))}"
                                                            if res.review_reasons else "")
    if res.waived is not None:
        head += f" {c.WAIVED_MARK} {esc(c.waiver_text(res.waived, lang))}"
    out = [head, ""]
    if res.evidence:
        if rule is not None and rule.kind == "forbidden" and res.outcome == "not_met":
            out += [f"{t['found_instead']}:", ""]
        quotes = []
        for ev in res.evidence:
            place = c.where(ev, lang)
            quotes.append(f"> “{esc(ev.text)}”" + (f" — {esc(place)}" if place else ""))
        out += [*"\n>\n".join(quotes).split("\n"), ""]
    if res.facets:
        out += [f"{t['facets']}:", ""]
        for f in res.facets:
            line = f"- [{'x' if f.found else ' '}] {'✓' if f.found else '✗'} {esc(c.facet_label(rule, f.id, lang))}"
            if f.evidence:
                place = c.where(f.evidence[0], lang)
                line += f": “{esc(f.evidence[0].text)}”" + (f" — {esc(place)}" if place else "")
            out.append(line)
        out.append("")
    note = c.cell_note(res, rule, doc, lang)
    if note:
        out += [esc(note), ""]
    recommendation = c.pick(rule.recommendation, lang) if rule else ""
    if recommendation:
        out += [f"*{t['recommendation']}:* {esc(recommendation)}", ""]
    return out


def _unreadable(report: ScanReport, lang: str) -> list[str]:
    w = c.WORDS[lang]
    bad = [d for d in report.documents if d.status != "ok"]
    if not bad:
        return []
    out = [f"## {w['unreadable']}", "", _row([w["doc"], w["reason"]]), _row(["---", "---"])]
    out += [_row([esc(d.path), esc(d.reason or w["unknown"])]) for d in bad]
    return [*out, ""]


def _unapplied(run: JudgementRun | None, lang: str) -> list[str]:
    """Recorded verdicts that did not apply in this scan - never dropped silently - and those that
    followed their document to a new path."""
    if run is None or not getattr(run, "entries", None):
        return []
    words = c.VERDICT_FATE[lang]
    w = c.WORDS[lang]
    out: list[str] = []
    entries = run.unapplied()
    if entries:
        out += [f"## {words['unapplied']}", "", words["unapplied_note"], "",
                _row([w["doc"], w["rule"], w["outcome"], w["decided_by"], w["reason"], w["defined_in"]]),
                _row(["---"] * 6)]
        for e in entries:
            v = e.verdict
            out.append(_row([esc(v.path), code(v.rule, True), c.label(v.outcome, lang), esc(f"{v.by}, {v.date}"),
                             esc(c.verdict_fate(e, lang)), code(e.where, True)]))
        out.append("")
    followed = run.followed()
    if followed:
        out += [f"## {words['followed']}", "", words["followed_note"], "",
                _row([words["now"], words["judged_as"], w["rule"], w["outcome"], w["decided_by"], w["defined_in"]]),
                _row(["---"] * 6)]
        for e in followed:
            v = e.verdict
            out.append(_row([esc(e.moved_to), esc(v.path), code(v.rule, True), c.label(v.outcome, lang),
                             esc(f"{v.by}, {v.date}"), code(e.where, True)]))
        out.append("")
    return out


def _expired(expired: tuple[dict, ...], lang: str) -> list[str]:
    if not expired:
        return []
    w = c.WORDS[lang]
    out = [f"## {w['expired']}", "", w["expired_note"], "",
           _row([w["rule"], w["path"], w["decided_by"], w["expires"], w["justification"], w["defined_in"]]),
           _row(["---"] * 6)]
    for x in expired:
        out.append(_row([code(x.get("rule", ""), True), code(x.get("path", ""), True), esc(x.get("decided_by", "")),
                         esc(x.get("expires", "")), esc(x.get("justification", "")), code(x.get("where", ""), True)]))
    return [*out, ""]
