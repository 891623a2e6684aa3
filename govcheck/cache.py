"""Cache of prepared documents: extraction is the cost of a scan, rules are cheap to re-run.

What is cached is the pack-independent stage - normalised blocks, sentences, extracted title, pages,
engine - or the one-line reason a file is unreadable. Language, document type and rule outcomes are
recomputed on every scan (they depend on packs, overrides and --as-of).

Key: sha256 of the file's bytes + EXTRACTOR_VERSION + a fingerprint of the extraction code and its
libraries + the options that change extraction (PDF engine, OCR, zip guards) + the detected format.
The code fingerprint means a changed extractor never serves stale text even if nobody bumped the
version.

Entries are zlib-compressed JSON behind a header and a sha256 of the compressed body, validated
field by field on load: a corrupt or truncated entry (crash mid-write on a filesystem without atomic
rename, disk errors, another tool) is a miss and gets rewritten, never trusted. Writes go to a temp
file in the same folder then os.replace, so concurrent scans sharing the folder are safe. No pickle:
even though the folder is the user's own, JSON we check costs little and cannot execute anything.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import json
import os
import tempfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import govcheck.extract as extract_pkg
from govcheck import __version__
from govcheck.extract.base import ExtractOptions
from govcheck.model import Block, Sentence

FORMAT_VERSION = 1
_MAGIC = b"govcheck-cache\x00" + str(FORMAT_VERSION).encode() + b"\n"
_DIGEST = 32
_READ_CHUNK = 1 << 20
# Code and libraries whose change can change what a document extracts to.
_CODE = ("extract", "normalize.py", "segment.py", "model.py", "cache.py")
_LIBRARIES = ("pypdfium2", "pdfplumber", "pdfminer.six", "python-docx", "lxml", "markdown-it-py",
              "charset-normalizer", "pytesseract")


class CacheCorrupt(Exception):
    """An entry that is not exactly what we wrote."""


@dataclass(slots=True)
class Prepared:
    """A document after extract -> normalise -> segment, before language, type and rules."""

    blocks: list[Block]
    sentences: list[Sentence]
    title: str | None  # from the extractor (metadata or the layout's title), not yet the fallback
    pages: int | None
    engine: str


def default_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("govcheck"))


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """Hash of govcheck's extraction code and library versions, computed once per process."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for name in _CODE:
        base = root / name
        files = sorted(base.rglob("*.py")) if base.is_dir() else [base]
        for f in files:
            try:
                h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
            except OSError:
                h.update(b"?")
    for lib in _LIBRARIES:
        try:
            h.update(f"{lib}={importlib.metadata.version(lib)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{lib}=-".encode())
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes. Opening a FIFO blocks here: call it under the worker's deadline."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_READ_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def cache_key(content_digest: str, fmt: str, options: ExtractOptions) -> str:
    opts = json.dumps(dataclasses.asdict(options), sort_keys=True)
    # Read the constant at call time: a bump (or a test's monkeypatch) takes effect at once.
    parts = [content_digest, str(extract_pkg.EXTRACTOR_VERSION), _fingerprint(), fmt, opts]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class Cache:
    """One cache folder; every method is safe to call from several processes at once."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory / f"v{FORMAT_VERSION}"

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.json.z"

    def get(self, key: str) -> Prepared | str | None:
        """The prepared document, the unreadable reason (str), or None on a miss or a bad entry."""
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        try:
            return decode(data)
        except CacheCorrupt:
            return None

    def put(self, key: str, value: Prepared | str) -> bool:
        """Store atomically; False if the folder is not writable (the scan goes on without)."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(encode(value))
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            return False
        return True


# --- entry format --------------------------------------------------------------------------------


def encode(value: Prepared | str) -> bytes:
    if isinstance(value, str):
        obj: dict = {"unreadable": value}
    else:
        heads: dict[tuple[str, ...], int] = {}
        blocks = []
        for b in value.blocks:
            h = heads.setdefault(b.headings, len(heads))
            blocks.append([b.text, b.kind, b.page, b.page_label, b.level, list(b.table) if b.table else None,
                           b.ocr, b.index, h])
        sentences: list[list] = []
        cursor: dict[int, int] = {}
        for s in value.sentences:
            text = value.blocks[s.block].text
            at = text.find(s.text, cursor.get(s.block, 0))
            if at < 0:  # not a slice of its block: store the text itself
                sentences.append([s.block, s.text])
            else:
                sentences.append([s.block, at, at + len(s.text)])
                cursor[s.block] = at + len(s.text)
        obj = {"title": value.title, "pages": value.pages, "engine": value.engine,
               "heads": [list(h) for h in heads], "blocks": blocks, "sentences": sentences}
    body = zlib.compress(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode(), 6)
    return _MAGIC + hashlib.sha256(body).digest() + body


def _check(ok: bool) -> None:
    if not ok:
        raise CacheCorrupt


def _opt(value: object, kind: type) -> bool:
    """None or a value of this type (a bool is no int here)."""
    return value is None or (isinstance(value, kind) and not isinstance(value, bool))


def decode(data: bytes) -> Prepared | str:
    """Inverse of encode; raises CacheCorrupt on anything unexpected."""
    _check(data.startswith(_MAGIC) and len(data) > len(_MAGIC) + _DIGEST)
    digest, body = data[len(_MAGIC):len(_MAGIC) + _DIGEST], data[len(_MAGIC) + _DIGEST:]
    _check(hashlib.sha256(body).digest() == digest)
    try:
        obj = json.loads(zlib.decompress(body))
    except (zlib.error, ValueError, RecursionError) as exc:
        raise CacheCorrupt from exc
    _check(isinstance(obj, dict))
    if "unreadable" in obj:
        _check(isinstance(obj["unreadable"], str))
        return obj["unreadable"]
    try:
        heads = [tuple(h) for h in obj["heads"]]
        _check(all(isinstance(t, str) for h in heads for t in h))
        blocks = []
        for text, kind, page, label, level, table, ocr, index, h in obj["blocks"]:
            _check(isinstance(text, str) and isinstance(kind, str) and isinstance(ocr, bool)
                   and isinstance(index, int) and isinstance(h, int) and 0 <= h < len(heads)
                   and _opt(page, int) and _opt(label, str) and _opt(level, int))
            _check(table is None or (isinstance(table, list) and len(table) == 3
                                     and all(isinstance(x, int) for x in table)))
            blocks.append(Block(text=text, kind=kind, page=page, page_label=label, level=level,
                                headings=heads[h], table=tuple(table) if table else None, index=index, ocr=ocr))
        sentences = []
        for item in obj["sentences"]:
            bi = item[0]
            _check(isinstance(bi, int) and 0 <= bi < len(blocks))
            if len(item) == 2:
                _check(isinstance(item[1], str))
                sentences.append(Sentence(text=item[1], block=bi))
            else:
                _, start, end = item
                _check(isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(blocks[bi].text))
                sentences.append(Sentence(text=blocks[bi].text[start:end], block=bi))
        title, pages, engine = obj["title"], obj["pages"], obj["engine"]
        _check(_opt(title, str) and _opt(pages, int) and isinstance(engine, str))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise CacheCorrupt from exc
    return Prepared(blocks=blocks, sentences=sentences, title=title, pages=pages, engine=engine)
