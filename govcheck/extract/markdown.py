"""Markdown plug-in: markdown-it-py tokens to blocks, inline markup reduced to the words it marks up.

A real parser rather than regexes, because "**Ansvar**", "[SIP](url)" and setext underlines must read as
the words a reader sees, and pipe tables must become table cells with positions like DOCX tables.
"""

from __future__ import annotations

import re
from pathlib import Path

from govcheck.extract.base import ExtractOptions
from govcheck.extract.text import parse_plain, read_text
from govcheck.model import Block, Extracted, Unreadable

FORMAT = "md"
EXTENSIONS: tuple[str, ...] = (".md", ".markdown")

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FM_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)
_TAGS = re.compile(r"<!--.*?-->|<[^>]+>", re.DOTALL)
_MAX_NESTING = 20  # markdown-it's CommonMark default; past it the parser skips content without a word


class _TooDeep(Exception):
    """The token stream reached the nesting limit, so markdown-it may have dropped text."""


def sniff(head: bytes) -> bool:
    """Markdown is plain text: the extension decides (detect_format skips this sniffer)."""
    return False


def extract(path: Path, options: ExtractOptions) -> Extracted:
    text, enc = read_text(path)
    front_title = None
    fm = _FRONT_MATTER.match(text)
    if fm:
        m = _FM_TITLE.search(fm.group(1) or "")
        if m:
            front_title = m.group(1).strip().strip("\"'") or None
        text = text[fm.end() :]
    warnings: list[str] = []
    try:
        blocks = parse_markdown(text)
    except _TooDeep:
        # markdown-it silently drops whatever lies past its nesting limit; plain text keeps every word.
        blocks = parse_plain(text)
        warnings.append(f"nesting deeper than {_MAX_NESTING} levels: read as plain text")
    if not blocks:
        raise Unreadable("no text")
    title = next((b.text.strip() for b in blocks if b.kind == "heading" and b.level == 1), None)
    title = title or front_title or next((b.text.strip() for b in blocks if b.kind == "heading"), None)
    return Extracted(
        format=FORMAT, blocks=blocks, title=title, engine=f"markdown-it-py ({enc})", warnings=warnings
    )


def parse_markdown(text: str) -> list[Block]:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": _MAX_NESTING}).enable("table")
    try:
        tokens = md.parse(text)
    except RecursionError:  # markdown-it caps nesting; this is the backstop
        raise Unreadable("document nesting too deep") from None
    if any(tok.level >= _MAX_NESTING - 1 for tok in tokens):
        raise _TooDeep
    blocks: list[Block] = []
    list_depth = 0
    lists: list[list[int] | None] = []  # open lists, innermost last: [next ordinal] if ordered, else None
    items: list[list[int | None]] = []  # open items, innermost last: [ordinal its first block still takes]
    table_no = -1
    row = -1
    col = -1
    cell: tuple[int, int, int] | None = None
    heading_level: int | None = None
    for tok in tokens:
        t = tok.type
        emitted = len(blocks)
        if t in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
            if items:  # "1. - a": the outer marker stands on the nested list's first line, not on later text
                items[-1][0] = None
            lists.append([_start(tok)] if t == "ordered_list_open" else None)
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            if lists:
                lists.pop()
        elif t == "list_item_open":
            counter = lists[-1] if lists else None
            items.append([counter[0] if counter else None])
            if counter:
                counter[0] += 1
        elif t == "list_item_close":
            if items:
                items.pop()
        elif t == "heading_open":
            heading_level = int(tok.tag[1]) if tok.tag[1:].isdigit() else 1
        elif t == "heading_close":
            heading_level = None
        elif t == "table_open":
            table_no += 1
            row = -1
        elif t == "tr_open":
            row += 1
            col = -1
        elif t in ("th_open", "td_open"):
            col += 1
            cell = (table_no, row, col)
        elif t in ("th_close", "td_close"):
            cell = None
        elif t == "inline":
            content = inline_text(tok)
            if not content.strip():
                continue
            if cell is not None:
                blocks.append(Block(text=content, kind="table-cell", table=cell))
            elif heading_level is not None:
                blocks.append(Block(text=content, kind="heading", level=heading_level))
            elif list_depth:
                blocks.append(Block(text=content, kind="list-item"))
            elif len(lines := content.split("\n")) > 1 and all(_FIELD.match(x) for x in lines):
                # a metadata block ("Beslutad av: X" / "Datum: Y" on consecutive lines): one field each
                blocks.extend(Block(text=x.strip(), kind="paragraph") for x in lines)
            else:
                blocks.append(Block(text=content, kind="paragraph"))
        elif t in ("fence", "code_block"):
            if tok.content.strip():
                blocks.append(
                    Block(text=tok.content.rstrip("\n"), kind="list-item" if list_depth else "paragraph")
                )
        elif t == "html_block":
            stripped = _TAGS.sub("", tok.content).strip()
            if stripped:
                blocks.append(Block(text=stripped, kind="paragraph"))
        if items and items[-1][0] is not None and len(blocks) > emitted:
            # the item's first block carries its ordinal; the item's later paragraphs have no marker
            blocks[emitted].number, items[-1][0] = items[-1][0], None
    for i, block in enumerate(blocks):
        block.index = i
    return blocks


def _start(tok) -> int:
    """The first ordinal of an ordered list. CommonMark numbers items start, start+1, ... whatever the
    later items are written as ("1." "1." "1." reads 1, 2, 3), as every renderer shows them."""
    try:
        return int(tok.attrGet("start") or 1)
    except (TypeError, ValueError):
        return 1


_FIELD = re.compile(r"^\s*[^\W\d][\w ./()-]{0,39}:(?:\s|$)")


def inline_text(tok) -> str:
    """The words of an inline token: emphasis and links reduced to their text, breaks to newlines."""
    parts: list[str] = []
    for child in tok.children or ():
        t = child.type
        if t in ("text", "code_inline"):
            parts.append(child.content)
        elif t in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif t == "html_inline":
            continue  # tags themselves are not text; the text between them arrives as "text" tokens
        # image alt text is not shown on the page; link/emphasis open/close carry no text
    return "".join(parts)
