"""Hostile and broken inputs through the real CLI: every file an archive holds gets a row and a reason.

Each case is built in tmp_path (tests/fuzz/builders.py writes the PDFs, DOCX and ODT packages byte by
byte), scanned with `python -m govcheck scan DIR --format json -q`, and checked for: a row per file, no
traceback, exit code 0 or 1, and the status and one-line reason a user would read.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import AS_OF, DEV, ROOT, WILD, govcheck
from fuzz.builders import AGREEMENT, W_NS, make_docx, make_odt, make_pdf, odt_content_xml, write, zip_bomb

SUPPORTED = {".pdf", ".docx", ".odt", ".html", ".htm", ".xhtml", ".md", ".markdown", ".txt", ".text"}
TITLE = AGREEMENT[0]  # "Överenskommelse om samverkan kring barn och unga"
TEXT = "\n\n".join(AGREEMENT) + "\n"
UNSAFE = r"^unsafe XML \(DTD/entities\)$"
DEEP = r"^document nesting too deep \(over 256 levels\)$"
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LOL = (
    '<!DOCTYPE r [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10))
    + "]>"
)
LATE = "<!--" + "x" * 5000 + "-->"  # pushes the DOCTYPE past the 4 KB prolog pre-scan


def scan_json(path: Path, *extra: str, quiet: bool = True, timeout: float = 600) -> tuple[dict, str, int]:
    """Run the CLI; return (report, stderr, exit code) after the checks every hostile scan must pass."""
    args = ["scan", str(path), "--format", "json", "--as-of", AS_OF, *extra]
    proc = govcheck(*args, *(["-q"] if quiet else []), timeout=timeout)
    assert proc.returncode in (0, 1), f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return json.loads(proc.stdout), proc.stderr, proc.returncode


def squeeze(text: str) -> str:
    """Without whitespace: rich wraps stderr notes at the terminal width, wherever it likes."""
    return "".join(text.split())


def by_path(report: dict) -> dict[str, dict]:
    return {d["path"]: d for d in report["documents"]}


def assert_one_line_reasons(report: dict) -> None:
    for doc in report["documents"]:
        if doc["status"] == "ok":
            assert doc["reason"] is None
            continue
        assert doc["status"] == "unreadable"
        reason = doc["reason"]
        assert reason and "\n" not in reason and len(reason) <= 300, (doc["path"], reason)
        assert "Traceback" not in reason and "extraction failed" not in reason, (doc["path"], reason)
        assert {r["outcome"] for r in doc["results"]} == {"cannot_assess"}


# --- the hostile folder ------------------------------------------------------------------------------------

Data = bytes | str


class Case:
    """One hostile file: how to make it, and the status/format/reason regex the report must show."""

    def __init__(self, name: str, make: Callable[[], Data], status: str, reason: str | None = None,
                 fmt: str | None = None) -> None:
        self.name, self.make, self.status, self.reason = name, make, status, reason
        self.fmt = fmt or Path(name).suffix.lstrip(".")


def _xlsx() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = TITLE
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cases() -> list[Case]:
    pdf = functools.cache(lambda: make_pdf([AGREEMENT, AGREEMENT[1:]]))
    html_body = "".join(f"<p>{p}</p>" for p in AGREEMENT)
    n = 3000  # nesting depth, past libxml2's 256 levels
    deep_docx = (
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body>" + "<w:sdt><w:sdtContent>" * n + "<w:p/>" + "</w:sdtContent></w:sdt>" * n + "</w:body></w:document>"
    )
    deep_odt = odt_content_xml([]).replace("<office:text>", "<office:text>" + "<text:section>" * n).replace(
        "</office:text>", "</text:section>" * n + "</office:text>"
    )
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "EncryptedPackage".encode("utf-16-le")
    ratio = r"^zip bomb suspected: \S+/pad0\.xml expands \d{3,}:1 \(limit 200:1\)$"
    total = r"^zip bomb suspected: \d+ MB uncompressed \(limit 200 MB\)$"
    cases = [
        Case("ok.pdf", pdf, "ok"),
        # Broken PDFs: a download that stopped half-way, a header and nothing else, random bytes.
        Case("truncated.pdf", lambda: pdf()[: len(pdf()) // 2], "unreadable",
             r"^corrupt PDF: truncated \(no end-of-file marker"),
        Case("header-only.pdf", lambda: b"%PDF-1.7\n", "unreadable", r"^corrupt PDF: truncated"),
        Case("garbage.pdf", lambda: hashlib.sha512(b"seed").digest() * 80, "unreadable",
             r"^not a PDF: no %PDF- header"),
        # Encryption: an empty user password opens (permissions only); a real one cannot.
        Case("empty-password.pdf", lambda: make_pdf([AGREEMENT], user_password=""), "ok"),
        Case("password.pdf", lambda: make_pdf([AGREEMENT], user_password="hemligt"), "unreadable",
             r"^encrypted \(password required\)$"),
        Case("password.docx", lambda: ole, "unreadable", r"^encrypted \(password required\)$"),
        # Zip bombs: one member at ~1000:1, and four members that together exceed the 200 MB budget.
        Case("bomb-ratio.docx", lambda: zip_bomb("docx", 20), "unreadable", ratio),
        Case("bomb-ratio.odt", lambda: zip_bomb("odt", 20), "unreadable", ratio),
        Case("bomb-total.docx", lambda: zip_bomb("docx", 60, members=4), "unreadable", total),
        Case("bomb-total.odt", lambda: zip_bomb("odt", 60, members=4), "unreadable", total),
        # Entities in HTML are never expanded (libxml2's HTML parser ignores internal subsets).
        Case("xxe.html", lambda: f"{XXE}<html><body><p>&xxe;</p>{html_body}</body></html>", "ok"),
        Case("lol.html", lambda: f"{LOL}<html><body><p>&lol9;</p>{html_body}</body></html>", "ok"),
        Case("xxe.xhtml", lambda: f'<?xml version="1.0"?>{XXE}<html xmlns="http://www.w3.org/1999/xhtml"><body>'
             f"<p>&xxe;</p>{html_body}</body></html>", "ok", fmt="html"),
        # Nesting past libxml2's limit: refused, not silently cut short.
        Case("deep.html", lambda: "<html><body>" + "<div>" * n + "x" + "</div>" * n, "unreadable", DEEP),
        Case("deep.docx", lambda: make_docx([], document_xml=deep_docx), "unreadable", DEEP),
        Case("deep.odt", lambda: make_odt([], content_xml=deep_odt), "unreadable", DEEP),
        Case("deep.md", lambda: ">" * 5000 + " " + TEXT, "ok"),  # read as plain text, with a warning
        # Encodings: Windows and legacy saves of the same Swedish text.
        Case("cp1252.txt", lambda: TEXT.encode("cp1252"), "ok"),
        Case("latin1.txt", lambda: TEXT.encode("latin-1"), "ok"),
        Case("utf16-bom.txt", lambda: TEXT.encode("utf-16"), "ok"),  # BOM + little-endian
        Case("utf16be-bom.txt", lambda: b"\xfe\xff" + TEXT.encode("utf-16-be"), "ok"),
        Case("utf16-no-bom.txt", lambda: TEXT.encode("utf-16-le"), "ok"),
        Case("utf8-bom.txt", lambda: b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "ok"),
        Case("cp1252.md", lambda: ("# " + TEXT).encode("cp1252"), "ok"),
        Case("cp1252.html", lambda: f"<html><body><h1>{TITLE}</h1>{html_body}</body></html>".encode("cp1252"), "ok"),
        Case("latin1-declared.html", lambda: f'<html><head><meta charset="iso-8859-1"></head><body><h1>{TITLE}</h1>'
             f"{html_body}</body></html>".encode("latin-1"), "ok"),
        Case("binary.txt", lambda: bytes(range(32)) * 200, "unreadable", r"^binary content, not text$"),
        # Named as something else: the content decides.
        Case("pdf-named.docx", pdf, "ok", fmt="pdf"),
        Case("docx-named.pdf", lambda: make_docx(AGREEMENT), "ok", fmt="docx"),
        Case("odt-named.docx", lambda: make_odt(AGREEMENT), "ok", fmt="odt"),
        Case("html-named.txt", lambda: f"<!DOCTYPE html><html><body>{html_body}</body></html>", "ok", fmt="html"),
        Case("xlsx-named.docx", _xlsx, "unreadable", r"^not a Word document"),
    ]
    if (DEV / "docs" / "dev-sv-001.pdf").is_file():  # a real PDF 1.5 with object streams, cut at 60 %
        real = DEV / "docs" / "dev-sv-001.pdf"
        cases.append(Case("truncated-real.pdf", lambda: real.read_bytes()[: real.stat().st_size * 6 // 10],
                          "unreadable", r"^corrupt PDF: truncated"))
    for ext in ("pdf", "docx", "odt", "html", "htm", "md", "txt"):  # zero bytes, in every format
        cases.append(Case(f"zero.{ext}", lambda: b"", "unreadable", r"^empty file$", "html" if ext == "htm" else ext))
    # XML with a DTD: external entities and billion laughs, in the prolog and hidden past the pre-scan.
    for label, prolog, ref in (("xxe", XXE, "&xxe;"), ("lol", LOL, "&lol9;"), ("late-xxe", LATE + XXE, "&xxe;"),
                               ("late-lol", LATE + LOL, "&lol9;"), ("undeclared", LATE + XXE, "&lol9;")):
        for ext, maker in (("docx", make_docx), ("odt", make_odt)):
            cases.append(Case(f"{label}.{ext}", functools.partial(maker, [ref, *AGREEMENT], prolog),
                              "unreadable", UNSAFE))
    # Odd but legal file names.
    for name in ("med mellanslag .txt", "åäö ÅÄÖ.txt", "rad\nbrytning.txt", "-leading-dash.txt", "'quote\".txt"):
        cases.append(Case(name, lambda: TEXT, "ok"))
    return cases


CASES: dict[str, Case] = {c.name: c for c in _cases()}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("hostile")
    for c in CASES.values():
        write(folder / c.name, c.make())
    report, _stderr, _code = scan_json(folder)
    return folder, report


def test_every_file_has_a_row_and_a_one_line_reason(hostile: tuple[Path, dict]) -> None:
    folder, report = hostile
    on_disk = {p.name for p in folder.iterdir() if p.is_file()}
    assert set(by_path(report)) == on_disk == set(CASES)
    assert_one_line_reasons(report)


@pytest.mark.parametrize("name", sorted(CASES), ids=lambda n: n.replace("\n", "\\n"))
def test_hostile_case(hostile: tuple[Path, dict], name: str) -> None:
    c = CASES[name]
    doc = by_path(hostile[1])[name]
    assert (doc["status"], doc["format"]) == (c.status, c.fmt), doc["reason"]
    if c.reason is not None:
        assert re.search(c.reason, doc["reason"]), doc["reason"]


ENCODED = ["cp1252.txt", "latin1.txt", "utf16-bom.txt", "utf16be-bom.txt", "utf16-no-bom.txt", "utf8-bom.txt",
           "cp1252.md", "cp1252.html", "latin1-declared.html"]


@pytest.mark.parametrize("name", ENCODED)
def test_legacy_encodings_read_swedish_letters(hostile: tuple[Path, dict], name: str) -> None:
    doc = by_path(hostile[1])[name]
    assert doc["title"] == TITLE  # "Överenskommelse ...", not "Ã–verenskommelse"
    assert doc["lang"] == "sv"
    quotes = " ".join(e["text"] for r in doc["results"] for e in r["evidence"])
    assert "Regionen ansvarar för" in quotes
    assert "Ã" not in quotes and "\ufffd" not in quotes


def test_empty_password_pdf_is_read(hostile: tuple[Path, dict]) -> None:
    doc = by_path(hostile[1])["empty-password.pdf"]
    plain = by_path(hostile[1])["ok.pdf"]
    assert doc["status"] == "ok" and doc["pages"] == 1
    assert [r["outcome"] for r in doc["results"]] == [r["outcome"] for r in plain["results"]]


def test_entities_are_never_expanded(hostile: tuple[Path, dict]) -> None:
    text = json.dumps(hostile[1], ensure_ascii=False)
    assert "root:" not in text  # /etc/passwd
    assert "lollollol" not in text
    for name in ("xxe.html", "lol.html", "xxe.xhtml"):
        doc = by_path(hostile[1])[name]
        assert any("Regionen ansvarar" in e["text"] for r in doc["results"] for e in r["evidence"]), name


# --- no file or network access from XML --------------------------------------------------------------------


def test_repetitive_docx_is_judged_not_refused_as_a_bomb(tmp_path: Path) -> None:
    """A template padded with 10 MB of empty paragraphs compresses ~340:1, past the 200:1 a bomb's ratio
    check uses; it is an honest document well inside the size budget and must be read and judged."""
    filler = '<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>' * (10 * 2**20 // 50)
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in AGREEMENT)
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
           f"<w:body>{body}{filler}<w:p><w:r><w:t>Slut på överenskommelsen.</w:t></w:r></w:p></w:body></w:document>")
    path = write(tmp_path / "mall-med-tomrader.docx", make_docx([], document_xml=xml))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/document.xml")
        assert info.file_size >= 10 * 2**20 and info.file_size / info.compress_size > 300

    report, _err, _code = scan_json(path)
    doc = report["documents"][0]
    assert doc["status"] == "ok", doc["reason"]
    assert doc["reason"] is None
    outcomes = {r["outcome"] for r in doc["results"]}
    assert outcomes - {"cannot_assess"}, outcomes  # judged against the criteria, not skipped
    assert any("Regionen ansvarar" in e["text"] for r in doc["results"] for e in r["evidence"])


def test_xml_cannot_reach_files_or_the_network(tmp_path: Path) -> None:
    """External entities, external DTDs and XIncludes pointing at a local secret and a local listener."""
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-MARKER-4711")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/x"
    file_url = secret.as_uri()
    docs = tmp_path / "docs"
    dtd = f'<!DOCTYPE r SYSTEM "{url}.dtd" [<!ENTITY f SYSTEM "{file_url}"><!ENTITY n SYSTEM "{url}">]>'
    xinclude = f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{file_url}" parse="text"/>'
    write(docs / "net.docx", make_docx(["&f;&n;", *AGREEMENT], LATE + dtd))
    write(docs / "net.odt", make_odt(["&f;&n;", *AGREEMENT], LATE + dtd))
    write(docs / "xinclude.odt", make_odt([xinclude, *AGREEMENT]))
    write(docs / "net.html",
          f'<!DOCTYPE html SYSTEM "{url}.dtd" [<!ENTITY f SYSTEM "{file_url}">]><html><head>'
          f'<link rel="stylesheet" href="{url}.css"><script src="{url}.js"></script></head><body>'
          f'<p>&f;</p><img src="{url}.png"><iframe src="{file_url}"></iframe>{xinclude}'
          + "".join(f"<p>{p}</p>" for p in AGREEMENT) + "</body></html>")
    try:
        report, _stderr, _code = scan_json(docs)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    finally:
        listener.close()
    assert "SECRET-MARKER" not in json.dumps(report)
    rows = by_path(report)
    assert set(rows) == {"net.docx", "net.odt", "xinclude.odt", "net.html"}
    assert rows["net.docx"]["reason"] == rows["net.odt"]["reason"] == "unsafe XML (DTD/entities)"
    assert rows["xinclude.odt"]["status"] == rows["net.html"]["status"] == "ok"


# --- size ---------------------------------------------------------------------------------------------------

WORDS = "samverkan elevhälsa socialtjänst vårdcentral uppföljning kostnad avvikelse barnkonventionen".split()


def test_three_thousand_pages_in_reasonable_time(tmp_path: Path) -> None:
    pages = [[f"Avsnitt {i}", f"Regionen ansvarar för {WORDS[i % len(WORDS)]} enligt punkt {i}.",
              f"Kommunen ansvarar för {WORDS[(i * 7) % len(WORDS)]} och {WORDS[(i * 3) % len(WORDS)]}."]
             for i in range(3000)]
    write(tmp_path / "big.pdf", make_pdf(pages))
    started = time.monotonic()
    report, _stderr, _code = scan_json(tmp_path / "big.pdf", timeout=300)
    elapsed = time.monotonic() - started
    doc = report["documents"][0]
    assert doc["status"] == "ok" and doc["pages"] == 3000
    assert elapsed < 120, f"{elapsed:.0f} s for 3,000 pages"
    evidence_pages = {e.get("page") for r in doc["results"] for e in r["evidence"]}
    assert evidence_pages and all(isinstance(p, int) and 1 <= p <= 3000 for p in evidence_pages)


# --- the file system ---------------------------------------------------------------------------------------


def test_symlinks_are_not_followed_and_noted(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside / "secret.txt", "Utanför den granskade mappen.\n")
    root = tmp_path / "root"
    write(root / "inside.txt", TEXT)
    (root / "loop").symlink_to(".", target_is_directory=True)  # a folder that contains itself
    (root / "up").symlink_to(tmp_path, target_is_directory=True)
    (root / "out.txt").symlink_to(outside / "secret.txt")  # a file outside the scanned folder
    (root / "a.txt").symlink_to("b.txt")  # a loop of file links
    (root / "b.txt").symlink_to("a.txt")
    (root / "dangling.pdf").symlink_to(tmp_path / "nowhere.pdf")
    report, stderr, _code = scan_json(root, quiet=False)
    assert set(by_path(report)) == {"inside.txt"}
    for name in ("loop", "up"):
        assert squeeze(f"{root / name}: symbolic link to a folder not followed") in squeeze(stderr)
    for name in ("out.txt", "a.txt", "b.txt", "dangling.pdf"):
        assert squeeze(f"{root / name}: symbolic link not followed") in squeeze(stderr)


def _without_dac_override() -> list[str] | None:
    """Root reads chmod-000 files anyway (CAP_DAC_OVERRIDE). setpriv can run the CLI without those
    capabilities, which is what an ordinary user gets; returns the prefix, or None if that is not possible."""
    if os.geteuid() != 0:
        return []
    exe = shutil.which("setpriv")
    if exe is None:
        return None
    prefix = [exe, "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


def test_unreadable_permissions_give_a_reason(tmp_path: Path) -> None:
    folder = tmp_path / "perm"
    write(folder / "open.txt", TEXT)
    for name, data in (("locked.pdf", make_pdf([AGREEMENT])), ("locked.docx", make_docx(AGREEMENT)),
                       ("locked.odt", make_odt(AGREEMENT)), ("locked.txt", TEXT), ("locked.html", "<p>x</p>")):
        write(folder / name, data).chmod(0)
    sub = folder / "closed"
    write(sub / "hidden.txt", TEXT)
    sub.chmod(0)
    prefix = _without_dac_override()
    try:
        if prefix is None:
            # Running as root without a way to drop CAP_DAC_OVERRIDE: chmod 000 does not stop root, so the
            # files are simply read. We still require a row per file and no crash; the reason is untestable.
            report, _stderr, _code = scan_json(folder)
            assert {"open.txt", "locked.pdf", "locked.docx", "locked.odt", "locked.txt"} <= set(by_path(report))
            return
        proc = subprocess.run(
            [*prefix, sys.executable, "-m", "govcheck", "scan", str(folder), "--format", "json", "--as-of", AS_OF],
            capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
        )
    finally:
        sub.chmod(0o755)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    rows = by_path(json.loads(proc.stdout))
    assert set(rows) == {"open.txt", "locked.pdf", "locked.docx", "locked.odt", "locked.txt", "locked.html"}
    assert rows["open.txt"]["status"] == "ok"
    for name in ("locked.pdf", "locked.docx", "locked.odt", "locked.txt", "locked.html"):
        assert rows[name]["reason"] == "cannot open file: Permission denied", name
    assert squeeze(f"{sub}: cannot list folder (Permission denied)") in squeeze(proc.stderr)


def test_file_name_not_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"avtal-l\xe5ng.txt"), "wb") as fh:
        fh.write(TEXT.encode())
    for fmt in ("json", "sarif", "markdown"):
        proc = govcheck("scan", str(folder), "--format", fmt, "--as-of", AS_OF, "-q")
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr[-500:]
    proc = subprocess.run([sys.executable, "-m", "govcheck", "scan", str(folder), "--format", "json", "-q",
                           "--as-of", AS_OF], capture_output=True, cwd=ROOT, check=False)
    report = json.loads(proc.stdout.decode("utf-8"))  # strict: the report must be valid UTF-8
    assert [d["path"] for d in report["documents"]] == ["avtal-lång.txt"]
    assert report["documents"][0]["status"] == "ok"


def _snapshot(folder: Path) -> dict[str, tuple]:
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if stat.S_ISREG(st.st_mode) else None
            out[str(p.relative_to(folder))] = (digest, st.st_mode, st.st_size, st.st_mtime_ns)
    return out


def test_inputs_are_never_touched(tmp_path: Path) -> None:
    """A read-only copy of real and hostile documents: checksums, modes, sizes and mtimes unchanged."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    if (DEV / "docs").is_dir():
        for name in ("dev-sv-002.docx", "dev-sv-003.pdf", "dev-sv-013.scan.pdf", "dev-sv-015.odt"):
            shutil.copy2(DEV / "docs" / name, folder / name)
    write(folder / "hostile" / "truncated.pdf", make_pdf([AGREEMENT])[:500])
    write(folder / "hostile" / "xxe.docx", make_docx(AGREEMENT, XXE))
    write(folder / "hostile" / "cp1252.txt", TEXT.encode("cp1252"))
    write(folder / "hostile" / "zero.odt", b"")
    subprocess.run(["chmod", "-R", "a-w", str(folder)], check=True)
    before = _snapshot(folder)
    try:
        report, _stderr, _code = scan_json(folder, "--ocr")
        assert len(report["documents"]) == len(before) - 1  # every file but the "hostile" folder itself
    finally:
        after = _snapshot(folder)
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=True)
    assert after == before


