"""Notebook 02's Merkle pictures: draw a tree, a proof path, and what tampering changes.

`draw_tree` draws a primitives.merkle.MerkleTree with matplotlib: each node is
labelled with the first hex digits of its hash (display byte order, as block
explorers show txids), the nodes of one leaf's proof can be highlighted, and
so can the nodes changed by tampering. `TamperWidget` lets a student pick a
leaf, edit its text and watch the root change. Hashing, proofs and the list of
changed nodes all come from primitives.merkle.
"""
from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from primitives.hashing import double_sha256
from primitives.merkle import MerkleTree, changed_nodes

from .message import MessageLine

MAX_DRAWN_LEAVES = 32   # beyond this the labels overlap: draw a smaller tree
COLOURS = {
    "node": "#dbe9f6",      # pale blue: an ordinary node
    "path": "#ffd27f",      # orange: the leaf and its ancestors, recomputed by the verifier
    "sibling": "#9be39b",   # green: the hashes the proof carries
    "changed": "#ff9896",   # red: changed by tampering
}
LEGEND = {
    "path": "path: leaf → root (recomputed)",
    "sibling": "proof: sibling hashes sent",
    "changed": "changed by tampering",
    "copy": "copy of an odd last node",
}


def leaf_hash(text: str) -> bytes:
    """A text 'transaction' as a Merkle leaf: its double SHA-256, like a Bitcoin txid."""
    return double_sha256(text.encode("utf-8"))


def node_label(node: bytes, chars: int = 6) -> str:
    """The first `chars` hex digits of a node, in display byte order."""
    return node[::-1].hex()[:chars]


def tree_from_texts(texts: list[str]) -> MerkleTree:
    """A MerkleTree whose leaves are the double SHA-256 of each text."""
    return MerkleTree([leaf_hash(t) for t in texts])


