"""A block tree with fork choice: how nodes agree on one history.

Blocks may arrive in any order. `BlockTree.add` classifies each one:

- rejected, with a reason: duplicate, bad proof of work, a header that does
  not commit to the transactions, a CVE-2012-2459 mutated transaction list,
  or a parent already known to be invalid. A hash found invalid (bad proof
  of work, invalid parent) is remembered, and any descendants already
  waiting in the orphan pool are rejected with it, so the final state does
  not depend on the order in which blocks arrived. A Merkle failure is not
  held against the hash (CVE-2012-2459): its children keep waiting for the
  honest version of that block;
- orphan: valid on its own but its parent is unknown; it waits in a pool and
  is connected as soon as the parent arrives;
- accepted: connected to the tree with its height and cumulative work.

Fork choice. Bitcoin follows the chain with the most cumulative work
(sum of 2**256 // (target + 1) over its blocks), which the whitepaper and
many textbooks call the "longest chain". The two rules agree while every
block has the same target, and can disagree otherwise: `compare_rules`
returns both tips so a lesson can show a shorter chain that wins on work.

Ties (equal work) are broken like Bitcoin Core: the block connected first
stays the tip. `tie_break="lowest_hash"` instead picks the smallest hash,
which makes the tip independent of arrival order (handy for experiments).
"""

from __future__ import annotations

from dataclasses import dataclass

from .block import REGTEST_BITS, Block, BlockHeader, work_from_target
from .hashing import double_sha256
from .merkle import is_mutated, merkle_root
from .pow import TARGET_SPACING, mine

ACCEPTED = "accepted"
ORPHAN = "orphan"
REJECTED = "rejected"

# Rejection reasons (names follow Bitcoin Core's reject strings where one exists).
DUPLICATE = "duplicate"
BAD_POW = "high-hash"                 # hash above target, or bits invalid / above pow limit
BAD_MERKLE = "bad-txnmrklroot"        # header's Merkle root does not match the transactions
MUTATED = "bad-txns-duplicate"        # CVE-2012-2459: duplicated transactions, same root
NO_TRANSACTIONS = "bad-blk-length"    # a block must contain at least its coinbase
BAD_PARENT = "bad-prevblk"            # builds on a block known to be invalid


@dataclass(frozen=True)
class ChainEntry:
    """A connected block and what the tree knows about its position."""

    block: Block
    block_hash: bytes   # 32 bytes, internal byte order
    height: int         # genesis is 0
    chain_work: int     # total work from genesis up to and including this block
    sequence: int       # connection order, for the first-seen tie break


@dataclass(frozen=True)
class Reorg:
    """A change of best tip: which blocks left and which joined the main chain."""

    old_tip: bytes                   # 32 bytes
    new_tip: bytes                   # 32 bytes
    fork_point: bytes                # last block shared by both chains
    disconnected: tuple[bytes, ...]  # left the main chain, old tip first
    connected: tuple[bytes, ...]     # joined the main chain, from the fork upwards

    @property
    def depth(self) -> int:
        """How many blocks were undone (0 for a plain extension of the tip)."""
        return len(self.disconnected)

    @property
    def is_reorg(self) -> bool:
        """True when blocks were disconnected, not just appended."""
        return bool(self.disconnected)


@dataclass(frozen=True)
class AddResult:
    """What `BlockTree.add` did with a block."""

    status: str                       # ACCEPTED, ORPHAN or REJECTED
    block_hash: bytes                 # 32 bytes, internal byte order
    reason: str = ""                  # why it was rejected (empty otherwise)
    connected: tuple[bytes, ...] = ()  # blocks attached by this call (it + adopted orphans)
    reorg: Reorg | None = None        # tip change under the most-work rule, if any

    @property
    def accepted(self) -> bool:
        """The block is now part of the tree."""
        return self.status == ACCEPTED

    @property
    def orphan(self) -> bool:
        """The block waits for its parent."""
        return self.status == ORPHAN

    @property
    def rejected(self) -> bool:
        """The block was refused (see reason)."""
        return self.status == REJECTED


@dataclass(frozen=True)
class TipComparison:
    """The tips chosen by the two fork-choice rules."""

    most_work: ChainEntry   # Bitcoin's rule
    longest: ChainEntry     # "longest chain" read literally: greatest height

    @property
    def agree(self) -> bool:
        """Both rules pick the same block."""
        return self.most_work.block_hash == self.longest.block_hash


