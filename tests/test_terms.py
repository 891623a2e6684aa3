"""Terms survive inflection and Swedish compounding, without matching unrelated words."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcheck.rules import conditions
from govcheck.rules.terms import (
    TOKEN,
    Index,
    Lexicon,
    _for_re2,
    _line_form,
    _loose_repeats,
    _native,
    _tokens,
    _trim_edges,
    _utf8_spans,
    abbreviations,
    compile_term,
    stem_words,
    word_matches,
)

_ROOT = Path(__file__).resolve().parent
_SAMPLES = [f for d in ("holdout", "holdout2") for f in sorted((_ROOT / d / "docs").iterdir())] + \
    sorted((_ROOT.parent / "examples").glob("*.md"))


def matches(term: str, text: str, lang: str = "sv") -> list[str]:
    """The matched words, found both ways - word by word, and through a scan-wide Lexicon - which
    must agree (the lexicon is only an accelerator)."""
    compiled = compile_term(term, lang)
    found = []
    for idx in (Index([text], lang), Index([text], lang, Lexicon(lang, [compiled]))):
        spans = idx.find(compiled).get(0, [])
        found.append([" ".join(idx.words[0][a:b]) for a, b in spans])
    assert found[0] == found[1]
    return found[0]


def test_prefix_reaches_inflections_and_compounds() -> None:
    found = matches("ansvar*", "Regionen ansvarar. Ansvarsfördelningen är tydlig.")
    assert found == ["ansvarar", "ansvarsfördelningen"]


def test_suffix_reaches_compound_heads_with_inflection() -> None:
    assert matches("*ansvar", "Det är ett huvudmannaansvar och huvudmannaansvaret gäller.") == [
        "huvudmannaansvar", "huvudmannaansvaret",
    ]


def test_a_swedish_compound_head_reaches_its_plural_and_definite_forms() -> None:
    # the head's declension comes from its ending: agent nouns in -are, -or, -ska, -log, groups, boards
    text = "Fritidsledarna, kuratorerna, skolsköterskorna och psykologerna i arbetsgrupperna och nämnderna"
    assert matches("*ledare", text) == ["fritidsledarna"]
    assert matches("*kurator", text) == ["kuratorerna"]
    assert matches("*sköterska", text) == ["skolsköterskorna"]
    assert matches("*psykolog", text) == ["psykologerna"]
    assert matches("*grupp", text) == ["arbetsgrupperna"]
    assert matches("*nämnd", text) == ["nämnderna"]
    # not in English
    assert matches("*ledare", "the team leaders", "en") == []


def test_word_mode_takes_inflections_but_not_derivations() -> None:
    assert matches("kommun", "Kommunen och kommunerna, inte kommunikationen.") == ["kommunen", "kommunerna"]
    assert matches("samordnar", "Hon samordnar en samordnad plan.") == ["samordnar"]


def test_a_swedish_verb_term_reaches_its_infinitive_and_present_but_not_its_tenses_or_voice() -> None:
    # the infinitive after a modal and the present are one verb
    assert matches("omfattar", "Modellen ska omfatta elever och omfattar även föräldrar.") == ["omfatta", "omfattar"]
    assert matches("erbjuder", "Regionen ska erbjuda samtal.") == ["erbjuda"]
    assert matches("följas", "Planen följs upp varje år.") == ["följs"]
    # the past, a participle and the other voice mean other things to the rules
    assert matches("kallar", "Så kallade möten kallades in.") == []
    assert matches("utredas", "Socialtjänsten ska utreda behovet.") == []


def test_an_abbreviation_the_document_spells_out_matches_what_its_words_match() -> None:
    text = "The Individual Development Plan (IDP) is new. Every IDP is reviewed once a year."
    assert matches("individual development plan*", text, "en") == ["individual development plan", "idp"]
    # '"CFT" means a Child and Family Team': the definition the other way round
    assert matches("child and family team*", '"CFT" means a Child and Family Team. A CFT meeting is held.', "en") == [
        "child and family team", "cft"]
    # a short name defined in brackets, for a name that ends in a code
    text = 'Between Cascade Falls School District 12J (the "District") and the County. The District provides space.'
    assert matches("school district*", text, "en") == ["school district", "district"]
    # only a term that names the whole thing - up to its head word - reaches the abbreviation
    assert matches("child", "The Child and Family Team (CFT) meets. The CFT decides.", "en") == ["child"]
    # letters that do not spell the words before the brackets are no definition
    assert matches("plan*", "A written plan (see Annex B) follows. AB signs it.", "en") == ["plan"]


def test_multiword_terms_with_hyphenated_coordination() -> None:
    assert matches("hälso- och sjukvård*", "Hälso- och sjukvårdsnämnden beslutar.") == ["hälso och sjukvårdsnämnden"]


def test_english_possessive_and_plural() -> None:
    assert matches("children's services", "Children's Services will lead.", "en") == ["children s services"]
    assert matches("party", "Both parties agree.", "en") == ["parties"]


def test_regex_is_case_sensitive_unless_asked() -> None:
    assert matches(r"re:\bSIP\b", "En SIP och en sip.") == ["sip"]
    assert len(matches(r"re:(?i)\bSIP\b", "En SIP och en sip.")) == 2


def test_english_words_match_inflections_not_derivations() -> None:
    """Porter stems "authority" to "author": a document owner term must not fire on every authority."""
    assert matches("author", "The local authority decides.", "en") == []
    assert matches("approve", "It was approved and is approving.", "en") == ["approved", "approving"]
    assert matches("party", "Both parties agree.", "en") == ["parties"]
    assert matches("commit", "The board committed funds.", "en") == ["committed"]


def test_regex_absent_from_the_document_is_ruled_out_by_the_set_and_found_when_present() -> None:
    assert matches(r"re:\bSFS \d{4}:\d+", "Lagen (SFS 2001:453) gäller.") == ["sfs 2001 453"]
    assert matches(r"re:\bSFS \d{4}:\d+", "Ingen lag nämns här.") == []
    assert matches(r"re:^Lagen", "Lagen gäller.") == ["lagen"]  # anchored: searched per sentence


def test_find_many_skips_the_regexes_the_prefilter_rules_out_and_finds_the_others() -> None:
    """A regex the prefilter rules out is skipped like an absent word; one outside the prefilter (a
    Term the lexicon has never seen) is searched; the hits are those of a search without a lexicon."""
    sfs, lag = compile_term(r"re:\bSFS \d{4}:\d+", "sv"), compile_term("re:(?i)lagen", "sv")
    alias = compile_term(r"re:\bHA\b", "sv")  # (defined_aliases makes such terms per document)
    lexicon = Lexicon("sv", [sfs, lag])
    for texts in (["Lagen (SFS 2001:453) gäller.", "HA ansvarar."], ["Ingen lag nämns här.", "HA"], ["Lagen gäller."]):
        plain, indexed = Index(texts, "sv"), Index(texts, "sv", lexicon)
        expected = [h for h in plain.find_many([sfs, alias, lag]) if h]
        assert [h for h in indexed.find_many([sfs, alias, lag]) if h] == expected
        assert indexed.find(sfs) == plain.find(sfs)


def test_casefolding_keeps_tokens_when_characters_change_length() -> None:
    assert matches("strasse", "Die STRASSE und die Straße.", "sv") == ["strasse", "strasse"]
    assert matches("istanbul", "İstanbul", "en") == []  # İ folds to i + a combining dot: two tokens
    # Sentences are tokenised together; a line break inside one stays inside it.
    assert Index(["Första\nraden ansvarar.", "", "KOMMUNEN"], "sv").words == [
        ["första", "raden", "ansvarar"], [], ["kommunen"]]
    assert Index(["Straße", "ÅR"], "sv").words == [["strasse"], ["år"]]


_WORDS = st.text(alphabet="abcdeklmnorstuvyåäö", min_size=1, max_size=12)
_PATTERNS = st.tuples(st.sampled_from(["", "*"]), _WORDS, st.sampled_from(["", "*"])).map("".join)


@settings(max_examples=300, deadline=None)
@given(patterns=st.lists(_PATTERNS, min_size=1, max_size=6), words=st.lists(_WORDS, min_size=1, max_size=20),
       lang=st.sampled_from(["sv", "en"]))
def test_lexicon_agrees_with_word_by_word_matching(patterns: list[str], words: list[str], lang: str) -> None:
    terms = [compile_term(p, lang) for p in patterns]
    lex = Lexicon(lang, terms)
    for w, stem in zip(words, stem_words(words, lang), strict=True):
        if not re.fullmatch(TOKEN, w):
            continue
        expected = {pid for pid, wp in enumerate(lex.patterns) if word_matches(wp, w, stem, lang)}
        assert set(lex.match(w, stem)) == expected, (w, patterns)


def test_the_c_stemmer_gives_the_pure_python_snowball_stems() -> None:
    """snowballstemmer hands stemming to PyStemmer (C) when it is installed, as it is here; the rule
    packs' examples were written against Snowball's reference stems, so the two must agree."""
    import snowballstemmer
    from snowballstemmer.english_stemmer import EnglishStemmer
    from snowballstemmer.swedish_stemmer import SwedishStemmer

    assert type(snowballstemmer.stemmer("swedish")).__module__ == "Stemmer"  # the fast path is on
    words = sorted({w for f in _SAMPLES for w in TOKEN.findall(f.read_text(encoding="utf-8").casefold())})
    assert len(words) > 1500
    for lang, reference in (("sv", SwedishStemmer()), ("en", EnglishStemmer())):
        assert stem_words(words, lang) == reference.stemWords(words), lang


def test_dates_with_a_day_are_the_same_whether_or_not_years_and_months_count() -> None:
    import datetime as dt

    from govcheck.rules.conditions import find_dates

    text = "Gäller från 4 March 2021 (beslut 2021-02-15) till december 2023, ses över 2025; SFS 2001:453."
    assert find_dates(text, exact=True) == [dt.date(2021, 2, 15), dt.date(2021, 3, 4)]
    assert find_dates(text) == [dt.date(2021, 2, 15), dt.date(2021, 3, 4), dt.date(2023, 12, 31),
                                dt.date(2025, 12, 31)]  # "March 2021" inside the full date is not a second date


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Avtalet gäller till och med 31.12.2027.", ["2027-12-31"]),  # Finland: day first, dots
        ("Review date: 12/04/2025", ["2025-04-12"]),  # UK: day first, slashes
        ("Approved on 07/15/2026", ["2026-07-15"]),  # a second number above 12: US order
        ("This plan covers 2025/26 to 2027/28.", ["2026-06-30", "2028-06-30"]),  # financial years
        ("Dokumentet gäller 2024-2026.", ["2024-12-31", "2026-12-31"]),  # a range with a hyphen
        ("Valid for three years from 1 April 2025.", ["2025-04-01", "2028-04-01"]),  # a period's end
        ("Avtalet löper på två år från 2024-02-29.", ["2024-02-29", "2026-02-28"]),  # no 29 Feb in 2026
        ("SFS 2010/800 och dnr 2025-03", ["2025-12-31"]),  # no year in an SFS number; a month, not a span
        ("Gäller för sommarlovet 2026.", ["2026-08-31"]),  # a summer ends with August, not the year
        ("Valid for the spring term 2027 and 2028", ["2027-06-30", "2028-12-31"]),  # a season, then a bare year
    ],
)
def test_dates_in_the_forms_documents_write_them(text: str, dates: list[str]) -> None:
    from govcheck.rules.conditions import find_dates

    assert [d.isoformat() for d in find_dates(text)] == dates


_TEXT = st.text(alphabet="ab Åß\u0130\ufb01\u0345\n.-1", max_size=15)


@settings(max_examples=300, deadline=None)
@given(sentences=st.lists(_TEXT, max_size=6))
def test_tokenising_the_joined_text_gives_each_sentences_own_tokens(sentences: list[str]) -> None:
    """Whatever the characters (ß and ﬁ fold longer, İ gains a combining dot, U+0345 folds to a letter)
    and wherever line breaks sit, the index's tokens are those of each sentence taken alone."""
    assert Index(sentences, "sv").words == [_tokens(s) for s in sentences]


