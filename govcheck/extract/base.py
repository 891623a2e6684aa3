"""The one interface every format plug-in implements."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from govcheck.model import Extracted


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    pdf_engine: str = "pdfium"  # "pdfium" (fast default) or "pdfplumber" (layout analysis)
    ocr: bool = False  # run Tesseract on pages without a text layer
    ocr_lang: str = "swe+eng"
    max_unzipped_bytes: int = 200 * 1024 * 1024  # DOCX/ODT zip-bomb guard
    max_zip_ratio: float = 200.0


class Extractor(Protocol):
    """A format plug-in: a module with these three names."""

    FORMAT: str  # "pdf", "docx", ...
    EXTENSIONS: tuple[str, ...]  # lower-case, with the dot

    @staticmethod
    def sniff(head: bytes) -> bool:
        """True when the first bytes of a file say it is this format."""
        ...

    @staticmethod
    def extract(path: Path, options: ExtractOptions) -> Extracted:
        """Read the file into blocks with locations. Raise model.Unreadable with a one-line reason."""
        ...
