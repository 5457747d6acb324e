"""A window of a day on chain (eth-tester and anvil): every kWh and every wei accounted for.

The records are checked against the laws they must obey (energy in = energy
out per slot, escrow = payments + refunds) and against the chain itself:
the market's stored readings, its balance, and the registry's dispatch history.
"""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest
from platform_support import css_classes

import grid.widgets.household_day as household_day_module
from grid.chain import connect
from grid.market import MarketClient
from grid.market.household_day import household_day
from grid.powergridv2 import PowerGridV2Client
from grid.simulation.day import DayOptions, simulate_day
from grid.simulation.flow import V_MAX_PU, V_MIN_PU
from grid.simulation.model import feeder_day
from grid.simulation.output import write_results
from grid.widgets import ManagerDashboard, UserDashboard

CHAINS = ["tester", pytest.param("anvil", marks=pytest.mark.anvil)]
# Late morning on midsummer's day, under a clear sky: enough PV for the voltage to leave the band.
WINDOW = DayOptions(date="2026-06-21", households=20, sky="clear", seed=4, first_slot=40, slots=4)
REQUIRED_SLOT_COLUMNS = [
    "slot",
    "start_utc",
    "pv_clear_sky_kwh",
    "pv_kwh",
    "load_kwh",
    "grid_import_kwh",
    "grid_export_kwh",
    "losses_kwh",
    "curtailed_kwh",
    "vmin_pu",
    "vmax_pu",
    "max_line_loading_pct",
    "price_eth_per_kwh",
    "traded_kwh",
    "dispatches",
]


@pytest.fixture(scope="module", params=CHAINS)
def run(request):
    """The window simulated on one chain, with the chain kept open for the checks."""
    with connect(request.param, accounts=2) as chain:
        day = simulate_day(WINDOW, chain=chain, progress=False)
        yield chain, day


def test_energy_balances_in_every_slot(run):
    _, day = run
    assert [r.slot for r in day.slots] == list(range(40, 44))
    for r in day.slots:
        supply = r.pv_kwh + r.grid_import_kwh
        use = r.load_kwh + r.grid_export_kwh + r.losses_kwh
        assert supply == pytest.approx(use, abs=1e-6)
        assert r.pv_kwh <= r.pv_available_kwh + 1e-9 and r.pv_available_kwh <= r.pv_clear_sky_kwh + 1e-9
        assert r.curtailed_kwh == pytest.approx(r.pv_available_kwh - r.pv_kwh)


def test_every_wei_is_accounted_for_and_the_market_ends_empty(run):
    chain, day = run
    for r in day.slots:
        assert r.escrow_wei == r.paid_wei + r.refunded_wei
        assert r.market_balance_wei == r.credits_wei
    assert day.slots[-1].market_balance_wei == sum(r.escrow_wei for r in day.slots)
    assert day.final_market_balance_wei == 0 == chain.balance(day.market_address)
    earned = sum(p.earned_eth for p in day.people)
    assert earned == pytest.approx(sum(r.paid_wei for r in day.slots) / 10**18)
    assert sum(p.bought_kwh for p in day.people) == pytest.approx(sum(r.traded_kwh for r in day.slots))


