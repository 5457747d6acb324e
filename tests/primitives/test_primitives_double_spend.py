"""primitives.double_spend: the whitepaper's double-spend race (section 11).

Expected values: the probability table printed in section 11 of the Bitcoin
whitepaper (data/nakamoto_attack_table.json); gambler's-ruin and negative
binomial sums recomputed here with math.comb; statistical checks use binomial
standard errors.
"""

import json
import math
from pathlib import Path

import pytest

from primitives.double_spend import (
    RaceStep,
    attack_race,
    catch_up_probability,
    exact_attack_probability,
    nakamoto_attack_probability,
    simulate_attack,
)

DATA = Path(__file__).resolve().parents[2] / "data"
TABLE = json.loads((DATA / "nakamoto_attack_table.json").read_text())


# -- the whitepaper's attack analysis --------------------------------------------------------------

@pytest.mark.parametrize("row", TABLE["probabilities"], ids=lambda r: f"q={r['q']},z={r['z']}")
def test_nakamoto_formula_reproduces_the_paper(row):
    assert round(nakamoto_attack_probability(row["q"], row["z"]), 7) == pytest.approx(row["P"], abs=1e-12)


@pytest.mark.parametrize("row", TABLE["z_for_p_below_0_001"], ids=lambda r: f"q={r['q']}")
def test_confirmations_needed_for_p_below_0_1_percent(row):
    z = 0
    while nakamoto_attack_probability(row["q"], z) >= 0.001:
        z += 1
    assert z == row["z"]


def test_majority_attacker_always_wins_on_paper():
    assert nakamoto_attack_probability(0.5, 10) == 1.0
    assert nakamoto_attack_probability(0.6, 100) == 1.0
    assert catch_up_probability(0.6, 50) == 1.0
    with pytest.raises(ValueError):
        nakamoto_attack_probability(1.5, 1)


def test_catch_up_probability_is_gamblers_ruin():
    assert catch_up_probability(0.25, 3) == pytest.approx((0.25 / 0.75) ** 3)
    assert catch_up_probability(0.1, 0) == 1.0


def negative_binomial_by_hand(q, z):
    p = 1 - q
    return sum(math.comb(k + z - 1, k) * p ** z * q ** k * (1 if k >= z else (q / p) ** (z - k))
               for k in range(2000))


@pytest.mark.parametrize("q, z", [(0.1, 1), (0.1, 5), (0.3, 5), (0.3, 10), (0.45, 6)])
def test_exact_attack_probability(q, z):
    assert exact_attack_probability(q, z) == pytest.approx(negative_binomial_by_hand(q, z), rel=1e-9)
    assert exact_attack_probability(0.6, z) == 1.0 and exact_attack_probability(q, 0) == 1.0


@pytest.mark.parametrize("q, z", [(0.1, 2), (0.3, 5), (0.3, 10)])
def test_simulation_matches_the_papers_model(q, z):
    # honest_time='expected' is Satoshi's Poisson assumption: compare with his formula.
    result = simulate_attack(q, z, trials=20_000, seed=21, honest_time="expected")
    target = nakamoto_attack_probability(q, z)
    assert abs(result.probability - target) < 4 * math.sqrt(target * (1 - target) / result.trials) + 1e-4


@pytest.mark.parametrize("q, z", [(0.1, 2), (0.3, 5), (0.25, 8)])
def test_simulation_matches_the_exact_race(q, z):
    result = simulate_attack(q, z, trials=20_000, seed=22)
    target = exact_attack_probability(q, z)
    assert abs(result.probability - target) < 4 * math.sqrt(target * (1 - target) / result.trials) + 1e-4
    assert result.standard_error > 0


def test_simulation_is_reproducible():
    assert simulate_attack(0.3, 5, trials=500, seed=9) == simulate_attack(0.3, 5, trials=500, seed=9)
    assert simulate_attack(0.3, 5, trials=500, seed=9) != simulate_attack(0.3, 5, trials=500, seed=10)


def test_majority_attacker_overtakes_the_honest_chain():
    result = simulate_attack(0.6, 6, trials=2_000, seed=5)
    assert result.successes == result.trials
    trace = attack_race(0.6, 6, seed=5)
    last = trace[-1]
    assert last.honest >= 6 and last.attacker >= last.honest and last.attacker_level
    assert trace[0] == RaceStep(0, 0)
    assert all(step.honest + step.attacker == i for i, step in enumerate(trace))


def test_minority_attacker_mostly_fails():
    result = simulate_attack(0.1, 6, trials=5_000, seed=5)
    assert result.probability < 0.01
    long_race = attack_race(0.1, 6, seed=1, max_blocks=200)
    assert len(long_race) == 201 and long_race[-1].attacker < long_race[-1].honest
    assert not long_race[-1].attacker_level


def test_attack_arguments_are_checked():
    with pytest.raises(ValueError):
        simulate_attack(0.3, 5, honest_time="sometimes")
    with pytest.raises(ValueError):
        simulate_attack(1.2, 5)
