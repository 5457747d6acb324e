"""Start and stop node processes (anvil, geth) so that none outlives Python.

On Linux each node gets PR_SET_PDEATHSIG: the kernel sends it SIGTERM when its
parent goes away, even when Python is killed outright. The signal follows the
*thread* that spawned the child, so every node is spawned from one long-lived
spawner thread, never from a short-lived worker thread that would take the
node down with it when it ends.
"""
from __future__ import annotations

import ctypes
import platform
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor

STOP_TIMEOUT_S = 10.0
_spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gridchain-spawner")


def _die_with_parent() -> None:
    # SIGTERM, not SIGKILL: anvil still writes its --state file on SIGTERM.
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except OSError:
        pass


def spawn(args: list[str], **popen_kwargs) -> subprocess.Popen:
    """Popen `args` from the spawner thread, tied to this process's lifetime."""
    if platform.system() == "Linux":
        popen_kwargs["preexec_fn"] = _die_with_parent
    return _spawner.submit(subprocess.Popen, args, **popen_kwargs).result()


def stop(process: subprocess.Popen, timeout: float = STOP_TIMEOUT_S,
         graceful: signal.Signals = signal.SIGINT) -> bool:
    """Stop gracefully with `graceful` (SIGINT: nodes save their state), then force with SIGKILL.

    Returns True when the process had to be killed (it saved nothing on the way out).
    """
    if process.poll() is not None:
        return False
    if hasattr(signal, "SIGCONT"):
        # A paused (SIGSTOPped) node cannot act on SIGINT: wake it so it can save.
        process.send_signal(signal.SIGCONT)
    process.send_signal(graceful)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        return True
    return False
