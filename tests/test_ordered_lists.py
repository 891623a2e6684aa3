"""Ordered lists: the number a reader sees before a list item (Block.number), in every format that draws
the number itself instead of writing it into the text, and the numbered steps the rules find from it.

Markdown, HTML <ol>, Word numbering and ODF numbered lists put "1." "2." "3." on the page but not in the
text, so without Block.number an ordered procedure reads like a bulleted one. Each test builds a real
file and reads it with the format's extractor; the text stays what the reader sees after the marker.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DEV

from govcheck.extract import ExtractOptions
from govcheck.extract import html as html_ext
from govcheck.extract import markdown as md_ext
from govcheck.model import Block

OPTS = ExtractOptions()
needs_corpus = pytest.mark.skipif(not (DEV / "docs").is_dir(), reason="shared corpus not present")


def numbers(blocks: list[Block]) -> list[tuple[str, int | None]]:
    """(text, number) of the body's paragraphs and items, headings left out."""
    return [(b.text, b.number) for b in blocks if b.kind in ("paragraph", "list-item")]


# --- Markdown -------------------------------------------------------------------------------------


def test_markdown_ordered_lists_number_their_items(tmp_path: Path) -> None:
    path = tmp_path / "rutin.md"
    path.write_text(
        "# Rutin\n\n"
        "## Arbetsgång\n\n"
        "1. Kontrollera insatserna.\n"
        "2. Inhämta samtycke.\n"
        "   1. Muntligt.\n"          # nested: numbered at its own level
        "   2. Skriftligt.\n"
        "3. Skicka kallelsen.\n\n"
        "   Kallelsen går ut i god tid.\n\n"  # a second paragraph of item 3: no marker of its own
        "- Punkt ett\n"
        "- Punkt två\n\n"
        "Mellan listorna.\n\n"
        "3) Tre\n"                     # a list may start anywhere and use ')'
        "1) Fyra\n",                   # CommonMark numbers on from the start, whatever is written
        encoding="utf-8",
    )
    ex = md_ext.extract(path, OPTS)
    assert numbers(ex.blocks) == [
        ("Kontrollera insatserna.", 1),
        ("Inhämta samtycke.", 2),
        ("Muntligt.", 1),
        ("Skriftligt.", 2),
        ("Skicka kallelsen.", 3),
        ("Kallelsen går ut i god tid.", None),
        ("Punkt ett", None),
        ("Punkt två", None),
        ("Mellan listorna.", None),
        ("Tre", 3),
        ("Fyra", 4),
    ]


# --- HTML -----------------------------------------------------------------------------------------


def test_html_ol_start_value_reversed_and_nesting(tmp_path: Path) -> None:
    path = tmp_path / "rutin.html"
    path.write_text(
        "<!doctype html><html><head><title>Rutin</title></head><body><h1>Rutin</h1>"
        "<ol start='2'><li>Två</li><li>Tre<ol type='a'><li>Tre a</li><li>Tre b</li></ol></li>"
        "<li value='7'><p>Sju</p><p>Mer om sju</p></li><li>Åtta</li></ol>"
        "<ul><li>Punkt<ol><li>Ett under punkten</li></ol></li></ul>"
        "<ol reversed><li>Tre kvar</li><li hidden>dold</li><li>Två kvar</li><li>Sista</li></ol>"
        "<ol style='list-style-type: none'><li>Utan siffra</li></ol>"
        "</body></html>",
        encoding="utf-8",
    )
    ex = html_ext.extract(path, OPTS)
    assert numbers(ex.blocks) == [
        ("Två", 2),
        ("Tre", 3),
        ("Tre a", 1),
        ("Tre b", 2),
        ("Sju", 7),
        ("Mer om sju", None),
        ("Åtta", 8),
        ("Punkt", None),
        ("Ett under punkten", 1),
        ("Tre kvar", 3),  # reversed counts down from the number of items shown
        ("Två kvar", 2),
        ("Sista", 1),
        ("Utan siffra", None),
    ]


