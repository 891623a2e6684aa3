"""Where reports go: a file (written beside itself, renamed into place when complete) or standard output.

Why a module of its own: a failure of the tool must never pass for findings. Exit 1 means "findings
at or above --fail-on", so a report that cannot be written (the --output path is a folder, its
folder is not writable, the disk fills, standard output is closed or full) is an OutputError with
one line naming the path and the reason, which the CLI turns into exit 2 - never a traceback, and
never half a report where CI looks for one: a file target is written to a temporary file in the same
folder and only renamed over the target once every report of the run is complete (`commit`);
anything else removes it (`discard`).

Targets are opened before any document is read, so an impossible --output fails at once instead of
after an hour of scanning, and a streamed report can be written while the scan runs.

One write failure is not the tool's: standard output piped into a reader that stops reading
(`govcheck scan DIR | head -1`). That BrokenPipeError is let through unchanged, so the CLI can end
quietly with 141 as coreutils do (cli.py), instead of an error line that blames the tool.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO


class OutputError(Exception):
    """A report could not be written; the message is the one line the user sees."""


def reason(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null after a failed write, so the interpreter's own flush at exit
    does not fail again (an "Exception ignored" message and exit code 120)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def write_stdout(text: str) -> None:
    """Write all of `text` to standard output, or raise.

    sys.stdout.write is not enough: with PYTHONUNBUFFERED=1 (common in CI containers) sys.stdout writes
    straight to the file descriptor, and when one write(2) is cut short - the pipe's reader left after
    taking 64 kB, a signal came mid-write - the text layer drops the rest without a word. The report
    would be truncated and the run would still exit 0 or 1. So the text is encoded as sys.stdout would
    encode it and written to the byte layer until every byte is taken; the next write after a reader
    left raises BrokenPipeError."""
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # replaced by something without a byte layer (a test's capture): it writes whole
        out.write(text)
        return
    out.flush()  # whatever print() left in the text layer goes first
    view = memoryview(text.encode(out.encoding or "utf-8", out.errors or "strict"))
    while view:
        n = buffer.write(view)
        if n is None:  # a non-blocking descriptor that is full: wait for room rather than drop bytes
            select.select([], [buffer], [])
            continue
        view = view[n:]


class Target:
    """One report's destination. `path` None means standard output."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.name = str(path) if path is not None else "standard output"
        self._fh: BinaryIO | None = None
        self._tmp: str | None = None

    def open(self) -> None:
        """Fail now, before the scan, if the report cannot be written there."""
        if self.path is None:
            if sys.stdout is None:
                raise OutputError("standard output is closed; give --output FILE")
            return
        path = self.path
        if path.is_dir():
            raise OutputError(f"{path}: is a folder; --output needs a file name")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{path}: cannot create its folder: {reason(exc)}") from None
        try:
            fd, self._tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write in {path.parent}: {reason(exc)}") from None
        umask = os.umask(0)
        os.umask(umask)
        with contextlib.suppress(OSError):
            os.fchmod(fd, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        self._fh = os.fdopen(fd, "wb")

    def write(self, data: str | bytes) -> None:
        try:
            if self.path is None:
                if isinstance(data, bytes):
                    raise OutputError("cannot write a binary report to standard output; give --output FILE")
                write_stdout(data)
            else:
                assert self._fh is not None, "open() first"
                self._fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        except OSError as exc:
            if self.path is None and isinstance(exc, BrokenPipeError):
                raise  # the reader went away: not a failure of the tool (cli.py ends quietly, 141)
            raise self._failed(exc) from None

    def finish(self) -> None:
        """Flush and close: the last moment a full disk or a closed pipe can show itself."""
        try:
            if self.path is None:
                sys.stdout.flush()
            elif self._fh is not None:
                self._fh.flush()
                os.fsync(self._fh.fileno())  # delayed-allocation filesystems report a full disk only here
                self._fh.close()
                self._fh = None
        except OSError as exc:
            if self.path is None and isinstance(exc, BrokenPipeError):
                raise  # as in write(): the reader went away
            raise self._failed(exc) from None

    def commit(self) -> None:
        """Rename the finished temporary file over the target."""
        if self.path is None or self._tmp is None:
            return
        try:
            os.replace(self._tmp, self.path)
        except OSError as exc:
            raise self._failed(exc) from None
        self._tmp = None

    def discard(self) -> None:
        """Remove whatever was written; safe to call at any point, and more than once."""
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
            self._fh = None
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None

    def _failed(self, exc: OSError) -> OutputError:
        if self.path is None:
            silence_stdout()
            return OutputError(f"cannot write to standard output: {reason(exc)}")
        return OutputError(f"{self.path}: cannot write the report: {reason(exc)}")
