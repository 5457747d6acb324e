"""The double auction on chain against an independent Python implementation (tests/market/market_model.py).

Fixed books on eth-tester and anvil; random books (Hypothesis) on anvil,
comparing the price, the volume, every fill in order, and every refund.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from market_model import ModelOrder, clear

from grid.chain import connect
from grid.market.world import BUYERS, SELLERS, prosumer_market


def place(market, slot, book):
    """Place `book` [(side, owner, Wh, price)]; return the model's orders with the ids the chain gave."""
    orders = []
    for side, owner, wh, price in book:
        if side == "bid":
            order_id = market.place_bid(slot, wh, price, sender=owner)
        else:
            order_id = market.place_ask(slot, wh, price, sender=owner)
        orders.append(ModelOrder(order_id, market.chain.account(owner).address, side == "bid", wh, price))
    return orders


def assert_cleared_like_the_model(market, slot, orders):
    market.travel_past_gate(slot)
    market.clear(slot)
    want = clear(orders)
    got = market.result(slot)
    assert (got.price, got.volume) == (want.price, want.volume)
    assert [(f.bid_id, f.ask_id, f.wh) for f in got.fills] == want.fills
    for owner, refund in want.refunds.items():
        assert market.credit(owner) == refund
    return want


BOOKS = {
    "the lesson's book": [("ask", "generator1", 2_000, 150), ("ask", "generator2", 1_000, 120),
                          ("bid", "consumer1", 1_500, 200), ("bid", "consumer2", 1_000, 140)],
    "no overlap": [("ask", "generator1", 500, 300), ("bid", "consumer1", 500, 299)],
    "ties go to the lower id": [("ask", "generator1", 100, 50), ("ask", "generator2", 100, 50),
                                ("bid", "consumer1", 150, 80), ("bid", "consumer2", 150, 80)],
    "one bid eats three asks": [("ask", "generator1", 10, 1), ("ask", "generator2", 20, 2),
                                ("ask", "user5", 30, 3), ("bid", "consumer1", 1_000, 10)],
    "only bids": [("bid", "consumer1", 100, 10), ("bid", "consumer2", 100, 20)],
}


@pytest.mark.parametrize("name", list(BOOKS))
def test_fixed_books_clear_as_the_model_says(market, name):
    slot = market.next_open_slot()
    assert_cleared_like_the_model(market, slot, place(market, slot, BOOKS[name]))


def test_the_lessons_book_by_hand(market):
    # Bids 1,500 Wh at 200 and 1,000 at 140; asks 1,000 at 120 and 2,000 at 150. consumer1
    # takes generator2's 1,000, then 500 of generator1's; 140 < 150 stops the walk.
    slot = market.next_open_slot()
    place(market, slot, BOOKS["the lesson's book"])
    market.travel_past_gate(slot)
    market.clear(slot)
    result = market.result(slot)
    assert (result.price, result.volume) == ((200 + 150) // 2, 1_000 + 500)
    assert market.credit("consumer2") == 1_000 * 140                      # unmatched: all back
    assert market.credit("consumer1") == 1_500 * 200 - 1_500 * 175        # above the price: back


ORDER = st.tuples(st.sampled_from(["bid", "ask"]), st.integers(0, 3), st.integers(1, 5_000),
                  st.integers(1, 1_000))


@pytest.fixture(scope="module")
def anvil_market():
    with connect("anvil", accounts=12) as chain:
        yield prosumer_market(chain)


@pytest.mark.anvil
@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(book=st.lists(ORDER, min_size=1, max_size=16))
def test_random_books_clear_as_the_model_says(anvil_market, book):
    market = anvil_market
    snap = market.chain.snapshot()
    try:
        slot = market.next_open_slot()
        orders = place(market, slot, [(side, (BUYERS if side == "bid" else SELLERS)[who], wh, price)
                                      for side, who, wh, price in book])
        assert_cleared_like_the_model(market, slot, orders)
    finally:
        market.chain.revert(snap)
