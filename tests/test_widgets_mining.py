"""The mining widget, driven through its Python API, and its helpers."""
import matplotlib
import matplotlib.pyplot as plt
import pytest

from grid.chain import THESIS_GENESIS_TIMESTAMP
from lab.chart_rules import problems
from lab.pow_charts import (
    HashRates,
    measure_hash_rates,
    plot_hash_rates,
    plot_retargeting,
    plot_trials,
    run_trials,
    simulate_retargeting,
)
from lab.widgets.mining import MiningWidget, describe_target
from primitives.block import bits_to_target
from primitives.pow import expected_attempts, practice_header, target_for_k_bits


def test_target_for_k_bits_is_exact_in_compact_form():
    for k in (1, 8, 16, 24, 32):
        header = practice_header("x", k, THESIS_GENESIS_TIMESTAMP)
        assert bits_to_target(header.bits) == target_for_k_bits(k) == 2 ** (256 - k)
        assert expected_attempts(header.target) == pytest.approx(2 ** k)
    with pytest.raises(ValueError):
        target_for_k_bits(0)


def test_slider_shows_the_target_as_a_number():
    w = MiningWidget(k_bits=12)
    w.slider.value = 8
    assert w.k_bits == 8 and w.target == 2 ** 248
    assert "2^248" in w.target_view.value and "256" in w.target_view.value
    assert w.summary() == describe_target(8)


def test_mining_finds_a_hash_below_the_target():
    w = MiningWidget(k_bits=10)
    w.button.click()
    r = w.result
    assert r is not None and r.found
    assert r.header.hash_int() <= w.target and r.header.check_pow()
    assert r.attempts == r.header.nonce + 1                   # searched upward from nonce 0
    text = w.summary()
    assert f"found nonce {r.header.nonce:,}" in text
    assert f"after {r.attempts:,} attempts" in text
    assert r.header.hash_hex() in text and "hash ≤ target: ✓" in text


def test_changing_the_data_or_difficulty_clears_the_result():
    w = MiningWidget(k_bits=8)
    w.button.click()
    first = w.result.header
    w.text.value = "generator2 sells 7 kWh to consumer2"
    assert w.result is None and "not mined" not in w.summary()
    w.button.click()
    assert w.result.header.merkle_root != first.merkle_root


def test_same_settings_mine_the_same_block():
    a, b = MiningWidget(k_bits=9), MiningWidget(k_bits=9)
    a.button.click()
    b.button.click()
    assert a.result.header == b.result.header


def test_bad_max_attempts_shows_one_message():
    w = MiningWidget(k_bits=8)
    w.max_attempts.value = 0
    assert w.mine() is None and w.result is None
    assert "at least 1" in w.message and "at least 1" in w.message_view.value


def test_giving_up_is_reported_not_raised():
    w = MiningWidget(k_bits=24, max_attempts=1000)
    w.button.click()
    assert w.result is not None and not w.result.found and w.result.attempts == 1000
    assert "No nonce found in 1,000 attempts" in w.message
    assert "gave up after 1,000 attempts" in w.summary()


# -- the notebook's experiments and charts (lab/pow_charts.py) -------------------------

def test_trials_are_deterministic_and_near_the_expectation():
    calls = []
    a = run_trials(6, 50, progress=calls.append)
    b = run_trials(6, 50)
    assert a.attempts == b.attempts and len(calls) == 50
    assert a.expected == pytest.approx(64)
    assert 64 / 2 < a.mean_attempts < 64 * 2


def test_retargeting_follows_the_hash_rate_with_the_4x_clamp():
    doubled = simulate_retargeting([1, 1, 2, 2])
    assert doubled[0].interval_min == pytest.approx(10)
    assert doubled[2].interval_min == pytest.approx(5, rel=1e-3)
    assert doubled[3].difficulty == pytest.approx(2, rel=2e-3)
    assert doubled[3].interval_min == pytest.approx(10, rel=2e-3)
    tenfold = simulate_retargeting([1, 10, 10, 10])
    assert tenfold[2].difficulty / tenfold[1].difficulty == pytest.approx(4, rel=1e-3)   # clamped
    assert tenfold[3].interval_min == pytest.approx(10, rel=2e-3)


def test_charts_follow_the_chart_rules():
    matplotlib.use("Agg")

    figures = [plot_trials(run_trials(5, 30)), plot_hash_rates(HashRates(2.0e5, 1.0e5, 1000)),
               plot_retargeting(simulate_retargeting([1, 2, 2]))]
    for fig in figures:
        assert problems(fig) == []
        for ax in fig.axes:
            if len(ax.get_lines()) + len(ax.containers) > 1:
                assert ax.get_legend() is not None      # several series need a legend
        plt.close(fig)


def test_hash_rates_measure_both_loops():
    rates = measure_hash_rates(hashes=2000, repeats=1)
    assert rates.midstate > 0 and rates.naive > 0 and rates.hashes == 2000
