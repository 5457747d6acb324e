"""Several transactions sent together: orders, readings and withdrawals share one block on anvil.

Expected escrows, payments and balances are the arithmetic written next to
each assertion (wh x price), not values the client computes.
"""
from __future__ import annotations

import pytest

from grid.contract import ContractCall
from grid.errors import GridError
from grid.market import NewOrder


def _blocks(market, entries):
    return {e.block_number for e in entries}


def test_orders_placed_together_are_all_in_the_book_with_their_escrow(market):
    chain = market.chain
    slot = market.next_open_slot()
    before = chain.balance(market.address)
    orders = [NewOrder("generator1", False, 1_000, 100), NewOrder("generator2", False, 500, 120),
              NewOrder("consumer1", True, 800, 300), NewOrder("consumer2", True, 300, 250)]
    ids = market.place_orders(slot, orders)
    assert len(set(ids)) == 4
    live = market.order_book(slot)
    book = {o.order_id: o for o in live.bids + live.asks}
    assert set(book) == set(ids)
    assert [(book[i].wh, book[i].price) for i in ids] == [(1_000, 100), (500, 120), (800, 300), (300, 250)]
    assert chain.balance(market.address) - before == 800 * 300 + 300 * 250
    placed = [e for e in list(market.log) if e.function in ("placeAsk", "placeBid")][-4:]
    if chain.target == "anvil":
        assert len(_blocks(market, placed)) == 1, "on anvil a batch shares one block"
    else:
        assert len(_blocks(market, placed)) == 4, "on eth-tester each transaction is its own block"


def test_one_bad_order_in_a_batch_sends_none_of_them(market):
    chain = market.chain
    slot = market.next_open_slot()
    height, balance = chain.block_number, chain.balance(market.address)
    with pytest.raises(GridError) as caught:
        market.place_orders(slot, [NewOrder("consumer1", True, 800, 300),
                                   NewOrder("consumer2", True, -5, 250)])
    assert "\n" not in str(caught.value)
    assert chain.block_number == height and chain.balance(market.address) == balance
    live = market.order_book(slot)
    assert live.bids == () and live.asks == ()


def test_readings_relayed_together_settle_the_trade(market):
    slot = market.next_open_slot()
    market.place_ask(slot, 1_000, 100, sender="generator1")
    market.place_bid(slot, 1_000, 300, sender="consumer1")
    market.travel_past_gate(slot)
    market.clear(slot)                                   # uniform price (100 + 300) // 2 = 200 wei/Wh
    market.travel_to_slot_end(slot)
    entries = market.report_many(slot, {"generator1": (600, 0), "consumer1": (0, 1_000)})
    assert [e.status for e in entries] == ["ok", "ok"]
    if market.chain.target == "anvil":
        assert len(_blocks(market, entries)) == 1
    market.travel_to_settlement(slot)
    market.settle(slot)
    assert market.credit("generator1") == 600 * 200      # paid for the 600 Wh its meter delivered


def test_a_revert_inside_a_batch_is_raised_and_the_others_stand(market):
    chain = market.chain
    slot = market.next_open_slot()
    bid = market.place_bid(slot, 1_000, 300, sender="consumer1")
    market.cancel(bid, sender="consumer1")               # its escrow becomes consumer1's credit
    credit = market.credit("consumer1")
    assert credit == 1_000 * 300
    held = chain.balance(market.address)
    # Both pass the checks (the credit is there before the batch); the second finds it spent.
    with pytest.raises(GridError) as caught:
        market.transact_many([ContractCall("withdraw", (), "consumer1")] * 2)
    assert "\n" not in str(caught.value)
    assert market.credit("consumer1") == 0
    assert held - chain.balance(market.address) == credit        # paid once, not twice
    withdrawals = [e for e in list(market.log) if e.function == "withdraw"][-2:]
    assert [e.status for e in withdrawals] == ["ok", "reverted"]
