"""govcheck.gcpause: the collector is off inside the block and as it was after it, nested or not."""

from __future__ import annotations

import gc

import pytest

from govcheck import gcpause
from govcheck.rules import load_packs


def test_paused_restores_the_collector() -> None:
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer block decides
    assert gc.isenabled()


def test_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_paused_restores_on_error() -> None:
    with pytest.raises(ValueError), gcpause.paused():
        raise ValueError
    assert gc.isenabled()


def test_load_packs_leaves_the_collector_on() -> None:
    load_packs(None)
    assert gc.isenabled()


def test_the_fork_server_module_leaves_the_collector_on() -> None:
    """Workers fork from the fork server and inherit its collector state: it must be on again once
    govcheck._forkserver (imported there with the collector paused) is done."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("_GOVCHECK_FORKSERVER_PAYLOAD", None)
    out = subprocess.run([sys.executable, "-c", "import gc, govcheck._forkserver; print(gc.isenabled())"],
                         capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip() == "True"
