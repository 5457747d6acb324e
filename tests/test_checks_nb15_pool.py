"""Notebook 15's pool check: the reference passes, plausible mistakes are caught in one readable line."""
import pytest

from lab.exercises import SOLVED, WRONG, check
from lab.solutions import nb15_pool as ref


def _by_max_fee(pending, nonces, base_fee):           # anvil 1.7.1's own order, not the producer's tip
    ready = {}
    for tx in pending:
        ready.setdefault(tx[1], []).append(tx)
    order, nonce = [], dict(nonces)
    while True:
        heads = [t for s, txs in ready.items() for t in txs if t[2] == nonce[s] and t[3] >= base_fee]
        if not heads:
            return order
        best = max(heads, key=lambda t: t[3])
        order.append(best[0])
        nonce[best[1]] += 1


def _by_priority_fee_alone(pending, nonces, base_fee):    # forgets the cap max fee - base fee
    return ref.block_order([(i, s, n, 10**30, tip) for i, s, n, fee, tip in pending
                            if fee >= base_fee], nonces, base_fee)


def _ignoring_nonces(pending, nonces, base_fee):
    return [p[0] for p in sorted(pending, key=lambda p: -min(p[4], p[3] - base_fee)) if p[3] >= base_fee]


def _keeping_what_cannot_pay(pending, nonces, base_fee):  # lets a below-base-fee transaction in
    return ref.block_order(pending, nonces, min([base_fee] + [p[3] for p in pending]))


def test_the_reference_passes():
    assert check("15.5", ref.SOLUTIONS["15.5"]).status == SOLVED


@pytest.mark.parametrize("wrong", [_by_max_fee, _by_priority_fee_alone, _ignoring_nonces,
                                   _keeping_what_cannot_pay, lambda pending, nonces, base_fee: []])
def test_a_plausible_mistake_is_caught_in_one_readable_line(wrong, capsys):
    outcome = check("15.5", wrong)
    assert outcome.status == WRONG
    assert "Traceback" not in capsys.readouterr().out and "\n" not in outcome.message


def test_an_unanswered_stub_is_not_wrong():
    def block_order(pending, nonces, base_fee):
        raise NotImplementedError
    assert check("15.5", block_order).status != SOLVED
