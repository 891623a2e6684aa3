"""Build hook: compile govcheck/extract/_pdf/_native.c when a C compiler and Python's headers are there.

Why optional: the helper only speeds up the PDFium reader (its Python code stays, gives the same bytes,
and is what runs without it), so an install on a machine without a compiler must not fail. `make
system-deps` installs gcc and the Python headers on Debian. GOVCHECK_NO_NATIVE=1 skips the build.
The module links nothing but libc's math: PDFium's functions are handed over at run time by address.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("govcheck") / "extract" / "_pdf" / "_native.c"
# Each helper is optional on its own: the rules' word index (govcheck/rules/index_native.py) has its
# Python in terms.py as the PDF helper has its in the reader.
SOURCES = (SOURCE, Path("govcheck") / "rules" / "_index.c")


def compile_native(root: Path, source: Path = SOURCE) -> Path:
    """Compile a helper next to its source; returns the built file, raises on any failure."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    target = root / source.with_name(source.stem + suffix)
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    includes = {sysconfig.get_paths()["include"], sysconfig.get_paths()["platinclude"]}
    # -ffp-contract=off: no fused multiply-add, so a*x + c*y + e rounds twice, as in Python.
    tmp = target.with_name(target.name + ".tmp")  # renamed into place when whole
    cmd = [*cc, "-O2", "-fPIC", "-shared", "-ffp-contract=off", "-fno-fast-math", "-std=c11",
           *(f"-I{p}" for p in sorted(includes)), str(root / source), "-o", str(tmp), "-lm"]
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)
    tmp.replace(target)
    return target


class NativeHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if os.environ.get("GOVCHECK_NO_NATIVE"):
            return
        root = Path(self.root)
        for source in SOURCES:
            try:
                built = compile_native(root, source)
            except Exception as exc:  # no compiler, no headers: the pure-Python code is used
                detail = getattr(exc, "stderr", "") or str(exc)
                print(f"govcheck: {source} not compiled, pure Python is used ({detail.strip()[:300]})",
                      file=sys.stderr)
                continue
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
            build_data["artifacts"].append(str(built.relative_to(root)))
