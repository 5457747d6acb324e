"""Notebook 01's avalanche widget and hashing experiments, driven through their Python API."""
import hashlib
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from lab.chart_rules import problems
from lab.hashing_experiments import (
    compare_speed,
    find_preimage,
    mean_attempts,
    plot_collision_attempts,
    run_collision_experiment,
)
from lab.widgets.avalanche import AvalancheWidget, bit_map_html, plot_avalanche_histogram


def diff_positions(a: bytes, b: bytes) -> list[int]:
    """Changed bit positions, computed with strings (independent of primitives)."""
    bits = lambda d: "".join(f"{x:08b}" for x in d)  # noqa: E731
    return [i for i, (x, y) in enumerate(zip(bits(a), bits(b), strict=True)) if x != y]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_first_input_has_nothing_to_compare():
    w = AvalancheWidget("GridChain")
    assert w.previous_text is None and w.n_changed == {"SHA-256": 0, "Keccak-256": 0}
    assert w.digests["SHA-256"] == hashlib.sha256(b"GridChain").digest()
    assert "nothing to compare yet" in w.summary()
    assert 'class="changed"' not in w.bit_maps["SHA-256"].value


def test_typing_compares_with_the_previous_input():
    w = AvalancheWidget("GridChain")
    w.text.value = "Gridchain"
    want = diff_positions(hashlib.sha256(b"GridChain").digest(), hashlib.sha256(b"Gridchain").digest())
    assert w.previous_text == "GridChain" and w.current_text == "Gridchain"
    assert w.changed_bits["SHA-256"] == want
    assert w.bit_maps["SHA-256"].value.count('class="changed"') == len(want)
    assert w.bit_maps["SHA-256"].value.count('class="unchanged"') == 256 - len(want)
    summary = w.summary()
    assert f"{len(want)} of 256 bits changed" in summary
    assert ", ".join(map(str, want[:5])) in summary
    assert hashlib.sha256(b"Gridchain").hexdigest() in w.digest_view.value

    w.text.value = "Gridchain!"   # compared with "Gridchain", not with the first input
    want = diff_positions(hashlib.sha256(b"Gridchain").digest(), hashlib.sha256(b"Gridchain!").digest())
    assert w.previous_text == "Gridchain" and w.changed_bits["SHA-256"] == want


def test_previous_argument_and_keccak():
    w = AvalancheWidget("b", previous="a")
    assert w.previous_text == "a"
    expected = diff_positions(w.previous_digests["Keccak-256"], w.digests["Keccak-256"])
    assert w.n_changed["Keccak-256"] == len(expected)
    assert 60 < w.n_changed["Keccak-256"] < 200


def test_unencodable_text_shows_one_message_and_keeps_state():
    w = AvalancheWidget("GridChain")
    w.text.value = "bad \ud800 text"       # a lone surrogate cannot be UTF-8 encoded
    assert w.current_text == "GridChain"
    assert w.message and "cannot hash" in w.message_view.value
    assert "Traceback" not in w.summary() and "problem:" in w.summary()
    w.text.value = "GridChain2"
    assert w.message == "" and w.message_view.value == "" and w.previous_text == "GridChain"


def test_bit_map_html_and_figures_follow_the_chart_rules():
    assert bit_map_html([0, 255]).count('class="changed"') == 2
    w = AvalancheWidget("b", previous="a")
    assert problems(w.figure()) == []
    assert problems(plot_avalanche_histogram(b"GridChain")) == []


def test_collision_experiment_and_chart():
    calls = []
    runs = run_collision_experiment([8, 10], seeds=range(3), progress=calls.append)
    assert len(runs) == 6 and len(calls) == 6
    for run in runs:
        assert run.first != run.second
        cut = lambda m, k=run.k_bits: int.from_bytes(hashlib.sha256(m).digest(), "big") >> (256 - k)  # noqa: E731
        assert cut(run.first) == cut(run.second)
    assert set(mean_attempts(runs)) == {8, 10}
    assert problems(plot_collision_attempts(runs)) == []


def test_find_preimage_matches_the_target_prefix():
    search = find_preimage(b"GridChain", 12)
    assert search.found != b"GridChain"
    top = lambda m: hashlib.sha256(m).digest()[:2].hex()[:3]  # noqa: E731  first 12 bits
    assert top(search.found) == top(b"GridChain") and search.attempts > 0
    with pytest.raises(RuntimeError):
        find_preimage(b"GridChain", 32, max_attempts=10)


def test_compare_speed_reports_a_slowdown():
    speed = compare_speed(bytes(1000), repeats=1)
    assert speed.slowdown > 1 and "slower" in str(speed) and math.isfinite(speed.slowdown)
