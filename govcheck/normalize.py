"""Clean extracted text so rules see words as a reader does.

Extractors leave line structure as they found it ("-\\n" at a line-end hyphen, ligatures, private-use
bullets). Here we repair it once, for every format alike:

- line-end hyphenation is joined ("ända-\\nmålsenlig" -> "ändamålsenlig") except where the hyphen is
  real: a Swedish/English coordination ("hälso- och sjukvård", "barn- och ungdomspsykiatri"), or an
  acronym/number compound ("BUP-\\nmottagning" -> "BUP-mottagning"). PDF backends get the coordination
  case wrong (they join "offentlighets-\\noch" to "offentlighetsoch"), so we do it ourselves;
- ligatures undone, soft hyphens and control characters dropped, whitespace collapsed;
- running headers/footers repeated across pages are kept once, marked header/footer;
- every block gets its heading path; a numbered line that goes on with the sections' numbers is a heading,
  and a run-in label alone over a list ("Aims.") heads that list only.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import replace

from govcheck.model import Block

# Words after a line-end hyphen that show the hyphen is a real one ("hälso- och sjukvård").
_COORDINATORS = frozenset(
    "och eller samt respektive resp liksom som men utan till and or nor to versus vs".split()
)
# "samt" is also the neuter of the -sam adjectives: after one of their stems a line-end hyphen broke "gemensamt", not a
# suspended compound ("gemen- samt ansvar" is "gemensamt ansvar"). The stems are a closed class; "hälso-" is left out,
# since "hälso- samt sjukvård" is as likely as "hälsosamt".
_SAM_STEMS = frozenset("gemen lång en verk uppmärk arbet betänk spar var tvek lön mödo lyd frid".split())
_LIGATURES = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b\u200e\u200f\ufeff]")
# Matched from the hyphen, not from the word before it: a leading \w* would make the search
# quadratic on long unbroken text. The left word is found by scanning back (_left_word).
_LINE_HYPHEN = re.compile(r"[-\u2010\u00ad]\n[ \t]*(\w+)")
_BULLET_CHARS = "\u2022\u25aa\u25cf\u25e6\u2013\u2212-*·\uf0b7\uf0a7\uf0d8\uf0fc\uf076"
_BULLET = re.compile(rf"^[{re.escape(_BULLET_CHARS)}]\s+")


def _join_hyphens(text: str) -> str:
    out: list[str] = []
    pos = 0
    for m in _LINE_HYPHEN.finditer(text):
        start = m.start()
        left_start = start
        while left_start > pos and (text[left_start - 1].isalnum() or text[left_start - 1] == "_"):
            left_start -= 1
        out.append(text[pos:left_start])
        out.append(_join_hyphen(text[left_start:start], m.group(1)))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _join_hyphen(left: str, right: str) -> str:
    if right.casefold() in _COORDINATORS and not (right.casefold() == "samt" and left.casefold() in _SAM_STEMS):
        return f"{left}- {right}"  # hälso- och sjukvård
    if (left and (left.isupper() or left[-1].isdigit())) or right[:1].isdigit():
        return f"{left}-{right}"  # BUP-mottagning, 0-17
    if right[:1].isupper() and left[:1].islower():
        return f"{left}-{right}"  # a compound with a proper name: "region-Västerdal" stays hyphenated
    return left + right


# Single characters mapped in one pass: line breaks (after "\r\n"), pdfium's U+FFFE (a hyphen where a
# word was broken), ligatures, no-break spaces.
_TRANSLATED = re.compile("[\r\ufffe\u00a0\u202f\ufb00-\ufb06]")
_TRANSLATE = str.maketrans({"\r": "\n", "\ufffe": "-\n", "\u00a0": " ", "\u202f": " ", **_LIGATURES})


def clean_text(text: str) -> str:
    """One block's text, repaired and on one line. (Each step is skipped when its characters are
    absent: this runs on every block of every document.)"""
    if not text:
        return ""
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if _TRANSLATED.search(text):  # (a search is much cheaper than translate's per-character lookups)
        text = text.translate(_TRANSLATE)
    if "\n" in text:
        text = _join_hyphens(text)
    if "\u00ad" in text:
        text = text.replace("\u00ad", "")
    text = _CONTROL.sub("", text)
    text = " ".join(text.split())  # = re.sub(r"\s+", " ", text).strip(): both go by str.isspace
    return _BULLET.sub("", text) if text[:1] in _BULLET_CHARS else text


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def mark_running_furniture(blocks: list[Block]) -> list[Block]:
    """Keep text repeated at the top or bottom of most pages once, as header/footer.

    A decision block printed in every page header is still evidence, but it must count once and
    rank below the body text.
    """
    pages = sorted({b.page for b in blocks if b.page is not None})
    if len(pages) < 2:
        return blocks
    by_page: dict[int, list[int]] = defaultdict(list)
    for i, b in enumerate(blocks):
        if b.page is not None and b.text:
            by_page[b.page].append(i)
    seen_on: dict[str, set[int]] = defaultdict(set)
    where: dict[int, tuple[str, str]] = {}
    for page, idxs in by_page.items():
        depth = 2 if len(idxs) >= 6 else 1  # on a short page only its first and last lines are edges
        edges = [(i, "header") for i in idxs[:depth]] + [(i, "footer") for i in idxs[-depth:]]
        for i, zone in edges:
            key = _furniture_key(blocks[i].text)
            if len(key) < 3:
                continue
            seen_on[key].add(page)
            where[i] = (key, zone)
    threshold = max(2, (len(pages) + 1) // 2)
    repeated = {k for k, ps in seen_on.items() if len(ps) >= threshold}
    out: list[Block] = []
    kept: set[str] = set()
    for i, b in enumerate(blocks):
        info = where.get(i)
        if info and info[0] in repeated:
            if info[0] in kept:
                continue
            kept.add(info[0])
            b.kind = info[1]
        out.append(b)
    return out


_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+(\S.*)$")
_HEADING_LIKE = re.compile(r"^[A-ZÅÄÖ][^.!?:;]{0,80}$")


def promote_numbered_headings(blocks: list[Block]) -> None:
    """A short numbered line that goes on with the sections' own numbering is the next section's heading: after
    "7. Actions", "8. Monitoring and reporting" and "9. Approval" read as list items (a layout that set them like
    the list before them) are headings, and an empty one claims nothing. A list that counts from 1 under a
    heading is left alone: only the number after the last numbered heading's is taken."""
    last: tuple[int, int] | None = None  # (number, level) of the last numbered heading
    for b in blocks:
        if b.kind == "heading":
            m = _NUMBERED.match(b.text)
            last = (int(m.group(1)), b.level or 1) if m else last
        elif last is not None and b.kind in ("list-item", "paragraph") and not b.table:
            m = _NUMBERED.match(b.text)
            if (m and int(m.group(1)) == last[0] + 1 and len(m.group(2).split()) <= 8
                    and _HEADING_LIKE.match(m.group(2))):
                b.kind, b.level = "heading", last[1]
                last = (last[0] + 1, last[1])


