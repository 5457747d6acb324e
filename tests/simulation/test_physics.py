"""The feeder's physics without a chain: sunshine, load profiles, power flow and the operator's rules.

Expected values come from independent computations: a second PV model built
from pvlib's low-level functions with other modelling choices, demandlib's
own profile read directly, and the conservation of energy.
"""
from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pvlib
import pytest
from demandlib.bdew import ElecSlp

from grid.errors import GridError
from grid.simulation import cli
from grid.simulation.feeders import BUSBAR_VOLTAGE_PU, DEFAULT_FEEDER, FEEDERS, build_network
from grid.simulation.flow import V_MAX_PU, FeederFlow
from grid.simulation.households import PV_SHARE, h0_kw_per_annual_kwh, make_households
from grid.simulation.operator import Operator
from grid.simulation.weather import cloud_index, day_weather, slot_starts

SUNDSVALL = (62.39, 17.31)


def _independent_clear_sky_kwh_per_kwp(date: str) -> float:
    """1 kWp on a 35 degree south roof in Sundsvall under pvlib's clear sky, by another route:
    isotropic transposition, a fixed 25 degC cell, 14 % losses and a 96 % inverter."""
    times = pd.date_range(date, periods=96 * 3, freq="5min", tz="UTC") + pd.Timedelta(minutes=2.5)
    location = pvlib.location.Location(*SUNDSVALL, tz="UTC", altitude=0)
    sky = location.get_clearsky(times, model="ineichen")
    sun = location.get_solarposition(times)
    poa = pvlib.irradiance.get_total_irradiance(35, 180, sun["apparent_zenith"], sun["azimuth"], sky["dni"],
                                                sky["ghi"], sky["dhi"], model="isotropic", albedo=0.25)
    dc_kw = pvlib.pvsystem.pvwatts_dc(poa["poa_global"].clip(lower=0), 25.0, 1.0, -0.004)
    return float((dc_kw * 0.86 * 0.96).sum() * 5 / 60)


@pytest.mark.parametrize("date", ["2026-06-21", "2026-03-20", "2026-12-21"])
def test_clear_sky_pv_agrees_with_an_independent_pvlib_route(date):
    ours = day_weather(date, 96, "clear", random.Random(0)).pv_clear_kwh_per_kwp.sum()
    theirs = _independent_clear_sky_kwh_per_kwp(date)
    # Different transposition and temperature models: within 10 % (a winter day's low sun differs most).
    assert ours == pytest.approx(theirs, rel=0.10 if date != "2026-12-21" else 0.25)


def test_midsummer_clear_sky_yield_is_plausible_for_62_degrees_north():
    day = day_weather("2026-06-21", 96, "clear", random.Random(0))
    # Sun above the horizon ~19 h at 62.4 N on 21 June (Sundsvall's sunrise ~02:30, sunset ~22:45 local).
    assert (day.ghi_clear_w_m2 > 0).sum() * 0.25 == pytest.approx(20, abs=1.5)
    assert 0.0 < day.pv_clear_kwh_per_kwp.max() * 4 <= 1.0          # never above the rating (kW per kWp)
    assert 5.0 < day.pv_clear_kwh_per_kwp.sum() < 8.5                 # kWh per kWp on a clear June day


def test_cloud_model_is_seeded_bounded_and_ordered():
    a, _ = cloud_index(96, "mixed", random.Random(5))
    b, _ = cloud_index(96, "mixed", random.Random(5))
    assert np.array_equal(a, b) and a.min() >= 0.1 and a.max() <= 1.0
    clear, _ = cloud_index(96, "clear", random.Random(5))
    overcast, _ = cloud_index(96, "overcast", random.Random(5))
    assert (clear == 1).all() and overcast.mean() < a.mean() < 1
    day = day_weather("2026-06-21", 96, "clear", random.Random(1))
    assert np.allclose(day.pv_kwh_per_kwp, day.pv_clear_kwh_per_kwp)   # k = 1 is the clear sky exactly
    with pytest.raises(GridError, match="unknown sky"):
        cloud_index(4, "foggy", random.Random(0))
    with pytest.raises(GridError, match="YYYY-MM-DD"):
        slot_starts("21/06/2026")


