"""One day on the feeder, slot by slot: forecast and trade, clear, power flow, dispatch, read, settle.

    from grid.simulation import DayOptions, simulate_day
    day = simulate_day(DayOptions(date="2026-06-21", households=20, chain="tester", seed=1))
    day.slots[48].vmax_pu, day.slots[48].price_eth_per_kwh

Every day slot gets its own market slot on chain, three market slots apart,
so that a slot is cleared, read and settled before the next one opens (a
real market overlaps them; the order of events inside one slot is what
this lesson shows). The chain's clock is its own: market slot numbers do
not encode the simulated date, `start_utc` does.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from eth_utils import keccak
from tqdm.auto import tqdm

from ..accounts import TEST_MNEMONIC, NamedAccount, derive_account
from ..chain import Chain, connect
from ..contract import ContractCall, ContractRules, FunctionSpec
from ..market import Fill, MarketClient, NewOrder, SlotResult
from ..market.book import settlement_from_events
from ..market.units import WEI_PER_ETH
from ..powergridv2 import PowerGridV2Client
from ..txlog import TxLogEntry
from .feeders import build_network
from .flow import FeederFlow
from .households import Household
from .model import DayOptions, day_model
from .operator import Instruction, Operator
from .records import HouseholdRecord, MeterReadingRecord, SlotRecord
from .strategy import Order, Strategy, forecast_net_kwh, order_for
from .weather import SLOT_HOURS

HOUSEHOLD_INDEX_OFFSET = 2000          # household i's key: m/44'/60'/0'/0/(2000 + i) of the mnemonic
HOUSEHOLD_FUNDING_WEI = 10**18         # 1 ether: a day of bids at retail prices is ~0.05
MARKET_SLOT_SPACING = 3
# Gas limits with headroom over the worst cases grid.market.gas measures (64 orders in a slot):
# eth-tester estimates gas by running a transaction a dozen times, which would dominate the day,
# and every order and reading here is valid by construction (the rules still check each one).
FIXED_GAS = {"placeBid": 300_000, "placeAsk": 300_000, "clear": 7_500_000, "submitReading": 200_000,
             "settle": 1_500_000, "withdraw": 100_000, "PowerDispatch": 300_000, "empower": 300_000,
             "bindMeter": 150_000}


@dataclass
class DayTimings:
    """Wall-clock seconds spent on each part of the day."""

    power_flow: float = 0.0
    transactions: float = 0.0
    models: float = 0.0        # weather, profiles and setup in Python
    total: float = 0.0


@dataclass
class DayResult:
    """A simulated day: its options, households, slot records, readings and timings."""

    options: DayOptions
    households: list[Household]
    slots: list[SlotRecord] = field(default_factory=list)
    people: list[HouseholdRecord] = field(default_factory=list)
    readings: list[MeterReadingRecord] = field(default_factory=list)
    instructions: list[tuple[int, Instruction]] = field(default_factory=list)   # (day slot, instruction)
    sky: str = ""
    final_market_balance_wei: int = 0
    registry_address: str = ""     # the PowerGridV2 registry and the market, on the chain used
    market_address: str = ""
    timings: DayTimings = field(default_factory=DayTimings)


def _with_fixed_gas(rules: ContractRules) -> ContractRules:
    """`rules`, with FIXED_GAS as the gas limits instead of the node's estimates."""
    class FixedGas(type(rules)):  # type: ignore[misc, valid-type]
        def gas_limit(self, spec: FunctionSpec, values: list) -> int | None:
            return FIXED_GAS.get(spec.name)
    return FixedGas()


def household_account(chain: Chain, index: int, name: str) -> NamedAccount:
    """Household `index`'s own key from the chain's mnemonic, added to the accounts the chain signs with."""
    derived = derive_account(HOUSEHOLD_INDEX_OFFSET + index, chain.accounts.mnemonic or TEST_MNEMONIC)
    return chain.add_account(NamedAccount(name, derived.index, derived.address, derived.private_key))


class _Timer:
    def __init__(self, timings: DayTimings, part: str) -> None:
        self.timings, self.part = timings, part

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *_: object) -> None:
        setattr(self.timings, self.part, getattr(self.timings, self.part) + time.perf_counter() - self.start)


def simulate_day(options: DayOptions, *, chain: Chain | None = None, progress: bool = True,
                 on_slot: Callable[[SlotRecord], None] | None = None,
                 strategy: Strategy = order_for) -> DayResult:
    """Run the day on `chain` (or connect to `options.chain` and close it afterwards).

    `strategy(house, forecast_net_kwh, prices)` turns each household's forecast into its order
    (grid.simulation.strategy.order_for by default).
    """
    options.window()    # a window outside the day is refused before any node starts
    own = chain is None
    chain = chain or connect(options.chain, accounts=2)
    try:
        return _Day(options, chain, strategy).run(progress, on_slot)
    finally:
        if own:
            chain.close()


