"""Term matching that survives inflection and Swedish compounding, in linear time.

A term is written the way a rule author thinks of the word:

    ansvara          the word and its inflections (Snowball stem equal, or the word itself)
    ansvar*          any word starting so: ansvarar, ansvaret, ansvarsfördelningen
    *ansvar          any word ending so, inflected: huvudmannaansvar, huvudmannaansvaret
    *ansvar*         anywhere inside a word
    hälso- och sjukvård*   several words in a row, each with the forms above
    re:\\d{4}:\\d+      a regular expression (RE2, linear time) over the sentence text; \\w and a
                     \\b that opens or closes it know å, ä, ö as Python's re does (see _for_re2)

Matching works on a per-document index (vocabulary -> positions), so each term is looked up once per
document instead of once per sentence: cost grows with the text, not with text x terms. A scan-wide
`Lexicon` of the packs' word patterns decides once per process which patterns a word matches
(`word_matches` is the definition; the lexicon only finds candidates fast), so a document costs a few
dictionary lookups per distinct word.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import re2
import snowballstemmer

from govcheck.rules.index_native import native as _index_native

TOKEN = re.compile(r"\w+")
SEARCH = -1  # Lexicon.plan's id for a term that is always searched (no object has a negative id)
_PLANS_MAX = 4096
_SET_SIZE = 24  # regexes per RE2 set of the prefilter (Lexicon._compile_regex_set)
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


@dataclass(frozen=True, slots=True)
class WordPattern:
    mode: str  # "word" | "prefix" | "suffix" | "infix"
    text: str  # casefolded
    stem: str = ""
    forms: tuple[str, ...] = ()  # a Swedish *suffix noun's other forms (_sv_noun_forms)


# A Swedish compound is found by its head (*ledare, *grupp) and the head is inflected: "fritidsledarna",
# "kuratorerna", "sköterskorna". Snowball cannot give these forms back (it stems "ledare" to "led", too
# short to match a compound's end safely), so a *suffix term's written form, by its ending, brings the
# forms of its declension: (ending, what replaces it in each form). Only endings whose declension is
# certain are listed; a head outside them still matches as written.
_SV_DECLENSIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("are", ("aren", "arna", "ares", "arens", "arnas")),  # ledare: agent nouns, plural as singular
    ("ska", ("skan", "skor", "skorna", "skans", "skornas")),  # sköterska
    ("or", ("orn", "orer", "orerna", "orns", "orernas")),  # kurator, koordinator, rektor
    ("ör", ("ören", "örer", "örerna", "örens")),  # direktör
    ("log", ("logen", "loger", "logerna", "logens")),  # psykolog
    ("gog", ("gogen", "goger", "gogerna", "gogens")),  # pedagog
    ("eut", ("euten", "euter", "euterna", "eutens")),  # terapeut
    ("ent", ("enten", "enter", "enterna", "entens")),  # remittent, assistent
    ("ist", ("isten", "ister", "isterna", "istens")),  # specialist
    ("chef", ("chefen", "chefer", "cheferna", "chefens")),
    ("grupp", ("gruppen", "grupper", "grupperna", "gruppens")),
    ("nämnd", ("nämnden", "nämnder", "nämnderna", "nämndens")),
    ("ning", ("ningen", "ningar", "ningarna", "ningens")),  # samordning, uppföljning
    ("het", ("heten", "heter", "heterna", "hetens")),  # enhet, myndighet
    ("tion", ("tionen", "tioner", "tionerna", "tionens")),  # organisation
    ("team", ("teamet", "teamen", "teamets")),
    ("möte", ("mötet", "möten", "mötena", "mötets")),
)


def _sv_noun_forms(text: str) -> tuple[str, ...]:
    """The other forms of a Swedish noun a *suffix term names by its head, from its ending."""
    for ending, forms in _SV_DECLENSIONS:
        if text.endswith(ending) and len(text) > len(ending):
            base = text[: -len(ending)]
            return tuple(base + f for f in forms)
    return ()


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
            compiled = re2.compile(_for_re2(pattern), options=_re2_options())
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
            forms = _sv_noun_forms(core) if mode == "suffix" and lang == "sv" else ()
            words.append(WordPattern(mode, core, stem, forms))
    return Term(source=raw, words=tuple(words))


def _present_or_infinitive(a: str, b: str) -> bool:
    """One Swedish verb in its infinitive and its present, in one voice: omfatta/omfattar,
    erbjuda/erbjuder, följas/följs (the caller has checked that Snowball gives both one stem). Tense and
    participles stay apart: the pack tells "beslutar" from "beslutat" and "kallar" from "så kallade".
    (simplemma's lemma data confirmed the same pairs on the labelled sets but cost a worker a second of
    CPU to load: bench/RESULTS.md.)"""
    inf, pres = (a, b) if a.endswith(("a", "as")) else (b, a)
    if inf.endswith("as"):  # passive: följas -> följs, utredas -> utreds
        return pres in (inf[:-2] + "s", inf[:-2] + "es")
    if inf.endswith("a"):  # active: omfatta -> omfattar, erbjuda -> erbjuder
        return pres in (inf + "r", inf[:-1] + "er")
    return False


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


def _common_prefix_len(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _suffix_keys(wp: WordPattern) -> tuple[str, ...]:
    """What a *suffix pattern's word or its stem must end with: "huvudmannaansvaret" has a stem ending in
    "ansvar"; the pattern's own stem counts when it is not much shorter ("nämnden" -> "nämnd", but not
    "styrelse" -> "styr")."""
    if len(wp.stem) >= max(3, len(wp.text) - 2) and wp.stem != wp.text:
        return (wp.text, wp.stem, *wp.forms)
    return (wp.text, *wp.forms)


def word_matches(wp: WordPattern, word: str, stem: str, lang: str) -> bool:
    """Does a casefolded document word (with its stem in the document's language) match the pattern?
    The one definition of word matching; `Lexicon` only finds the candidates faster."""
    if wp.mode == "word":
        if word == wp.text:
            return True
        if stem != wp.stem:
            return False
        # Inflections, not derivations: same stem, and the word keeps the whole term (a final vowel
        # may change: party -> parties) - "samordnar" must not reach "samordnad".
        keep = len(wp.text) - (1 if wp.text[-1] in "aeiouyåäö" else 0)
        if _common_prefix_len(word, wp.text) < keep or len(word) > len(wp.text) + 5:
            # A Swedish verb's infinitive for a term written in the present, or the reverse ("ska omfatta"
            # for "omfattar", "följs" for "följas"): the prefix test cannot see it, the ending differs
            return lang == "sv" and _present_or_infinitive(word, wp.text)
        return lang != "en" or word in _english_forms(wp.text)
    if wp.mode == "prefix":
        return word.startswith(wp.text)
    if wp.mode == "suffix":
        return any(word.endswith(k) or stem.endswith(k) for k in _suffix_keys(wp))
    return wp.text in word


class Lexicon:
    """Which of a rule set's word patterns each word matches, in one document language.

    Built once per scan from every term of the loaded packs and shared by the documents a process
    reads: a document's vocabulary is then matched with a few dictionary lookups per word (the answers
    are memoised per word, and documents of one set share most of their words) instead of searching
    the vocabulary once per pattern."""

    def __init__(self, lang: str, terms: Iterable[Term] = (), searched: Iterable[Term] | None = None) -> None:
        self.lang = lang
        self.patterns: list[WordPattern] = []
        self.ids: dict[WordPattern, int] = {}
        self._exact: dict[str, list[int]] = defaultdict(list)  # word mode: the text itself
        self._stem: dict[str, list[int]] = defaultdict(list)  # word mode: same stem (then checked)
        # Tries of the prefix patterns and of the (reversed) keys a word or its stem ends with for the
        # suffix patterns: char -> node, and _ENDS -> the ids of the patterns whose key ends there. A
        # word is walked only as far as some key goes, where looking up every prefix and suffix of it
        # cost a slice and a lookup per letter: `match` took 7-8 µs a word, now 2.4-3 µs (a cold worker
        # meets ~14,500 new words in the 200-document sample).
        self._prefix: dict = {}
        self._suffix: dict = {}
        self._infix: list[tuple[str, int]] = []
        self._memo: dict[str, tuple[int, ...]] = {}
        self._regex_ids: dict[str, int] = {}
        self.regex_sets: list[tuple[object, int]] = []  # (RE2 set, id of its first pattern)
        self._set_forms: list[str] = []  # each set pattern's form, in id order (`_crossing`)
        self._crossing_sets: list[tuple[object, int]] | None = None
        self._terms = list(terms)  # kept alive: `term_pids` is keyed by their ids
        self.term_pids: dict[int, tuple[int, ...]] = {}  # id(term) -> its word patterns
        # word pattern -> ids of the terms of one word that is it; and -> (id, all its patterns) of the
        # terms of several words keyed by the pattern of their longest word: every document has "och",
        # "the", "of", and every term starting with them was checked, while a long word is there less
        # often (`live_terms`: 0.11 -> 0.03 s a pass over the 200-document sample).
        self._single_terms_of: dict[int, list[int]] = defaultdict(list)
        self._terms_of: dict[int, list[tuple[int, frozenset[int]]]] = defaultdict(list)
        self._hits: dict[str, tuple[int, ...]] = {}  # the words of `_memo` that match some pattern
        self._plans: dict[int, tuple[list[Term], list[tuple[int, Term]], frozenset[int]]] = {}
        for term in self._terms:
            for wp in term.words:
                self._add(wp)
            if term.words:
                pids = self.term_pids[id(term)] = tuple(self.ids[wp] for wp in term.words)
                if len(pids) == 1:
                    self._single_terms_of[pids[0]].append(id(term))
                else:
                    key = max(range(len(pids)), key=lambda k: (len(term.words[k].text), k))
                    self._terms_of[pids[key]].append((id(term), frozenset(pids)))
        # The prefilter holds only the regexes a document in this language can be asked for (`searched`,
        # default all): a Swedish document never asks for the English ones, and a third fewer sets
        # cost a third less. A regex outside the sets is searched whenever asked, so leaving one out
        # costs time, never a match.
        self._compile_regex_set([t.regex for t in (self._terms if searched is None else searched)
                                 if t.regex is not None])

    def _add(self, wp: WordPattern) -> None:
        if wp in self.ids:
            return
        pid = self.ids[wp] = len(self.patterns)
        self.patterns.append(wp)
        if wp.mode == "word":
            self._exact[wp.text].append(pid)
            self._stem[wp.stem].append(pid)
        elif wp.mode == "prefix":
            _trie_add(self._prefix, wp.text, pid)
        elif wp.mode == "suffix":
            for key in _suffix_keys(wp):
                _trie_add(self._suffix, key[::-1], pid)
        else:
            self._infix.append((wp.text, pid))

    def _compile_regex_set(self, regexes: list) -> None:
        """RE2 sets of the unanchored regex terms: a single pass over a document tells which of them
        can match at all (most match nowhere), so only those are searched for their positions.

        The patterns go into sets of `_SET_SIZE`: one set of all ~160 patterns ran at ~2 MB/s on
        Swedish text (its DFA meets new states at almost every byte; more memory did not help), sets of
        4-16 at ~6 MB/s in all: the prefilter's share of rule time fell from 4.2 s to ~0.5 s of 4.6 s
        on 132 documents. Since the sets hold the patterns without their broad ends (`_trim_edges`)
        their DFAs stay small in larger sets: over the 200-document sample's texts (600 patterns) sets
        of 24 took 0.23-0.25 s cold and 0.09-0.10 s warm against 0.25-0.26 s and 0.18-0.20 s for sets
        of 8, for ~5 MB more memory.

        Two families of the same patterns in the same order (so a set's match ids are the same in
        both): `regex_sets` holds each form rewritten so that it cannot match a line break
        (`_line_form`), for documents none of whose sentences holds one (nearly all); the forms as
        they are, for the rest, are compiled the first time such a document comes (`_crossing_sets`)."""
        # An anchored pattern stands in the set in its multiline form (`_multiline`), which matches
        # wherever the pattern matches in some sentence of the joined text, and more: a prefilter may
        # let a pattern through that then finds nothing, never the other way round. For the same
        # reason a wide counted repeat may stand in the set unbounded (`_loose_repeats`), and a pattern
        # without the broad parts at its ends (`_trim_edges`).
        searched: dict[str, str] = {}
        for r in regexes:
            if not _anchored(r.pattern):
                searched[r.pattern] = _trim_edges(r.pattern)
            elif (m := _multiline(r)) is not None:
                searched[r.pattern] = _trim_edges(m.pattern)
        free = _content_free(sorted(set(searched.values())))
        searched = {p: form for p, form in searched.items() if form not in free}
        patterns = sorted(searched)
        ids: dict[str, int] = {}
        sets: list[tuple[object, int]] = []
        try:
            for first in range(0, len(patterns), _SET_SIZE):
                rset = _new_set()
                for p in patterns[first:first + _SET_SIZE]:
                    ids[p] = first + _add(rset, searched[p], line=True)
                rset.Compile()
                sets.append((rset, first))
        except re2.error:  # type: ignore[attr-defined]
            return  # no prefilter: every regex is searched
        self._regex_ids, self.regex_sets = ids, sets
        self._set_forms = [searched[p] for p in patterns]

    def _crossing(self) -> list[tuple[object, int]] | None:
        """The sets of the forms as they are (not `_line_form`), for a text some sentence of which
        holds a line break; built on first use (none of the 200-document sample's documents needs
        them). None if RE2 refuses them: then every regex is searched."""
        if self._crossing_sets is None:
            forms, sets = self._set_forms, []
            try:
                for first in range(0, len(forms), _SET_SIZE):
                    rset = _new_set()
                    for k, form in enumerate(forms[first:first + _SET_SIZE]):
                        if _add(rset, form) != k:  # (the ids must be those of `regex_sets`)
                            raise re2.error("set ids out of step")  # type: ignore[attr-defined]
                    rset.Compile()
                    sets.append((rset, first))
            except re2.error:  # type: ignore[attr-defined]
                sets = []
            self._crossing_sets = sets
        return self._crossing_sets or None

    def possible(self, text: bytes, line_breaks: bool = False) -> set[int]:
        """Ids of the regexes that match somewhere in the text (UTF-8: encoded once by the caller); all
        of the prefilter's ids when no set can tell (then every regex is searched). The caller passes
        sentences joined with "\\n", each whole, and says whether some sentence holds a line break of
        its own: without one the sets of line-free forms serve (a true hit never crosses a sentence's end)."""
        sets = self._crossing() if line_breaks else self.regex_sets
        if sets is None:
            return set(self._regex_ids.values())
        return {first + i for rset, first in sets for i in rset.Match(text) or ()}  # type: ignore[attr-defined]

    def live_terms(self, by_pattern: dict[int, list[str]]) -> set[int]:
        """Ids of the word terms every word of which is among a document's matched patterns."""
        live: set[int] = set()
        present = by_pattern.keys()
        single, several = self._single_terms_of, self._terms_of
        for pid in present & single.keys():
            live.update(single[pid])
        for pid in present & several.keys():
            for tid, needs in several[pid]:
                if present >= needs:
                    live.add(tid)
        return live

    def plan(self, terms: list[Term]) -> list[tuple[int, Term]]:
        """(id, term) for each term, `SEARCH` for those a document's live set cannot rule out (regexes
        outside the prefilter, terms outside the lexicon); a regex of the prefilter has `_regex_tid`.
        Memoised per list: the packs' signals are asked for in every document, and checking each
        term's id cost a tenth of rule evaluation."""
        return self.plan_ids(terms)[0]

    def plan_ids(self, terms: list[Term]) -> tuple[list[tuple[int, Term]], frozenset[int]]:
        """`plan`, and the set of its ids: a document none of whose live terms is among them (most
        signals in most documents) is done with one set operation instead of a look at every term."""
        entry = self._plans.get(id(terms))
        if entry is not None and entry[0] is terms:
            return entry[1], entry[2]
        known, regex_ids = self.term_pids, self._regex_ids
        plan = [(id(t) if id(t) in known
                 else _regex_tid(rid) if t.regex is not None and (rid := regex_ids.get(t.regex.pattern)) is not None
                 else SEARCH, t) for t in terms]
        ids = frozenset(tid for tid, _ in plan)
        if len(self._plans) < _PLANS_MAX:  # (holding the list keeps its id from being reused)
            self._plans[id(terms)] = (terms, plan, ids)
        return plan, ids

    def regex_id(self, pattern: str) -> int | None:
        return self._regex_ids.get(pattern)

    def is_term(self, word: str) -> bool:
        """Is the word a term of one word in the packs (SIP, BUP, county) - not only part of longer ones?"""
        single = self._single_terms_of
        return any(pid in single for pid in self.matched({word}).get(word, ()))

    def matched(self, vocabulary: set[str]) -> dict[str, tuple[int, ...]]:
        """Word -> ids of the patterns it matches, for the words of a document's vocabulary that match
        any (a fifth of them). Words met before are looked up as one set operation, not one call each:
        `match` runs, with the word's stem, only for the new ones."""
        memo = self._memo
        if len(memo) + len(vocabulary) > _STEM_CACHE_MAX:
            memo.clear()
            self._hits.clear()
        new = [w for w in vocabulary if w not in memo]
        if new:
            for word, stem in zip(new, stem_words(new, self.lang), strict=True):
                self.match(word, stem)
        hits = self._hits
        return {w: hits[w] for w in hits.keys() & vocabulary}

    def unknown(self, words: list[str]) -> list[str]:
        """The words not yet memoised: `match` needs their stems. Called per document, before `match`:
        the memo is only ever cleared here, so a word found known stays known for the document."""
        memo = self._memo
        if len(memo) + len(words) > _STEM_CACHE_MAX:
            memo.clear()
        return [w for w in words if w not in memo]

    def match(self, word: str, stem: str) -> tuple[int, ...]:
        """Ids of the patterns the word matches (memoised: the stem must be the word's own)."""
        found = self._memo.get(word)
        if found is not None:
            return found
        hits: set[int] = set(self._exact.get(word, ()))
        lang = self.lang
        for pid in self._stem.get(stem, ()):
            if pid not in hits and word_matches(self.patterns[pid], word, stem, lang):
                hits.add(pid)
        node = self._prefix  # every prefix key the word starts with
        for ch in word:
            node = node.get(ch)
            if node is None:
                break
            if _ENDS in node:
                hits.update(node[_ENDS])
        for text in (word, stem) if stem != word else (word,):
            node = self._suffix  # every suffix key the word (or its stem) ends with
            for ch in reversed(text):
                node = node.get(ch)
                if node is None:
                    break
                if _ENDS in node:
                    hits.update(node[_ENDS])
        for text, pid in self._infix:
            if text in word:
                hits.add(pid)
        found = self._memo[word] = tuple(sorted(hits))
        if found:
            self._hits[word] = found
        return found


def _regex_tid(rid: int) -> int:
    """The id a regex of the prefilter has in plans and live sets: negative, so no object's id (and
    not SEARCH); keyed by the pattern, so every Term of that pattern shares it."""
    return -2 - rid


_ENDS = ""  # a trie node's key for the patterns whose key ends there (no character is "")


def _trie_add(trie: dict, key: str, pid: int) -> None:
    node = trie
    for ch in key:
        node = node.setdefault(ch, {})
    node.setdefault(_ENDS, []).append(pid)


# (pattern -> its multiline form, or None where it has none): compiled once per process
_MULTILINE: dict[str, object | None] = {}


def _multiline(regex) -> object | None:
    """An anchored pattern in multiline mode, for the joined text of a document's sentences: there
    ^ and $ match at every "\\n", i.e. at the start and end of every sentence, which is where they
    match in a search sentence by sentence - as long as no sentence holds a "\\n" of its own (see
    Index._single_lines). None for \\A and \\z, which mean the text's edges in either mode."""
    pattern = regex.pattern
    if pattern not in _MULTILINE:
        if "\\A" in pattern or "\\z" in pattern:
            _MULTILINE[pattern] = None
        else:
            try:
                _MULTILINE[pattern] = re2.compile("(?m)" + pattern, options=_re2_options())
            except re2.error:  # type: ignore[attr-defined]
                _MULTILINE[pattern] = None
    return _MULTILINE[pattern]


def _native(regex) -> object | None:
    """The compiled RE2 object under the `re2` module's Python wrapper, when it has the shape this code
    knows (`_utf8_spans` calls its Match directly); None sends the search through the wrapper."""
    native = getattr(regex, "_regexp", None)
    return native if native is not None and _UNANCHORED is not None and hasattr(native, "Match") else None


_UNANCHORED = getattr(getattr(getattr(getattr(re2, "_re2", None), "RE2", None), "Anchor", None), "UNANCHORED", None)


def _utf8_spans(native, data: bytes) -> list[tuple[int, int]]:
    """(start, end) byte offsets of every match in UTF-8 text, as the wrapper's `finditer` finds them
    in the same text as `str` (after an empty match the search goes on one character later, not one
    byte). The wrapper would encode the whole text again for each pattern and map every offset back to
    characters; here the text is encoded once per document and only matches are mapped."""
    out = []
    pos, end = 0, len(data)
    match = native.Match
    while True:
        a, b = match(_UNANCHORED, data, pos, end)[0]
        if a < 0:
            return out
        out.append((a, b))
        if pos == end:
            return out
        if b == pos:
            pos += 1
            while pos < end and data[pos] & 0xC0 == 0x80:  # a UTF-8 continuation byte
                pos += 1
        else:
            pos = b


_LOOSE_SPAN = 8  # a counted repeat {n,m} with m - n at least this wide is unbounded in the prefilter


def _loose_repeats(pattern: str) -> str:
    """The pattern with its wide counted repeats unbounded ({1,50} -> +, {0,60}? -> *?, {3,20} ->
    {3,}), for the prefilter sets only. A DFA keeps a state for every set of counts still alive: a
    line-anchored "^[\\s\\W\\d]*[^:.;]{1,50}:" has thousands, each built the first time a worker meets
    it. Over the 200-document sample's English texts that pattern alone took 0.099 s cold where any
    other took ~0.003 s, and its set of eight 0.227 s of the 0.37 s of all 33 English sets; unbounding
    the wide repeats cut rule evaluation from 15.67 to 14.15 G instructions (bench/RESULTS.md).
    Unbounded, the pattern matches everything it matched and more (RE2 has no backreferences or
    lookaround, so a larger part never makes a match disappear): the prefilter may let a pattern
    through that then finds nothing, never the other way round. Narrow repeats ({1,4}) are kept:
    they cost few states and keep the filter tight."""
    if not any(int(high) - int(low) >= _LOOSE_SPAN for low, high in _COUNTED.findall(pattern)):
        return pattern  # no wide counted repeat anywhere (most patterns): nothing to loosen
    out: list[str] = []
    k, n = 0, len(pattern)
    in_class = False
    while k < n:
        c = pattern[k]
        if c == "\\":
            if pattern.startswith("\\Q", k):  # a quoted literal runs to \E (or the end)
                end = pattern.find("\\E", k + 2)
                end = n if end < 0 else end + 2
                out.append(pattern[k:end])
                k = end
                continue
            out.append(pattern[k:k + 2])
            k += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            out.append(c)
            k += 1
            if k < n and pattern[k] == "^":  # a "]" right at a class's start is a literal
                out.append("^")
                k += 1
            if k < n and pattern[k] == "]":
                out.append("]")
                k += 1
            continue
        elif c == "{" and (m := _COUNTED.match(pattern, k)) is not None and k > 0:
            low, high = int(m[1]), int(m[2])
            if high - low >= _LOOSE_SPAN:
                out.append("*" if low == 0 else "+" if low == 1 else f"{{{low},}}")
                k = m.end()
                continue
        out.append(c)
        k += 1
    return "".join(out)


_COUNTED = re.compile(r"\{(\d+),(\d+)\}")


# The syntax of an RE2 pattern, a token at a time, as far as `_trim_edges` needs it (the order of the
# alternatives matters: flags before groups).
_SYNTAX = re.compile(r"""
    (?P<flags>\(\?[a-zA-Z-]*\))
  | (?P<open>\((?!\?)|\(\?(?:[a-zA-Z-]*:|P?<\w+>))
  | (?P<close>\))
  | (?P<bar>\|)
  | (?P<quant>(?:[*+?]|\{\d+(?:,\d*)?\})\??)
  | (?P<esc>\\.)
  | (?P<cls>\[\^?\]?(?:[^]\\[]|\\.)*\])
  | (?P<zero>[$^.])
  | (?P<chars>[^][\\(){}|*+?^$.]+)
""", re.X | re.S)


def _syntax(pattern: str) -> list[tuple[str, int, int]] | None:
    """(kind, start, end) of each token of the pattern, or None where it holds anything else ("(?=",
    a lone "{" or "]", a "[" inside a class, "\\Q")."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    for m in _SYNTAX.finditer(pattern):
        if m.start() != pos or m.lastgroup is None or (m.lastgroup == "esc" and pattern[pos + 1] in "QE"):
            return None
        out.append((m.lastgroup, pos, m.end()))
        pos = m.end()
    return out if pos == len(pattern) else None


@lru_cache(maxsize=4096)  # (the Swedish and English lexicons share many patterns)
def _trim_edges(pattern: str) -> str:
    """The pattern without the broad parts at its two ends, for a prefilter set: the word edges
    _for_re2 writes, anchors, \\b, and repeats of a class, an escape or a group ("\\S+", "[^,;]*",
    "(?:\\S+\\s+){1,6}?", "\\w{0,9}"). A middle part of a concatenation matches wherever the whole does,
    so the set may let through a pattern that then finds nothing, never hide one (as with
    `_loose_repeats`).

    Why: building DFA states was ~70 % of the prefilter's instructions, and each state of a set
    carried the large UTF-8 class of a word edge, or a class repeated, at every position of the text;
    without them the sets' DFAs are mostly tries of literal words. A pattern with a top-level "|",
    flags other than at its start, or syntax `_syntax` does not follow is left as it is."""
    tokens = _syntax(pattern)
    if not tokens:
        return pattern
    lead = 0  # the flags in front ("(?m)(?i)") stay in front
    while lead < len(tokens) and tokens[lead][0] == "flags":
        lead += 1
    head, tokens = pattern[:tokens[lead - 1][2]] if lead else "", tokens[lead:]
    elements: list[tuple[int, int]] = []  # token ranges of the top-level atoms, each with its quantifier
    k, n = 0, len(tokens)
    while k < n:
        kind, start = tokens[k][0], k
        if kind in ("bar", "flags", "close", "quant"):
            return pattern
        if kind == "open":
            depth = 0
            while k < n:
                depth += (tokens[k][0] == "open") - (tokens[k][0] == "close")
                k += 1
                if not depth:
                    break
            if depth:
                return pattern
        else:
            k += 1
        if k < n and tokens[k][0] == "quant":
            k += 1
        elements.append((start, k))

    def broad(element: tuple[int, int]) -> bool:
        first, last = tokens[element[0]], tokens[element[1] - 1]
        text = pattern[first[1]:last[2]]
        if first[0] == "zero" or text in (_WORD_START, _WORD_END, "\\b", "\\B", "\\A", "\\z"):
            return True
        if last[0] != "quant" or first[0] == "chars":
            return False
        quantifier = pattern[last[1]:last[2]].rstrip("?")
        if quantifier in ("*", "+") or quantifier.endswith(",}"):
            return True
        low, _, high = quantifier.strip("{}").partition(",")
        return bool(high) and int(high) - int(low) >= 2

    a, b = 0, len(elements)
    while a < b and broad(elements[a]):
        a += 1
    while b > a and broad(elements[b - 1]):
        b -= 1
    if a == b or (a == 0 and b == len(elements)):
        return pattern
    return head + pattern[tokens[elements[a][0]][1]:tokens[elements[b - 1][1] - 1][2]]


# Plain words that say nothing: a set form that matches here matches in almost any document.
_PROBE = "lorem ipsum dolor sit amet"


def _content_free(forms: list[str]) -> set[str]:
    """The prefilter forms that match plain words that say nothing (`_PROBE`). Such a form rules out no
    document ("three words in a row", or a form `_trim_edges` left with only optional parts), so the
    set cannot spare its search: it is left out of the sets and searched whenever asked, as if it had
    passed. In a set it cost a worker ~0.08 s of the ~0.3 s its sets spend building DFA states over
    the 200-document sample (bench/RESULTS.md, twelfth session): a match state at almost every byte,
    and threads alive everywhere. (One set of all the forms over the probe: compiling each alone cost
    ~0.05 s a lexicon.) A form the set refuses, or a set that will not compile, stays in the sets."""
    rset = re2.Set.SearchSet(_re2_options())
    added: dict[int, str] = {}
    for form in forms:
        try:
            added[_add(rset, form)] = form
        except re2.error:  # type: ignore[attr-defined]
            continue
    try:
        rset.Compile()
        return {added[i] for i in rset.Match(_PROBE) or ()}  # type: ignore[attr-defined]
    except re2.error:  # type: ignore[attr-defined]
        return set()


def _new_set():
    opts = _re2_options()
    opts.max_mem = 64 << 20
    return re2.Set.SearchSet(opts)


def _add(rset, pattern: str, line: bool = False) -> int:
    """Add a pattern to a prefilter set in its loosened form, or as it is if that form is refused;
    with `line`, in its `_line_form` where there is one and RE2 takes it."""
    loose = _loose_repeats(pattern)
    if line and (form := _line_form(loose)) is not None:
        try:
            return rset.Add(form)
        except re2.error:  # type: ignore[attr-defined]
            pass
    if loose != pattern:
        try:
            return rset.Add(loose)
        except re2.error:  # type: ignore[attr-defined]
            pass
    return rset.Add(pattern)


# RE2 syntax `_line_form` follows: a hex escape; the escapes it copies as they are (outside a class:
# assertions, escaped punctuation; in a class also); flags that let "." match a line break.
_HEX_ESCAPE = re.compile(r"\\x(?:\{([0-9A-Fa-f]+)\}|([0-9A-Fa-f]{2}))")
_DOT_ALL = re.compile(r"\(\?[a-zA-Z-]*s")
_KEPT_ESCAPES = frozenset("dwSbBAzftrv")  # \\d \\w \\S, assertions, controls other than \\n
_CLASS_ESCAPES = frozenset("dwSftrv")
_NEGATED_ESCAPES = _CLASS_ESCAPES | frozenset("WD")  # (a negated class gets "\\n" added to it)


def _escape_end(pattern: str, at: int, kept: frozenset[str]) -> int | None:
    """Where the escape at `at` ends, if it is one `_line_form` may copy as it is (no line break in
    what it matches: not \\n, \\s, \\W, \\D, \\p, an octal or a hex line break, \\C, \\Q); else None."""
    if (m := _HEX_ESCAPE.match(pattern, at)) is not None:
        return m.end() if int(m[1] or m[2], 16) != 10 else None
    if at + 1 >= len(pattern):
        return None
    c = pattern[at + 1]
    if c.isascii() and c.isalnum():
        return at + 2 if c in kept else None
    return at + 2 if c.isascii() else None  # escaped punctuation


_CONTROL_ESCAPES = {"t": 9, "v": 11, "f": 12, "r": 13}


def _covers_line_break(items: list[str]) -> bool:
    """Whether a class's items (characters and escapes, "-" an item of its own) hold a range that
    takes in "\\n" ("[\\x00-\\x7f]", "[\\t-\\r]"); an endpoint this cannot read counts as one."""
    for k in range(1, len(items) - 1):
        if items[k] != "-":
            continue
        low, high = (_code_point(items[k - 1]), _code_point(items[k + 1]))
        if low is None or high is None or low <= 10 <= high:
            return True
    return False


def _code_point(item: str) -> int | None:
    if len(item) == 1:
        return ord(item)
    if (m := _HEX_ESCAPE.fullmatch(item)) is not None:
        return int(m[1] or m[2], 16)
    if len(item) == 2 and item[1] in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[item[1]]
    if len(item) == 2 and item[1].isascii() and not item[1].isalnum():
        return ord(item[1])
    return None


@lru_cache(maxsize=4096)  # (the two lexicons share many forms)
def _line_form(pattern: str) -> str | None:
    """The prefilter form rewritten so that it cannot match a line break, or None where this reader
    does not follow its syntax: \\s -> [\\t\\f\\r ] (RE2's \\s is those and \\n), \\W -> [^\\w\\n],
    \\D -> [^\\d\\n], a negated class [^...] -> [^...\\n], \\s inside a class -> \\t\\f\\r and a space.

    Why: a set's DFA state is the set of its patterns' threads alive at a byte. A form with a broad
    gap ("vill\\s+(?:\\S+\\s+)*?att", "[^.;]*?") kept its thread alive across sentence ends to the end
    of the document, so a state carried every gap opened so far, in the order the document opened
    them: new states in every document, built again in every worker. Sentences are joined with
    "\\n"; a form that cannot match one lets each thread die at its sentence's end.

    Sound for a text none of whose sentences holds a line break of its own (`Index._regexes_live`
    asks for the other sets otherwise): every hit of a regex lies inside one sentence (see
    `Index._regex_matches`), so the form as it was matched somewhere inside that sentence; on text
    without a line break the rewritten form matches exactly where it did (only the classes changed,
    and only at "\\n"; assertions are kept and still see the "\\n" around the sentence)."""
    if _DOT_ALL.search(pattern) is not None or "\n" in pattern:
        return None
    out: list[str] = []
    k, n = 0, len(pattern)
    while k < n:
        c = pattern[k]
        if c == "[":
            j = k + 1
            negated = j < n and pattern[j] == "^"
            j += negated
            items: list[str] = []
            while True:
                if j >= n or pattern[j] == "[":  # unclosed, or a POSIX class / nested "["
                    return None
                if pattern[j] == "]" and items:
                    j += 1
                    break
                if pattern[j] == "\\":
                    if pattern.startswith("\\s", j):
                        items.append("\\s" if negated else "\\t\\f\\r ")
                        j += 2
                        continue
                    end = _escape_end(pattern, j, _NEGATED_ESCAPES if negated else _CLASS_ESCAPES)
                    if end is None:
                        return None
                else:
                    end = j + 1
                items.append(pattern[j:end])
                j = end
            if not negated and _covers_line_break(items):
                return None
            out.append("[^" + "".join(items) + "\\n]" if negated else "[" + "".join(items) + "]")
            k = j
        elif c == "\\":
            if pattern.startswith("\\s", k):
                out.append("[\\t\\f\\r ]")
                end = k + 2
            elif pattern.startswith("\\W", k):
                out.append("[^\\w\\n]")
                end = k + 2
            elif pattern.startswith("\\D", k):
                out.append("[^\\d\\n]")
                end = k + 2
            else:
                found = _escape_end(pattern, k, _KEPT_ESCAPES)
                if found is None:
                    return None
                end = found
                out.append(pattern[k:end])
            k = end
        else:  # a run of characters that are neither: copied at once
            end = _PLAIN_RUN.match(pattern, k).end()  # type: ignore[union-attr]
            out.append(pattern[k:end])
            k = end
    return "".join(out)


_PLAIN_RUN = re.compile(r"[^\\\[]+")


def _anchored(pattern: str) -> bool:
    """Anchors mean something else in sentences joined into one text: such patterns are searched per
    sentence (see Index._regex_matches). The word edges _for_re2 writes are not anchors: a match they
    let cross into the next sentence is searched again in its own sentence, and neither is the caret of
    a negated class ([^,;:]). Memoised per pattern: asked for every regex search (~1,800 a pass over
    the 200-document sample, each two replaces and a substitution)."""
    found = _ANCHORED.get(pattern)
    if found is None:
        bare = _NEGATED_CLASS.sub("[", pattern.replace(_WORD_START, "").replace(_WORD_END, ""))
        found = any(a in bare for a in ("^", "$", "\\A", "\\z"))
        if len(_ANCHORED) >= _ANCHORED_MAX:  # (documents' own short names add patterns: keep it bounded)
            _ANCHORED.clear()
        _ANCHORED[pattern] = found
    return found


_ANCHORED: dict[str, bool] = {}
_ANCHORED_MAX = 4096


_NEGATED_CLASS = re.compile(r"(?<!\\)\[\^")


# A word character as Python's re sees one, for the Latin scripts packs are written in (Latin-1 and
# Latin Extended letters, without × and ÷): RE2's \pL classes cost ~20 % of rule time and 40 MB a worker.
_WORD = r"0-9A-Za-z_\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{24F}"
_WORD_START = rf"(?:^|[^{_WORD}])"
_WORD_END = rf"(?:$|[^{_WORD}])"
_FLAGS = re.compile(r"\(\?[imsU]+\)")


def _for_re2(pattern: str) -> str:
    """The pattern as RE2 must read it to mean what its author, used to Python's re, meant: RE2's \\w
    and \\b are ASCII, so "var fjärde vecka" escaped \\w+ and "\\bår" never matched. \\w and \\W
    become classes of Latin-script word characters (_WORD); a \\b that opens or closes the pattern,
    beside what is surely a word character, becomes "a non-word character or the text's edge" (RE2 has
    no lookbehind). The character that consumes is never part of a token, so the token span of a match
    is the same. Any other \\b (inside the pattern, or beside [\\w-] or an optional part) keeps RE2's
    ASCII meaning."""
    out: list[str] = []
    in_class = False
    k, n = 0, len(pattern)
    while k < n:
        c = pattern[k]
        if c == "\\" and k + 1 < n:
            e = pattern[k + 1]
            if e == "w":
                out.append(_WORD if in_class else f"[{_WORD}]")
            elif e == "W" and not in_class:
                out.append(f"[^{_WORD}]")
            else:
                out.append(pattern[k:k + 2])
            k += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            out.append(c)
            k += 1
            # a "]" (after an optional "^") right at the start of a class is a literal
            if k < n and pattern[k] == "^":
                out.append("^")
                k += 1
            if k < n and pattern[k] == "]":
                out.append("]")
                k += 1
            continue
        out.append(c)
        k += 1
    flags = _FLAGS.match(pattern)
    head = flags.end() if flags else 0
    text = "".join(out)
    # (the translation above leaves the flags and every \\b where they were relative to their neighbours)
    if text.startswith("\\b", head) and _word_atom(pattern[head + 2:], first=True):
        text = text[:head] + _WORD_START + text[head + 2:]
    if text.endswith("\\b") and _escaped(text, len(text) - 1) and _word_atom(pattern[:-2], first=False):
        text = text[:-2] + _WORD_END
    return text


_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})\??$")
_OPTIONAL = re.compile(r"[*?]|\{0?[,}]")  # a quantifier that allows no repetition


def _last_atom_length(fragment: str) -> int:
    """Length of the last atom of a fragment (no quantifier after it)."""
    if len(fragment) >= 2 and _escaped(fragment, len(fragment) - 1):
        return 2
    if fragment[-1:] in ("]", ")"):
        inner = _bracket(fragment, False)
        return len(inner) + 2 if inner is not None else len(fragment)
    return 1


def _atom_length(fragment: str) -> int:
    """Length of the first atom of a fragment: an escape, a class, a group or one character."""
    if fragment.startswith("\\"):
        return 2
    if fragment[:1] in "[(":
        inner = _bracket(fragment, True)
        return len(inner) + 2 if inner is not None else len(fragment)
    return 1


def _word_atom(fragment: str, first: bool) -> bool:
    """Does the fragment certainly begin (first) or end with a word character? Only then is a \\b
    beside it a word edge that "non-word character or text edge" expresses exactly: a letter or digit,
    \\d or \\w, a class of letters and digits, or a group each alternative of which does."""
    if not first:
        m = _QUANTIFIER.search(fragment)
        if m and not _escaped(fragment, m.start()):
            fragment = fragment[:m.start()]
            if _OPTIONAL.match(m.group()):  # the atom may be absent: what stands before it must also do
                cut = len(fragment) - _last_atom_length(fragment)
                return cut > 0 and _word_atom(fragment[cut:], False) and _word_atom(fragment[:cut], False)
    elif _OPTIONAL.match(fragment[_atom_length(fragment):]):
        return False
    if not fragment:
        return False
    if first:
        if fragment[0] == "\\":
            return fragment[1:2] in ("d", "w")
        edge = fragment[0]
    else:
        edge = fragment[-1]
        if _escaped(fragment, len(fragment) - 1):
            return edge in ("d", "w")
    if edge.isalnum():
        return True
    if edge in "[]":
        cls = _bracket(fragment, first)
        return cls is not None and re.fullmatch(r"(?:[^\W_]|[^\W_]-[^\W_]|\\d|\\w)+", cls) is not None
    if edge in "()":
        group = _bracket(fragment, first)
        if group is None:
            return False
        group = re.sub(r"^\?(?::|[imsU]+:)", "", group)
        return all(_word_atom(alt, first) for alt in _split_top(group))
    return False


def _escaped(text: str, at: int) -> bool:
    """Is the character at `at` escaped (an odd run of backslashes before it)?"""
    run = 0
    while at - run - 1 >= 0 and text[at - run - 1] == "\\":
        run += 1
    return run % 2 == 1


def _bracket(fragment: str, first: bool) -> str | None:
    """The inside of the class or group that opens (first) or closes the fragment; None if unclear."""
    opener, closer = ("[", "]") if fragment[0 if first else -1] in "[]" else ("(", ")")
    if fragment[0 if first else -1] != (opener if first else closer):
        return None
    if opener == "[":
        if first:
            end = fragment.find("]", 2 if fragment.startswith("[^") else 1)
            return fragment[1:end] if end > 0 and not fragment.startswith("[^") else None
        start = fragment.rfind("[")
        body = fragment[start + 1:-1]
        return body if start >= 0 and not body.startswith("^") and "[" not in body else None
    depth = 0
    order = range(len(fragment)) if first else range(len(fragment) - 1, -1, -1)
    for k in order:
        c = fragment[k]
        if _escaped(fragment, k):
            continue
        depth += (c == opener) - (c == closer) if first else (c == closer) - (c == opener)
        if depth == 0:
            return fragment[1:k] if first else fragment[k + 1:-1]
    return None


def _split_top(group: str) -> list[str]:
    """A group's alternatives at its own level."""
    parts, depth, cur, k = [], 0, [], 0
    while k < len(group):
        c = group[k]
        if c == "\\":
            cur.append(group[k:k + 2])
            k += 2
            continue
        depth += (c == "(") - (c == ")")
        if c == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        k += 1
    parts.append("".join(cur))
    return parts


def _tokens(text: str) -> list[str]:
    """Casefolded word tokens. Casefolding the sentence once gives the same tokens as casefolding each
    token when no character changes length (ß -> ss) and U+0345 (casefolds to a letter) is absent."""
    folded = text.casefold()
    if len(folded) == len(text) and "\u0345" not in text:
        return TOKEN.findall(folded)
    return [m.group().casefold() for m in TOKEN.finditer(text)]


def _all_tokens(sentences: list[str], joined: str) -> list[list[str]]:
    """`_tokens` of every sentence; `joined` is the sentences with "\\n" between them. When casefolding
    keeps every length, one casefold of the whole text serves all sentences: a search from a sentence's
    start to its end sees exactly its words (no token crosses the "\\n"). About twice as fast."""
    folded = joined.casefold()
    if len(folded) != len(joined) or "\u0345" in joined:
        if _index_native is not None:  # the same in compiled code (index_native.py)
            return _index_native.tokens_each(sentences, str.casefold)
        return [_tokens(s) for s in sentences]
    if _index_native is not None:  # the same loop in compiled code (index_native.py)
        return _index_native.tokens(folded, sentences)
    findall, out, pos = TOKEN.findall, [], 0
    for s in sentences:
        end = pos + len(s)
        out.append(findall(folded, pos, end))
        pos = end + 1
    return out


# "Individual Development Plan (IDP)", "Health and Social Care Trust (HSCT)", '"CFT" means a Child and
# Family Team': a document defines an abbreviation once and then writes only the abbreviation.
_ABBREV_AFTER = re.compile(r"\(\s*([A-ZÅÄÖ][A-Za-zÅÄÖåäö]{1,7})s?\s*\)")
_ABBREV_MEANS = re.compile(
    r"[\"“”'‘’]([A-ZÅÄÖ][A-Za-zÅÄÖåäö]{1,7})[\"“”'‘’]\s+(?:means|refers\s+to|avser|betyder|står\s+för)\s+"
    r"(?:an?\s+|the\s+)?((?:[\w'’-]+\s+){0,8}[\w'’-]+)")
_CORPORATE = frozenset("inc ltd llc plc lp ab co corp".split())
# the word that introduces a name's number ("School District No. 27", "Skolområde nr 4"): part of the code
_NUMBER_MARK = frozenset("no nr number nummer".split())
_ABBREV_SKIP = frozenset("and of for the in on with to och för i på med av inom & -".split())
# 'Cascade Falls School District 12J (the "District")', 'Riverside Community Health Center, Inc., a
# federally qualified health center ("Riverside")': a short name defined in brackets for the words before
_SHORT_NAME = re.compile(
    r"\(\s*(?:the\s+|hereafter\s+|hereinafter\s+|nedan\s+|härefter\s+)?(?:called\s+|kallad\s+|kallat\s+)?"
    r"[\"“”'‘’](?:[Tt]he\s+)?([A-ZÅÄÖ][\w&.-]{1,30})[\"“”'‘’]\s*\)"
    # unquoted, with its article: "... mental health center operating under KRS 210.370 (the Center)"
    r"|\(\s*[Tt]he\s+([A-Z][a-z]{2,30})\s*\)")
# the segment of a sentence a name stands in: between commas, brackets or "between"/"and" of the parties
_SEGMENT = re.compile(r"[^,;:()]+")
_NAME_START = re.compile(r"(?:^|[,;:(]|\b(?:between|mellan)\b)[^,;:()]*$", re.IGNORECASE)


def _head_segment(text: str, before: int, head: str) -> tuple[int, int] | None:
    """(start, end) of the words of the last comma-free segment before `before` in which the word `head`
    stands, cut after that word: the name a short form like "the Department" or "the Center" is the head of
    ("the Idaho Department of Health and Welfare", "the regional community mental health center operating
    under ..." -> "... mental health center"). None when the word is not there."""
    want = head.lower()
    for seg in reversed(list(_SEGMENT.finditer(text, 0, before))):
        words = list(TOKEN.finditer(text, seg.start(), seg.end()))
        last = max((i for i, w in enumerate(words) if w.group().lower() == want), default=None)
        if last is not None:
            # the name starts after the last word that introduces a party ("between", "with", "and") and its article
            first = max((i + 1 for i in range(last) if words[i].group().lower() in _PARTY_LEAD), default=0)
            while first < last and words[first].group().lower() in _LEAD_WORDS:
                first += 1
            if first == last:
                return None  # the word opens the name: a proper name ("Riverside"), not the head of one
            end = len(words) - 1 if last + 1 < len(words) and words[last + 1].group().lower() in _OF else last
            return words[first].start(), words[end].end()
    return None


# a head's complement runs on: "Department of Health and Welfare", "Förvaltningen för barn och unga"
_OF = frozenset("of for för".split())


# words a name's segment may open with that are not part of the name ("Between the Idaho Department ...")
_LEAD_WORDS = frozenset("between and the a an with mellan och".split())
_PARTY_LEAD = frozenset("between and with mellan och med".split())
# a description given a short name opens with an article, and its head stands before what modifies it:
# "a ... clinic operating in Nevada", "a centre under contract"
_ARTICLES = frozenset("a an en ett".split())
_POST_MODIFIER = frozenset("operating located based serving providing licensed funded contracted under in within that "
                           "which who with for som med i inom enligt".split())


def _initials_fit(words: list[str], letters: str) -> int:
    """How many of the last `words` spell `letters` by their initials (function words skipped), or 0.
    "Child and Family Team" spells CFT; a lower-case expansion counts as well ("samordnad individuell
    plan" for SIP), since the letters are compared case-blind."""
    want, used, k = letters.lower(), 0, len(words)
    while k > 0 and used < len(want):
        w = words[k - 1]
        if w.lower() in _ABBREV_SKIP:
            k -= 1
            continue
        if w[:1].lower() != want[len(want) - 1 - used]:
            return 0
        used, k = used + 1, k - 1
    return len(words) - k if used == len(want) else 0


def _letters(abbr: str) -> str:
    """The letters an abbreviation spells: all of "IDP", the capitals of "ALNCo"."""
    return abbr if abbr.isupper() else "".join(c for c in abbr if c.isupper())


def abbreviations(sentences: list[str]) -> list[tuple[int, int, int, str, int]]:
    """(sentence, start, end, abbreviation, at): where a document spells out an abbreviation it uses
    (character offsets of the spelled-out words, and of the abbreviation there), so terms that match the
    words match the abbreviation."""
    found = []
    for si, text in enumerate(sentences):
        if "(" in text:
            for m in _ABBREV_AFTER.finditer(text):
                abbr = m.group(1)
                letters = _letters(abbr)
                before = list(TOKEN.finditer(text, 0, m.start()))[-(len(letters) * 2 + 2):]
                n = _initials_fit([t.group() for t in before], letters) if len(letters) >= 2 else 0
                if n:
                    found.append((si, before[len(before) - n].start(), before[-1].end(), abbr.lower(), m.start(1)))
            for m in _SHORT_NAME.finditer(text):
                short, at = (m.group(1), m.start(1)) if m.group(1) else (m.group(2), m.start(2))
                lead = _NAME_START.search(text, 0, m.start())
                start = lead.start() if lead else 0
                words = list(TOKEN.finditer(text, start, m.start()))
                named = [w.group().lower() for w in words if w.group().lower() not in _LEAD_WORDS]
                if named[:1] != [short.lower()]:
                    # a short name that is a common head noun ("the Department", "the Center", "the District") stands
                    # for the name it heads, in the nearest segment before it that holds the word
                    head = _head_segment(text, m.start(), short)
                    if head is not None:
                        words = list(TOKEN.finditer(text, *head))
                    elif words and words[0].group().lower() in _ARTICLES:
                        # "..., a certified community behavioral health clinic operating in Nevada ("the Provider")":
                        # the description's head stands before what modifies it
                        cut = next((i for i, w in enumerate(words) if i >= 2 and w.group().lower() in _POST_MODIFIER),
                                   len(words))
                        words = words[:cut]
                if words:
                    found.append((si, words[0].start(), words[-1].end(), short.lower(), at))
        if "mean" in text or "avser" in text or "betyder" in text or "står" in text:
            for m in _ABBREV_MEANS.finditer(text):
                abbr = m.group(1)
                letters = _letters(abbr)
                after = list(TOKEN.finditer(text, m.start(2), m.end(2)))
                for k in range(len(letters), len(after) + 1):  # the fewest words that spell it
                    if _initials_fit([t.group() for t in after[:k]], letters) == k:
                        found.append((si, after[0].start(), after[k - 1].end(), abbr.lower(), m.start(1)))
                        break
    return found


class Index:
    """Per-document vocabulary index over a list of sentences."""

    def __init__(self, sentences: list[str], lang: str, lexicon: Lexicon | None = None) -> None:
        self.sentences = sentences
        self.lang = lang
        self._joined: str | None = None
        self._starts: list[int] = []
        self.words: list[list[str]] = _all_tokens(sentences, self.joined()) if sentences else []
        self.lexicon = lexicon if lexicon is not None and lexicon.lang == lang else None
        self._by_pattern: dict[int, list[str]] = defaultdict(list)
        # word -> (sentence, token) positions: with a lexicon, only of the words some pattern matches
        # (a fifth of the tokens); `_all_positions` fills in the rest if a pattern outside it asks.
        self.positions: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._complete = self.lexicon is None
        # ids of the lexicon's terms that can match in this document, and SEARCH (see find_many)
        self._search: set[int] = {SEARCH}
        if self.lexicon is None:
            self._all_positions()
        else:
            # (the order of words is immaterial: hits are sorted)
            relevant = self.lexicon.matched(set(chain.from_iterable(self.words)))
            by_pattern = self._by_pattern
            for w, pids in relevant.items():
                for pid in pids:
                    by_pattern[pid].append(w)
            self._search = self.lexicon.live_terms(by_pattern)
            self._search.add(SEARCH)
            positions, words_in = self.positions, relevant.keys()
            if _index_native is not None:  # the loop below in compiled code (index_native.py)
                _index_native.positions(self.words, relevant, positions)
            else:
                for si, words in enumerate(self.words):
                    if not words_in.isdisjoint(words):
                        for ti, w in enumerate(words):
                            if w in relevant:
                                positions[w].append((si, ti))
        self._stem_of: dict[str, str] | None = None
        self._offsets: dict[int, tuple[list[int], list[int]]] = {}
        self._cache: dict[str, dict[int, list[Span]]] = {}
        self._words: dict[WordPattern, set[str]] = {}
        self._possible: set[int] | None = None
        self._utf8: tuple[bytes, list[int]] | None = None
        self._aliases: list[tuple[int, Span, list[tuple[int, int, int]]]] | None = None
        self._aliased: dict[str, dict[int, list[Span]]] = {}

    def _all_positions(self) -> None:
        positions = self.positions = defaultdict(list)
        for si, words in enumerate(self.words):
            for ti, w in enumerate(words):
                positions[w].append((si, ti))
        self._complete = True

    def offsets(self, si: int) -> tuple[list[int], list[int]]:
        """Where the sentence's tokens start and end (only regex hits and clause splits need them)."""
        found = self._offsets.get(si)
        if found is None and _index_native is not None:  # the same in compiled code (index_native.py)
            found = self._offsets[si] = _index_native.spans(self.sentences[si])
        if found is None:
            spans = [m.span() for m in TOKEN.finditer(self.sentences[si])]
            found = self._offsets[si] = ([a for a, _ in spans], [b for _, b in spans])
        return found

    def _words_for(self, wp: WordPattern) -> set[str]:
        """Vocabulary words a word pattern matches; memoised (packs repeat "och", "ansvar*", ...)."""
        found = self._words.get(wp)
        if found is None:
            pid = self.lexicon.ids.get(wp) if self.lexicon is not None else None
            if pid is not None:
                found = set(self._by_pattern.get(pid, ()))
            else:  # a pattern outside the lexicon: check the vocabulary word by word
                if not self._complete:
                    self._all_positions()
                if self._stem_of is None:
                    vocab = list(self.positions)
                    self._stem_of = dict(zip(vocab, stem_words(vocab, self.lang), strict=True))
                found = {w for w, st in self._stem_of.items() if word_matches(wp, w, st, self.lang)}
            self._words[wp] = found
        return found

    def find_many(self, terms: list[Term]) -> list[dict[int, list[Span]]]:
        """`find` for each term that can match (word terms the lexicon rules out are skipped, not
        looked up: most terms of a pack are absent from any one document)."""
        if self.lexicon is None:
            return [self.find(t) for t in terms]
        if self._possible is None:
            self._regexes_live()
        search = self._search
        plan, ids = self.lexicon.plan_ids(terms)
        if search.isdisjoint(ids):
            return []
        find = self.find
        return [find(t) for tid, t in plan if tid in search]

    def find(self, term: Term) -> dict[int, list[Span]]:
        """Sentence index -> token spans where the term matches, and where the document writes an
        abbreviation whose spelled-out words it matches ("IDP" where "Individual Development Plan (IDP)"
        is matched)."""
        if self._aliases is None:
            self._aliases = self._find_aliases()
        if not self._aliases:
            return self._find(term)
        found = self._aliased.get(term.source)
        if found is None:
            found = self._aliased[term.source] = self._with_aliases(self._find(term))
        return found

    def _find_aliases(self) -> list[tuple[int, Span, list[tuple[int, int, int]]]]:
        """(sentence, token span of the spelled-out words, positions of the abbreviation elsewhere).
        An abbreviation the packs' words already know (SIP, BUP, CAMHS) keeps the meaning they give it."""
        defined = [d for d in abbreviations(self.sentences)
                   if self.lexicon is None or not self.lexicon.is_term(d[3])]
        if not defined:
            return []
        # an abbreviation is one or more tokens: "BH-ASO" is read as "bh", "aso"
        parts = {d[3]: tuple(TOKEN.findall(d[3])) for d in defined}
        wanted = {p[0] for p in parts.values() if p}
        where: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
        for sj, toks in enumerate(self.words):
            if not wanted.isdisjoint(toks):
                for ti, w in enumerate(toks):
                    if w in wanted:
                        for ps in parts.values():
                            if ps and ps[0] == w and tuple(toks[ti:ti + len(ps)]) == ps:
                                where[ps].append((sj, ti))
        out = []
        for si, start, end, abbr, own in defined:
            ps = parts[abbr]
            if not ps:
                continue
            own_at = (si, self._char_span_to_tokens(si, own, own + len(abbr))[0])
            a, b = self._char_span_to_tokens(si, start, end)
            words = self.words[si]
            while b - 1 > a and (any(c.isdigit() for c in words[b - 1]) or words[b - 1] in _CORPORATE
                                 or words[b - 1] in _NUMBER_MARK):
                b -= 1  # "School District No. 12J", "Health Center, Inc.": the head stands before the code
            at = [(sj, ti, ti + len(ps)) for sj, ti in where[ps]
                  if (sj, ti) != own_at and not (sj == si and a <= ti < b)
                  and not self._inside_code(sj, ti, ti + len(ps))]
            if at:
                out.append((si, (a, b), at))
        return out

    def _inside_code(self, si: int, ti: int, tj: int) -> bool:
        """Whether tokens ti..tj stand inside a reference code with digits ("HR-SSDEC-07", "SSDEC/2024/3"):
        there the letters are part of a number, not the body the abbreviation names."""
        text = self.sentences[si]
        starts, ends = self.offsets(si)
        a, b = starts[ti], ends[tj - 1]
        while a > 0 and not text[a - 1].isspace():
            a -= 1
        while b < len(text) and not text[b].isspace():
            b += 1
        chunk = text[a:starts[ti]] + text[ends[tj - 1]:b]
        return any(c.isdigit() for c in chunk) and any(c in "-/" for c in chunk)

    def _with_aliases(self, hits: dict[int, list[Span]]) -> dict[int, list[Span]]:
        """The term's hits, and the abbreviation's positions where the term matches the spelled-out
        words up to their last one - the head that says what the thing is ("Child and Family Team",
        "Health and Social Care Trust"); a word inside them ("child") does not name the abbreviation."""
        extra: dict[int, list[Span]] = defaultdict(list)
        for si, (a, b), at in self._aliases or ():
            if any(a <= x and y == b for x, y in hits.get(si, ())):
                for sj, ti, tj in at:
                    extra[sj].append((ti, tj))
        if not extra:
            return hits
        merged = {si: list(spans) for si, spans in hits.items()}
        for si, spans in extra.items():
            merged[si] = sorted(set(merged.get(si, [])) | set(spans))
        return dict(sorted(merged.items()))

    def _find(self, term: Term) -> dict[int, list[Span]]:
        cached = self._cache.get(term.source)
        if cached is not None:
            return cached
        hits: dict[int, list[Span]] = defaultdict(list)
        if term.regex is not None:
            if not self._may_match(term.regex):
                self._cache[term.source] = {}
                return {}
            for si, start, end in self._regex_matches(term.regex):
                hits[si].append(self._char_span_to_tokens(si, start, end))
        else:
            pids = self.lexicon.term_pids.get(id(term)) if self.lexicon is not None else None
            cand: set[str] | list[str]
            if pids is not None:  # the lexicon has matched the vocabulary already
                by_pattern = self._by_pattern
                found = [by_pattern.get(pid) for pid in pids]
                if not all(found):  # most terms of a pack: some word of it is not in the document
                    self._cache[term.source] = {}
                    return self._cache[term.source]
                cand, rest = found[0], [set(f) for f in found[1:]]  # type: ignore[assignment,arg-type]
            else:
                cand = self._words_for(term.words[0])
                rest = [self._words_for(wp) for wp in term.words[1:]] if cand else []
                if any(not r for r in rest):
                    cand = set()
            n, positions, words = len(term.words), self.positions, self.words
            if not rest and len(cand) == 1:  # one word in one form: its positions are in order already
                result: dict[int, list[Span]] = {}
                for si, ti in positions[next(iter(cand))]:
                    spans = result.get(si)
                    if spans is None:
                        result[si] = [(ti, ti + n)]
                    else:
                        spans.append((ti, ti + n))
                self._cache[term.source] = result
                return result
            if not rest:  # one word: every position is a hit
                for w in cand:
                    for si, ti in positions[w]:
                        hits[si].append((ti, ti + n))
            elif len(rest) == 1:  # two words: the next token must be one of the second word's forms
                second = rest[0]
                for w in cand:
                    for si, ti in positions[w]:
                        toks = words[si]
                        if ti + 1 < len(toks) and toks[ti + 1] in second:
                            hits[si].append((ti, ti + n))
            else:
                for w in cand:
                    for si, ti in positions[w]:
                        toks = words[si]
                        if all(ti + k + 1 < len(toks) and toks[ti + k + 1] in r for k, r in enumerate(rest)):
                            hits[si].append((ti, ti + n))
        # Sorted: candidate words come from sets, and evidence order must not depend on hash seeds.
        result = {si: spans if len(spans) == 1 else sorted(set(spans)) for si, spans in sorted(hits.items())}
        self._cache[term.source] = result
        return result

    def _regex_matches(self, regex) -> list[tuple[int, int, int]]:
        """(sentence, start, end) of every match, exactly as a search sentence by sentence finds them,
        but with one RE2 call per match over the document: a call per sentence and pattern cost ~4 µs
        of wrapper overhead (UTF-8 encoding, offset mapping), which dominated rule evaluation.

        Sentences are joined with "\\n". A match inside one sentence is the same match a search of that
        sentence alone finds (RE2 sees "\\n" as a non-word neighbour, like a text edge); where a match
        crosses a separator, the sentences it touches are searched on their own. Patterns with anchors
        (^ $) are searched in their multiline form, where ^ and $ match at every "\\n", when no sentence
        holds a "\\n" of its own; otherwise (and with \\A \\z) sentence by sentence."""
        if not self.sentences:
            return []
        data: bytes | None
        if _anchored(regex.pattern):
            joined_form = _multiline(regex) if self._single_lines() else None
            native = _native(joined_form) if joined_form is not None else None
            spans = _utf8_spans(native, self.utf8()[0]) if native is not None else None
            if spans is None or any(a == b for a, b in spans):
                # (after an empty match the search steps on differently at a sentence's end than at the
                # text's: such a pattern is searched sentence by sentence, as anchored ones always were)
                return [(si, m.start(), m.end()) for si, text in enumerate(self.sentences)
                        for m in regex.finditer(text)]
            data, starts = self.utf8()
        elif (native := _native(regex)) is not None:
            data, starts = self.utf8()
            spans = _utf8_spans(native, data)
        else:  # the wrapper's own search, over the text as str
            data, starts = None, self._starts
            spans = [(m.start(), m.end()) for m in regex.finditer(self.joined())]
        sentences = self.sentences
        last = len(sentences) - 1
        found: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        dirty: set[int] = set()
        for a, b in spans:
            si = bisect.bisect_right(starts, a) - 1
            start = starts[si]
            text = sentences[si]
            if data is None:
                if b <= start + len(text):
                    found[si].append((si, a - start, b - start))
                    continue
            else:  # byte offsets: the sentence's bytes end where the "\n" before the next one stands
                stop = starts[si + 1] - 1 if si < last else len(data)
                if b <= stop:
                    if text.isascii():
                        found[si].append((si, a - start, b - start))
                    else:
                        own = data[start:stop]
                        ca = len(own[:a - start].decode())
                        found[si].append((si, ca, ca + len(own[a - start:b - start].decode())))
                    continue
            dirty.update(range(si, bisect.bisect_right(starts, b)))
        own_native = _native(regex) if data is not None else None
        for si in dirty:
            text = sentences[si]
            if own_native is None:
                found[si] = [(si, m.start(), m.end()) for m in regex.finditer(text)]
            elif text.isascii():  # the sentence alone, as the wrapper's finditer would search it
                found[si] = [(si, a, b) for a, b in _utf8_spans(own_native, text.encode())]
            else:
                own = text.encode()
                found[si] = [(si, len(own[:a].decode()), len(own[:b].decode()))
                             for a, b in _utf8_spans(own_native, own)]
        return [hit for si in sorted(found) for hit in found[si]]

    def _single_lines(self) -> bool:
        """No sentence holds a "\\n": the joined text's line breaks are exactly its separators."""
        return self.joined().count("\n") == len(self.sentences) - 1

    def utf8(self) -> tuple[bytes, list[int]]:
        """The joined text in UTF-8 and where each sentence starts in it, once per document: RE2 reads
        bytes, and the wrapper encoded the whole text again for every pattern and prefilter set."""
        if self._utf8 is None:
            joined = self.joined()
            data = joined.encode()
            if len(data) == len(joined):
                starts = self._starts
            else:
                starts, pos = [], 0
                for text in self.sentences:
                    starts.append(pos)
                    pos += (len(text) if text.isascii() else len(text.encode())) + 1
            self._utf8 = (data, starts)
        return self._utf8

    def joined(self) -> str:
        """The sentences as one text, "\\n" between them (`_starts`: where each begins)."""
        if self._joined is None:
            starts, pos = [], 0
            for text in self.sentences:
                starts.append(pos)
                pos += len(text) + 1
            self._starts, self._joined = starts, "\n".join(self.sentences)
        return self._joined

    def sentences_with(self, pattern: re.Pattern[str]) -> list[int]:
        """Sentences where a pattern that cannot match a line break matches: one search of the text."""
        text = self.joined()
        starts, out = self._starts, []
        for m in pattern.finditer(text):
            si = bisect.bisect_right(starts, m.start()) - 1
            if not out or out[-1] != si:
                out.append(si)
        return out

    def _regexes_live(self) -> None:
        """Run the prefilter and put the regexes that can match into the live set: a regex term the
        document cannot match is then skipped by `find_many` like an absent word (~37,000 `find`
        calls on the 200-document sample that each looked the pattern up to return nothing).

        The sets read each distinct sentence once (a hit lies inside one sentence; repeated headers
        and footers were ~13 % of the sample's bytes), and the sets of line-free forms serve unless
        some sentence holds a line break of its own (`Lexicon.possible`)."""
        lex = self.lexicon
        if lex is None or not lex.regex_sets:
            self._possible = set()
            return
        if not self.sentences:
            self._possible = set()
            return
        distinct = list(dict.fromkeys(self.sentences))
        text = "\n".join(distinct)
        self._possible = lex.possible(text.encode(), line_breaks=text.count("\n") != len(distinct) - 1)
        self._search.update(_regex_tid(rid) for rid in self._possible)

    def _may_match(self, regex) -> bool:
        """False when the lexicon's regex set shows the pattern matches nowhere in the document."""
        lex = self.lexicon
        rid = lex.regex_id(regex.pattern) if lex is not None and lex.regex_sets else None
        if rid is None:
            return True
        if self._possible is None:
            self._regexes_live()
        return rid in self._possible  # type: ignore[operator]

    def _char_span_to_tokens(self, si: int, start: int, end: int) -> Span:
        starts, ends = self.offsets(si)
        first = bisect.bisect_right(ends, start)  # first token ending after start
        last = bisect.bisect_left(starts, end)  # first token starting at/after end
        return (first, max(first + 1, last))
