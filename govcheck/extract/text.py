"""Plain-text plug-in, and the byte decoding shared with the HTML and Markdown plug-ins.

Archived governance texts arrive in UTF-8, UTF-16 (Windows "Unicode" saves) and cp1252/latin-1; a wrong
guess turns "Överenskommelse" into "Ã–verenskommelse" and every Swedish rule term stops matching. Plain
text has no markup, so structure (headings, list items) is inferred from layout the way a reader would.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from govcheck.extract.base import ExtractOptions
from govcheck.model import Block, Extracted, Unreadable

FORMAT = "txt"
EXTENSIONS: tuple[str, ...] = (".txt", ".text")
MAX_BYTES = 64 * 1024 * 1024  # a "text" file larger than this is a log or a dump, not a governance document

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with FF FE too
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# cp1252 bytes of letters and punctuation common in Swedish/English/Western text (å ä ö é ü æ ø, dashes,
# quotes, §, nbsp, euro). charset-normalizer calls short Swedish text cp1250 and turns "å" into "ĺ".
_WESTERN = frozenset(
    b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9\xc9\xfc\xdc\xe8\xe0\xe1\xed\xf3\xfa\xf8\xd8\xe6\xc6"
    b"\xe7\xf1\xeb\xef\xee\xf4\xfb\xe2\xea\x96\x97\x93\x94\x92\x91\x85\x84\xa7\xb4\xab"
    b"\xbb\xb0\xa0\x80\x95\xbd\xd7"
)
_LEGACY_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso_8859-1"}


def sniff(head: bytes) -> bool:
    """Any bytes could be text: the extension decides (detect_format skips this sniffer)."""
    return False


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode to str; return (text, encoding used). BOM, valid UTF-8, a declared charset, then detection."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), enc
    try:  # valid UTF-8 with non-ASCII bytes is practically never another encoding, whatever is declared
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        enc = declared.strip().lower()
        if enc in _LEGACY_ALIASES:
            enc = "cp1252"  # what browsers do: the C1 range holds cp1252's dashes and quotes
        try:
            codecs.lookup(enc)
            return data.decode(enc), enc
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect instead
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, errors="replace"), utf16
    high = [b for b in data if b >= 0x80]
    if high and sum(b in _WESTERN for b in high) >= 0.8 * len(high):
        return data.decode("cp1252", errors="replace"), "cp1252"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:1_000_000]).best()
    except Exception:  # the detector is a heuristic: any failure just means "no opinion"
        best = None
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), best.encoding
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 saved without a BOM: mostly-Latin text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def read_text(path: Path, declared: str | None = None) -> tuple[str, str]:
    """Read and decode a text-like file; empty, unreadable or binary files become Unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise Unreadable(f"file too large for a text document ({size / 1e6:.0f} MB)")
        data = path.read_bytes()
    except OSError as exc:
        raise Unreadable(f"cannot open file: {exc.strerror or exc}") from None
    if not data:
        raise Unreadable("empty file")
    text, enc = decode_bytes(data, declared)
    controls = sum(1 for ch in text[:100_000] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > 0.05 * min(len(text), 100_000):
        raise Unreadable("binary content, not text")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return text, enc


# --- structure from layout -------------------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,5})\.?\s+(?=\S)")
# a section numbered as agreements and statutes do: "§ 4 Mål", "§ 12 Tvister"
_SECTION_SIGN = re.compile(r"^\s*§\s*\d{1,3}[a-z]?\s+(?=\S)")
_BULLET = re.compile(r"^\s*(?:[-*•–·▪◦]|\(?[0-9a-zA-Z]{1,2}\))\s+\S")
_BULLET_GLYPH = re.compile(r"^\s*[-*•–·▪◦]\s+")
_UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
_TERMINAL = (".", "!", "?", ":", ";", ",")
# Words a heading does not end on: a line ending in a modal or a function word opens a sentence that the
# next block finishes ("Samordnaren ska" above a list of tasks, "The lead agency will"), so it is no heading.
_OPEN_ENDINGS = frozenset(
    "ska skall kan bör måste får att och eller samt som till för med av i på om "
    "shall will must should may can to and or of for with by the a an that which".split()
)
_DATE_OR_NUMBER = re.compile(r"^[\d\s./:\-–§]+$")
# ... except the scope label of an intranet routine, which heads the group it applies to: "Gäller för" over "All
# personal som arbetar med barn 1–5 år ...", as the HTML version of the same page marks it
_SCOPE_LABEL = re.compile(r"^(?:gäller\s+för|applies\s+to)$", re.IGNORECASE)
# a full numeric date makes a line a stamp ("Version 1.2 – approved 12/09/2024", "Reviderad 2025-03-01"), not
# a heading: a heading that is empty above the next one would hide it from the rules
_NUMERIC_DATE = re.compile(r"\b(?:\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d|(?:19|20)\d\d-\d{1,2}-\d{1,2})\b")
# ... and so does a date written out with its day ("Approved February 10, 2026", "Fastställd 10 februari 2026"); a month
# and year alone ("Action plan March 2026") can head a section
_MONTHS = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
           r"januari|februari|mars|maj|juni|juli|augusti|oktober)")
