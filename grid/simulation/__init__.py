"""A day on a real low-voltage feeder: households with PV trade on the market, the operator dispatches.

    from grid.simulation import DayOptions, simulate_day, write_results
    day = simulate_day(DayOptions(date="2026-06-21", households=20, chain="anvil"))
    write_results(day)            # simulation-results/: slots.csv, households.csv, charts

A library with a CLI (`python -m grid simulate`), without widgets. feeders:
the test feeders (pandapower.networks); weather: pvlib's clear sky, the seeded
cloud model and the PV system; households: the seeded mix and the BDEW H0 load
(demandlib); strategy: forecasts and orders; flow: the AC power flow
(pandapower); model: one seed's households, weather and loads, and the
flow-only day; operator: the dispatch rules; day: the slot loop on chain;
output: the files. The names below load on first use, since pandapower takes
seconds to import and `python -m grid` should not wait for it.
"""
from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {"DayOptions": "model", "DayResult": "day", "simulate_day": "day", "FEEDERS": "feeders",
            "DEFAULT_FEEDER": "feeders", "write_results": "output", "summary": "output",
            "day_model": "model", "feeder_day": "model"}


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'grid.simulation' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)


__all__ = sorted(_EXPORTS)
