"""What the market costs in gas: per order, per clearing against orders per slot, per reading, per settlement.

The books measured are the worst case for a given size: every bid above
every ask, sizes that split every fill (n orders give n - 1 fills), and
bids placed cheapest first and asks dearest first, the order that costs the
contract's insertion sort the most.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tqdm.auto import tqdm

from ..chain import Chain
from ..powergrid import PowerGridClient
from .world import BUYERS, SELLERS, prosumer_market

ORDER_COUNTS = (2, 4, 8, 16, 32, 64)


@dataclass(frozen=True)
class MarketGas:
    """The gas of one slot's life with `orders` orders."""

    orders: int
    bid: int              # the last bid placed (a bid also moves the escrow)
    ask: int
    clear: int
    reading: int          # one meter reading, signature checked
    settle: int
    fills: int
    volume_wh: int

    def per_kwh(self) -> float:
        """Gas of the whole slot (orders, clearing, a reading per seller, settlement) per kWh traded."""
        sellers = min(self.orders // 2, len(SELLERS))
        total = (self.orders // 2) * (self.bid + self.ask) + self.clear + sellers * self.reading + self.settle
        return total / (self.volume_wh / 1000)


def measure_market_gas(chain: Chain, order_counts: Iterable[int] = ORDER_COUNTS, *,
                       progress: bool = True) -> list[MarketGas]:
    """Measure each size on `chain` (it needs 12 accounts), each on a slot of its own."""
    market = prosumer_market(chain)
    rows = []
    for n in tqdm(list(order_counts), desc="market gas", disable=not progress):
        slot, half = market.next_open_slot(), max(n // 2, 1)
        for k in range(half):
            market.place_bid(slot, 1_000 + k, 500 + k, sender=BUYERS[k % len(BUYERS)])
            bid = market.log.transactions[-1].gas_used
        for k in range(half):
            market.place_ask(slot, 1_000 + 2 * k, 400 - k, sender=SELLERS[k % len(SELLERS)])
            ask = market.log.transactions[-1].gas_used
        market.travel_past_gate(slot)
        clear = market.clear(slot).gas_used
        market.travel_to_slot_end(slot)
        readings = [market.report(s, slot, exported_wh=10**6, imported_wh=0).gas_used
                    for s in SELLERS[:min(half, len(SELLERS))]]
        market.travel_to_settlement(slot)
        settle = market.settle(slot).gas_used
        result = market.result(slot)
        rows.append(MarketGas(2 * half, bid, ask, clear, max(readings), settle, len(result.fills),
                              result.volume))
    return rows


def seed_transfer_gas(chain: Chain) -> int:
    """The gas of the seed contract's Transfer (generator1 sells 100 to consumer1): the floor to compare."""
    seed = PowerGridClient.deploy(chain)
    seed.register_user("generator1", "G", "Sundsvall", can_generate=True, can_consume=False)
    seed.register_user("consumer1", "C", "Sundsvall", can_generate=False, can_consume=True)
    seed.generate_power(100, sender="generator1")
    return seed.sell_power("consumer1", 100, sender="generator1").gas_used


def gas_table(rows: list[MarketGas], transfer: int, gwei: float = 1.0) -> str:
    """The measurements as text: gas, ratios to the seed's Transfer, and the cost per kWh at `gwei`."""
    lines = [f"Market gas (worst-case books; the seed's Transfer = {transfer:,} gas; "
             f"ETH at {gwei:g} gwei/gas):",
             "  orders      bid      ask      clear  reading     settle  fills  gas/kWh  ETH/kWh"]
    for r in rows:
        cost = r.per_kwh() * gwei * 1e-9
        lines.append(f"  {r.orders:>6}  {r.bid:>7,}  {r.ask:>7,}  {r.clear:>9,}  {r.reading:>7,}  "
                     f"{r.settle:>9,}  {r.fills:>5}  {r.per_kwh():>7,.0f}  {cost:.3g}")
    last = rows[-1]
    lines.append(f"  vs Transfer: a bid {last.bid / transfer:.2f}x, an ask {last.ask / transfer:.2f}x, "
                 f"a reading {last.reading / transfer:.2f}x; clearing {last.orders} orders "
                 f"{last.clear / transfer:.0f}x")
    return "\n".join(lines)


def market_gas_figure(rows: list[MarketGas], transfer: int):
    """Gas against orders per slot: clearing, settlement, one order, one reading, the seed's Transfer."""
    from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib loads only when a chart is drawn

    fig = Figure(figsize=(8, 5), layout="constrained")
    ax = fig.add_subplot()
    orders = [r.orders for r in rows]
    ax.plot(orders, [r.clear for r in rows], "-o", label="clear (the auction)")
    ax.plot(orders, [r.settle for r in rows], "-o", label="settle (pay by delivery)")
    ax.plot(orders, [r.bid for r in rows], "--", label="one bid (with escrow)")
    ax.plot(orders, [r.reading for r in rows], "--", label="one signed meter reading")
    ax.axhline(transfer, color="grey", linestyle=":", label=f"the seed's Transfer ({transfer:,} gas)")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_title("EnergyMarket: gas per step against orders in the slot (worst-case books)")
    ax.set_xlabel("orders in the slot (count)")
    ax.set_ylabel("gas used (gas)")
    ax.legend()
    return fig
