"""Notebook 01's avalanche widget: type text, watch SHA-256 and Keccak-256 change.

Every edit of the text box is compared with the previous input: the widget
shows both digests, and for each one a 16 x 16 map of the 256 output bits with
the bits that changed since the last input coloured in. `summary()` gives the
same picture as plain text (counts and positions), and `plot_bit_maps` draws it
with matplotlib for a static render. All hashing is done by primitives.hashing.

Bit numbering is the library's: bit 0 is the most significant bit of byte 0,
the leftmost bit of the hex string; the map reads row by row, 16 bits a row.
"""
from __future__ import annotations

import math
import textwrap

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from primitives.hashing import avalanche_counts, changed_bits, keccak256, sha256

from .message import MessageLine

HASHES = {"SHA-256": sha256, "Keccak-256": keccak256}
DIGEST_BITS = 256
MAP_COLUMNS = 16              # 16 bits a row: one row = 4 hex digits of the digest
CHANGED_COLOUR = "#d62728"    # red: this bit flipped
UNCHANGED_COLOUR = "#e8e8e8"  # light grey: this bit stayed


def bit_map_html(changed: list[int], n_bits: int = DIGEST_BITS, columns: int = MAP_COLUMNS) -> str:
    """An HTML grid of n_bits cells, the positions in `changed` coloured as changed."""
    flipped = set(changed)
    cells = "".join(
        f'<div class="{"changed" if i in flipped else "unchanged"}" title="bit {i}" '
        f'style="width:11px;height:11px;background:'
        f'{CHANGED_COLOUR if i in flipped else UNCHANGED_COLOUR}"></div>'
        for i in range(n_bits))
    return (f'<div style="display:grid;grid-template-columns:repeat({columns},11px);gap:1px">'
            f"{cells}</div>")


def plot_bit_maps(changes: dict[str, list[int]], title: str = "Output bits that changed") -> Figure:
    """Draw one 16 x 16 bit map per hash (changed bits in red) as a matplotlib figure."""
    fig, axes = plt.subplots(1, len(changes), squeeze=False, figsize=(3.6 * len(changes), 4.0),
                             layout="constrained")
    axes = axes[0]
    cmap = ListedColormap([UNCHANGED_COLOUR, CHANGED_COLOUR])
    rows = DIGEST_BITS // MAP_COLUMNS
    for ax, (name, changed) in zip(axes, changes.items(), strict=True):
        grid = np.zeros(DIGEST_BITS)
        grid[list(changed)] = 1
        ax.imshow(grid.reshape(rows, MAP_COLUMNS), cmap=cmap, vmin=0, vmax=1)
        ax.set_title(f"{name}: {len(changed)} of {DIGEST_BITS} bits changed")
        ax.set_xlabel("bit within the row (bit)")
        ax.set_ylabel(f"row ({MAP_COLUMNS} bits each)")
    fig.suptitle(title)
    fig.legend(handles=[Patch(color=CHANGED_COLOUR, label="changed"),
                        Patch(color=UNCHANGED_COLOUR, label="unchanged")],
               loc="outside lower center", ncols=2)
    return fig


def plot_avalanche_histogram(data: bytes) -> Figure:
    """Flip each input bit in turn; histogram how many of the 256 output bits change.

    A good hash behaves like 256 fair coin flips, so the counts follow a
    binomial distribution centred on 128: the dashed curve.
    """
    fig, ax = plt.subplots(figsize=(7, 3.8), layout="constrained")
    bins = np.arange(90, 167, 2)
    for name, fn in HASHES.items():
        ax.hist(avalanche_counts(data, fn), bins=bins, alpha=0.55, label=f"{name} (measured)")
    n_flips = len(data) * 8
    ks = np.arange(90, 167)
    # Expected count per 2-bit-wide bin: n_flips * P(k) * bin width.
    expected = [n_flips * 2 * math.comb(DIGEST_BITS, int(k)) / 2 ** DIGEST_BITS for k in ks]
    ax.plot(ks, expected, "k--", label="binomial(256, ½): 256 fair coins")
    ax.set_title(f"Avalanche: flip each of the {n_flips} input bits once")
    ax.set_xlabel("output bits that changed (bits, of 256)")
    ax.set_ylabel("input bits flipped (count)")
    ax.legend()
    return fig


