"""The terminal matrix: a row per document, a column per rule, a symbol and colour per outcome."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from govcheck.model import OUTCOMES, ScanReport
from govcheck.report.common import LABELS, SYMBOLS
from govcheck.report.common import counts as rule_counts

# Symbols and labels are the other reports' (report/common.py); colour is the terminal's own.
STYLES = {"met": "green", "partial": "yellow", "not_met": "red", "cannot_assess": "magenta", "not_applicable": "dim"}


def cell(outcome: str) -> Text:
    return Text(SYMBOLS.get(outcome, "·"), style=STYLES.get(outcome, ""))


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
        by_rule = {r.rule: r.outcome for r in doc.results}
        name = Text(doc.path)
        if doc.status != "ok":
            name.append(f"\n  {doc.reason}", style="magenta")
        table.add_row(name, doc.doc_type or "?", doc.lang or "-",
                      *[cell(by_rule.get(r.id, "cannot_assess")) for r in report.rules])
    out.print(table)

    legend = Text("legend: ")
    for outcome in OUTCOMES:
        legend.append_text(cell(outcome))
        legend.append(f" {LABELS[lang][outcome]}  ")
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
        for doc in report.documents:
            out.print()
            out.print(Text(f"{doc.path}  ({doc.doc_type or '?'}, {doc.lang or '-'})", style="bold"))
            for res in doc.results:
                line = Text("  ")
                line.append_text(cell(res.outcome))
                line.append(f" {res.rule}: {LABELS[lang][res.outcome]}")
                out.print(line)
                for ev in res.evidence:
                    where = ", ".join(x for x in (f"p. {ev.page}" if ev.page else "", ev.section or "") if x)
                    out.print(Text(f"      “{ev.text}”" + (f"  [{where}]" if where else ""), style="dim"))
                if not res.evidence and res.message and res.outcome == "not_met":
                    out.print(Text(f"      looked for: {res.message}", style="dim"))
    unreadable = sum(1 for d in report.documents if d.status != "ok")
    out.print()
    out.print(f"{len(report.documents)} documents, {unreadable} unreadable")
    return buf.getvalue() if console is None else ""