class BlockTree:
    """All known blocks from one genesis, the orphan pool, and the best tip."""

    def __init__(self, genesis: Block, *, pow_limit: int | None = None,
                 check_merkle: bool = True, tie_break: str = "first_seen"):
        """Start a tree at genesis; pow_limit caps the easiest acceptable target."""
        if tie_break not in ("first_seen", "lowest_hash"):
            raise ValueError("tie_break is 'first_seen' or 'lowest_hash'")
        self.pow_limit = pow_limit
        self.check_merkle = check_merkle
        self.tie_break = tie_break
        reason = self._check_block(genesis)
        if reason:
            raise ValueError(f"invalid genesis block: {reason}")
        self._entries: dict[bytes, ChainEntry] = {}
        self._children: dict[bytes, list[bytes]] = {}
        self._orphans: dict[bytes, Block] = {}
        self._orphans_by_parent: dict[bytes, list[bytes]] = {}
        self._invalid: dict[bytes, str] = {}
        self.reorgs: list[Reorg] = []
        genesis_hash = genesis.hash()
        entry = ChainEntry(genesis, genesis_hash, 0, work_from_target(genesis.header.target), 0)
        self._entries[genesis_hash] = entry
        self.genesis = genesis_hash
        self._best = entry
        self._longest = entry

    # -- queries ---------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, block_hash: bytes) -> bool:
        return block_hash in self._entries

    def entry(self, block_hash: bytes) -> ChainEntry:
        """The ChainEntry of a connected block."""
        return self._entries[block_hash]

    def height(self, block_hash: bytes) -> int:
        """Height of a connected block (genesis = 0)."""
        return self._entries[block_hash].height

    def chain_work(self, block_hash: bytes) -> int:
        """Cumulative work from genesis to a connected block."""
        return self._entries[block_hash].chain_work

    @property
    def tip(self) -> bytes:
        """Hash of the best tip under the most-work rule."""
        return self._best.block_hash

    @property
    def longest_tip(self) -> bytes:
        """Hash of the tip with the greatest height."""
        return self._longest.block_hash

    @property
    def orphans(self) -> list[bytes]:
        """Hashes of blocks waiting for their parent."""
        return list(self._orphans)

    def compare_rules(self) -> TipComparison:
        """Both tips: most cumulative work (Bitcoin) and greatest height."""
        return TipComparison(self._best, self._longest)

    def children(self, block_hash: bytes) -> list[bytes]:
        """Connected blocks whose parent is block_hash."""
        return list(self._children.get(block_hash, []))

    def leaves(self) -> list[bytes]:
        """Tips of every branch (connected blocks without children)."""
        return [h for h in self._entries if not self._children.get(h)]

    def main_chain(self, tip: bytes | None = None) -> list[bytes]:
        """Hashes from genesis to tip (default: the most-work tip)."""
        chain = []
        current: bytes | None = self.tip if tip is None else tip
        while current is not None:
            chain.append(current)
            entry = self._entries[current]
            current = None if entry.height == 0 else entry.block.header.prev_hash
        return chain[::-1]

    def stale_blocks(self) -> list[bytes]:
        """Connected blocks that are not on the main chain."""
        main = set(self.main_chain())
        return [h for h in self._entries if h not in main]

    # -- adding blocks -----------------------------------------------------------

    def add(self, block: Block) -> AddResult:
        """Validate a block and connect it, keep it as an orphan, or reject it."""
        block_hash = block.hash()
        if block_hash in self._entries or block_hash in self._orphans:
            return AddResult(REJECTED, block_hash, DUPLICATE)
        if block_hash in self._invalid:
            return AddResult(REJECTED, block_hash, self._invalid[block_hash])
        reason = self._check_block(block)
        if reason:
            # A bad proof of work belongs to the header, hence to the hash: remember
            # it. A Merkle failure does not: the same header with the right
            # transactions may still arrive (the lesson of CVE-2012-2459), so its
            # waiting children stay in the orphan pool for that honest version.
            if reason == BAD_POW:
                self._mark_invalid(block_hash, reason)
            return AddResult(REJECTED, block_hash, reason)
        parent = block.header.prev_hash
        if parent in self._invalid:
            self._mark_invalid(block_hash, BAD_PARENT)
            return AddResult(REJECTED, block_hash, BAD_PARENT)
        if parent not in self._entries:
            self._orphans[block_hash] = block
            self._orphans_by_parent.setdefault(parent, []).append(block_hash)
            return AddResult(ORPHAN, block_hash)

        old_best = self._best
        connected = self._connect_with_orphans(block, block_hash)
        reorg = None
        if self._best.block_hash != old_best.block_hash:
            reorg = self._describe_switch(old_best.block_hash, self._best.block_hash)
            if reorg.is_reorg:
                self.reorgs.append(reorg)
        return AddResult(ACCEPTED, block_hash, connected=tuple(connected), reorg=reorg)

    def _check_block(self, block: Block) -> str:
        """Context-free checks; returns a rejection reason or ''."""
        if not block.header.check_pow(self.pow_limit):
            return BAD_POW
        if self.check_merkle:
            leaves = list(block.txids)
            if not leaves:
                return NO_TRANSACTIONS
            if merkle_root(leaves) != block.header.merkle_root:
                return BAD_MERKLE
            if is_mutated(leaves):
                return MUTATED
        return ""

    def _connect_with_orphans(self, block: Block, block_hash: bytes) -> list[bytes]:
        """Connect block, then every orphan that was waiting on it (breadth first)."""
        connected = []
        queue = [(block, block_hash)]
        while queue:
            current, current_hash = queue.pop(0)
            self._connect(current, current_hash)
            connected.append(current_hash)
            for child_hash in self._orphans_by_parent.pop(current_hash, []):
                queue.append((self._orphans.pop(child_hash), child_hash))
        return connected

    def _connect(self, block: Block, block_hash: bytes) -> None:
        parent = self._entries[block.header.prev_hash]
        entry = ChainEntry(
            block=block,
            block_hash=block_hash,
            height=parent.height + 1,
            chain_work=parent.chain_work + work_from_target(block.header.target),
            sequence=len(self._entries),
        )
        self._entries[block_hash] = entry
        self._children.setdefault(parent.block_hash, []).append(block_hash)
        if self._key(entry, entry.chain_work) > self._key(self._best, self._best.chain_work):
            self._best = entry
        if self._key(entry, entry.height) > self._key(self._longest, self._longest.height):
            self._longest = entry

    def _key(self, entry: ChainEntry, primary: int) -> tuple[int, int]:
        if self.tie_break == "first_seen":
            return primary, -entry.sequence
        return primary, -int.from_bytes(entry.block_hash, "little")

    def _mark_invalid(self, block_hash: bytes, reason: str) -> None:
        """Remember a hash as invalid and reject every orphan built on it.

        Every path that marks a hash invalid goes through here: descendants
        may have arrived first and be waiting in the orphan pool, and leaving
        them there would make the final state depend on arrival order.
        """
        self._invalid[block_hash] = reason
        self._reject_orphans_of(block_hash)

    def _reject_orphans_of(self, block_hash: bytes) -> None:
        """Orphans built on an invalid block are invalid too, down to the last descendant."""
        # An explicit stack instead of recursion: a long orphan chain must not
        # hit Python's recursion limit.
        stack = [block_hash]
        while stack:
            for child_hash in self._orphans_by_parent.pop(stack.pop(), []):
                self._orphans.pop(child_hash, None)
                self._invalid[child_hash] = BAD_PARENT
                stack.append(child_hash)

    def fork_point(self, a: bytes, b: bytes) -> bytes:
        """Last common ancestor of two connected blocks."""
        ea, eb = self._entries[a], self._entries[b]
        while ea.height > eb.height:
            ea = self._entries[ea.block.header.prev_hash]
        while eb.height > ea.height:
            eb = self._entries[eb.block.header.prev_hash]
        while ea.block_hash != eb.block_hash:
            ea = self._entries[ea.block.header.prev_hash]
            eb = self._entries[eb.block.header.prev_hash]
        return ea.block_hash

    def _describe_switch(self, old_tip: bytes, new_tip: bytes) -> Reorg:
        fork = self.fork_point(old_tip, new_tip)
        fork_height = self._entries[fork].height
        disconnected = self.main_chain(old_tip)[fork_height + 1:][::-1]
        connected = self.main_chain(new_tip)[fork_height + 1:]
        return Reorg(old_tip, new_tip, fork, tuple(disconnected), tuple(connected))


def build_block(
    parent: Block | BlockHeader | bytes,
    transactions: list[bytes],
    *,
    bits: int = REGTEST_BITS,
    timestamp: int | None = None,
    version: int = 1,
) -> Block:
    """Assemble and mine a block on top of parent, with opaque transaction bytes.

    Each transaction's txid is its double SHA-256. With the default regtest
    bits about two hashes are needed, so tests can build whole trees quickly.
    The timestamp defaults to the parent's plus ten minutes (0 if only a hash
    is given).
    """
    if isinstance(parent, Block):
        parent = parent.header
    if isinstance(parent, BlockHeader):
        prev_hash, default_time = parent.hash(), parent.timestamp + TARGET_SPACING
    else:
        prev_hash, default_time = bytes(parent), 0
    raw_txs = tuple(bytes(tx) for tx in transactions)
    txids = tuple(double_sha256(tx) for tx in raw_txs)
    header = BlockHeader(version, prev_hash, merkle_root(list(txids)),
                         default_time if timestamp is None else timestamp, bits, 0)
    result = mine(header)
    if not result.found:
        raise RuntimeError("no nonce found; choose easier bits or change the transactions")
    return Block(result.header, txids, raw_txs)
