"""Cache of prepared documents and of their results: a warm scan reads, it neither extracts nor judges.

Two kinds of entry share the folder:

- prepared document (`KEY.json.z`): the pack-independent stage - normalised blocks, sentences,
  extracted title, pages, engine - or the one-line reason a file is unreadable. A scan with other
  packs, overrides or --as-of starts from it instead of extracting again.
- document result (`KEY.res.z`): the finished DocumentResult (language, type, every rule outcome and
  its evidence), without its path. Its key (`result_key`) is the prepared document's key plus
  everything else the result depends on: a hash of the loaded packs' files and of the rules selected
  from them, --as-of, the --doc-type/--doc-lang overrides that apply to this path, and a fingerprint
  of all of govcheck's code. Waivers and rules.enable/disable filtering of the report are applied to
  the results after the scan, so they need no part in the key.

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
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import orjson

import govcheck.extract as extract_pkg
from govcheck import __version__
from govcheck.extract.base import ExtractOptions
from govcheck.model import Block, DocumentResult, Evidence, Facet, RuleResult, Sentence

# 3: blocks carry Block.number (the ordinal of an ordered list item). An entry of another version is
# never read: each version has its own folder and its own header (_MAGIC).
FORMAT_VERSION = 3
_MAGIC = b"govcheck-cache\x00" + str(FORMAT_VERSION).encode() + b"\n"
# zlib level 1: a third of level 6's time for entries ~15 % larger (written once per document on every cold scan).
_LEVEL = 1
_RESULT_MAGIC = b"govcheck-result\x00" + str(FORMAT_VERSION).encode() + b"\n"
_RESULT_SUFFIX = ".res.z"
_PAGE_MAGIC = b"govcheck-ocr-page\x00" + str(FORMAT_VERSION).encode() + b"\n"
_PAGE_SUFFIX = ".ocr.z"  # one OCR'd page image (govcheck.extract.ocr), keyed by its pixels
_DIGEST = 32
# Code and libraries whose change can change what a document extracts to.
_CODE = ("extract", "normalize.py", "segment.py", "model.py", "cache.py")
_LIBRARIES = ("pypdfium2", "pdfplumber", "pdfminer.six", "python-docx", "lxml", "markdown-it-py",
              "charset-normalizer", "pytesseract")
# ... and whose change can change a document's result (language, type, rules).
_RULE_LIBRARIES = ("google-re2", "snowballstemmer", "PyStemmer", "PyYAML", "jsonschema")


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


def _hash_code(h: hashlib._Hash, files: list[Path]) -> None:
    """Each file's path (relative to the package) and bytes; an unreadable file counts as changed."""
    root = Path(__file__).resolve().parent
    for f in files:
        try:
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes())
        except OSError:
            h.update(b"?")


def _hash_versions(h: hashlib._Hash, libraries: tuple[str, ...]) -> None:
    for lib in libraries:
        try:
            h.update(f"{lib}={importlib.metadata.version(lib)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{lib}=-".encode())


@lru_cache(maxsize=1)
def _fingerprint() -> str:
    """Hash of govcheck's extraction code and library versions, computed once per process."""
    h = hashlib.sha256(__version__.encode())
    root = Path(__file__).resolve().parent
    for name in _CODE:
        base = root / name
        _hash_code(h, sorted(base.rglob("*.py")) if base.is_dir() else [base])
    _hash_versions(h, _LIBRARIES)
    return h.hexdigest()


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Hash of all of govcheck's code and of the libraries extraction and rules use: a changed rule
    engine, classifier or pipeline never serves a stale result."""
    h = hashlib.sha256(b"result\0" + _fingerprint().encode())
    _hash_code(h, sorted(Path(__file__).resolve().parent.rglob("*.py")))
    _hash_versions(h, _RULE_LIBRARIES)
    return h.hexdigest()


def packs_digest(packs: list) -> str | None:
    """Hash of the packs a scan runs: each pack file's bytes and the ids of the rules selected from it
    (rules.enable/disable), in order. None when a pack file cannot be read back: no result caching."""
    h = hashlib.sha256()
    for pack in packs:
        try:
            data = Path(pack.path).read_bytes()
        except OSError:
            return None
        h.update(hashlib.sha256(data).digest())
        h.update(json.dumps([pack.id, [r.id for r in pack.rules]]).encode())
    return h.hexdigest()


def result_key(doc_key: str, packs: str, as_of: str, doc_type: str | None, doc_lang: str | None) -> str:
    """Key of a document's result: its prepared document's key and everything else the result depends on."""
    parts = ["result", doc_key, packs, as_of, json.dumps([doc_type, doc_lang]), engine_fingerprint()]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes. Opening a FIFO blocks here: call it under the worker's deadline."""
    with open(path, "rb") as fh:
        return fileobj_digest(fh)


