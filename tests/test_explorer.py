"""grid.explorer on eth-tester and anvil: blocks, transactions, decoded calls, readable errors.

Expected values come from what the test sent (the client's receipts in its log,
the arguments it passed) and from web3 directly, never from the explorer.
"""
from __future__ import annotations

import pytest
from eth_utils import keccak, to_checksum_address

from grid.chain import connect
from grid.chain_state import chain_state, compare_states, format_comparison
from grid.errors import GridError
from grid.explorer import (
    CREATION,
    TRANSFER,
    block_summary,
    block_transactions,
    chain_transactions,
    format_blocks,
    format_transactions,
    latest_block_number,
    recent_blocks,
    transaction,
    transactions_to,
    transactions_to_by_block,
)
from grid.powergrid import PowerGridClient


def test_recent_blocks_are_newest_first_and_match_web3(client, chain):
    entry = client.sell_power("consumer1", 40, sender="generator1")
    blocks = recent_blocks(chain, 3)
    assert [b.number for b in blocks] == [entry.block_number, entry.block_number - 1, entry.block_number - 2]
    raw = chain.w3.eth.get_block(entry.block_number)
    top = blocks[0]
    assert top.hash == raw["hash"].to_0x_hex()
    assert top.parent_hash == blocks[1].hash
    assert top.timestamp == raw["timestamp"] and top.gas_used == raw["gasUsed"] == entry.gas_used
    assert top.transaction_count == 1 and top.gas_limit == raw["gasLimit"]
    assert block_summary(chain, str(entry.block_number)) == top   # digits typed in a box work too
    assert latest_block_number(chain) == chain.block_number


def test_a_short_chain_gives_every_block_down_to_genesis():
    with connect("tester") as fresh:
        fresh.mine(2)
        blocks = recent_blocks(fresh, 10)
        assert [b.number for b in blocks] == [2, 1, 0]
        assert blocks[-1].timestamp == 0x5DDF8F3E  # the thesis's genesis timestamp


def test_transactions_to_the_contract_are_decoded(client, chain):
    sale = client.sell_power("consumer2", 77, sender="generator2")
    dispatch = client.send_dispatch("generator1", "stop")
    [tx] = block_transactions(chain, sale.block_number, client=client)
    assert tx.hash == sale.tx_hash and tx.block_number == sale.block_number
    assert tx.sender == chain.account("generator2").address and tx.sender_name == "generator2"
    assert tx.to == client.address and tx.to_name == "PowerGeneration"
    assert tx.function == "Transfer"
    assert tx.arguments == {"address _to": chain.account("consumer2").address, "uint256 _value": 77}
    assert tx.status == "ok" and tx.gas_used == sale.gas_used and tx.input == sale.input
    assert tx.call_text() == "Transfer(_to=consumer2, _value=77)"
    [tx] = block_transactions(chain, dispatch.block_number, client=client)
    assert tx.function == "PowerDispatch" and tx.sender_name == "admin"
    assert tx.arguments == {"address addr": chain.account("generator1").address, "string _info": "stop"}
    assert transaction(chain, dispatch.tx_hash, client) == tx


def test_without_a_client_calls_show_their_selector(client, chain):
    sale = client.sell_power("consumer1", 5, sender="generator1")
    [tx] = block_transactions(chain, sale.block_number)
    assert tx.function == sale.input[:10] and tx.arguments == {}
    assert tx.to_name is None


def test_contract_creation_is_recognised(chain):
    snap = chain.snapshot()
    try:
        other = PowerGridClient.deploy(chain, deployer="user5")
        created = other.log.transactions[-1]
        [tx] = block_transactions(chain, created.block_number, client=other)
        receipt = chain.w3.eth.get_transaction_receipt(created.tx_hash)
        assert tx.is_creation and tx.function == CREATION and tx.to is None
        assert tx.contract_address == to_checksum_address(receipt["contractAddress"]) == other.address
        assert tx.sender_name == "user5" and tx.hash == created.tx_hash
        assert other.address in tx.call_text()
    finally:
        chain.revert(snap)


