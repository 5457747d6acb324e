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

REPO_ROOT = Path(__file__).resolve().parents[2]
ANVIL_VERSION = "1.7.1"
READY_TIMEOUT_S = 30.0
KEPT_STATES = 16
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

    @classmethod
    def start(cls, *, chain_id: int = THESIS_CHAIN_ID, accounts: int = 10,
              mnemonic: str = TEST_MNEMONIC, state_file: str | os.PathLike | None = None,
              port: int = 0, host: str = "127.0.0.1", extra_args: list[str] | None = None) -> AnvilProcess:
        """Spawn anvil and block until it listens (or raise a readable GridError)."""
        binary = anvil_binary()
        args = [str(binary), "--host", host, "--port", str(port),
                "--chain-id", str(chain_id), "--accounts", str(accounts),
                "--mnemonic", mnemonic, "--balance", "10000",
                # Keep the last KEPT_STATES states in memory: by default anvil also
                # writes every past state to ~/.foundry/anvil/tmp and never deletes
                # it (tens of GB for a long class chain). Without a number the flag
                # keeps none, and a send that arrives mid-block fails.
                "--prune-history", str(KEPT_STATES)]
        state_path = prepare_state_file(state_file)
        resuming = state_path is not None and state_path.exists() and state_path.stat().st_size > 0
        if not resuming:
            # A resumed chain keeps its own clock: the thesis's date again would
            # date the next block before the last one.
            args += ["--timestamp", str(THESIS_GENESIS_TIMESTAMP)]
        if state_path:
            args += ["--state", str(state_path)]
        args += list(extra_args or [])
        try:
            proc = node_process.spawn(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, text=True, bufsize=1)
        except OSError as exc:
            raise GridError(f"cannot start anvil at {binary} ({exc.strerror}): run `make setup`",
                            kind="node") from None
        node = cls(proc, url="", state_file=state_path)
        node.url = node._wait_until_listening()
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
        self.stop()
        tail = " | ".join(line for line in list(lines)[-3:] if line.strip()) or "no output"
        if exited:
            raise GridError(f"anvil exited as it started (it said: {tail}): if the port is taken choose "
                            f"another, and if a state file was given it may be from another anvil "
                            f"version", kind="node")
        raise GridError(f"anvil did not start within {READY_TIMEOUT_S:.0f} s (it said: {tail}): "
                        f"is the machine overloaded? try again", kind="node")

    def _drain(self) -> None:
        # anvil logs every request; an unread pipe would fill up and stall it.
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.log.append(line.rstrip())

    @property
    def running(self) -> bool:
        """True while the anvil process is alive."""
        return self.process.poll() is None

    @property
    def pid(self) -> int:
        """The operating-system process id of the node."""
        return self.process.pid

    def stop(self) -> None:
        """Stop gracefully (SIGINT lets anvil write its state file), then force."""
        node_process.stop(self.process)
