"""Build a large benchmark corpus, deterministically, from the repository's shared documents.

    python bench/make_corpus.py [--small] [--docs N] [--pages P] [--out DIR]

Sources: ../shared/corpus/dev/docs (governance documents the default pack is written for) and
../shared/corpus/wild (real-world PDFs, DOCX and ODT from open-source test suites). Each output
file is a copy of a source under a varied name in one of 24 folders. Every copy has distinct bytes,
so a cold scan cannot hit the cache with a sibling's entry:

- PDF: a comment line after the final %%EOF (readers ignore it; the text is unchanged);
- DOCX/ODT: the zip archive comment (not part of any member; the text is unchanged);
- TXT/MD: a closing line "(kopia N)"; HTML: a comment - a light text perturbation.

How many copies each source gets is chosen so the set reaches the requested documents and pages:
weight = pages + c, with c solved for the target mean, then quotas by largest remainder. The
result, with the page count of every file, goes to DIR/manifest.json.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import struct
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"
SOURCES = (SHARED / "dev" / "docs", SHARED / "wild")
FORMATS = {".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".txt": "txt", ".md": "md", ".html": "html",
           ".htm": "html"}
FOLDERS = [f"{kind}-{n:02d}" for kind in ("kommun", "region", "nämnd") for n in range(1, 9)]
PREFIXES = ("rutin", "överenskommelse", "riktlinje", "protokoll", "policy", "avtal", "bilaga", "plan")
SEED = 20261122


def page_count(path: Path) -> int:
    """Pages as a reader would count them; word-processor files by their saved statistics."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".pdf":
            import pypdfium2 as pdfium

            pdf = pdfium.PdfDocument(str(path))
            try:
                return max(1, len(pdf))
            finally:
                pdf.close()
        if suffix in (".docx", ".odt"):
            import re

            with zipfile.ZipFile(path) as zf:
                name = "docProps/app.xml" if suffix == ".docx" else "meta.xml"
                xml = zf.read(name).decode("utf-8", "replace")
            m = re.search(r"<Pages>(\d+)</Pages>|meta:page-count=\"(\d+)\"", xml)
            if m:
                return max(1, int(m.group(1) or m.group(2)))
    except Exception:  # encrypted, broken or without statistics: count one page
        return 1
    return 1


def sources() -> list[tuple[Path, int]]:
    out = []
    for folder in SOURCES:
        for path in sorted(folder.iterdir()):
            if path.is_file() and path.suffix.lower() in FORMATS:
                out.append((path, page_count(path)))
    return out