_WRITTEN_DATE = re.compile(rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\s+(?:19|20)\d\d"
                           rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)\b", re.IGNORECASE)
HEADING_MAX = 80
_LABEL_FIELD = re.compile(r"^[^\W\d][\w ]{0,29}:\s+\S")
TITLE_MAX = 300


# A title wrapped over two or three lines ("... Children's Bladder" / "and Bowel Action Plan 2026-2027") is one
# title: its type word may stand on the last line. Longer, or with a sentence ending inside, it is body text.
WRAPPED_TITLE_LINES = 3
WRAPPED_TITLE_MAX = 200


def _wrapped_title(first_block: str, first_line: str) -> str:
    lines = [line.strip() for line in first_block.split("\n")]
    if (
        first_block.strip().startswith(first_line) and 1 < len(lines) <= WRAPPED_TITLE_LINES
        and len(first_block) <= WRAPPED_TITLE_MAX and not re.search(r"[.!?]\s", first_block)
    ):
        return " ".join(lines)
    return first_line


def extract(path: Path, options: ExtractOptions) -> Extracted:
    text, enc = read_text(path)
    blocks = parse_plain(text)
    if not blocks:
        raise Unreadable("no text")
    title = next((line.strip() for line in text.split("\n") if line.strip()), None)
    if title and len(title) > TITLE_MAX:
        title = None  # a first line this long is body text that lost its line breaks
    elif title:
        title = _wrapped_title(blocks[0].text, title)
    if blocks[0].kind == "heading" and blocks[0].text.strip() == title:
        blocks[0].kind, blocks[0].level = "title", None
    return Extracted(format=FORMAT, blocks=blocks, title=title, engine=f"text ({enc})")


def parse_plain(text: str) -> list[Block]:
    """Paragraphs at blank lines; headings by numbering, underline or a short unpunctuated line alone."""
    blocks: list[Block] = []
    tables = 0
    for para in _paragraphs(text.replace("\f", "\n\n")):
        rows = _tab_rows(para)
        if rows:
            blocks.extend(Block(text=cell, kind="table-cell", table=(tables, r, c))
                          for r, row in enumerate(rows) for c, cell in enumerate(row) if cell)
            tables += 1
        else:
            blocks.extend(_classify([line.rstrip() for line in para]))
    for i, block in enumerate(blocks):
        block.index = i
    return blocks


def _paragraphs(text: str) -> list[list[str]]:
    """Lines between blank lines. A line keeps its trailing tabs: in a table saved as text they are the
    row's empty last cells ("Beslutad av<TAB>" in a form whose field is blank)."""
    paras: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.rstrip(" \r\v")
        if line.strip():
            current.append(line)
        elif current:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


def _tab_rows(lines: list[str]) -> list[list[str]] | None:
    """A table saved as text: Word's and spreadsheets' "text" export puts a tab between a row's cells and a
    line break after it. Read as a table only when every line of the paragraph has the same number of
    cells (two or more) and the first row has no empty cell, so tab-indented prose stays prose."""
    if len(lines) < 2 or not all("\t" in line for line in lines):
        return None
    rows = [[cell.strip() for cell in line.split("\t")] for line in lines]
    width = len(rows[0])
    if width < 2 or any(len(row) != width for row in rows) or not all(rows[0]):
        return None
    return rows


