"""`govcheck judgements import`: the auditor's columns of a govcheck XLSX report -> judgements file.

Auditors work in the spreadsheet: they read the evidence in a row, pick an outcome in the drop-down and
write why. Import reads every row whose auditor outcome is filled in and writes it as a verdict bound to
the document path, rule and the hidden sha256 column - the version of the document the workbook was
made from. Columns are found by their headings (Swedish or English), so re-ordering or hiding columns
in Excel does no harm. Every problem names sheet, row and column, all of them at once, so a long sheet
is fixed in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from govcheck.judgements import Verdict
from govcheck.model import OUTCOMES
from govcheck.report.common import HEADINGS, LABELS
from govcheck.report.xlsx import VERDICT_HEADINGS

_SHA = re.compile(r"^[0-9a-f]{64}$")
NEEDED = ("path", "rule", "outcome", "auditor_outcome", "auditor_reason", "auditor_by", "auditor_date", "sha256")


class WorkbookError(Exception):
    """Problems in a workbook; str() is one line per problem, each naming sheet, row and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _heading_keys() -> dict[str, str]:
    out: dict[str, str] = {}
    for table in (HEADINGS, VERDICT_HEADINGS):
        for words in table.values():
            for key, heading in words.items():
                out[heading.casefold()] = key
    return out


def _outcomes() -> dict[str, str]:
    """Outcome ids and labels in every language -> id, casefolded: 'delvis uppfyllt' and 'partial' alike."""
    out = {o: o for o in OUTCOMES}
    for words in LABELS.values():
        for o, text in words.items():
            out[text.casefold()] = o
    out.update({o.replace("_", " "): o for o in OUTCOMES})
    return out


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _sheet(wb, path: Path) -> tuple[Worksheet, dict[str, int]]:
    """The sheet whose header row has the auditor's columns, and each needed key's column (1-based)."""
    keys = _heading_keys()
    for ws in wb.worksheets:
        header = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
        cols = {keys[_text(v).casefold()]: i for i, v in enumerate(header, 1) if _text(v).casefold() in keys}
        if "auditor_outcome" in cols:
            missing = [k for k in NEEDED if k not in cols]
            if missing:
                names = ", ".join(repr(VERDICT_HEADINGS["en"].get(k) or HEADINGS["en"][k]) for k in missing)
                raise WorkbookError([f"{path}: sheet {ws.title!r}, row 1: no column {names} (write the workbook "
                                    "with `govcheck scan --format xlsx` and keep its columns)"])
            return ws, cols
    raise WorkbookError([f"{path}: no sheet has an 'Auditor outcome' column (write the workbook with "
                        "`govcheck scan --format xlsx`)"])


def import_xlsx(path: Path, today: dt.date | None = None) -> list[Verdict]:
    """The verdicts filled in on a govcheck XLSX report; WorkbookError lists every problem found."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise WorkbookError([f"{path}: not an XLSX workbook ({type(exc).__name__}: {exc})"]) from None
    try:
        ws, cols = _sheet(wb, path)
        outcomes = _outcomes()
        today_s = (today or dt.date.today()).isoformat()
        verdicts: list[Verdict] = []
        problems: list[str] = []
        seen: dict[tuple[str, str], int] = {}
        for r, row in enumerate(ws.iter_rows(min_row=2, values_only=True), 2):
            def get(key: str, row: tuple = row) -> object:
                i = cols[key] - 1
                return row[i] if i < len(row) else None

            def where(key: str, r: int = r) -> str:
                heading = VERDICT_HEADINGS["en"].get(key) or HEADINGS["en"].get(key, key)
                return f"{path}: sheet {ws.title!r}, row {r}, column {get_column_letter(cols[key])} ({heading})"

            given = {k: _text(get(k)) for k in ("auditor_outcome", "auditor_reason", "auditor_by")}
            raw_date = get("auditor_date")
            if not given["auditor_outcome"]:
                if given["auditor_reason"] or given["auditor_by"]:
                    problems.append(f"{where('auditor_outcome')}: empty, but a reason or name is filled in; "
                                    "choose an outcome or clear the row")
                continue
            before = len(problems)
            outcome = outcomes.get(given["auditor_outcome"].casefold())
            if outcome is None:
                problems.append(f"{where('auditor_outcome')}: {given['auditor_outcome']!r} is not an outcome "
                                f"(choose from the list: {', '.join(LABELS['en'].values())})")
            for key, what in (("auditor_reason", "why you decided so"), ("auditor_by", "your name")):
                if not given[key]:
                    problems.append(f"{where(key)}: empty; write {what}")
            if isinstance(raw_date, dt.datetime):
                date = raw_date.date().isoformat()
            elif isinstance(raw_date, dt.date):
                date = raw_date.isoformat()
            elif not _text(raw_date):
                date = today_s
            else:
                date = _text(raw_date)
                try:
                    date = dt.date.fromisoformat(date).isoformat()
                except ValueError:
                    problems.append(f"{where('auditor_date')}: {date!r} is not a date (YYYY-MM-DD)")
            doc, rule, digest = _text(get("path")), _text(get("rule")), _text(get("sha256")).lower()
            if not doc or not rule:
                problems.append(f"{where('path' if not doc else 'rule')}: empty; the row must name its document "
                                "and rule")
            if not _SHA.match(digest):
                problems.append(f"{where('sha256')}: no document sha256 in this row (the hidden column); the "
                                "document could not be read when the workbook was written, or the cell was edited")
            if (doc, rule) in seen:
                problems.append(f"{where('auditor_outcome')}: a second verdict for {rule!r} on {doc!r} "
                                f"(the first is in row {seen[doc, rule]})")
            seen.setdefault((doc, rule), r)
            if len(problems) > before:
                continue
            tool = _text(get("tool_outcome")) if "tool_outcome" in cols and _text(get("tool_outcome")) else \
                _text(get("outcome"))
            verdicts.append(Verdict(path=doc, sha256=digest, rule=rule, outcome=outcome or "", reason=given[
                "auditor_reason"], by=given["auditor_by"], date=date, tool_outcome=tool if tool in OUTCOMES else None))
    finally:
        wb.close()
    if problems:
        raise WorkbookError(problems)
    return verdicts
