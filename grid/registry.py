"""Who is registered? The manager's "all users" query, found by reading the chain.

The seed contract keeps its users in `mapping(address => User)`, and a
Solidity mapping cannot be enumerated: it has no list of keys, and the seed
emits no events. Yet every registration is a transaction, and transactions
are public. `UserDirectory` scans the chain's blocks for successful
`empower(...)` transactions sent to the contract, remembers the addresses
they registered, and reads each user's data:

    directory = UserDirectory(client)
    for row in directory.users():          # scans only the blocks it has not seen
        print(row.label, row.generation_balance, row.remaining)

Balances, rights, names and the latest dispatch come from the contract's
storage (`client.user_record`); the two totals come from the contract's
getters called as the administrator, who is allowed to read anyone's.
"""
from __future__ import annotations

from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Iterable, Iterator

import requests
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from web3.exceptions import TransactionNotFound

from .chain.transport import node_down
from .client import PowerGridClient
from .errors import GridError
from .storage import UserRecord
from .txlog import TxLog

REGISTER_FUNCTION = "empower"
# What web3 raises when an HTTP node does not answer (translated to node_down).
_NODE_FAILURES = (requests.ConnectionError, requests.Timeout, ConnectionError, OSError)


@dataclass(frozen=True)
class Registration:
    """One successful `empower` transaction found on the chain."""

    address: str          # the registered user, EIP-55
    name: str
    location: str
    can_generate: bool
    can_consume: bool
    block_number: int
    tx_hash: str


@dataclass(frozen=True)
class RawTransaction:
    """One transaction as a block holds it, with its receipt's status: what any observer can read."""

    block_number: int
    tx_hash: str
    sender: str
    to: str | None        # None for a contract creation
    input: str            # the calldata, 0x-hex
    status: int           # 1 success, 0 reverted (from the receipt)


@dataclass(frozen=True)
class UserRow:
    """One registered user, with everything the manager's query interface shows."""

    address: str
    account: str | None          # the named account ("generator1") when the chain knows it
    name: str
    location: str
    can_generate: bool
    can_consume: bool
    generation_balance: int      # generated minus sold; negative = still owed
    total_generation: int
    remaining: int               # purchased power not yet consumed
    total_use: int
    dispatch: str                # the latest dispatch instruction ("" when none)
    registered_in_block: int     # the block of its latest registration

    @property
    def label(self) -> str:
        """The account name when known, else the address."""
        return self.account or self.address

    @property
    def rights(self) -> str:
        """The rights in words: "generator", "consumer", "generator and consumer" or "none"."""
        return rights_text(self.can_generate, self.can_consume)


def rights_text(can_generate: bool, can_consume: bool) -> str:
    """Rights in words, as both platforms show them."""
    if can_generate and can_consume:
        return "generator and consumer"
    if can_generate:
        return "generator"
    if can_consume:
        return "consumer"
    return "none"


