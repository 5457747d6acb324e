"""Start and stop the web app: a shared chain, the contract, and Voila serving the two platforms.

    with AppServer(state_file=".cache/app-chain.json") as app:
        print(app.urls.side_by_side)      # manager left, user right: what a teacher opens in class

`start()` connects to the chain (starts anvil, or uses a running node's URL),
migrates the contract (reusing the recorded deployment when its code is still
there, as `truffle migrate` does), then spawns Voila on the pages in
grid/app/pages/. Each page's kernel learns the node URL and the contract
address from environment variables (grid.app.page reads them), so every page,
in every browser tab, drives the same contract. `stop()` stops Voila (and its
kernels), then the node it started (anvil saves its state file).

Every failure the launcher anticipates is a GridError of one sentence: the
port is taken, anvil or Voila is missing, the node is unreachable.
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
from typing import Any

from ..chain import Chain, connect
from ..chain import process as node_process
from ..chain.state_file import SAVE_INTERVAL_S
from ..errors import GridError
from ..migrate import migrate
from .page import ENV_ACCOUNTS, ENV_CONTRACT, ENV_RPC_URL

APP_DIR = Path(__file__).resolve().parent
PAGES_DIR = APP_DIR / "pages"               # the Voila root: only what is in here is served
TEMPLATES_ROOT = APP_DIR / "jupyter"        # a JUPYTER_PATH entry holding voila/templates/gridchain
PACKAGE_PARENT = APP_DIR.parents[1]         # the folder that holds the `grid` package
TEMPLATE = "gridchain"
DEFAULT_PORT = 8866                         # Voila's own default
HOST = "127.0.0.1"                          # this machine only: the pages can send transactions
DEFAULT_RECORD = Path(".cache") / "app-deployment.json"
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = node_process.STOP_TIMEOUT_S   # the nodes' grace period, for Voila too
# Voila serves files of the root folder only when they match this allowlist:
# the side-by-side page, nothing else (notebooks and .py are never served raw).
FILE_ALLOWLIST = [r"side_by_side\.html"]


@dataclass(frozen=True)
class AppUrls:
    """The addresses of the app's pages."""

    base: str             # Voila's root: a list of the pages
    manager: str          # the manager platform (thesis chapter 5)
    user: str             # the user platform; add ?account=<name> to choose the account
    side_by_side: str     # manager left, user right: the page a teacher opens in class

    def user_as(self, account: str) -> str:
        """The user page opened as `account` (e.g. "generator1")."""
        return f"{self.user}?account={account}"

    def lines(self) -> list[str]:
        """The addresses as lines a teacher can read."""
        return [f"  Side by side (open this in class): {self.side_by_side}",
                f"  Manager platform:                  {self.manager}",
                f"  User platform:                     {self.user_as('generator1')}",
                f"  All pages:                         {self.base}"]


def voila_available() -> bool:
    """True when Voila can be imported by this Python."""
    return importlib.util.find_spec("voila") is not None


def reserve_port(port: int, host: str = HOST) -> int:
    """Check that `port` is free on `host` (0 picks a free one); return the port to use."""
    return node_process.check_listen_port(port, host, taken="is the app already running?")


def _check_target(target: Any) -> str:
    if isinstance(target, str) and (target.strip() == "anvil"
                                    or target.strip().startswith(("http://", "https://"))):
        return target.strip()
    raise GridError(f"the web app needs a chain that all its pages can share: use anvil (the "
                    f"default) or the http(s):// URL of a running node, not {target!r}", kind="input")


