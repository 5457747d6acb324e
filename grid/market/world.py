"""A market ready to trade: a PowerGridV2 registry with prosumers and their meters, and a market on it."""
from __future__ import annotations

from ..chain import Chain
from ..powergridv2 import PowerGridV2Client
from .client import GATE_CLOSURE_SECONDS, SLOT_SECONDS, MarketClient

SELLERS = ("generator1", "generator2", "user5", "user6")
BUYERS = ("consumer1", "consumer2", "user7", "user8")


def prosumer_market(chain: Chain, sellers: tuple[str, ...] = SELLERS, buyers: tuple[str, ...] = BUYERS, *,
                    slot_seconds: int = SLOT_SECONDS,
                    gate_closure_seconds: int = GATE_CLOSURE_SECONDS) -> MarketClient:
    """Deploy PowerGridV2, register `sellers` as generators and `buyers` as consumers, bind their
    meters, and deploy an EnergyMarket on it (as admin)."""
    registry = PowerGridV2Client.deploy(chain)
    for user in dict.fromkeys(sellers + buyers):
        registry.register_user(user, user, "Sundsvall", can_generate=user in sellers,
                               can_consume=user in buyers)
        registry.provision_meter(user)
    market = MarketClient.deploy(chain, registry.address, slot_seconds, gate_closure_seconds)
    market.registry_client = registry   # holds the prosumers' off-chain records
    return market
