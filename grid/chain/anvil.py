"""Spawn and stop the pinned anvil node: the stand-in for the thesis's geth chain.

anvil comes from the npm package @foundry-rs/anvil (pinned in package.json);
we run its native binary directly (the `.bin/anvil` wrapper is an extra node
process). The node listens on 127.0.0.1 on a free port, uses chainId 666 like
the thesis's genesis.json, and derives its unlocked accounts from the same
documented test mnemonic as every other target.
"""
from __future__ import annotations

import collections
import os
import platform
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..accounts import TEST_MNEMONIC
from ..errors import GridError
from . import process as node_process
from .constants import THESIS_CHAIN_ID, THESIS_GENESIS_TIMESTAMP
from .jsonrpc import JsonRpcConnection
from .state_file import SAVE_INTERVAL_S, SavedState, StateLock, StopReport, keep_previous_copy, read_state

REPO_ROOT = Path(__file__).resolve().parents[2]
ANVIL_VERSION = "1.7.1"
READY_TIMEOUT_S = 30.0
KEPT_STATES = 16
NO_BROWSER_ORIGIN = "http://127.0.0.1:0"   # --allow-origin: an origin no web page can have
# The fork for chains that run for hours (the class chain, `grid node`, the bench). Measured on
# anvil 1.7.1 (2 cores, median of 60 value transfers): on its default fork, Prague, a transfer
# takes 0.62 ms at block 0, 1.68 ms at 1,000 and 14.2 ms at 10,000, because every Prague block
# writes its parent's hash into the EIP-2935 history contract, whose storage (and anvil's
# whole-state root rebuild per block) then grows with the chain. On Cancun the same transfer
# takes 0.68, 0.77 and 0.80 ms: flat. Our contracts lose nothing: they are compiled for
# evmVersion "prague", but Prague added no opcode, so the bytecode runs the same on Cancun.
# Lessons keep anvil's default, whose headers carry Prague's requestsHash (notebook 15).
LONG_CHAIN_HARDFORK = "cancun"
HARDFORKS = ("cancun", "prague")
_LISTENING = re.compile(r"Listening on (\S+):(\d+)")
_PLATFORM_PACKAGES = {
    ("Linux", "x86_64"): "anvil-linux-amd64",
    ("Linux", "aarch64"): "anvil-linux-arm64",
    ("Darwin", "x86_64"): "anvil-darwin-amd64",
    ("Darwin", "arm64"): "anvil-darwin-arm64",
    ("Windows", "AMD64"): "anvil-win32-amd64",
}


def anvil_binary() -> Path:
    """Locate anvil: $ANVIL_BINARY, else the pinned npm package, else PATH."""
    explicit = os.environ.get("ANVIL_BINARY", "").strip()
    if explicit:
        return Path(explicit)
    package = _PLATFORM_PACKAGES.get((platform.system(), platform.machine()))
    if package:
        exe = "anvil.exe" if platform.system() == "Windows" else "anvil"
        local = REPO_ROOT / "node_modules" / "@foundry-rs" / package / "bin" / exe
        if local.exists():
            return local
    on_path = shutil.which("anvil")
    if on_path:
        return Path(on_path)
    raise GridError(
        "the anvil node is not installed: run `make setup` (npm installs the pinned "
        f"@foundry-rs/anvil {ANVIL_VERSION} into node_modules) or set ANVIL_BINARY",
        kind="node")


def prepare_state_file(state_file: str | os.PathLike | None) -> Path | None:
    """Check a --state path and create its folder; None means no state file."""
    if state_file is None:
        return None
    if not isinstance(state_file, (str, os.PathLike)) or not str(state_file).strip():
        raise GridError(f"the state file must be a file path, not {state_file!r}", kind="input")
    path = Path(state_file).expanduser().resolve()
    if path.is_dir():
        raise GridError(f"the state file {path} is a folder: give a file name such as {path / 'chain.json'}",
                        kind="input")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GridError(f"cannot create the folder for the state file {path} ({exc.strerror}): "
                        f"choose a path you can write to", kind="input") from None
    return path


