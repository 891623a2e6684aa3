"""The JSON report: the contract in shared/spec/report-json.md, schema in schemas/report.schema.json.

Deterministic: keys sorted, no timestamps, documents in discovery order, so two scans of the same
files are byte-identical and `govcheck diff` compares like with like.
"""

from __future__ import annotations

import json

from govcheck.model import ScanReport


def write(report: ScanReport, options: object = None) -> str:
    return json.dumps(report.to_json(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
