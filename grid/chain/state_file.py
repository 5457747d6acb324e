"""The node's state file: what it holds, who owns it, and what a stop really saved.

anvil writes its whole chain to one JSON file (`--state`): on every
`--state-interval` and when it stops gracefully. A class chain lives for a
lesson, so three things matter:
  * one owner: two nodes on one file would each overwrite the other's work,
    so a lock file (an `fcntl` lock plus the owner's pid) lets only one start;
  * a file that can be read: a truncated or foreign file is refused with one
    sentence before anvil sees it, and never deleted;
  * the truth on stop: the block number in the file is read back, so "saved"
    is only said when the file holds the chain's last block.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import GridError

try:  # POSIX; on Windows the pid file alone guards the state file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SAVE_INTERVAL_S = 2  # anvil's --state-interval: a crash loses at most this much work


@dataclass(frozen=True)
class SavedState:
    """What a state file holds: its latest block and that block's timestamp."""

    block_number: int
    timestamp: int


def read_state(path: Path) -> SavedState | None:
    """The saved chain's head, None when there is no file yet; a GridError for a corrupt one."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_bytes())
        block = data["block"]
        return SavedState(_quantity(data.get("best_block_number", block["number"])),
                          _quantity(block["timestamp"]))
    except (ValueError, KeyError, TypeError) as exc:
        text = exc.doc.strip() if isinstance(exc, json.JSONDecodeError) else "{}"
        # Cut off mid-write: empty, or an object that never closes.
        truncated = not text or (text.startswith("{") and not text.endswith("}"))
        raise GridError(f"the state file {path} is {'truncated' if truncated else 'corrupt'} (it is not "
                        f"a chain anvil saved): {_restore_hint(path)}; the file was left as it is",
                        kind="input") from None


def previous_copy(path: Path) -> Path:
    """Where the state file's copy from the node's last start is kept."""
    return path.with_name(path.name + ".prev")


def keep_previous_copy(path: Path) -> None:
    """Copy a good state file aside before a node rewrites it (a kill mid-write truncates it)."""
    shutil.copy2(path, previous_copy(path))


def _restore_hint(path: Path) -> str:
    copy = previous_copy(path)
    try:
        saved = read_state(copy) if copy.exists() else None
    except GridError:
        saved = None
    if saved is not None:
        return (f"copy {copy} (the chain at block {saved.block_number}, as it was when the node last "
                f"started) over it to resume from there, or move it away to start a fresh chain")
    return "move it away to start a fresh chain, or restore a copy"


def _quantity(value: object) -> int:
    if isinstance(value, bool):
        raise TypeError("not a quantity")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        return int(value, 16) if value.startswith("0x") else int(value)
    raise TypeError("not a quantity")


class StateLock:
    """The exclusive right to run a node on one state file, held until `release()`.

    The lock file `<state>.lock` holds the owner's pid. The `fcntl` lock dies
    with its process, so a lock left by a killed program is taken over; the
    pid only names the holder in the refusal.
    """

    def __init__(self, state_path: Path) -> None:
        self.path = state_path.with_name(state_path.name + ".lock")
        self._fd: int | None = None

    def acquire(self, what: str = "node") -> StateLock:
        """Take the lock, or raise one sentence naming the program that holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            elif _alive(_holder(self.path)):  # pragma: no cover - Windows
                raise BlockingIOError
        except BlockingIOError:
            os.close(fd)
            holder = _holder(self.path)
            who = f"process {holder}" if holder else "another program"
            raise GridError(f"the state file {self.path.with_suffix('')} is in use by {who} (another "
                            f"`grid node` or `grid app`): stop that one first, or give this {what} "
                            f"another --state file", kind="input") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Give the state file up (the lock file stays; it is empty of meaning without the lock)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None


def _holder(lock_path: Path) -> int | None:
    try:
        text = lock_path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _alive(pid: int | None) -> bool:  # pragma: no cover - Windows only
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class StopReport:
    """What stopping a node did to its state file: the sentence a teacher reads."""

    saved: bool
    state_file: Path | None
    chain_block: int | None       # the chain's last block before the stop, when it answered
    file_block: int | None        # the block the file holds now
    forced: bool                  # the node did not stop in time and was killed

    def sentence(self) -> str:
        """One sentence: saved (with the block), or not saved and why."""
        if self.state_file is None:
            return "The chain was not saved (no --state file): it starts again at block 0."
        if self.saved:
            return f"State saved to {self.state_file} at block {self.file_block}."
        why = ("the node did not stop in time and was killed" if self.forced
               else "the node had already exited before it was stopped")
        kept = (f"the file still holds block {self.file_block} from the last periodic save"
                if self.file_block is not None else "the file holds no chain yet")
        lost = (f" (the chain had reached block {self.chain_block})"
                if self.chain_block is not None and self.chain_block != self.file_block else "")
        return f"State NOT saved on stop: {why}; {kept}{lost}."
