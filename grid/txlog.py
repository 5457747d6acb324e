"""The transaction log: what Remix shows for every action (thesis Figs. 5-4 to 5-6)."""
from __future__ import annotations

import collections
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

DEFAULT_CAPACITY = 10_000  # a bounded log: long benchmark runs must not grow memory


@dataclass(frozen=True)
class DecodedEvent:
    """One event a transaction emitted, decoded with the contract's ABI (Remix's "logs")."""

    name: str                        # e.g. "Sold"; "(unknown event)" when the ABI lacks it
    args: dict[str, Any]             # {"buyer": "0x...", "wh": 100}
    address: str                     # the contract that emitted it
    signature: str = ""              # e.g. "Sold(address,uint256)"
    block_number: int = -1           # where it was mined, when read from the chain's logs
    tx_hash: str = ""

    def format(self) -> str:
        """`Sold(buyer=0x..., wh=100)`."""
        return f"{self.name}({', '.join(f'{k}={v}' for k, v in self.args.items())})"


@dataclass(frozen=True)
class TxLogEntry:
    """One transaction or call, as the thesis's transaction log shows it."""

    kind: str                        # "transaction" or "call"
    function: str                    # the contract function, e.g. "Transfer"
    sender: str                      # the account name, e.g. "generator1"
    sender_address: str              # 20 bytes, 0x-hex
    contract: str                    # the contract address
    input: str                       # ABI-encoded calldata, 0x-hex
    decoded_input: dict[str, Any]    # {"address _to": "0x...", "uint256 _value": 100}
    decoded_output: dict[str, Any]   # {"int256 _value": -100}; {} for transactions
    block_number: int | None         # the block it was mined in; None for calls (latest)
    status: str = "ok"               # "ok" or "reverted"
    tx_hash: str | None = None       # transactions only
    gas_used: int | None = None      # transactions only
    error: str | None = None         # the readable reason when status is "reverted"
    note: str | None = None          # e.g. GeneratePower's silent no-op
    events: tuple[DecodedEvent, ...] = ()   # the logs a transaction emitted, decoded
    value: int = 0                   # wei sent along (payable functions)

    @property
    def ok(self) -> bool:
        """True unless the transaction or call reverted."""
        return self.status == "ok"

    def short_input(self) -> str:
        """The calldata abbreviated the way Remix does: 0x241...0000."""
        return self.input if len(self.input) <= 14 else f"{self.input[:5]}...{self.input[-4:]}"

    def format(self) -> str:
        """Multi-line text in the layout of the thesis's Figures 5-4 and 5-6."""
        where = f"block {self.block_number}" if self.block_number is not None else "latest block"
        head = f"[{self.kind}] {self.function} from {self.sender} - {where} - {self.status}"
        rows = [head]
        if self.tx_hash:
            rows.append(f"  hash            {self.tx_hash}")
        rows.append(f"  input           {self.short_input()}")
        rows.append(f"  decoded input   {json.dumps(self.decoded_input, default=str)}")
        rows.append(f"  decoded output  {json.dumps(self.decoded_output, default=str)}")
        if self.value:
            rows.append(f"  value           {self.value} wei")
        if self.gas_used is not None:
            rows.append(f"  gas used        {self.gas_used}")
        for event in self.events:
            rows.append(f"  event           {event.format()}")
        if self.error:
            rows.append(f"  error           {self.error}")
        if self.note:
            rows.append(f"  note            {self.note}")
        return "\n".join(rows)


@dataclass
class TxLog:
    """A bounded, observable list of TxLogEntry (newest last)."""

    capacity: int = DEFAULT_CAPACITY
    _entries: collections.deque = field(init=False, repr=False)
    _listeners: list[Callable[[TxLogEntry], None]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._entries = collections.deque(maxlen=self.capacity)

    def append(self, entry: TxLogEntry) -> None:
        """Record an entry and tell every subscriber (widgets refresh on it)."""
        self._entries.append(entry)
        for listener in list(self._listeners):
            listener(entry)

    def subscribe(self, listener: Callable[[TxLogEntry], None]) -> Callable[[], None]:
        """Call `listener(entry)` on every new entry; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[TxLogEntry]:
        return iter(list(self._entries))

    def __getitem__(self, index: int) -> TxLogEntry:
        return list(self._entries)[index] if isinstance(index, slice) else self._entries[index]

    @property
    def transactions(self) -> list[TxLogEntry]:
        """Only the transactions (what is recorded on the chain)."""
        return [e for e in self._entries if e.kind == "transaction"]

    def clear(self) -> None:
        """Forget every entry (the chain keeps them, of course)."""
        self._entries.clear()

    def format(self, last: int | None = None) -> str:
        """The last `last` entries (default all), formatted, separated by blank lines."""
        entries = list(self._entries)[-last:] if last else list(self._entries)
        return "\n\n".join(e.format() for e in entries)
