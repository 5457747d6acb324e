"""A simulated day on disk: slots.csv, households.csv, readings.csv, summary.json and the charts.

Every column name carries its unit (kwh, pu, pct, wei, eth_per_kwh), and
every chart has a title, labelled axes with units, and a legend.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, fields
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from .cli import DEFAULT_OUT
from .day import DayResult
from .feeders import feeder
from .flow import V_MAX_PU, V_MIN_PU
from .records import HouseholdRecord, MeterReadingRecord, SlotRecord

CHARTS = ("feeder_energy.png", "voltage_band.png", "market.png", "curtailment.png", "self_sufficiency.png")


def _write(path: Path, rows: list, kind: type) -> None:
    names = [f.name for f in fields(kind)]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (round(v, 6) if isinstance(v, float) else v) for k, v in asdict(row).items()})


def summary(day: DayResult) -> dict:
    """The day in figures (kWh, ETH, s): what the CLI prints and summary.json keeps."""
    s = pd.DataFrame([asdict(r) for r in day.slots])
    load, pv = float(s.load_kwh.sum()), float(s.pv_kwh.sum())
    local = float((s[["pv_kwh", "load_kwh"]].min(axis=1)).sum())
    o = day.options
    return {
        "date": o.date,
        "feeder": o.feeder,
        "feeder_source": feeder(o.feeder).source,
        "households": o.households,
        "slots": len(day.slots),
        "seed": o.seed,
        "sky": day.sky,
        "chain": o.chain,
        "dispatch": o.dispatch,
        "pv_clear_sky_kwh": round(float(s.pv_clear_sky_kwh.sum()), 3),
        "pv_kwh": round(pv, 3),
        "load_kwh": round(load, 3),
        "grid_import_kwh": round(float(s.grid_import_kwh.sum()), 3),
        "grid_export_kwh": round(float(s.grid_export_kwh.sum()), 3),
        "losses_kwh": round(float(s.losses_kwh.sum()), 3),
        "curtailed_kwh": round(float(s.curtailed_kwh.sum()), 3),
        "traded_kwh": round(float(s.traded_kwh.sum()), 3),
        "self_sufficiency_pct": round(100 * local / load, 2) if load else 0.0,
        "vmin_pu": round(float(s.vmin_pu.min()), 4),
        "vmax_pu": round(float(s.vmax_pu.max()), 4),
        "vmax_pu_undispatched": round(float(s.vmax_pu_undispatched.max()), 4),
        "slots_out_of_band": int(((s.vmin_pu < V_MIN_PU) | (s.vmax_pu > V_MAX_PU)).sum()),
        "dispatches": int(s.dispatches.sum()),
        "final_market_balance_wei": day.final_market_balance_wei,
        "seconds": {k: round(v, 2) for k, v in asdict(day.timings).items()},
    }


def write_results(day: DayResult, out: Path | str = DEFAULT_OUT) -> list[Path]:
    """Write the CSVs, summary.json and the charts into `out`; the paths written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / "slots.csv", day.slots, SlotRecord)
    _write(out / "households.csv", day.people, HouseholdRecord)
    _write(out / "readings.csv", day.readings, MeterReadingRecord)
    (out / "summary.json").write_text(json.dumps(summary(day), indent=2) + "\n", encoding="utf-8")
    paths = [out / n for n in ("slots.csv", "households.csv", "readings.csv", "summary.json")]
    for name, figure in zip(CHARTS, day_figures(day), strict=True):
        figure.savefig(out / name, dpi=110, bbox_inches="tight")
        paths.append(out / name)
    return paths


def day_figures(day: DayResult) -> list[Figure]:
    """The five charts of a day: energy, voltage band, market, curtailment, self-sufficiency."""
    s = pd.DataFrame([asdict(r) for r in day.slots])
    t = pd.to_datetime(s.start_utc)
    where = f"{day.options.date}, {day.options.households} households, {day.sky} sky"
    figures = []

    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    ax.plot(t, s.pv_kwh * 4, label="PV produced", color="tab:orange")
    ax.plot(t, s.load_kwh * 4, label="load", color="tab:blue")
    ax.plot(t, (s.load_kwh - s.pv_kwh) * 4, label="net (load - PV)", color="tab:gray", linestyle="--")
    ax.set(title=f"The feeder's PV, load and net ({where})", xlabel="time (UTC)", ylabel="average power (kW)")
    ax.legend()
    figures.append(fig)

    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    ax.fill_between(t, s.vmin_pu, s.vmax_pu, alpha=0.35, label="with dispatch (min to max bus)")
    ax.plot(t, s.vmax_pu_undispatched, color="tab:red", label="highest bus without dispatch")
    ax.plot(t, s.vmin_pu_undispatched, color="tab:purple", label="lowest bus without dispatch", linewidth=0.8)
    for limit in (V_MIN_PU, V_MAX_PU):
        ax.axhline(limit, color="black", linestyle=":", linewidth=1)
    ax.set(title=f"Bus voltages over the day ({where})", xlabel="time (UTC)", ylabel="voltage (p.u.)")
    ax.legend(loc="lower left")
    figures.append(fig)

    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    ax.bar(t, s.traded_kwh, width=0.009, color="tab:green", label="traded")
    ax.set(
        title=f"The market's clearing price and traded energy ({where})",
        xlabel="time (UTC)",
        ylabel="traded energy (kWh per slot)",
    )
    price = ax.twinx()
    price.plot(t, s.price_eth_per_kwh.where(s.traded_kwh > 0), color="tab:brown", marker=".", label="price")
    price.set_ylabel("clearing price (ETH/kWh)")
    fig.legend(loc="upper right")
    figures.append(fig)

    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    ax.bar(t, s.curtailed_kwh, width=0.009, color="tab:red", label="PV curtailed on instruction")
    ax.set(
        title=f"Curtailed PV energy ({where})", xlabel="time (UTC)", ylabel="curtailed energy (kWh per slot)"
    )
    ax.legend()
    figures.append(fig)

    fig = Figure(figsize=(9, 4))
    ax = fig.subplots()
    local = s[["pv_kwh", "load_kwh"]].min(axis=1)
    ax.plot(t, 100 * local.cumsum() / s.load_kwh.cumsum(), color="tab:green", label="feeder, cumulative")
    ax.set(
        title=f"Self-sufficiency: load met by the feeder's own PV ({where})",
        xlabel="time (UTC)",
        ylabel="self-sufficiency (%)",
        ylim=(0, 105),
    )
    ax.legend()
    figures.append(fig)
    for fig in figures:
        fig.autofmt_xdate()
    return figures
