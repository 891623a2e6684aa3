"""Faults of the machine, not of the documents, injected under the real CLI.

Exit 1 means "findings", so a tool that cannot write its report must never exit 1 or print a
traceback: it says in one line what it could not write and why, exits 2, and leaves no half-written
report. Each test makes one fault happen for real: a 64 kB tmpfs that fills up (needs root, as in
CI), /dev/full as standard output, a closed standard output, a folder where the report should go,
a folder without write permission (setpriv drops root's override), a cache that cannot be written,
a file deleted or changed after discovery, SIGINT/SIGTERM at random moments of a cold scan, a
pipe whose reader stops reading (`| head -1`: exit 141, silent).
"""

from __future__ import annotations

import json
import os
import random
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import AS_OF, ROOT
from fuzz.builders import AGREEMENT, make_docx, write
from test_hostile import _without_dac_override

from govcheck.cache import CacheCorrupt, decode, decode_result

TEXT = "\n\n".join(AGREEMENT) + "\n"
SCAN = ["scan", "--as-of", AS_OF, "--fail-on", "never", "-q"]
INLINE = ["--jobs", "1", "--timeout", "0"]  # no worker processes: for faults that are not about them


def cli(*args: str, prefix: tuple[str, ...] = (), timeout: float = 120, **popen: object) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "govcheck", *args], capture_output="stdout" not in popen,
                          text=True, timeout=timeout, cwd=ROOT, check=False, **popen)  # type: ignore[call-overload]


def one_line_error(proc: subprocess.CompletedProcess, *words: str) -> str:
    """The run failed as a tool failure: exit 2, one error line naming what and why, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("govcheck: error: "), proc.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    for i in range(3):
        write(folder / f"rutin-{i}.md", TEXT + f"\nKopia {i}.\n")
    write(folder / "avtal.docx", make_docx(AGREEMENT))
    return folder


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB tmpfs: a real 'No space left on device' (root only: mounting needs it)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs the tests as root)")
    mount = tmp_path / "tiny"
    mount.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True,
                          check=False)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_output_naming_a_folder_is_exit_2_before_any_document_is_read(docs: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    started = time.monotonic()
    proc = cli(*SCAN, str(docs), *INLINE, "--format", "json", "--output", str(folder))
    one_line_error(proc, str(folder), "is a folder")
    assert list(folder.iterdir()) == [] and list(tmp_path.glob(".*.tmp")) == []
    assert time.monotonic() - started < 60


def test_report_folder_without_write_permission(docs: Path, tmp_path: Path) -> None:
    prefix = _without_dac_override()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be taken away")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        proc = cli(*SCAN, str(docs), *INLINE, "--no-cache", "--format", "json", "--output", str(locked / "r.json"),
                   prefix=tuple(prefix))
    finally:
        locked.chmod(0o755)
    one_line_error(proc, str(locked / "r.json"), "Permission denied")
    assert list(locked.iterdir()) == []


def test_a_full_disk_leaves_the_previous_report_untouched(docs: Path, tiny_disk: Path) -> None:
    target = tiny_disk / "report.md"
    target.write_text("last week's report\n")
    proc = cli(*SCAN, str(docs), *INLINE, "--no-cache", "--format", "markdown", "--output", str(target),
               "--format", "json", "--output", str(tiny_disk / "report.json"))
    one_line_error(proc, str(tiny_disk), "No space left on device")
    assert target.read_text() == "last week's report\n"
    assert sorted(p.name for p in tiny_disk.iterdir()) == ["report.md"]  # no temporary file, no half report


def test_a_full_disk_under_the_cache_is_one_warning_and_the_scan_goes_on(docs: Path, tmp_path: Path,
                                                                         tiny_disk: Path) -> None:
    (tiny_disk / "cache").mkdir()
    with open(tiny_disk / "filler", "wb", buffering=0) as fh, pytest.raises(OSError):  # fill it up
        while True:
            fh.write(b"x" * 4096)
    report = tmp_path / "r.json"
    proc = cli(*SCAN, str(docs), "--cache-dir", str(tiny_disk / "cache"), "--format", "json", "--output",
               str(report))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "No space left on device" in warnings[0] and str(tiny_disk) in warnings[0]
    fresh = cli(*SCAN, str(docs), "--no-cache", "--format", "json")
    assert report.read_text() == fresh.stdout
    assert not list(tiny_disk.rglob("*.part"))
    assert_cache_valid(tiny_disk / "cache")


def test_standard_output_full(docs: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = cli(*SCAN, str(docs), *INLINE, "--no-cache", "--format", "json", stdout=full, stderr=subprocess.PIPE)
    one_line_error(proc, "standard output", "No space left on device")


def test_standard_output_full_for_other_commands() -> None:
    """Not only scan: a command whose few lines stay buffered until exit once died with "Exception
    ignored" and exit 120."""
    with open("/dev/full", "w") as full:
        proc = cli("rules", "list", stdout=full, stderr=subprocess.PIPE)
    one_line_error(proc, "standard output", "No space left on device")