# (a \b beside what may be a non-word character, as in [\w-]+\b, keeps RE2's ASCII meaning: see _for_re2)
_SV_PATTERNS = [r"\bvar\s+\w+\s+vecka\b", r"(?i)\b(?:till|år|över)\s+\d+\b", r"\w*lag\b",
                r"\b[ÅÄÖA-Z]\w+ [ÅÄÖA-Z]\w+\b", r"(?i)\b(?:öka\w*|minska)\s+\d+", r"\bå\w{0,3}\b", r"\w+(?:-\w+)?\b"]
_SV_TEXT = st.text(alphabet="aåäöÅÖ A1-_.\n", max_size=30)


@settings(max_examples=300, deadline=None)
@given(pattern=st.sampled_from(_SV_PATTERNS), texts=st.lists(_SV_TEXT, min_size=1, max_size=4))
def test_regex_terms_see_word_characters_as_pythons_re_does(pattern: str, texts: list[str]) -> None:
    """Pack authors write \\w and \\b as Python's re reads them, where å, ä and ö are letters; RE2's
    own are ASCII. The sentences a regex term finds are those Python's re finds."""
    found = Index(texts, "sv").find(compile_term("re:" + pattern, "sv"))
    assert set(found) == {i for i, t in enumerate(texts) if re.search(pattern, t)}


