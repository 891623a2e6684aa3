"""A regex whose prefilter form matches plain words is left out of the RE2 sets and still found.

Why: such a form ("three words in a row") rules out no document, and in a set it made every worker
build DFA states at almost every byte (bench/RESULTS.md, twelfth session). Leaving a regex out of the
sets may only cost time: it is then searched whenever a condition asks for it.
"""

from __future__ import annotations

from govcheck.rules.terms import Index, Lexicon, compile_term


def test_a_content_free_regex_is_searched_without_the_sets_and_the_others_stay_in_them() -> None:
    words = compile_term(r"re:\w+\s+\w+\s+\w+", "en")
    section = compile_term(r"re:Section\s+\d+", "en")
    lexicon = Lexicon("en", [words, section])
    assert lexicon.regex_id(words.regex.pattern) is None  # type: ignore[attr-defined]
    assert lexicon.regex_id(section.regex.pattern) is not None  # type: ignore[attr-defined]
    sentences = ["The council is responsible.", "See Section 4.", "Yes."]
    with_sets = Index(sentences, "en", lexicon).find_many([words, section])
    without = [Index(sentences, "en").find(t) for t in (words, section)]
    assert with_sets == without
    assert without[0] == {0: [(0, 3)], 1: [(0, 3)]}  # where three words stand, not in "Yes."
    assert list(without[1]) == [1]
