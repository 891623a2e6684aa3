"""Sentence splitting must not cut at Swedish/English abbreviations or statute references."""

import pytest

from govcheck.segment import split_sentences


@pytest.mark.parametrize(
    "text",
    [
        "Verksamheter, t.ex. BUP och elevhälsan, ska samverka.",
        "Detta gäller bl.a. socialtjänsten och s.k. första linjen.",
        "Enligt 2 kap. 7 § socialtjänstlagen ska en plan upprättas.",
        "Se 16 kap. 4 § HSL för detaljer.",
        "Partners, e.g. the Council, will attend.",
        "Records, i.e. case notes, are shared.",
        "Steg 2. BHV-sjuksköterskan sammanställer uppgifterna.",
        # statute citations: a chapter, a US state's statutes
        "The Guidelines are issued under the Education Act, Chap. 39:01 of the laws.",
        "Staff report maltreatment under Minn. Stat. § 626.556 at once.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert split_sentences(text) == [text]


def test_real_boundaries_split() -> None:
    text = "Regionen ansvarar för BUP. Kommunen ansvarar för socialtjänsten! Vem kallar? Den som ser behovet."
    assert split_sentences(text) == [
        "Regionen ansvarar för BUP.",
        "Kommunen ansvarar för socialtjänsten!",
        "Vem kallar?",
        "Den som ser behovet.",
    ]


def test_a_year_at_the_end_of_a_sentence_is_a_boundary() -> None:
    assert split_sentences("Målet ska nås senast 2027. Därefter följs det upp.") == [
        "Målet ska nås senast 2027.",
        "Därefter följs det upp.",
    ]


def test_lower_case_after_a_period_is_no_boundary() -> None:
    assert len(split_sentences("Kontakta ca. tio verksamheter per år.")) == 1


def test_a_strip_of_label_fields_is_one_field_a_sentence() -> None:
    # the approval date and the body in the contact field are not one statement of who approved it
    assert split_sentences(
        "Approved: October 2024 · Next review: September 2026 · Contact: Mental Health Lead, District School Board"
    ) == ["Approved: October 2024", "Next review: September 2026", "Contact: Mental Health Lead, District School Board"]
    # a middle dot inside a text is no field separator
    assert split_sentences("Region Västersund · Barn och unga. Nästa mening.") == [
        "Region Västersund · Barn och unga.", "Nästa mening."]


def test_a_us_statute_citation_does_not_end_the_sentence() -> None:
    # the short name the parties define after the citation stays in the sentence that names the party
    assert split_sentences(
        'Piney Ridge, a mental health center operating under Miss. Code Ann. §§ 41-19-31 et seq. ("the Center"). '
        "Reports follow Conn. Gen. Stat. § 17a-101. Then Fla. Stat. § 39.201 applies."
    ) == [
        'Piney Ridge, a mental health center operating under Miss. Code Ann. §§ 41-19-31 et seq. ("the Center").',
        "Reports follow Conn. Gen. Stat. § 17a-101.", "Then Fla. Stat. § 39.201 applies."]
    # a state's abbreviation, or "et seq.", before anything else still ends one
    assert split_sentences("Most students will miss. Then we meet. See § 4 et seq. The Board acts.") == [
        "Most students will miss.", "Then we meet.", "See § 4 et seq.", "The Board acts."]
