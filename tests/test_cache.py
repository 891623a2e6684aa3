"""The cache: hits skip the extractor (and, for finished results, the rules), any change misses, bad
entries are rebuilt, and scans sharing a cache folder do not disturb each other."""

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
from govcheck.cache import _MAGIC, _RESULT_MAGIC, Cache, CacheCorrupt, decode, decode_result, encode, encode_result
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


def scan_in_process(folder: Path, cache_dir: Path, jobs: int = 1, **options: object) -> tuple[list[dict], ScanStats]:
    """One scan; with jobs 1 without worker processes, so monkeypatches reach the pipeline."""
    sources, _ = discover([folder])
    stats = ScanStats()
    settings: dict = {"timeout": None if jobs == 1 else 60, **options}
    opts = ScanOptions(as_of=dt.date.fromisoformat(AS_OF), jobs=jobs, cache_dir=str(cache_dir), **settings)
    results = [r.to_json() for r in run(sources, opts, PACKS, stats=stats)]
    return results, stats


def entries(cache_dir: Path, pattern: str = "*.z") -> dict[Path, int]:
    """Cache entries: prepared documents (*.json.z) and finished results (*.res.z), by inode: a rewrite
    (a new file moved into place) changes it, a read (which refreshes the mtime) does not."""
    return {p: p.stat().st_ino for p in cache_dir.rglob(pattern)}


