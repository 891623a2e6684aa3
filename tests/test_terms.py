"""Terms survive inflection and Swedish compounding, without matching unrelated words."""

from govcheck.rules.terms import Index, compile_term


def matches(term: str, text: str, lang: str = "sv") -> list[str]:
    idx = Index([text], lang)
    spans = idx.find(compile_term(term, lang)).get(0, [])
    return [" ".join(w for w, _, _ in idx.tokens[0][a:b]) for a, b in spans]


def test_prefix_reaches_inflections_and_compounds() -> None:
    found = matches("ansvar*", "Regionen ansvarar. Ansvarsfördelningen är tydlig.")
    assert found == ["ansvarar", "ansvarsfördelningen"]


def test_suffix_reaches_compound_heads_with_inflection() -> None:
    assert matches("*ansvar", "Det är ett huvudmannaansvar och huvudmannaansvaret gäller.") == [
        "huvudmannaansvar", "huvudmannaansvaret",
    ]


def test_word_mode_takes_inflections_but_not_derivations() -> None:
    assert matches("kommun", "Kommunen och kommunerna, inte kommunikationen.") == ["kommunen", "kommunerna"]
    assert matches("samordnar", "Hon samordnar en samordnad plan.") == ["samordnar"]


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