class UserDirectory:
    """Every user the administrator has registered, found by scanning the chain.

    The scan is incremental: each call reads only the blocks mined since the
    last one. If the chain went back (a snapshot was reverted, a node was
    restarted from an older state) the directory notices that the block it
    last read has changed and scans again from `start_block`.
    """

    def __init__(self, client: PowerGridClient, *, start_block: int = 0) -> None:
        self.client = client
        self.chain = client.chain
        self.start_block = start_block
        self.last_scanned: int | None = None        # the last block read
        self._last_hash: bytes | None = None         # its hash, to notice a rewound chain
        self._registrations: dict[str, Registration] = {}   # by address, first-seen order
        self._reader: PowerGridClient | None = None

    # ------------------------------------------------------------ scanning
    def scan(self) -> list[str]:
        """Read the new blocks; return the addresses registered (or re-registered) in them."""
        with self._node_errors():
            latest = self.chain.block_number
            if self.last_scanned is not None and (latest < self.last_scanned or
                                                  self._block_hash(self.last_scanned) != self._last_hash):
                self.reset()
            first = self.start_block if self.last_scanned is None else self.last_scanned + 1
            found: list[str] = []
            for number in range(first, latest + 1):
                block = self._get_block(number)
                for registration in self._registrations_in(block, number):
                    # A re-registration keeps one row: the latest data, the first position.
                    self._registrations[registration.address] = registration
                    found.append(registration.address)
                self.last_scanned, self._last_hash = number, bytes(block["hash"])
            return found

    def registrations_in_block(self, number: int) -> list[Registration]:
        """The successful registrations (empower transactions to the contract) in block `number`."""
        with self._node_errors():
            return list(self._registrations_in(self._get_block(number), number))

    def transactions_in_block(self, number: int) -> list[RawTransaction]:
        """Every transaction of block `number`, to any contract, with its status (one receipt each)."""
        with self._node_errors():
            block = self._get_block(number)
            return [RawTransaction(number, HexBytes(tx["hash"]).to_0x_hex(), to_checksum_address(tx["from"]),
                                   to_checksum_address(tx["to"]) if tx.get("to") else None,
                                   HexBytes(tx.get("input", tx.get("data", b""))).to_0x_hex(),
                                   int(self._receipt(tx["hash"])["status"]))
                    for tx in block["transactions"]]

    def reset(self) -> None:
        """Forget everything; the next scan reads the chain from `start_block` again."""
        self.last_scanned, self._last_hash = None, None
        self._registrations.clear()

    @property
    def addresses(self) -> list[str]:
        """The registered addresses found so far, in order of first registration (no scan)."""
        return list(self._registrations)

    @property
    def registrations(self) -> list[Registration]:
        """The latest registration of each user found so far (no scan)."""
        return list(self._registrations.values())

    def registered_addresses(self) -> list[str]:
        """Scan, then return every registered address in order of first registration."""
        self.scan()
        return self.addresses

    # ------------------------------------------------------------ reading
    def user(self, address: str) -> UserRow:
        """One user's data now: storage for balances and rights, getters (as admin) for totals."""
        with self._node_errors():
            record = self.client.user_record(address)
            total_generation, total_use = self._totals(record)
        registration = self._registrations.get(record.address)
        return UserRow(
            address=record.address, account=self.account_name(record.address), name=record.name,
            location=record.location, can_generate=record.can_generate, can_consume=record.can_consume,
            generation_balance=record.generation_power, total_generation=total_generation,
            remaining=record.use_power, total_use=total_use, dispatch=record.information,
            registered_in_block=registration.block_number if registration else -1)

    def users(self) -> list[UserRow]:
        """Scan, then read every registered user (the manager's "all users" query)."""
        return [self.user(address) for address in self.registered_addresses()]

    def consumers(self) -> list[UserRow]:
        """The registered users that hold the consumption right now."""
        return [row for row in self.users() if row.can_consume]

    def consumer_addresses(self) -> list[str]:
        """Scan, then return the consumers' addresses, with no storage reads.

        Only `empower` sets rights, so each user's latest registration says
        whether it may consume now.
        """
        self.scan()
        return [r.address for r in self._registrations.values() if r.can_consume]

    def account_name(self, address: str) -> str | None:
        """The chain's name for `address` ("consumer1"), or None for an outside address."""
        return self.chain.account(address).name if address in self.chain.accounts else None

    # ------------------------------------------------------------ internals
    def _totals(self, record: UserRecord) -> tuple[int, int]:
        """(total generation, total use) through the contract's getters, as the administrator."""
        reader = self._admin_reader()
        if reader is None:  # an administrator outside our accounts: storage says the same
            return record.total_generation_power, record.total_use_power
        return (reader.total_generated(record.address), reader.total_consumed(record.address))

    def _admin_reader(self) -> PowerGridClient | None:
        if self._reader is None:
            admin = self.client.administrator()
            if admin not in self.chain.accounts:
                return None
            # Its own log: a table refresh must not flood the transaction log students read.
            self._reader = self.client.using(admin)
            self._reader.log = TxLog(capacity=100)
        return self._reader

    def _registrations_in(self, block: Any, number: int) -> Iterable[Registration]:
        contract = self.client.address.lower()
        selector = self.client.functions[REGISTER_FUNCTION].selector
        for tx in block["transactions"]:
            to = tx.get("to")
            data = bytes(HexBytes(tx.get("input", tx.get("data", b""))))
            if not to or to.lower() != contract or data[:4] != selector:
                continue
            try:
                receipt = self._receipt(tx["hash"])
            except TransactionNotFound:  # the chain changed under us: the next scan sees it
                continue
            if int(receipt["status"]) != 1:  # a reverted empower (not the admin) registered nobody
                continue
            try:
                _, args = self.client.decode_input(data)
            except GridError:  # malformed calldata that still succeeded: nothing we can read
                continue
            address, name, location, generate, consume = args.values()
            yield Registration(to_checksum_address(address), name, location, bool(generate),
                               bool(consume), number, HexBytes(tx["hash"]).to_0x_hex())

    @contextmanager
    def _fresh(self) -> Iterator[None]:
        """Read the node itself, never web3's request cache.

        web3's HTTPProvider caches blocks and transactions by number/hash once
        they look old, and the anvil chain's timestamps start in 2020, so every
        block looks old: after a snapshot revert or a restart the cache would
        return blocks that no longer exist (and answer even when the node is
        down). eth-tester's state is shared with the transport, which
        serialises access with its lock.
        """
        provider = self.chain.w3.provider
        caching = getattr(provider, "cache_allowed_requests", False)
        with getattr(self.chain.transport, "lock", None) or nullcontext():
            if caching:
                provider.cache_allowed_requests = False
            try:
                yield
            finally:
                if caching:
                    provider.cache_allowed_requests = True

    def _get_block(self, number: int) -> Any:
        with self._fresh():
            return self.chain.w3.eth.get_block(number, full_transactions=True)

    def _block_hash(self, number: int) -> bytes | None:
        try:
            with self._fresh():
                return bytes(self.chain.w3.eth.get_block(number)["hash"])
        except Exception as exc:
            if isinstance(exc, _NODE_FAILURES):
                raise
            return None  # the block is gone: the chain was rewound

    def _receipt(self, tx_hash: Any) -> Any:
        with self._fresh():
            return self.chain.w3.eth.get_transaction_receipt(tx_hash)

    def _node_errors(self) -> Any:
        return _TranslateNodeErrors(self.chain.rpc_url or f"the {self.chain.target} chain")


class _TranslateNodeErrors:
    """Turn web3/requests failures of a node into the toolkit's one sentence."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> bool:
        if exc is not None and isinstance(exc, _NODE_FAILURES) and not isinstance(exc, GridError):
            raise node_down(self.url) from None
        return False
