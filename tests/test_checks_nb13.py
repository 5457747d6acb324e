"""Notebook 13's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
from __future__ import annotations

from collections import defaultdict

import pytest
from eth_abi import encode
from eth_keys import keys
from eth_utils import keccak

from lab.checks.nb13 import FLAWED_PAYMENT
from lab.exercises import WRONG, check
from lab.solutions import nb13


def _pay_as_bid(orders):
    # Every pair trades at the bid's price, and the "price" returned is the last bid.
    price, volume = nb13.clearing(orders)
    bids = sorted((o for o in orders if o[1] == "bid"), key=lambda o: -o[3])
    return (bids[0][3] if bids and volume else price), volume


def _no_partial_fills(orders):
    # Stops at the first pair whose sizes differ.
    bids = sorted((o for o in orders if o[1] == "bid"), key=lambda o: (-o[3], o[0]))
    asks = sorted((o for o in orders if o[1] == "ask"), key=lambda o: (o[3], o[0]))
    price = volume = 0
    for bid, ask in zip(bids, asks, strict=False):
        if bid[3] < ask[3]:
            break
        volume += min(bid[2], ask[2])
        price = (bid[3] + ask[3]) // 2
        if bid[2] != ask[2]:
            break
    return price, volume


def _personal_sign(private_key, chain_id, market, user, slot, exported_wh, imported_wh):
    # Signs the struct hash as an eth_sign message instead of the EIP-712 digest.
    struct = keccak(encode(["address", "uint64", "uint256", "uint256"],
                           [user, slot, exported_wh, imported_wh]))
    digest = keccak(b"\x19Ethereum Signed Message:\n32" + struct)
    signature = keys.PrivateKey(private_key).sign_msg_hash(digest)
    return signature.r.to_bytes(32, "big") + signature.s.to_bytes(32, "big") + bytes([signature.v + 27])


def _v_unshifted(*args):
    # Forgets that Ethereum's v is 27 or 28.
    signature = nb13.sign(*args)
    return signature[:64] + bytes([signature[64] - 27])


def _paid_for_matched(fills, price, exported):
    # Pays sellers for what they sold, ignoring the readings.
    credits = defaultdict(int)
    for _, seller, wh in fills:
        credits[seller] += wh * price
    return dict(credits)


def _escrow_kept(fills, price, exported):
    # Pays the sellers right but forgets to return the buyers' unused escrow.
    return {k: v for k, v in nb13.settlement_credits(fills, price, exported).items()
            if any(k == seller for _, seller, _ in fills)}


@pytest.mark.parametrize("exercise_id, wrong", [
    ("13.1", _pay_as_bid),
    ("13.1", _no_partial_fills),
    ("13.2", _personal_sign),
    ("13.2", _v_unshifted),
    ("13.3", _paid_for_matched),
    ("13.3", _escrow_kept),
    ("13.4", lambda: FLAWED_PAYMENT),                                        # as given
    ("13.4", lambda: FLAWED_PAYMENT.replace(                                 # one bug left
        "exportedWh > 0 ? exportedWh : matchedWh", "exportedWh < matchedWh ? exportedWh : matchedWh")),
    ("13.5", lambda: nb13.minimum_order_source().replace("wh < MIN_ORDER_WH", "wh < 10")),     # wrong bound
    ("13.5", lambda: nb13.minimum_order_source().replace("revert OrderTooSmall(wh, MIN_ORDER_WH)",
                                                         "revert ZeroAmount()")),             # no reason
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG
