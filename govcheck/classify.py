"""Language and document type, decided offline from the text itself.

Language: Swedish and English are told apart reliably by their most frequent function words, which
needs no model and no network. Document type: governance documents name their type in the title
("Riktlinje för ...", "Länsöverenskommelse om ...", "Joint Working Protocol"); Swedish compounds put
the type last ("samverkansavtal"), so a title word ending in a type word counts. The vocabulary of
types comes from the rule packs (data), not from here.
"""

from __future__ import annotations

import re
from functools import lru_cache

from govcheck.model import Block

_WORD = re.compile(r"[^\W\d_]+")
_TITLE_CHARS = 1000  # a type word further into a "title" than this is in body text that lost its breaks
_OPENING_CHARS = 300  # the type must be among a block's first four words

STOPWORDS: dict[str, frozenset[str]] = {
    "sv": frozenset(
        "och att det som en är på för med av till den har de inte om ett ska vid eller från kan "
        "även samt sina deras när hur vem vilka skall detta denna dessa också inom mellan efter".split()
    ),
    "en": frozenset(
        "the and of to in is for that with be by on are as shall or this will from it an which "
        "their who when how should must any each between within these also has have".split()
    ),
}


def detect_language(texts: list[str], default: str = "sv") -> str:
    counts = dict.fromkeys(STOPWORDS, 0)
    seen = 0
    for text in texts:
        found = _WORD.findall(text.casefold())
        seen += len(found)
        for lang, words in STOPWORDS.items():
            counts[lang] += sum(map(words.__contains__, found))
        if seen > 3000:
            break
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] > 0 else default


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


@lru_cache(maxsize=4096)
def _phrase(phrase: str) -> tuple[str, ...]:
    """The phrase's words; "*plan" (one word) stays marked: only the head of a compound matches it."""
    words = _words(phrase)
    if len(words) == 1 and phrase.strip().startswith("*"):
        return (COMPOUND + words[0],)
    return tuple(words)


# The mark of a type word that counts only as the head of a compound: "*plan" is "Krisplan", "Elevhälsoplan",
# not the plain word "plan", which names the thing a "Rutin: samordnad individuell plan" is about
COMPOUND = "*"
# What may follow the head of a compound: the Swedish endings of a noun (planen, planer, planerna, plans)
_COMPOUND_ENDINGS = frozenset(("", "s", "en", "ens", "er", "ers", "erna", "ernas", "et", "ets", "na"))


def _match_at(words: list[str], i: int, phrase: tuple[str, ...]) -> bool:
    """Does the type phrase start at word i? The last word may be the head of a compound."""
    if i + len(phrase) > len(words):
        return False
    for k, part in enumerate(phrase):
        w = words[i + k]
        last = k == len(phrase) - 1
        if part[:1] == COMPOUND:
            head = part[1:]
            at = w.rfind(head)
            # "krisplan", "elevhälsoplanen"; not "plan" alone, and not a word that only holds the
            # letters ("transplant": what follows the head is no Swedish ending)
            return at > 0 and w[at + len(head):] in _COMPOUND_ENDINGS
        if w == part or (w.startswith(part) and len(w) - len(part) <= 3):  # inflection: riktlinjer
            continue
        if last and len(phrase) == 1 and len(part) >= 4 and part in w and w.find(part) > 0:
            continue  # compound: samverkansavtal, länsöverenskommelsen
        return False
    return True


def find_type(text: str, vocab: dict[str, list[str]]) -> tuple[int, str] | None:
    """Earliest type word in a text: (position, type id)."""
    words = _words(text)
    joined = " ".join(words)
    best: tuple[int, str] | None = None
    for doc_type, phrases in vocab.items():
        for phrase in phrases:
            parts = _phrase(phrase)
            if not parts or any(part.lstrip(COMPOUND) not in joined for part in parts):
                continue  # every way of matching needs each part inside some word
            first = parts[0].lstrip(COMPOUND)
            # (every way _match_at accepts a word has the phrase's first part inside it: the other
            # positions are passed over without a call)
            for i in range(len(words)):
                if first in words[i] and _match_at(words, i, parts):
                    if best is None or i < best[0]:
                        best = (i, doc_type)
                    break
    return best


def type_alternatives(
    title: str | None, blocks: list[Block], vocab: dict[str, dict[str, list[str]]], lang: str, chosen: str | None
) -> tuple[str, ...]:
    """Other types the document also names where its type is read (the title, the first words of its
    opening blocks): "Handlingsplan för överenskommelsen om ..." is an action plan that names an
    agreement. The type decides which rules apply, so a second candidate is a reason for review."""
    texts = [title[:_TITLE_CHARS]] if title else []
    texts += [b.text[:_OPENING_CHARS] for b in blocks[:12] if b.kind not in ("header", "footer")][:6]
    found: list[str] = []
    # (each text's words once, not once per type: the same ~7 texts are read for every type; and
    # `_match_at` only where the phrase's first part stands in the word, which every way of accepting
    # it needs, as in find_type: 74,000 calls over the 200-document sample, most of this function)
    words_of = [_words(text) for text in texts]
    for doc_type, langs in vocab.items():
        if doc_type == chosen:
            continue
        phrases = [parts for parts in map(_phrase, langs.get(lang, [])) if parts]
        for words in words_of:
            if any(parts[0].lstrip(COMPOUND) in words[i] and _match_at(words, i, parts)
                   for parts in phrases for i in range(min(len(words), 4))):
                found.append(doc_type)
                break
    return tuple(found)


# A title's part before its colon that is a type's name, not a programme's: "Memorandum of Understanding" (4 words)
_TYPE_HEAD_WORDS = 4


def classify_type(
    title: str | None, blocks: list[Block], vocab: dict[str, dict[str, list[str]]], lang: str
) -> str | None:
    """The document type from the title, else from the first page's opening blocks.

    The document's own language is read first, the others only when it names no type: the Swedish "program"
    is inside the English "Distance Programmes", where an English "Guidance" earlier in the title decides.
    (The second reading needs only the other languages' words: the first found none of its own where either
    reading looks, in the title or among an opening block's first words.)"""
    own = {t: list(langs.get(lang, [])) for t, langs in vocab.items()}
    found = _type_in(title, blocks, own)
    if found:
        return found
    others = {t: [p for k, v in langs.items() if k != lang for p in v] for t, langs in vocab.items()}
    return _type_in(title, blocks, others)


def _type_in(title: str | None, blocks: list[Block], by_type: dict[str, list[str]]) -> str | None:
    if title:
        text = title[:_TITLE_CHARS]
        # "School Mental Health Programme: Action Plan 2026-27": what follows the colon says what the
        # document is; what precedes it names the programme or body it belongs to - unless what precedes
        # it opens with a type and is no more than a type's name ("Memorandum of Understanding: Ward
        # Teacher Program for ...", "Procedure: Students with a Feeding Tube"): then the tail is its subject
        head, colon, tail = text.partition(":")
        lead = find_type(head, by_type) if colon and len(_words(head)) <= _TYPE_HEAD_WORDS else None
        hit = (lead if lead and lead[0] == 0 else None) or (find_type(tail, by_type) if colon else None) \
            or find_type(text, by_type)
        if hit:
            return hit[1]
    # Only the first words of a block count, and find_type costs words x phrases: a text file with no line
    # breaks is one multi-megabyte block.
    opening = [b.text[:_OPENING_CHARS] for b in blocks[:12] if b.kind not in ("header", "footer")]
    for text in opening:
        hit = find_type(text, by_type)
        if hit and hit[0] <= 3:
            return hit[1]
    return None