def assign_headings(blocks: list[Block]) -> None:
    """Give each block the path of headings it sits under; the document title is the root."""
    stack: list[tuple[int, str]] = []
    path: tuple[str, ...] = ()  # the stack's texts, shared by the blocks under it
    for b in blocks:
        if b.kind in ("heading", "title"):
            level = 0 if b.kind == "title" else b.level or 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, b.text))
            path = b.headings = tuple(t for _, t in stack)
        elif b.kind in ("header", "footer"):
            b.headings = ()
        else:
            b.headings = path


# a run-in label alone in its paragraph: one to three words, the first capitalised, and a full stop (with a colon
# it stays a lead-in read with each item: "Regionen ansvarar för:" over what the region does)
_RUN_IN_LABEL = re.compile(r"[A-ZÅÄÖ][\w'’-]*(?: [\w'’-]+){0,2}\.\Z")


def label_list_headings(blocks: list[Block]) -> None:
    """A run-in label alone in its paragraph over a list ("**Aims.**" then "- By March 2027, agree ...") heads
    that list as a heading would: the label becomes a heading one level under its section, and only the list
    items that follow take it into their path; the paragraph after the list is back in the section it was in
    (a bold run-in label gives no heading level, and its scope is the list it introduces)."""
    for i, b in enumerate(blocks):
        if b.kind != "paragraph" or b.table or not _RUN_IN_LABEL.match(b.text):
            continue
        items = []
        for nxt in blocks[i + 1:]:
            if nxt.kind in ("header", "footer"):
                continue
            if nxt.kind != "list-item" or nxt.table or nxt.headings != b.headings:
                break
            items.append(nxt)
        if not items:
            continue
        parent = b.headings
        b.kind, b.level = "heading", len(parent) + 1
        b.headings = (*parent, b.text)
        for item in items:
            item.headings = b.headings


