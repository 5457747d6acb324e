"""Checks for notebook 13: the energy market.

The chain is the oracle: each check starts its own embedded chain with a
PowerGridV2 registry, prosumers with meters and an EnergyMarket
(grid.market.world), runs the book or the slot the exercise describes, and
compares the student's answer with what the contract computed and paid.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from grid.chain import connect
from grid.compile_text import compile_source
from grid.compiler import CONTRACTS_DIR, CompileError
from grid.contract import ContractClient
from grid.errors import GridError
from grid.market import MarketClient, MeterReading
from grid.market.world import BUYERS, SELLERS, prosumer_market
from grid.powergridv2 import meter_account

from ..exercises import exercise, expect

BOOKS = (   # (side, owner, Wh, wei per Wh)
    (("ask", "generator1", 2_000, 150), ("ask", "generator2", 1_000, 120),
     ("bid", "consumer1", 1_500, 200), ("bid", "consumer2", 1_000, 140)),
    (("ask", "generator1", 100, 50), ("ask", "generator2", 100, 50), ("bid", "consumer1", 150, 80),
     ("bid", "consumer2", 150, 80)),
    (("ask", "generator1", 500, 300), ("bid", "consumer1", 500, 299)),
)


def _random_book(seed: int) -> tuple:
    rng = random.Random(seed)
    return tuple((side, rng.choice(BUYERS if side == "bid" else SELLERS), rng.randint(1, 3_000),
                  rng.randint(1, 400)) for side in rng.choices(["bid", "ask"], k=10))


@contextmanager
def _market() -> Iterator[MarketClient]:
    with connect("tester", accounts=12) as chain:
        yield prosumer_market(chain)


def _place(market: MarketClient, slot: int, book: tuple) -> list[tuple]:
    out = []
    for side, owner, wh, price in book:
        place = market.place_bid if side == "bid" else market.place_ask
        out.append((place(slot, wh, price, sender=owner), side, wh, price))
    return out


@cache
def _cleared(book: tuple) -> tuple[list[tuple], int, int]:
    with _market() as market:
        slot = market.next_open_slot()
        orders = _place(market, slot, book)
        market.travel_past_gate(slot)
        market.clear(slot)
        result = market.result(slot)
        return orders, result.price, result.volume


@exercise("13.1", "the clearing price and volume of a book")
def check_clearing(clearing):
    for book in (*BOOKS, _random_book(13), _random_book(2020)):
        # A fresh market numbers its orders 1, 2, ... in the order they are placed.
        orders = [(i + 1, side, wh, price) for i, (side, _, wh, price) in enumerate(book)]
        got = clearing([tuple(o) for o in orders])
        chain_orders, price, volume = _cleared(book)
        assert [o[0] for o in chain_orders] == [o[0] for o in orders]
        expect(isinstance(got, tuple) and len(got) == 2, f"return (price, volume), not {got!r}")
        expect(tuple(got) == (price, volume),
               f"for the book {orders[:3]}... the contract cleared at {price} wei/Wh for {volume} Wh; you "
               f"said {got[0]} wei/Wh for {got[1]} Wh")
    return ("one price for everyone, set where the curves cross: every buyer pays at most its bid and every "
            "seller gets at least its ask")


@exercise("13.2", "sign a meter reading by hand (EIP-712)")
def check_signature(sign):
    with _market() as market:
        chain = market.chain
        slot = market.next_open_slot()
        market.travel_to_slot_end(slot)
        meter = meter_account(chain, "generator1")
        user = chain.account("generator1").address
        signature = sign(meter.private_key, chain.chain_id, market.address, user, slot, 1_234, 56)
        expect(isinstance(signature, (bytes, bytearray)) and len(signature) == 65,
               "return the 65 bytes r . s . v of the signature")
        try:
            market.submit_reading(MeterReading(user, slot, 1_234, 56), bytes(signature), sender="consumer1")
        except GridError as exc:
            expect(False, f"the market refused your signature: {exc.message}")
        expect(market.call("readingOf", user, slot) == (True, 1_234, 56), "the reading was not recorded")
    return ("your digest is the contract's: keccak256(0x1901 . domain separator . struct hash), signed with "
            "the meter's key; the contract recovered the meter's address from it, as notebook 06 did by hand")


SETTLEMENT_CASES = (   # (book, exported Wh per seller; a missing seller sent no reading)
    (BOOKS[0], {"generator1": 500, "generator2": 1_000}),
    (BOOKS[0], {"generator1": 200, "generator2": 700}),
    (BOOKS[0], {"generator2": 1_000}),
    ((("ask", "generator1", 1_000, 100), ("bid", "consumer1", 300, 200), ("bid", "consumer2", 400, 200),
      ("bid", "user7", 300, 200)), {"generator1": 500}),
)


@cache
def _settled(book: tuple, exported: tuple) -> tuple:
    with _market() as market:
        slot = market.next_open_slot()
        orders = _place(market, slot, book)
        market.travel_past_gate(slot)
        market.clear(slot)
        cleared = {owner: market.credit(owner) for owner in SELLERS + BUYERS}
        market.travel_to_slot_end(slot)
        for seller, wh in exported:
            market.report(seller, slot, exported_wh=wh, imported_wh=0)
        market.travel_to_settlement(slot)
        market.settle(slot)
        result = market.result(slot)
        chain = market.chain
        owners = {market.order(o[0]).order_id: chain.account(market.order(o[0]).owner).name for o in orders}
        fills = [(owners[f.bid_id], owners[f.ask_id], f.wh) for f in result.fills]
        paid = {owner: market.credit(owner) - cleared[owner] for owner in SELLERS + BUYERS}
        return fills, result.price, {k: v for k, v in paid.items() if v}


@exercise("13.3", "who is credited what at settlement")
def check_settlement(settlement_credits):
    settlement_credits([("consumer1", "generator1", 1)], 1, {"generator1": 1})   # unsolved? say so at once
    for book, exported in SETTLEMENT_CASES:
        fills, price, want = _settled(book, tuple(sorted(exported.items())))
        got = settlement_credits(list(fills), price, dict(exported))
        got = {k: v for k, v in (got or {}).items() if v}
        expect(got == want, f"fills {fills} at {price} wei/Wh with exports {exported}: the contract credited "
                            f"{want}, you said {got}")
    return ("a seller is paid for what its meter says it delivered, never more than it sold; each buyer's "
            "unused escrow goes back, so no wei is created or lost")


def market_source() -> str:
    """contracts/EnergyMarket.sol, to extend."""
    return (CONTRACTS_DIR / "EnergyMarket.sol").read_text()


FLAWED_PAYMENT = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// What a buyer pays a seller at settlement. Two bugs hide in here.
contract SettlementMath {
    function delivered(uint256 matchedWh, uint256 exportedWh) public pure returns (uint256) {
        return exportedWh > 0 ? exportedWh : matchedWh;
    }

    /// Buyer matched m Wh with a seller who matched M in all and delivered D; price in wei/Wh.
    function pay(uint256 m, uint256 deliveredWh, uint256 matchedWh, uint256 price) public pure
    returns (uint256) {
        return m * price * deliveredWh / matchedWh;
    }
}
"""

