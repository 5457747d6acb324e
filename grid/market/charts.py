"""A slot's supply and demand curves from its order book, the clearing point marked (kWh, ETH/kWh).

Drawn on a bare matplotlib Figure (no pyplot state), so a widget can render it
to SVG from a timer thread, and a notebook can show it as it is.
"""
from __future__ import annotations

import io

from matplotlib.figure import Figure

from .book import OrderBook, SlotResult
from .units import WEI_PER_ETH, WH_PER_KWH


def _eth_per_kwh(wei_per_wh: int) -> float:
    return wei_per_wh * WH_PER_KWH / WEI_PER_ETH


def _steps(curve: list[tuple[int, int]]) -> tuple[list[float], list[float]]:
    xs, ys, before = [0.0], [], 0
    for total, price in curve:
        xs += [before / WH_PER_KWH, total / WH_PER_KWH]
        ys += [_eth_per_kwh(price)] * 2
        before = total
    return xs[1:], ys


def book_figure(book: OrderBook, result: SlotResult | None = None, *, title: str | None = None) -> Figure:
    """Demand (bids, highest first) and supply (asks, lowest first) as step curves; the clearing point."""
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    for curve, label, colour in ((book.demand_curve(), "demand (bids)", "tab:blue"),
                                 (book.supply_curve(), "supply (asks)", "tab:orange")):
        if curve:
            xs, ys = _steps(curve)
            ax.plot(xs, ys, drawstyle="default", color=colour, label=label, linewidth=2)
    if result is not None and result.cleared and result.volume:
        kwh, price = result.volume / WH_PER_KWH, _eth_per_kwh(result.price)
        ax.plot([kwh], [price], "o", color="black", markersize=9,
                label=f"clearing: {kwh:g} kWh at {price:.3g} ETH/kWh")
        ax.axhline(_eth_per_kwh(result.price), color="black", linestyle=":", linewidth=1)
    ax.set_title(title or f"Slot {book.slot}: the order book" + (" and its clearing" if result else ""))
    ax.set_xlabel("energy, cumulative (kWh)")
    ax.set_ylabel("price (ETH/kWh)")
    ax.legend()
    return fig


def figure_svg(fig: Figure) -> str:
    """`fig` as inline SVG text (what a page shows without fetching anything)."""
    out = io.StringIO()
    fig.savefig(out, format="svg")
    text = out.getvalue()
    return text[text.index("<svg"):]   # drop the XML prologue and DOCTYPE: inline HTML takes bare <svg>
