"""primitives.chain: block tree, orphans, rejections, fork choice and reorgs.

Real data: mainnet genesis (Bitcoin Core chainparams.cpp) and blocks 1-9
(libbitcoin test/mocks/blocks.cpp); regtest genesis (chainparams.cpp) as the
root of small test trees mined at easy targets. Expected heights, work and
tips are recomputed in the tests by walking parents and using
work = 2**256 // (target + 1) (Bitcoin Core GetBlockProof), with targets
decoded by hand from the bits.
"""

import hashlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from primitives.block import MAINNET_POW_LIMIT, REGTEST_POW_LIMIT, Block, BlockHeader
from primitives.chain import (
    BAD_MERKLE,
    BAD_PARENT,
    BAD_POW,
    DUPLICATE,
    MUTATED,
    NO_TRANSACTIONS,
    BlockTree,
    build_block,
)
from primitives.merkle import merkle_root

DATA = Path(__file__).resolve().parents[2] / "data"
GENESIS = json.loads((DATA / "bitcoin_genesis.json").read_text())
REGTEST = json.loads((DATA / "bitcoin_regtest_genesis.json").read_text())
BLOCKS_1_9 = json.loads((DATA / "bitcoin_blocks_1_to_9.json").read_text())["blocks"]

EASY = 0x207FFFFF      # regtest bits: half of all hashes qualify
HARDER = 0x2000FFFF    # ~256 hashes per block: more work per block


def by_hand_target(bits: int) -> int:
    return (bits & 0xFFFFFF) * 256 ** ((bits >> 24) - 3)


def by_hand_work(bits: int) -> int:
    return 2 ** 256 // (by_hand_target(bits) + 1)


def regtest_genesis() -> Block:
    return Block.from_txids(BlockHeader.from_hex(REGTEST["raw_header"]), REGTEST["txids"])


def new_tree(**kwargs) -> BlockTree:
    return BlockTree(regtest_genesis(), pow_limit=REGTEST_POW_LIMIT, **kwargs)


def chain_of(parent: Block, n: int, tag: str, bits: int = EASY) -> list[Block]:
    blocks = []
    for i in range(n):
        parent = build_block(parent, [f"{tag}{i}".encode()], bits=bits)
        blocks.append(parent)
    return blocks


def hashes(blocks):
    return [b.hash() for b in blocks]


# -- real mainnet data ------------------------------------------------------------------------

def mainnet_tree() -> BlockTree:
    genesis = Block.from_txids(BlockHeader.from_hex(GENESIS["raw_header"]), GENESIS["txids"])
    return BlockTree(genesis, pow_limit=MAINNET_POW_LIMIT)


MAINNET_BLOCKS = [Block.parse(bytes.fromhex(b["raw_block"])) for b in BLOCKS_1_9]


def test_real_blocks_1_to_9_form_the_main_chain():
    tree = mainnet_tree()
    for block in MAINNET_BLOCKS:
        assert tree.add(block).accepted
    assert [h[::-1].hex() for h in tree.main_chain()] == [GENESIS["hash"]] + [b["hash"] for b in BLOCKS_1_9]
    assert tree.height(tree.tip) == 9
    # Ten blocks at difficulty 1, each worth 2**256 // (0xffff * 2**208 + 1).
    assert tree.chain_work(tree.tip) == 10 * by_hand_work(0x1D00FFFF) == 10 * 0x100010001


@given(st.permutations(range(9)))
@settings(max_examples=25, deadline=None)
def test_real_blocks_in_any_order_give_the_same_tip(order):
    tree = mainnet_tree()
    for i in order:
        assert not tree.add(MAINNET_BLOCKS[i]).rejected
    assert tree.tip[::-1].hex() == BLOCKS_1_9[-1]["hash"]
    assert tree.orphans == [] and len(tree) == 10


def test_genesis_must_be_valid():
    header = BlockHeader.from_hex(GENESIS["raw_header"]).with_nonce(0)
    with pytest.raises(ValueError):
        BlockTree(Block.from_txids(header, GENESIS["txids"]))


# -- growth, forks and reorganisations -------------------------------------------------------

def test_linear_chain_heights_and_work():
    tree = new_tree()
    blocks = chain_of(regtest_genesis(), 5, "a")
    for height, block in enumerate(blocks, start=1):
        result = tree.add(block)
        assert result.accepted and result.connected == (block.hash(),)
        assert tree.height(block.hash()) == height
        assert tree.chain_work(block.hash()) == (height + 1) * by_hand_work(EASY) == 2 * (height + 1)
    assert tree.tip == blocks[-1].hash() == tree.longest_tip


