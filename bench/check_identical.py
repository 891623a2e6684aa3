"""Every report format, byte for byte, from this worktree's code and from a reference commit.

    python bench/check_identical.py --base 58132a0      # dev corpus, the 200-document sample, policy-repo

Why: the streaming report path (results written as they arrive, the other formats rendered from a
spill file) must not change one byte of any report. The reference code is `git archive`d into a
temporary folder and run with PYTHONPATH pointing there; both sides scan without the cache, with
the same --as-of and working directory, so the only difference is the code. Each corpus is scanned
by the new code twice: all eight formats in one run (the spill path), and JSON alone to standard
output (the live stream). XLSX is compared member by member (see comparable). Exit 1 on any
difference, naming the format and the first differing byte.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import make_corpus  # noqa: E402  (bench/ is not a package)

FORMATS = {"json": "json", "markdown": "md", "html": "html", "sarif": "sarif", "junit": "xml", "csv": "csv",
           "xlsx": "xlsx", "terminal": "txt"}
AS_OF = "2026-11-22"


def corpora() -> list[tuple[str, Path, list[str]]]:
    sample = ROOT / "bench" / "out" / "corpus-200-1500"
    if not (sample / "manifest.json").exists():
        make_corpus.build(sample, 200, 1500)
    return [
        ("dev", ROOT.parent / "shared" / "corpus" / "dev" / "docs", ["--no-config"]),
        ("bench-200", sample, ["--no-config"]),
        ("policy-repo (waiver)", ROOT / "examples" / "policy-repo", []),
    ]


def scan(pythonpath: str | None, corpus: Path, extra: list[str], out: Path, formats: dict[str, str],
         stdout_json: bool = False) -> None:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    cmd = [sys.executable, "-m", "govcheck", "scan", str(corpus), "--as-of", AS_OF, "--fail-on", "never", "-q",
           "--no-cache", *extra]
    out.mkdir(parents=True, exist_ok=True)
    if stdout_json:
        cmd += ["--format", "json"]
        with open(out / "json", "wb") as fh:
            subprocess.run(cmd, env=env, stdout=fh, check=True, cwd=ROOT)
        return
    for fmt in formats:
        cmd += ["--format", fmt, "--output", str(out / fmt)]
    subprocess.run(cmd, env=env, check=True, cwd=ROOT)


def comparable(fmt: str, data: bytes) -> bytes:
    """The bytes to compare. An XLSX is a zip whose entries carry the time of writing (and
    docProps/core.xml its creation time), so two runs of the same code differ there: compare the
    members' contents instead, with those two timestamps blanked."""
    if fmt != "xlsx":
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = []
        for name in zf.namelist():
            body = zf.read(name)
            if name == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\1", body)
            parts.append(name.encode() + b"\0" + body)
    return b"\0\0".join(parts)


def first_difference(a: bytes, b: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="reference commit")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="govcheck-identical-"))
    ref = work / "ref-code"
    ref.mkdir()
    archive = subprocess.run(["git", "archive", args.base], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(ref)], input=archive, check=True)
    failed = 0
    for name, corpus, extra in corpora():
        scan(str(ref), corpus, extra, work / name / "ref", FORMATS)
        scan(None, corpus, extra, work / name / "new", FORMATS)
        scan(None, corpus, extra, work / name / "new-stdout", FORMATS, stdout_json=True)
        for fmt in FORMATS:
            want = comparable(fmt, (work / name / "ref" / fmt).read_bytes())
            for side in ("new", "new-stdout"):
                path = work / name / side / fmt
                if not path.exists():
                    continue
                got = comparable(fmt, path.read_bytes())
                same = got == want
                failed += not same
                where = "" if same else f" (first difference at byte {first_difference(want, got)})"
                print(f"{name:<22} {fmt:<9} {side:<10} {len(got):>10} bytes  "
                      f"{'identical' if same else 'DIFFERENT'}{where}")
    print(f"{'all identical' if not failed else f'{failed} differ'}; files in {work}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
