"""BlockExplorer driven through its Python API, on eth-tester and anvil.

The explorer only reads, so its bad inputs are block numbers; expected values
come from what the test sent (receipts in the client's log, the arguments).
"""
from __future__ import annotations

import pytest

from grid.chain import connect
from grid.errors import GridError
from grid.powergrid import PowerGridClient
from grid.widgets import BlockExplorer


def classes(widget) -> set[str]:
    return set(widget._dom_classes)


def test_shows_recent_blocks_and_the_latest_block_s_transactions(client, chain):
    sale = client.sell_power("consumer1", 25, sender="generator1")
    explorer = BlockExplorer(client, count=4)
    try:
        assert explorer.latest_block == sale.block_number == chain.block_number
        newest_first = list(range(sale.block_number, sale.block_number - 4, -1))
        assert [b.number for b in explorer.blocks] == newest_first
        assert explorer.selected_block == sale.block_number
        [tx] = explorer.transactions
        assert tx.hash == sale.tx_hash and tx.function == "Transfer"
        assert tx.arguments == {"address _to": chain.account("consumer1").address, "uint256 _value": 25}
        assert "Transfer(_to=consumer1, _value=25)" in explorer.transactions_html.value
        selected = f"gc-explorer-block-{sale.block_number} gc-explorer-block-selected"
        assert selected in explorer.blocks_html.value
        assert explorer.block_select.value == sale.block_number
        assert explorer.message.text == ""
        text = explorer.summary()
        assert f"latest block {sale.block_number}" in text
        assert "generator1 -> PowerGeneration: Transfer(_to=consumer1, _value=25)" in text
    finally:
        explorer.stop()


def test_picking_a_block_shows_its_decoded_transactions(client, chain):
    dispatch = client.send_dispatch("consumer2", "reduce load")
    client.generate_power(10, sender="generator2")
    explorer = BlockExplorer(client)
    try:
        explorer.block_select.value = dispatch.block_number          # a click in the list
        assert explorer.selected_block == dispatch.block_number
        [tx] = explorer.transactions
        assert tx.hash == dispatch.tx_hash and tx.sender_name == "admin"
        to = chain.account("consumer2").address
        assert tx.arguments == {"address addr": to, "string _info": "reduce load"}
        shown = "PowerDispatch(addr=consumer2, _info=&#x27;reduce load&#x27;)"
        assert shown in explorer.transactions_html.value
        assert explorer.message.kind == "ok" and f"Block {dispatch.block_number}" in explorer.message.text
        explorer.block_input.value = " 0 "                             # genesis, typed
        explorer.show_button.click()
        assert explorer.selected_block == 0 and explorer.transactions == []
        assert "Block 0: 0 transaction(s)" in explorer.summary()
    finally:
        explorer.stop()


def test_refreshes_on_the_client_s_transactions_and_on_new_blocks(client, chain):
    explorer = BlockExplorer(client, count=3)
    try:
        sale = client.sell_power("consumer1", 3, sender="generator1")     # TxLog.subscribe
        assert explorer.latest_block == sale.block_number and explorer.transactions[0].hash == sale.tx_hash
        other = PowerGridClient(chain, client.address)                    # another page, another log
        consume = other.consume_power(2, sender="consumer1")
        assert explorer.latest_block == sale.block_number                 # not seen yet
        assert explorer.watcher.poll() is True                            # BlockWatcher
        assert explorer.latest_block == consume.block_number
        assert explorer.transactions[0].hash == consume.tx_hash
        assert explorer.transactions[0].arguments == {"uint256 _value": 2}
        assert explorer.watcher.poll() is False                           # nothing new
        chain.mine(1)
        explorer.refresh_button.click()
        assert explorer.latest_block == consume.block_number + 1 and explorer.transactions == []
    finally:
        explorer.stop()


def test_an_older_pick_stays_when_new_blocks_arrive(client, chain):
    first = client.sell_power("consumer1", 1, sender="generator1")
    explorer = BlockExplorer(client)
    try:
        explorer.block_select.value = first.block_number - 1
        client.sell_power("consumer1", 1, sender="generator1")
        assert explorer.selected_block == first.block_number - 1
        assert explorer.latest_block == first.block_number + 1
    finally:
        explorer.stop()


