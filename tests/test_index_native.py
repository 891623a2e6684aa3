"""The compiled word-index helper (govcheck/rules/_index.c) builds what terms.Index's Python builds.

Why: the helper stands in for the index's tokenising (`\\w+` over the casefolded text), its positions
loop and its token offsets; every hit a condition sees comes from them, so reports must not change by
one byte with or without it (it is not built where there is no compiler). Random texts over the
characters `\\w` treats specially, and every sentence of the dev corpus and a holdout, are indexed both
ways and compared.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcheck.rules import index_native, terms

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"

native = index_native.native
needs_native = pytest.mark.skipif(native is None, reason="index helper not compiled (no C compiler at install)")

# What `\w` treats specially: ASCII word characters and not, `_`, Latin letters beyond ASCII, digits and
# numbers of other scripts (Arabic-Indic, full-width, Roman numerals, superscripts), combining marks
# (not word characters), letters outside the BMP, spaces of several kinds, the "\n" sentences are
# joined with.
_ATOMS = ["a", "Z", "0", "9", "_", "-", ".", " ", "\t", "\n", "å", "Ä", "ö", "é", "ß", "ﬁ", "\u0301", "\u0345",
          "\u0661", "\uff11", "\u2163", "\u00b2", "\u00bd", "\u00a0", "\u2003", "\u200b", "\U0001d7cf",
          "\U0001d400", "\U0001f600", "ǅ", "ı", "İ", "Σ", "ς", "数", "é", "§", "'", "’"]


def _python_tokens(sentences: list[str]) -> list[list[str]]:
    saved = terms._index_native
    terms._index_native = None
    try:
        return terms._all_tokens(sentences, "\n".join(sentences))
    finally:
        terms._index_native = saved


@needs_native
@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ATOMS), max_size=12).map("".join), max_size=6))
def test_tokens_are_the_python_tokens(sentences: list[str]) -> None:
    """Both of the helper's paths: one casefold of the joined text (`tokens`), and sentence by sentence
    where casefolding changes a length somewhere ("ß", "İ") or U+0345 stands (`tokens_each`)."""
    sentences = [s.replace("\n", " ") for s in sentences]  # (a sentence holds no separator)
    expected = _python_tokens(sentences)
    assert terms._all_tokens(sentences, "\n".join(sentences)) == expected
    assert native.tokens_each(sentences, str.casefold) == expected  # type: ignore[union-attr]
    joined = "\n".join(sentences)
    if len(joined.casefold()) == len(joined) and "\u0345" not in joined:  # (the only case it is for)
        assert native.tokens(joined.casefold(), sentences) == expected  # type: ignore[union-attr]


@needs_native
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ATOMS), max_size=30).map("".join))
def test_spans_are_the_python_offsets(text: str) -> None:
    spans = [m.span() for m in terms.TOKEN.finditer(text)]
    assert native.spans(text) == ([a for a, _ in spans], [b for _, b in spans])  # type: ignore[union-attr]


@needs_native
def test_every_character_is_a_word_character_exactly_when_re_says_so() -> None:
    """`\\w` of Python's `re` against the helper's test, for every code point (one token per character
    that is one; surrogates cannot stand in a str of UTF-8 text and are left out)."""
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    text = " ".join(chars)
    assert native.spans(text) == tuple(  # type: ignore[union-attr]
        [[m.start() for m in terms.TOKEN.finditer(text)], [m.end() for m in terms.TOKEN.finditer(text)]])


@needs_native
def test_positions_are_the_python_positions() -> None:
    rng = random.Random(7)
    vocab = ["och", "ansvar", "barn", "the", "plan", "sip", "x"]
    words = [[rng.choice(vocab) for _ in range(rng.randint(0, 9))] for _ in range(60)]
    relevant = {w: (1,) for w in ("ansvar", "sip", "plan")}
    expected: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for si, toks in enumerate(words):
        for ti, w in enumerate(toks):
            if w in relevant:
                expected[w].append((si, ti))
    got: dict[str, list[tuple[int, int]]] = defaultdict(list)
    native.positions(words, relevant, got)  # type: ignore[union-attr]
    assert list(got.items()) == list(expected.items())  # the same keys in the same order


def _documents() -> list:
    from govcheck.discover import discover
    from govcheck.model import Unreadable
    from govcheck.rules import load_packs
    from govcheck.scan import ScanOptions, build_document

    folders = [p for p in (SHARED / "dev" / "docs", ROOT / "tests" / "holdout27" / "docs") if p.is_dir()]
    if not folders:
        pytest.skip("no corpus here")
    packs = load_packs(None)
    options = ScanOptions(as_of=dt.date(2026, 12, 3))
    docs = []
    for source in discover(folders)[0]:
        try:
            docs.append(build_document(source, options, packs))
        except Unreadable:
            continue
    return [packs, docs]


@needs_native
def test_an_index_is_the_same_with_and_without_the_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens, positions (keys in order), offsets of every sentence, and the rules' results."""
    from govcheck.rules import engine

    packs, docs = _documents()
    as_of = dt.date(2026, 12, 3)

    def state(doc) -> tuple:
        index = engine.build_index(doc, packs)
        return (index.words, list(index.positions.items()),
                [index.offsets(si) for si in range(len(index.sentences))],
                repr(engine.evaluate(packs, doc, as_of)))

    with_native = [state(d) for d in docs]
    monkeypatch.setattr(terms, "_index_native", None)
    assert [state(d) for d in docs] == with_native


def test_a_built_helper_is_used() -> None:
    """A compiled helper index_native.py does not load (an ABI bump in one file and not the other) would
    silently turn the comparisons above into skips."""
    if not list((ROOT / "govcheck" / "rules").glob("_index*.so")):
        pytest.skip("index helper not compiled here")
    import os

    if os.environ.get("GOVCHECK_PURE_PYTHON"):
        pytest.skip("GOVCHECK_PURE_PYTHON set")
    assert native is not None
