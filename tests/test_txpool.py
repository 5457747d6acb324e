"""The transaction pool on a real anvil node: pending and queued, the order of a block, replacement.

The rules checked are anvil 1.7.1's own (foundry-rs/foundry, crates/anvil/src/eth/pool/
transactions.rs): ready transactions ordered by `gas_price()`, i.e. maxFeePerGas for an
EIP-1559 transaction, earlier arrival first on a tie; nonce order within a sender; a
transaction (pending or queued) replaced only by a strictly higher max fee, with no minimum
percentage. Each expected order is worked out here from the fees sent; the
effective tip is EIP-1559's min(priority fee, max fee - base fee).
"""
from __future__ import annotations

import pytest

from grid import connect
from grid.chain import txpool
from grid.errors import GridError

pytestmark = pytest.mark.anvil
GWEI = 10**9


@pytest.fixture
def node():
    chain = connect("anvil", accounts=6)
    txpool.pause_mining(chain)
    yield chain
    chain.close()


def test_a_block_takes_the_pool_by_max_fee_then_arrival(node):
    base = txpool.base_fee(node)
    sent = [txpool.send_transfer(node, "consumer1", 0, 200 * GWEI, 2 * GWEI),
            txpool.send_transfer(node, "consumer2", 0, 100 * GWEI, 5 * GWEI),
            txpool.send_transfer(node, "generator2", 0, 4 * GWEI, 3 * GWEI),
            txpool.send_transfer(node, "user5", 0, 100 * GWEI, 2 * GWEI)]
    assert txpool.pool_status(node) == (4, 0)
    block = txpool.mine_block(node)
    by_rule = sorted(sent, key=lambda t: -t.max_fee_per_gas)        # stable: arrival breaks the tie
    assert [t.hash for t in block] == [t.hash for t in by_rule]
    assert [t.sender for t in block] == [node.w3.eth.get_transaction(t.hash)["from"] for t in by_rule]
    for tx in block:
        assert tx.effective_tip == min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base)
    # what a producer maximising its tip (geth's policy) would have taken first instead:
    assert max(block, key=lambda t: t.effective_tip).hash == sent[1].hash != block[0].hash
    assert txpool.pool_status(node) == (0, 0)


def test_nonces_beat_fees_and_a_gap_waits_queued(node):
    low = txpool.send_transfer(node, "consumer1", 0, 10 * GWEI, 1 * GWEI)
    high = txpool.send_transfer(node, "consumer1", 1, 500 * GWEI, 50 * GWEI)
    gap = txpool.send_transfer(node, "consumer2", 1, 500 * GWEI, 50 * GWEI)     # nonce 0 never sent
    assert txpool.pool_status(node) == (2, 1)
    block = txpool.mine_block(node)
    assert [t.hash for t in block] == [low.hash, high.hash]
    assert txpool.pool_status(node) == (0, 1)
    filler = txpool.send_transfer(node, "consumer2", 0, 10 * GWEI, 1 * GWEI)
    assert txpool.pool_status(node) == (2, 0)
    assert [t.hash for t in txpool.mine_block(node)] == [filler.hash, gap.hash]


def test_a_replacement_must_not_pay_less(node):
    first = txpool.send_transfer(node, "consumer1", 0, 100 * GWEI, 2 * GWEI)
    with pytest.raises(GridError, match="does not pay more") as refused:
        txpool.send_transfer(node, "consumer1", 0, 90 * GWEI, 2 * GWEI)
    assert "Traceback" not in str(refused.value)
    bumped = txpool.send_transfer(node, "consumer1", 0, 105 * GWEI, 2 * GWEI)   # +5 %: geth would refuse
    assert txpool.pool_status(node) == (1, 0)
    block = txpool.mine_block(node)
    assert [t.hash for t in block] == [bumped.hash] != [first.hash]


def test_bad_fees_get_one_sentence_before_anything_is_sent(node):
    with pytest.raises(GridError, match="cannot exceed the maximum fee"):
        txpool.send_transfer(node, "consumer1", 0, 1 * GWEI, 2 * GWEI)
    with pytest.raises(GridError, match="at least 0"):
        txpool.send_transfer(node, "consumer1", -1, 1 * GWEI, 0)
    assert txpool.pool_status(node) == (0, 0)


def test_the_embedded_chain_says_it_has_no_pool():
    chain = connect("tester")
    with pytest.raises(GridError, match="use connect"):
        txpool.pause_mining(chain)


def test_the_pool_lists_pending_and_queued_with_their_fees(node):
    ready = txpool.send_transfer(node, "consumer1", 0, 30 * GWEI, 3 * GWEI)
    waiting = txpool.send_transfer(node, "consumer2", 2, 40 * GWEI, 4 * GWEI)     # nonces 0 and 1 missing
    listed = txpool.pool_content(node)
    assert [(t.hash, t.state) for t in listed] == [(ready.hash, "pending"), (waiting.hash, "queued")]
    assert (listed[0].sender, listed[0].nonce) == (node.account("consumer1").address, 0)
    assert (listed[1].max_fee_per_gas, listed[1].max_priority_fee_per_gas) == (40 * GWEI, 4 * GWEI)


def test_a_fee_below_the_base_fee_and_a_resend_are_one_sentence(node):
    base = int(node.w3.eth.get_block("latest")["baseFeePerGas"])      # web3's reading, not the module's
    with pytest.raises(GridError, match=f"below the base fee.*{base} wei"):
        txpool.send_transfer(node, "consumer1", 0, base - 1, 0)
    txpool.send_transfer(node, "consumer1", 0, base * 10, GWEI)
    with pytest.raises(GridError, match="already holds this exact transaction"):
        txpool.send_transfer(node, "consumer1", 0, base * 10, GWEI)


def test_a_stopped_node_is_one_sentence():
    chain = connect("anvil", accounts=2)
    chain.close()
    with pytest.raises(GridError) as down:
        txpool.pool_status(chain)
    assert down.value.kind == "node" and "\n" not in str(down.value)


def test_anvil_asks_no_minimum_bump_but_a_strictly_higher_max_fee(node):
    txpool.send_transfer(node, "consumer1", 0, 100 * GWEI, 2 * GWEI)
    with pytest.raises(GridError, match="does not pay more"):              # equal max fee, other tip
        txpool.send_transfer(node, "consumer1", 0, 100 * GWEI, 3 * GWEI)
    one_wei_more = txpool.send_transfer(node, "consumer1", 0, 100 * GWEI + 1, 2 * GWEI)
    queued = txpool.send_transfer(node, "consumer2", 1, 50 * GWEI, 2 * GWEI)   # nonce 0 missing
    with pytest.raises(GridError, match="does not pay more"):              # queued: the same rule
        txpool.send_transfer(node, "consumer2", 1, 50 * GWEI, 3 * GWEI)
    bumped = txpool.send_transfer(node, "consumer2", 1, 50 * GWEI + 1, 2 * GWEI)
    # while queued, anvil 1.7.1 keeps both for nonce 1 (txpool_content, keyed by nonce, shows one);
    # once the gap is filled only the higher fee is ready, and the block takes it
    assert txpool.pool_status(node) == (1, 2)
    filler = txpool.send_transfer(node, "consumer2", 0, 10 * GWEI, 1 * GWEI)
    assert txpool.pool_status(node) == (3, 0)
    block = [t.hash for t in txpool.mine_block(node)]
    assert sorted(block) == sorted([one_wei_more.hash, filler.hash, bumped.hash])
    assert block.index(filler.hash) < block.index(bumped.hash) and queued.hash not in block
    assert txpool.pool_status(node) == (0, 0)
