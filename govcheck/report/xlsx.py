"""XLSX: the CSV rows as a real spreadsheet, plus a coloured matrix, for auditors who work in Excel.

Sheet 1 has one row per document x rule with translated headings, a frozen header row, an autofilter
and sensible column widths, so sorting and filtering work the moment the file opens. Sheet 2 ("matrix")
is the documents x rules overview with outcome labels and fills.

Sheet 1 ends with the auditor's columns - outcome (a drop-down list), reason, name, date - filled in
where a verdict already applies, and a hidden column with each document's sha256. An auditor fills in
rows and `govcheck judgements import` turns them into govcheck-judgements.yaml: the hidden digest binds
each verdict to the version of the document the auditor looked at.

Document text is hostile input: openpyxl stores any string starting with "=" as a formula, so every
text cell is forced to the string type after assignment (no apostrophe is added: the text stays as
quoted). Characters XML cannot hold are replaced, and over-long cells are cut at Excel's limit.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from govcheck.model import ScanReport
from govcheck.report import ReportOptions
from govcheck.report import common as c

EXCEL_CELL_MAX = 32_767
FILLS = {  # light fills with dark text: readable on screen and in black-and-white print
    "met": "C6EFCE", "partial": "FFEB9C", "not_met": "FFC7CE", "cannot_assess": "E4DFEC", "not_applicable": "EDEDED",
}
WIDTHS = {"path": 24, "title": 40, "doc_type": 16, "lang": 8, "status": 11, "rule": 26, "rule_title": 36,
          "outcome": 14, "outcome_label": 18, "waived": 10, "waiver": 30, "evidence": 80, "page": 8,
          "section": 30, "message": 50}
SHEET_NAMES = {"sv": ("bedömningar", "matrix"), "en": ("cells", "matrix")}


def put(ws: Worksheet, row: int, col: int, value: object) -> Cell:
    """Write a value; text is always text, never a formula, and always storable."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:EXCEL_CELL_MAX]
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def write(report: ScanReport, options: ReportOptions | None = None) -> bytes:
    lang = c.report_lang(report, options)
    wb = Workbook()
    cells_ws = wb.active
    cells_ws.title, matrix_title = SHEET_NAMES[lang]
    _cells_sheet(cells_ws, report, lang)
    _verdict_columns(cells_ws, report, lang, getattr(getattr(options, "judgements", None), "digests", None) or {})
    _matrix_sheet(wb.create_sheet(matrix_title), report, lang)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cells_sheet(ws: Worksheet, report: ScanReport, lang: str) -> None:
    bold = Font(bold=True)
    for col, key in enumerate(c.COLUMNS, 1):
        put(ws, 1, col, c.HEADINGS[lang][key]).font = bold
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(key, 14)
    outcome_col = c.COLUMNS.index("outcome_label") + 1
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(c.rows(report, lang), 2):
        for col, key in enumerate(c.COLUMNS, 1):
            cell = put(ws, r, col, row[key])
            if key in ("evidence", "message", "waiver", "title"):
                cell.alignment = wrap
        ws.cell(row=r, column=outcome_col).fill = _fill(row["outcome"])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


# The auditor's columns after c.COLUMNS: stable keys, headings per language (the import reads either).
VERDICT_COLUMNS: tuple[str, ...] = ("auditor_outcome", "auditor_reason", "auditor_by", "auditor_date", "sha256")
VERDICT_HEADINGS = {
    "sv": {"auditor_outcome": "Revisorns bedömning", "auditor_reason": "Revisorns motivering",
           "auditor_by": "Revisor", "auditor_date": "Bedömningsdatum", "sha256": "Dokumentets sha256"},
    "en": {"auditor_outcome": "Auditor outcome", "auditor_reason": "Auditor reason", "auditor_by": "Auditor",
           "auditor_date": "Date judged", "sha256": "Document sha256"},
}
EDITABLE_FILL = "FFF2CC"


def _verdict_columns(ws: Worksheet, report: ScanReport, lang: str, digests: dict[str, str]) -> None:
    """The columns an auditor fills in, a drop-down of outcomes, and the hidden digest column."""
    first = len(c.COLUMNS) + 1
    bold = Font(bold=True)
    fill = PatternFill(fill_type="solid", start_color=EDITABLE_FILL, end_color=EDITABLE_FILL)
    for i, key in enumerate(VERDICT_COLUMNS):
        cell = put(ws, 1, first + i, VERDICT_HEADINGS[lang][key])
        cell.font = bold
        cell.fill = fill
        ws.column_dimensions[get_column_letter(first + i)].width = {"auditor_reason": 40}.get(key, 18)
    ws.column_dimensions[get_column_letter(first + len(VERDICT_COLUMNS) - 1)].hidden = True
    r = 1
    for doc in report.documents:
        for res in doc.results:
            r += 1
            j = res.judged_by
            if j is not None:  # the verdict in force: a re-import keeps it
                for i, value in enumerate((c.label(res.outcome, lang), j.get("reason", ""), j.get("by", ""),
                                           j.get("date", ""))):
                    put(ws, r, first + i, value)
            put(ws, r, first + len(VERDICT_COLUMNS) - 1, digests.get(doc.path, ""))
    if r > 1:
        choices = ",".join(c.label(o, lang) for o in c.LABELS[lang])
        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
                            errorTitle=VERDICT_HEADINGS[lang]["auditor_outcome"],
                            error=("Välj en bedömning i listan." if lang == "sv"
                                   else "Choose an outcome from the list."))
        col = get_column_letter(first)
        dv.add(f"{col}2:{col}{r}")
        ws.add_data_validation(dv)
    ws.auto_filter.ref = ws.dimensions


def _matrix_sheet(ws: Worksheet, report: ScanReport, lang: str) -> None:
    w = c.WORDS[lang]
    bold = Font(bold=True)
    heads = [w["doc"], w["type"], *[f"{i}. {c.pick(r.title, lang)}" for i, r in enumerate(report.rules, 1)]]
    for col, text in enumerate(heads, 1):
        cell = put(ws, 1, col, text)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = 28 if col <= 2 else 16
    ws.row_dimensions[1].height = 60
    for r, doc in enumerate(report.documents, 2):
        put(ws, r, 1, doc.path)
        put(ws, r, 2, c.doc_type_label(doc.doc_type, lang))
        by_rule = c.cells(doc)
        for col, rule in enumerate(report.rules, 3):
            res = by_rule.get(rule.id)
            outcome = res.outcome if res else "cannot_assess"
            text = c.label(outcome, lang) + (f" {c.WAIVED_MARK}" if res is not None and res.waived is not None else "")
            put(ws, r, col, text).fill = _fill(outcome)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions


def _fill(outcome: str) -> PatternFill:
    color = FILLS.get(outcome, "FFFFFF")
    return PatternFill(fill_type="solid", start_color=color, end_color=color)
