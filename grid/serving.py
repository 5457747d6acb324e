"""What `grid app` and `grid class` share: wait until stopped, watching for a failure."""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def wait_until_stopped(stopped: threading.Event, problem: Callable[[], str | None]) -> int:
    """Wait until `stopped` is set (0), or until `problem()` names what failed (printed; 1)."""
    while not stopped.wait(0.5):
        found = problem()
        if found:
            print(f"error: {found}", file=sys.stderr)
            return 1
    return 0