def test_ether_transfers_and_unknown_accounts(client, chain):
    stranger = "0x000000000000000000000000000000000000bEEF"
    receipt = chain.send_transaction(chain.account("user5"), stranger, b"", 21_000, value=123)
    [tx] = block_transactions(chain, receipt.block_number, client=client)
    assert tx.function == TRANSFER and tx.value == 123 and tx.to == stranger and tx.to_name is None
    assert tx.hash == receipt.tx_hash and tx.sender_name == "user5"
    assert "(ether transfer)" in format_transactions([tx])


def test_a_reverted_transaction_shows_as_reverted(client, chain):
    unchecked = PowerGridClient(chain, client.address, preflight=False)
    with pytest.raises(GridError):  # consumer1 has bought nothing yet: the contract reverts
        unchecked.consume_power(10 ** 6, sender="consumer1")
    mined = unchecked.log.transactions[-1]
    assert mined.status == "reverted"
    [tx] = block_transactions(chain, mined.block_number, client=client)
    assert tx.status == "reverted" and tx.function == "PowerConsume"
    assert tx.arguments == {"uint256 _value": 10 ** 6}


def test_transactions_to_counts_a_block_range(client, chain):
    start = chain.block_number
    sent = [client.sell_power("consumer1", n, sender="generator1") for n in (1, 2, 3)]
    chain.send_transaction(chain.account("user5"), chain.account("user6").address, b"", 21_000, value=1)
    found = transactions_to(chain, client.address, start + 1, chain.block_number)
    assert [t.hash for t in found] == [e.tx_hash for e in sent]


def test_transactions_to_by_block_yields_every_block_and_filters_a_function(client, chain):
    start = chain.block_number
    sale = client.sell_power("consumer1", 4, sender="generator1")
    chain.mine(1)                                                          # an empty block
    dispatch = client.send_dispatch("consumer1", "stop")
    blocks = list(transactions_to_by_block(chain, client.address, start + 1, chain.block_number,
                                           client=client))
    raw = [chain.w3.eth.get_block(n) for n in range(start + 1, chain.block_number + 1)]
    assert [b.number for b, _ in blocks] == [start + 1, start + 2, start + 3]
    assert [b.hash for b, _ in blocks] == [r["hash"].to_0x_hex() for r in raw]
    assert [[t.hash for t in txs] for _, txs in blocks] == [[sale.tx_hash], [], [dispatch.tx_hash]]
    buyer = chain.account("consumer1").address
    assert blocks[0][1][0].arguments == {"address _to": buyer, "uint256 _value": 4}
    only = transactions_to(chain, client.address, start + 1, chain.block_number, client=client,
                           function="PowerDispatch")
    assert [(t.hash, t.function, t.status) for t in only] == [(dispatch.tx_hash, "PowerDispatch", "ok")]
    for function, kwargs, words in (("NoSuch", {"client": client}, "not a function"),
                                    ("Transfer", {}, "pass the contract's client")):
        with pytest.raises(GridError) as caught:
            transactions_to(chain, client.address, start, start, function=function, **kwargs)
        assert caught.value.kind == "input" and words in caught.value.message


@pytest.mark.parametrize("bad, words", [
    ("abc", "whole number"), ("", "whole number"), (-1, "no block -1"), ("1.5", "whole number"),
    (2 ** 256, "no block 115792089237..."), ("9" * 5000, "5000 digits"), (True, "whole number"),
])
def test_bad_block_numbers_are_one_sentence(chain, bad, words):
    with pytest.raises(GridError) as info:
        block_transactions(chain, bad)
    assert info.value.kind == "input" and words in info.value.message and "\n" not in info.value.message


def test_beyond_the_latest_block_is_one_sentence(chain):
    latest = chain.block_number
    with pytest.raises(GridError, match=f"no block {latest + 1} on this chain: choose a block from 0 to "
                                        f"{latest}"):
        block_summary(chain, latest + 1)


def test_bad_counts_and_hashes(chain):
    with pytest.raises(GridError, match="count must be"):
        recent_blocks(chain, 0)
    with pytest.raises(GridError, match="64 hex digits"):
        transaction(chain, "0x1234")
    with pytest.raises(GridError, match="no transaction 0x1111"):
        transaction(chain, "0x" + "11" * 32)