def test_regex_word_edges_with_swedish_letters() -> None:
    assert matches(r"re:\bvar\s+\w+\s+vecka\b", "Gruppen träffas var fjärde vecka.") == ["var fjärde vecka"]
    assert matches(r"re:(?i)\b(?:till|år)\s+\d{4}\b", "Målet ska nås år 2027.") == ["år 2027"]
    assert matches(r"re:\b\d+\s*§\s+\w*lag", "Enligt 5 § socialtjänstlagen gäller.") == ["5 socialtjänstlagen"]
    assert matches(r"re:\bår\b", "Läsåret och året") == []  # inside a word is no word edge


def test_negated_class_is_no_anchor_and_never_matches_across_sentences() -> None:
    # "[^,;:]" is searched in the joined text (one call per document, not one per sentence), yet a
    # match may not run from one sentence into the next
    term = compile_term("re:\\b(?:Någon|Något)\\s[^,;:]*?\\b(?:inte|ej)\\b", "sv")
    texts = ["Någon plan finns", "inte här.", "Ingen.", "Något särskilt möte hålls inte; planen räcker."]
    assert Index(texts, "sv").find(term) == {3: [(0, 5)]}


# anchored (searched in multiline form), anchored and empty (searched sentence by sentence), able to cross
# sentences, and plain
_JOINED_PATTERNS = [r"^\s*(?:R|A|Å)\s*$", r"(?i)^(?:alla\s+)?(?:barn|å)\b[^.;:]{0,10}?\d", r"\s*$", r"^",
                    r"[^,;:]{0,6}ö", r"(?i)\bå\w*\b", r"\bSFS \d+", r"\A\w", r"ab\z", r"(?:^|[^a])ä(?:$|[^a])"]
