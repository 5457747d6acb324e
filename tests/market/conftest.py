"""A PowerGridV2 registry with prosumers and meters, and an EnergyMarket on it, per chain."""
from __future__ import annotations

import pytest

from grid.chain import connect
from grid.market.world import prosumer_market

CHAINS = ["tester", pytest.param("anvil", marks=pytest.mark.anvil)]


@pytest.fixture(scope="module", params=CHAINS)
def market_world(request):
    with connect(request.param, accounts=12) as chain:
        yield chain, prosumer_market(chain)


@pytest.fixture
def market(market_world):
    chain, client = market_world
    snap = chain.snapshot()
    yield client
    chain.revert(snap)
