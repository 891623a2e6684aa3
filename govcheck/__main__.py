"""`python -m govcheck` and the `govcheck` command.

Ctrl-C or SIGTERM in the second or so while the CLI is being imported ends the way it does later
(exit 130 or 143, nothing written), not with a traceback: an interrupted CI job or a user changing
their mind must never see a stack trace that looks like a crash.
"""

from __future__ import annotations

import signal


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(143)


def run() -> None:
    signal.signal(signal.SIGTERM, _terminated)  # the scan command installs its own, which cleans up
    try:
        from govcheck.cli import main

        main()
    except KeyboardInterrupt:  # outside a command (typer maps it to 130 inside one)
        raise SystemExit(130) from None


if __name__ == "__main__":
    run()
