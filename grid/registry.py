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
getters called as the administrator, who is allowed to read anyone's. The
chain is read through `grid.explorer` (blocks, receipts, decoded calls, and
one readable sentence when the node is down).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from eth_utils import to_checksum_address

from . import explorer
from .errors import GridError
from .explorer import BlockSummary, TxSummary, node_errors
from .powergrid import PowerGridClient, UserRecord
from .txlog import TxLog

REGISTER_FUNCTION = "empower"


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
    """One transaction as a block holds it, with its receipt's status: what any observer can read.

    The plain fields of notebook 10's exercise 10.2 (`asdict(tx)` is its input):
    the explorer's `TxSummary` without the decoding, with the status as the
    receipt's number.
    """

    block_number: int
    tx_hash: str
    sender: str
    to: str | None        # None for a contract creation
    input: str            # the calldata, 0x-hex
    status: int           # 1 success, 0 reverted (from the receipt)

    @classmethod
    def from_summary(cls, tx: TxSummary) -> RawTransaction:
        """The raw fields of an explorer row."""
        return cls(tx.block_number, tx.hash, tx.sender, tx.to, tx.input, 1 if tx.status == "ok" else 0)


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
        self._last_hash: str | None = None           # its hash, to notice a rewound chain
        self._registrations: dict[str, Registration] = {}   # by address, first-seen order
        self._reader: PowerGridClient | None = None

    # ------------------------------------------------------------ scanning
    def scan(self) -> list[str]:
        """Read the new blocks; return the addresses registered (or re-registered) in them."""
        latest = explorer.latest_block_number(self.chain)
        if self.last_scanned is not None and (latest < self.last_scanned or
                                              self._block_hash(self.last_scanned) != self._last_hash):
            self.reset()
        first = self.start_block if self.last_scanned is None else self.last_scanned + 1
        found: list[str] = []
        if first > latest:
            return found
        for number, hash_, registrations in self._registrations_by_block(first, latest):
            for registration in registrations:
                # A re-registration keeps one row: the latest data, the first position.
                self._registrations[registration.address] = registration
                found.append(registration.address)
            self.last_scanned, self._last_hash = number, hash_
        return found

    def registrations_in_block(self, number: int) -> list[Registration]:
        """The successful registrations (empower transactions to the contract) in block `number`."""
        return [r for _, _, found in self._registrations_by_block(number, number) for r in found]

    def transactions_in_block(self, number: int) -> list[RawTransaction]:
        """Every transaction of block `number`, to any contract, with its status (one receipt each)."""
        return [RawTransaction.from_summary(tx) for tx in explorer.block_transactions(self.chain, number)]

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
        with node_errors(self.chain):
            record = self.client.user_record(address)
            total_generation, total_use = self._totals(record)
        registration = self._registrations.get(record.address)
        return UserRow(
            address=record.address, account=self.account_name(record.address), name=record.name,
            location=record.location, can_generate=record.can_generate, can_consume=record.can_consume,
            generation_balance=record.generation_balance, total_generation=total_generation,
            remaining=record.remaining, total_use=total_use, dispatch=record.dispatch,
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
        return explorer.account_name(self.chain, address)

    # ------------------------------------------------------------ internals
    def _totals(self, record: UserRecord) -> tuple[int, int]:
        """(total generation, total use) through the contract's getters, as the administrator."""
        reader = self._admin_reader()
        if reader is None:  # an administrator outside our accounts: storage says the same
            return record.total_generation, record.total_use
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

    def _registrations_by_block(self, first: int, last: int) -> Iterator[tuple[int, str, list[Registration]]]:
        """(block number, block hash, the registrations in it), block by block."""
        for block, txs in self._empower_calls(first, last):
            yield block.number, block.hash, _registrations(txs)

    def _empower_calls(self, first: int, last: int) -> Iterator[tuple[BlockSummary, list[TxSummary]]]:
        """Block by block: the empower calls to the contract, with status and decoded arguments."""
        return explorer.transactions_to_by_block(self.chain, self.client.address, first, last,
                                                 client=self.client, function=REGISTER_FUNCTION)

    def _block_hash(self, number: int) -> str | None:
        try:
            return explorer.block_summary(self.chain, number).hash
        except GridError as exc:
            if exc.kind == "input":
                return None  # the block is gone: the chain was rewound
            raise


def _registrations(txs: list[TxSummary]) -> list[Registration]:
    """The registrations made by these empower calls: the successful, readable ones."""
    found = []
    for tx in txs:
        # A reverted empower (not the admin) registered nobody; calldata that does not
        # decode (yet succeeded) says nothing we can read.
        if tx.status != "ok" or tx.function != REGISTER_FUNCTION:
            continue
        address, name, location, generate, consume = tx.arguments.values()
        found.append(Registration(to_checksum_address(address), name, location, bool(generate),
                                  bool(consume), tx.block_number, tx.hash))
    return found
