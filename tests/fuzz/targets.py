"""Fuzz targets: hypothesis strategies plus the property each stage must keep on hostile input.

Not collected by pytest (no test_ prefix): `python tests/fuzz/run.py` runs each target for a budget in its
own process, so a native crash or a hang in one (pdfium, libxml2) is recorded instead of ending the run.

Properties:
- normalize: clean_text gives one line with no control characters; normalise_blocks never raises.
- segment: every sentence is non-empty, refers to a real block and is a substring of that block.
- pipeline: normalise -> segment -> language/type -> rules engine never raises on arbitrary text.
- loader: load_pack on mutated YAML returns a Pack or raises RuleError, nothing else.
- extract-*: extract() on mutated bytes of small real documents returns Extracted or raises Unreadable.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import os
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import yaml
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE.parent)]

from fuzz.builders import AGREEMENT, make_docx, make_odt, make_pdf  # noqa: E402

from govcheck.extract import ExtractOptions, extract  # noqa: E402
from govcheck.model import Block, Extracted, Unreadable  # noqa: E402

WORK = Path(os.environ.get("GOVCHECK_FUZZ_WORK", "/tmp/govcheck-fuzz"))
EXECUTIONS = 0  # examples run in this process (read by run.py)


def _count() -> None:
    global EXECUTIONS
    EXECUTIONS += 1


def _save(name: str, data: bytes | str) -> Path:
    """The current input on disk before it runs: if the process dies, run.py keeps it as the crash."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / name
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return path


# --- text ------------------------------------------------------------------------------------------------

# Characters the normaliser and segmenter treat specially, plus Swedish letters and general noise.
SPECIAL = list(
    "-\u2010\u00ad\n\r\t \u00a0\u202f\ufffe\ufeff\u200b\ufb01\ufb02.!?…\"'»”)]([«“•–·*§:;,0123456789"
    "abcdeåäöÅÄÖABCkapt.ex"
)
WORDS = [
    "t.ex.", "bl.a.", "2 kap.", "7 §", "Regionen", "ansvarar", "för", "hälso-\noch", "barn-\nochungdom",
    "BUP-\nmottagning", "ända-\nmålsenlig", "inte", "ska", "överenskommelse", "The", "council", "shall", "not",
    "A.", "3.", "Sida 1 av 3", "•", "-\n", "\ufffe", "e.g.", "fig.", "SFS 2001:453", "socialtjänstlagen",
    "(2001:453)", "2026-01-01", "gäller", "till", "och", "med", "samverkan", "elevhälsa", "upphör",
]  # fmt: skip
text_st = st.one_of(
    st.text(alphabet=st.sampled_from(SPECIAL), max_size=400),
    st.lists(st.sampled_from(WORDS), max_size=60).map(" ".join),
    st.lists(
        st.tuples(
            st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), st.sampled_from([" ", "", "\n", ". ", "-\n"])
        ),
        max_size=40,
    ).map(lambda parts: "".join(w + sep for w, sep in parts)),
    st.text(max_size=300),
)
KINDS = ["title", "heading", "paragraph", "list-item", "table-cell", "header", "footer", "footnote"]
block_st = st.builds(
    Block,
    text=text_st,
    kind=st.sampled_from(KINDS),
    page=st.one_of(st.none(), st.integers(1, 5)),
    level=st.one_of(st.none(), st.integers(-2, 9)),
)
blocks_st = st.lists(block_st, max_size=25)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check_normalize(text: str, blocks: list[Block]) -> None:
    from govcheck.normalize import clean_text, normalise_blocks

    _count()
    _save("current.txt", text)
    out = clean_text(text)
    assert isinstance(out, str)
    assert "\n" not in out and "\r" not in out and not _CONTROL.search(out), repr(out)
    assert out == out.strip() and "  " not in out, repr(out)
    result = normalise_blocks(blocks)
    assert all(b.text for b in result)
    assert [b.index for b in result] == list(range(len(result)))


def check_segment(blocks: list[Block]) -> None:
    from govcheck.normalize import normalise_blocks
    from govcheck.segment import segment

    _count()
    _save("current.txt", "\n\f\n".join(b.text for b in blocks))
    blocks = normalise_blocks(blocks)
    for s in segment(blocks):
        assert s.text and s.text == s.text.strip()
        assert 0 <= s.block < len(blocks)
        assert s.text in blocks[s.block].text, (s.text, blocks[s.block].text)


@functools.cache
def _packs():
    from govcheck.rules import load_packs

    return load_packs(None)


