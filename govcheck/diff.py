"""Compare two JSON reports of the same document set: what a follow-up audit asks first.

Per document and rule: improved or regressed along met > partial > not_met; any other change of
outcome (to or from cannot_assess / not_applicable, or a rule present in one report only) is
`changed`, because it says nothing about the document getting better or worse. Documents present
in one report only are new or removed. Auditors' verdicts (judged_by) are compared too: a verdict
recorded, withdrawn (or gone stale after an edit) or changed is listed beside the outcome changes, and
an outcome that is an auditor's carries the ✎ mark, so a reader can tell the tool's changes from a
person's. Works on the JSON files alone, so old reports from CI
artefacts can be compared without the documents.
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from govcheck.report.common import JUDGED_MARK, LABELS, SEVERITY

KINDS = ("regressed", "improved", "changed")
DIFF_FORMATS = ("terminal", "markdown", "json")

TEXT = {
    "sv": {
        "title": "Jämförelse av granskningar", "document": "Dokument", "rule": "Kriterium", "before": "Före",
        "after": "Efter", "change": "Förändring", "regressed": "försämrat", "improved": "förbättrat",
        "changed": "ändrat", "new_documents": "Nya dokument", "removed_documents": "Borttagna dokument",
        "missing": "saknas", "nothing": "Inga förändringar.", "as_of": "per",
        "summary": "{improved} förbättrade, {regressed} försämrade, {changed} ändrade, {new} nya och "
                   "{removed} borttagna dokument, {unchanged} oförändrade bedömningar.",
        "verdicts": "Revisorns bedömningar", "recorded": "bedömning gjord", "withdrawn": "bedömning borttagen",
        "verdict_changed": "bedömning ändrad", "tool": "verktyget",
        "verdict_summary": "{n} ändrade revisorsbedömningar.",
    },
    "en": {
        "title": "Comparison of scans", "document": "Document", "rule": "Rule", "before": "Before",
        "after": "After", "change": "Change", "regressed": "regressed", "improved": "improved",
        "changed": "changed", "new_documents": "New documents", "removed_documents": "Removed documents",
        "missing": "absent", "nothing": "No changes.", "as_of": "as of",
        "summary": "{improved} improved, {regressed} regressed, {changed} changed, {new} new and "
                   "{removed} removed documents, {unchanged} unchanged cells.",
        "verdicts": "Auditors' verdicts", "recorded": "verdict recorded", "withdrawn": "verdict withdrawn or stale",
        "verdict_changed": "verdict changed", "tool": "tool", "verdict_summary": "{n} changes of auditors' verdicts.",
    },
}


class DiffError(Exception):
    """A report that cannot be compared (unreadable, not a govcheck JSON report)."""


@dataclass
class Change:
    path: str
    rule: str
    old: str | None  # None: the rule was not in the old report
    new: str | None
    kind: str  # improved | regressed | changed
    old_judged: bool = False  # the outcome was an auditor's verdict
    new_judged: bool = False


@dataclass
class VerdictChange:
    """An auditor's verdict on a cell that appeared, went away (withdrawn, or stale after an edit) or changed."""

    path: str
    rule: str
    old: dict | None  # {outcome, tool_outcome, by, date, reason}; None: the tool's outcome stood
    new: dict | None
    kind: str  # recorded | withdrawn | verdict_changed


@dataclass
class Diff:
    old: dict  # {path, as_of}
    new: dict
    improved: list[Change] = field(default_factory=list)
    regressed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    new_documents: list[dict] = field(default_factory=list)  # {path, counts}
    removed_documents: list[dict] = field(default_factory=list)
    unchanged: int = 0
    titles: dict[str, dict[str, str]] = field(default_factory=dict)  # rule id -> {lang: title}
    verdicts: list[VerdictChange] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        return {"improved": len(self.improved), "regressed": len(self.regressed), "changed": len(self.changed),
                "new": len(self.new_documents), "removed": len(self.removed_documents),
                "unchanged": self.unchanged}

    def to_json(self) -> dict:
        out: dict = {"old": self.old, "new": self.new, "summary": self.summary()}
        for kind in KINDS:  # the judged flags only where true: reports without verdicts diff as before
            out[kind] = [{k: v for k, v in asdict(c).items() if v or k not in ("old_judged", "new_judged")}
                         for c in getattr(self, kind)]
        out["new_documents"] = self.new_documents
        out["removed_documents"] = self.removed_documents
        out["verdicts"] = [asdict(v) for v in self.verdicts]
        return out


