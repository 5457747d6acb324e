"""The EnergyMarket client: time slots, orders with escrow, clearing, signed readings, settlement.

    market = MarketClient.deploy(chain, registry.address)          # 15-minute slots, 5-minute gate
    slot = market.next_open_slot()
    market.place_ask(slot, 2_000, 150_000_000_000, sender="generator1")   # 2 kWh at >= 0.00015 ETH/kWh
    market.place_bid(slot, 1_500, 200_000_000_000, sender="consumer1")    # escrows 1,500 x max price
    market.travel_past_gate(slot); market.clear(slot)
    market.travel_to_slot_end(slot)
    market.report("generator1", slot, exported_wh=1_500, imported_wh=0)  # signed by generator1-meter
    market.travel_to_settlement(slot); market.settle(slot)
    market.withdraw(sender="generator1")

Every refusal (gate closed, wrong escrow, not a consumer, a replayed
reading, a slot already cleared) is one sentence from grid/market/rules.py,
found by the node's gas estimate before anything is sent.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..accounts import NamedAccount
from ..chain import Chain
from ..compiler import Artifact, load_artifact
from ..contract import ContractCall, ContractClient
from ..errors import GridError
from ..powergridv2 import PowerGridV2Client
from ..powergridv2.meters import meter_account
from ..txlog import TxLogEntry
from .book import BookOrder, Fill, OrderBook, SlotResult, settlement_from_events
from .readings import MeterReading, sign_reading
from .rules import RULES

CONTRACT_NAME = "EnergyMarket"
SLOT_SECONDS = 900          # 15 minutes, the settlement period of European electricity markets
GATE_CLOSURE_SECONDS = 300  # orders close 5 minutes before the slot starts
MIN_LEAD_SECONDS = 60       # next_open_slot() leaves at least this long to place orders
Sender = str | NamedAccount | None


@dataclass(frozen=True)
class NewOrder:
    """An order for `MarketClient.place_orders`: a bid (buy) or an ask (sell) of `wh` at a price limit."""

    sender: str | NamedAccount
    is_bid: bool
    wh: int
    price_wei_per_wh: int


class MarketClient(ContractClient):
    """Drive a deployed EnergyMarket on any `Chain`."""

    rules = RULES
    registry_client: PowerGridV2Client | None = None   # the registry's client, when this toolkit deployed it

    def __init__(self, chain: Chain, address: str, *, artifact: Artifact | None = None,
                 **kwargs: Any) -> None:
        super().__init__(chain, artifact or load_artifact(CONTRACT_NAME), address, **kwargs)

    @classmethod
    def deploy(cls, chain: Chain, registry: str, slot_seconds: int = SLOT_SECONDS,  # type: ignore[override]
               gate_closure_seconds: int = GATE_CLOSURE_SECONDS, *, deployer: str | NamedAccount = "admin",
               artifact: Artifact | None = None, **kwargs: Any) -> MarketClient:
        """Deploy a market on the PowerGridV2 at `registry`."""
        return super().deploy(chain, artifact or load_artifact(CONTRACT_NAME), registry, slot_seconds,
                              gate_closure_seconds, sender=deployer, **kwargs)

    @classmethod
    def _from_deployment(cls, chain: Chain, artifact: Artifact, address: str, who: NamedAccount,
                         kwargs: dict) -> MarketClient:
        return cls(chain, address, artifact=artifact, account=who, **kwargs)

    # ------------------------------------------------------------ time
    @cached_property
    def slot_seconds(self) -> int:
        """How long one slot lasts, in seconds."""
        return self.call("slotSeconds")

    @cached_property
    def gate_closure_seconds(self) -> int:
        """How long before a slot starts its orders close, in seconds."""
        return self.call("gateClosureSeconds")

    def slot_of(self, timestamp: int) -> int:
        """The slot that contains `timestamp`."""
        return timestamp // self.slot_seconds

    def slot_start(self, slot: int) -> int:
        """When `slot` begins (seconds since 1970, block time)."""
        return slot * self.slot_seconds

    def gate_closure(self, slot: int) -> int:
        """When orders for `slot` stop being accepted."""
        return max(self.slot_start(slot) - self.gate_closure_seconds, 0)

    def next_open_slot(self, lead_seconds: int = MIN_LEAD_SECONDS) -> int:
        """The first slot that will still take orders `lead_seconds` from now (time to place a few)."""
        now = self.chain.timestamp() + lead_seconds
        slot = self.slot_of(now) + 1
        while self.gate_closure(slot) <= now:
            slot += 1
        return slot

    def travel_to(self, timestamp: int) -> int:
        """Mine a block at `timestamp` (if it is still ahead); return the latest block's time."""
        if timestamp > self.chain.timestamp():
            self.chain.set_next_block_timestamp(timestamp)
            self.chain.mine(1)
        return self.chain.timestamp()

    def travel_past_gate(self, slot: int) -> int:
        """Move the clock to `slot`'s gate closure: it can be cleared now."""
        return self.travel_to(self.gate_closure(slot))

    def travel_to_slot_end(self, slot: int) -> int:
        """Move the clock to the end of `slot`: its meters can report now."""
        return self.travel_to(self.slot_start(slot + 1))

    def travel_to_settlement(self, slot: int) -> int:
        """Move the clock to the moment `slot` may be settled (one slot after it ends)."""
        return self.travel_to(self.slot_start(slot + 2))

    # ------------------------------------------------------------ orders
    def place_ask(self, slot: int, wh: int, min_price_wei_per_wh: int, *, sender: Sender = None) -> int:
        """Generator: offer `wh` Wh in `slot` at `min_price` wei/Wh or more; the order's id."""
        return self._order_id(self.invoke("placeAsk", slot, wh, min_price_wei_per_wh, sender=sender))

    def place_bid(self, slot: int, wh: int, max_price_wei_per_wh: int, *, sender: Sender = None) -> int:
        """Consumer: bid for `wh` Wh in `slot` at `max_price` wei/Wh or less, escrowing wh x max price."""
        args = self.check_arguments(self.spec("placeBid"), (slot, wh, max_price_wei_per_wh))
        return self._order_id(self.invoke("placeBid", *args, sender=sender, value=self._escrow(*args[1:])))

    @staticmethod
    def _escrow(wh: int, max_price_wei_per_wh: int) -> int:
        escrow = wh * max_price_wei_per_wh
        if escrow >= 2**256:
            raise GridError(f"{wh:,} Wh at {max_price_wei_per_wh:,} wei/Wh is more money than the contract "
                            f"can count: bid for less", kind="input")
        return escrow

    def place_orders(self, slot: int, orders: list[NewOrder]) -> list[int]:
        """Many households' orders for `slot` at once (one block on anvil); their ids, in order."""
        calls = []
        for order in orders:
            function = "placeBid" if order.is_bid else "placeAsk"
            args = self.check_arguments(self.spec(function), (slot, order.wh, order.price_wei_per_wh))
            escrow = self._escrow(*args[1:]) if order.is_bid else 0
            calls.append(ContractCall(function, tuple(args), order.sender, escrow))
        return [self._order_id(entry) for entry in self.transact_many(calls)]

    def cancel(self, order_id: int, *, sender: Sender = None) -> TxLogEntry:
        """Withdraw an order before gate closure (a bid's escrow becomes a credit)."""
        return self.invoke("cancel", order_id, sender=sender)

    def clear(self, slot: int, *, sender: Sender = None) -> TxLogEntry:
        """Run the double auction of `slot` (anyone may, once, after gate closure)."""
        return self.invoke("clear", slot, sender=sender)

    # ------------------------------------------------------------ readings, settlement, payments
    def submit_reading(self, reading: MeterReading, signature: bytes, *, sender: Sender = None) -> TxLogEntry:
        """Relay a signed reading (anyone may)."""
        return self.invoke("submitReading", reading.user, reading.slot, reading.exported_wh,
                           reading.imported_wh, signature, sender=sender)

    def sign(self, reading: MeterReading, meter: str | NamedAccount) -> bytes:
        """`meter`'s EIP-712 signature of `reading`, for this chain and this market."""
        return sign_reading(reading, self.chain.account(meter), self.chain.chain_id, self.address)

    def report(self, user: str, slot: int, *, exported_wh: int, imported_wh: int,
               sender: Sender = None) -> TxLogEntry:
        """`user`'s meter signs what flowed in `slot`, and the reading is relayed by `sender`."""
        owner = self.chain.account(user)
        reading = MeterReading(owner.address, slot, exported_wh, imported_wh)
        signature = self.sign(reading, meter_account(self.chain, owner))
        return self.submit_reading(reading, signature, sender=sender)

    def report_many(self, slot: int, flows: dict[str, tuple[int, int]], *,
                    sender: Sender = None) -> list[TxLogEntry]:
        """Every meter in `flows` (user: (exported Wh, imported Wh)) signs its reading; relayed together."""
        calls = []
        for user, (exported_wh, imported_wh) in flows.items():
            owner = self.chain.account(user)
            reading = MeterReading(owner.address, slot, exported_wh, imported_wh)
            signature = self.sign(reading, meter_account(self.chain, owner))
            args = (owner.address, slot, exported_wh, imported_wh, signature)
            calls.append(ContractCall("submitReading", args, sender))
        return self.transact_many(calls)

    def settle(self, slot: int, *, sender: Sender = None) -> TxLogEntry:
        """Pay the sellers of `slot` for what they delivered (anyone may, once, after the reading window)."""
        return self.invoke("settle", slot, sender=sender)

    def withdraw(self, *, sender: Sender = None) -> TxLogEntry:
        """Pay out `sender`'s credit in ether."""
        return self.invoke("withdraw", sender=sender)

    def credit(self, who: str | NamedAccount) -> int:
        """What `who` may withdraw now, in wei."""
        return self.call("credit", self.chain.account(who).address if not _is_address(who) else who)

    # ------------------------------------------------------------ views
    def order(self, order_id: int) -> BookOrder:
        """One order by id."""
        return BookOrder(order_id, *self.call("getOrder", order_id))

    def order_book(self, slot: int) -> OrderBook:
        """`slot`'s live orders, sorted as the auction sorts them."""
        return OrderBook.of(slot, [self.order(i) for i in self.call("slotOrderIds", slot)])

    def result(self, slot: int) -> SlotResult:
        """`slot`'s clearing, and after settlement its deliveries and payments (from the events)."""
        cleared, settled = self.call("isCleared", slot), self.call("isSettled", slot)
        fills = tuple(Fill(*self.call("fillAt", slot, i)) for i in range(self.call("fillCount", slot)))
        deliveries, payments, readings = (), (), {}
        if cleared or settled:
            topic = slot.to_bytes(32, "big")   # the indexed slot: the node filters, not us
            deliveries, payments, readings = settlement_from_events(
                self.events(("Delivered", "Paid"), topics=[topic])
                + self.events("ReadingSubmitted", topics=[None, topic]))
        return SlotResult(slot, cleared, settled, self.call("clearingPrice", slot),
                          self.call("clearedVolume", slot), fills, deliveries, payments, readings)

    # ------------------------------------------------------------ internals
    def _order_id(self, entry: TxLogEntry) -> int:
        return next(e.args["orderId"] for e in entry.events if e.name == "OrderPlaced")


def _is_address(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("0x") and len(value) == 42
