"""Reference solutions for notebook 05."""
import math

from lab.solutions import ModelAnswer, mychain


def stale_estimate(latency: float, interval: float) -> float:
    """Chance that a competing block appears while one spreads: 1 - exp(-latency / interval)."""
    return 1.0 - math.exp(-latency / interval)


def choose_tip(blocks, rule="work"):
    """Tip by most cumulative work (rule="work") or greatest height (rule="length");
    on a tie the block received first wins."""
    total = {}
    best, best_total = None, None
    for name, parent, work in blocks:
        step = work if rule == "work" else 1
        total[name] = step if parent is None else total[parent] + step
        if best_total is None or total[name] > best_total:   # strictly more: first seen keeps ties
            best, best_total = name, total[name]
    return best


def nakamoto_probability(q: float, z: int) -> float:
    """Whitepaper section 11: chance an attacker with share q catches up from z blocks behind."""
    p = 1.0 - q
    lam = z * q / p
    total = 1.0
    poisson = math.exp(-lam)            # P(k = 0); then multiply by lam / k, as the paper's C code
    for k in range(z + 1):
        if k:
            poisson *= lam / k
        total -= poisson * (1 - (q / p) ** (z - k))
    return total


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "05.1": stale_estimate,
    "05.2": mychain.chain_work,      # a library exercise: notebooks/mychain.py
    "05.3": choose_tip,
    "05.4": nakamoto_probability,
}

MODEL_ANSWERS = {
    "05.Q1": ModelAnswer(
        points=3,
        answer=(
            'If nodes counted blocks, an attacker could fork off and mine a private chain at an easy target '
            '(for instance with faked timestamps that drive the difficulty down), where each block costs '
            'only a little work; with modest hash power they could produce more blocks than the honest '
            'chain and make nodes switch to it, undoing payments. Counting work, the sum of 2^256 / (target '
            '+ 1) over the blocks, measures the expected number of hashes actually spent, so many cheap '
            'blocks weigh no more than the work they cost. To make a node switch, the attacker must spend '
            'more work than the honest miners have put on the chain since the fork, and keep ahead of them, '
            'which needs more than half of the total hash power.'
        ),
        marking=(
            '1 point: counting blocks lets many easy (low-work) blocks outweigh fewer hard ones; 1 point: '
            'cumulative work, the sum of 2^256/(target+1), measures the hashes really spent; 1 point: to '
            'win, the attacker must out-work the honest chain, i.e. have a majority of the hash power'
        ),
    ),
}