def check_pipeline(blocks: list[Block]) -> None:
    from govcheck.classify import classify_type, detect_language
    from govcheck.model import Document
    from govcheck.normalize import normalise_blocks
    from govcheck.rules import evaluate
    from govcheck.segment import segment

    _count()
    _save("current.txt", "\n\f\n".join(b.text for b in blocks))
    packs = _packs()
    blocks = normalise_blocks(blocks)
    sentences = segment(blocks)
    lang = detect_language([s.text for s in sentences])
    vocab: dict = {}
    for pack in packs:
        for doc_type, langs in pack.doc_types.items():
            for lng, words in langs.items():
                vocab.setdefault(doc_type, {}).setdefault(lng, []).extend(words)
    title = next((b.text for b in blocks if b.kind in ("title", "heading")), None)
    doc_type = classify_type(title, blocks, vocab, lang)
    doc = Document(path="fuzz.txt", format="txt", blocks=blocks, sentences=sentences, lang=lang, doc_type=doc_type)
    results = evaluate(packs, doc, dt.date(2026, 11, 22))
    assert {r.outcome for r in results} <= {"met", "partial", "not_met", "cannot_assess", "not_applicable"}


# --- rule packs -------------------------------------------------------------------------------------------


@functools.cache
def _pack_seed() -> dict:
    """policy-basics with two rules: the whole loader path (schema, terms, regexes, conditions) at ~20 ms."""
    data = yaml.safe_load((ROOT / "rules" / "policy-basics.yaml").read_text(encoding="utf-8"))
    data["rules"] = data["rules"][:2]
    return data


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from([
        "re:(a+)+$", "re:(?P<x>", "re:\\", "re:[", "re:(?i)", "re:" + "(" * 300, "*", "**", "*a*b*", "", " ",
        "all", "any", "none", "near", "same_sentence", "within", "signal", "met", "graded", "forbidden",
        "2026-13-45", "9999-01-01", "sv", "en", "xx", "${x}", "\x00", "\ufffe", "x" * 5000,
    ]),
)  # fmt: skip
VALUES = st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner,
                                                                                      max_size=4)),
    max_leaves=12,
)


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


@st.composite
def mutated_pack(draw: st.DrawFn) -> str:
    data = copy.deepcopy(_pack_seed())
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(data)
        path = paths[draw(st.integers(0, len(paths) - 1))]
        if not path:
            continue
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        op = draw(st.sampled_from(["same-type", "same-type", "same-type", "replace", "delete", "duplicate",
                                   "swap-type"]))
        if op == "same-type":  # stays valid for the schema, so the damage reaches the term/condition compilers
            parent[key] = draw(_same_type(parent[key]))
        elif op == "delete":
            del parent[key]
        elif op == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif op == "swap-type":
            value = parent[key]
            parent[key] = [value] if not isinstance(value, list) else (value[0] if value else {})
        else:
            parent[key] = draw(VALUES)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):  # and some raw text damage: YAML syntax, anchors, tabs, odd bytes
        text = _mutate_text(draw, text)
    return text


STRINGS = st.one_of(
    st.sampled_from([
        "re:(a+)+$", "re:(?i)\\bx", "re:a{0,99999}", "re:(?=x)", "re:\\p{L}+", "re:[^\\W\\d]", "re:.*" * 30,
        "*", "**", "*a", "a*", "*a*", "a b c d e f g h", "ä*ö", "x" * 300, "-", "'", "…", "§", "2 kap. 7 §", "",
    ]),
    st.text(max_size=20),
)  # fmt: skip


def _same_type(value: object) -> st.SearchStrategy:
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.sampled_from([0, 1, -1, 2, 50, 10**6, 2**63, value])
    if isinstance(value, str):
        return STRINGS
    if isinstance(value, list):
        return st.sampled_from([[], value[:1], value * 2, list(reversed(value))]) if value else st.just([])
    return st.just(value)


def _mutate_text(draw: st.DrawFn, text: str) -> str:
    tokens = ["&a ", "*a", "!!python/object:os.system ", "\t", ": ", "- ", "[", "{", "'", '"', "\\", "%YAML 1.1\n",
              "---\n", "...\n", "? ", "|\n", ">\n", "\x00", "\ufeff", "<<: *a\n", "!!binary ", "~"]  # fmt: skip
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "dup-line"]))
        if op == "insert":
            text = text[:pos] + draw(st.one_of(st.sampled_from(tokens), st.text(max_size=8))) + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 200)) :]
        else:
            lines = text.split("\n")
            i = min(pos % max(len(lines), 1), len(lines) - 1)
            lines.insert(i, lines[i])
            text = "\n".join(lines)
    return text


def check_loader(text: str) -> None:
    from govcheck.rules import RuleError, load_pack

    _count()
    path = _save("current.yaml", text)
    try:
        load_pack(path)
    except RuleError as exc:
        assert str(exc)
    # anything else propagates: that is the finding


# --- documents ----------------------------------------------------------------------------------------------