def test_second_scan_is_served_from_the_cache(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    first, stats = scan_in_process(docs, cache_dir)
    assert (stats.cache_hits, stats.cache_misses) == (0, 5)
    assert [d["status"] for d in first].count("unreadable") == 1  # empty.pdf: cached as well

    def no_extraction(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractor ran on a cached document")

    monkeypatch.setattr(govcheck.scan, "extract", no_extraction)
    monkeypatch.setattr(govcheck.scan, "evaluate", no_extraction)  # nor the rules: the result is cached
    second, stats = scan_in_process(docs, cache_dir)
    assert (stats.cache_hits, stats.cache_misses, stats.result_hits) == (5, 0, 5)
    assert second == first


def test_cli_second_scan_reads_without_rewriting(docs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    args = ("scan", str(docs), "--format", "json", "--as-of", AS_OF, "-q", "--fail-on", "never",
            "--cache-dir", str(cache_dir))
    first = cli(*args)
    assert first.returncode == 0, first.stderr
    written = entries(cache_dir)
    assert len(entries(cache_dir, "*.json.z")) == len(entries(cache_dir, "*.res.z")) == 5
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


def damage_entries(cache_dir: Path, damage: str, pattern: str = "*.z") -> None:
    for path in entries(cache_dir, pattern):
        data = path.read_bytes()
        if damage == "truncate":
            data = data[: len(data) // 2]
        elif damage == "flip":
            data = data[:-5] + bytes([data[-5] ^ 0x40]) + data[-4:]
        elif damage == "garbage":
            data = b"\x80\x04\x95 not a cache entry at all"
        elif damage == "empty":
            data = b""
        elif path.name.endswith(".res.z"):  # the right header and digest around a body we never write
            body = zlib.compress(b'{"status": "ok", "results": [["owner", "met", "", [[1, 2]]]]}')
            data = _RESULT_MAGIC + hashlib.sha256(body).digest() + body
        else:
            body = zlib.compress(b'{"blocks": [["x"]], "heads": 7, "sentences": [[0, 0, 99]]}')
            data = _MAGIC + hashlib.sha256(body).digest() + body
        path.write_bytes(data)


DAMAGES = ["truncate", "flip", "garbage", "empty", "valid-header-bad-body"]


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_entry_is_ignored_and_rebuilt(docs: Path, tmp_path: Path, damage: str) -> None:
    cache_dir = tmp_path / "cache"
    clean, _ = scan_in_process(docs, cache_dir)
    damage_entries(cache_dir, damage)
    results, stats = scan_in_process(docs, cache_dir)
    assert stats.cache_misses == 5 and stats.cache_hits == 0
    assert results == clean
    for path in entries(cache_dir):  # rebuilt: every entry reads back
        data = path.read_bytes()
        decode_result(data, "x") if path.name.endswith(".res.z") else decode(data)
    _, stats = scan_in_process(docs, cache_dir)
    assert stats.cache_hits == stats.result_hits == 5


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_result_falls_back_to_the_prepared_document(docs: Path, tmp_path: Path, damage: str,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    clean, _ = scan_in_process(docs, cache_dir)
    damage_entries(cache_dir, damage, "*.res.z")

    def no_extraction(*args: object, **kwargs: object) -> None:
        raise AssertionError("the extractor ran on a cached document")

    monkeypatch.setattr(govcheck.scan, "extract", no_extraction)
    results, stats = scan_in_process(docs, cache_dir)
    assert (stats.cache_hits, stats.result_hits) == (5, 0)  # rules re-run on the cached text
    assert results == clean
    _, stats = scan_in_process(docs, cache_dir)
    assert stats.result_hits == 5


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


def test_results_round_trip_and_reject_tampering() -> None:
    sources = discover([DEV / "docs"])[0][:3] + discover([WILD / "empty.pdf"])[0]
    options = ScanOptions(as_of=dt.date.fromisoformat(AS_OF), jobs=1, timeout=None, cache=False)
    for result in run(sources, options, PACKS):
        assert any(r.evidence for r in result.results) or result.status == "unreadable"
        data = encode_result(result)
        assert decode_result(data, result.path) == result
        assert decode_result(data, "elsewhere/copy.pdf").path == "elsewhere/copy.pdf"  # the path is not stored
        with pytest.raises(CacheCorrupt):
            decode_result(data[:-1], result.path)
        with pytest.raises(CacheCorrupt):
            decode(data)  # a result is no prepared document, and the other way round


def test_a_lone_surrogate_survives_both_entry_kinds() -> None:
    """Text with an unpaired UTF-16 half (a damaged PDF text layer) round-trips; JSON libraries that
    refuse it must not drop the entry or crash the worker."""
    source = next(s for s in discover([DEV / "docs"])[0] if s.rel == "dev-sv-001.pdf")
    prepared = prepare(source, govcheck.extract.ExtractOptions())
    prepared.blocks[0].text += " \ud800"
    assert decode(encode(prepared)) == prepared
    options = ScanOptions(as_of=dt.date.fromisoformat(AS_OF), jobs=1, timeout=None, cache=False)
    result = next(iter(run([source], options, PACKS)))
    quoted = next(r for r in result.results if r.evidence)
    quoted.evidence[0].text += " \udfff"
    assert decode_result(encode_result(result), result.path) == result


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
    warnings: list[str] = []
    results: list[DocumentResult] = list(run(sources, options, PACKS, stats=stats, warn=warnings.append))
    assert [r.status for r in results].count("ok") == 4
    # Found out once, before the first document, and said once: no failed write per document.
    assert len(warnings) == 1 and str(blocker) in warnings[0], warnings
    assert stats.cache_write_errors == 0 and stats.cache_error is not None
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
    assert len(entries(cache_dir, "*.json.z")) == len(entries(cache_dir, "*.res.z")) == len(
        list((DEV / "docs").iterdir()))


# --- the result cache: what a result depends on ---------------------------------------------------

PACK = """\
id: cache-test
version: "1"
title: {{en: Cache test}}
languages: [en]
rules:
  - id: mentions-term
    title: {{en: Mentions the term}}
    description: {{en: The text mentions the term.}}
    met: {{find: [{term}]}}
  - id: review-date
    title: {{en: Review date}}
    description: {{en: A date on or after the as-of date.}}
    met: {{date: on_or_after_as_of}}
"""

POLICY = ("Data protection policy\n\nThe data protection officer owns this policy. The policy is reviewed "
          "each year and the next review takes place on 2026-06-30.\n")


def cli_scan(folder: Path, cache_dir: Path, *extra: str) -> dict:
    proc = cli("scan", str(folder), "--format", "json", "-q", "--fail-on", "never", "--cache-dir",
               str(cache_dir), *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def outcomes(report: dict) -> dict[tuple[str, str], str]:
    return {(d["path"], r["rule"]): r["outcome"] for d in report["documents"] for r in d["results"]}


@pytest.fixture()
def policy(tmp_path: Path) -> Path:
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / "policy.txt").write_text(POLICY, encoding="utf-8")
    (folder / "copy.txt").write_text(POLICY, encoding="utf-8")  # the same bytes at another path
    return folder


def test_a_changed_pack_is_re_evaluated(policy: Path, tmp_path: Path) -> None:
    cache_dir, pack = tmp_path / "cache", tmp_path / "pack.yaml"
    pack.write_text(PACK.format(term="data protection officer"), encoding="utf-8")
    first = cli_scan(policy, cache_dir, "--rules", str(pack), "--as-of", "2026-01-01")
    assert outcomes(first)[("policy.txt", "mentions-term")] == "met"
    assert first["documents"][0]["path"] == "copy.txt"  # served from policy.txt's entry, path its own
    pack.write_text(PACK.format(term="chief executive"), encoding="utf-8")
    second = cli_scan(policy, cache_dir, "--rules", str(pack), "--as-of", "2026-01-01")
    assert outcomes(second)[("policy.txt", "mentions-term")] == "not_met"
    assert outcomes(second)[("policy.txt", "review-date")] == "met"


def test_a_changed_as_of_is_re_evaluated(policy: Path, tmp_path: Path) -> None:
    cache_dir, pack = tmp_path / "cache", tmp_path / "pack.yaml"
    pack.write_text(PACK.format(term="data protection officer"), encoding="utf-8")
    before = cli_scan(policy, cache_dir, "--rules", str(pack), "--as-of", "2026-01-01")
    after = cli_scan(policy, cache_dir, "--rules", str(pack), "--as-of", "2027-01-01")
    assert outcomes(before)[("policy.txt", "review-date")] == "met"
    assert outcomes(after)[("policy.txt", "review-date")] == "not_met"
    assert after["as_of"] == "2027-01-01"
    again = cli_scan(policy, cache_dir, "--rules", str(pack), "--as-of", "2026-01-01")
    assert again == before


def test_a_changed_override_is_re_evaluated(policy: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    plain = cli_scan(policy, cache_dir, "--as-of", AS_OF)
    typed = cli_scan(policy, cache_dir, "--as-of", AS_OF, "--doc-type", "policy.txt=agreement", "--doc-lang",
                     "policy.txt=en")
    docs = {d["path"]: d for d in typed["documents"]}
    assert (docs["policy.txt"]["doc_type"], docs["policy.txt"]["lang"]) == ("agreement", "en")
    assert docs["copy.txt"] == {d["path"]: d for d in plain["documents"]}["copy.txt"]  # override not on it
    uncached = cli("scan", str(policy), "--format", "json", "-q", "--fail-on", "never", "--no-cache", "--as-of",
                   AS_OF, "--doc-type", "policy.txt=agreement", "--doc-lang", "policy.txt=en")
    assert json.loads(uncached.stdout) == typed


def test_same_inputs_give_identical_json_warm_and_cold(docs: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    args = ("scan", str(docs), "--format", "json", "--as-of", AS_OF, "-q", "--fail-on", "never", "--jobs", "2")
    uncached = cli(*args, "--no-cache")
    cold = cli(*args, "--cache-dir", str(cache_dir))
    warm = cli(*args, "--cache-dir", str(cache_dir))
    assert uncached.returncode == cold.returncode == warm.returncode == 0, warm.stderr
    assert cold.stdout == warm.stdout == uncached.stdout


def test_waivers_and_rule_selection_apply_to_cached_results(docs: Path, tmp_path: Path) -> None:
    """govcheck.yaml filters rules and marks waived cells after the scan: a warm scan honours both, and a
    config change needs no fresh evaluation to show."""
    cache_dir = tmp_path / "cache"
    full = cli_scan(docs, cache_dir, "--as-of", AS_OF, "--no-config")
    gaps = [(d["path"], r["rule"]) for d in full["documents"] for r in d["results"]
            if d["status"] == "ok" and r["outcome"] in ("not_met", "partial")]
    assert gaps
    path, rule = gaps[0]
    dropped = next(r["rule"] for r in full["documents"][0]["results"] if r["rule"] != rule)
    config = tmp_path / "govcheck.yaml"
    config.write_text(
        f"rules:\n  disable: [{dropped}]\nwaivers:\n  - rule: {rule}\n    path: {path}\n"
        "    justification: Replaced this year.\n    decided_by: Board, minutes 2026-03-04\n"
        "    expires: 2030-12-31\n", encoding="utf-8")
    args = ("--as-of", AS_OF, "--config", str(config))
    warm = cli_scan(docs, cache_dir, *args)
    warm_again = cli_scan(docs, cache_dir, *args)
    uncached = json.loads(cli("scan", str(docs), "--format", "json", "-q", "--fail-on", "never", "--no-cache",
                              *args).stdout)
    assert warm == warm_again == uncached
    assert dropped not in {r["rule"] for d in warm["documents"] for r in d["results"]}
    waived = [(d["path"], r["rule"]) for d in warm["documents"] for r in d["results"] if r.get("waived")]
    assert (path, rule) in waived


def test_a_warm_scan_starts_no_worker(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_dir = tmp_path / "cache"
    cold, stats = scan_in_process(docs, cache_dir, jobs=2)
    assert stats.workers_started == 2 and stats.cache_misses == 5
    warm, stats = scan_in_process(docs, cache_dir, jobs=2)
    assert (stats.workers_started, stats.result_hits, stats.cache_misses) == (0, 5, 0)
    assert warm == cold
    (docs / "rutin.txt").write_text(POLICY, encoding="utf-8")  # one changed file: one worker for it
    changed, stats = scan_in_process(docs, cache_dir, jobs=2)
    assert (stats.workers_started, stats.result_hits, stats.cache_misses) == (1, 4, 1)
    assert changed[:-1] == cold[:-1]  # rutin.txt sorts last


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs FIFOs")
def test_the_cache_probe_does_not_open_a_fifo(docs: Path, tmp_path: Path) -> None:
    """A FIFO among the documents times out in both scans and is never cached; the text beside it is cached in the
    first and a result hit in the second. (Only a short text file beside it: with the PDF, DOCX and ODT of `docs`,
    a loaded machine once let every real document pass the deadline too, and nothing was left to hit.)"""
    import os

    folder = tmp_path / "fifo"
    folder.mkdir()
    shutil.copy(docs / "rutin.txt", folder / "rutin.txt")
    os.mkfifo(folder / "m.txt")
    cache_dir = tmp_path / "cache"
    for _ in range(2):
        results, stats = scan_in_process(folder, cache_dir, jobs=2, timeout=4)
        found = {d["path"]: d for d in results}
        assert found["m.txt"]["reason"] == "timed out after 4 s"
        assert found["rutin.txt"]["status"] == "ok", found["rutin.txt"]
    # the timeout is not cached: the text is a result hit in the second scan, the FIFO times out again
    assert stats.result_hits == 1 and stats.timeouts == 1


def test_cache_info_and_clear_keep_what_scans_still_use(docs: Path, tmp_path: Path) -> None:
    import os
    import time

    cache_dir = tmp_path / "cache"
    args = ("scan", str(docs), "--format", "json", "--as-of", AS_OF, "-q", "--fail-on", "never",
            "--cache-dir", str(cache_dir))
    first = cli(*args)
    info = cli("cache", "info", "--cache-dir", str(cache_dir))
    assert info.returncode == 0 and "10 entries" in info.stdout, info.stdout + info.stderr
    long_ago = time.time() - 40 * 86400
    for path in entries(cache_dir):
        os.utime(path, (long_ago, long_ago))
    assert cli(*args).stdout == first.stdout  # served from the results: those entries count as used
    cleared = cli("cache", "clear", "--older-than", "30", "--cache-dir", str(cache_dir))
    assert "removed 5 entries" in cleared.stdout, cleared.stdout + cleared.stderr
    assert len(entries(cache_dir, "*.res.z")) == 5 and not entries(cache_dir, "*.json.z")
    assert cli(*args).stdout == first.stdout
    (cache_dir / "notes.txt").write_text("not the cache's", encoding="utf-8")
    assert "removed 5 entries" in cli("cache", "clear", "--cache-dir", str(cache_dir)).stdout
    assert "0 entries" in cli("cache", "info", "--cache-dir", str(cache_dir)).stdout
    assert (cache_dir / "notes.txt").exists()  # only files the cache writes are removed
