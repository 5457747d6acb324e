"""Reference solutions for notebook 15's consensus and pool exercises."""
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


def block_order(pending, nonces, base_fee):
    """Ids in the order a producer maximising its tip includes them (ties: arrival order)."""
    queue = {}
    for arrival, (tx_id, sender, nonce, max_fee, tip) in enumerate(pending):
        queue.setdefault(sender, {})[nonce] = (arrival, tx_id, max_fee, tip)
    nonces = dict(nonces)
    order = []
    while True:
        heads = []
        for sender, txs in queue.items():
            head = txs.get(nonces[sender])
            if head and head[2] >= base_fee:
                arrival, tx_id, max_fee, tip = head
                heads.append((-min(tip, max_fee - base_fee), arrival, tx_id, sender))
        if not heads:
            return order
        _, _, tx_id, sender = min(heads)
        order.append(tx_id)
        nonces[sender] += 1


SOLUTIONS = {"15.3": find_faulty, "15.4": justified_and_finalized, "15.5": block_order}