def fileobj_digest(fh) -> str:
    """sha256 of what is left to read in a binary file (hashlib.file_digest: one reused buffer)."""
    return hashlib.file_digest(fh, "sha256").hexdigest()


@lru_cache(maxsize=8)
def _options_json(options: ExtractOptions) -> str:
    return json.dumps(dataclasses.asdict(options), sort_keys=True)


def cache_key(content_digest: str, fmt: str, options: ExtractOptions) -> str:
    opts = _options_json(options)  # (frozen options: computed once per scan, not once per file)
    # Read the constant at call time: a bump (or a test's monkeypatch) takes effect at once.
    parts = [content_digest, str(extract_pkg.EXTRACTOR_VERSION), _fingerprint(), fmt, opts]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


class Cache:
    """One cache folder; every method is safe to call from several processes at once."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory / f"v{FORMAT_VERSION}"
        self.last_error: str | None = None  # why the last write failed ("...: No space left on device")

    def discard_partial(self, pid: int) -> None:
        """Remove what a killed writer process left half-written."""
        for leftover in self.dir.glob(f"*/.tmp-{pid}-*.part"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def check_writable(self) -> str | None:
        """None if entries can be written here, else the one-line reason (naming the folder): a scan
        warns once and goes on without the cache instead of failing every document's write."""
        probe = self._path("00" * 32)
        if self._write(probe, b""):
            with contextlib.suppress(OSError):
                probe.unlink()
            return None
        return self.last_error

    def _path(self, key: str, suffix: str = ".json.z") -> Path:
        return self.dir / key[:2] / f"{key}{suffix}"

    def get(self, key: str) -> Prepared | str | None:
        """The prepared document, the unreadable reason (str), or None on a miss or a bad entry."""
        try:
            data = self._path(key).read_bytes()
        except OSError:
            return None
        try:
            value = decode(data)
        except CacheCorrupt:
            return None
        _touch(self._path(key))
        return value

    def get_result(self, key: str, rel: str) -> DocumentResult | None:
        """The cached result, with `rel` as its path; None on a miss or a bad entry."""
        try:
            data = self._path(key, _RESULT_SUFFIX).read_bytes()
        except OSError:
            return None
        try:
            result = decode_result(data, rel)
        except CacheCorrupt:
            return None
        _touch(self._path(key, _RESULT_SUFFIX))
        return result

    def get_ocr_page(self, key: str) -> object | None:
        """An OCR'd page as govcheck.extract.ocr wrote it (JSON, checked there); None on a miss or a bad entry."""
        path = self._path(key, _PAGE_SUFFIX)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            value = _unframe(data, _PAGE_MAGIC)
        except CacheCorrupt:
            return None
        _touch(path)
        return value

    def put_ocr_page(self, key: str, value: object) -> bool:
        body = zlib.compress(_dumps(value), _LEVEL)
        return self._write(self._path(key, _PAGE_SUFFIX), _PAGE_MAGIC + hashlib.sha256(body).digest() + body)

    def put(self, key: str, value: Prepared | str) -> bool:
        """Store atomically; False if the folder is not writable (the scan goes on without)."""
        return self._write(self._path(key), encode(value))

    def put_result(self, key: str, result: DocumentResult) -> bool:
        try:
            data = encode_result(result)
        except (ValueError, TypeError):
            return False
        return self._write(self._path(key, _RESULT_SUFFIX), data)

    def _write(self, path: Path, data: bytes) -> bool:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # The writer's pid in the name: a worker killed mid-write (timeout, Ctrl-C) leaves a file
            # its scan can find and remove (discard_partial), not an orphan for every later scan.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".tmp-{os.getpid()}-", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            where = exc.filename if isinstance(exc.filename, str) else path.parent
            self.last_error = f"{where}: {exc.strerror or exc}"
            return False
        return True