def test_standard_output_closed(docs: Path) -> None:
    proc = subprocess.run(["sh", "-c", 'exec "$@" >&-', "sh", sys.executable, "-m", "govcheck", *SCAN, str(docs),
                           *INLINE, "--no-cache", "--format", "json"], capture_output=False, stderr=subprocess.PIPE,
                          text=True, timeout=120, cwd=ROOT, check=False)
    one_line_error(proc, "standard output is closed")


# --- a reader that stops reading -------------------------------------------------------------------
# `govcheck scan DIR | head -1`: the reader leaves, and the tool neither blames itself (exit 2 and an
# error line) nor claims findings (exit 1, click's default): it stops and exits 141, as coreutils do.


@pytest.fixture(scope="module")
def many_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough documents that every report is far larger than a pipe's 64 kB buffer: the reader is
    certainly gone before the writer is done, whatever the timing."""
    folder = tmp_path_factory.mktemp("pipe") / "docs"
    for i in range(24):
        write(folder / f"kommun-{i % 4}" / f"rutin-{i:02d}.md", TEXT + f"\nKopia {i}.\n")
    return folder


def piped_to_head(*args: str, unbuffered: bool) -> subprocess.CompletedProcess:
    """`govcheck ARGS | head -1` in a real shell pipeline, with pipefail so govcheck's status is the pipe's."""
    line = " ".join(["set -o pipefail;", shlex.quote(sys.executable), "-m", "govcheck", *map(shlex.quote, args),
                     "| head -1"])
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(["bash", "-c", line], capture_output=True, text=True, timeout=180, cwd=ROOT, check=False,
                          env=env)


@pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "PYTHONUNBUFFERED"])
@pytest.mark.parametrize("fmt", ["json", "terminal", "markdown"])
def test_a_reader_that_stops_reading_ends_the_scan_quietly_with_141(many_docs: Path, tmp_path: Path, fmt: str,
                                                                    unbuffered: bool) -> None:
    """JSON streams while the scan runs (the pipe breaks mid-scan); the others are written at the end.
    PYTHONUNBUFFERED (common in CI containers) once hid the broken pipe: a write cut short by the
    reader leaving was taken as complete, the rest of the report dropped, and the run exited 1."""
    report = tmp_path / "out" / "also.csv"
    proc = piped_to_head("scan", str(many_docs), "--as-of", AS_OF, "--fail-on", "not_met", "--details",
                         "--format", "csv", "--output", str(report), "--format", fmt, unbuffered=unbuffered)
    assert proc.returncode == 141, (proc.returncode, proc.stderr)
    assert proc.stderr == ""  # no traceback, no error line, no summary: the reader chose to stop
    assert len(proc.stdout.splitlines()) == 1
    # as for any report that could not be delivered whole: none is left, not even the one to a file
    assert not report.exists() and not list(report.parent.glob(".*"))


@pytest.mark.parametrize("args", [("rules", "list"), ("rules", "explain", "follow-up"), ("--help",), ("--version",),
                                  ("scan", "--help")])
def test_other_commands_on_a_closed_pipe_exit_141_without_a_message(args: tuple[str, ...]) -> None:
    """Short outputs fit in the pipe's buffer, so the reader's end is closed before govcheck writes (the
    way `| head -0` ends); click would exit 1, the interpreter's flush at exit 120 with a message. Help
    and --version are printed while the arguments are parsed, before any command runs: the same."""
    read, write_end = os.pipe()
    os.close(read)  # nobody will ever read: the first write or flush fails with EPIPE
    try:
        proc = subprocess.run([sys.executable, "-m", "govcheck", *args], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=60, cwd=ROOT, check=False)
    finally:
        os.close(write_end)
    assert proc.returncode == 141, (proc.returncode, proc.stderr)
    assert proc.stderr == ""


def test_binary_format_to_standard_output_is_refused_before_scanning(docs: Path) -> None:
    one_line_error(cli(*SCAN, str(docs), *INLINE, "--format", "xlsx"), "--format xlsx is binary")


def test_an_unwritable_cache_folder_is_one_warning_and_the_same_report(docs: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    proc = cli(*SCAN, str(docs), "--cache-dir", str(blocker), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("govcheck: warning: cannot write the cache")
    assert str(blocker) in warnings[0]
    assert proc.stdout == cli(*SCAN, str(docs), "--no-cache", "--format", "json").stdout


HOOK = """
import os, sys
from pathlib import Path
import govcheck.cli as cli
found = cli.discover
folder = Path(sys.argv[1])
def discover(*args, **kwargs):
    sources, notes = found(*args, **kwargs)
    os.unlink(folder / "rutin-0.md")                        # gone before it is read
    with open(folder / "rutin-1.md", "a") as fh:            # rewritten before it is read
        fh.write("Tillagt efter att filen hittades.\\n")
    return sources, notes
