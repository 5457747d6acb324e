"""The feeder's households: a seeded mix of PV sizes and yearly consumption, and their load profiles.

Load is BDEW's standard household profile H0 (demandlib's `ElecSlp`, with its
dynamic seasonal factor), scaled to each household's annual kWh. H0 describes
an average of many homes, so each household gets a seeded multiplicative
noise on top (lognormal, mean 1, 35 % spread, slot by slot): one home's load
is spiky even when the street's is smooth. The profile is read at Swedish
local time (Europe/Stockholm), since that is the clock people live by.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from demandlib.bdew import ElecSlp

from ..errors import GridError

LOCAL_TIME = "Europe/Stockholm"
PV_SHARE = 0.7                         # about 7 in 10 households have a PV roof
PV_KWP_RANGE = (4.0, 12.0)             # kWp, in steps of 0.5 (Swedish villa roofs are often 8-12)
ANNUAL_KWH_RANGE = (2_000, 6_000)      # kWh a year, in steps of 100 (a Swedish flat to a large house)
LOAD_NOISE_SIGMA = 0.35
LOAD_POWER_FACTOR = 0.95               # households draw a little reactive power; PV inverters run at 1
MAX_HOUSEHOLDS = 60


@dataclass(frozen=True)
class Household:
    """One registered prosumer on the feeder."""

    name: str            # "house01", also its account's name
    bus: int             # the pandapower bus of its house connection
    pv_kwp: float        # 0 without PV
    annual_kwh: int

    @property
    def has_pv(self) -> bool:
        """True when the household has a PV roof."""
        return self.pv_kwp > 0


def make_households(count: int, connections: list[int], rng: random.Random) -> list[Household]:
    """`count` seeded households on the feeder's connection buses (in turn; more than one per bus
    when there are more households than connections, as in a semi-detached pair)."""
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_HOUSEHOLDS:
        raise GridError(f"households must be a whole number from 1 to {MAX_HOUSEHOLDS}, not {count!r}",
                        kind="input")
    houses = []
    for i in range(count):
        has_pv = rng.random() < PV_SHARE
        kwp = rng.randint(int(PV_KWP_RANGE[0] * 2), int(PV_KWP_RANGE[1] * 2)) / 2 if has_pv else 0.0
        annual = rng.randint(ANNUAL_KWH_RANGE[0] // 100, ANNUAL_KWH_RANGE[1] // 100) * 100
        houses.append(Household(f"house{i + 1:02d}", connections[i % len(connections)], kwp, annual))
    return houses


@lru_cache(maxsize=8)
def _h0_year(year: int) -> pd.Series:
    """BDEW H0 for `year`, scaled to 1 kWh a year: average kW in each quarter hour, local clock time."""
    return ElecSlp(year).get_scaled_power_profiles({"h0": 1.0})["h0"]


def h0_kw_per_annual_kwh(starts_utc: pd.DatetimeIndex) -> np.ndarray:
    """H0's average power (kW per kWh of annual use) in each slot, read at Swedish local time."""
    local = starts_utc.tz_convert(LOCAL_TIME).tz_localize(None)
    profiles = {year: _h0_year(year) for year in sorted(set(local.year))}
    return np.array([profiles[t.year].asof(t) for t in local], dtype=float)


def load_noise(count: int, slots: int, rng: random.Random) -> np.ndarray:
    """Seeded lognormal factors (mean 1) for each household and slot."""
    mu = -LOAD_NOISE_SIGMA**2 / 2
    return np.array([[math.exp(rng.gauss(mu, LOAD_NOISE_SIGMA)) for _ in range(slots)] for _ in range(count)])