@dataclass
class AnvilProcess:
    """A running anvil; `url` is its JSON-RPC endpoint. Stop it with `stop()`."""

    process: subprocess.Popen
    url: str
    state_file: Path | None
    log: collections.deque = field(default_factory=lambda: collections.deque(maxlen=2000))
    resumed: SavedState | None = None     # the saved chain it started from, if any
    lock: StateLock | None = None
    last_report: StopReport | None = None

    @classmethod
    def start(cls, *, chain_id: int = THESIS_CHAIN_ID, accounts: int = 10,
              mnemonic: str = TEST_MNEMONIC, state_file: str | os.PathLike | None = None,
              port: int = 0, host: str = "127.0.0.1", extra_args: list[str] | None = None,
              allow_origin: str = NO_BROWSER_ORIGIN, hardfork: str | None = None) -> AnvilProcess:
        """Spawn anvil and block until it listens (or raise a readable GridError).

        `hardfork` (one of HARDFORKS) overrides anvil's default fork; see LONG_CHAIN_HARDFORK.
        """
        if hardfork is not None and hardfork not in HARDFORKS:
            raise GridError(f"the hardfork must be one of {', '.join(HARDFORKS)}, not {hardfork!r}",
                            kind="input")
        binary = anvil_binary()
        node_process.check_listen_port(port, host, taken="is a node already running?")
        state_path = prepare_state_file(state_file)
        lock = StateLock(state_path).acquire() if state_path else None
        try:
            resumed = read_state(state_path) if state_path else None
            if resumed is not None:
                keep_previous_copy(state_path)
            args = [str(binary), "--host", host, "--port", str(port),
                    "--chain-id", str(chain_id), "--accounts", str(accounts),
                    "--mnemonic", mnemonic, "--balance", "10000",
                    # Keep the state of the last KEPT_STATES blocks in memory only.
                    # Measured on 6,000 blocks: all of them cost 3.9 GB of memory, and
                    # anvil's default writes every past state to ~/.foundry/anvil/tmp
                    # (2 GB) and never deletes it. Older reads get one sentence
                    # (grid.chain.transport.history_gone). Without a number the flag
                    # keeps none, and a send that arrives mid-block fails.
                    "--prune-history", str(KEPT_STATES),
                    # anvil's default CORS policy is "*": any site's page in a browser on
                    # this machine could then use the unlocked accounts. No page has this
                    # origin (port 0), so browsers refuse every cross-site call.
                    "--allow-origin", allow_origin]
            if hardfork is not None:
                args += ["--hardfork", hardfork]
            if resumed is None:
                args += ["--timestamp", str(THESIS_GENESIS_TIMESTAMP)]
            if state_path:
                # Saved every few seconds as well as on stop: a SIGKILL (or a
                # crash) loses at most one interval.
                args += ["--state", str(state_path), "--state-interval", str(SAVE_INTERVAL_S)]
            args += list(extra_args or [])
            try:
                proc = node_process.spawn(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                          stdin=subprocess.DEVNULL, text=True, bufsize=1)
            except OSError as exc:
                raise GridError(f"cannot start anvil at {binary} ({exc.strerror}): run `make setup`",
                                kind="node") from None
            node = cls(proc, url="", state_file=state_path, resumed=resumed, lock=lock)
            node.url = node._wait_until_listening()
            if resumed is not None:
                node._keep_clock(resumed.timestamp)
        except BaseException:
            if lock:
                lock.release()
            raise
        threading.Thread(target=node._drain, name="anvil-log", daemon=True).start()
        return node

    def _wait_until_listening(self) -> str:
        lines: collections.deque = collections.deque(maxlen=30)
        found: list[str] = []

        def read() -> None:
            for line in self.process.stdout:  # type: ignore[union-attr]
                lines.append(line.rstrip())
                self.log.append(line.rstrip())
                match = _LISTENING.search(line)
                if match:
                    found.append(f"http://{match.group(1)}:{match.group(2)}")
                    return

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        reader.join(READY_TIMEOUT_S)
        if found:
            return found[0]
        exited = not reader.is_alive()  # stdout closed: anvil has quit
        node_process.stop(self.process)
        tail = " | ".join(line for line in list(lines)[-3:] if line.strip()) or "no output"
        if exited:
            raise GridError(f"anvil exited as it started (it said: {tail}): {_startup_hint(tail)}",
                            kind="node")
        raise GridError(f"anvil did not start within {READY_TIMEOUT_S:.0f} s (it said: {tail}): "
                        f"is the machine overloaded? try again", kind="node")

    def _drain(self) -> None:
        # anvil logs every request; an unread pipe would fill up and stall it.
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.log.append(line.rstrip())
        self.process.stdout.close()  # type: ignore[union-attr]  # anvil has quit: free the pipe now

    @property
    def running(self) -> bool:
        """True while the anvil process is alive."""
        return self.process.poll() is None

    @property
    def pid(self) -> int:
        """The operating-system process id of the node."""
        return self.process.pid

    def stop(self) -> StopReport:
        """Stop gracefully (SIGINT lets anvil write its state file), then force; report what was saved."""
        if self.last_report is not None:
            return self.last_report
        chain_block = self._head() if self.running else None
        already_exited = not self.running
        forced = node_process.stop(self.process)
        file_block = None
        if self.state_file is not None:
            try:
                saved = read_state(self.state_file)
                file_block = saved.block_number if saved else None
            except GridError:
                file_block = None
        saved_ok = (self.state_file is not None and not forced and not already_exited
                    and file_block is not None and (chain_block is None or file_block == chain_block))
        self.last_report = StopReport(saved_ok, self.state_file, chain_block, file_block, forced)
        if self.lock:
            self.lock.release()
        return self.last_report

    def _keep_clock(self, timestamp: int) -> None:
        # A loaded state does not restore anvil's clock: without this the next
        # block would jump from the chain's own date to the machine's.
        connection = JsonRpcConnection(self.url, timeout=10.0)
        try:
            reply = connection.request("evm_setTime", [timestamp])
        finally:
            connection.close()
        if "error" in reply:
            node_process.stop(self.process)
            raise GridError(f"anvil would not resume its clock at {timestamp} ({reply['error']}): "
                            f"try another anvil version", kind="node")

    def _head(self) -> int | None:
        """The latest block number, asked briefly (a frozen node must not hold up the stop)."""
        connection = JsonRpcConnection(self.url, timeout=2.0)
        try:
            reply = connection.request("eth_blockNumber", [])
            return int(reply["result"], 16)
        except Exception:
            return None
        finally:
            connection.close()


def _startup_hint(said: str) -> str:
    text = said.lower()
    if "address already in use" in text:
        return "the port is taken: stop the other node or choose another port with --port"
    if "state" in text or "deserial" in text or "json" in text:
        return "the state file could not be loaded: it may come from another anvil version; move it away"
    return "check the options, and the state file if one was given"
