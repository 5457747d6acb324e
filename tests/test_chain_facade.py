"""The Chain facade: every control a caller needs, the same on eth-tester and on anvil.

Expected values are computed here from what the test itself did (a clock moved
by 3600 s, two transactions in one block, a nonce after one transaction) and
from the thesis's genesis.json (chainId 666).
"""
from __future__ import annotations

import time

import pytest

from grid import GridError
from grid.accounts import TEST_MNEMONIC, NamedAccount, derive_account
from grid.chain import MAX_ACCOUNTS, THESIS_CHAIN_ID, RpcFailed, TxRequest, connect

CHAINS = ["tester", pytest.param("anvil", marks=pytest.mark.anvil)]


@pytest.fixture(scope="module", params=CHAINS)
def chain(request):
    with connect(request.param) as c:
        yield c


@pytest.fixture
def isolated(chain):
    snap = chain.snapshot()
    yield chain
    chain.revert(snap)


def test_raw_rpc_reaches_the_node(chain):
    assert int(chain.rpc("eth_chainId"), 16) == THESIS_CHAIN_ID == chain.chain_id
    assert int(chain.rpc("eth_blockNumber"), 16) == chain.block_number
    with pytest.raises((RpcFailed, GridError)):
        chain.rpc("no_suchMethod")


def test_travel_moves_the_clock_and_mines_there(isolated):
    chain = isolated
    before, height = chain.timestamp(), chain.block_number
    stamped = chain.travel(3600)
    assert stamped == chain.timestamp() == before + 3600
    assert chain.block_number == height + 1


def test_the_next_block_gets_the_timestamp_asked_for(isolated):
    chain = isolated
    target = chain.timestamp() + 15 * 60          # the start of the next 15-minute slot, say
    chain.set_next_block_timestamp(target)
    chain.mine(1)
    assert chain.timestamp() == target
    with pytest.raises(GridError) as caught:
        chain.set_next_block_timestamp(target - 60)   # a chain's clock never runs backwards
    assert caught.value.kind == "input"
    with pytest.raises(GridError, match="whole number"):
        chain.travel(-5)


def test_a_batch_puts_its_transactions_in_one_block(isolated):
    chain = isolated
    height = chain.block_number
    senders = [chain.account("generator1"), chain.account("consumer1")]
    fees = {k: hex(v) for k, v in chain.fee_fields().items()}
    with chain.batch():
        hashes = [chain.rpc("eth_sendTransaction", {"from": s.address, "to": chain.account("user5").address,
                                                    "value": hex(1), "gas": hex(21_000), **fees})
                  for s in senders]
        assert chain.block_number == height               # nothing mined while the batch is open
    receipts = [chain.rpc("eth_getTransactionReceipt", h) for h in hashes]
    assert chain.block_number == height + 1
    assert {int(r["blockNumber"], 16) for r in receipts} == {height + 1}


def test_transactions_sent_together_keep_their_order_and_nonces(isolated):
    chain = isolated
    signer = chain.add_account(NamedAccount("batch-signer", *_derived(4321)))   # only this process holds it
    chain.send_transaction(chain.account("admin"), signer.address, b"", 21_000, value=10**18)
    to = chain.account("user5").address
    start, height = chain.balance(to), chain.block_number
    nonce = chain.next_nonce(signer)
    generator = chain.account("generator1")
    requests = [TxRequest(signer, to, b"", 21_000, 1), TxRequest(generator, to, b"", 21_000, 2),
                TxRequest(signer, to, b"", 21_000, 4)]
    receipts = chain.send_transactions(requests)
    assert [r.status for r in receipts] == [1, 1, 1]
    assert chain.balance(to) - start == 1 + 2 + 4
    assert chain.next_nonce(signer) == nonce + 2                 # two from the same key, in order
    blocks = [r.block_number for r in receipts]
    if chain.target == "anvil":
        assert blocks == [height + 1] * 3                       # one block for all
    else:
        assert blocks == [height + 1, height + 2, height + 3]   # eth-tester: one block each


def _derived(index):
    derived = derive_account(index, TEST_MNEMONIC)
    return derived.index, derived.address, derived.private_key


def test_nonces_fees_and_keys(isolated):
    chain = isolated
    who = chain.account("generator2")
    nonce = chain.next_nonce(who)
    chain.send_transaction(who, chain.account("user5").address, b"", 21_000, value=1)
    assert chain.next_nonce(who) == nonce + 1
    assert chain.holds_key(who)      # tester and anvil both sign for the named accounts
    fees = chain.fee_fields()
    assert set(fees) == {"maxFeePerGas", "maxPriorityFeePerGas"} and fees["maxFeePerGas"] >= fees[
        "maxPriorityFeePerGas"] > 0
    chain.forget_nonces()
    assert chain.next_nonce(who) == nonce + 1


def test_interval_mining_where_the_node_offers_it(chain):
    if chain.target == "tester":
        with pytest.raises(GridError) as caught:
            chain.set_interval_mining(1)
        assert caught.value.kind == "unsupported" and "anvil" in caught.value.message
        return
    start = chain.block_number
    chain.set_interval_mining(1)
    try:
        deadline = time.monotonic() + 10
        while chain.block_number < start + 2 and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        chain.set_interval_mining(0)
    assert chain.block_number >= start + 2


def test_the_account_limit_is_a_sentence():
    with pytest.raises(GridError, match=f"from 1 to {MAX_ACCOUNTS}"):
        connect("tester", accounts=MAX_ACCOUNTS + 1)


def test_a_closed_chain_says_so_for_every_control():
    chain = connect("tester")
    chain.close()
    for use in (lambda: chain.block_number, lambda: chain.rpc("eth_chainId"), lambda: chain.travel(1),
                lambda: chain.mine(1), chain.snapshot, chain.fee_fields):
        with pytest.raises(GridError, match="closed"):
            use()