_OPEN_END = re.compile(r"(?:\w-|[\w,])$")  # "circulate pa-" / "... the Board," : the sentence goes on


def join_across_pages(blocks: list[Block]) -> list[Block]:
    """A paragraph a page break cut in two is one paragraph: the last paragraph of a page that ends
    mid-sentence (a word or a line-end hyphen, no full stop) and the first body paragraph of the next
    page that opens in lower case ("circulate pa-" | footer | "pers five working days ..."). Read
    apart, the sentence was two, and a task and its agent stood in different sentences."""
    out: list[Block] = []
    last_body: Block | None = None
    for b in blocks:
        if b.kind in ("header", "footer"):
            out.append(b)
            continue
        prev = last_body
        if (prev is not None and prev.kind == "paragraph" and b.kind == "paragraph" and prev.page is not None
                and b.page == prev.page + 1 and b.text[:1].islower() and _OPEN_END.search(prev.text)):
            # the page break read as the line break it is: a line-end hyphen is joined as within a block
            prev.text = " ".join(_join_hyphens(f"{prev.text}\n{b.text}").split())
            continue
        out.append(b)
        last_body = b
    return out


# A document field on a line of its own: "Fastställd: 2023-11-20", "Document owner: Head of Service",
# "Approved by:" (its value on the next line). The label is short and opens with a capital.
_FIELD_LINE = re.compile(r"^[^\W\d_][\w ]{0,29}:(?:\s|$)")


def split_field_lines(blocks: list[Block]) -> list[Block]:
    """A paragraph of "Label: value" lines is a list of fields, one block each.

    PDF and plain-text extractors keep a document's field list ("Fastställd: 2023-11-20 /
    Giltig till: … / Dokumentägare: verksamhetschef") as one paragraph when no blank line parts the
    lines, and a value wrapped onto a second line hides that they are fields. Read as one sentence,
    the owner named in one field became the body that adopted the document in another. A line that is
    no field continues the field above it (a wrapped value); the paragraph is split only when it opens
    with a field and at least half of its lines are fields, so hard-wrapped prose stays whole. One
    opening line that is no field stands on its own ("Version 2.0, approved March 2025" over
    "Document owner: ..."): the record of a decision above the owner's field is not the owner's.
    """
    out: list[Block] = []
    for b in blocks:
        if b.kind != "paragraph" or "\n" not in b.text or ":" not in b.text:
            out.append(b)
            continue
        lines = [ln.strip() for ln in b.text.split("\n") if ln.strip()]
        starts = [bool(_FIELD_LINE.match(ln)) and ln[0].isupper() for ln in lines]
        lead = 0 if not starts or starts[0] else 1  # one opening line that is no field
        if sum(starts) < 2 or not starts[lead] or 2 * sum(starts) < len(lines) - lead:
            out.append(b)
            continue
        fields: list[list[str]] = [[lines[0]]] if lead else []
        lines, starts = lines[lead:], starts[lead:]
        for ln, start in zip(lines, starts, strict=True):
            if start:
                fields.append([ln])
            else:
                fields[-1].append(ln)
        out.extend(replace(b, text="\n".join(f)) for f in fields)
    return out


def normalise_blocks(blocks: list[Block]) -> list[Block]:
    """Clean every block, drop empty ones, mark furniture, fill heading paths and indices."""
    blocks = split_field_lines(blocks)
    for b in blocks:
        b.text = clean_text(b.text)
    blocks = [b for b in blocks if b.text]
    blocks = mark_running_furniture(blocks)
    blocks = join_across_pages(blocks)
    for i, b in enumerate(blocks):
        b.index = i
    promote_numbered_headings(blocks)
    assign_headings(blocks)
    label_list_headings(blocks)
    return blocks