def test_reorg_reports_blocks_that_left_and_joined():
    genesis = regtest_genesis()
    tree = new_tree()
    a = chain_of(genesis, 2, "a")
    b = chain_of(genesis, 3, "b")
    for block in a:
        tree.add(block)
    assert tree.tip == a[-1].hash()
    assert tree.add(b[0]).reorg is None
    assert tree.add(b[1]).reorg is None           # equal work: the first-seen tip stays
    assert tree.tip == a[-1].hash()
    result = tree.add(b[2])
    reorg = result.reorg
    assert reorg is not None and reorg.is_reorg
    assert reorg.old_tip == a[-1].hash() and reorg.new_tip == b[-1].hash()
    assert reorg.fork_point == genesis.hash()
    assert reorg.disconnected == (a[1].hash(), a[0].hash())
    assert reorg.connected == tuple(hashes(b))
    assert reorg.depth == 2
    assert tree.reorgs == [reorg]
    assert set(tree.stale_blocks()) == set(hashes(a))
    assert tree.fork_point(a[-1].hash(), b[-1].hash()) == genesis.hash()


def test_extension_is_a_tip_change_but_not_a_reorg():
    tree = new_tree()
    block = chain_of(regtest_genesis(), 1, "x")[0]
    change = tree.add(block).reorg
    assert change.connected == (block.hash(),) and change.disconnected == ()
    assert not change.is_reorg and tree.reorgs == []


def test_lowest_hash_tie_break():
    genesis = regtest_genesis()
    x, y = build_block(genesis, [b"x"]), build_block(genesis, [b"y"])
    low = min(x, y, key=lambda b: int.from_bytes(b.hash(), "little"))
    for order in ([x, y], [y, x]):
        tree = new_tree(tie_break="lowest_hash")
        for block in order:
            tree.add(block)
        assert tree.tip == low.hash()
    first_seen = new_tree()
    first_seen.add(y)
    first_seen.add(x)
    assert first_seen.tip == y.hash()
    with pytest.raises(ValueError):
        new_tree(tie_break="random")


def test_most_work_and_longest_chain_can_disagree():
    # Three easy blocks (work 2 each) against two harder ones (~256 each):
    # the shorter chain carries more work and wins under Bitcoin's rule.
    genesis = regtest_genesis()
    tree = new_tree()
    long_chain = chain_of(genesis, 3, "long", bits=EASY)
    heavy_chain = chain_of(genesis, 2, "heavy", bits=HARDER)
    for block in long_chain + heavy_chain:
        assert tree.add(block).accepted
    tips = tree.compare_rules()
    assert not tips.agree
    assert tips.longest.block_hash == long_chain[-1].hash() and tips.longest.height == 3
    assert tips.most_work.block_hash == heavy_chain[-1].hash() and tips.most_work.height == 2
    assert tips.most_work.chain_work == by_hand_work(EASY) + 2 * by_hand_work(HARDER)
    assert tips.longest.chain_work == 4 * by_hand_work(EASY)
    assert tree.tip == heavy_chain[-1].hash() and tree.longest_tip == long_chain[-1].hash()


def test_rules_agree_when_difficulty_is_constant():
    tree = new_tree()
    genesis = regtest_genesis()
    for block in chain_of(genesis, 3, "p") + chain_of(genesis, 2, "q"):
        tree.add(block)
    assert tree.compare_rules().agree


# -- orphans --------------------------------------------------------------------------------------

def test_orphans_wait_for_their_parent():
    tree = new_tree()
    blocks = chain_of(regtest_genesis(), 4, "o")
    assert tree.add(blocks[3]).orphan
    assert tree.add(blocks[1]).orphan
    assert tree.add(blocks[2]).orphan
    assert set(tree.orphans) == set(hashes(blocks[1:]))
    assert tree.tip == regtest_genesis().hash()
    result = tree.add(blocks[0])
    assert result.accepted
    assert result.connected == tuple(hashes(blocks))
    assert tree.orphans == [] and tree.tip == blocks[-1].hash()
    assert tree.add(blocks[2]).reason == DUPLICATE


# -- rejections ---------------------------------------------------------------------------------------