_JOINED_TEXT = st.text(alphabet="aåäöÅ AR1-.;\n\u2013€", max_size=12)


@settings(max_examples=400, deadline=None)
@given(pattern=st.sampled_from(_JOINED_PATTERNS), texts=st.lists(_JOINED_TEXT, max_size=5))
def test_one_search_of_the_document_finds_what_a_search_of_each_sentence_finds(pattern: str, texts: list[str]) -> None:
    """Regexes are searched once over the sentences joined by line breaks, in UTF-8 (anchored ones in
    multiline mode when no sentence holds a line break of its own), and through the lexicon's
    prefilter; the matches must be those of a search sentence by sentence, character offsets and all."""
    term = compile_term("re:" + pattern, "sv")
    expected = [(si, m.start(), m.end()) for si, text in enumerate(texts) for m in term.regex.finditer(text)]
    assert Index(texts, "sv")._regex_matches(term.regex) == expected
    assert Index(texts, "sv", Lexicon("sv", [term])).find(term) == Index(texts, "sv").find(term)


@settings(max_examples=300, deadline=None)
@given(pattern=st.sampled_from([r"ä*", r"(?:|å)", r"\bå*", r"[^a]{0,3}", r"å+"]), text=_JOINED_TEXT)
def test_searching_utf8_bytes_steps_past_empty_matches_as_the_wrapper_does_in_str(pattern: str, text: str) -> None:
    """The joined text is searched as UTF-8 bytes; after an empty match the search goes on one
    character later, as the wrapper's own search of the text as str does (not one byte later)."""
    regex = compile_term("re:" + pattern, "sv").regex
    data = text.encode()
    spans = [(len(data[:a].decode()), len(data[:b].decode())) for a, b in _utf8_spans(_native(regex), data)]
    assert spans == [(m.start(), m.end()) for m in regex.finditer(text)]