class AvalancheWidget:
    """Type text; see SHA-256 and Keccak-256 digests and the bits changed since the last input.

    Controls: `.text` (the input box). State: `.current_text`, `.previous_text`,
    `.digests` and `.previous_digests` (name -> 32 bytes), `.changed_bits`
    (name -> positions changed since the previous input), `.message` (a
    problem with the last input, else ""). Display: `.widget`.
    """

    def __init__(self, text: str = "GridChain", previous: str | None = None):
        """Start with `text`; if `previous` is given, show the change from it to `text`."""
        self.text = widgets.Text(value=text, description="input", continuous_update=True,
                                 layout=widgets.Layout(width="32em"))
        self.current_text: str | None = None
        self.previous_text: str | None = None
        self.digests: dict[str, bytes] = {}
        self.previous_digests: dict[str, bytes] = {}
        self.changed_bits: dict[str, list[int]] = {name: [] for name in HASHES}
        self.message_line = MessageLine()
        self.message_view = self.message_line.widget
        self.digest_view = widgets.HTML()
        self.bit_maps = {name: widgets.HTML() for name in HASHES}
        maps = [widgets.VBox([widgets.HTML(f"<b>{name}</b>"), view]) for name, view in self.bit_maps.items()]
        self.widget = widgets.VBox([self.text, self.message_view, self.digest_view, widgets.HBox(maps)])
        if previous is not None:
            self._hash(previous)
        self._hash(text)
        self._render()
        self.text.observe(self._on_text, names="value")

    # -- state -----------------------------------------------------------------------
    def _hash(self, text: str) -> None:
        """Hash `text` as UTF-8 with both functions; remember the previous input."""
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            self.message_line.show(f"cannot hash this text: {exc.reason} (character {exc.start}); "
                                   "nothing changed")
            return
        self.message_line.clear()
        new = {name: fn(data) for name, fn in HASHES.items()}
        if self.digests:
            self.previous_text, self.previous_digests = self.current_text, self.digests
            self.changed_bits = {name: changed_bits(self.previous_digests[name], new[name])
                                 for name in HASHES}
        self.current_text, self.digests = text, new

    def _on_text(self, change) -> None:
        self._hash(change["new"])
        self._render()

    @property
    def message(self) -> str:
        """The problem with the last input, else ""."""
        return self.message_line.text

    @property
    def n_changed(self) -> dict[str, int]:
        """How many output bits changed since the previous input, per hash."""
        return {name: len(bits) for name, bits in self.changed_bits.items()}

    # -- views -----------------------------------------------------------------------
    def _render(self) -> None:
        rows = "".join(
            f"<tr><td><b>{name}</b></td><td><code>{digest.hex()}</code></td>"
            f"<td>{self._count_text(name)}</td></tr>" for name, digest in self.digests.items())
        self.digest_view.value = f"<table>{rows}</table>"
        for name, view in self.bit_maps.items():
            view.value = bit_map_html(self.changed_bits[name])

    def _count_text(self, name: str) -> str:
        if self.previous_text is None:
            return "nothing to compare yet: change the text"
        n = len(self.changed_bits[name])
        return f"{n} of {DIGEST_BITS} bits changed ({n / DIGEST_BITS:.0%})"

    def summary(self) -> str:
        """Plain-text view: the input, both digests, and which bits changed."""
        lines = [f"input: {self.current_text!r}"
                 + (f"   (previous input: {self.previous_text!r})" if self.previous_text is not None else "")]
        if self.message:
            lines.append(f"problem: {self.message}")
        for name, digest in self.digests.items():
            lines.append(f"{name:<11} {digest.hex()}")
            lines.append(f"{'':<11} {self._count_text(name)}")
            if self.previous_text is not None and self.changed_bits[name]:
                positions = ", ".join(map(str, self.changed_bits[name]))
                lines.append(textwrap.fill(positions, width=88, initial_indent=" " * 12 + "at bits ",
                                           subsequent_indent=" " * 12))
        return "\n".join(lines)

    def figure(self) -> Figure:
        """The current bit maps as a matplotlib figure (for static renders)."""
        return plot_bit_maps(self.changed_bits,
                             f"Bits changed from {self.previous_text!r} to {self.current_text!r}")

    def _ipython_display_(self) -> None:
        display(self.widget)
