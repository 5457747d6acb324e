"""The day's physics before any market: the feeder, its households, the weather and their loads.

    from grid.simulation.model import DayOptions, day_model, feeder_day
    model = day_model(DayOptions(date="2026-12-21", sky="clear"))
    for slot in feeder_day(DayOptions(date="2026-06-21", sky="clear")):
        slot.start_utc, slot.flow.vmax_pu

`day_model` draws everything a day needs from one seed, in a fixed order, so
the chain's day (grid.simulation.day) and a flow-only day of the same options
see the same households, clouds and loads. `feeder_day` runs the power flow
slot by slot with every household free (no market, no dispatch): the physics
on its own, in a few seconds, for comparing days and trying "what if".
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import pandapower as pp
import pandas as pd
from tqdm.auto import tqdm

from ..errors import GridError
from .feeders import DEFAULT_FEEDER, build_network
from .flow import FeederFlow, FlowResult
from .households import Household, h0_kw_per_annual_kwh, load_noise, make_households
from .strategy import Prices, household_prices
from .weather import SLOT_HOURS, DayWeather, day_weather

SLOTS_PER_DAY = 96
QUICK_FIRST_SLOT, QUICK_SLOTS = 36, 16  # 09:00-13:00 UTC: the four hours around Sundsvall's solar noon


@dataclass(frozen=True)
class DayOptions:
    """What to simulate, and where."""

    date: str = "2026-06-21"
    households: int = 20
    feeder: str = DEFAULT_FEEDER
    chain: str = "tester"
    seed: int = 1
    quick: bool = False
    sky: str = "random"
    dispatch: bool = True      # False: the operator watches but never instructs
    first_slot: int | None = None   # a window of the day: its first slot (default 0, or 36 with quick)
    slots: int | None = None        # and how many (default 96, or 16 with quick)

    def window(self) -> range:
        """The day slots simulated (0-95), or a GridError when they do not fit in the day."""
        first, count = (QUICK_FIRST_SLOT, QUICK_SLOTS) if self.quick else (0, SLOTS_PER_DAY)
        first = first if self.first_slot is None else self.first_slot
        count = count if self.slots is None else self.slots
        if not (first >= 0 and count >= 1 and first + count <= SLOTS_PER_DAY):
            raise GridError(f"the window of {count} slot(s) from slot {first} does not fit in the day's "
                            f"{SLOTS_PER_DAY}: pick slots within 0-{SLOTS_PER_DAY - 1}", kind="input")
        return range(first, first + count)


@dataclass
class DayModel:
    """Everything drawn for a day: the feeder, households, their price limits, weather and loads."""

    options: DayOptions
    net: pp.pandapowerNet
    houses: list[Household]
    prices: dict[str, Prices]
    weather: DayWeather
    load_forecast: np.ndarray      # kWh per household (rows) and slot (columns): the H0 profile
    load_actual: np.ndarray        # the same with each home's noise: what it really drew

    def pv_available(self, slot: int, pv_scale: float = 1.0) -> np.ndarray:
        """Each household's PV output in `slot` under the day's clouds (kWh), before any curtailment."""
        per_kwp = float(self.weather.pv_kwh_per_kwp[slot])
        return np.array([h.pv_kwp * per_kwp * pv_scale for h in self.houses])


def day_model(options: DayOptions) -> DayModel:
    """Draw the day from `options.seed`: households, price limits, clouds and load noise, in that order."""
    rng = random.Random(options.seed)
    net, connections = build_network(options.feeder)
    houses = make_households(options.households, connections, rng)
    prices = household_prices(houses, rng)
    weather = day_weather(options.date, SLOTS_PER_DAY, options.sky, rng)
    noise = load_noise(len(houses), SLOTS_PER_DAY, rng)
    h0 = h0_kw_per_annual_kwh(weather.slot_starts)
    forecast = np.array([[h0[s] * h.annual_kwh * SLOT_HOURS for s in range(SLOTS_PER_DAY)] for h in houses])
    return DayModel(options, net, houses, prices, weather, forecast, forecast * noise)


@dataclass(frozen=True)
class FeederSlot:
    """One slot of a flow-only day: the energies in kWh and the power flow's result."""

    slot: int
    start_utc: pd.Timestamp
    pv_kwh: float
    load_kwh: float
    flow: FlowResult


def feeder_day(options: DayOptions, *, pv_scale: float = 1.0, progress: bool = False) -> list[FeederSlot]:
    """The power flow in every slot of the window with nobody instructed (`pv_scale` multiplies each roof)."""
    model = day_model(options)
    flow = FeederFlow(model.net, model.houses)
    out = []
    for s in tqdm(options.window(), desc="power flows", unit="slot", disable=not progress):
        pv, load = model.pv_available(s, pv_scale), model.load_actual[:, s]
        out.append(FeederSlot(s, model.weather.slot_starts[s], float(pv.sum()), float(load.sum()),
                              flow.solve(list(load), list(pv), SLOT_HOURS)))
    return out
