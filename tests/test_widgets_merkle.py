"""Notebook 02's Merkle drawing, tamper widget and proof-size chart, driven through their Python API."""
import hashlib
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from lab.chart_rules import problems
from lab.merkle_charts import measure_proof_sizes, plot_proof_sizes, sizes_to_measure
from lab.widgets.merkle import (
    MAX_DRAWN_LEAVES,
    TamperWidget,
    draw_tree,
    leaf_hash,
    node_label,
    proof_positions,
    tree_from_texts,
)

TEXTS = ["tx a", "tx b", "tx c", "tx d", "tx e"]


def dsha(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_leaves_and_labels():
    assert leaf_hash("tx a") == dsha(b"tx a")
    assert node_label(bytes(31) + b"\xab", 4) == "ab00"   # display order: reversed


def test_proof_positions_include_the_copy_of_an_odd_node():
    tree = tree_from_texts(TEXTS)               # levels of 5, 3, 2, 1 nodes
    path, siblings = proof_positions(tree, 4)
    assert path == {(0, 4), (1, 2), (2, 1), (3, 0)}
    assert siblings == {(0, 5), (1, 3), (2, 0)}  # (0, 5) and (1, 3): copies of odd last nodes


def test_draw_tree_labels_and_limits():
    tree = tree_from_texts(TEXTS)
    fig = draw_tree(tree, proof_index=2, leaf_names=TEXTS)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert node_label(tree.root) in labels and "tx c" in labels
    assert problems(fig) == []
    with pytest.raises(ValueError):
        draw_tree(tree_from_texts([str(i) for i in range(MAX_DRAWN_LEAVES + 1)]))


def test_tamper_changes_one_node_per_level():
    w = TamperWidget(TEXTS)
    assert not w.changed and "no node changed yet" in w.summary()
    w.leaf.value = 1
    assert w.text.value == "tx b"
    w.text.value = "tx B"
    w.button.click()
    assert w.changed == [(0, 1), (1, 0), (2, 0), (3, 0)]
    assert w.root_changed and w.tampered.leaves[1] == dsha(b"tx B")
    assert w.original.root != w.tampered.root and w.tampered.root_hex in w.roots_view.value
    summary = w.summary()
    assert "tampered leaf 1: 'tx b' -> 'tx B'" in summary and "(0, 1), (1, 0), (2, 0), (3, 0)" in summary
    assert w.figure is not None and "4 nodes changed" in w.figure.axes[0].get_title()

    w.leaf.value = 4                             # a second edit: the odd last leaf
    w.text.value = "tx E"
    w.button.click()
    assert {(0, 4), (1, 2), (2, 1)} <= set(w.changed) and len(w.edits) == 2

    w.reset_button.click()
    assert w.changed == [] and w.texts == TEXTS and not w.root_changed and w.text.value == "tx e"


def test_bad_or_unchanged_input_shows_one_message():
    w = TamperWidget(TEXTS)
    w.button.click()                             # nothing edited yet
    assert "edit the text first" in w.message and not w.changed
    w.text.value = "bad \ud800"                  # cannot be UTF-8 encoded
    w.button.click()
    assert "cannot hash" in w.message and "cannot hash" in w.message_view.value
    assert not w.changed and "Traceback" not in w.summary()
    with pytest.raises(ValueError):
        TamperWidget([])


def test_proof_sizes_are_measured_from_real_trees():
    sizes = sizes_to_measure(1024)
    assert {1, 2, 4, 8, 512, 1024} <= set(sizes) and max(sizes) == 1024
    measured = measure_proof_sizes([1, 3, 4, 5, 1000])
    assert [m.proof_bytes for m in measured] == [32 * math.ceil(math.log2(n)) for n in (1, 3, 4, 5, 1000)]
    assert [m.download_bytes for m in measured] == [32 * n for n in (1, 3, 4, 5, 1000)]
    assert problems(plot_proof_sizes(measured, marks={"four": 4})) == []
