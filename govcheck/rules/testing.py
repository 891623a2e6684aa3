"""Rule tests as annotated examples (like Semgrep's): every rule carries short texts with the outcome
they must get and a passage the evidence must quote. `govcheck rules test` and pytest run them.

Example text is a tiny Markdown subset so examples can show structure: `# heading`, `- item`,
`| table | row |`, blank lines between paragraphs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from govcheck.model import Block, Document
from govcheck.normalize import normalise_blocks
from govcheck.rules.engine import build_index, context, judge
from govcheck.rules.loader import Pack
from govcheck.segment import segment

DEFAULT_AS_OF = dt.date(2026, 11, 22)


def example_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    table = -1
    row = 0
    in_table = False
    for para in re.split(r"\n\s*\n", text.strip()):
        for line in para.split("\n"):
            stripped = line.strip()
            if stripped.startswith("|"):
                if not in_table:
                    table, row, in_table = table + 1, 0, True
                cells = [c.strip() for c in stripped.strip("|").split("|")]
                if all(re.fullmatch(r":?-{3,}:?", c) for c in cells if c):
                    continue
                for col, c in enumerate(cells):
                    blocks.append(Block(text=c, kind="table-cell", table=(table, row, col)))
                row += 1
                continue
            in_table = False
            m = re.match(r"(#{1,6})\s+(.*)", stripped)
            if m:
                blocks.append(Block(text=m.group(2), kind="heading", level=len(m.group(1))))
            elif stripped.startswith("- "):
                blocks.append(Block(text=stripped[2:], kind="list-item"))
            elif (blocks and blocks[-1].kind == "paragraph" and stripped and not line.startswith(" ")) or stripped:
                blocks.append(Block(text=stripped))
    return normalise_blocks(blocks)


def example_document(text: str, lang: str, doc_type: str | None) -> Document:
    blocks = example_blocks(text)
    return Document(path="<example>", format="md", blocks=blocks, sentences=segment(blocks), lang=lang,
                    doc_type=doc_type)


@dataclass
class ExampleResult:
    rule: str
    name: str
    lang: str
    want: str
    got: str
    evidence_ok: bool
    detail: str

    @property
    def ok(self) -> bool:
        return self.want == self.got and self.evidence_ok


def run_examples(pack: Pack, only: str | None = None) -> list[ExampleResult]:
    out: list[ExampleResult] = []
    for rule in pack.rules:
        if only and rule.id != only:
            continue
        for i, ex in enumerate(rule.examples):
            doc = example_document(ex["text"], ex["lang"], ex.get("doc_type"))
            as_of = dt.date.fromisoformat(ex["as_of"]) if ex.get("as_of") else DEFAULT_AS_OF
            result = judge(rule, context(pack, doc, build_index(doc, [pack]), as_of), doc)
            quoted = [e.text for e in result.evidence]
            want_ev = ex.get("evidence")
            evidence_ok = True
            if want_ev and result.outcome == ex["outcome"]:
                evidence_ok = any(want_ev.casefold() in q.casefold() for q in quoted)
            detail = f"evidence {quoted!r}" if quoted else (result.message or "")
            if "review" in ex and result.review != ex["review"]:
                evidence_ok = False  # the example also fixes whether a person is asked to look
                detail = f"review {result.review} (want {ex['review']}): {result.review_reasons}; " + detail
            out.append(ExampleResult(rule.id, ex.get("name") or f"example {i + 1}", ex["lang"], ex["outcome"],
                                     result.outcome, evidence_ok, detail))
    return out