_DATE_TEXT = st.text(alphabet="0129 -–./:Mmarchjunioktbe", max_size=40)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(_DATE_TEXT, st.sampled_from(["4 March 2021", "31.12.2027 och 2026-01-01", "12/04/2025",
                                                   "Juni 2025, 3 maj 2024", "March 3, 2020 - 2019:12",
                                                   "2025/26 och 2024-2026", "2025–26"])))
def test_date_patterns_skipped_for_want_of_a_month_or_separator_find_nothing(text: str) -> None:
    """`_dated` skips a pattern when the sentence lacks what it cannot match without (a month name, a
    hyphen, a dot or slash); the dates are those of running every pattern. And every entry of
    `_NEEDS` is a pattern `_dated` runs: one edited since is run always, which is safe but slow."""
    assert set(conditions._NEEDS) <= {p.pattern for p, _ in conditions.DATE_PATTERNS}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(conditions, "_NEEDS", {})
        every = conditions._dated(text)
    assert conditions._dated(text) == every


@pytest.mark.parametrize(("pattern", "loose"), [
    (r"^[\s\W\d]*[^:.;]{1,50}:\s+\w", r"^[\s\W\d]*[^:.;]+:\s+\w"),
    (r"a{0,60}?b", r"a*?b"), (r"(?:ab){2,30}c", r"(?:ab){2,}c"),
    (r"x{1,4}", r"x{1,4}"), (r"x{3}", r"x{3}"),  # narrow and exact repeats stay
    (r"\{1,50}", r"\{1,50}"), (r"[{1,50}]", r"[{1,50}]"), (r"[]{1,20}]{1,20}", r"[]{1,20}]+"),
    (r"[^]{]{0,9}", r"[^]{]*"), (r"\Qa{1,50}\E{0,9}", r"\Qa{1,50}\E*"),  # literals: escaped, in a class, quoted
])
def test_prefilter_sets_hold_wide_counted_repeats_unbounded(pattern: str, loose: str) -> None:
    assert _loose_repeats(pattern) == loose


_REPEAT_PATTERNS = [r"^[\s\W\d]*[^:.;]{1,12}:\s+\w", r"a[^.]{0,9}?b", r"(?:å\s*){2,10}$", r"\bab{1,3}\b"]


@settings(max_examples=300, deadline=None)
@given(pattern=st.sampled_from(_REPEAT_PATTERNS), texts=st.lists(_JOINED_TEXT.map(lambda t: t.replace("R", ":b")),
                                                               max_size=4))
def test_a_loosened_prefilter_never_rules_out_a_match(pattern: str, texts: list[str]) -> None:
    """The prefilter holds wide counted repeats unbounded: it may let through a pattern that then finds
    nothing, never hide one that matches; the hits are those of a search without the prefilter."""
    term = compile_term("re:" + pattern, "sv")
    assert Index(texts, "sv", Lexicon("sv", [term])).find(term) == Index(texts, "sv").find(term)


def test_a_month_name_holds_one_of_the_month_stems() -> None:
    """`_has_month` searches for month names only in a text whose lower case holds one of
    _MONTH_STEMS: every month name must hold one, and every character re.I matches to one of their
    letters must lower to that letter."""
    import sys

    assert all(any(stem in name for stem in conditions._MONTH_STEMS) for name in conditions.MONTHS)
    letters = set("".join(conditions._MONTH_STEMS))
    assert all(chr(cp).lower() == letter for letter in letters for cp in range(sys.maxunicode + 1)
               if re.fullmatch(letter, chr(cp), re.I))
    for text in ("4 MARCH 2021", "den 3 Maj", "Sept", "ſeptember 2021", "1 oKtObEr", "2025", "December"):
        assert conditions._has_month(text) == (conditions._MONTH.search(text) is not None), text


