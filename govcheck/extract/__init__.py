"""Format plug-ins: file -> Extracted blocks with locations.

Each module in this package implements `base.Extractor`. Detection trusts content over the file
name (a PDF named .docx is read as a PDF), then falls back to the extension.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from govcheck.extract import docx, html, markdown, odt, pdf, text
from govcheck.extract.base import ExtractOptions
from govcheck.model import Extracted, Unreadable

# Order matters for sniffing: binary signatures first, the text fallbacks last.
PLUGINS: tuple[ModuleType, ...] = (pdf, docx, odt, html, markdown, text)
BY_FORMAT: dict[str, ModuleType] = {p.FORMAT: p for p in PLUGINS}
EXTRACTOR_VERSION = 11  # bump when an extractor, the normaliser or the segmenter changes its output (cache key)

__all__ = ["BY_FORMAT", "PLUGINS", "ExtractOptions", "detect_format", "extract"]


def detect_format(path: Path, head: bytes | None = None) -> str | None:
    """The format of a file by content, then by extension; None for files we do not read."""
    if head is None:
        try:
            with open(path, "rb") as fh:
                head = fh.read(4096)
        except OSError:
            head = b""
    by_ext = next((p.FORMAT for p in PLUGINS if path.suffix.lower() in p.EXTENSIONS), None)
    if head:
        for plugin in PLUGINS:
            if plugin.FORMAT in ("md", "txt"):
                continue  # any text sniffs as text: decide by extension below
            if plugin.sniff(head):
                # A zip is DOCX or ODT: the sniffers look at the first member's name/mimetype.
                return plugin.FORMAT
    return by_ext


def extract(path: Path, fmt: str, options: ExtractOptions | None = None) -> Extracted:
    plugin = BY_FORMAT.get(fmt)
    if plugin is None:
        raise Unreadable(f"unsupported format {fmt!r}")
    return plugin.extract(path, options or ExtractOptions())
