"""Start and stop node processes (anvil, geth) so that none outlives Python.

On Linux each node gets PR_SET_PDEATHSIG: the kernel sends it SIGTERM when its
parent goes away, even when Python is killed outright. The signal follows the
*thread* that spawned the child, so every node is spawned from one long-lived
spawner thread, never from a short-lived worker thread that would take the
node down with it when it ends.
"""
from __future__ import annotations

import ctypes
import errno
import platform
import signal
import socket
import subprocess
from concurrent.futures import ThreadPoolExecutor

from ..errors import GridError

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


def check_listen_port(port: object, host: object, *, taken: str) -> int:
    """Check that a server can listen on `host`:`port` (0 picks a free port); return the port.

    Each refusal is one sentence; `taken` is the likely holder of a busy
    port, e.g. "is a node already running?".
    """
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise GridError(f"the port must be a whole number from 1 to 65535 (or 0 for any free port), "
                        f"not {port!r}", kind="input")
    if not isinstance(host, str) or not host.strip():
        raise GridError(f"the host must be an address such as 127.0.0.1, not {host!r}", kind="input")
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except (socket.gaierror, UnicodeError):
        raise GridError(f"{host!r} is not an address this machine knows: use 127.0.0.1 (this machine) "
                        f"or 0.0.0.0 (every network it is on)", kind="input") from None
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # Servers set SO_REUSEADDR too: a port in TIME_WAIT is free for them.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise GridError(f"port {port} is taken ({taken}): stop the other server or choose "
                                f"another port with --port", kind="input") from None
            if exc.errno == errno.EACCES:
                raise GridError(f"port {port} needs administrator rights: choose a port above 1023 "
                                f"with --port", kind="input") from None
            raise GridError(f"cannot listen on {host}:{port} ({exc.strerror}): use an address of this "
                            f"machine, such as 127.0.0.1 or 0.0.0.0, or another port", kind="input") from None
        return probe.getsockname()[1]
