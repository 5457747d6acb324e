"""Reference solution for notebook 15's pool exercise (15.5)."""
from __future__ import annotations

import heapq


def block_order(pending, nonces, base_fee):
    """Ids in the order a producer maximising its tip includes them (ties: arrival order)."""
    waiting = {(sender, nonce): (arrival, tx_id, max_fee, tip)
               for arrival, (tx_id, sender, nonce, max_fee, tip) in enumerate(pending)}
    heap = []

    def offer(sender, nonce):
        head = waiting.get((sender, nonce))
        if head is not None and head[2] >= base_fee:           # below the base fee it can never pay
            arrival, tx_id, max_fee, tip = head
            heapq.heappush(heap, (-min(tip, max_fee - base_fee), arrival, tx_id, sender, nonce))

    for sender, nonce in nonces.items():
        offer(sender, nonce)
    order = []
    while heap:
        _, _, tx_id, sender, nonce = heapq.heappop(heap)
        order.append(tx_id)
        offer(sender, nonce + 1)                                # the sender's next nonce is now ready
    return order


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {"15.5": block_order}
