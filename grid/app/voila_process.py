"""Run Voila as a child process: spawn it on a folder of pages, wait until it serves, stop it and its kernels.

Shared by the web app (grid.app.server) and the class server
(grid.classroom.session). Voila logs every request; a thread drains its
output into `log` so the pipe never fills and stalls it.
"""
from __future__ import annotations

import collections
import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from ..chain import process as node_process
from ..errors import GridError

APP_DIR = Path(__file__).resolve().parent
TEMPLATES_ROOT = APP_DIR / "jupyter"        # a JUPYTER_PATH entry holding voila/templates/gridchain
PACKAGE_PARENT = APP_DIR.parents[1]         # the folder that holds the `grid` package
TEMPLATE = "gridchain"
STARTUP_TIMEOUT_S = 60.0
# Only what the pages need: Voila loads every JupyterLab extension installed in the
# environment otherwise, and lab-only ones (nbgrader's, notebook's) fail in its page with
# console errors, as they look for JupyterLab's file browser.
PAGE_EXTENSIONS = ("@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager7",
                   "@voila-dashboards/widgets-manager8", "jupyterlab_pygments")
STOP_TIMEOUT_S = node_process.STOP_TIMEOUT_S   # the nodes' grace period, for Voila too


def voila_available() -> bool:
    """True when Voila can be imported by this Python."""
    return importlib.util.find_spec("voila") is not None


def page_environment(extra: dict[str, str]) -> dict[str, str]:
    """The environment Voila (and so every page's kernel) runs in: ours, plus `extra`."""
    env = dict(os.environ)
    env.update(extra)
    # Our template first; the kernels import `grid` even from a plain checkout.
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATES_ROOT), env.get("JUPYTER_PATH")]))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silence the debugger's start-up warning
    return env


def voila_command(root: Path, port: int, host: str, extra_args: list[str]) -> list[str]:
    """Voila on `root`: offline template, no tracebacks, no notebook or .py served raw."""
    return [sys.executable, "-m", "voila", str(root),
            "--no-browser", f"--port={port}", f"--Voila.ip={host}", "--Voila.port_retries=0",
            f"--template={TEMPLATE}", "--theme=light", "--show_tracebacks=False",
            "--VoilaConfiguration.file_denylist=['.*\\.(ipynb|py)']",
            # JupyterLab's Voila preview is for the lab, not for pages; built for a newer
            # JupyterLab than Voila's pages, it fills the browser console with version warnings.
            f"--VoilaConfiguration.extension_allowlist={list(PAGE_EXTENSIONS)!r}", *extra_args]


@dataclass
class VoilaProcess:
    """A running Voila; `log` holds its last lines."""

    process: subprocess.Popen
    log: collections.deque = field(default_factory=lambda: collections.deque(maxlen=500))

    @classmethod
    def start(cls, command: list[str], env: dict[str, str], cwd: Path) -> VoilaProcess:
        """Spawn Voila (in a session of its own: a Ctrl-C reaches only us, and we stop it first)."""
        try:
            proc = node_process.spawn(command, env=env, cwd=str(cwd), stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      text=True, bufsize=1, start_new_session=True)
        except OSError as exc:
            raise GridError(f"cannot start Voila ({exc.strerror}): run `make setup`",
                            kind="unsupported") from None
        voila = cls(proc)
        threading.Thread(target=voila._drain, name="voila-log", daemon=True).start()
        return voila

    def _drain(self) -> None:
        if self.process.stdout is None:
            return
        for line in self.process.stdout:
            self.log.append(line.rstrip())

    @property
    def running(self) -> bool:
        """True while the process lives."""
        return self.process.poll() is None

    def log_tail(self) -> str:
        """Its last words, as one line."""
        lines = [line for line in list(self.log)[-3:] if line.strip()]
        return " | ".join(lines) or "no output"

    def wait_until_serving(self, probe: str, timeout: float = STARTUP_TIMEOUT_S,
                           headers: dict[str, str] | None = None) -> None:
        """Block until `probe` answers 200; a GridError if Voila exits or takes too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                time.sleep(0.2)  # let the drain thread collect the last words
                raise GridError(f"Voila exited as it started (it said: {self.log_tail()}): run "
                                f"`make setup`, or choose another port with --port", kind="unsupported")
            try:
                with urllib.request.urlopen(urllib.request.Request(probe, headers=headers or {}),
                                            timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise GridError(f"Voila did not answer within {timeout:.0f} s (it said: {self.log_tail()}): "
                        f"is the machine overloaded? try again", kind="unsupported")

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM (Voila then shuts its kernels down), wait, then force; no kernel outlives it."""
        kernels = _descendants(self.process.pid)
        node_process.stop(self.process, timeout, graceful=signal.SIGTERM)
        # Kernels run in sessions of their own (jupyter_client starts them so):
        # end any that Voila could not shut down.
        for kernel in kernels:
            try:
                kernel.wait(timeout=3)
            except Exception:
                try:
                    kernel.kill()
                except Exception:
                    pass


def _descendants(pid: int) -> list:
    try:
        import psutil  # noqa: PLC0415 - optional: a dependency of ipykernel, so present wherever Voila is
    except ImportError:
        return []
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
