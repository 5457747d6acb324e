"""A PowerGridV2 registry with prosumers and meters, and an EnergyMarket on it, per chain."""
from __future__ import annotations

import pytest

from grid.chain import connect
from grid.market import MarketClient
from grid.powergridv2 import PowerGridV2Client

SELLERS = ("generator1", "generator2", "user5", "user6")
BUYERS = ("consumer1", "consumer2", "user7", "user8")
CHAINS = ["tester", pytest.param("anvil", marks=pytest.mark.anvil)]


def build_market(chain) -> MarketClient:
    registry = PowerGridV2Client.deploy(chain)
    for user in SELLERS + BUYERS:
        registry.register_user(user, user, "Sundsvall", can_generate=user in SELLERS,
                               can_consume=user in BUYERS)
        registry.provision_meter(user)
    return MarketClient.deploy(chain, registry.address)


@pytest.fixture(scope="module", params=CHAINS)
def market_world(request):
    with connect(request.param, accounts=12) as chain:
        yield chain, build_market(chain)


@pytest.fixture
def market(market_world):
    chain, client = market_world
    snap = chain.snapshot()
    yield client
    chain.revert(snap)
