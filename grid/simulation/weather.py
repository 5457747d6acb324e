"""Sunshine over Sundsvall: pvlib's clear sky, a seeded cloud model on top, and a PV system model.

Nothing is downloaded. The clear sky is pvlib's Ineichen-Perez model with the
Linke turbidity climatology pvlib ships (`Location.get_clearsky`). Clouds are a
seeded model of the clear-sky index k = GHI / GHI_clear (documented in
`cloud_index`), and the beam/diffuse split of the cloudy GHI is Erbs's
correlation (`pvlib.irradiance.erbs`). The PV system is pvlib's PVWatts chain
(`ModelChain.with_pvwatts`): plane-of-array irradiance on a south-facing roof
tilted 35 degrees, the SAPM cell temperature of an open-rack module, PVWatts DC
power (-0.4 %/K) and its standard 14 % system losses, per kWp installed.

Energy in a 15-minute slot is the power at the slot's midpoint times 0.25 h.
"""
from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib
from pvlib.location import Location
from pvlib.modelchain import ModelChain
from pvlib.pvsystem import PVSystem
from pvlib.temperature import TEMPERATURE_MODEL_PARAMETERS

from ..errors import GridError

SUNDSVALL = Location(62.39, 17.31, tz="UTC", altitude=0, name="Sundsvall")   # on the coast: sea level
SLOT_MINUTES = 15
SLOT_HOURS = SLOT_MINUTES / 60
ROOF_TILT_DEG, ROOF_AZIMUTH_DEG = 35, 180
# Rounded monthly mean air temperatures of Sundsvall (degC), SMHI climate normals 1991-2020,
# approximately; a day's temperature is this plus a +/-4 K afternoon-peaking swing.
MONTHLY_MEAN_C = (-5.5, -5.5, -2.0, 3.0, 8.5, 13.0, 16.5, 15.0, 10.5, 4.5, 0.0, -3.5)
SKIES = ("clear", "mixed", "overcast", "random")
# (mean clear-sky index, AR(1) spread) per sky; "random" draws one from the seed.
SKY_PARAMETERS = {"clear": (1.0, 0.0), "mixed": (0.65, 0.22), "overcast": (0.3, 0.08)}


@dataclass(frozen=True)
class DayWeather:
    """A day's sunshine, slot by slot: per kWp, clear and cloudy, and the cloud index used."""

    slot_starts: pd.DatetimeIndex          # UTC
    pv_clear_kwh_per_kwp: np.ndarray       # AC energy per slot of 1 kWp under a clear sky
    pv_kwh_per_kwp: np.ndarray             # the same under the day's clouds
    cloud_index: np.ndarray                # clear-sky index k per slot (1 = clear)
    ghi_clear_w_m2: np.ndarray
    sky: str