def _classify(lines: list[str]) -> list[Block]:
    out: list[Block] = []
    # An underlined line (=== or ---) is a heading wherever it stands in the paragraph.
    i = 0
    start = 0
    while i < len(lines) - 1:
        if _UNDERLINE.match(lines[i + 1]) and not _UNDERLINE.match(lines[i]) and len(lines[i].strip()) >= 2:
            out.extend(_plain(lines[start:i]))
            level = 1 if lines[i + 1].strip().startswith("=") else 2
            out.append(Block(text=lines[i].strip(), kind="heading", level=level))
            start = i = i + 2
        else:
            i += 1
    out.extend(_plain(lines[start:]))
    return out


def _plain(lines: list[str]) -> list[Block]:
    if not lines:
        return []
    if len(lines) == 1:
        level = heading_level(lines[0])
        if level:
            return [Block(text=lines[0].strip(), kind="heading", level=level)]
    elif _is_caps_heading(lines[0]) and not _BULLET.match(lines[0]):
        # a heading typed straight above its text, without a blank line
        return [Block(text=lines[0].strip(), kind="heading", level=1), *_plain(lines[1:])]
    if all(_BULLET.match(line) or line.startswith((" ", "\t")) for line in lines) and _BULLET.match(lines[0]):
        return _list_items(lines)
    if len(lines) > 1 and _NUMBERED.match(lines[0]) and sum(bool(_NUMBERED.match(line)) for line in lines) > 1 and all(
            _NUMBERED.match(line) or line.startswith((" ", "\t")) for line in lines):
        # consecutive numbered lines, each item's wrapped lines indented under it: an ordered list
        return _list_items(lines)
    # "Owner: X" / "Date: Y" on lines of their own are split into fields for every format alike by
    # normalize.split_field_lines
    return [Block(text="\n".join(lines), kind="paragraph")]


def _list_items(lines: list[str]) -> list[Block]:
    items: list[list[str]] = []
    for line in lines:
        if _BULLET.match(line) or _NUMBERED.match(line) or not items:
            items.append([line])
        else:
            items[-1].append(line)  # an indented continuation of the item above
    # The bullet glyph is layout, not text (DOCX list items carry none); numbers and letters stay.
    return [Block(text=_BULLET_GLYPH.sub("", "\n".join(item), count=1), kind="list-item") for item in items]


def heading_level(line: str) -> int | None:
    """Level of a stand-alone line that reads as a heading, or None.

    "3. Syfte och mål" -> 1, "5.1 Barnets rättigheter" -> 2, "§ 4 Mål" -> 1; an unnumbered short line that starts with a
    capital and does not end like a sentence (or is a short question) -> 1. Dates, signatures' "Ort och
    datum" fields and bullets are not headings.
    """
    s = line.strip()
    # a short question alone on its line heads its answer, as on a web page's Q&A ("Vem kan få hjälp?")
    question = s.endswith("?") and len(s.split()) <= 8
    if not s or len(s) >= HEADING_MAX or (s.endswith(_TERMINAL) and not question) or _DATE_OR_NUMBER.match(s):
        return None
    if _BULLET.match(s) and not _NUMBERED.match(s):
        return None
    m = _NUMBERED.match(s)
    if m:
        rest = s[m.end() :]
        if not rest[:1].isalpha():
            return None
        return min(m.group(1).count(".") + 1, 6)
    m = _SECTION_SIGN.match(s)
    if m:
        return 1 if s[m.end() :][:1].isalpha() else None
    if not s[0].isalpha() or not s[0].isupper() or len(s.split()) > 12:
        return None
    if _NUMERIC_DATE.search(s) or _WRITTEN_DATE.search(s):
        return None
    if _LABEL_FIELD.match(s):
        return None  # "Owner: Head of Inclusion Services" is a field of the document, not a heading
    if s.split()[-1].lower() in _OPEN_ENDINGS and not _SCOPE_LABEL.match(s):
        return None  # "Samordnaren ska" leads into the list below it
    return 1


def _is_caps_heading(line: str) -> bool:
    """An ALL-CAPS line ("RESPONSIBILITIES", "PROCEDURE HV-12: REFERRAL ...") heads what follows it."""
    s = line.strip()
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and len(s) <= 120 and not s.endswith((".", ","))
