"""What the market shows: a slot's order book and its result, as dataclasses read from the chain."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class BookOrder:
    """One order, as `getOrder` returns it."""

    order_id: int
    owner: str
    slot: int
    is_bid: bool
    cancelled: bool
    wh: int
    price: int               # wei per Wh: a bid's maximum, an ask's minimum

    @property
    def side(self) -> str:
        """"bid" or "ask"."""
        return "bid" if self.is_bid else "ask"


@dataclass(frozen=True)
class OrderBook:
    """A slot's live orders in the auction's order: bids highest first, asks lowest first, ties by id."""

    slot: int
    bids: tuple[BookOrder, ...]
    asks: tuple[BookOrder, ...]

    @classmethod
    def of(cls, slot: int, orders: list[BookOrder]) -> OrderBook:
        """Sort the live orders of `slot` as the contract's clearing does."""
        live = [o for o in orders if not o.cancelled]
        return cls(slot, tuple(sorted((o for o in live if o.is_bid), key=lambda o: (-o.price, o.order_id))),
                   tuple(sorted((o for o in live if not o.is_bid), key=lambda o: (o.price, o.order_id))))

    def demand_curve(self) -> list[tuple[int, int]]:
        """(cumulative Wh, price) steps of the demand curve: what buyers take at each price."""
        return _steps(self.bids)

    def supply_curve(self) -> list[tuple[int, int]]:
        """(cumulative Wh, price) steps of the supply curve: what sellers offer at each price."""
        return _steps(self.asks)


def _steps(orders: tuple[BookOrder, ...]) -> list[tuple[int, int]]:
    total, out = 0, []
    for order in orders:
        total += order.wh
        out.append((total, order.price))
    return out


@dataclass(frozen=True)
class Fill:
    """One match of the clearing: `wh` of bid `bid_id` against ask `ask_id`."""

    bid_id: int
    ask_id: int
    wh: int


@dataclass(frozen=True)
class SlotResult:
    """What happened in a slot: the clearing, and after settlement who delivered and who paid whom."""

    slot: int
    cleared: bool
    settled: bool
    price: int                                   # wei per Wh (0 before clearing or without a trade)
    volume: int                                  # Wh matched
    fills: tuple[Fill, ...] = ()
    deliveries: tuple[tuple[str, int, int], ...] = ()   # (seller, matched Wh, delivered Wh)
    payments: tuple[tuple[str, str, int], ...] = ()     # (buyer, seller, wei paid)
    readings: dict[str, tuple[int, int]] = field(default_factory=dict)   # user -> (exported, imported) Wh


def settlement_from_events(events) -> tuple[tuple, tuple, dict[str, tuple[int, int]]]:
    """(deliveries, payments, readings) of a slot, from its Delivered, Paid and ReadingSubmitted events."""
    deliveries, payments, readings = [], [], {}
    for event in events:
        a = event.args
        if event.name == "Delivered":
            deliveries.append((a["seller"], a["matchedWh"], a["deliveredWh"]))
        elif event.name == "Paid":
            payments.append((a["buyer"], a["seller"], a["amountWei"]))
        elif event.name == "ReadingSubmitted":
            readings[a["user"]] = (a["exportedWh"], a["importedWh"])
    return tuple(deliveries), tuple(payments), readings