def test_the_period_from_an_earlier_date_needs_one_of_its_opening_words() -> None:
    """`_periods_from_earlier` skips a text whose lower case holds none of _FROM_EARLIER_WORDS: every
    alternative of the pattern must open with one, and every character re.I matches to one of their
    letters must lower to that letter."""
    import sys

    from govcheck.rules.terms import _split_top

    pattern = conditions._FROM_EARLIER.pattern
    assert pattern.startswith("\\b(?:") and pattern.endswith(")")
    for alternative in _split_top(pattern[len("\\b(?:"):-1]):
        assert alternative.startswith(conditions._FROM_EARLIER_WORDS), alternative
    letters = set("".join(conditions._FROM_EARLIER_WORDS))
    assert all(chr(cp).lower() == letter for letter in letters for cp in range(sys.maxunicode + 1)
               if re.fullmatch(letter, chr(cp), re.I))


_W = "[0-9A-Za-z_\\x{C0}-\\x{D6}\\x{D8}-\\x{F6}\\x{F8}-\\x{24F}]"  # \\w as _for_re2 writes it


@pytest.mark.parametrize(("pattern", "trimmed"), [
    (r"\bvar\s+\w+\s+vecka\b", rf"var\s+{_W}+\s+vecka"), (r"(?i)\b(?:till|år)\s+\d{4}\b", r"(?i)(?:till|år)\s+\d{4}"),
    (r"(?i)^[\s\W]*(?:\S+\s+){1,6}?dokumenter(?:ar|as)\s+", r"(?i)dokumenter(?:ar|as)"),
    (r"(?m)(?i)^\s*(?:R|A)\s*$", r"(?m)(?i)(?:R|A)"), (r"\w{0,9}ab\w{2,3}", rf"ab{_W}{{2,3}}"),  # a narrow repeat stays
    (r"ab+", r"ab+"), (r"a|\bb", r"a|\bb"), (r"x(?=y)", r"x(?=y)"), (r"\Qa\E\s*", r"\Qa\E\s*"),  # left alone
    (r"a(?i)\s*b", r"a(?i)\s*b"), (r"^", r"^"),
])
def test_prefilter_sets_hold_patterns_without_their_broad_ends(pattern: str, trimmed: str) -> None:
    assert _trim_edges(_for_re2(pattern)) == trimmed


_TRIMMED_PATTERNS = [r"(?i)\bvar\s+\w+\s+vecka\b", r"(?i)^[\s\W]*(?:\S+\s+){1,3}?å(?:b|a)\s+", r"^\s*(?:R|Å)\s*$",
                     r"\w*lag(?:en|s)?\s+\d{1,4}\b", r"[^,;:]{0,6}ö\d+", r"\d+\s*%"]


@settings(max_examples=400, deadline=None)
@given(pattern=st.sampled_from(_TRIMMED_PATTERNS),
       texts=st.lists(st.text(alphabet="aåäöÅRvr vecklgns%1\n;:", max_size=20), max_size=4))
def test_a_prefilter_without_broad_ends_never_rules_out_a_match(pattern: str, texts: list[str]) -> None:
    """The sets hold patterns without their word edges, anchors and broad repeats at the ends: they
    may let through a pattern that then finds nothing, never hide one; the hits are those of a
    search without the prefilter."""
    term = compile_term("re:" + pattern, "sv")
    assert Index(texts, "sv", Lexicon("sv", [term])).find(term) == Index(texts, "sv").find(term)


@pytest.mark.parametrize(("pattern", "line"), [
    (r"vill\s+(?:\S+\s+)*?att", r"vill[\t\f\r ]+(?:\S+[\t\f\r ]+)*?att"),
    (r"(?i)\b(?:a|b)[^.;]*?\d\W\D", r"(?i)\b(?:a|b)[^.;\n]*?\d[^\w\n][^\d\n]"),
    (r"[\s,]x[^\s]y[^\W\d]", r"[\t\f\r ,]x[^\s\n]y[^\W\d\n]"), (r"(?m)^a$", r"(?m)^a$"),
    (r"[]a-z\x{C0}-\x{24F}]\.\x{2019}", r"[]a-z\x{C0}-\x{24F}]\.\x{2019}"), (r"[^]a]", r"[^]a\n]"),
    # what it does not follow, or what can match a line break as it is: no line form
    (r"a\nb", None), (r"a\x0ab", None), (r"a\x{A}", None), (r"(?s)a.b", None), (r"(?is:a.b)", None),
    (r"\pLa", None), (r"\Qa\E", None), (r"a\Cb", None), (r"a\012", None), (r"[\x00-\x7f]", None),
    (r"[\t-\r]", None), (r"[[:space:]]", None), (r"[a\W]", None), ("a\nb", None), (r"[a", None),
])
def test_prefilter_line_forms_cannot_match_a_line_break(pattern: str, line: str | None) -> None:
    assert _line_form(pattern) == line


