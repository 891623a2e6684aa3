"""Sentence splitting that knows Swedish and English abbreviations.

Evidence is quoted sentence by sentence, and "same sentence" is the tightest scope rules can ask for,
so a split after "t.ex." or "2 kap." would both truncate quotes and break co-occurrence.
"""

from __future__ import annotations

import re

from govcheck.model import Block, Sentence

# Lower-cased abbreviations (without the final dot) after which a period does not end a sentence.
ABBREVIATIONS = frozenset(
    """
    t.ex bl.a s.k kap m.m m.fl o.s.v osv resp jfr ca nr st enl d.v.s dvs fr.o.m t.o.m p.g.a pga
    f.d bl.a.  ang avd tel inkl exkl el etc m.a.o mfl a.a prop sfs sou ds dnr t.h ev kl obs bet
    e.g i.e cf vs no nos art arts para paras sec secs ch p pp ff fig dr mr mrs ms st approx dept govt
    inc ltd co corp jr sr pub
    c cap chap s ss r reg regs sch u.s u.s.c c.f.r stat ann rev minn mass conn tex wis mich cal colo ariz okla tenn
    """.split()
)

# A US state's abbreviation opens a statute's citation ("Miss. Code Ann. § 43-21-353", "Fla. Stat. § 39.201",
# "Conn. Gen. Stat.", "Md. Code Ann., Educ. § 7-301"): no boundary when a citation's word follows. Only then:
# "Ill.", "Miss.", "Del." or "Ind." may end a sentence, and "del." does in Swedish.
_STATES = frozenset(
    "ala alaska ariz ark cal colo conn del fla ga haw idaho ill ind iowa kan ky la me md mass mich minn miss mo "
    "mont neb nev n.h n.j n.m n.y n.c n.d ohio okla or pa r.i s.c s.d tenn tex utah vt va wash w.va wis wyo d.c".split()
)
_CITATION_NEXT = re.compile(r"(?:Code|Stat|Stats|Gen|Rev|Comp|Admin|Ann|Educ|Laws|Acts|Const|Fam|Welf|Sess|Legis)\b")
_CITATION_WORDS = frozenset("gen rev comp admin educ fam welf sess legis".split())
_INITIALS = re.compile(r"(?:[a-zåäö]\.){1,4}[a-zåäö]")
# A candidate boundary: terminal punctuation, optional closing quote/bracket, then space.
_BOUNDARY = re.compile(r"[.!?…][\"'»”)\]]*\s+")


def _last_word(before: str) -> tuple[str, str]:
    """The last token of the text before a period, and that token folded, without its opening quote or
    bracket and its periods ("(Miss." -> "miss"); two empty strings when there is none."""
    # rsplit, not a regex anchored at $: "(\S+)$" is quadratic on a long run without spaces.
    parts = before.rsplit(None, 1)
    if not parts:
        return "", ""
    return parts[-1], parts[-1].casefold().lstrip("(\"'«“").rstrip(".")


def _is_abbreviation(before: str) -> bool:
    last, word = _last_word(before)
    if not last:
        return False
    if word in ABBREVIATIONS or _INITIALS.fullmatch(word):
        return True  # ("R.S.O. 1990", "S.O. 2017": a statute's initials, however many)
    # An initial ("A. Andersson") or a list label opening the text ("3. Syfte") does not end a
    # sentence either; a year or count at the end of a sentence ("senast 2027.") does.
    if len(last.rstrip(".")) == 1 and last[0].isupper():
        return True
    # A numbered label opening the text ("3. Syfte", "Steg 2. BHV-sjuksköterskan ...") is no sentence.
    return word.isdigit() and len(word) <= 2 and len(before.split()) <= 2


def _cites_state(before: str, text: str, at: int) -> bool:
    """Does a statute's citation go on after this period: a state's abbreviation or a word of a citation
    before the next word of one, "et seq." before a bracket?"""
    word = _last_word(before)[1]
    if word == "seq":  # "§§ 41-19-31 et seq. ("the Center")": the bracket belongs to the sentence
        return text.startswith("(", at)
    return (word in _STATES or word in _CITATION_WORDS) and _CITATION_NEXT.match(text, at) is not None


# A strip of fields ("Approved: October 2024 · Next review: September 2026 · Contact: ...") is one field
# a sentence: a decision date and the body named in the contact field are not one statement.
_FIELD_SEPARATOR = re.compile(r"\s+[·|]\s+(?=[A-ZÅÄÖ][\w ]{0,30}:\s)")


def split_sentences(text: str) -> list[str]:
    """Split one block's text into sentences (and a strip of "Label: value" fields into its fields)."""
    if "·" in text or "|" in text:
        parts = _FIELD_SEPARATOR.split(text)
        if len(parts) > 1:
            return [s for part in parts for s in _split(part)]
    return _split(text)


def _split(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        nxt = text[end : end + 1]
        if not nxt or not (nxt.isupper() or nxt.isdigit() or nxt in "\"'«“(§•–-"):
            continue
        before = text[start : m.start() + 1]
        if text[m.start()] == "." and (_is_abbreviation(before[:-1] + ".") or _cites_state(before, text, end)):
            # "2 kap. 7 §" and "t.ex. BUP": only a real boundary if what follows is clearly new.
            continue
        sentence = text[start:end].strip()
        if sentence:
            out.append(sentence)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def segment(blocks: list[Block]) -> list[Sentence]:
    return [Sentence(text=s, block=i) for i, b in enumerate(blocks) for s in split_sentences(b.text)]
