"""The per-slot order limit keeps a worst-case clearing and settlement far inside one block."""
from __future__ import annotations

import pytest

from grid.chain import connect
from grid.errors import GridError
from grid.market.gas import measure_market_gas
from grid.market.world import BUYERS

BLOCK_GAS_LIMIT = 30_000_000     # anvil's and eth-tester's default


@pytest.mark.anvil
def test_a_full_slot_clears_and_settles_within_a_quarter_of_a_block():
    with connect("anvil", accounts=12) as chain:
        small, full = measure_market_gas(chain, (2, 64), progress=False)
    assert full.orders == 64 and full.fills == 63          # every order filled: the worst case
    assert full.clear < BLOCK_GAS_LIMIT / 4 and full.settle < BLOCK_GAS_LIMIT / 4
    assert full.clear > small.clear and full.settle > small.settle


def test_the_order_past_the_limit_is_refused_in_one_sentence(market):
    limit = market.call("MAX_ORDERS_PER_SLOT")
    slot = market.next_open_slot()
    for k in range(limit):
        market.place_bid(slot, 1, 1, sender=BUYERS[k % len(BUYERS)])
    with pytest.raises(GridError, match=f"already has {limit} orders"):
        market.place_bid(slot, 1, 1, sender="consumer1")
    market.place_bid(slot + 1, 1, 1, sender="consumer1")    # the next slot still takes orders
