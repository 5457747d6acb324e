"""How a household trades a slot: forecast its net position, then one ask or one bid.

The forecast is deliberately simple, as a home energy manager's might be:
PV is the clear-sky output of its roof times the cloud index it saw in the
slot before (persistence), capped at the operator's curtailment limit; load
is the H0 profile scaled to its annual use (no noise: nobody forecasts a
kettle). A surplus of at least MIN_ORDER_WH becomes an ask at the
household's floor price; a deficit becomes a bid at its ceiling. Floors and
ceilings are seeded per household between the feed-in and retail tariffs,
so the clearing price rises when sellers are few and falls when they are many.
"""
from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from ..market.units import eth_per_kwh_to_wei_per_wh
from .households import Household

FEED_IN_ETH_PER_KWH = 0.00008      # what the utility pays for exported energy
RETAIL_ETH_PER_KWH = 0.0003        # what the utility charges for imported energy
MIN_ORDER_WH = 10                  # smaller positions are not worth an order's gas


@dataclass(frozen=True)
class Prices:
    """A household's limits: the least it sells for and the most it pays (wei per Wh)."""

    ask_floor: int
    bid_ceiling: int


@dataclass(frozen=True)
class Order:
    """One household's order for a slot: an ask (sell) or a bid (buy)."""

    household: str
    is_bid: bool
    wh: int
    price: int              # wei per Wh


# How a household turns its forecast position (kWh, + surplus / - deficit) into an order, or None.
Strategy = Callable[[Household, float, Prices], "Order | None"]


def household_prices(households: list[Household], rng: random.Random) -> dict[str, Prices]:
    """Seeded limits: floors from the feed-in tariff up to 50 % above it, ceilings from retail down 30 %."""
    return {h.name: Prices(eth_per_kwh_to_wei_per_wh(FEED_IN_ETH_PER_KWH * (1 + 0.5 * rng.random())),
                           eth_per_kwh_to_wei_per_wh(RETAIL_ETH_PER_KWH * (1 - 0.3 * rng.random())))
            for h in households}


def forecast_net_kwh(house: Household, clear_kwh_per_kwp: float, last_cloud_index: float, load_kwh: float,
                     pv_limit: float, slot_hours: float) -> float:
    """The household's expected surplus (positive) or deficit (negative) in the slot, in kWh."""
    pv = min(clear_kwh_per_kwp * last_cloud_index, pv_limit * slot_hours) * house.pv_kwp
    return pv - load_kwh


def order_for(house: Household, net_kwh: float, prices: Prices) -> Order | None:
    """The order for a forecast position, or None when it is too small to trade."""
    wh = round(abs(net_kwh) * 1000)
    if wh < MIN_ORDER_WH:
        return None
    if net_kwh > 0:
        return Order(house.name, False, wh, prices.ask_floor) if house.has_pv else None
    return Order(house.name, True, wh, prices.bid_ceiling)
