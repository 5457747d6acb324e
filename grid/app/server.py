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

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..chain import Chain, connect
from ..chain import process as node_process
from ..chain.state_file import SAVE_INTERVAL_S
from ..errors import GridError
from ..migrate import migrate
from .page import ENV_ACCOUNTS, ENV_CONTRACT, ENV_RPC_URL
from .voila_process import STARTUP_TIMEOUT_S, VoilaProcess, page_environment, voila_available, voila_command

PAGES_DIR = Path(__file__).resolve().parent / "pages"   # the Voila root: only what is in here is served
DEFAULT_PORT = 8866                         # Voila's own default
HOST = "127.0.0.1"                          # this machine only: the pages can send transactions
DEFAULT_RECORD = Path(".cache") / "app-deployment.json"
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
    voila: VoilaProcess | None = field(default=None, init=False, repr=False)
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
            self.voila.wait_until_serving(self.urls.side_by_side, self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop Voila and its kernels, then the node if this server started it. Safe to repeat."""
        if self.voila is not None:
            self.voila.stop()
            self.voila = None
        if self.chain is not None:
            self.chain.close()   # stops anvil (it writes its state file); a URL node keeps running
            self.chain = None

    # ------------------------------------------------------------- reading
    @property
    def voila_log(self) -> list[str]:
        """Voila's last lines (empty before start)."""
        return list(self.voila.log) if self.voila is not None else []

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
        if self.voila is not None and not self.voila.running:
            return f"Voila exited unexpectedly (it said: {self.voila.log_tail()})"
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
        return page_environment({ENV_RPC_URL: self.rpc_url, ENV_CONTRACT: self.contract_address,
                                 ENV_ACCOUNTS: str(self.accounts)})

    def voila_command(self) -> list[str]:
        """The Voila command line: local only, offline template, no tracebacks, one page allowlisted."""
        allow = f"--VoilaConfiguration.file_allowlist={FILE_ALLOWLIST!r}"
        return voila_command(PAGES_DIR, self.port, HOST, [allow])

    def _spawn_voila(self) -> None:
        self.voila = VoilaProcess.start(self.voila_command(), self.page_environment(), PAGES_DIR)
        base = f"http://{HOST}:{self.port}/"
        self._urls = AppUrls(base=base, manager=f"{base}voila/render/manager.ipynb",
                             user=f"{base}voila/render/user.ipynb",
                             side_by_side=f"{base}voila/files/side_by_side.html")
