"""Term matching that survives inflection and Swedish compounding, in linear time.

A term is written the way a rule author thinks of the word:

    ansvara          the word and its inflections (Snowball stem equal, or the word itself)
    ansvar*          any word starting so: ansvarar, ansvaret, ansvarsfördelningen
    *ansvar          any word ending so, inflected: huvudmannaansvar, huvudmannaansvaret
    *ansvar*         anywhere inside a word
    hälso- och sjukvård*   several words in a row, each with the forms above
    re:\\d{4}:\\d+      a regular expression (RE2, linear time) over the sentence text

Matching works on a per-document index (vocabulary -> positions), so each term is looked up once per
document instead of once per sentence: cost grows with the text, not with text x terms.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import re2
import snowballstemmer

TOKEN = re.compile(r"\w+")
STEMMERS = {"sv": "swedish", "en": "english"}
# Swedish compound heads are inflected: "-en", "-et", "-erna" ... after a *suffix match.
_MAX_INFLECTION = 5

Span = tuple[int, int]  # token positions [start, end) within a sentence


@lru_cache(maxsize=8)
def stemmer(lang: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(STEMMERS.get(lang, "english"))


# Word -> stem per language, shared by every document a process reads: Snowball in pure Python was
# the largest cost of indexing, and documents of one set share most of their vocabulary.
_STEMS: dict[str, dict[str, str]] = {}
_STEM_CACHE_MAX = 400_000


def stem_words(words: list[str], lang: str) -> list[str]:
    cache = _STEMS.setdefault(lang, {})
    missing = [w for w in words if w not in cache]
    if missing:
        if len(cache) + len(missing) > _STEM_CACHE_MAX:
            cache.clear()
        cache.update(zip(missing, stemmer(lang).stemWords(missing), strict=True))
    return [cache[w] for w in words]


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Casefolded word tokens with their character offsets."""
    return [(m.group().casefold(), m.start(), m.end()) for m in TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class WordPattern:
    mode: str  # "word" | "prefix" | "suffix" | "infix"
    text: str  # casefolded
    stem: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    source: str
    words: tuple[WordPattern, ...] = ()
    regex: object | None = None  # compiled re2 pattern


def compile_term(raw: str, lang: str) -> Term:
    """Compile one term; raises ValueError with a readable reason."""
    raw = raw.strip()
    if raw.startswith("re:"):
        pattern = raw[3:].strip()
        try:
            compiled = re2.compile(pattern, options=_re2_options())
        except re2.error as exc:  # type: ignore[attr-defined]
            raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
        return Term(source=raw, regex=compiled)
    parts = raw.casefold().split()
    if not parts:
        raise ValueError("empty term")
    words = []
    for part in parts:
        toks = TOKEN.findall(part)
        if not toks:
            raise ValueError(f"term {raw!r}: part {part!r} has no letters or digits")
        # "children's" and "it-tjänst*" are several tokens in a row; a * belongs to the outer ends.
        for k, core in enumerate(toks):
            starts = k == 0 and part.startswith("*")
            ends = k == len(toks) - 1 and part.endswith("*")
            mode = "infix" if starts and ends else "suffix" if starts else "prefix" if ends else "word"
            stem = stemmer(lang).stemWord(core) if mode in ("word", "suffix") else ""
            words.append(WordPattern(mode, core, stem))
    return Term(source=raw, words=tuple(words))


def _re2_options() -> re2.Options:
    opts = re2.Options()
    opts.case_sensitive = True  # authors write (?i) where case does not matter
    opts.max_mem = 8 << 20  # a pathological pattern fails to compile instead of eating memory
    return opts


def _english_forms(word: str) -> set[str]:
    """The inflected forms of an English word. Snowball (Porter) also strips derivations -
    "authority" and "author" share the stem "author" - so same-stem alone over-matches in English."""
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    if len(word) > 2:
        last = word[-1]
        if last == "e":
            forms |= {word[:-1] + "ing", word[:-1] + "ed"}
        if last == "y":
            forms |= {word[:-1] + "ies", word[:-1] + "ied"}
        if last not in "aeiouywx":  # commit -> committed, plan -> planning
            forms |= {word + last + "ed", word + last + "ing"}
    return forms


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


def _ends_with(reversed_sorted: list[str], suffix: str) -> list[str]:
    """Entries (un-reversed) of a reversed, sorted list that end with suffix."""
    rev = suffix[::-1]
    lo = bisect.bisect_left(reversed_sorted, rev)
    out = []
    for r in reversed_sorted[lo:]:
        if not r.startswith(rev):
            break
        out.append(r[::-1])
    return out


class Index:
    """Per-document vocabulary index over a list of sentences."""

    def __init__(self, sentences: list[str], lang: str) -> None:
        self.sentences = sentences
        self.lang = lang
        self.tokens: list[list[tuple[str, int, int]]] = [tokenize(s) for s in sentences]
        positions: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for si, toks in enumerate(self.tokens):
            for ti, (w, _, _) in enumerate(toks):
                positions[w].append((si, ti))
        self.positions = positions
        self.vocab = sorted(positions)
        self.rvocab = sorted(w[::-1] for w in positions)
        self.stem_of = dict(zip(self.vocab, stem_words(self.vocab, lang), strict=True))
        by_stem: dict[str, list[str]] = defaultdict(list)
        for w, s in self.stem_of.items():
            by_stem[s].append(w)
        self.by_stem = by_stem
        self.rstems = sorted(s[::-1] for s in by_stem)
        self._cache: dict[str, dict[int, list[Span]]] = {}
        self._words: dict[WordPattern, set[str]] = {}
        self._joined: str | None = None
        self._starts: list[int] = []

    def _words_for(self, wp: WordPattern) -> set[str]:
        """Vocabulary words a word pattern matches; memoised (packs repeat "och", "ansvar*", ...)."""
        found = self._words.get(wp)
        if found is None:
            found = self._words[wp] = set(self._match_words(wp))
        return found

    def _match_words(self, wp: WordPattern) -> list[str] | set[str]:
        if wp.mode == "word":
            # Inflections, not derivations: same stem, and the word keeps the whole term (a final
            # vowel may change: party -> parties) - "samordnar" must not reach "samordnad".
            keep = len(wp.text) - (1 if wp.text[-1] in "aeiouyåäö" else 0)
            found = {w for w in self.by_stem.get(wp.stem, ())
                     if len(_common_prefix(w, wp.text)) >= keep and len(w) <= len(wp.text) + 5}
            if self.lang == "en":
                found &= _english_forms(wp.text)
            if wp.text in self.positions:
                found.add(wp.text)
            return found
        if wp.mode == "prefix":
            lo = bisect.bisect_left(self.vocab, wp.text)
            out = []
            for w in self.vocab[lo:]:
                if not w.startswith(wp.text):
                    break
                out.append(w)
            return out
        if wp.mode == "suffix":
            # Compounds with this head, inflected: "huvudmannaansvaret" has a stem ending in "ansvar".
            out: set[str] = set()
            keys = {wp.text}
            if len(wp.stem) >= max(3, len(wp.text) - 2):  # "nämnden" -> "nämnd", not "styrelse" -> "styr"
                keys.add(wp.stem)
            for key in keys:
                out.update(_ends_with(self.rvocab, key))
                for rstem in _ends_with(self.rstems, key):
                    out.update(self.by_stem[rstem])
            return out
        return [w for w in self.vocab if wp.text in w]

    def find(self, term: Term) -> dict[int, list[Span]]:
        """Sentence index -> token spans where the term matches."""
        cached = self._cache.get(term.source)
        if cached is not None:
            return cached
        hits: dict[int, list[Span]] = defaultdict(list)
        if term.regex is not None:
            for si, start, end in self._regex_matches(term.regex):
                hits[si].append(self._char_span_to_tokens(si, start, end))
        else:
            cand = self._words_for(term.words[0])
            rest = [self._words_for(wp) for wp in term.words[1:]] if cand else []
            if any(not r for r in rest):
                cand = set()
            n, positions, tokens = len(term.words), self.positions, self.tokens
            if not rest:  # one word (the common case): every position is a hit
                for w in cand:
                    for si, ti in positions[w]:
                        hits[si].append((ti, ti + n))
            elif len(rest) == 1:  # two words: the next token must be one of the second word's forms
                second = rest[0]
                for w in cand:
                    for si, ti in positions[w]:
                        toks = tokens[si]
                        if ti + 1 < len(toks) and toks[ti + 1][0] in second:
                            hits[si].append((ti, ti + n))
            else:
                for w in cand:
                    for si, ti in positions[w]:
                        toks = tokens[si]
                        if all(ti + k + 1 < len(toks) and toks[ti + k + 1][0] in r for k, r in enumerate(rest)):
                            hits[si].append((ti, ti + n))
        # Sorted: candidate words come from sets, and evidence order must not depend on hash seeds.
        result = {si: spans if len(spans) == 1 else sorted(set(spans)) for si, spans in sorted(hits.items())}
        self._cache[term.source] = result
        return result

    def _regex_matches(self, regex) -> list[tuple[int, int, int]]:
        """(sentence, start, end) of every match, exactly as a search sentence by sentence finds them,
        but with one RE2 call per document: a call per sentence and pattern cost ~4 µs of wrapper
        overhead (UTF-8 encoding, offset mapping), which dominated rule evaluation.

        Sentences are joined with "\\n". A match inside one sentence is the same match a search of that
        sentence alone finds (RE2 sees "\\n" as a non-word neighbour, like a text edge); where a match
        crosses a separator, the sentences it touches are searched on their own. Patterns with anchors
        (^ $ \\A \\z) mean something else in a joined text and are always searched per sentence."""
        if any(a in regex.pattern for a in ("^", "$", "\\A", "\\z")):
            return [(si, m.start(), m.end()) for si, text in enumerate(self.sentences) for m in regex.finditer(text)]
        if not self.sentences:
            return []
        if self._joined is None:
            starts, pos = [], 0
            for text in self.sentences:
                starts.append(pos)
                pos += len(text) + 1
            self._starts, self._joined = starts, "\n".join(self.sentences)
        starts = self._starts
        found: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        dirty: set[int] = set()
        for m in regex.finditer(self._joined):
            a, b = m.start(), m.end()
            si = bisect.bisect_right(starts, a) - 1
            if b <= starts[si] + len(self.sentences[si]):
                found[si].append((si, a - starts[si], b - starts[si]))
            else:
                dirty.update(range(si, bisect.bisect_right(starts, b)))
        for si in dirty:
            found[si] = [(si, m.start(), m.end()) for m in regex.finditer(self.sentences[si])]
        return [hit for si in sorted(found) for hit in found[si]]

    def _char_span_to_tokens(self, si: int, start: int, end: int) -> Span:
        toks = self.tokens[si]
        first = bisect.bisect_right(toks, start, key=lambda t: t[2])  # first token ending after start
        last = bisect.bisect_left(toks, end, key=lambda t: t[1])  # first token starting at/after end
        return (first, max(first + 1, last))