def quotas(pages: list[int], docs: int, target_pages: int) -> list[int]:
    """Copies per source: as many documents as asked, pages close to (at least) the target."""
    mean = target_pages / docs

    def expected(c: float) -> float:
        total = sum(p + c for p in pages)
        return sum(p * (p + c) for p in pages) / total

    lo, hi = 0.0, 1e6
    if expected(hi) >= mean:
        c = hi  # uniform copies already reach the target
    else:
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (lo, mid) if expected(mid) < mean else (mid, hi)
        c = lo
    weights = [p + c for p in pages]
    total = sum(weights)
    raw = [docs * w / total for w in weights]
    counts = [math.floor(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)[: docs - sum(counts)]:
        counts[i] += 1
    # Rounding can leave the set a few pages short: trade a copy of a short source for a longer one.
    by_pages = sorted(range(len(pages)), key=lambda i: pages[i])
    while sum(p * k for p, k in zip(pages, counts, strict=True)) < target_pages:
        short = next((i for i in by_pages if counts[i] > 1), None)
        long = next((i for i in reversed(by_pages) if pages[i] > (pages[short] if short is not None else 0)), None)
        if short is None or long is None:
            break
        counts[short] -= 1
        counts[long] += 1
    return counts


def perturb(data: bytes, fmt: str, n: int) -> tuple[bytes, bool]:
    """Distinct bytes with the same text (PDF, zip) or a one-line change (text). False: unchanged."""
    tag = f"govcheck-bench copy {n}"
    if fmt == "pdf":
        return data + f"\n%{tag}\n".encode(), True
    if fmt in ("docx", "odt"):
        end = data.rfind(b"PK\x05\x06")
        if end >= 0 and end + 22 <= len(data):
            (comment_len,) = struct.unpack("<H", data[end + 20 : end + 22])
            if end + 22 + comment_len == len(data):
                comment = tag.encode()
                return data[: end + 20] + struct.pack("<H", len(comment)) + comment, True
        return data, False
    if fmt == "html":
        return data + f"\n<!-- {tag} -->\n".encode(), True
    return data + f"\n\n(kopia {n})\n".encode(), True


def build(out: Path, docs: int, target_pages: int) -> dict:
    items = sources()
    counts = quotas([p for _, p in items], docs, target_pages)
    plan = [(path, pages) for (path, pages), k in zip(items, counts, strict=True) for _ in range(k)]
    random.Random(SEED).shuffle(plan)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    files, unchanged = [], 0
    for n, (src, pages) in enumerate(plan):
        fmt = FORMATS[src.suffix.lower()]
        prefix = PREFIXES[n % len(PREFIXES)]
        rel = f"{FOLDERS[n % len(FOLDERS)]}/{prefix}-{src.stem}-{n:05d}{src.suffix.lower()}"
        data, changed = perturb(src.read_bytes(), fmt, n)
        unchanged += not changed
        target = out / rel
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)
        files.append({"path": rel, "source": src.name, "format": fmt, "pages": pages})
    manifest = {
        "seed": SEED, "documents": len(files), "pages": sum(f["pages"] for f in files),
        "sources": len(items), "identical_copies": unchanged,
        "formats": {f: sum(1 for x in files if x["format"] == f) for f in sorted({x["format"] for x in files})},
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


# The national case: many short documents, the shape of a review of every municipality's routines.
EXAMPLES = ROOT / "examples"
NATIONAL_SOURCES = (
    *(EXAMPLES / name for name in ("overenskommelse-bergvik.odt", "overenskommelse-fjallmark-tallbacka.docx",
                                   "partnership-agreement-ardvale.txt", "riktlinje-elevhalsa-bup.html",
                                   "rutin-sip-tallbacka.md")),
    *sorted((EXAMPLES / "policy-repo" / "policies").glob("*.md")),
    SHARED / "dev" / "docs" / "dev-sv-013.pdf",  # 2 pages
    SHARED / "dev" / "docs" / "dev-sv-006.pdf",  # 3 pages
)


def build_national(out: Path, docs: int) -> dict:
    """`docs` byte-distinct short documents, the national sources in turn (20 % PDF of 2-3 pages, DOCX,
    ODT, TXT, HTML, 40 % Markdown), 1,000 to a folder under 24 authority folders."""
    items = [(path, page_count(path)) for path in NATIONAL_SOURCES]
    data = [path.read_bytes() for path, _ in items]
    if out.exists():
        shutil.rmtree(out)
    files, unchanged = [], 0
    for n in range(docs):
        src, pages = items[n % len(items)]
        fmt = FORMATS[src.suffix.lower()]
        rel = f"{FOLDERS[n % len(FOLDERS)]}/{n // 1000:03d}/{PREFIXES[n % len(PREFIXES)]}-{src.stem}-{n:06d}" \
              f"{src.suffix.lower()}"
        body, changed = perturb(data[n % len(items)], fmt, n)
        unchanged += not changed
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        files.append({"path": rel, "source": src.name, "format": fmt, "pages": pages})
    manifest = {
        "seed": None, "documents": len(files), "pages": sum(f["pages"] for f in files),
        "sources": len(items), "identical_copies": unchanged,
        "formats": {f: sum(1 for x in files if x["format"] == f) for f in sorted({x["format"] for x in files})},
        "files": files,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--small", action="store_true", help="200 documents / 1,500 pages for a quick run")
    ap.add_argument("--docs", type=int, help="documents (default 2000, --small 200)")
    ap.add_argument("--pages", type=int, help="target pages (default 15000, --small 1500)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "corpus")
    args = ap.parse_args(argv)
    docs = args.docs or (200 if args.small else 2000)
    pages = args.pages or (1500 if args.small else 15000)
    m = build(args.out, docs, pages)
    print(f"{args.out}: {m['documents']} documents, {m['pages']} pages, formats {m['formats']}, "
          f"{m['identical_copies']} byte-identical copies", file=sys.stderr)


if __name__ == "__main__":
    main()
