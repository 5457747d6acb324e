"""Notebook 05's widget: run the gossip simulation and watch forks resolve.

    w = NetworkSimulator(latency=8, block_interval=60, shares="30, 25, 20, 15, 10")
    w                       # sliders, a Run button, the block tree
    print(w.summary())      # stale rate, forks, reorgs, convergence as text

The simulation is primitives.network.simulate; the tree is drawn by
lab.consensus_charts. This class only turns controls into arguments.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from ..consensus_charts import SimulationRun, plot_block_tree, simulate_with_blocks
from .message import message_html


def parse_shares(text: str) -> list[float]:
    """Read "30, 25, 20" as hash-power shares; ValueError with a readable message."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        shares = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"miners' shares must be numbers separated by commas, like 30, 25, 20 "
                         f"(got {text!r})") from None
    if len(shares) < 2:
        raise ValueError("give at least two miners' shares, like 50, 50")
    if any(s < 0 for s in shares) or sum(shares) <= 0:
        raise ValueError("shares must be zero or positive, and not all zero")
    return shares


class NetworkSimulator:
    """Controls for latency, block interval and miners' shares; shows the block tree."""

    def __init__(self, *, latency: float = 8.0, block_interval: float = 60.0,
                 shares: str = "30, 25, 20, 15, 10", n_blocks: int = 60, seed: int = 0,
                 x_axis: str = "height"):
        """Build the controls and run the simulation once with these values."""
        self.latency = widgets.FloatSlider(value=latency, min=0.0, max=120.0, step=0.5,
                                           description="latency (s)", continuous_update=False)
        self.block_interval = widgets.FloatSlider(value=block_interval, min=5.0, max=600.0, step=5.0,
                                                  description="interval (s)", continuous_update=False)
        self.shares = widgets.Text(value=shares, description="shares",
                                   placeholder="miners' hash-power shares, e.g. 30, 25, 20")
        self.n_blocks = widgets.IntSlider(value=n_blocks, min=5, max=400, step=5, description="blocks",
                                          continuous_update=False)
        self.seed = widgets.IntText(value=seed, description="seed")
        self.x_axis = widgets.ToggleButtons(options=["height", "time"], value=x_axis, description="x axis")
        self.button = widgets.Button(description="Run", button_style="primary")
        self.message = widgets.HTML()
        self.output = widgets.Output()
        self.run: SimulationRun | None = None
        self.used_shares: list[float] = []
        self.error = ""
        self.figure = None
        self.button.on_click(lambda _: self.update())
        self.widget = widgets.VBox([
            widgets.HBox([self.latency, self.block_interval]),
            widgets.HBox([self.shares, self.n_blocks]),
            widgets.HBox([self.seed, self.x_axis, self.button]),
            self.message, self.output])
        self.update()

    def update(self) -> None:
        """Run the simulation with the current controls and redraw (synchronous)."""
        try:
            shares = parse_shares(self.shares.value)
            self.run = simulate_with_blocks(shares, block_interval=self.block_interval.value,
                                            latency=self.latency.value, n_blocks=self.n_blocks.value,
                                            seed=self.seed.value)
            self.used_shares, self.error = shares, ""
        except ValueError as exc:
            self.run, self.error = None, str(exc)
        self.message.value = message_html(self.error) or f"<pre>{html.escape(self.summary())}</pre>"
        self._draw()

    def _draw(self) -> None:
        self.output.clear_output(wait=True)
        if self.figure is not None:
            plt.close(self.figure)
            self.figure = None
        if self.run is None:
            return
        self.figure = plot_block_tree(self.run.blocks, self.run.best_tip, x=self.x_axis.value)
        with self.output:
            display(self.figure)
        plt.close(self.figure)   # shown in the output widget only, not a second time below the cell

    def summary(self) -> str:
        """The current run as plain text: stale rate, forks, reorgs, convergence."""
        if self.run is None:
            return f"no simulation: {self.error}"
        r = self.run.result
        share_text = ", ".join(f"{s:g}" for s in self.used_shares)
        lines = [
            f"{r.n_nodes} miners (shares {share_text}), latency {r.mean_latency:g} s, "
            f"block interval {r.block_interval:g} s, seed {r.seed}",
            f"blocks mined: {r.blocks_mined}   main chain: {r.main_chain_length}   "
            f"stale: {r.stale_blocks} (stale rate {r.stale_rate:.1%})",
            f"forks (blocks with two or more children): {r.forks}",
            f"reorgs over all nodes: {r.reorgs} (deepest {r.max_reorg_depth} block(s))",
            f"convergence: nodes disagreed {len(r.convergence_times)} times, "
            f"{r.mean_convergence_time:.1f} s on average, longest {r.max_convergence_time:.1f} s",
            "main-chain blocks per miner: " + ", ".join(
                f"{i}: {m}/{b}" for i, (m, b) in enumerate(zip(r.main_chain_by, r.mined_by, strict=True))),
        ]
        if not r.settled:
            lines.append(f"not settled at the end: two tips of equal height, split for "
                         f"{r.unsettled_for:.1f} s")
        return "\n".join(lines)

    def _ipython_display_(self) -> None:
        display(self.widget)
