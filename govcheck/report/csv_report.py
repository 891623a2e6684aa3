"""CSV: one row per document x rule, for auditors' spreadsheets and for scripts.

The header uses stable column keys (common.COLUMNS) rather than translated headings, so a script
reading `outcome` works whatever --lang was; the `outcome_label` and `rule_title` columns carry the
words in the report's language.

Excel opens a CSV in the locale's legacy code page unless the file starts with a UTF-8 byte order mark:
without it "Överenskommelse" turns into "Ã–verenskommelse" on a Swedish Windows. So the output starts
with a BOM; Python's csv module, LibreOffice and pandas (encoding="utf-8-sig") all read it fine.

Document text is hostile input: a quote starting with = + - @ (or a tab/carriage return) would run as a
formula when the CSV is opened in Excel or LibreOffice ("CSV injection"). Such cells get a leading
apostrophe, the usual neutraliser, which spreadsheets display as text.
"""

from __future__ import annotations

import csv
import io

from govcheck.model import ScanReport
from govcheck.report import ReportOptions
from govcheck.report import common as c

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell value that a spreadsheet cannot mistake for a formula; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write(report: ScanReport, options: ReportOptions | None = None) -> str:
    lang = c.report_lang(report, options)
    buf = io.StringIO()
    out = csv.DictWriter(buf, fieldnames=list(c.COLUMNS), lineterminator="\r\n")
    out.writeheader()
    for row in c.rows(report, lang):
        out.writerow({k: neutralise(v) for k, v in row.items()})
    return BOM + buf.getvalue()
