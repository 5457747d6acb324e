"""The market's rules in plain Python, written from the specification, not from the contract.

A uniform-price double auction: bids by price, highest first, asks lowest
first, ties to the lower order id; quantities matched while bid >= ask,
partial fills allowed; the price is (bid + ask) // 2 of the last pair that
traded. Settlement: a seller matched M Wh that exported E delivered
D = min(M, E) (0 without a reading); a buyer matched m Wh with it pays
floor(m * D / M) * price.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass


@dataclass(frozen=True)
class ModelOrder:
    order_id: int
    owner: str
    is_bid: bool
    wh: int
    price: int             # wei per Wh


@dataclass
class Clearing:
    price: int
    volume: int
    fills: list[tuple[int, int, int]]      # (bid id, ask id, Wh), in the order matched
    refunds: dict[str, int]                # wei credited back to buyers at clearing


def clear(orders: list[ModelOrder]) -> Clearing:
    """The double auction over the live orders of one slot."""
    bids = sorted((o for o in orders if o.is_bid), key=lambda o: (-o.price, o.order_id))
    asks = sorted((o for o in orders if not o.is_bid), key=lambda o: (o.price, o.order_id))
    left = {o.order_id: o.wh for o in orders}
    fills, price, i, j = [], 0, 0, 0
    while i < len(bids) and j < len(asks) and bids[i].price >= asks[j].price:
        bid, ask = bids[i], asks[j]
        wh = min(left[bid.order_id], left[ask.order_id])
        fills.append((bid.order_id, ask.order_id, wh))
        price = (bid.price + ask.price) // 2
        left[bid.order_id] -= wh
        left[ask.order_id] -= wh
        i += left[bid.order_id] == 0
        j += left[ask.order_id] == 0
    matched = defaultdict(int)
    for bid_id, _, wh in fills:
        matched[bid_id] += wh
    refunds: dict[str, int] = defaultdict(int)
    for bid in bids:
        refunds[bid.owner] += bid.wh * bid.price - matched[bid.order_id] * price
    return Clearing(price, sum(wh for *_, wh in fills), fills, dict(refunds))


def settle(orders: list[ModelOrder], clearing: Clearing, exported: dict[str, int]) -> dict[str, int]:
    """Wei credited by settlement, per address (sellers' pay and buyers' returned escrow)."""
    owner = {o.order_id: o.owner for o in orders}
    matched_by_seller: dict[str, int] = defaultdict(int)
    matched_by_pair: dict[tuple[str, str], int] = defaultdict(int)
    for bid_id, ask_id, wh in clearing.fills:
        matched_by_seller[owner[ask_id]] += wh
        matched_by_pair[(owner[bid_id], owner[ask_id])] += wh
    credits: dict[str, int] = defaultdict(int)
    for (buyer, seller), m in matched_by_pair.items():
        total = matched_by_seller[seller]
        delivered = min(total, exported.get(seller, 0))
        paid = (m * delivered // total) * clearing.price
        credits[seller] += paid
        credits[buyer] += m * clearing.price - paid
    return dict(credits)
