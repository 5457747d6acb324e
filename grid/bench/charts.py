"""Charts in the style of the thesis's Figures 6.1 and 6.2, ours beside the thesis's.

One figure per chain and grid: response time against blocks (Figure 6.1) or
against users (Figure 6.2), one colour per function; the thesis's means
(Tables 6.1/6.2, from data/) dashed, our p50 solid, the bare round trip
(the floor) dotted. The y axis is logarithmic: the two sets differ about a
thousandfold. Built on `matplotlib.figure.Figure` (no pyplot state), so it
works headless and in notebooks alike; every figure has a title, axis labels
with units and a legend (the curriculum's chart rules).
"""
from __future__ import annotations

import re
from pathlib import Path

from .drivers import FUNCTIONS, GENERATE, QUERY
from .results import Row
from .thesis import TABLE_OF_GRID, thesis_series

COLOURS = {"Generate Power": "tab:blue", "Consume Power": "tab:orange",
           "Transfer Power": "tab:green", "Query Information": "tab:red"}
AXIS_LABEL = {"blocks": "number of blocks in the chain (blocks)",
              "users": "number of users in the system (users)"}
FIXED = {"blocks": "users", "users": "blocks"}


def response_time_figure(rows: list[Row], grid: str, chain: str):
    """Figure 6.1 (grid="blocks") or 6.2 (grid="users") redrawn for `chain`, thesis beside ours."""
    from matplotlib.figure import Figure  # noqa: PLC0415 - matplotlib loads only when a chart is drawn

    mine = sorted((r for r in rows if r.chain == chain and r.grid == grid and r.function in FUNCTIONS),
                  key=lambda r: r.value)
    fig = Figure(figsize=(8, 6.5), layout="constrained")
    ax = fig.add_subplot()
    for function in FUNCTIONS:
        colour = COLOURS[function]
        thesis = thesis_series(grid, function)
        ax.plot([c.value for c in thesis], [c.mean_s for c in thesis], "--o", color=colour,
                label=f"thesis: {function} (mean)")
        ours = [r for r in mine if r.function == function]
        ax.plot([r.value for r in ours], [r.p50_s for r in ours], "-s", color=colour,
                label=f"{chain}: {function} (p50)")
    for function, name in ((GENERATE, "transaction"), (QUERY, "call")):
        floor = [r for r in mine if r.function == function]
        ax.plot([r.value for r in floor], [r.floor_p50_s for r in floor], ":", color="grey",
                marker="." if name == "call" else "x", label=f"{chain}: floor, bare {name} (p50)")
    fixed = mine[0].users if grid == "blocks" and mine else mine[0].blocks if mine else ""
    ax.set_yscale("log")
    if grid == "blocks":  # symlog: 0 blocks has a place on a logarithmic axis
        ax.set_xscale("symlog", linthresh=10)
        ax.set_xlim(-1, max([1000, *(r.value for r in mine)]) * 1.5)
    else:
        ax.set_xscale("log")
    ax.set_title(f"Figure 6.{TABLE_OF_GRID[grid][-1]} redone on {chain}: response time against "
                 f"{grid} ({fixed} {FIXED[grid]})")
    ax.set_xlabel(AXIS_LABEL[grid])
    ax.set_ylabel("response time (s)")
    ax.grid(True, which="both", alpha=0.3)
    # Below the axes: inside, it would hide points of one set or the other.
    ax.legend(fontsize="small", ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.13))
    return fig


def save_charts(rows: list[Row], out: Path) -> list[Path]:
    """One PNG per chain and grid in `out`; returns their paths."""
    paths = []
    out.mkdir(parents=True, exist_ok=True)
    for chain in dict.fromkeys(r.chain for r in rows):
        for grid in ("blocks", "users"):
            if not any(r.chain == chain and r.grid == grid for r in rows):
                continue
            fig = response_time_figure(rows, grid, chain)
            path = out / f"figure_6_{TABLE_OF_GRID[grid][-1]}_{_slug(chain)}.png"
            fig.savefig(path, dpi=110)
            paths.append(path)
    return paths


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")