PAYMENT_CASES = [(1_000, 1_000, 1_000, 200), (1_000, 400, 1_000, 200), (300, 500, 1_000, 7),
                 (333, 1_000, 1_000, 3), (1, 2, 3, 1_000_003), (700, 0, 1_000, 50), (5, 9, 11, 13)]


def _spec_delivered(matched: int, exported: int) -> int:
    return min(matched, exported)


def _spec_pay(m: int, delivered: int, matched: int, price: int) -> int:
    return (m * delivered // matched) * price


@contextmanager
def _compiled(source_of, name: str) -> Iterator[ContractClient]:
    source = source_of()
    expect(isinstance(source, str), f"return the Solidity source as a str, not {type(source).__name__}")
    try:
        artifact = compile_source(source, name=name)
    except CompileError as exc:
        expect(False, f"it does not compile: {exc.message}")
    with connect("tester", accounts=12) as chain:
        yield chain, artifact


@exercise("13.4", "fix the flawed settlement arithmetic (Solidity)")
def check_settlement_math(source_of):
    with _compiled(source_of, "SettlementMath") as (chain, artifact):
        math = ContractClient.deploy(chain, artifact)
        for matched, exported in [(1_000, 1_500), (1_000, 400), (1_000, 0), (10, 10)]:
            got = math.call("delivered", matched, exported)
            expect(got == _spec_delivered(matched, exported),
                   f"delivered(matched={matched}, exported={exported}) is {got}: a seller delivers at most "
                   f"what it sold, and nothing without a reading")
        for m, delivered, matched, price in PAYMENT_CASES:
            got = math.call("pay", m, delivered, matched, price)
            want = _spec_pay(m, delivered, matched, price)
            expect(got == want, f"pay(m={m}, D={delivered}, M={matched}, price={price}) is {got}, the rule "
                                f"gives floor(m x D / M) x price = {want}: round the energy, then multiply")
    return ("whole Wh times the price: each payment is a multiple of the price, so escrow held as whole Wh x "
            "price always splits exactly into payments and refunds")


@exercise("13.5", "add a minimum order size to the market (Solidity)")
def check_minimum_order(source_of):
    with _compiled(source_of, "EnergyMarket") as (chain, artifact):
        template = prosumer_market(chain)
        market = MarketClient.deploy(chain, template.call("registry"), artifact=artifact)
        slot = market.next_open_slot()
        for place, wh, who in ((market.place_ask, 99, "generator1"), (market.place_bid, 50, "consumer1")):
            try:
                place(slot, wh, 100, sender=who)
            except GridError as exc:
                expect("OrderTooSmall" in exc.message and "minWh=100" in exc.message,
                       f"an order of {wh} Wh was refused, but not with OrderTooSmall(wh, minWh=100): "
                       f"{exc.message}")
            else:
                expect(False, f"an order of {wh} Wh was accepted: refuse orders under 100 Wh")
        market.place_ask(slot, 100, 100, sender="generator1")
        market.place_bid(slot, 100, 300, sender="consumer1")
        market.travel_past_gate(slot)
        market.clear(slot)
        result = market.result(slot)
        expect((result.price, result.volume) == (200, 100), "orders of 100 Wh must still trade as before")
    return ("orders under 100 Wh are refused with a reason the client can read; the rest of the market is "
            "untouched")
