"""Small documents built byte by byte, for hostile-input tests and as fuzzing seeds.

Written by hand rather than with a document library so each test shows exactly what is in the file, and
so a PDF can be encrypted (with the PDF 1.4 standard security handler, RC4 40-bit) without qpdf/pikepdf.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from pathlib import Path

# --- PDF ---------------------------------------------------------------------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: list[str]) -> bytes:
    ops = [b"BT /F1 11 Tf 14 TL 72 770 Td"]
    for k, line in enumerate(lines):
        ops.append((b"" if k == 0 else b"T* ") + _pdf_string(line) + b" Tj")
    ops.append(b"ET")
    return b"\n".join(ops)


def make_pdf(pages: list[list[str]], user_password: str | None = None, owner_password: str = "owner") -> bytes:
    """A PDF with one text line per list item (Helvetica, WinAnsi, so å ä ö work); optionally encrypted.

    `user_password=""` gives the common "encrypted, but opens without a password" case (permissions only).
    """
    n_pages = len(pages)
    # Object numbers: 1 catalog, 2 page tree, 3 font, then page/content pairs, then the encryption dict.
    objects: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode()
    objects[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    for i, lines in enumerate(pages):
        page_no, content_no = 4 + 2 * i, 5 + 2 * i
        objects[page_no] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {content_no} 0 R >>"
        ).encode()
        streams[content_no] = _content(lines)
    file_id = hashlib.md5(repr(pages).encode()).digest()
    encrypt_no = None
    key = b""
    if user_password is not None:
        encrypt_no = 4 + 2 * n_pages
        perms = -44  # print, copy and the rest allowed; only "modify" bits cleared
        user = (user_password.encode("latin-1") + _PAD)[:32]
        owner = (owner_password.encode("latin-1") + _PAD)[:32]
        o_entry = rc4(hashlib.md5(owner).digest()[:5], user)
        key = hashlib.md5(user + o_entry + struct.pack("<i", perms) + file_id).digest()[:5]
        u_entry = rc4(key, _PAD)
        objects[encrypt_no] = (
            b"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <" + o_entry.hex().encode() + b"> /U <"
            + u_entry.hex().encode() + b"> /P " + str(perms).encode() + b" >>"
        )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted({*objects, *streams}):
        offsets[num] = out.tell()
        out.write(f"{num} 0 obj\n".encode())
        if num in streams:
            data = streams[num]
            if encrypt_no is not None:
                data = rc4(hashlib.md5(key + num.to_bytes(3, "little") + b"\0\0").digest()[:10], data)
            out.write(f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
        else:
            out.write(objects[num])
        out.write(b"\nendobj\n")
    xref = out.tell()
    size = max(offsets) + 1
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for num in range(1, size):
        out.write(f"{offsets[num]:010d} 00000 n \n".encode())
    trailer = f"trailer\n<< /Size {size} /Root 1 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>]"
    if encrypt_no is not None:
        trailer += f" /Encrypt {encrypt_no} 0 R"
    out.write(trailer.encode() + f" >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


AGREEMENT = [
    "Överenskommelse om samverkan kring barn och unga",
    "Region Västerdal och Norrby kommun är parter i överenskommelsen.",
    "Regionen ansvarar för specialiserad barn- och ungdomspsykiatri.",
    "Kommunen ansvarar för socialtjänst och elevhälsa.",
    "Överenskommelsen gäller från 2026-01-01 till 2027-12-31.",
]


# --- DOCX and ODT --------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def docx_document_xml(paragraphs: list[str], prolog: str = "") -> str:
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    )


def make_docx(paragraphs: list[str], prolog: str = "", document_xml: str | bytes | None = None,
              extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal WordprocessingML package; `document_xml` replaces the generated body part."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", document_xml or docx_document_xml(paragraphs, prolog))
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def odt_content_xml(paragraphs: list[str], prolog: str = "") -> str:
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {ODF_NS} office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )


def make_odt(paragraphs: list[str], prolog: str = "", content_xml: str | bytes | None = None,
             extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal ODF text package: the stored `mimetype` member first, as the spec and sniffing expect."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        zf.writestr("content.xml", content_xml or odt_content_xml(paragraphs, prolog))
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest/>')
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def zip_bomb(kind: str, member_mb: int, members: int = 1) -> bytes:
    """A DOCX/ODT whose body part inflates to `member_mb` MB of spaces (per member): ~1000:1."""
    base = make_docx(AGREEMENT) if kind == "docx" else make_odt(AGREEMENT)
    buf = io.BytesIO(base)
    with zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as zf:
        chunk = b" " * (1024 * 1024)
        for m in range(members):
            with zf.open(f"{'word' if kind == 'docx' else 'Pictures'}/pad{m}.xml", "w") as fh:
                for _ in range(member_mb):
                    fh.write(chunk)
    return buf.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path
