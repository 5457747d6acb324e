"""Settlement against signed readings, forged and replayed signatures, conservation of wei, re-entrancy.

Expected payments come from tests/market/market_model.py (the rules as the
specification states them) or from the arithmetic written next to them.
"""
from __future__ import annotations

import random

import pytest
from eth_utils import keccak
from market_model import ModelOrder, clear, settle
from platform_support import NothingSent

from grid.compile_text import compile_source
from grid.contract import ContractClient
from grid.errors import GridError
from grid.market import MarketClient, MeterReading, sign_reading
from grid.market.world import BUYERS, SELLERS
from grid.powergridv2 import PowerGridV2Client, meter_account

PRICE_ASK, PRICE_BID = 100, 300           # wei/Wh: the price is (300 + 100) // 2 = 200


def _one_trade(market, wh=1_000):
    """generator1 asks `wh` Wh at 100, consumer1 bids `wh` at 300: a 200 wei/Wh trade of `wh` Wh."""
    slot = market.next_open_slot()
    market.place_ask(slot, wh, PRICE_ASK, sender="generator1")
    market.place_bid(slot, wh, PRICE_BID, sender="consumer1")
    market.travel_past_gate(slot)
    market.clear(slot)
    market.travel_to_slot_end(slot)
    return slot


@pytest.mark.parametrize("exported, paid", [
    (1_000, 1_000 * 200),            # full delivery
    (5_000, 1_000 * 200),            # exported more than sold: paid for what was sold
    (400, 400 * 200),                # partial: paid for 400 Wh
    (None, 0),                       # no reading: nothing delivered, nothing paid
])
def test_the_seller_is_paid_for_what_its_meter_says_it_delivered(market, exported, paid):
    slot = _one_trade(market)
    if exported is not None:
        market.report("generator1", slot, exported_wh=exported, imported_wh=0)
    market.report("consumer1", slot, exported_wh=0, imported_wh=1_000)
    market.travel_to_settlement(slot)
    market.settle(slot)
    assert market.credit("generator1") == paid
    refund_at_clear = 1_000 * (PRICE_BID - 200)
    assert market.credit("consumer1") == refund_at_clear + (1_000 * 200 - paid)


def test_forged_altered_misaddressed_and_replayed_readings_are_refused(market):
    slot = _one_trade(market)
    chain = market.chain
    g1 = chain.account("generator1")
    reading = MeterReading(g1.address, slot, 1_000, 0)
    by_meter = market.sign(reading, meter_account(chain, "generator1"))
    attempts = {
        "signed by the generator itself": (reading, market.sign(reading, "generator1"),
                                           "not by its bound meter"),
        "signed by another user's meter": (reading, market.sign(reading, meter_account(chain, "generator2")),
                                           "not by its bound meter"),
        "the amount altered after signing": (MeterReading(g1.address, slot, 9_000, 0), by_meter,
                                             "not by its bound meter"),
        "a signature for another market": (reading, _sign_for(market, reading, "0x" + "11" * 20),
                                           "not by its bound meter"),
        "a truncated signature": (reading, by_meter[:64], "not a valid 65-byte signature"),
        "the high-s twin of a valid signature": (reading, _high_s(by_meter), "not a valid 65-byte"),
    }
    for name, (sent, signature, words) in attempts.items():
        with NothingSent(chain, market), pytest.raises(GridError) as refused:
            market.submit_reading(sent, signature, sender="consumer2")
        assert words in refused.value.message, name
    market.submit_reading(reading, by_meter, sender="consumer2")      # anyone may relay the true one
    with pytest.raises(GridError, match="a reading counts once, so this is a replay"):
        market.submit_reading(reading, by_meter, sender="consumer2")
    assert market.call("readingOf", g1.address, slot) == (True, 1_000, 0)


def _sign_for(market, reading, other_market):
    meter = meter_account(market.chain, "generator1")
    return sign_reading(reading, meter, market.chain.chain_id, other_market)


SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


def _high_s(signature: bytes) -> bytes:
    # (r, n - s, v ^ 1) recovers the same key: ecrecover accepts it, EIP-2 and the market do not.
    s = int.from_bytes(signature[32:64], "big")
    return signature[:32] + (SECP256K1_N - s).to_bytes(32, "big") + bytes([signature[64] ^ 1])


def test_every_refusal_is_a_sentence_and_sends_nothing(market):
    slot = market.next_open_slot()
    chain = market.chain
    cases = [
        (lambda: market.place_bid(slot, 100, 10, sender="generator1"), "not an active consumer"),
        (lambda: market.place_ask(slot, 100, 10, sender="consumer1"), "not an active generator"),
        (lambda: market.invoke("placeBid", slot, 100, 10, sender="consumer1", value=999), "escrow exactly"),
        (lambda: market.place_bid(slot, 0, 10, sender="consumer1"), "more than 0 Wh"),
        (lambda: market.clear(slot), "still taking orders"),
        (lambda: market.settle(slot), "not cleared yet"),
        (lambda: market.withdraw(sender="consumer2"), "no credit to withdraw"),
        (lambda: market.cancel(99, sender="consumer1"), "there is no order 99"),
    ]
    for action, words in cases:
        with NothingSent(chain, market), pytest.raises(GridError) as refused:
            action()
        assert words in refused.value.message and "\n" not in refused.value.message
    order = market.place_bid(slot, 100, 10, sender="consumer1")
    with pytest.raises(GridError, match="only its owner may cancel it"):
        market.cancel(order, sender="consumer2")
    market.travel_past_gate(slot)
    for action, words in [(lambda: market.place_ask(slot, 1, 1, sender="generator1"), "gate closed"),
                          (lambda: market.cancel(order, sender="consumer1"), "gate closed")]:
        with pytest.raises(GridError, match=words):
            action()
    market.clear(slot)
    with pytest.raises(GridError, match="already cleared"):
        market.clear(slot)