def _touch(path: Path) -> None:
    """Mark an entry as used: `govcheck cache clear --older-than` removes the ones no scan has needed."""
    with contextlib.suppress(OSError):
        os.utime(path)


# --- entry format --------------------------------------------------------------------------------


def _dumps(obj: object) -> bytes:
    """Compact JSON from orjson (a tenth of the time of json's encoder, once per document on a cold
    scan). A lone surrogate, which orjson refuses, is written as json writes it: \\u-escaped ASCII."""
    try:
        return orjson.dumps(obj)
    except TypeError:
        return json.dumps(obj, separators=(",", ":")).encode("ascii")


def _loads(data: bytes) -> object:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:  # an escaped lone surrogate (or a damaged entry: json says so too)
        return json.loads(data)


def encode(value: Prepared | str) -> bytes:
    if isinstance(value, str):
        obj: dict = {"unreadable": value}
    else:
        heads: dict[tuple[str, ...], int] = {}
        blocks = []
        for b in value.blocks:
            h = heads.setdefault(b.headings, len(heads))
            blocks.append([b.text, b.kind, b.page, b.page_label, b.level, list(b.table) if b.table else None,
                           b.ocr, b.index, h, b.ocr_conf, b.number])
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
    body = zlib.compress(_dumps(obj), _LEVEL)
    return _MAGIC + hashlib.sha256(body).digest() + body


def _unframe(data: bytes, magic: bytes) -> object:
    """The JSON behind a header and the sha256 of the compressed body; CacheCorrupt if anything is off."""
    _check(data.startswith(magic) and len(data) > len(magic) + _DIGEST)
    digest, body = data[len(magic):len(magic) + _DIGEST], data[len(magic) + _DIGEST:]
    _check(hashlib.sha256(body).digest() == digest)
    try:
        return _loads(zlib.decompress(body))
    except (zlib.error, ValueError, RecursionError) as exc:
        raise CacheCorrupt from exc


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
        obj = _loads(zlib.decompress(body))
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
        for text, kind, page, label, level, table, ocr, index, h, conf, number in obj["blocks"]:
            _check(isinstance(text, str) and isinstance(kind, str) and isinstance(ocr, bool)
                   and isinstance(index, int) and isinstance(h, int) and 0 <= h < len(heads)
                   and _opt(page, int) and _opt(label, str) and _opt(level, int) and _opt(conf, int)
                   and _opt(number, int))
            _check(table is None or (isinstance(table, list) and len(table) == 3
                                     and all(isinstance(x, int) for x in table)))
            blocks.append(Block(text=text, kind=kind, page=page, page_label=label, level=level,
                                headings=heads[h], table=tuple(table) if table else None, index=index, ocr=ocr,
                                ocr_conf=conf, number=number))
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


# --- result entries ------------------------------------------------------------------------------


def encode_result(result: DocumentResult) -> bytes:
    """A DocumentResult without its path (the same bytes at another path share the entry). A lone
    surrogate in a quote survives the round trip (see _dumps)."""
    obj = {
        "status": result.status, "reason": result.reason, "format": result.format, "lang": result.lang,
        "doc_type": result.doc_type, "title": result.title, "pages": result.pages, "engine": result.engine,
        "ocr": result.ocr,
        "results": [[r.rule, r.outcome, r.message, _ev(r.evidence),
                     [[f.id, f.found, _ev(f.evidence)] for f in r.facets], r.review, list(r.review_reasons)]
                    for r in result.results],
    }
    if any(r.waived is not None or r.judged_by is not None for r in result.results):
        raise ValueError("waived or judged results are not cached")  # both are applied after the scan
    body = zlib.compress(_dumps(obj), _LEVEL)
    return _RESULT_MAGIC + hashlib.sha256(body).digest() + body


def _ev(evidence: list[Evidence]) -> list[list]:
    return [[e.text, e.page, e.section, e.page_label, e.kind, e.ocr, e.ocr_confidence] for e in evidence]


def _unev(evidence: object) -> list[Evidence]:
    _check(isinstance(evidence, list))
    found = []
    for text, page, section, label, kind, e_ocr, conf in evidence:  # type: ignore[union-attr]
        _check(isinstance(text, str) and _opt(page, int) and _opt(section, str) and _opt(label, str)
               and _opt(kind, str) and isinstance(e_ocr, bool) and _opt(conf, int))
        found.append(Evidence(text=text, page=page, section=section, page_label=label, kind=kind, ocr=e_ocr,
                              ocr_confidence=conf))
    return found