@dataclass
class AppServer:
    """The web app: a chain, the deployed contract, and Voila serving the pages.

    `target` is "anvil" (start a private chain, kept in `state_file` across
    restarts) or the http(s):// URL of a running node. `port` 0 picks a free
    port. `record_path` is the deployment record (default
    .cache/app-deployment.json).
    """

    target: str = "anvil"
    port: int = DEFAULT_PORT
    state_file: str | os.PathLike | None = None
    record_path: str | os.PathLike | None = None
    accounts: int = 10
    startup_timeout: float = STARTUP_TIMEOUT_S
    chain: Chain | None = field(default=None, init=False)
    migration: Any = field(default=None, init=False)   # grid.migrate.Migration
    voila: subprocess.Popen | None = field(default=None, init=False, repr=False)
    voila_log: collections.deque = field(default_factory=lambda: collections.deque(maxlen=500),
                                         init=False, repr=False)
    _urls: AppUrls | None = field(default=None, init=False, repr=False)

    # ----------------------------------------------------------- lifecycle
    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> AppServer:
        """Connect the chain, migrate the contract, serve the pages; a GridError if anything fails.

        On failure, whatever was already started is stopped again.
        """
        if self.voila is not None:
            return self
        target = _check_target(self.target)
        if not voila_available():
            raise GridError("Voila is not installed in this Python: run `make setup` (it installs "
                            "voila from requirements-lock.txt)", kind="unsupported")
        self.port = reserve_port(self.port)
        try:
            # connect() refuses a state file for a URL node, in one sentence.
            self.chain = connect(target, accounts=self.accounts, state_file=self.state_file)
            self.migration = migrate(self.chain, self.record_path or DEFAULT_RECORD)
            self._spawn_voila()
            self._wait_until_serving()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop Voila and its kernels, then the node if this server started it. Safe to repeat."""
        if self.voila is not None:
            _stop_voila(self.voila)
            self.voila = None
        if self.chain is not None:
            self.chain.close()   # stops anvil (it writes its state file); a URL node keeps running
            self.chain = None

    # ------------------------------------------------------------- reading
    @property
    def urls(self) -> AppUrls:
        """The pages' addresses (after `start()`)."""
        if self._urls is None:
            raise GridError("the app is not running: call start() first", kind="input")
        return self._urls

    @property
    def contract_address(self) -> str:
        """The address of the contract every page drives."""
        return self.migration.client.address

    @property
    def rpc_url(self) -> str:
        """The node's JSON-RPC URL (what the pages connect to)."""
        return self.chain.rpc_url

    def problem(self) -> str | None:
        """None while Voila and the node run; else one sentence saying which stopped."""
        if self.voila is not None and self.voila.poll() is not None:
            return f"Voila exited unexpectedly (it said: {self._log_tail()})"
        process = getattr(self.chain, "process", None)
        if process is not None and not process.running:
            return "the anvil node exited unexpectedly"
        return None

    def describe(self) -> str:
        """What a teacher needs to know, as lines: the pages, the chain, the contract."""
        migration = self.migration
        how = ("reused from the deployment record" if migration.reused
               else f"deployed just now, because {migration.reason}")
        lines = ["GridChain Lab web app (Voila) is running. Open these pages in a browser:",
                 *self.urls.lines(),
                 f"Chain: {self.chain.target} at {self.rpc_url} (chainId {self.chain.chain_id})"]
        node = self.chain.process
        state = getattr(node, "state_file", None)
        if state:
            resumed = getattr(node, "resumed", None)
            lines.append(f"State file: {state} (saved every {SAVE_INTERVAL_S} s and when you stop the app; "
                         f"a crash loses at most the last {SAVE_INTERVAL_S} s)")
            lines.append(f"Resumed the saved chain at block {resumed.block_number}." if resumed
                         else "Started a new chain at block 0.")
        lines.append(f"Contract: {migration.deployment.contract_name} at {self.contract_address} ({how}; "
                     f"record {migration.record_path})")
        return "\n".join(lines)

    # ------------------------------------------------------------ internals
    def page_environment(self) -> dict[str, str]:
        """The environment Voila (and so every page's kernel) runs in."""
        env = dict(os.environ)
        env[ENV_RPC_URL] = self.rpc_url
        env[ENV_CONTRACT] = self.contract_address
        env[ENV_ACCOUNTS] = str(self.accounts)
        # Our template first; the kernels import `grid` even from a plain checkout.
        env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATES_ROOT), env.get("JUPYTER_PATH")]))
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_PARENT), env.get("PYTHONPATH")]))
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # silence the debugger's start-up warning
        return env

    def voila_command(self) -> list[str]:
        """The Voila command line: local only, offline template, no tracebacks, one page allowlisted."""
        return [sys.executable, "-m", "voila", str(PAGES_DIR),
                "--no-browser", f"--port={self.port}", f"--Voila.ip={HOST}", "--Voila.port_retries=0",
                f"--template={TEMPLATE}", "--theme=light", "--show_tracebacks=False",
                f"--VoilaConfiguration.file_allowlist={FILE_ALLOWLIST!r}",
                "--VoilaConfiguration.file_denylist=['.*\\.(ipynb|py)']"]

    def _spawn_voila(self) -> None:
        try:
            # A session of its own: a Ctrl-C in the terminal reaches only us, and
            # we stop Voila before the node, so no page sees the node vanish first.
            self.voila = node_process.spawn(self.voila_command(), env=self.page_environment(),
                                            cwd=str(PAGES_DIR), stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                            text=True, bufsize=1, start_new_session=True)
        except OSError as exc:
            raise GridError(f"cannot start Voila ({exc.strerror}): run `make setup`",
                            kind="unsupported") from None
        threading.Thread(target=self._drain, name="voila-log", daemon=True).start()
        base = f"http://{HOST}:{self.port}/"
        self._urls = AppUrls(base=base, manager=f"{base}voila/render/manager.ipynb",
                             user=f"{base}voila/render/user.ipynb",
                             side_by_side=f"{base}voila/files/side_by_side.html")

    def _drain(self) -> None:
        # Voila logs every request; an unread pipe would fill up and stall it.
        voila = self.voila
        if voila is None or voila.stdout is None:
            return
        for line in voila.stdout:
            self.voila_log.append(line.rstrip())

    def _log_tail(self) -> str:
        lines = [line for line in list(self.voila_log)[-3:] if line.strip()]
        return " | ".join(lines) or "no output"

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        probe = self.urls.side_by_side
        while time.monotonic() < deadline:
            if self.voila is None or self.voila.poll() is not None:
                time.sleep(0.2)  # let the drain thread collect the last words
                raise GridError(f"Voila exited as it started (it said: {self._log_tail()}): run "
                                f"`make setup`, or choose another port with --port", kind="unsupported")
            try:
                with urllib.request.urlopen(probe, timeout=2) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise GridError(f"Voila did not answer within {self.startup_timeout:.0f} s (it said: "
                        f"{self._log_tail()}): is the machine overloaded? try again", kind="unsupported")


def _stop_voila(voila: subprocess.Popen, timeout: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM (Voila then shuts its kernels down), wait, then force; no kernel outlives it."""
    kernels = _descendants(voila.pid)
    node_process.stop(voila, timeout, graceful=signal.SIGTERM)
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