def test_text_views(client, chain):
    sale = client.sell_power("consumer1", 9, sender="generator1")
    text = format_blocks(recent_blocks(chain, 2))
    assert str(sale.block_number) in text and "gas used" in text
    assert "generator1 -> PowerGeneration: Transfer(_to=consumer1, _value=9)" in \
        format_transactions(block_transactions(chain, sale.block_number, client))
    assert format_transactions([]) == "(no transactions in this block)"


def test_a_closed_chain_is_a_node_error():
    chain = connect("tester")
    chain.close()
    with pytest.raises(GridError) as info:
        recent_blocks(chain)
    assert info.value.kind == "node"


@pytest.mark.anvil
def test_a_stopped_node_is_a_node_error():
    with connect("anvil") as node:
        node.mine(1)
        node.process.stop()
        for read in (lambda: recent_blocks(node), lambda: block_transactions(node, 1),
                     lambda: transaction(node, "0x" + "11" * 32), lambda: latest_block_number(node)):
            with pytest.raises(GridError) as info:
                read()
            assert info.value.kind == "node" and "cannot reach the Ethereum node" in info.value.message


def test_chain_transactions_lists_every_transaction_oldest_first(client, chain):
    sale = client.sell_power("consumer1", 4, sender="generator1")
    every = chain_transactions(chain, client=client)
    assert [t.block_number for t in every] == sorted(t.block_number for t in every)
    assert every[-1].hash == sale.tx_hash
    assert every[0].is_creation and every[0].contract_address == client.address
    row = every[-1].as_row()
    assert row == {"block": sale.block_number, "hash": every[-1].hash[:6] + "…" + every[-1].hash[-4:],
                   "from": "generator1", "to": "PowerGeneration", "call": "Transfer(_to=consumer1, _value=4)",
                   "status": "ok", "gas used": sale.gas_used}
    assert [t.hash for t in chain_transactions(chain, sale.block_number, sale.block_number)] == [sale.tx_hash]


def test_chain_state_and_comparison(client, chain):
    before = chain_state(chain, client)
    assert before.block_number == chain.block_number and before.chain_id == 666
    assert before.code_hash == "0x" + keccak(bytes(chain.w3.eth.get_code(client.address))).hex()
    assert before.balances["admin"] == chain.w3.eth.get_balance(chain.account("admin").address)
    assert before.nonces["admin"] == chain.w3.eth.get_transaction_count(chain.account("admin").address)
    assert set(before.users) == {"generator1", "generator2", "consumer1", "consumer2"}
    same = compare_states(before, chain_state(chain, client))
    assert all(row.same for row in same)
    client.sell_power("consumer1", 6, sender="generator1")
    changed = {row.what: row for row in compare_states(before, chain_state(chain, client))}
    assert not changed["block number"].same and not changed["latest block hash"].same
    assert not changed["generator1: nonce"].same and not changed["consumer1: contract record"].same
    assert changed["chainId"].same
    assert changed[f"code hash at {client.address[:6]}…{client.address[-4:]}"].same
    assert changed["consumer2: contract record"].same
    text = format_comparison(list(changed.values()))
    assert "✘" in text and "✔" in text


@pytest.mark.anvil
def test_a_restart_from_the_state_file_loses_nothing(tmp_path):
    state = tmp_path / "chain.json"
    with connect("anvil", state_file=state) as node:
        first = PowerGridClient.deploy(node)
        first.register_user("generator1", "G", "Sundsvall", can_generate=True, can_consume=False)
        before = chain_state(node, first)
    with connect("anvil", state_file=state) as node:
        after = chain_state(node, PowerGridClient(node, first.address))
        assert all(row.same for row in compare_states(before, after))
        assert [t.function for t in chain_transactions(node)] == [CREATION, "0x" + "241309ff"]
    with connect("anvil") as empty:
        PowerGridClient.deploy(empty)  # same address, empty storage
        after = chain_state(empty, PowerGridClient(empty, first.address))
        rows = {r.what: r for r in compare_states(before, after)}
        assert not rows["generator1: contract record"].same and not rows["block number"].same