_LINE_PATTERNS = [r"vill\s+(?:\S+\s+)*?att", r"(?i)[^.;]*?ö\W+\d", r"(?m)^\s*å\D*$", r"a\s*b\b", r"[\sx]+y"]


@settings(max_examples=400, deadline=None)
@given(pattern=st.sampled_from(_LINE_PATTERNS),
       texts=st.lists(st.text(alphabet="villatöåxyb1 .;\t\n", max_size=24), max_size=4))
def test_a_prefilter_of_line_forms_never_rules_out_a_match(pattern: str, texts: list[str]) -> None:
    """Where no sentence holds a line break the sets hold forms that cannot match one; where one does,
    the sets of the forms as they are: either way the hits are those of a search without the prefilter."""
    term = compile_term("re:" + pattern, "sv")
    assert Index(texts, "sv", Lexicon("sv", [term])).find(term) == Index(texts, "sv").find(term)


def test_the_prefilter_reads_each_distinct_sentence_once_and_the_other_sets_for_line_breaks() -> None:
    term = compile_term(r"re:vill\s+(?:\S+\s+){0,3}?att", "sv")
    lexicon = Lexicon("sv", [term])
    single = Index(["Vi vill", "att", "Vi vill", "Vi vill nu att"], "sv", lexicon)
    assert single.find(term) == Index(single.sentences, "sv").find(term) == {3: [(1, 4)]}
    assert lexicon._crossing_sets is None  # (no sentence with a line break: not built)
    broken = Index(["Vi vill\natt", "inget"], "sv", lexicon)
    assert broken.find(term) == Index(broken.sentences, "sv").find(term) == {0: [(1, 3)]}
    assert lexicon._crossing_sets


def test_statute_citations_found_through_the_lexicon_are_those_of_a_find_per_term() -> None:
    """Statute conditions look their table's citations up with `find_many` (the lexicon skips those
    absent from the document); the hits, in their order, are those of a `find` of each citation of
    the rows in the asked status."""
    import datetime as dt

    rows = [{"_terms": [compile_term(r"re:\bSFS 2001:453\b", "*"), compile_term("socialtjänstlag*", "*")]},
            {"_terms": [compile_term("skollag*", "*")], "repealed": "2020-07-01"},
            {"_terms": [compile_term(r"re:\b1980:620\b", "*"), compile_term("hälso- och sjukvårdslag*", "*")],
             "repealed": "2017-04-01"}]
    texts = ["Enligt socialtjänstlagen (SFS 2001:453) ska nämnden", "skollagen och hälso- och sjukvårdslagen",
             "Lagen (1980:620) gäller inte längre.", "Ingen lag."]
    lexicon = Lexicon("sv", [t for row in rows for t in row["_terms"]])
    for status in ("any", "repealed", "in_force"):
        cond = conditions.Statute("laws", status)
        for _ in range(2):  # the second time with the chosen terms kept
            ctx = conditions.Context(index=Index(texts, "sv", lexicon), blocks=[], sentence_block=[0, 1, 2, 3],
                                     as_of=dt.date(2026, 12, 3), signals={}, tables={"laws": rows})
            plain = Index(texts, "sv")
            expected = conditions.merge([plain.find(t) for row in rows for t in row["_terms"]
                                         if status == "any" or (status == "repealed") == ("repealed" in row)])
            assert cond.eval(ctx) == expected
            assert list(cond.eval(ctx)) == list(expected)


def test_every_pack_regex_is_found_through_the_trimmed_prefilter_as_without_it() -> None:
    """The prefilter holds the default packs' regexes trimmed of their broad ends and in sets of 24:
    in every example, each regex finds through the lexicon exactly what a search without it finds."""
    from govcheck.rules import load_packs

    packs = load_packs(None)
    texts = [f.read_text(encoding="utf-8") for f in sorted((_ROOT.parent / "examples").glob("*.md"))]
    for lang in ("sv", "en"):
        terms = list({t.regex.pattern: t for p in packs for t in p.terms(lang) if t.regex is not None}.values())
        lexicon = Lexicon(lang, terms)
        found = 0
        for text in texts:
            sentences = [line for line in text.splitlines() if line.strip()]
            indexed, plain = Index(sentences, lang, lexicon), Index(sentences, lang)
            for term in terms:
                assert indexed.find(term) == plain.find(term), term.source
                found += bool(plain.find(term))
        assert found >= 10  # (the examples hold matches of 32 Swedish and 22 English patterns)


