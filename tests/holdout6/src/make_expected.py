"""Write ../expected.yaml from labels.py and verify every evidence quote against the visible text.

Run with /work/main/.venv/bin/python from anywhere. Exit code 1 on any problem.
"""
from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from labels import DOCS, RULES  # noqa: E402

import datetime
AS_OF = datetime.date(2026, 11, 23)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).strip()


class Visible(HTMLParser):
    SKIP = {"head", "script", "style", "template", "noscript"}
    BLOCK = {"p", "li", "td", "th", "h1", "h2", "h3", "h4", "div", "tr", "br", "header", "footer", "nav", "table", "ul", "ol"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1
        if tag in self.BLOCK:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.depth:
            self.out.append(data)


def html_text(path: Path) -> list[str]:
    parser = Visible()
    parser.feed(path.read_text(encoding="utf-8"))
    return [norm("".join(parser.out))]


def pdf_texts(path: Path) -> list[str]:
    texts = []
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    texts.append(norm(out))
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    pages = []
    for page in pdf:
        tp = page.get_textpage()
        pages.append(tp.get_text_range())
    texts.append(norm("\n".join(pages).replace("\r", "")))
    return texts


def docx_text(path: Path) -> list[str]:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return ["\n".join(norm(p) for p in parts)]


def odt_text(path: Path) -> list[str]:
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    doc = load(str(path))
    parts = [teletype.extractText(el) for el in doc.getElementsByType(H)]
    parts += [teletype.extractText(el) for el in doc.getElementsByType(P)]
    return ["\n".join(norm(p) for p in parts)]


def texts_for(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_texts(path)
    if suffix == ".docx":
        return docx_text(path)
    if suffix == ".odt":
        return odt_text(path)
    if suffix in {".html", ".htm"}:
        return html_text(path)
    return [norm(path.read_text(encoding="utf-8"))]


def main() -> int:
    problems = []
    out_docs = []
    totals: Counter = Counter()
    quotes = found = 0
    for doc in DOCS:
        path = ROOT / doc["file"]
        if not path.exists():
            problems.append(f"missing file {doc['file']}")
            continue
        if set(doc["expected"]) != set(RULES):
            problems.append(f"{doc['file']}: rule set mismatch {set(RULES) ^ set(doc['expected'])}")
        texts = texts_for(path)
        expected = {}
        for rule in RULES:
            outcome, evidence = doc["expected"][rule]
            totals[outcome] += 1
            cell = {"outcome": outcome}
            if outcome in {"met", "partial"} and rule != "repealed-law" and not evidence:
                problems.append(f"{doc['file']} {rule}: {outcome} without evidence")
            if outcome in {"not_applicable"} and evidence:
                problems.append(f"{doc['file']} {rule}: n/a with evidence")
            if rule == "cost-sharing" and doc["doc_type"] != "agreement" and outcome != "not_applicable":
                problems.append(f"{doc['file']}: cost-sharing must be n/a")
            if evidence:
                cell["evidence"] = list(evidence)
                for q in evidence:
                    quotes += 1
                    nq = norm(q)
                    missing = [i for i, t in enumerate(texts) if nq not in t]
                    if missing:
                        problems.append(f"{doc['file']} {rule}: quote not found in extractor(s) {missing}: {q!r}")
                    else:
                        found += 1
            expected[rule] = cell
        out_docs.append({
            "file": doc["file"],
            "source": doc["source"],
            "lang": doc["lang"],
            "doc_type": doc["doc_type"],
            "expected": expected,
        })
    data = {"as_of": AS_OF, "documents": out_docs}
    (ROOT / "expected.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    print("totals:", dict(totals), "cells:", sum(totals.values()))
    print(f"quotes found: {found}/{quotes}")
    for p in problems:
        print("PROBLEM:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
