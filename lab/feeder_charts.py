"""Notebook 14's charts: the feeder drawn from its topology, days side by side, voltage along the feeder.

Kerber's networks come without coordinates, so the drawing is a schematic:
each bus sits at its cable distance from the transformer (x), each strand
leaving the busbar on its own row (y), each house connection just above
its strand.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import networkx as nx
import pandapower as pp
import pandapower.topology as top
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from grid.simulation.flow import V_MAX_PU, V_MIN_PU
from grid.simulation.households import Household
from grid.simulation.model import FeederSlot

HOUSE_OFFSET = 0.35          # how far above its strand a house connection is drawn


@dataclass(frozen=True)
class Layout:
    """Where each LV bus is drawn: its cable distance from the transformer (km) and its row."""

    busbar: int
    distance_km: dict[int, float]
    row: dict[int, float]


def feeder_layout(net: pp.pandapowerNet) -> Layout:
    """The schematic position of every LV bus: distance from the transformer, and its strand's row."""
    busbar = int(net.trafo.lv_bus.iloc[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        distance = {int(b): float(d) for b, d in top.calc_distance_to_bus(net, busbar).items()}
        graph = top.create_nxgraph(net, include_trafos=False)
    row: dict[int, float] = {busbar: 0.0}
    for index, first in enumerate(sorted(graph.neighbors(busbar))):
        strand = nx.node_connected_component(graph.subgraph(set(graph) - {busbar}), first)
        for bus in strand:
            leaf = graph.degree(bus) == 1
            row[int(bus)] = -index * 1.0 + (HOUSE_OFFSET if leaf else 0.0)
    return Layout(busbar, distance, row)


def feeder_figure(net: pp.pandapowerNet, houses: list[Household], *, voltages: dict[int, float] | None = None,
                  title: str) -> Figure:
    """The feeder's cables and buses; houses marked by PV size; buses coloured by voltage when given."""
    layout = feeder_layout(net)
    fig = Figure(figsize=(10, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for line in net.line.itertuples():
        a, b = int(line.from_bus), int(line.to_bus)
        if a in layout.row and b in layout.row:
            width = 2.5 if "150" in str(line.std_type) else 1.0
            ax.plot([layout.distance_km[a], layout.distance_km[b]], [layout.row[a], layout.row[b]],
                    color="tab:gray", linewidth=width, zorder=1)
    buses = [b for b in layout.row if b != layout.busbar]
    xs = [layout.distance_km[b] for b in buses]
    ys = [layout.row[b] for b in buses]
    if voltages:
        norm = Normalize(V_MIN_PU, V_MAX_PU + 0.02)
        points = ax.scatter(xs, ys, c=[voltages[b] for b in buses], cmap=colormaps["coolwarm"], norm=norm,
                            s=40, zorder=2, edgecolors="black", linewidths=0.5)
        fig.colorbar(points, ax=ax, label="bus voltage (p.u.)")
    else:
        ax.scatter(xs, ys, s=18, color="black", zorder=2)
    kwp: dict[int, float] = {}
    for house in houses:
        kwp[house.bus] = kwp.get(house.bus, 0.0) + house.pv_kwp
    for bus, size in kwp.items():
        label = f"{size:g} kWp" if size else "no PV"
        ax.annotate(label, (layout.distance_km[bus], layout.row[bus]), textcoords="offset points",
                    xytext=(0, 7), ha="center", fontsize=7, color="tab:orange" if size else "tab:blue")
    ax.scatter([0], [0], marker="s", s=120, color="black", zorder=3)
    ax.annotate(f"transformer {net.trafo.sn_mva.iloc[0] * 1000:g} kVA", (0, 0), textcoords="offset points",
                xytext=(5, -14), fontsize=8)
    ax.set(title=title, xlabel="cable distance from the transformer (km)", yticks=[],
           ylabel="strands (houses just above)")
    ax.spines[["left", "right", "top"]].set_visible(False)
    return fig


def _hours(slots: list[FeederSlot]) -> list[float]:
    return [s.start_utc.hour + s.start_utc.minute / 60 for s in slots]


def days_figure(days: dict[str, list[FeederSlot]]) -> Figure:
    """Each day's PV and load (kW) and its voltage band (p.u.), by time of day."""
    fig = Figure(figsize=(11, 4.2), layout="constrained")
    power, volts = fig.subplots(1, 2)
    for (label, slots), colour in zip(days.items(), ("tab:orange", "tab:blue", "tab:green"), strict=False):
        hours = _hours(slots)
        power.plot(hours, [s.pv_kwh * 4 for s in slots], color=colour, label=f"{label}: PV")
        power.plot(hours, [s.load_kwh * 4 for s in slots], color=colour, linestyle="--",
                   label=f"{label}: load")
        volts.fill_between(hours, [s.flow.vmin_pu for s in slots], [s.flow.vmax_pu for s in slots],
                           color=colour, alpha=0.4, label=f"{label}: lowest to highest bus")
    for limit in (V_MIN_PU, V_MAX_PU):
        volts.axhline(limit, color="black", linestyle=":", linewidth=1)
    power.set(title="The feeder's PV and load", xlabel="time of day (h, UTC)", ylabel="average power (kW)")
    volts.set(title="Bus voltages with nobody instructed", xlabel="time of day (h, UTC)",
              ylabel="voltage (p.u.)")
    power.legend(fontsize=8)
    volts.legend(fontsize=8, loc="lower left")
    return fig


def voltage_profile_figure(net: pp.pandapowerNet, flows: dict[str, dict[int, float]], *,
                           title: str) -> Figure:
    """Bus voltage against cable distance from the transformer, one marker series per case."""
    layout = feeder_layout(net)
    fig = Figure(figsize=(8, 4.2), layout="constrained")
    ax = fig.add_subplot()
    for label, voltages in flows.items():
        buses = sorted(voltages, key=lambda b: layout.distance_km.get(b, 0.0))
        ax.plot([layout.distance_km[b] for b in buses], [voltages[b] for b in buses], marker="o",
                linestyle="none", markersize=4, label=label)
    ax.axhline(V_MAX_PU, color="black", linestyle=":", linewidth=1, label="band limit (1.05 p.u.)")
    ax.set(title=title, xlabel="cable distance from the transformer (km)", ylabel="bus voltage (p.u.)")
    ax.legend(fontsize=8)
    return fig


def price_scarcity_figure(slots: pd.DataFrame, *, title: str) -> Figure:
    """Each traded slot's clearing price against the feeder's PV surplus (PV minus load) in that slot."""
    traded = slots[slots.traded_kwh > 0]
    fig = Figure(figsize=(7, 4.2), layout="constrained")
    ax = fig.add_subplot()
    points = ax.scatter((traded.pv_kwh - traded.load_kwh) * 4, traded.price_eth_per_kwh,
                        c=traded.traded_kwh, cmap="viridis")
    fig.colorbar(points, ax=ax, label="traded energy (kWh per slot)")
    ax.set(title=title, xlabel="feeder PV surplus: PV minus load (kW)", ylabel="clearing price (ETH/kWh)")
    return fig