def failing_nonce(header: BlockHeader) -> BlockHeader:
    """A nonce whose hash is above the target (checked with hashlib)."""
    target = by_hand_target(header.bits)
    for nonce in range(1000):
        raw = header.with_nonce(nonce).serialize()
        if int.from_bytes(hashlib.sha256(hashlib.sha256(raw).digest()).digest(), "little") > target:
            return header.with_nonce(nonce)
    raise AssertionError("no failing nonce in range")


def test_duplicate():
    tree = new_tree()
    block = chain_of(regtest_genesis(), 1, "d")[0]
    assert tree.add(block).accepted
    again = tree.add(block)
    assert again.rejected and again.reason == DUPLICATE
    assert tree.add(regtest_genesis()).reason == DUPLICATE


def bad_block_with_descendants():
    """A block failing its PoW, plus a child and a grandchild built on it."""
    good = chain_of(regtest_genesis(), 1, "g")[0]
    bad = Block(failing_nonce(good.header), good.txids, good.raw_txs)
    child = build_block(bad, [b"child"])
    return bad, child, build_block(child, [b"grandchild"])


def test_bad_proof_of_work_and_its_descendants():
    tree = new_tree()
    bad, child, grandchild = bad_block_with_descendants()
    assert tree.add(grandchild).orphan
    assert tree.add(child).orphan
    result = tree.add(bad)
    assert result.rejected and result.reason == BAD_POW
    assert tree.orphans == []                       # orphans of an invalid block are dropped
    assert tree.add(child).reason == BAD_PARENT
    assert tree.add(bad).reason == BAD_POW          # remembered
    late_child = build_block(bad, [b"another child"])
    assert tree.add(late_child).reason == BAD_PARENT


def test_invalid_block_arriving_between_its_descendants():
    # Regression: grandchild first, then the bad-PoW block, then its child.
    # The child is rejected as bad-prevblk; the grandchild, already waiting
    # for it in the orphan pool, must be rejected with it, not left behind.
    tree = new_tree()
    bad, child, grandchild = bad_block_with_descendants()
    assert tree.add(grandchild).orphan
    assert tree.add(bad).reason == BAD_POW
    assert tree.orphans == [grandchild.hash()]      # its parent (child) is still unknown
    assert tree.add(child).reason == BAD_PARENT
    assert tree.orphans == []
    again = tree.add(grandchild)
    assert again.rejected and again.reason == BAD_PARENT   # not "duplicate"
    assert len(tree) == 1 and tree.tip == regtest_genesis().hash()


def test_target_above_pow_limit_is_rejected():
    tree = new_tree()
    too_easy = build_block(regtest_genesis(), [b"easy"], bits=0x2100FFFF)
    assert too_easy.header.check_pow()              # meets its own target...
    assert tree.add(too_easy).reason == BAD_POW     # ...but that target is above the limit


def test_header_must_commit_to_the_transactions():
    tree = new_tree()
    block = chain_of(regtest_genesis(), 1, "m")[0]
    swapped = Block(block.header, (hashlib.sha256(b"other").digest(),))
    assert tree.add(swapped).reason == BAD_MERKLE
    assert tree.add(Block(block.header, ())).reason == NO_TRANSACTIONS
    assert tree.add(block).accepted                 # the honest version still gets in


def test_cve_2012_2459_mutated_block_does_not_poison_its_hash():
    tree = new_tree()
    txs = [b"coinbase", b"pay alice", b"pay bob"]
    honest = build_block(regtest_genesis(), txs)
    mutated = Block(honest.header, honest.txids + honest.txids[-1:])
    assert merkle_root(list(mutated.txids)) == honest.header.merkle_root
    assert mutated.hash() == honest.hash()
    assert tree.add(mutated).reason == MUTATED
    assert tree.add(honest).accepted


def test_children_of_a_mutated_block_keep_waiting_for_the_honest_one():
    # A Merkle failure does not make the *hash* invalid, so the child waiting
    # for that hash must not be thrown away: the honest block connects it.
    tree = new_tree()
    honest = build_block(regtest_genesis(), [b"coinbase", b"pay alice", b"pay bob"])
    child = build_block(honest, [b"child"])
    assert tree.add(child).orphan
    assert tree.add(Block(honest.header, honest.txids + honest.txids[-1:])).reason == MUTATED
    assert tree.orphans == [child.hash()]
    assert tree.add(honest).connected == (honest.hash(), child.hash())
    assert tree.tip == child.hash()


