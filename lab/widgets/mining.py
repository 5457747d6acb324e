"""Mining widget: pick a difficulty, mine a block, compare the hash with the target.

Difficulty is a slider over k (bits): the target is 2**(256 - k), so each hash
wins with probability about 2**-k and a miner expects 2**k attempts. The
widget shows the target and the winning hash as numbers, because proof of
work is a comparison of two numbers: hash <= target.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
from IPython.display import display
from tqdm.auto import tqdm

from grid.chain import THESIS_GENESIS_TIMESTAMP
from primitives.block import target_to_bits
from primitives.pow import MiningResult, expected_attempts, mine, practice_header, target_for_k_bits

from .message import MessageLine


def hex256(n: int) -> str:
    """A 256-bit number as 64 hex digits, so hashes and targets line up."""
    return f"0x{n:064x}"


def describe_target(k_bits: int) -> str:
    """The target for k bits as a number, its bits field and the expected work."""
    target = target_for_k_bits(k_bits)
    return (f"k = {k_bits} bits → target = 2^{256 - k_bits} ≈ {target:.3e} "
            f"(bits 0x{target_to_bits(target):08x}), expected attempts 2^256/(target+1) ≈ "
            f"{expected_attempts(target):,.0f}")


class MiningWidget:
    """Mine a practice block at difficulty k with a progress bar; show hash vs target."""

    def __init__(self, k_bits: int = 16, data: str = "generator1 sells 100 kWh to consumer1",
                 max_attempts: int = 5_000_000, max_k_bits: int = 28):
        """k_bits: starting difficulty; max_attempts: when to give up a search."""
        self.slider = widgets.IntSlider(value=k_bits, min=1, max=max_k_bits, description="k (bits)",
                                        continuous_update=False)
        self.text = widgets.Text(value=data, description="block data", continuous_update=False,
                                 layout=widgets.Layout(width="32em"))
        self.max_attempts = widgets.IntText(value=max_attempts, description="max attempts")
        self.button = widgets.Button(description="mine", button_style="primary")
        self.target_view = widgets.HTML()
        self.message_line = MessageLine()
        self.message_view = self.message_line.widget
        self.output = widgets.Output()

        self.result: MiningResult | None = None
        self.k_bits = k_bits
        self.target = target_for_k_bits(k_bits)

        self.slider.observe(self._on_settings, names="value")
        self.text.observe(self._on_settings, names="value")
        self.button.on_click(lambda _: self.mine())
        self.widget = widgets.VBox([
            widgets.HBox([self.slider, self.max_attempts]), self.text, self.target_view,
            self.button, self.message_view, self.output,
        ])
        self._on_settings(None)

    def mine(self) -> MiningResult | None:
        """Search nonces from 0 for the current settings, with a tqdm progress bar."""
        limit = self.max_attempts.value
        if limit is None or limit < 1:
            self._say("max attempts must be a whole number of at least 1.")
            return None
        self._say("")
        header = practice_header(self.text.value, self.k_bits, THESIS_GENESIS_TIMESTAMP)
        self.output.clear_output()
        with self.output:
            # The bar's total is the *expected* work: luck finishes before or after it.
            bar = tqdm(total=round(min(expected_attempts(self.target), limit)), unit="hash",
                       desc=f"mining k={self.k_bits}")
            result = mine(header, max_attempts=limit, progress=bar.update)
            bar.total = max(bar.n, 1)   # a finished search is a full bar, however lucky
            bar.close()
        self.result = result
        if not result.found:
            self._say(f"No nonce found in {limit:,} attempts (expected about "
                      f"{expected_attempts(self.target):,.0f}): lower k or raise max attempts.")
        with self.output:
            print(self._result_text())
        return result

    @property
    def message(self) -> str:
        """The problem with the last search, else ""."""
        return self.message_line.text

    def summary(self) -> str:
        """Target, expected work, and the last result: nonce, attempts, hash vs target."""
        lines = [describe_target(self.k_bits)]
        if self.result is not None:
            lines.append(self._result_text())
        if self.message:
            lines.append(self.message)
        return "\n".join(lines)

    def _ipython_display_(self):
        display(self.widget)

    def _result_text(self) -> str:
        r = self.result
        if r is None:
            return "not mined yet: press mine"
        h = r.header.hash_int()
        if not r.found:
            return (f"gave up after {r.attempts:,} attempts in {r.elapsed:.2f} s "
                    f"({r.hash_rate:,.0f} hashes/s)")
        return "\n".join([
            f"found nonce {r.header.nonce:,} after {r.attempts:,} attempts in {r.elapsed:.3f} s "
            f"({r.hash_rate:,.0f} hashes/s)",
            f"block hash (display order) {r.header.hash_hex()}",
            f"hash   as a number {hex256(h)} ≈ {h:.3e}",
            f"target as a number {hex256(self.target)} ≈ {self.target:.3e}",
            f"hash ≤ target: {'✓' if h <= self.target else '✗'} "
            f"(attempts / expected = {r.attempts / expected_attempts(self.target):.2f})",
        ])

    def _say(self, message: str) -> None:
        self.message_line.show(message)

    def _on_settings(self, _change) -> None:
        self.k_bits = self.slider.value
        self.target = target_for_k_bits(self.k_bits)
        self.result = None
        self._say("")
        self.output.clear_output()
        self.target_view.value = f"<code>{html.escape(describe_target(self.k_bits))}</code>"