@pytest.mark.parametrize("bad, words", [
    ("abc", "whole number"), ("", "whole number"), ("-5", "no block -5"), ("1.5", "whole number"),
    (str(2 ** 256), "no block 115792089237... (78 digits)"), ("0x10", "whole number"),
])
def test_bad_block_numbers_show_one_sentence_and_change_nothing(client, chain, bad, words):
    explorer = BlockExplorer(client)
    try:
        before = (explorer.selected_block, list(explorer.transactions), chain.block_number)
        nonce = chain.w3.eth.get_transaction_count(client.account.address)
        explorer.block_input.value = bad
        explorer.show_button.click()
        assert explorer.message.kind == "error" and words in explorer.message.text
        assert "\n" not in explorer.message.text and "Traceback" not in explorer.message.widget.value
        assert (explorer.selected_block, explorer.transactions, chain.block_number) == before
        assert chain.w3.eth.get_transaction_count(client.account.address) == nonce  # nothing sent
    finally:
        explorer.stop()


def test_a_block_beyond_the_latest_is_one_sentence(client, chain):
    explorer = BlockExplorer(client)
    try:
        latest = chain.block_number
        explorer.block_input.value = str(latest + 1)
        explorer.show_button.click()
        assert explorer.message.text == (f"There is no block {latest + 1} on this chain: choose a block "
                                          f"from 0 to {latest}")
        assert explorer.selected_block == latest
    finally:
        explorer.stop()


def test_css_classes_for_the_browser_test(client):
    explorer = BlockExplorer(client)
    try:
        assert "gc-explorer" in classes(explorer.widget)
        assert "gc-explorer-header" in classes(explorer.header)
        assert "gc-explorer-refresh-button" in classes(explorer.refresh_button)
        assert "gc-explorer-blocks" in classes(explorer.blocks_html)
        assert "gc-explorer-block-select" in classes(explorer.block_select)
        assert "gc-explorer-block-input" in classes(explorer.block_input)
        assert "gc-explorer-show-button" in classes(explorer.show_button)
        assert "gc-explorer-transactions" in classes(explorer.transactions_html)
        assert "gc-explorer-message" in classes(explorer.message.widget)
        assert 'class="gc-explorer-block-row' in explorer.blocks_html.value
    finally:
        explorer.stop()


def test_a_closed_tester_chain_is_one_sentence():
    with connect("tester") as chain:
        explorer = BlockExplorer(PowerGridClient.deploy(chain))
    explorer.refresh_button.click()
    assert explorer.message.kind == "error" and "This tester chain is closed" in explorer.message.text
    assert explorer.latest_block == 1                                   # the old view stays
    explorer.block_input.value = "0"
    explorer.show_button.click()
    assert "closed" in explorer.message.text and explorer.selected_block == 1
    explorer.stop()


@pytest.mark.anvil
def test_a_stopped_node_is_one_sentence_and_nothing_changes():
    with connect("anvil") as chain:
        client = PowerGridClient.deploy(chain)
        explorer = BlockExplorer(client)
        before = (explorer.latest_block, explorer.selected_block, list(explorer.transactions))
        chain.process.stop()
        for act in (explorer.refresh_button.click, explorer.watcher.poll,
                    lambda: (setattr(explorer.block_input, "value", "0"), explorer.show_button.click())):
            act()
            assert explorer.message.kind == "error"
            assert explorer.message.text.startswith("Cannot reach the Ethereum node at http://127.0.0.1:")
            assert (explorer.latest_block, explorer.selected_block, explorer.transactions) == before
        assert "message: Cannot reach the Ethereum node" in explorer.summary()
        explorer.stop()


def test_a_node_down_at_construction_still_builds_the_widget():
    with connect("tester") as chain:
        client = PowerGridClient.deploy(chain)
    explorer = BlockExplorer(client)   # the chain is closed already
    assert explorer.message.kind == "error" and explorer.blocks == [] and explorer.latest_block is None
    assert "Block explorer" in explorer.summary()
    explorer.stop()


def test_a_live_error_clears_when_the_chain_answers_again(client, chain):
    explorer = BlockExplorer(client)
    try:
        down = GridError("cannot reach the Ethereum node at x: is it running?", kind="node")
        explorer._show_live_error(down)
        assert explorer.message.kind == "error"
        chain.mine(1)
        assert explorer.watcher.poll() is True
        assert explorer.message.text == "" and explorer.latest_block == chain.block_number
        explorer.block_input.value = "abc"
        explorer.show_button.click()                       # a student's error stays put
        chain.mine(1)
        explorer.watcher.poll()
        assert "whole number" in explorer.message.text
    finally:
        explorer.stop()