def decode_result(data: bytes, rel: str) -> DocumentResult:
    """Inverse of encode_result, with `rel` as the path; raises CacheCorrupt on anything unexpected."""
    _check(data.startswith(_RESULT_MAGIC) and len(data) > len(_RESULT_MAGIC) + _DIGEST)
    digest, body = data[len(_RESULT_MAGIC):len(_RESULT_MAGIC) + _DIGEST], data[len(_RESULT_MAGIC) + _DIGEST:]
    _check(hashlib.sha256(body).digest() == digest)
    try:
        obj = _loads(zlib.decompress(body))
    except (zlib.error, ValueError, RecursionError) as exc:
        raise CacheCorrupt from exc
    _check(isinstance(obj, dict))
    try:
        status, reason, fmt, lang = obj["status"], obj["reason"], obj["format"], obj["lang"]
        doc_type, title, pages, engine, ocr = obj["doc_type"], obj["title"], obj["pages"], obj["engine"], obj["ocr"]
        _check(status in ("ok", "unreadable") and _opt(reason, str) and _opt(fmt, str) and _opt(lang, str)
               and _opt(doc_type, str) and _opt(title, str) and _opt(pages, int) and _opt(engine, str)
               and isinstance(ocr, bool) and isinstance(obj["results"], list))
        results = []
        for rule, outcome, message, evidence, facets, review, reasons in obj["results"]:
            _check(isinstance(rule, str) and isinstance(outcome, str) and isinstance(message, str)
                   and isinstance(facets, list) and isinstance(review, bool) and isinstance(reasons, list)
                   and all(isinstance(r, str) for r in reasons))
            parts = []
            for fid, found, f_ev in facets:
                _check(isinstance(fid, str) and isinstance(found, bool))
                parts.append(Facet(id=fid, found=found, evidence=_unev(f_ev)))
            results.append(RuleResult(rule=rule, outcome=outcome, evidence=_unev(evidence), message=message,
                                      facets=parts, review=review, review_reasons=reasons))
    except (KeyError, TypeError, ValueError) as exc:
        raise CacheCorrupt from exc
    return DocumentResult(path=rel, status=status, reason=reason, format=fmt, lang=lang, doc_type=doc_type,
                          title=title, results=results, pages=pages, engine=engine, ocr=ocr)


# --- maintenance -----------------------------------------------------------------------------------

_ENTRY_SUFFIXES = (".json.z", _RESULT_SUFFIX, _PAGE_SUFFIX, ".part")


@dataclass(slots=True)
class CacheStats:
    entries: int = 0  # prepared documents, results and OCR'd pages
    bytes: int = 0
    stale: int = 0  # leftovers: unfinished writes (.part) and folders of older cache formats


def _entries(root: Path):
    """(path, stat) of every cache file under root (any format version); nothing else is touched."""
    if not root.is_dir():
        return
    for version in root.glob("v*"):
        if not version.is_dir() or version.is_symlink():
            continue
        for path in version.rglob("*"):
            if path.is_file() and not path.is_symlink() and path.name.endswith(_ENTRY_SUFFIXES):
                with contextlib.suppress(OSError):
                    yield path, path.stat()


def cache_stats(root: Path) -> CacheStats:
    stats = CacheStats()
    current = f"v{FORMAT_VERSION}"
    for path, st in _entries(root):
        stats.entries += 1
        stats.bytes += st.st_size
        if path.name.endswith(".part") or path.relative_to(root).parts[0] != current:
            stats.stale += 1
    return stats


def clear_cache(root: Path, older_than_days: float | None = None) -> CacheStats:
    """Delete cache entries (all, or those no scan has written or read for `older_than_days`). Only
    files the cache itself writes are removed, so a mistyped --cache-dir cannot empty another folder."""
    removed = CacheStats()
    cutoff = time.time() - older_than_days * 86400 if older_than_days is not None else None
    for path, st in list(_entries(root)):
        if cutoff is not None and st.st_mtime >= cutoff:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed.entries += 1
        removed.bytes += st.st_size
    for version in root.glob("v*") if root.is_dir() else []:
        for sub in sorted((p for p in version.rglob("*") if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                sub.rmdir()  # only when empty
    return removed