def test_h0_is_read_at_swedish_local_time_and_scales_to_the_year():
    starts = slot_starts("2026-06-21")
    ours = h0_kw_per_annual_kwh(starts)
    profile = ElecSlp(2026).get_scaled_power_profiles({"h0": 1.0})["h0"]
    assert profile.sum() * 0.25 == pytest.approx(1.0, rel=1e-6)       # 1 kWh a year, in kW per quarter hour
    # 00:00 UTC in June is 02:00 in Stockholm (CEST, UTC+2).
    assert ours[0] == pytest.approx(profile[pd.Timestamp("2026-06-21 02:00")])
    assert ours[48] == pytest.approx(profile[pd.Timestamp("2026-06-21 14:00")])


def test_households_are_a_seeded_mix():
    connections = list(range(14))
    first = make_households(60, connections, random.Random(3))
    assert first == make_households(60, connections, random.Random(3))
    share = sum(h.has_pv for h in first) / len(first)
    assert abs(share - PV_SHARE) < 0.2 and any(not h.has_pv for h in first)
    assert all(h.bus == connections[i % 14] for i, h in enumerate(first))
    with pytest.raises(GridError, match="households must be"):
        make_households(0, connections, random.Random(0))


@pytest.mark.parametrize("name", sorted(FEEDERS))
def test_power_flow_conserves_energy_and_solar_raises_the_voltage(name):
    net, connections = build_network(name)
    houses = make_households(20, connections, random.Random(2))
    flow = FeederFlow(net, houses)
    load = [0.25 * 0.5] * len(houses)                   # 0.5 kW each for a quarter hour
    night = flow.solve(load, [0.0] * len(houses), 0.25)
    assert night.vmax_pu <= BUSBAR_VOLTAGE_PU + 1e-6 and night.export_kwh == 0
    pv = [0.25 * 0.8 * h.pv_kwp for h in houses]        # noon: 0.8 kW per kWp
    noon = flow.solve(load, pv, 0.25)
    assert noon.vmax_pu > BUSBAR_VOLTAGE_PU
    for result, produced in ((night, 0.0), (noon, sum(pv))):
        supply = produced + result.import_kwh
        use = sum(load) + result.export_kwh + result.losses_kwh
        assert supply == pytest.approx(use, abs=1e-6)     # the solver's tolerance is 1e-9 MVA


@pytest.mark.parametrize("name", sorted(FEEDERS))
def test_a_feeder_is_the_same_network_in_every_build(name):
    # pandapower draws Kerber's house-connection cables from the global `random`: disturb it between builds.
    random.seed(1)
    first, _ = build_network(name)
    random.seed(99)
    marker = random.random()
    random.seed(99)
    second, _ = build_network(name)
    assert random.random() == marker, "building a feeder must not move the caller's random sequence"
    columns = ["from_bus", "to_bus", "length_km", "r_ohm_per_km", "x_ohm_per_km", "std_type"]
    assert first.line[columns].equals(second.line[columns])


def test_the_operator_curtails_at_the_hot_buses_and_releases_later():
    net, connections = build_network("kerber-landnetz-kabel-2")
    houses = make_households(20, connections, random.Random(2))
    flow = FeederFlow(net, houses)
    hot = flow.solve([0.05] * 20, [0.25 * 0.95 * h.pv_kwp * 1.6 for h in houses], 0.25)
    assert hot.vmax_pu > V_MAX_PU
    operator = Operator(houses)
    first = operator.decide(hot)
    assert first and all("curtail PV at bus" in i.text and i.text.endswith("60 %") for i in first)
    hottest = max(hot.bus_vm_pu.values())
    assert all(hot.bus_vm_pu[i.bus] >= hottest - 0.01 for i in first)
    assert all(operator.decide(hot)[0].text.endswith("40 %") for _ in [0])
    calm = flow.solve([0.05] * 20, [0.0] * 20, 0.25)
    released = [operator.decide(calm) for _ in range(4)]
    assert released[:3] == [[], [], []] and any("may run at 60 %" in i.text for i in released[3])


def test_the_cli_offers_exactly_the_feeders_the_library_has():
    # The CLI lists them without importing pandapower, so the two lists must be kept equal.
    assert set(cli.FEEDER_NAMES) == set(FEEDERS) and cli.FEEDER_NAMES[0] == DEFAULT_FEEDER