def slot_starts(date: str, slots: int = 96) -> pd.DatetimeIndex:
    """The UTC starts of a day's first `slots` 15-minute slots (`date` is YYYY-MM-DD)."""
    try:
        day = dt.date.fromisoformat(str(date).strip()) if len(str(date).strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise GridError(f"the date {date!r} is not a day: write it as YYYY-MM-DD, e.g. 2026-06-21",
                        kind="input")
    return pd.date_range(pd.Timestamp(day, tz="UTC"), periods=slots, freq=f"{SLOT_MINUTES}min")


def cloud_index(slots: int, sky: str, rng: random.Random) -> tuple[np.ndarray, str]:
    """A seeded clear-sky index per slot, and the sky it was drawn for.

    k follows an AR(1) process around the sky's mean (persistence 0.9 from one
    quarter hour to the next, which gives cloud spells of an hour or two),
    clipped to 0.1-1.0. "clear" is k = 1 throughout; "random" picks a sky first
    (clear 25 %, mixed 45 %, overcast 30 %).
    """
    if sky not in SKIES:
        raise GridError(f"unknown sky {sky!r}: use one of {', '.join(SKIES)}", kind="input")
    if sky == "random":
        sky = rng.choices(("clear", "mixed", "overcast"), weights=(25, 45, 30))[0]
    mean, spread = SKY_PARAMETERS[sky]
    k, values = mean, []
    for _ in range(slots):
        k = mean + 0.9 * (k - mean) + spread * math.sqrt(1 - 0.9**2) * rng.gauss(0, 1)
        values.append(min(max(k, 0.1), 1.0))
    return np.array(values), sky


def air_temperature(times: pd.DatetimeIndex) -> np.ndarray:
    """Air temperature (degC): the month's mean plus a 4 K swing peaking at 15:00 local solar time."""
    solar_hour = times.hour + times.minute / 60 + SUNDSVALL.longitude / 15
    mean = np.array([MONTHLY_MEAN_C[m - 1] for m in times.month])
    return mean + 4.0 * np.cos((solar_hour - 15.0) / 24 * 2 * np.pi)


def _pv_per_kwp(times: pd.DatetimeIndex, ghi: np.ndarray, dni: np.ndarray, dhi: np.ndarray) -> np.ndarray:
    """AC power (kW) of 1 kWp, by pvlib's PVWatts chain, for the given irradiance (W/m2)."""
    system = PVSystem(surface_tilt=ROOF_TILT_DEG, surface_azimuth=ROOF_AZIMUTH_DEG,
                      module_parameters={"pdc0": 1000.0, "gamma_pdc": -0.004},
                      inverter_parameters={"pdc0": 1000.0 / 0.96},
                      temperature_model_parameters=TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"])
    chain = ModelChain.with_pvwatts(system, SUNDSVALL)
    weather = pd.DataFrame({"ghi": ghi, "dni": dni, "dhi": dhi, "temp_air": air_temperature(times),
                            "wind_speed": 1.0}, index=times)
    chain.run_model(weather)
    return np.clip(np.nan_to_num(np.asarray(chain.results.ac, dtype=float)), 0, None) / 1000.0


def day_weather(date: str, slots: int, sky: str, rng: random.Random) -> DayWeather:
    """The day's sunshine at Sundsvall, clear and cloudy, per kWp and per slot."""
    starts = slot_starts(date, slots)
    middles = starts + pd.Timedelta(minutes=SLOT_MINUTES / 2)
    clear = SUNDSVALL.get_clearsky(middles, model="ineichen")
    k, sky = cloud_index(slots, sky, rng)
    ghi = clear["ghi"].to_numpy() * k
    zenith = SUNDSVALL.get_solarposition(middles)["apparent_zenith"]
    clear_kw = _pv_per_kwp(middles, clear["ghi"].to_numpy(), clear["dni"].to_numpy(), clear["dhi"].to_numpy())
    # Clouds scale the clear-sky PV by what they do to an Erbs-split sky: beam falls faster than
    # diffuse, and k = 1 gives back the clear sky exactly.
    cloudy_split = pvlib.irradiance.erbs(ghi, zenith, middles)
    clear_split = pvlib.irradiance.erbs(clear["ghi"].to_numpy(), zenith, middles)
    cloudy_ref = _pv_per_kwp(middles, ghi, cloudy_split["dni"].to_numpy(), cloudy_split["dhi"].to_numpy())
    clear_ref = _pv_per_kwp(middles, clear["ghi"].to_numpy(), clear_split["dni"].to_numpy(),
                            clear_split["dhi"].to_numpy())
    # (At the horizon Erbs may see no usable light at all: there the clouds scale PV by k itself.)
    ratio = np.divide(cloudy_ref, clear_ref, out=k.astype(float).copy(), where=clear_ref > 1e-6)
    cloudy_kw = clear_kw * np.clip(ratio, 0, 1)
    return DayWeather(starts, clear_kw * SLOT_HOURS, cloudy_kw * SLOT_HOURS, k, clear["ghi"].to_numpy(), sky)
