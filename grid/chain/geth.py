"""Run `geth --dev` when a geth binary is installed (it is not packaged here).

geth's dev mode has one unlocked, pre-funded developer account and (since
1.14) no `personal` namespace, so the named test accounts are funded from
that developer account and then sign their own transactions locally.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from ..errors import GridError
from . import process as node_process

READY_TIMEOUT_S = 30.0


def geth_binary() -> Path:
    """Locate geth: $GETH_BINARY, else PATH, else a readable GridError."""
    explicit = os.environ.get("GETH_BINARY", "").strip()
    found = explicit or shutil.which("geth")
    if not found:
        raise GridError(
            "no geth binary found: install go-ethereum (https://geth.ethereum.org/downloads, "
            "or your package manager) and put `geth` on PATH or set GETH_BINARY, "
            "or use the anvil private chain (`--chain anvil`), which needs nothing extra",
            kind="unsupported")
    return Path(found)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class GethProcess:
    """A running `geth --dev`; `url` is its JSON-RPC endpoint."""

    process: subprocess.Popen
    url: str
    datadir: tempfile.TemporaryDirectory

    @classmethod
    def start(cls) -> GethProcess:
        """Spawn `geth --dev` on a free loopback port and wait until it answers."""
        binary = geth_binary()
        port = _free_port()
        datadir = tempfile.TemporaryDirectory(prefix="gridchain-geth-")
        args = [str(binary), "--dev", "--dev.period", "0", "--datadir", datadir.name,
                "--http", "--http.addr", "127.0.0.1", "--http.port", str(port),
                "--http.api", "eth,net,web3,debug", "--nodiscover", "--ipcdisable",
                "--verbosity", "1"]
        try:
            proc = node_process.spawn(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      stdin=subprocess.DEVNULL)
        except OSError as exc:
            datadir.cleanup()
            raise GridError(f"cannot run geth at {binary} ({exc.strerror}): fix GETH_BINARY or PATH",
                            kind="node") from None
        node = cls(proc, f"http://127.0.0.1:{port}", datadir)
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                node.stop()
                raise GridError(f"geth --dev exited as it started (status {proc.returncode}): "
                                f"run `{binary} --dev` by hand to see why", kind="node")
            try:
                requests.post(node.url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId",
                                              "params": []}, timeout=1)
                return node
            except requests.RequestException:
                time.sleep(0.1)
        node.stop()
        raise GridError(f"geth --dev did not start within {READY_TIMEOUT_S:.0f} s: "
                        f"run `{binary} --dev` by hand to see why", kind="node")

    def stop(self) -> None:
        """Stop geth (SIGINT, then SIGKILL) and delete its temporary data."""
        node_process.stop(self.process)
        self.datadir.cleanup()
