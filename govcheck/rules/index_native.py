"""The compiled helper of the per-document word index (`_index.c`), or None.

Why a separate module: terms.Index calls three steps of its build through here when the helper was
compiled at install (hatch_build.py; tokens, positions, token offsets), and runs its own Python
otherwise - not built (no compiler), built for another version of `_index.c` (its ABI number differs
from ours), or GOVCHECK_PURE_PYTHON set. Both give the same objects (tests/test_index_native.py); the
helper takes fewer instructions (bench/RESULTS.md, twelfth session).
"""

from __future__ import annotations

import os
from types import ModuleType

ABI = 2  # INDEX_ABI in _index.c: a helper built from another version of it is not used


def _load() -> ModuleType | None:
    if os.environ.get("GOVCHECK_PURE_PYTHON"):
        return None
    try:
        from govcheck.rules import _index  # type: ignore[attr-defined]
    except ImportError:
        return None
    return _index if getattr(_index, "ABI", None) == ABI else None


native: ModuleType | None = _load()