def test_the_chain_holds_every_signed_reading(run):
    chain, day = run
    market = MarketClient(chain, day.market_address)
    slots = {r.slot: r.market_slot for r in day.slots}
    assert len(day.readings) == WINDOW.households * WINDOW.slots
    for reading in day.readings[:: max(1, len(day.readings) // 12)]:
        person = next(p for p in day.people if p.household == reading.household)
        stored = market.call("readingOf", person.account, slots[reading.slot])
        assert tuple(stored) == (True, reading.exported_wh, reading.imported_wh)


def test_every_violation_gets_a_dispatch_in_the_next_slot_and_the_chain_has_it(run):
    chain, day = run
    out_of_band = [r.slot for r in day.slots if r.vmin_pu < V_MIN_PU or r.vmax_pu > V_MAX_PU]
    assert out_of_band, "a clear midsummer morning on this feeder should push a bus above 1.05 p.u."
    dispatches = {r.slot: r.dispatches for r in day.slots}
    for slot in out_of_band:
        if slot + 1 in dispatches:
            assert dispatches[slot + 1] > 0
    registry = PowerGridV2Client(chain, day.registry_address)
    sent = Counter(i.household for _, i in day.instructions)
    for person in day.people:
        on_chain = [d.instruction for d in registry.dispatches(person.account)]
        assert on_chain == [i.text for _, i in day.instructions if i.household == person.household]
        assert person.dispatches == sent[person.household]


def test_the_files_have_their_columns_and_units(run, tmp_path):
    _, day = run
    paths = write_results(day, tmp_path)
    assert {p.name for p in paths} >= {"slots.csv", "households.csv", "voltage_band.png", "market.png"}
    with (tmp_path / "slots.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert set(REQUIRED_SLOT_COLUMNS) <= set(rows[0]) and len(rows) == WINDOW.slots
    with (tmp_path / "households.csv").open() as handle:
        people = list(csv.DictReader(handle))
    assert {"household", "account", "bus", "pv_kwp", "annual_kwh"} <= set(people[0])
    assert len(people) == WINDOW.households


def test_a_households_day_read_back_from_the_chain_matches_what_was_sent(run):
    chain, day = run
    market = MarketClient(chain, day.market_address)
    registry = PowerGridV2Client(chain, day.registry_address)
    market_slot = {r.slot: r.market_slot for r in day.slots}
    # Each read walks the whole chain's logs (1.7 s on eth-tester): the first household, and every
    # one the operator instructed.
    dispatched = {i.household for _, i in day.instructions}
    checked = [p for i, p in enumerate(day.people) if i == 0 or p.household in dispatched]
    assert len(checked) >= 2
    for person in checked:
        rows = {row.slot: row for row in household_day(market, person.account, registry)}
        assert sorted(rows) == sorted(market_slot.values())      # every slot had its reading
        for reading in (r for r in day.readings if r.household == person.household):
            row = rows[market_slot[reading.slot]]
            assert (row.exported_wh, row.imported_wh) == (reading.exported_wh, reading.imported_wh)
        assert sum(r.bought_wh for r in rows.values()) / 1000 == pytest.approx(person.bought_kwh)
        assert sum(r.sold_wh for r in rows.values()) / 1000 == pytest.approx(person.sold_kwh)
        assert sum(r.paid_wei for r in rows.values()) / 10**18 == pytest.approx(person.paid_eth)
        assert sum(r.earned_wei for r in rows.values()) / 10**18 == pytest.approx(person.earned_eth)
        # An instruction sent at the start of a slot applies from that slot's market slot on.
        sent = [(market_slot[s], i.text) for s, i in day.instructions if i.household == person.household]
        assert [(slot, text) for slot, row in sorted(rows.items()) for text in row.dispatches] == sent


def test_the_platforms_show_a_households_day_in_kwh(run):
    chain, day = run
    market = MarketClient(chain, day.market_address)
    registry = PowerGridV2Client(chain, day.registry_address)
    dispatched = next(p for p in day.people if p.dispatches) if day.instructions else day.people[0]
    user = UserDashboard(registry, dispatched.household, market=market, live=False)
    manager = ManagerDashboard(registry, market=market, live=False)
    try:
        table = user.day_panel.table.value
        assert table.count("class='gc-day-slot'") == WINDOW.slots
        assert "Exported (kWh)" in table and "Price (ETH/kWh)" in table
        first = next(r for r in day.readings if r.household == dispatched.household)
        shown = first.exported_wh / 1000 if first.exported_wh else first.imported_wh / 1000
        assert f"<td>{shown:g}</td>" in table
        if day.instructions:
            text = next(i.text for _, i in day.instructions if i.household == dispatched.household)
            assert text in table and text in user.day_panel.summary()
        manager.day_panel.picker.value = dispatched.household
        assert manager.day_panel.table.value == table
        documented = set(re.findall(r"\bgc-day[a-z-]*", household_day_module.__doc__))
        assert documented <= css_classes(user.widget) | css_classes(manager.widget), documented
    finally:
        user.close()
        manager.close()


def test_the_flow_only_day_is_the_chain_days_undispatched_feeder(run):
    # The same seed draws the same households, clouds and loads with or without a chain.
    _, day = run
    alone = feeder_day(WINDOW)
    assert [s.slot for s in alone] == [r.slot for r in day.slots]
    for free, record in zip(alone, day.slots, strict=True):
        assert free.flow.vmax_pu == pytest.approx(record.vmax_pu_undispatched, abs=1e-9)
        assert free.flow.vmin_pu == pytest.approx(record.vmin_pu_undispatched, abs=1e-9)
        assert free.pv_kwh == pytest.approx(record.pv_available_kwh, abs=1e-9)
        assert free.pv_kwh + free.flow.import_kwh == pytest.approx(
            free.load_kwh + free.flow.export_kwh + free.flow.losses_kwh, abs=1e-6)
