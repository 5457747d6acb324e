"""`python -m grid simulate`: one day on the feeder, written to CSVs and charts.

This module stays light (argparse only): the simulation and its libraries
load when the command runs, not when `python -m grid` starts.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

DEFAULT_OUT = Path("simulation-results")
FEEDER_NAMES = ("kerber-landnetz-kabel-2", "kerber-landnetz-freileitung-1", "kerber-dorfnetz", "cigre-lv")


def _seed(text: str) -> int:
    if not text.lstrip("-").isdigit():
        raise argparse.ArgumentTypeError(f"give a whole number as the seed, not {text!r}")
    return int(text)


def _households(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 60:
        raise argparse.ArgumentTypeError(f"give a number of households from 1 to 60, not {text!r}")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the simulation's options to `parser`."""
    parser.add_argument(
        "--date", default="2026-06-21", help="the day, YYYY-MM-DD (default 2026-06-21, midsummer)"
    )
    parser.add_argument(
        "--households", type=_households, default=20, help="households on the feeder (default 20)"
    )
    parser.add_argument(
        "--feeder",
        default=FEEDER_NAMES[0],
        choices=FEEDER_NAMES,
        help=f"the LV test feeder (default {FEEDER_NAMES[0]})",
    )
    parser.add_argument(
        "--chain", default="tester", help="tester (default), anvil, or an http(s):// node URL"
    )
    parser.add_argument(
        "--seed", type=_seed, default=1, help="seed of households, clouds and noise (default 1)"
    )
    parser.add_argument(
        "--sky",
        default="random",
        choices=("random", "clear", "mixed", "overcast"),
        help="the cloud model's sky (default random: drawn from the seed)",
    )
    parser.add_argument("--quick", action="store_true", help="four hours around noon (16 slots), not 96")
    parser.add_argument("--no-dispatch", action="store_true", help="the operator watches but never instructs")
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"folder for the CSVs and charts (default {DEFAULT_OUT}/)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def main(args: argparse.Namespace) -> int:
    """Run the day for parsed `args`, write its files and print its figures."""
    day_module = importlib.import_module("grid.simulation.day")
    output = importlib.import_module("grid.simulation.output")
    options = day_module.DayOptions(
        date=args.date,
        households=args.households,
        feeder=args.feeder,
        chain=args.chain,
        seed=args.seed,
        quick=args.quick,
        sky=args.sky,
        dispatch=not args.no_dispatch,
    )
    day = day_module.simulate_day(options, progress=not args.no_progress)
    paths = output.write_results(day, args.out)
    figures = output.summary(day)
    seconds = figures["seconds"]
    print(
        f"{figures['slots']} slots on {figures['feeder']} ({figures['households']} households, "
        f"{figures['sky']} sky, {options.date}, chain {options.chain}):"
    )
    print(
        f"  PV {figures['pv_kwh']} kWh (clear sky {figures['pv_clear_sky_kwh']} kWh), load "
        f"{figures['load_kwh']} kWh, import {figures['grid_import_kwh']} kWh, export "
        f"{figures['grid_export_kwh']} kWh, losses {figures['losses_kwh']} kWh"
    )
    print(
        f"  traded {figures['traded_kwh']} kWh; curtailed {figures['curtailed_kwh']} kWh; "
        f"self-sufficiency {figures['self_sufficiency_pct']} %"
    )
    print(
        f"  voltage {figures['vmin_pu']}-{figures['vmax_pu']} p.u. (without dispatch up to "
        f"{figures['vmax_pu_undispatched']} p.u.); {figures['dispatches']} dispatch instruction(s); "
        f"{figures['slots_out_of_band']} slot(s) out of band"
    )
    print(
        f"  {seconds['total']} s: power flow {seconds['power_flow']} s, transactions "
        f"{seconds['transactions']} s, models {seconds['models']} s"
    )
    print(f"  wrote {', '.join(str(p) for p in paths[:2])} and {len(paths) - 2} more files in {args.out}/")
    sys.stdout.flush()
    return 0
