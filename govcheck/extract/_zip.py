"""Zip-container safety shared by the DOCX and ODT plug-ins.

Office files are zips of XML, and a scan walks folders nobody has vetted: a zip bomb or an XML part with a
DTD must end as one `Unreadable` line in the report, not as an exhausted worker or a leaked local file.
The checks read the central directory and stream each XML part once through a regex, which costs little
next to the parse that follows.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from govcheck.extract.base import ExtractOptions
from govcheck.model import Unreadable

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# Members below this size are never refused for their compression ratio: the total uncompressed budget
# (`ExtractOptions.max_unzipped_bytes`) already bounds what they can cost, and honest parts reach extreme
# ratios at these sizes - a template padded with 10 MB of empty paragraphs compresses ~340:1. Above it a
# ratio past `max_zip_ratio` is a bomb's signature (a 20 MB member of spaces: ~1000:1), not a document's.
RATIO_MIN_BYTES = 16 * 1024 * 1024
# What reading a damaged member can raise: bad CRC, truncated data, broken deflate stream, odd methods.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError)


def safe_parser() -> etree.XMLParser:
    """An lxml parser that never expands entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def preflight(path: Path, label: str) -> bytes:
    """Reject what is not a zip before anything parses it; return the first bytes.

    An encrypted OOXML file is not a zip at all but an OLE compound file holding `EncryptedPackage`, so the
    signature alone tells users the useful thing ("password required") instead of "corrupt".
    """
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise Unreadable(f"cannot open file: {exc.strerror or exc}") from None
    if size == 0:
        raise Unreadable("empty file")
    if head.startswith(OLE_MAGIC):
        raise Unreadable(_ole_reason(path))
    if not head.startswith(ZIP_MAGIC) and not head.startswith(b"PK\x05\x06"):
        raise Unreadable(f"corrupt {label}: not a zip archive")
    return head


def _ole_reason(path: Path) -> str:
    """Tell an encrypted OOXML package from a legacy binary Word file; both start with the OLE signature."""
    try:
        data = path.read_bytes()[: 64 * 1024 * 1024]
    except OSError:
        return "encrypted (password required)"
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return "encrypted (password required)"
    if "WordDocument".encode("utf-16-le") in data:
        return "legacy Word 97-2003 binary file (.doc), not DOCX"
    return "encrypted (password required)"


def open_checked(path: Path, options: ExtractOptions, label: str) -> zipfile.ZipFile:
    """Open a zip after checking declared sizes (and the ratios of large members) against the zip-bomb limits.

    `zipfile` never inflates a member past its declared `file_size` (reading stops there and the CRC check
    fails), so checking the central directory bounds what any later reader (ours or python-docx) can
    allocate; the DTD check then streams each part in 1 MB chunks. The decision is by size, so a real but
    repetitive document is read, not refused for compressing well.
    """
    preflight(path, label)
    try:
        zf = zipfile.ZipFile(path)
    except (*_READ_ERRORS, zipfile.LargeZipFile) as exc:
        raise Unreadable(f"corrupt {label}: not a zip archive ({_one_line(exc)})") from None
    try:
        check_members(zf, options)
    except Unreadable:
        zf.close()
        raise
    return zf


def check_members(zf: zipfile.ZipFile, options: ExtractOptions) -> None:
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total > options.max_unzipped_bytes:
        raise Unreadable(
            f"zip bomb suspected: {total / 2**20:.0f} MB uncompressed "
            f"(limit {options.max_unzipped_bytes / 2**20:.0f} MB)"
        )
    for info in infos:
        if info.file_size > RATIO_MIN_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > options.max_zip_ratio:
                raise Unreadable(
                    f"zip bomb suspected: {info.filename} expands {ratio:.0f}:1 "
                    f"(limit {options.max_zip_ratio:.0f}:1)"
                )
    if any(i.flag_bits & 0x1 for i in infos):
        raise Unreadable("encrypted (password required)")


def _one_line(value: object) -> str:
    """Messages are one line in the report; member names in a damaged zip can hold any byte."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(value))[:200]


def check_xml_parts(zf: zipfile.ZipFile, label: str) -> None:
    """Refuse a package whose XML parts declare a DTD: no honest office file does, hostile ones do.

    The whole part is searched, not just its head: comments may push a DOCTYPE arbitrarily far down the
    prolog. Streaming in chunks keeps memory flat; the zip-bomb limits already bound the bytes read.
    """
    for info in zf.infolist():
        if not info.filename.lower().endswith((".xml", ".rels")) or info.is_dir():
            continue
        try:
            with zf.open(info) as fh:
                found = _stream_has_dtd(fh)
        except _READ_ERRORS as exc:
            raise Unreadable(
                f"corrupt {label}: damaged part {_one_line(info.filename)} ({_one_line(exc)})"
            ) from None
        if found:
            raise Unreadable("unsafe XML (DTD/entities)")


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 20


def _stream_has_dtd(fh) -> bool:
    first = fh.read(_CHUNK)
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 parts: decode (rare, and small)
        return has_dtd(first + fh.read())
    tail = b""
    chunk = first
    while chunk:
        if _DTD.search(tail + chunk):
            return True
        tail = chunk[-16:]
        chunk = fh.read(_CHUNK)
    return False


def has_dtd(data: bytes) -> bool:
    """A DOCTYPE or ENTITY declaration anywhere in the bytes (UTF-8/ASCII-compatible, or UTF-16 with a BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    return _DTD.search(data) is not None


def read_member(zf: zipfile.ZipFile, name: str, label: str) -> bytes | None:
    """The bytes of one member, None when absent; damage becomes Unreadable."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    try:
        return zf.read(info)
    except _READ_ERRORS as exc:
        raise Unreadable(f"corrupt {label}: damaged part {name} ({_one_line(exc)})") from None


def parse_xml(data: bytes, name: str, label: str) -> etree._Element:
    """Parse an XML part with the safe parser; a DTD anywhere in it is refused."""
    if has_dtd(data):
        raise Unreadable("unsafe XML (DTD/entities)")
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise Unreadable(xml_error(label, name, exc)) from None
    if root is None:
        raise Unreadable(f"corrupt {label}: {name} is empty")
    if root.getroottree().docinfo.internalDTD is not None:
        raise Unreadable("unsafe XML (DTD/entities)")
    return root


DEEP = "document nesting too deep (over 256 levels)"


def xml_error(label: str, name: str, exc: Exception) -> str:
    """The reason for an XML part libxml2 refused; its depth limit is hostile input, not damage."""
    if "Excessive depth" in str(exc):
        return DEEP
    return f"corrupt {label}: {name} is not well-formed XML ({_one_line(exc)})"
