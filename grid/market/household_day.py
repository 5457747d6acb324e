"""One household's day as the chain recorded it: per slot, its meter reading, its trades and payments,
and the dispatch instructions it received.

    from grid.market.household_day import household_day
    for row in household_day(market, "house03", registry):
        row.slot, row.exported_wh, row.bought_wh, row.dispatches

Everything is read from events and the registry's dispatch history, so any
client can rebuild it, not only the one that sent the transactions.
"""
from __future__ import annotations

from dataclasses import dataclass

from eth_utils import to_checksum_address

from ..powergridv2 import PowerGridV2Client
from .client import MarketClient, _is_address

DAY_EVENTS = ("OrderPlaced", "ReadingSubmitted", "Cleared", "Matched", "Paid")


@dataclass(frozen=True)
class HouseholdSlot:
    """One market slot of one household: energies in Wh, money in wei."""

    slot: int
    start: int                       # block time the slot begins, seconds since 1970
    exported_wh: int | None          # its meter's reading (None: no reading for this slot)
    imported_wh: int | None
    bought_wh: int                   # matched at clearing
    sold_wh: int
    price_wei_per_wh: int            # the slot's clearing price (0: no trade in the slot)
    paid_wei: int                    # paid to sellers at settlement
    earned_wei: int                  # received from buyers at settlement
    dispatches: tuple[str, ...]      # instructions that apply from this slot on


def household_day(market: MarketClient, user: str, registry: PowerGridV2Client | None = None,
                  first_block: int = 0) -> list[HouseholdSlot]:
    """Every slot in which `user` traded, reported or was dispatched, oldest first."""
    address = to_checksum_address(user) if _is_address(user) else market.chain.account(user).address
    # One query for the lot: eth_getLogs costs a walk over the blocks, a filter in Python does not.
    events = market.events(DAY_EVENTS, first_block)
    mine = [e for e in events if e.name == "OrderPlaced" and e.args["owner"] == address]
    orders = {e.args["orderId"]: e.args["isBid"] for e in mine}
    readings = {e.args["slot"]: (e.args["exportedWh"], e.args["importedWh"])
                for e in events if e.name == "ReadingSubmitted" and e.args["user"] == address}
    dispatched: dict[int, list[str]] = {}
    if registry is not None:
        for record in registry.dispatches(address):
            dispatched.setdefault(_first_slot_after(market, record.timestamp), []).append(record.instruction)
    slots = sorted({e.args["slot"] for e in mine} | set(readings) | set(dispatched))
    prices: dict[int, int] = {}
    bought: dict[int, int] = {}
    sold: dict[int, int] = {}
    paid: dict[int, int] = {}
    earned: dict[int, int] = {}
    for e in events:
        a = e.args
        if e.name == "Cleared":
            prices[a["slot"]] = a["priceWeiPerWh"]
        elif e.name == "Matched":
            if orders.get(a["bidId"]) is True:
                _add(bought, a["slot"], a["wh"])
            if orders.get(a["askId"]) is False:
                _add(sold, a["slot"], a["wh"])
        elif e.name == "Paid":
            if a["buyer"] == address:
                _add(paid, a["slot"], a["amountWei"])
            if a["seller"] == address:
                _add(earned, a["slot"], a["amountWei"])
    return [HouseholdSlot(s, market.slot_start(s), *readings.get(s, (None, None)), bought.get(s, 0),
                          sold.get(s, 0), prices.get(s, 0), paid.get(s, 0), earned.get(s, 0),
                          tuple(dispatched.get(s, ()))) for s in slots]


def _first_slot_after(market: MarketClient, timestamp: int) -> int:
    """The first slot still open for orders at `timestamp`: where an instruction sent then takes effect."""
    slot = market.slot_of(timestamp)
    while market.gate_closure(slot) <= timestamp:
        slot += 1
    return slot


def _add(totals: dict[int, int], slot: int, amount: int) -> None:
    totals[slot] = totals.get(slot, 0) + amount