def test_merkle_checks_can_be_switched_off():
    tree = new_tree(check_merkle=False)
    block = chain_of(regtest_genesis(), 1, "n")[0]
    assert tree.add(Block(block.header, ())).accepted


# -- order independence (property) ---------------------------------------------------------------------

@st.composite
def block_trees(draw):
    """A random tree of 1..12 mined blocks above regtest genesis, mixed difficulty.

    Sometimes one block gets a failing nonce (bad proof of work); blocks built
    on it afterwards are its descendants, invalid too. Returns the blocks, an
    arrival order, and the set of indices of the invalid blocks.
    """
    genesis = regtest_genesis()
    blocks = [genesis]
    n = draw(st.integers(1, 12))
    bad_at = draw(st.none() | st.integers(1, n))
    invalid: set[int] = set()
    for i in range(1, n + 1):
        parent_index = draw(st.integers(0, len(blocks) - 1))
        bits = draw(st.sampled_from([EASY, EASY, HARDER]))
        block = build_block(blocks[parent_index], [b"tx %d" % i], bits=bits)
        if i == bad_at:
            block = Block(failing_nonce(block.header), block.txids, block.raw_txs)
        if i == bad_at or parent_index in invalid:
            invalid.add(i)
        blocks.append(block)
    order = draw(st.permutations(range(1, len(blocks))))
    return blocks, order, invalid


def expected_best(blocks):
    """Most work by walking parents; ties to the lowest hash. Independent of BlockTree."""
    by_hash = {b.hash(): b for b in blocks}
    genesis_hash = blocks[0].hash()

    def work(block):
        total = by_hand_work(block.header.bits)
        while block.hash() != genesis_hash:
            block = by_hash[block.header.prev_hash]
            total += by_hand_work(block.header.bits)
        return total

    works = {b.hash(): work(b) for b in blocks}
    best_work = max(works.values())
    best = min((h for h, w in works.items() if w == best_work), key=lambda h: int.from_bytes(h, "little"))
    return best, best_work


@given(block_trees())
@settings(max_examples=40, deadline=None)
def test_tip_does_not_depend_on_arrival_order(tree_and_order):
    blocks, order, invalid = tree_and_order
    valid = [b for i, b in enumerate(blocks) if i not in invalid]
    best, best_work = expected_best(valid)
    in_order, shuffled, first_seen = (new_tree(tie_break="lowest_hash"), new_tree(tie_break="lowest_hash"),
                                      new_tree())
    for i, block in enumerate(blocks[1:], start=1):
        assert in_order.add(block).rejected == (i in invalid)
    for i in order:
        result = shuffled.add(blocks[i])
        assert result.rejected <= (i in invalid)       # a valid block is never rejected
        first_seen.add(blocks[i])
    assert in_order.tip == shuffled.tip == best
    # Whatever the order, nothing is left waiting and exactly the valid blocks got in.
    for tree in (shuffled, first_seen):
        assert tree.orphans == [] and len(tree) == len(valid)
        for i in invalid:
            assert tree.add(blocks[i]).reason in (BAD_POW, BAD_PARENT)
    # With Bitcoin Core's first-seen rule the winner of a tie may depend on
    # the order, but its work never does.
    assert first_seen.chain_work(first_seen.tip) == best_work
    assert shuffled.main_chain()[0] == blocks[0].hash() and shuffled.main_chain()[-1] == best


def test_build_block_on_a_bare_hash():
    parent_hash = regtest_genesis().hash()
    block = build_block(parent_hash, [b"coinbase", b"payment"], timestamp=1_700_000_000)
    assert block.header.prev_hash == parent_hash
    assert block.header.timestamp == 1_700_000_000
    dsha = lambda x: hashlib.sha256(hashlib.sha256(x).digest()).digest()  # noqa: E731
    assert block.txids == (dsha(b"coinbase"), dsha(b"payment"))
    assert block.header.merkle_root == dsha(dsha(b"coinbase") + dsha(b"payment"))
    assert block.header.check_pow(REGTEST_POW_LIMIT)
    child = build_block(block, [b"next"])
    assert child.header.timestamp == 1_700_000_000 + 600
    with pytest.raises(ValueError):
        build_block(block, [])                     # a block needs at least a coinbase
