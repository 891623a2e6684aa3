"""The extraction cache: hits skip the extractor, any change misses, bad entries are rebuilt, and
scans sharing a cache folder do not disturb each other."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import AS_OF, DEV, ROOT, WILD
from conftest import govcheck as cli

import govcheck.extract
import govcheck.scan
from govcheck.cache import _MAGIC, Cache, CacheCorrupt, decode, encode
from govcheck.discover import discover
from govcheck.model import DocumentResult
from govcheck.rules import load_packs
from govcheck.scan import ScanOptions, ScanStats, prepare, run

PACKS = load_packs(None)


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    """A PDF, a DOCX, an ODT, a text file and an unreadable (empty) PDF."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("dev-sv-001.pdf", "dev-sv-002.docx", "dev-sv-015.odt"):
        shutil.copy(DEV / "docs" / name, folder / name)
    shutil.copy(WILD / "empty.pdf", folder / "empty.pdf")
    (folder / "rutin.txt").write_text(
        "Rutin för samordnad individuell plan\n\nRegionen och kommunen ansvarar gemensamt för att "
        "en SIP upprättas inom fyra veckor.\n", encoding="utf-8")
    return folder


def scan_in_process(folder: Path, cache_dir: Path) -> tuple[list[dict], ScanStats]:
    """One scan without worker processes, so monkeypatches reach the pipeline."""
    sources, _ = discover([folder])
    stats = ScanStats()
    options = ScanOptions(as_of=dt.date.fromisoformat(AS_OF), jobs=1, timeout=None, cache_dir=str(cache_dir))
    results = [r.to_json() for r in run(sources, options, PACKS, stats=stats)]
    return results, stats


def entries(cache_dir: Path) -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in cache_dir.rglob("*.json.z")}


def test_second_scan_is_served_from_the_cache(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    first, stats = scan_in_process(docs, cache_dir)
    assert (stats.cache_hits, stats.cache_misses) == (0, 5)
    assert [d["status"] for d in first].count("unreadable") == 1  # empty.pdf: cached as well

    def no_extraction(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractor ran on a cached document")

    monkeypatch.setattr(govcheck.scan, "extract", no_extraction)
    second, stats = scan_in_process(docs, cache_dir)
    assert (stats.cache_hits, stats.cache_misses) == (5, 0)
    assert second == first


def test_cli_second_scan_reads_without_rewriting(docs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    args = ("scan", str(docs), "--format", "json", "--as-of", AS_OF, "-q", "--fail-on", "never",
            "--cache-dir", str(cache_dir))
    first = cli(*args)
    assert first.returncode == 0, first.stderr
    written = entries(cache_dir)
    assert len(written) == 5
    second = cli(*args)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert entries(cache_dir) == written  # nothing re-extracted, nothing rewritten


def test_changed_content_misses(docs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    scan_in_process(docs, cache_dir)
    text = docs / "rutin.txt"
    text.write_text(text.read_text(encoding="utf-8") + "Planen följs upp årligen.\n", encoding="utf-8")
    results, stats = scan_in_process(docs, cache_dir)
    assert (stats.cache_hits, stats.cache_misses) == (4, 1)
    rutin = next(d for d in results if d["path"] == "rutin.txt")
    assert rutin["status"] == "ok"


def test_new_extractor_version_misses(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    first, _ = scan_in_process(docs, cache_dir)
    monkeypatch.setattr(govcheck.extract, "EXTRACTOR_VERSION", govcheck.extract.EXTRACTOR_VERSION + 1)
    again, stats = scan_in_process(docs, cache_dir)
    assert (stats.cache_hits, stats.cache_misses) == (0, 5)
    assert again == first


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty", "valid-header-bad-body"])
def test_a_damaged_entry_is_ignored_and_rebuilt(docs: Path, tmp_path: Path, damage: str) -> None:
    cache_dir = tmp_path / "cache"
    clean, _ = scan_in_process(docs, cache_dir)
    for path in entries(cache_dir):
        data = path.read_bytes()
        if damage == "truncate":
            data = data[: len(data) // 2]
        elif damage == "flip":
            data = data[:-5] + bytes([data[-5] ^ 0x40]) + data[-4:]
        elif damage == "garbage":
            data = b"\x80\x04\x95 not a cache entry at all"
        elif damage == "empty":
            data = b""
        else:  # the right header and digest around a body that is not what we write
            body = zlib.compress(b'{"blocks": [["x"]], "heads": 7, "sentences": [[0, 0, 99]]}')
            data = _MAGIC + hashlib.sha256(body).digest() + body
        path.write_bytes(data)
    results, stats = scan_in_process(docs, cache_dir)
    assert stats.cache_misses == 5 and stats.cache_hits == 0
    assert results == clean
    for path in entries(cache_dir):  # rebuilt: every entry reads back
        decode(path.read_bytes())
    _, stats = scan_in_process(docs, cache_dir)
    assert stats.cache_hits == 5


def test_entries_round_trip_and_reject_tampering() -> None:
    source = next(s for s in discover([DEV / "docs"])[0] if s.rel == "dev-sv-001.pdf")
    prepared = prepare(source, govcheck.extract.ExtractOptions())
    data = encode(prepared)
    assert decode(data) == prepared
    assert decode(encode("encrypted (password required)")) == "encrypted (password required)"
    with pytest.raises(CacheCorrupt):
        decode(data[:-1])
    with pytest.raises(CacheCorrupt):
        decode(data.replace(b"govcheck-cache", b"govcheck-cachf", 1))


def test_no_cache_writes_nothing(docs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    proc = cli("scan", str(docs), "--format", "json", "--as-of", AS_OF, "-q", "--fail-on", "never",
                    "--no-cache", "--cache-dir", str(cache_dir))
    assert proc.returncode == 0, proc.stderr
    assert not cache_dir.exists()


def test_an_unwritable_cache_does_not_stop_the_scan(docs: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    sources, _ = discover([docs])
    stats = ScanStats()
    options = ScanOptions(as_of=dt.date.fromisoformat(AS_OF), jobs=1, timeout=None, cache_dir=str(blocker))
    results: list[DocumentResult] = list(run(sources, options, PACKS, stats=stats))
    assert [r.status for r in results].count("ok") == 4
    assert stats.cache_write_errors == 5
    assert Cache(blocker).get("0" * 64) is None


def test_concurrent_scans_share_a_cache_folder(tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cmd = [sys.executable, "-m", "govcheck", "scan", str(DEV / "docs"), "--format", "json", "--as-of", AS_OF,
           "-q", "--fail-on", "never", "--cache-dir", str(cache_dir), "--jobs", "2"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
    assert outs[0][0] == outs[1][0]
    uncached = cli("scan", str(DEV / "docs"), "--format", "json", "--as-of", AS_OF, "-q", "--fail-on",
                        "never", "--no-cache")
    assert json.loads(outs[0][0]) == json.loads(uncached.stdout)
    assert not list(cache_dir.rglob("*.part"))  # no temp file left behind
    assert len(entries(cache_dir)) == len(list((DEV / "docs").iterdir()))
