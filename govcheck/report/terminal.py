"""The terminal matrix: a row per document, a column per rule, a symbol and colour per outcome."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from govcheck.model import OUTCOMES, RuleResult, ScanReport
from govcheck.report.common import (
    JUDGED_MARK,
    LABELS,
    REVIEW_MARK,
    SYMBOLS,
    TEXT,
    VERDICT_FATE,
    facet_label,
    judged_text,
    verdict_fate,
)
from govcheck.report.common import counts as rule_counts

if TYPE_CHECKING:
    from govcheck.judgements import JudgementRun

# Symbols and labels are the other reports' (report/common.py); colour is the terminal's own.
STYLES = {"met": "green", "partial": "yellow", "not_met": "red", "cannot_assess": "magenta", "not_applicable": "dim"}


def cell(outcome: str) -> Text:
    return Text(SYMBOLS.get(outcome, "·"), style=STYLES.get(outcome, ""))


def marked(res: RuleResult | None) -> Text:
    """A matrix cell: the outcome's symbol, then ✎ when an auditor decided it, else ⚑ when the tool asks
    for a person to check it (a judged cell has been checked)."""
    if res is None:
        return cell("cannot_assess")
    out = cell(res.outcome)
    if res.judged_by is not None:
        out.append(JUDGED_MARK, style="cyan")
    elif res.review:
        out.append(REVIEW_MARK, style="bold yellow")
    return out


def write(report: ScanReport, options: object = None, console: Console | None = None) -> str:
    lang = getattr(options, "lang", None) or report.lang or "en"
    lang = lang if lang in LABELS else "en"
    details = bool(getattr(options, "details", False))
    buf = io.StringIO()
    out = console or Console(file=buf, width=max(120, 24 + 4 * len(report.rules)), highlight=False)

    table = Table(title=f"govcheck · as of {report.as_of} · {', '.join(r['id'] for r in report.rulesets)}",
                  show_lines=False, header_style="bold")
    table.add_column("document", overflow="fold", max_width=44)
    table.add_column("type")
    table.add_column("lang")
    for i, _ in enumerate(report.rules, 1):
        table.add_column(str(i), justify="center", width=2)
    for doc in report.documents:
        by_rule = {r.rule: r for r in doc.results}
        name = Text(doc.path)
        if doc.status != "ok":
            name.append(f"\n  {doc.reason}", style="magenta")
        table.add_row(name, doc.doc_type or "?", doc.lang or "-",
                      *[marked(by_rule.get(r.id)) for r in report.rules])
    out.print(table)

    legend = Text("legend: ")
    for outcome in OUTCOMES:
        legend.append_text(cell(outcome))
        legend.append(f" {LABELS[lang][outcome]}  ")
    legend.append(REVIEW_MARK, style="bold yellow")
    legend.append(f" {TEXT[lang]['needs_review']}  ")
    legend.append(JUDGED_MARK, style="cyan")
    legend.append(f" {TEXT[lang]['judged']}")
    out.print(legend)

    out.print()
    readable = [d for d in report.documents if d.status == "ok"]
    for i, rule in enumerate(report.rules, 1):
        counts = rule_counts(report, rule.id)
        judged = len(readable) - counts["not_applicable"]
        line = Text(f"{i:>2} {rule.id:<28} ")
        line.append(f"{counts['met']}/{judged} {LABELS[lang]['met']}", style="green")
        for outcome in ("partial", "not_met", "not_applicable", "cannot_assess"):
            if counts[outcome]:
                style = STYLES[outcome]
                line.append(f", {counts[outcome]} {LABELS[lang][outcome]}", style=style)
        out.print(line)

    if details:
        rules = {r.id: r for r in report.rules}
        for doc in report.documents:
            out.print()
            out.print(Text(f"{doc.path}  ({doc.doc_type or '?'}, {doc.lang or '-'})", style="bold"))
            for res in doc.results:
                line = Text("  ")
                line.append_text(cell(res.outcome))
                line.append(f" {res.rule}: {LABELS[lang][res.outcome]}")
                out.print(line)
                if res.judged_by is not None:
                    out.print(Text(f"    {JUDGED_MARK} {judged_text(res, lang)}", style="cyan"))
                if res.review:
                    why = "; ".join(res.review_reasons) or TEXT[lang]["needs_review"]
                    out.print(Text(f"    {REVIEW_MARK} {why}", style="yellow"))
                for ev in res.evidence:
                    where = ", ".join(x for x in (f"p. {ev.page}" if ev.page else "", ev.section or "") if x)
                    out.print(Text(f"      “{ev.text}”" + (f"  [{where}]" if where else ""), style="dim"))
                for facet in res.facets:
                    name = facet_label(rules.get(res.rule), facet.id, lang)
                    quote = f": “{facet.evidence[0].text}”" if facet.evidence else ""
                    out.print(Text(f"      {'✓' if facet.found else '✗'} {name}{quote}", style="dim"))
                if not res.evidence and res.message and res.outcome == "not_met":
                    out.print(Text(f"      looked for: {res.message}", style="dim"))
    _unapplied(out, getattr(options, "judgements", None), lang)
    unreadable = sum(1 for d in report.documents if d.status != "ok")
    review = sum(1 for d in report.documents for r in d.results if r.review)
    judged = sum(1 for d in report.documents for r in d.results if r.judged_by is not None)
    out.print()
    out.print(f"{len(report.documents)} documents, {unreadable} unreadable"
              + (f", {review} {REVIEW_MARK} to review" if review else "")
              + (f", {judged} {JUDGED_MARK} judged by an auditor" if judged else ""))
    return buf.getvalue() if console is None else ""


def _unapplied(out: Console, run: JudgementRun | None, lang: str) -> None:
    """Recorded verdicts that did not apply (stale, for a document that is gone, or superseded after a
    move), then those that followed their document to a new path - both so the file can be put right."""
    if run is None or not getattr(run, "entries", None):
        return
    words = VERDICT_FATE[lang]
    entries = run.unapplied()
    if entries:
        out.print()
        out.print(Text(f"{words['unapplied']}:", style="bold"))
        for e in entries:
            v = e.verdict
            out.print(Text(f"  {e.status}: {v.path} · {v.rule} → {v.outcome} ({v.by}, {v.date}): "
                           f"{verdict_fate(e, lang)}  [{e.where}]", style="yellow"))
    followed = run.followed()
    if followed:
        out.print()
        out.print(Text(f"{words['followed']}:", style="bold"))
        for e in followed:
            v = e.verdict
            out.print(Text(f"  moved: {v.path} → {e.moved_to} · {v.rule} → {v.outcome} ({v.by}, {v.date})  "
                           f"[{e.where}]", style="cyan"))