def proof_positions(tree: MerkleTree, index: int) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(path, siblings) as (level, position) sets for leaf `index`'s proof.

    A sibling at position len(level) is the copy of an odd last node.
    """
    path = set(tree.path(index))
    siblings = set()
    for level, row in enumerate(tree.levels[:-1]):
        position = index >> level
        partner = position - 1 if position % 2 else position + 1
        siblings.add((level, min(partner, len(row))))  # == len(row): the duplicated node
    return path, siblings


def _x(level: int, position: int) -> float:
    # Leaves sit at x = 0, 1, 2, ...; a parent sits midway over its two children.
    return (position + 0.5) * 2 ** level - 0.5


def draw_tree(tree: MerkleTree, *, proof_index: int | None = None,
              changed: list[tuple[int, int]] | tuple = (), leaf_names: list[str] | None = None,
              title: str | None = None, chars: int = 6) -> Figure:
    """Draw `tree` bottom-up (leaves at the bottom, root on top) and return the figure.

    proof_index highlights that leaf's proof (path and siblings); `changed`
    (from primitives.merkle.changed_nodes) colours tampered nodes red;
    leaf_names are written under the leaves.
    """
    n = len(tree)
    if n > MAX_DRAWN_LEAVES:
        raise ValueError(f"{n} leaves are too many to draw legibly; draw at most {MAX_DRAWN_LEAVES}")
    path, siblings = proof_positions(tree, proof_index) if proof_index is not None else (set(), set())
    changed = set(map(tuple, changed))
    width = 2 ** tree.height
    fig, ax = plt.subplots(figsize=(max(6.0, 1.15 * width), 1.1 + 1.05 * (tree.height + 1)),
                           layout="constrained")
    used = set()

    def box(level: int, position: int, node: bytes, copy: bool = False) -> None:
        # A copy changes with the node it copies.
        kind = ("changed" if (level, position - copy) in changed else
                "sibling" if (level, position) in siblings else
                "path" if (level, position) in path else "node")
        if kind != "node":
            used.add(kind)
        if copy:
            used.add("copy")
        ax.text(_x(level, position), level, node_label(node, chars), ha="center", va="center",
                family="monospace", fontsize=9,
                bbox=dict(boxstyle="round,pad=0.3", fc=COLOURS[kind], ec="grey" if copy else "black",
                          ls="--" if copy else "-"))

    for level, row in enumerate(tree.levels):
        for position, node in enumerate(row):
            box(level, position, node)
            if level < tree.height:
                ax.plot([_x(level, position), _x(level + 1, position // 2)], [level, level + 1],
                        color="grey", lw=1, zorder=0)
        if level < tree.height and len(row) % 2 == 1:
            # Bitcoin pairs an odd last node with a copy of itself.
            box(level, len(row), row[-1], copy=True)
            ax.plot([_x(level, len(row)), _x(level + 1, len(row) // 2)], [level, level + 1],
                    color="grey", lw=1, ls="--", zorder=0)
    for position, name in enumerate(leaf_names or []):
        ax.text(_x(0, position), -0.3, name, ha="center", va="top", fontsize=8, rotation=0,
                wrap=True)
    ax.set_xlim(-0.7, width - 0.3)
    ax.set_ylim(-0.75 if leaf_names else -0.5, tree.height + 0.5)
    ax.set_axis_off()  # a drawing, not a chart: no axes to label
    ax.set_title(title or f"Merkle tree of {n} leaves (labels: first {chars} hex digits)")
    if used:
        handles = [Patch(fc=COLOURS.get(k, "white"), ec="grey" if k == "copy" else "black",
                         ls="--" if k == "copy" else "-", label=LEGEND[k]) for k in LEGEND if k in used]
        ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    return fig


@dataclass(frozen=True)
class Tampering:
    """One edit: which leaf, its text before and after."""

    index: int
    before: str
    after: str


class TamperWidget:
    """Pick a leaf, edit its text, click "tamper": the changed nodes turn red.

    Controls: `.leaf` (which leaf), `.text` (its new text), `.button`
    (apply), `.reset_button` (back to the original texts). State:
    `.original_texts`, `.texts`, `.original` and `.tampered` (MerkleTree),
    `.changed` ((level, position) of the changed nodes), `.edits`,
    `.message` (why the last click did nothing, else ""), `.figure`.
    Display: `.widget`.
    """

    def __init__(self, texts: list[str], chars: int = 6):
        """Build the tree of `texts` (one leaf each, at most MAX_DRAWN_LEAVES)."""
        if not 1 <= len(texts) <= MAX_DRAWN_LEAVES:
            raise ValueError(f"give between 1 and {MAX_DRAWN_LEAVES} texts")
        self.chars = chars
        self.original_texts = list(texts)
        self.texts = list(texts)
        self.original = tree_from_texts(self.original_texts)
        self.tampered = self.original
        self.changed: list[tuple[int, int]] = []
        self.edits: list[Tampering] = []
        self.message_line = MessageLine()
        self.figure: Figure | None = None
        self.leaf = widgets.Dropdown(options=[(f"leaf {i}", i) for i in range(len(texts))], value=0,
                                     description="leaf")
        self.text = widgets.Text(value=texts[0], description="new text", layout=widgets.Layout(width="30em"))
        self.button = widgets.Button(description="tamper", button_style="danger", icon="pencil")
        self.reset_button = widgets.Button(description="reset", icon="undo")
        self.message_view = self.message_line.widget
        self.roots_view = widgets.HTML()
        self.output = widgets.Output()
        self.widget = widgets.VBox([widgets.HBox([self.leaf, self.text, self.button, self.reset_button]),
                                    self.message_view, self.roots_view, self.output])
        self.leaf.observe(self._on_leaf, names="value")
        self.button.on_click(self._on_tamper)
        self.reset_button.on_click(self._on_reset)
        self._render()

    # -- handlers --------------------------------------------------------------------
    def _on_leaf(self, change) -> None:
        self.text.value = self.texts[change["new"]]

    def _on_tamper(self, _button=None) -> None:
        index, new_text = self.leaf.value, self.text.value
        try:
            new_text.encode("utf-8")
        except UnicodeEncodeError as exc:
            self.message_line.show(f"cannot hash this text: {exc.reason} (character {exc.start}); "
                                   "nothing changed")
            self._render()
            return
        self.message_line.clear()
        if new_text == self.texts[index]:
            self.message_line.show(f"leaf {index} already says {new_text!r}: edit the text first")
        else:
            self.edits.append(Tampering(index, self.texts[index], new_text))
            self.texts[index] = new_text
            self.tampered = tree_from_texts(self.texts)
            self.changed = changed_nodes(self.original, self.tampered)
        self._render()

    def _on_reset(self, _button=None) -> None:
        self.texts = list(self.original_texts)
        self.tampered, self.changed, self.edits = self.original, [], []
        self.message_line.clear()
        self.text.value = self.texts[self.leaf.value]
        self._render()

    # -- views -----------------------------------------------------------------------
    @property
    def message(self) -> str:
        """Why the last click did nothing, else ""."""
        return self.message_line.text

    @property
    def root_changed(self) -> bool:
        """True when the tampered tree's root differs from the original's."""
        return self.tampered.root != self.original.root

    def _render(self) -> None:
        self.roots_view.value = (f"root before: <code>{self.original.root_hex}</code><br>"
                                 f"root now: <code>{self.tampered.root_hex}</code> "
                                 f"({'changed' if self.root_changed else 'unchanged'})")
        if self.figure is not None:
            plt.close(self.figure)
        self.figure = self.draw()
        plt.close(self.figure)  # shown in the output below, not again by the inline backend
        self.output.clear_output(wait=True)
        with self.output:
            display(self.figure)

    def draw(self) -> Figure:
        """The tampered tree with its changed nodes in red (a new figure)."""
        title = ("Original tree" if not self.changed else
                 f"After tampering: {len(self.changed)} nodes changed, one per level")
        return draw_tree(self.tampered, changed=self.changed, chars=self.chars, title=title,
                         leaf_names=[f"{i}\n{t[:8]}…" if len(t) > 8 else f"{i}\n{t}"
                                     for i, t in enumerate(self.texts)])

    def summary(self) -> str:
        """Plain-text view: the edits, both roots, and the changed nodes."""
        lines = [f"{len(self.texts)} leaves; root before {self.original.root_hex}"]
        for edit in self.edits:
            lines.append(f"tampered leaf {edit.index}: {edit.before!r} -> {edit.after!r}")
        if self.message:
            lines.append(f"problem: {self.message}")
        lines.append(f"root now    {self.tampered.root_hex} "
                     f"({'changed' if self.root_changed else 'unchanged'})")
        n_nodes = sum(len(row) for row in self.original.levels)
        if self.changed:
            where = ", ".join(f"({level}, {position})" for level, position in self.changed)
            lines.append(f"changed nodes (level, position): {where}: {len(self.changed)} of {n_nodes} nodes")
        else:
            lines.append("no node changed yet: pick a leaf, edit its text, click 'tamper'")
        return "\n".join(lines)

    def _ipython_display_(self) -> None:
        display(self.widget)
