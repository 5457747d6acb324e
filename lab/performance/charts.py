"""Notebook 11's charts, each with a title, axis labels with units and a legend."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, display
from matplotlib.figure import Figure

from grid.bench import Row
from grid.bench.drivers import FUNCTIONS

from .measure import CLIENT_SIDE, Part
from .model import expected_query_s, expected_transaction_s
from .tables import FLOOR_TARGET, _functions_of, bench_frame

COLOURS = {"Generate Power": "tab:blue", "Consume Power": "tab:orange",
           "Transfer Power": "tab:green", "Query Information": "tab:red"}


def plot_ratio_to_floor(rows: Iterable[Row], chain: str) -> Figure:
    """p50 ÷ floor p50 for each function against blocks (left) and users (right), with our aim of 1.5x."""
    frame = _functions_of(bench_frame(rows), chain)
    grids = [g for g in ("blocks", "users") if (frame["grid"] == g).any()]
    fig, axes = plt.subplots(1, len(grids), figsize=(6 * len(grids), 4.2), layout="constrained",
                             squeeze=False)
    for ax, grid in zip(axes[0], grids, strict=True):
        mine = frame[frame["grid"] == grid].sort_values("value")
        for function in FUNCTIONS:
            one = mine[mine["function"] == function]
            ax.plot(one["value"], one["ratio_to_floor"], "-o", color=COLOURS[function], label=function)
        ax.axhline(FLOOR_TARGET, color="grey", linestyle="--", label=f"our aim: {FLOOR_TARGET}x the floor")
        ax.axhline(1.0, color="black", linewidth=0.8, label="the floor itself (1x)")
        if grid == "blocks":  # symlog: 0 blocks has a place on a logarithmic axis
            ax.set_xscale("symlog", linthresh=10)
            ax.set_xlim(-0.5, max(10, mine["value"].max()) * 1.5)
        else:
            ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.set_title(f"{chain}: toolkit p50 ÷ floor p50, against {grid}")
        ax.set_xlabel(f"{grid} in the cell ({grid})")
        ax.set_ylabel("ratio to the floor (times)")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    return fig


def show_figure(fig: Figure, dpi: int = 100) -> None:
    """Display a figure made without pyplot (e.g. grid.bench.charts') in a notebook, as a PNG."""
    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    display(Image(data=buffer.getvalue()))


SOURCE_COLOURS = {"measured on anvil": "tab:blue", "measured in Python": "tab:purple",
                  "measured on tester": "tab:olive", "documented default": "tab:grey"}


def plot_parts(parts: Sequence[Part]) -> Figure:
    """The measured parts of a request as horizontal bars on a logarithmic time axis."""
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(parts) + 2.2), layout="constrained")
    names = [p.name for p in parts][::-1]
    values = [p.seconds * 1e3 for p in parts][::-1]
    colours = [SOURCE_COLOURS.get(p.source, "tab:cyan") for p in parts][::-1]
    ax.barh(names, values, color=colours)
    for y, value in enumerate(values):
        ax.text(value * 1.1, y, f"{value:.3g} ms", va="center", fontsize="small")
    ax.set_xscale("log")
    ax.set_xlim(right=max(values) * 8)
    for source, colour in SOURCE_COLOURS.items():
        if any(p.source == source for p in parts):
            ax.barh([names[0]], [0], color=colour, label=source)  # legend entries only
    ax.set_title("Where a request's time goes: each part timed on its own (medians)")
    ax.set_xlabel("time (ms, logarithmic)")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    return fig


def plot_breakdown(table: pd.DataFrame) -> Figure:
    """Stacked bars: each client's transaction as its JSON-RPC requests plus its client-side Python."""
    parts = [c for c in table.columns if c not in ("requests", "total (ms)")]
    fig, ax = plt.subplots(figsize=(9, 0.7 * len(table) + 2.2), layout="constrained")
    cmap = plt.get_cmap("tab10")
    left = [0.0] * len(table)
    labels = [f"{name}\n({int(n)} request{'s' if n != 1 else ''})" for name, n in
              zip(table.index, table["requests"], strict=True)][::-1]
    for i, part in enumerate(parts):
        values = [float(v) for v in table[part]][::-1]
        colour = "lightgrey" if part == CLIENT_SIDE else cmap(i % 10)
        ax.barh(labels, values, left=left, color=colour, edgecolor="white", label=part)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, total in enumerate(left):
        ax.text(total + max(left) * 0.01, y, f"{total:.2f} ms", va="center", fontsize="small")
    ax.set_xlim(right=max(left) * 1.15)
    ax.set_title("One Generate Power on anvil, request by request (medians)")
    ax.set_xlabel("time per transaction (ms)")
    ax.legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    return fig


def plot_network_model(*, transaction_base_s: float, query_base_s: float, confirmations: int = 6,
                       poll_interval_s: float = 0.0, thesis: dict[str, float] | None = None) -> Figure:
    """The model against the block interval (log-log), with 1 s and 12 s marked and the thesis's means."""
    block_times = [10 ** (e / 20) for e in range(-80, 27)]  # 0.0001 s to ~20 s
    fig, ax = plt.subplots(figsize=(8.5, 5), layout="constrained")
    ax.plot(block_times, [expected_query_s(t, base_s=query_base_s) for t in block_times],
            color="tab:red", label="query (waits for no block)")
    included = [expected_transaction_s(t, base_s=transaction_base_s, poll_interval_s=poll_interval_s)
                for t in block_times]
    ax.plot(block_times, included, color="tab:blue", label="transaction, included")
    ax.plot(block_times, [expected_transaction_s(t, base_s=transaction_base_s, confirmations=confirmations,
                                                 poll_interval_s=poll_interval_s) for t in block_times],
            color="tab:blue", linestyle="--", label=f"transaction, {confirmations} confirmations")
    for t, name in ((1.0, "1 s blocks"), (12.0, "12 s blocks (Ethereum)")):
        ax.axvline(t, color="grey", linestyle=":", linewidth=1)
        ax.text(t * 1.08, query_base_s * 1.5, name, rotation=90, fontsize="small", color="grey",
                va="bottom")
    # One style per thesis mean, for up to four of them (strict=False: often fewer, or none).
    for (label, value), style in zip((thesis or {}).items(), ("-.", (0, (1, 1)), "-.", ":"), strict=False):
        ax.axhline(value, color="black", linestyle=style, linewidth=1, label=f"thesis: {label}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_title("The model: expected response time as blocks take longer")
    ax.set_xlabel("block interval (s, logarithmic)")
    ax.set_ylabel("expected response time (s, logarithmic)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", loc="upper left")
    return fig