# --- the wild corpus ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not WILD.is_dir(), reason="shared wild corpus not present")
def test_wild_corpus_gives_a_row_per_supported_file() -> None:
    wild = Path(__file__).parents[1] / ".." / "shared" / "corpus" / "wild"
    report, _stderr, _code = scan_json(wild)
    expected = {p.name for p in wild.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED}
    assert set(by_path(report)) == expected
    assert_one_line_reasons(report)
    rows = by_path(report)
    assert rows["pr-138-example.pdf"]["status"] == "ok"  # encrypted with an empty user password
    for name in ("password-example.pdf", "libreoffice-writer-password.pdf"):
        assert "encrypted" in rows[name]["reason"]
    assert rows["empty.pdf"]["reason"] == "empty file"
    assert rows["grayscale-image.pdf"]["reason"] == "no text layer — rerun with --ocr"


def test_builders_make_what_they_claim() -> None:
    """The PDF writer's encryption is real: without the password the content stream is ciphertext."""
    plain, locked = make_pdf([["Hemlig text"]]), make_pdf([["Hemlig text"]], user_password="pw")
    assert b"Hemlig text" in plain and b"Hemlig text" not in locked and b"/Encrypt" in locked
    with zipfile.ZipFile(io.BytesIO(zip_bomb("docx", 2))) as zf:
        info = zf.getinfo("word/pad0.xml")
        assert info.file_size == 2 * 2**20 and info.file_size / info.compress_size > 200