@functools.cache
def _seeds() -> dict[str, list[bytes]]:
    html = "<!DOCTYPE html><html><head><title>Avtal</title></head><body><h1>{0}</h1>{1}<table><tr><td>a</td>" \
           "<td rowspan=2>b</td></tr><tr><td>c</td></tr></table><ul><li>x</li></ul></body></html>"
    body = "".join(f"<p>{p}</p>" for p in AGREEMENT[1:])
    seeds = {
        "pdf": [make_pdf([AGREEMENT, AGREEMENT[2:]]), make_pdf([AGREEMENT], user_password="")],
        "docx": [make_docx(AGREEMENT)],
        "odt": [make_odt(AGREEMENT)],
        "html": [html.format(AGREEMENT[0], body).encode()],
        "md": [("---\ntitle: Avtal\n---\n# " + AGREEMENT[0] + "\n\n" + "\n\n".join(AGREEMENT[1:])
                + "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- x\n  - y\n\n```\nkod\n```\n").encode()],
        "txt": ["\n\n".join(AGREEMENT).encode("cp1252"), "\n\n".join(AGREEMENT).encode("utf-16")],
    }
    dev = ROOT.parent / "shared" / "corpus" / "dev" / "docs"
    for name, fmt in (("dev-sv-015.odt", "odt"), ("dev-sv-002.docx", "docx"), ("dev-sv-013.pdf", "pdf")):
        if (dev / name).is_file():
            seeds[fmt].append((dev / name).read_bytes())
    return seeds


TOKENS = [b"%%EOF", b"obj", b"endobj", b"stream", b"endstream", b"<<", b">>", b"/Length 0", b"/Length 99999999",
          b"-1", b"99999999999999999999", b"/Filter /FlateDecode", b"(", b")", b"\\", b"R", b"0 0 R", b"/Kids [1 0 R]",
          b"/Type /Pages", b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"&e;", b"<w:p>", b"</w:p>", b"<w:tbl><w:tr><w:tc>",
          b"<text:p>", b"<table:table>", b"\xff\xfe", b"\xef\xbb\xbf", b"\x00", b"<div>", b"<td colspan=999999>",
          b"<meta charset=utf-16>", b"<?xml version='1.0' encoding='utf-16'?>", b"xref", b"trailer",
          b"startxref"]  # fmt: skip


@st.composite
def mutated_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    """A handful of byte-level edits: flips, inserts of format tokens, deletions, duplications, truncation."""
    buf = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(buf)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup", "truncate", "digits"]))
        if op == "flip" and buf:
            i = min(pos, len(buf) - 1)
            buf[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            buf[pos:pos] = draw(st.one_of(st.sampled_from(TOKENS), st.binary(max_size=16)))
        elif op == "delete":
            del buf[pos : pos + draw(st.integers(1, 64))]
        elif op == "dup":
            n = draw(st.integers(1, 256))
            buf[pos:pos] = buf[pos : pos + n] * draw(st.integers(1, 4))
        elif op == "truncate" and draw(st.integers(0, 3)) == 0:
            del buf[pos:]
        elif op == "digits":  # numbers steer PDF parsers (lengths, offsets, counts)
            m = re.search(rb"\d+", bytes(buf[pos:]))
            if m:
                s, e = pos + m.start(), pos + m.end()
                buf[s:e] = str(draw(st.sampled_from([0, 1, -1, 2**31, 2**63, 10**30]))).encode()
    return bytes(buf)


@st.composite
def mutated_zip(draw: st.DrawFn, data: bytes) -> bytes:
    """Mutate one member's content and re-zip, so the damage reaches the XML parser and the reader."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [(i, zf.read(i)) for i in zf.infolist()]
    k = draw(st.integers(0, len(members) - 1))
    info, content = members[k]
    members[k] = (info, draw(mutated_bytes(content)))
    if draw(st.integers(0, 5)) == 0:
        members.pop(draw(st.integers(0, len(members) - 1)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, content in members:
            zf.writestr(info.filename, content, info.compress_type)
    return out.getvalue()


def document_st(fmt: str) -> st.SearchStrategy[bytes]:
    seeds = st.sampled_from(_seeds()[fmt])
    if fmt in ("docx", "odt"):
        return seeds.flatmap(lambda s: st.one_of(mutated_zip(s), mutated_zip(s), mutated_bytes(s)))
    return seeds.flatmap(mutated_bytes)


OPTIONS = [ExtractOptions(), ExtractOptions(pdf_engine="pdfplumber")]


def check_extract(fmt: str, data: bytes, engine: int) -> None:
    _count()
    path = _save(f"current.{fmt}", data)
    try:
        result = extract(path, fmt, OPTIONS[engine])
    except Unreadable as exc:
        reason = str(exc)
        assert reason and "\n" not in reason and len(reason) <= 400, repr(reason)
        return
    assert isinstance(result, Extracted)
    assert all(isinstance(b.text, str) for b in result.blocks)


# --- registry ----------------------------------------------------------------------------------------------

Target = tuple[Callable[..., None], dict[str, st.SearchStrategy]]
TARGETS: dict[str, Target] = {
    "normalize": (check_normalize, {"text": text_st, "blocks": blocks_st}),
    "segment": (check_segment, {"blocks": blocks_st}),
    "pipeline": (check_pipeline, {"blocks": blocks_st}),
    "loader": (check_loader, {"text": mutated_pack()}),
}
for _fmt in ("pdf", "docx", "odt", "html", "md", "txt"):
    TARGETS[f"extract-{_fmt}"] = (
        functools.partial(check_extract, _fmt),
        {"data": document_st(_fmt), "engine": st.integers(0, 1) if _fmt == "pdf" else st.just(0)},
    )