@pytest.mark.parametrize(
    ("sentence", "short", "name"),
    [
        # a common noun as the short name stands for the name it heads, also across commas and a number
        ('Between the Idaho Department of Health and Welfare, Division of Behavioral Health, Region 3 ("the '
         'Department"), and Owyhee Bend School District No. 418 ("the District").', "department",
         "Idaho Department of Health and Welfare"),
        ('Between the Idaho Department of Health and Welfare, Division of Behavioral Health, Region 3 ("the '
         'Department"), and Owyhee Bend School District No. 418 ("the District").', "district",
         "Owyhee Bend School District"),
        ("A partnership with Blue Ridge Behavioral Health, the regional community mental health center operating "
         "under KRS 210.370 (the Center), for school-based services.", "center",
         "regional community mental health center"),
        # a proper name keeps the description it is given
        ('Between Riverside Community Health Center, Inc., a federally qualified health center ("Riverside") '
         "and the school.", "riverside", "a federally qualified health center"),
    ],
)
def test_a_defined_short_name_stands_for_the_name_it_heads(sentence: str, short: str, name: str) -> None:
    found = {abbr: sentence[a:b] for _, a, b, abbr, _ in abbreviations([sentence])}
    assert found[short] == name


def test_a_short_name_given_to_a_description_stands_for_its_head() -> None:
    # the description's head is "clinic"; what follows it ("operating in Nevada") does not name the party
    sentence = ('This MOU is entered into by the Silver Sage County School District ("the District"), and High Desert '
                'Behavioral Health, Inc., a certified community behavioral health clinic operating in Nevada '
                '("the Provider").')
    spans = {abbr: sentence[a:b] for _, a, b, abbr, _ in abbreviations([sentence])}
    assert spans["provider"] == "a certified community behavioral health clinic"


def _regex_signals(node: object) -> list[str]:
    if isinstance(node, dict):
        return [p for v in node.values() for p in _regex_signals(v)]
    if isinstance(node, list):
        return [p for v in node for p in _regex_signals(v)]
    return [node[3:]] if isinstance(node, str) and node.startswith("re:") else []


# a \b that RE2 still reads as ASCII (terms._for_re2 rewrites only one that surely stands beside a word
# character), right before a Swedish letter or a group or optional part that may open with one: it cannot
# match there ("\b(?:dokument)?[äÄ]gare" never found "Ägare"). A class that also holds ASCII letters may
# start the word later and is not flagged.
_ASCII_B_BEFORE_NON_ASCII = re.compile(
    r"(?<!\\)\\b(?:[åäöÅÄÖ]"  # a Swedish letter
    r"|\((?:\?:)?(?:[^()|]*\|)*[åäöÅÄÖ]"  # a group one of whose alternatives opens with one
    r"|\((?:\?:)?[^()]*\)\?(?:[åäöÅÄÖ]|\[[åäöÅÄÖ]))")  # an optional group, then one


def test_no_pack_pattern_keeps_an_ascii_word_boundary_before_a_swedish_letter() -> None:
    import yaml

    for pack in sorted((_ROOT.parent / "rules").glob("*.yaml")):
        signals = (yaml.safe_load(pack.read_text(encoding="utf-8")) or {}).get("signals", {})
        patterns = _regex_signals(signals)
        assert patterns or pack.name == "policy-basics.yaml"
        stuck = [p for p in patterns if _ASCII_B_BEFORE_NON_ASCII.search(_for_re2(p))]
        assert stuck == [], f"{pack.name}: {stuck[:3]}"
    # the check itself sees such a pattern: a \b before an optional group stays RE2's ASCII one
    assert _ASCII_B_BEFORE_NON_ASCII.search(_for_re2(r"(?i)\b(?:dokument)?[äÄ]gare"))
    assert not _ASCII_B_BEFORE_NON_ASCII.search(_for_re2(r"(?i)\bår\b"))