cli.discover = discover
sys.argv = ["govcheck", *sys.argv[2:]]
cli.main()
"""


@pytest.mark.parametrize("cache", ["cache", "no-cache"])
def test_a_file_deleted_or_changed_after_discovery_says_so(docs: Path, tmp_path: Path, cache: str) -> None:
    original = (docs / "rutin-0.md").read_bytes()
    cache_opts = ["--cache-dir", str(tmp_path / "cache")] if cache == "cache" else ["--no-cache", *INLINE]
    proc = subprocess.run([sys.executable, "-c", HOOK, str(docs), *SCAN, str(docs), "--format", "json",
                           *cache_opts], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    rows = {d["path"]: d for d in json.loads(proc.stdout)["documents"]}
    assert rows["rutin-0.md"]["reason"] == "file disappeared during the scan"
    assert rows["rutin-1.md"]["reason"] == "file changed during the scan; scan it again"
    for name in ("rutin-0.md", "rutin-1.md"):
        assert rows[name]["status"] == "unreadable"
        assert {r["outcome"] for r in rows[name]["results"]} == {"cannot_assess"}
    assert rows["rutin-2.md"]["status"] == rows["avtal.docx"]["status"] == "ok"
    # Nothing about the vanished version was cached: put back, it is read as usual.
    (docs / "rutin-0.md").write_bytes(original)
    again = cli(*SCAN, str(docs), "--format", "json", *cache_opts)
    assert {d["path"]: d["status"] for d in json.loads(again.stdout)["documents"]} == dict.fromkeys(rows, "ok")


# --- interrupted scans ---------------------------------------------------------------------------------


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    ppid = int(fh.read().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def assert_cache_valid(cache_dir: Path) -> None:
    """Every entry is whole (decodes and checks out); no temporary file is left behind."""
    assert not list(cache_dir.rglob("*.part"))
    for path in cache_dir.rglob("*.z"):
        data = path.read_bytes()
        try:
            decode_result(data, "x") if path.name.endswith(".res.z") else decode(data)
        except CacheCorrupt:
            pytest.fail(f"corrupt cache entry {path}")


@pytest.fixture(scope="module")
def interrupt_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A folder whose cold scan takes a few seconds, and its report from an uninterrupted scan."""
    folder = tmp_path_factory.mktemp("interrupt") / "docs"
    for i in range(16):
        write(folder / f"kommun-{i % 4}" / f"rutin-{i:02d}.md", TEXT + f"\nKopia {i}.\n")
    for i in range(4):
        write(folder / f"avtal-{i}.docx", make_docx([*AGREEMENT, f"Kopia {i}."]))
    proc = cli(*SCAN, str(folder), "--no-cache", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return folder, proc.stdout.encode()


@pytest.mark.parametrize(("signum", "seed"), [(signal.SIGINT, 1), (signal.SIGINT, 2), (signal.SIGTERM, 3),
                                              (signal.SIGTERM, 4)])
def test_an_interrupted_cold_scan_leaves_a_whole_report_or_none(interrupt_corpus: tuple[Path, bytes],
                                                                 tmp_path: Path, signum: int, seed: int) -> None:
    folder, expected = interrupt_corpus
    cache, report = tmp_path / "cache", tmp_path / "out" / "report.json"
    cmd = [sys.executable, "-m", "govcheck", *SCAN, str(folder), "--cache-dir", str(cache), "--format", "json",
           "--output", str(report), "--jobs", "2"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    delay = random.Random(seed).uniform(0.5, 3.5)  # start-up, first workers, mid-scan or writing
    deadline = time.monotonic() + delay
    family: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        family |= descendants(proc.pid)
        time.sleep(0.05)
    proc.send_signal(signum)
    sent = time.monotonic()
    _, stderr = proc.communicate(timeout=30)
    assert "Traceback" not in stderr, stderr
    if proc.returncode in (0, 1):  # the scan had finished before the signal came
        assert report.read_bytes() == expected
    else:
        # 130/143, or killed by the signal itself at the very end (interpreter shutdown): the shell
        # shows 128 + signal either way
        assert proc.returncode in ((130, -2) if signum == signal.SIGINT else (143, -15)), (proc.returncode, stderr)
        assert time.monotonic() - sent < 10  # at once, not after the scan
        # absent, or whole when the signal came after the report was put in place (the summary line)
        assert not report.exists() or report.read_bytes() == expected
    assert not list(report.parent.glob(".report.json.*"))  # no temporary file beside it
    for _ in range(50):  # the workers' lifeline ends them within a moment of the scan
        if not any(alive(pid) for pid in family):
            break
        time.sleep(0.1)
    assert not [pid for pid in family if alive(pid)], "a worker outlived the scan"
    if cache.exists():
        assert_cache_valid(cache)
    rescan = cli(*SCAN, str(folder), "--cache-dir", str(cache), "--format", "json")
    assert rescan.returncode == 0, rescan.stderr
    assert rescan.stdout.encode() == expected


def test_a_sigterm_that_lands_where_python_ignores_exceptions_still_stops_the_scan() -> None:
    """Seen once in a full test run (the interrupted-scan test above): SIGTERM arrived inside logging's fork
    handler, a callback whose exceptions Python prints as "Exception ignored ..." and drops, and the scan went
    on with a traceback on stderr. The scan's hook sends such a signal again, to land in the scan's own code."""
    code = (
        "import os, signal, sys, time\n"
        "import govcheck.cli as cli\n"
        "signal.signal(signal.SIGTERM, cli._on_sigterm)\n"
        "sys.unraisablehook = cli._redeliver_terminated(sys.unraisablehook)\n"
        "class Finaliser:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), signal.SIGTERM)  # delivered inside __del__: its exception is ignored\n"
        "        time.sleep(0.01)\n"
        "try:\n"
        "    f = Finaliser()\n"
        "    del f\n"
        "    for _ in range(200):\n"
        "        time.sleep(0.01)\n"
        "    print('went on')\n"
        "except cli.Terminated:\n"
        "    print('stopped')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "stopped"
    assert "Traceback" not in done.stderr, done.stderr


def test_a_pipe_error_while_a_scan_stops_for_ctrl_c_ends_as_the_interrupt() -> None:
    """Seen once under load (the interrupted-scan test above, exit 2): Ctrl-C landed as the scan ended, and closing a
    worker's pipe while unwinding raised "handle is closed"; the CLI took that OSError for a failed write to standard
    output. An error raised while the interrupt (or SIGTERM's stop) is handled ends as the signal does. (A write to a
    full standard output, with no signal behind it, stays exit 2: test_scan_cli's /dev/full case.)"""
    from govcheck.cli import Terminated, _quiet_when_reader_leaves

    for stop in (KeyboardInterrupt(), Terminated()):
        with pytest.raises(type(stop)) as caught, _quiet_when_reader_leaves():
            try:
                raise stop
            finally:
                raise OSError("handle is closed")  # the error a closed pipe raises while unwinding
        assert caught.value is stop
