"""Checks for notebook 12, part 1: the seed contract's flaws, exploited by the student.

Each challenge hands the student's exploit a fresh seed deployment with a
scene set (lab.checks.fresh: the thesis's cast registered), runs it, and
then reads the chain to see whether the damage happened: storage, the
blocks' transactions and receipts, the contract's logs. A value the exploit
returns is never trusted, except in 12.9, where it is the stolen secret
itself and is compared with a name the student never saw.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from grid import explorer
from grid.chain import Chain
from grid.explorer import TxSummary
from grid.powergrid import PowerGridClient

from ..exercises import exercise, expect
from . import nb12_fixes  # noqa: F401 - registers 12.11-12.15
from .fresh import fresh_contract

USERS_MAPPING_SLOT = 1        # `mapping(address => User) user` is PowerGeneration's second variable


@dataclass
class Scene:
    """What a challenge knows about the world before the exploit runs."""

    chain: Chain
    seed: PowerGridClient           # acts as admin; preflight off: sends what the contract would take
    start_block: int                # the last block of the scene: the exploit's transactions come after

    def record(self, who: str):
        return self.seed.user_record(who)

    def calls_since(self, function: str) -> Iterator[TxSummary]:
        """Every transaction calling `function` on the seed that was mined after the scene."""
        for number in range(self.start_block + 1, self.chain.block_number + 1):
            for tx in explorer.block_transactions(self.chain, number, client=self.seed):
                if tx.to == self.seed.address and tx.function == function:
                    yield tx


@contextmanager
def _scene(setup: Callable[[PowerGridClient], None] | None = None) -> Iterator[Scene]:
    with fresh_contract() as (chain, client):
        if setup:
            setup(client)
        seed = PowerGridClient(chain, client.address, preflight=False)
        yield Scene(chain, seed, chain.block_number)


def _bought_100(client: PowerGridClient) -> None:
    client.generate_power(100, sender="generator1")
    client.sell_power("consumer1", 100, sender="generator1")


def _run(exploit: Callable[[PowerGridClient], object], scene: Scene) -> None:
    exploit(scene.seed)


@exercise("12.1", "erase a consumer's purchased power")
def check_erase_purchase(exploit):
    with _scene(_bought_100) as s:
        _run(exploit, s)
        after = s.record("consumer1")
        expect(after.remaining == 0, f"consumer1 still has {after.remaining} Wh of purchased power: the 100 "
                                     f"Wh it bought must be gone")
        expect(after.total_use == 0, f"consumer1 consumed {after.total_use} Wh: using the power up is not "
                                     f"erasing it; the administrator has a quicker way")
    return ("one empower erased 100 Wh that consumer1 had paid for, and nothing on chain says it happened: "
            "the seed's empower overwrites the whole User struct")


@exercise("12.2", "a transaction that succeeds and does nothing")
def check_silent_success(exploit):
    with _scene() as s:
        _run(exploit, s)
        found = [tx for tx in s.calls_since("GeneratePower") if not s.seed.rights(tx.sender)[0]]
        expect(found, "no GeneratePower from an account without the generation right was mined after the "
                      "scene: send one, e.g. as consumer1")
        expect(found[0].status == "ok", "that GeneratePower reverted: the seed returns silently instead, so "
                                        "send it as a transaction that the contract accepts")
        total = s.seed.total_generated(found[0].sender, sender="admin")
        expect(total == 0, f"the sender's total generation is {total} Wh: it should have changed nothing")
    return ("status 1, gas paid, a block mined, and nothing changed: a caller cannot tell \"done\" from "
            "\"refused\" without reading the state back")


@exercise("12.3", "sell power that was never generated")
def check_sell_unmade(exploit):
    with _scene() as s:
        _run(exploit, s)
        g2, c2 = s.record("generator2"), s.record("consumer2")
        expect(g2.total_generation == 0, f"generator2 generated {g2.total_generation} Wh: the point is to "
                                         f"sell without generating")
        expect(c2.remaining >= 500, f"consumer2 holds {c2.remaining} Wh: sell it at least 500 Wh")
        expect(g2.generation_balance <= -500, f"generator2's balance is {g2.generation_balance} Wh")
    return (f"consumer2 holds {c2.remaining} Wh that no one generated; generator2's balance is "
            f"{g2.generation_balance} Wh, a debt nothing forces it to repay")


@exercise("12.4", "record generation no meter measured")
def check_self_reported(exploit):
    with _scene() as s:
        _run(exploit, s)
        total = s.record("generator1").total_generation
        expect(total >= 1_000_000, f"generator1's total generation is {total} Wh: claim at least 1,000,000 "
                                   f"Wh (1 MWh)")
        senders = {tx.sender for tx in s.calls_since("GeneratePower") if tx.status == "ok"}
        expect(senders == {s.chain.account("generator1").address},
               "generation must come from generator1's own transactions: that is what self-reporting means")
    return (f"generator1 said it made {total / 1000:,.0f} kWh and the contract believed it: nothing ties a "
            f"number to a meter that measured it")


@exercise("12.5", "a negative balance without selling")
def check_wrap_around(exploit):
    with _scene() as s:
        _run(exploit, s)
        balance = s.record("generator1").generation_balance
        sales = [tx for tx in s.calls_since("Transfer")
                 if tx.status == "ok" and tx.sender == s.chain.account("generator1").address]
        expect(not sales, "generator1 sold power: a sale makes a balance negative honestly; use only "
                          "GeneratePower")
        expect(balance < 0, f"generator1's generation balance is {balance} Wh, not negative")
    return (f"only generation was recorded, yet the balance is {balance:.3e} Wh: int256(2**255) is "
            f"-2**255, and the seed's unchecked arithmetic wraps without a word")


@exercise("12.6", "a change of state no light client can see")
def check_no_events(exploit):
    with _scene() as s:
        _run(exploit, s)
        user5 = s.record("user5")
        expect(user5.registered and user5.can_consume, "register user5 as a consumer first")
        expect(user5.remaining >= 50, f"user5 holds {user5.remaining} Wh: sell it at least 50 Wh")
        logs = s.chain.logs(s.seed.address)
        expect(not logs, f"the contract emitted {len(logs)} log(s)")
    return ("a new user and a sale, and eth_getLogs returns nothing: a light client or an indexer "
            "following the contract sees no change at all")


@exercise("12.7", "withdraw a consumption right")
def check_no_removal(exploit):
    with _scene(_bought_100) as s:
        _run(exploit, s)
        after = s.record("consumer1")
        expect(not after.can_consume, "consumer1 still has its consumption right")
    return (f"the right is gone, and so are the {100 - after.remaining} Wh consumer1 had bought: with no "
            f"revoke, the only way to withdraw a right is an empower that wipes the balances too")


@exercise("12.8", "make the operator's first order vanish")
def check_dispatch_overwrite(exploit):
    with _scene() as s:
        _run(exploit, s)
        user = s.chain.account("generator1").address
        sent = [tx for tx in s.calls_since("PowerDispatch")
                if tx.status == "ok" and tx.arguments["address addr"] == user]
        expect(len(sent) >= 2, f"{len(sent)} dispatch instruction(s) reached generator1: send two")
        instructions = [tx.arguments["string _info"] for tx in sent]
        expect(instructions[0] != instructions[-1], "send two different instructions")
        now = s.seed.dispatch_info(sender="generator1")
        expect(now == instructions[-1], f"generator1 reads {now!r}")
        expect(not s.chain.logs(s.seed.address), "the contract emitted a log")
    return (f"generator1 can read only {instructions[-1]!r}; {instructions[0]!r}, its time and its "
            f"existence are gone from the contract's state (only an archive of old calldata remembers)")


def _secret_name(seed: int) -> str:
    rng = random.Random(seed)
    place = rng.choice(["Nordic", "Alnö", "Selånger", "Njurunda"])
    return f"{place} {rng.choice(['Wind', 'Solar', 'Hydro'])} Co-op {rng.randint(10, 99)}"


@exercise("12.9", "read a private name from storage")
def check_false_privacy(read_name):
    for seed in (7, 2020):
        secret = _secret_name(seed)
        with _scene(lambda c, secret=secret: c.register_user("user5", secret, "Sundsvall", can_generate=True,
                                                             can_consume=False)) as s:
            def storage_at(slot: int, s=s) -> bytes:
                return s.chain.storage_at(s.seed.address, slot)
            got = read_name(storage_at, s.chain.account("user5").address, USERS_MAPPING_SLOT)
            expect(got == secret, f"user5 registered as {secret!r}, you read {got!r}")
    return ("no getter returns names, `private` hides nothing: any node serves every storage slot to anyone "
            "who asks")


@exercise("12.10", "a getter that answers 0 instead of refusing")
def check_lying_getter(exploit):
    with _scene(lambda c: c.generate_power(500, sender="generator1")) as s:
        _run(exploit, s)
        g1 = s.chain.account("generator1").address
        asked = [e for e in s.seed.log if e.kind == "call" and e.function == "GetTotalGeneration"
                 and e.sender == "consumer2" and e.decoded_input.get("address addr") == g1]
        expect(asked, "no call of GetTotalGeneration(generator1) from consumer2 is in the client's log: "
                      "ask as consumer2, through the client you were given")
        answer = next(iter(asked[-1].decoded_output.values()))
        stored = s.record("generator1").total_generation
        expect(stored == 500 and answer == 0, f"the contract answered {answer} and stores {stored}")
    return ("the contract answered 0 for a total of 500 Wh: no revert, no reason, a plausible lie; the fix "
            "is to refuse, or, as all storage is public anyway, to answer truthfully")