def load_report(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DiffError(f"{path}: cannot read ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DiffError(f"{path}: not a JSON file ({exc})") from None
    ok = (isinstance(data, dict) and isinstance(data.get("documents"), list)
          and all(isinstance(d, dict) and "path" in d and isinstance(d.get("results"), list)
                  for d in data["documents"]))
    if not ok:
        raise DiffError(f"{path}: not a govcheck JSON report (write one with `govcheck scan --format json`)")
    return data


def _kind(old: str | None, new: str | None) -> str | None:
    if old == new:
        return None
    if old in SEVERITY and new in SEVERITY:
        return "improved" if SEVERITY[new] < SEVERITY[old] else "regressed"
    return "changed"


def _verdict(result: dict | None) -> dict | None:
    """The auditor's verdict on a cell, as compared between reports (None: the tool's outcome stood)."""
    if not result or not isinstance(result.get("judged_by"), dict):
        return None
    j = result["judged_by"]
    return {"outcome": result.get("outcome"), "tool_outcome": result.get("tool_outcome"), "by": j.get("by"),
            "date": j.get("date"), "reason": j.get("reason")}


def _counts(doc: dict) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in doc["results"]:
        out[r.get("outcome", "?")] = out.get(r.get("outcome", "?"), 0) + 1
    return out


def compare(old: dict, new: dict, old_name: str = "old", new_name: str = "new") -> Diff:
    diff = Diff(old={"path": old_name, "as_of": old.get("as_of")}, new={"path": new_name, "as_of": new.get("as_of")})
    for report in (old, new):
        for rule in report.get("rules", []):
            if isinstance(rule, dict) and "id" in rule:
                diff.titles[rule["id"]] = rule.get("title") or {}
    before = {d["path"]: d for d in old["documents"]}
    after = {d["path"]: d for d in new["documents"]}
    for path, doc in after.items():
        if path not in before:
            diff.new_documents.append({"path": path, "counts": _counts(doc)})
            continue
        old_results = {r["rule"]: r for r in before[path]["results"]}
        new_results = {r["rule"]: r for r in doc["results"]}
        old_cells = {k: r.get("outcome") for k, r in old_results.items()}
        new_cells = {k: r.get("outcome") for k, r in new_results.items()}
        for rule in [*new_cells, *(r for r in old_cells if r not in new_cells)]:
            o, n = old_cells.get(rule), new_cells.get(rule)
            ov, nv = _verdict(old_results.get(rule)), _verdict(new_results.get(rule))
            kind = _kind(o, n)
            if kind is None:
                diff.unchanged += 1
            else:
                getattr(diff, kind).append(Change(path, rule, o, n, kind, ov is not None, nv is not None))
            if ov != nv:
                vkind = "recorded" if ov is None else "withdrawn" if nv is None else "verdict_changed"
                diff.verdicts.append(VerdictChange(path, rule, ov, nv, vkind))
    diff.removed_documents = [{"path": p, "counts": _counts(d)} for p, d in before.items() if p not in after]
    return diff


# --- rendering ------------------------------------------------------------------------------------


def _label(outcome: str | None, lang: str, judged: bool = False) -> str:
    if outcome is None:
        return TEXT[lang]["missing"]
    return LABELS[lang].get(outcome, outcome) + (f" {JUDGED_MARK}" if judged else "")


def _verdict_label(v: dict | None, lang: str) -> str:
    """'met ✎ A. Revisor 2026-12-10 (tool: partial)', or '–' where the tool's outcome stood."""
    if v is None:
        return "–"
    tool = f" ({TEXT[lang]['tool']}: {_label(v.get('tool_outcome'), lang)})" if v.get("tool_outcome") else ""
    return f"{_label(v.get('outcome'), lang)} {JUDGED_MARK} {v.get('by') or '?'} {v.get('date') or ''}".rstrip() + tool


def _rule(diff: Diff, rule: str, lang: str) -> str:
    title = diff.titles.get(rule, {})
    name = title.get(lang) or title.get("en") or ""
    return f"{rule} ({name})" if name else rule


def _rows(diff: Diff) -> list[Change]:
    return [c for kind in KINDS for c in getattr(diff, kind)]


def render_markdown(diff: Diff, lang: str) -> str:
    t = TEXT[lang]

    def esc(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = [f"# {t['title']}", "",
           f"`{esc(diff.old['path'])}` ({t['as_of']} {diff.old['as_of']}) → "
           f"`{esc(diff.new['path'])}` ({t['as_of']} {diff.new['as_of']})", "",
           t["summary"].format(**diff.summary()), ""]
    rows = _rows(diff)
    if rows:
        out += [f"| {t['document']} | {t['rule']} | {t['before']} | {t['after']} | {t['change']} |",
                "|---|---|---|---|---|"]
        out += [f"| {esc(c.path)} | {esc(_rule(diff, c.rule, lang))} | {_label(c.old, lang, c.old_judged)} | "
                f"{_label(c.new, lang, c.new_judged)} | {t[c.kind]} |" for c in rows]
        out.append("")
    if diff.verdicts:
        out += [f"## {t['verdicts']}", "", t["verdict_summary"].format(n=len(diff.verdicts)), "",
                f"| {t['document']} | {t['rule']} | {t['before']} | {t['after']} | {t['change']} |",
                "|---|---|---|---|---|"]
        out += [f"| {esc(v.path)} | {esc(_rule(diff, v.rule, lang))} | {esc(_verdict_label(v.old, lang))} | "
                f"{esc(_verdict_label(v.new, lang))} | {t[v.kind]} |" for v in diff.verdicts]
        out.append("")
    for key in ("new_documents", "removed_documents"):
        if getattr(diff, key):
            out += [f"## {t[key]}", ""]
            out += [f"- {esc(d['path'])}" for d in getattr(diff, key)]
            out.append("")
    if not rows and not diff.new_documents and not diff.removed_documents and not diff.verdicts:
        out += [t["nothing"], ""]
    return "\n".join(out)


def render_terminal(diff: Diff, lang: str) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    t = TEXT[lang]
    style = {"improved": "green", "regressed": "red", "changed": "yellow"}
    buf = io.StringIO()
    console = Console(file=buf, width=120, highlight=False)
    console.print(f"{diff.old['path']} ({t['as_of']} {diff.old['as_of']}) → "
                  f"{diff.new['path']} ({t['as_of']} {diff.new['as_of']})", markup=False)
    rows = _rows(diff)
    if rows:
        table = Table(header_style="bold")
        for col in ("document", "rule", "before", "after", "change"):
            table.add_column(t[col], overflow="fold")
        for c in rows:
            table.add_row(c.path, _rule(diff, c.rule, lang), _label(c.old, lang, c.old_judged),
                          _label(c.new, lang, c.new_judged), Text(t[c.kind], style=style[c.kind]))
        console.print(table)
    if diff.verdicts:
        table = Table(title=t["verdicts"], header_style="bold")
        for col in ("document", "rule", "before", "after", "change"):
            table.add_column(t[col], overflow="fold")
        for v in diff.verdicts:
            table.add_row(v.path, _rule(diff, v.rule, lang), _verdict_label(v.old, lang), _verdict_label(v.new, lang),
                          Text(t[v.kind], style="cyan"))
        console.print(table)
    for key, sign in (("new_documents", "+"), ("removed_documents", "-")):
        for d in getattr(diff, key):
            console.print(f"{sign} {t[key]}: {d['path']}", markup=False)
    console.print(t["summary"].format(**diff.summary())
                  + (" " + t["verdict_summary"].format(n=len(diff.verdicts)) if diff.verdicts else ""), markup=False)
    return buf.getvalue()


def render(diff: Diff, fmt: str, lang: str) -> str:
    if fmt == "json":
        return json.dumps(diff.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return render_markdown(diff, lang)
    return render_terminal(diff, lang)