class _Day:
    def __init__(self, options: DayOptions, chain: Chain, strategy: Strategy) -> None:
        started = time.perf_counter()
        self.options, self.chain, self.strategy = options, chain, strategy
        self.window = options.window()
        self.timings = DayTimings()
        model = day_model(options)
        self.model = model
        self.houses, self.prices, self.weather = model.houses, model.prices, model.weather
        self.load_forecast, self.load_actual = model.load_forecast, model.load_actual
        self.flow = FeederFlow(model.net, self.houses)
        undispatched, _ = build_network(options.feeder)
        self.flow_undispatched = FeederFlow(undispatched, self.houses)
        self.operator = Operator(self.houses)
        self.result = DayResult(options, self.houses, sky=model.weather.sky, timings=self.timings)
        self.timings.models += time.perf_counter() - started

    # ------------------------------------------------------------ set-up on chain
    def _deploy(self) -> None:
        chain = self.chain
        self.registry = PowerGridV2Client.deploy(chain)
        self.registry.rules = _with_fixed_gas(self.registry.rules)
        self.accounts: dict[str, NamedAccount] = {}
        self.meters: dict[str, NamedAccount] = {}
        for i, house in enumerate(self.houses):
            account = household_account(chain, i, house.name)
            self.accounts[house.name] = account
            chain.send_transaction(chain.account("admin"), account.address, b"", 21_000,
                                   value=HOUSEHOLD_FUNDING_WEI)
            # A fixed salt keeps runs repeatable; a real operator draws it at random (IdentityStore does).
            salt = keccak(text=f"gridchain-simulation/{self.options.seed}/{house.name}")
            self.registry.register_user(house.name, house.name, f"bus {house.bus}", can_generate=house.has_pv,
                                        can_consume=True, salt=salt)
            self.meters[house.name] = self.registry.provision_meter(house.name)
        self.market = MarketClient.deploy(chain, self.registry.address)
        self.market.rules = _with_fixed_gas(self.market.rules)
        self.base_slot = self.market.next_open_slot()
        self.result.registry_address, self.result.market_address = self.registry.address, self.market.address
        self.credits_total = 0
        self.result.people = [HouseholdRecord(h.name, self.accounts[h.name].address,
                                              self.meters[h.name].address, h.bus, h.pv_kwp, h.annual_kwh)
                              for h in self.houses]

    def run(self, progress: bool, on_slot: Callable[[SlotRecord], None] | None) -> DayResult:
        """Every slot of the window, then everyone withdraws; the result."""
        started = time.perf_counter()
        with _Timer(self.timings, "transactions"):
            self._deploy()
        pending: list[Instruction] = []
        last_k = 1.0
        for step, s in enumerate(tqdm(self.window, desc="slots", unit="slot", disable=not progress)):
            record = self._slot(step, s, pending, last_k)
            pending = self.operator.decide(self._last_flow) if self.options.dispatch else []
            last_k = float(self.weather.cloud_index[s])
            self.result.slots.append(record)
            if on_slot:
                on_slot(record)
        with _Timer(self.timings, "transactions"):
            self._withdraw_all()
        self.timings.total = time.perf_counter() - started + self.timings.models
        return self.result

    # ------------------------------------------------------------ one slot
    def _slot(self, step: int, s: int, instructions: list[Instruction], last_k: float) -> SlotRecord:
        market, m = self.market, self.base_slot + MARKET_SLOT_SPACING * step
        with _Timer(self.timings, "transactions"):
            # 1. the last slot's instructions, on chain (each batch below shares one block on anvil)
            self.registry.send_dispatches([(i.household, i.text) for i in instructions])
            for instruction in instructions:
                self.result.instructions.append((s, instruction))
                self._person(instruction.household).dispatches += 1
            orders = self._orders(s, last_k)      # 2. each household's order
            traders = sorted({o.household for o in orders})
            credits_before = self._credits(traders)   # nobody else's credit can change in this slot
            self.order_ids = market.place_orders(m, [NewOrder(o.household, o.is_bid, o.wh, o.price)
                                                     for o in orders])
            escrow = sum(o.wh * o.price for o in orders if o.is_bid)
            market.travel_past_gate(m)
            cleared = market.clear(m)              # 3. the double auction, on chain
        with _Timer(self.timings, "models"):
            pv_available, pv, load = self._actuals(s)
        with _Timer(self.timings, "power_flow"):   # 4. what really flowed
            flow = self.flow.solve(list(load), list(pv), SLOT_HOURS)
            free = (self.flow_undispatched.solve(list(self.load_actual[:, s]), list(pv_available), SLOT_HOURS)
                    if self.options.dispatch else flow)   # nobody instructed: the same flow
        self._last_flow = flow
        with _Timer(self.timings, "transactions"):
            market.travel_to_slot_end(m)
            flows = {}
            for i, house in enumerate(self.houses):  # 5. every meter signs what flowed
                net_wh = round((pv[i] - load[i]) * 1000)
                exported, imported = max(net_wh, 0), max(-net_wh, 0)
                flows[house.name] = (exported, imported)
                self.result.readings.append(MeterReadingRecord(house.name, s, exported, imported))
                person = self._person(house.name)
                person.pv_kwh += pv[i]
                person.load_kwh += load[i]
                person.exported_kwh += exported / 1000
                person.imported_kwh += imported / 1000
            market.report_many(m, flows)
            market.travel_to_settlement(m)
            settled = market.settle(m)             # 6. sellers paid for what they delivered
            credits_after = self._credits(traders)
            balance = self.chain.balance(market.address)
        outcome = _outcome(m, cleared, settled)
        self._book(outcome, orders)
        paid = sum(amount for _, _, amount in outcome.payments)
        self.credits_total += credits_after - credits_before
        return SlotRecord(
            slot=s, start_utc=self.weather.slot_starts[s].strftime("%Y-%m-%dT%H:%M:%SZ"), market_slot=m,
            pv_clear_sky_kwh=float(sum(h.pv_kwp for h in self.houses) * self.weather.pv_clear_kwh_per_kwp[s]),
            pv_available_kwh=float(pv_available.sum()), pv_kwh=float(pv.sum()), load_kwh=float(load.sum()),
            grid_import_kwh=flow.import_kwh, grid_export_kwh=flow.export_kwh, losses_kwh=flow.losses_kwh,
            curtailed_kwh=float(pv_available.sum() - pv.sum()),
            shed_kwh=float(self.load_actual[:, s].sum() - load.sum()),
            vmin_pu=flow.vmin_pu, vmax_pu=flow.vmax_pu, vmin_pu_undispatched=free.vmin_pu,
            vmax_pu_undispatched=free.vmax_pu, max_line_loading_pct=flow.max_line_loading_pct,
            trafo_loading_pct=flow.trafo_loading_pct,
            price_eth_per_kwh=outcome.price * 1000 / WEI_PER_ETH, traded_kwh=outcome.volume / 1000,
            delivered_kwh=sum(d for _, _, d in outcome.deliveries) / 1000, orders=len(orders),
            dispatches=len(instructions), escrow_wei=escrow, paid_wei=paid,
            refunded_wei=credits_after - credits_before - paid, market_balance_wei=balance,
            credits_wei=self.credits_total)

    def _orders(self, s: int, last_k: float) -> list[Order]:
        orders = []
        for i, house in enumerate(self.houses):
            net = forecast_net_kwh(house, float(self.weather.pv_clear_kwh_per_kwp[s]), last_k,
                                   float(self.load_forecast[i, s]) * self.operator.load_limit[house.name],
                                   self.operator.pv_limit[house.name], SLOT_HOURS)
            order = self.strategy(house, net, self.prices[house.name])
            if order is not None:
                orders.append(order)
        return orders

    def _actuals(self, s: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """PV available, PV produced (within each limit) and load (within each limit), in kWh."""
        available = self.model.pv_available(s)
        cap = np.array([h.pv_kwp * self.operator.pv_limit[h.name] * SLOT_HOURS for h in self.houses])
        load = np.array([self.load_actual[i, s] * self.operator.load_limit[h.name]
                         for i, h in enumerate(self.houses)])
        return available, np.minimum(available, cap), load

    def _credits(self, names: list[str]) -> int:
        return sum(self.market.credit(name) for name in names)

    def _person(self, name: str) -> HouseholdRecord:
        return next(p for p in self.result.people if p.household == name)

    def _book(self, outcome, orders: list[Order]) -> None:
        by_address = {a.address: n for n, a in self.accounts.items()}
        for buyer, seller, amount in outcome.payments:
            self._person(by_address[buyer]).paid_eth += amount / WEI_PER_ETH
            self._person(by_address[seller]).earned_eth += amount / WEI_PER_ETH
        owners = {order_id: order.household for order_id, order in zip(self.order_ids, orders, strict=True)}
        for fill in outcome.fills:
            self._person(owners[fill.bid_id]).bought_kwh += fill.wh / 1000
            self._person(owners[fill.ask_id]).sold_kwh += fill.wh / 1000

    def _withdraw_all(self) -> None:
        credits = {name: self.market.credit(name) for name in self.accounts}
        owed = [name for name, credit in credits.items() if credit]
        self.market.transact_many([ContractCall("withdraw", (), name) for name in owed])
        for name in owed:
            self._person(name).withdrawn_eth = credits[name] / WEI_PER_ETH
        self.result.final_market_balance_wei = self.chain.balance(self.market.address)


def _outcome(slot: int, cleared: TxLogEntry, settled: TxLogEntry) -> SlotResult:
    """The slot's result from the events of its clear and settle transactions (no log search)."""
    price = volume = 0
    fills = []
    for event in cleared.events:
        a = event.args
        if event.name == "Cleared":
            price, volume = a["priceWeiPerWh"], a["volumeWh"]
        elif event.name == "Matched":
            fills.append(Fill(a["bidId"], a["askId"], a["wh"]))
    deliveries, payments, _ = settlement_from_events(settled.events)
    return SlotResult(slot, True, True, price, volume, tuple(fills), deliveries, payments)
