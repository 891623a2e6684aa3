"""Language and document type, detected offline from the text."""

import pytest

from govcheck.classify import classify_type, detect_language
from govcheck.model import Block
from govcheck.rules import load_packs


@pytest.fixture(scope="module")
def vocab() -> dict:
    return load_packs(None)[0].doc_types


def test_language_swedish_and_english() -> None:
    assert detect_language(["Regionen och kommunen ska samverka kring barn som har behov av stöd."]) == "sv"
    assert detect_language(["The Council and the Health Board shall work together for children."]) == "en"


@pytest.mark.parametrize(
    ("title", "lang", "expected"),
    [
        ("Länsöverenskommelse om samverkan kring barn och unga", "sv", "agreement"),
        ("Samverkansavtal om Första linjen unga", "sv", "agreement"),
        ("Riktlinje för samordnad individuell plan (SIP)", "sv", "guideline"),
        ("Samverkansrutin för SIP i Sjöhamn", "sv", "routine"),
        ("Handlingsplan för psykisk hälsa 2025", "sv", "action-plan"),
        # a compound headed by "plan" is a plan; the plain word after a colon is what a routine is about
        ("Krisplan för förskola och skola vid allvarliga händelser", "sv", "action-plan"),
        ("Elevhälsoplanen 2026–2028", "sv", "action-plan"),
        ("Rutin: samordnad individuell plan (SIP) mellan BUP och elevhälsan", "sv", "routine"),
        ("Uppdragsbeskrivning för samverkansgruppen", "sv", "mandate"),
        ("Joint Working Protocol between the Council and NHS Fife", "en", "agreement"),
        ("Child's Plan Guidance for Practitioners", "en", "guideline"),
        ("CAMHS Referral Pathway", "en", "routine"),
        ("Terms of Reference: Children's Mental Health Group", "en", "mandate"),
        # a word that only holds the letters of a compound head is none: "transplant" is no "*plan"
        ("Memorandum of Understanding: school attendance for children with a kidney transplant", "en",
         "agreement"),
        # a type's name before the colon is the type; what follows is its subject, type words and all
        ("Memorandum of Understanding: Ward Teacher Program for School Students on the Children's Ward", "en",
         "agreement"),
        ("Procedure: Students with a Nasogastric Feeding Tube at School", "en", "routine"),
        # a programme's name before the colon is not: the document is what follows
        ("School Mental Health Programme: Action Plan 2026-27", "en", "action-plan"),
        # the document's own language first: the Swedish "program" inside "Programmes" is no type of an English title
        ("Guidance for Gore District Schools and Health Services: Gifted Rural Learners in Withdrawal and Distance "
         "Programmes", "en", "guideline"),
        # a guide for families is guidance
        ("Stuttering in young children – a guide for whānau in Pongaroa", "en", "guideline"),
    ],
)
def test_type_from_title(title: str, lang: str, expected: str, vocab: dict) -> None:
    assert classify_type(title, [], vocab, lang) == expected


def test_type_from_first_page_when_the_title_says_nothing(vocab: dict) -> None:
    blocks = [Block("Barn och unga i Västerdal"), Block("Denna riktlinje beskriver elevhälsans arbete.")]
    assert classify_type("Barn och unga i Västerdal", blocks, vocab, "sv") == "guideline"


def test_unknown_type_is_none(vocab: dict) -> None:
    assert classify_type("Minnesanteckningar", [Block("Minnesanteckningar")], vocab, "sv") is None