def test_wei_is_conserved_to_the_last_unit_over_random_slots(market):
    rng = random.Random(2020)
    chain = market.chain
    start = chain.balance(market.address)
    expected: dict[str, int] = {}
    slots = []
    for _ in range(3):
        slot = market.next_open_slot()
        orders = []
        for _ in range(rng.randint(2, 10)):
            if rng.random() < 0.5:
                owner, wh, price = rng.choice(BUYERS), rng.randint(1, 3_000), rng.randint(1, 997)
                order_id = market.place_bid(slot, wh, price, sender=owner)
            else:
                owner, wh, price = rng.choice(SELLERS), rng.randint(1, 3_000), rng.randint(1, 997)
                order_id = market.place_ask(slot, wh, price, sender=owner)
            orders.append(ModelOrder(order_id, chain.account(owner).address, owner in BUYERS, wh, price))
        market.travel_past_gate(slot)
        market.clear(slot)
        clearing = clear(orders)
        market.travel_to_slot_end(slot)
        exported = {}
        for seller in SELLERS:
            if rng.random() < 0.7:   # some meters never report
                wh = exported[chain.account(seller).address] = rng.randint(0, 3_000)
                market.report(seller, slot, exported_wh=wh, imported_wh=0)
        for owner, wei in [*clearing.refunds.items(), *settle(orders, clearing, exported).items()]:
            expected[owner] = expected.get(owner, 0) + wei
        slots.append(slot)
    for slot in slots:
        market.travel_to_settlement(slot)
        market.settle(slot)
    for owner, wei in expected.items():
        assert market.credit(owner) == wei, owner
    for owner in {o for o, wei in expected.items() if wei}:
        market.withdraw(sender=owner)
    assert chain.balance(market.address) == start == 0


ATTACKER = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;
interface IMarket {
    function placeBid(uint64 slot, uint256 wh, uint256 maxPrice) external payable returns (uint256);
    function cancel(uint256 orderId) external;
    function withdraw() external;
}
contract Attacker {
    IMarket market;
    uint256 public reentries;
    bool public swallow;
    constructor(address m, bool swallowFailure) payable { market = IMarket(m); swallow = swallowFailure; }
    function attack(uint64 slot) external {
        uint256 id = market.placeBid{value: 1000 * 10}(slot, 1000, 10);
        market.cancel(id);
        market.withdraw();
    }
    receive() external payable {
        if (reentries < 3) {
            reentries++;
            if (swallow) { try market.withdraw() {} catch {} } else { market.withdraw(); }
        }
    }
}
"""


@pytest.mark.parametrize("swallow", [False, True])
def test_a_reentrant_withdraw_gets_nothing_more(market, swallow):
    chain = market.chain
    victim_credit = 5_000 * 7
    slot = market.next_open_slot()
    order = market.place_bid(slot, 5_000, 7, sender="consumer2")
    market.cancel(order, sender="consumer2")                 # 35,000 wei of someone else's credit inside
    attacker = ContractClient.deploy(chain, compile_source(ATTACKER), market.address, swallow,
                                     sender="admin", value=10_000)
    registry = PowerGridV2Client(chain, market.call("registry"))
    registry.invoke("empower", attacker.address, keccak(text="attacker"), False, True)
    if not swallow:
        with pytest.raises(GridError):
            attacker.transact("attack", slot, sender="user9")
        assert chain.balance(market.address) == victim_credit
    else:
        attacker.transact("attack", slot, sender="user9")
        assert attacker.call("reentries") == 1                  # it tried, and was refused
        assert chain.balance(attacker.address) == 10_000         # paid back its own 10,000 wei, once
        assert chain.balance(market.address) == victim_credit
    assert market.credit("consumer2") == victim_credit


@pytest.mark.parametrize("registry, slot_seconds, words", [
    ("0x" + "22" * 20, 900, "there is no contract at"), (None, 0, "at least 1 second")])
def test_a_market_needs_a_registry_and_slots_that_last(market, registry, slot_seconds, words):
    with pytest.raises(GridError, match=words):
        MarketClient.deploy(market.chain, registry or market.call("registry"), slot_seconds, 0)


def test_a_slots_result_holds_only_that_slots_deliveries_payments_and_readings(market):
    first = _one_trade(market, wh=1_000)
    market.report("generator1", first, exported_wh=1_000, imported_wh=0)
    second = _one_trade(market, wh=300)
    market.report("generator1", second, exported_wh=100, imported_wh=0)
    market.travel_to_settlement(second)
    market.settle(first)
    market.settle(second)
    g1 = market.chain.account("generator1").address
    for slot, matched, delivered in ((first, 1_000, 1_000), (second, 300, 100)):
        result = market.result(slot)
        assert result.deliveries == ((g1, matched, delivered),)
        assert [w for *_, w in result.payments] == [delivered * 200]
        assert result.readings == {g1: (delivered, 0)}
