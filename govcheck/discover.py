"""Find the documents to scan: files and folders in, a stable list of sources out.

Folders are walked recursively in sorted order so reports are reproducible; hidden folders and
files are skipped; symbolic links are not followed (a link can loop or lead outside the audited
folder). A file is recognised by its content first, then by its extension.
"""

from __future__ import annotations

import os
import stat
from fnmatch import fnmatch
from pathlib import Path

from govcheck.extract import detect_format
from govcheck.model import Source


def display_name(rel: str) -> str:
    """A path as reports show it. Names that are not UTF-8 on disk (latin-1 "å" from an old archive)
    arrive as lone surrogates, which no report can encode: read them as cp1252, the likely origin."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return os.fsencode(rel).decode("cp1252", errors="replace")


def _matches(rel: str, patterns: list[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch(rel, p) or fnmatch(name, p) for p in patterns)


def discover(
    paths: list[Path],
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    follow_symlinks: bool = False,
) -> tuple[list[Source], list[str]]:
    """Sources to scan, and notes about what was skipped and why (symlinks, unreadable folders)."""
    include, exclude = include or [], exclude or []
    sources: list[Source] = []
    notes: list[str] = []
    seen: set[str] = set()
    for root in paths:
        if not root.exists() and not root.is_symlink():
            raise FileNotFoundError(f"{root}: no such file or folder")
        if root.is_file() or (root.exists() and not root.is_dir()):  # a file, or a FIFO/device by name
            candidates = [(root, root.name)]
        else:
            candidates = list(_walk(root, follow_symlinks, notes))
        for path, rel in candidates:
            if include and not _matches(rel, include):
                continue
            if exclude and _matches(rel, exclude):
                continue
            key = os.path.realpath(path)
            if key in seen:
                continue
            seen.add(key)
            st = _stat(path)
            regular = st is None or stat.S_ISREG(st.st_mode)
            fmt = detect_format(path, None if regular else b"")
            if fmt is None:
                continue
            sources.append(Source(path=str(path), rel=display_name(rel), format=fmt,
                                  signature=signature(st) if st is not None and regular else None))
    return sources, notes


def _stat(path: Path) -> os.stat_result | None:
    """Only regular files are sniffed here. Opening a FIFO blocks until a writer appears and a device
    can stream forever, so such a file named like a document is passed on by its extension alone:
    the scan reads it in a worker under a deadline and reports it unreadable, instead of hanging
    discovery or skipping it silently. None: cannot stat (let detect_format report what it can)."""
    try:
        return os.stat(path)
    except OSError:
        return None


def signature(st: os.stat_result) -> tuple[int, int, int]:
    """What identifies a file's version cheaply: size, modification time and inode (a file replaced by
    rename, as editors save, gets a new inode even with the same size and time)."""
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _walk(root: Path, follow_symlinks: bool, notes: list[str]):
    def onerror(err: OSError) -> None:
        notes.append(f"{err.filename}: cannot list folder ({err.strerror})")

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=follow_symlinks):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if not follow_symlinks:
            for d in list(dirnames):
                if os.path.islink(os.path.join(dirpath, d)):
                    notes.append(f"{os.path.join(dirpath, d)}: symbolic link to a folder not followed")
                    dirnames.remove(d)
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if path.is_symlink() and not follow_symlinks:
                notes.append(f"{path}: symbolic link not followed")
                continue
            rel = path.relative_to(root).as_posix()
            yield path, rel
