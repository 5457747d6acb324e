"""Reference solutions for notebook 15's consensus exercises."""
from __future__ import annotations

from fractions import Fraction


def find_faulty(messages):
    """Replicas that signed two different digests for one phase, view and sequence number."""
    digests = {}
    for m in messages:
        digests.setdefault((m.sender, m.phase, m.view, m.sequence), set()).add(m.digest)
    return {key[0] for key, seen in digests.items() if len(seen) > 1}


def justified_and_finalized(stakes, votes):
    """(justified epochs, finalized epochs) from (validator, source, target) votes; epoch 0 is both."""
    total = sum(stakes)
    justified, finalized = {0}, {0}
    changed = True
    while changed:
        changed = False
        links = {}
        for validator, source, target in votes:
            if source in justified:
                links.setdefault((source, target), set()).add(validator)
        for (source, target), voters in links.items():
            if Fraction(sum(stakes[v] for v in voters)) >= Fraction(2, 3) * total:
                if target not in justified:
                    justified.add(target)
                    changed = True
                if target == source + 1:
                    finalized.add(source)
    return justified, finalized


SOLUTIONS = {"15.3": find_faulty, "15.4": justified_and_finalized}
