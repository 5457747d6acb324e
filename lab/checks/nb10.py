"""Checks for notebook 10: the user and manager platforms.

The expected values come from the contract itself: each checker starts its own
embedded chain (eth-tester), deploys PowerGeneration, replays the actions and
reads the result from the contract's storage or asks its getters as each
user, or builds the raw blocks it hands to the student (read with web3 alone).
The rules a student applies are those of Appendix A (the `require`s of
Transfer and PowerConsume, GeneratePower's silent return, empower's
reset). Chain work is done once per process and cached.
"""
from __future__ import annotations

import random
from dataclasses import asdict
from functools import cache

from eth_abi import decode
from eth_utils import function_signature_to_4byte_selector
from hexbytes import HexBytes

from grid.chain import connect
from grid.errors import GridError
from grid.powergrid import PowerGridClient, UserRecord
from grid.registry import UserDirectory, UserRow

from ..exercises import exercise, expect
from .fresh import fresh_contract

GENERATOR, CONSUMER = "generator1", "consumer1"

THESIS_ACTIONS = (  # section 5.2.2, plus the consumer using 30 of its 100 units
    ("register", "generator1", True, False),
    ("register", "generator2", True, False),
    ("register", "consumer1", False, True),
    ("register", "consumer2", False, True),
    ("sell", "generator1", "consumer1", 100),
    ("generate", "generator1", 10),
    ("consume", "consumer1", 30),
)
QUIRK_ACTIONS = (  # every rule of Appendix A that changes nothing, and empower's reset
    ("register", "generator1", True, False),
    ("register", "consumer1", False, True),
    ("register", "user5", True, True),
    ("generate", "consumer1", 50),               # no generation right: silently nothing
    ("sell", "consumer1", "generator1", 5),      # seller cannot generate: reverts
    ("sell", "generator1", "generator1", 5),     # buyer cannot consume: reverts
    ("sell", "generator1", "consumer1", 0),      # usePower + 0 > usePower is false: reverts
    ("sell", "generator1", "user5", 20),
    ("consume", "user5", 25),                    # only 20 bought: reverts
    ("consume", "user5", 20),
    ("generate", "user5", 7),
    ("sell", "user5", "user5", 3),               # both rights: may sell to itself
    ("consume", "generator1", 1),                # no consumption right: reverts
    ("sell", "generator1", "consumer1", 40),
    ("register", "consumer1", False, True),      # registering again resets the 40 to 0
    ("sell", "generator1", "consumer1", 15),
    ("generate", "generator1", 1000),
    ("sell", "generator1", "user6", 9),          # user6 was never registered: reverts
)


def _random_actions(seed: int, count: int = 24) -> tuple:
    rng = random.Random(seed)
    people = ["generator1", "generator2", "consumer1", "consumer2"]
    actions = [("register", p, rng.random() < 0.6, rng.random() < 0.6) for p in people]
    for _ in range(count):
        kind = rng.choice(["generate", "sell", "sell", "consume", "consume", "register"])
        who = rng.choice(people)
        if kind == "register":
            actions.append(("register", who, rng.random() < 0.5, rng.random() < 0.5))
        elif kind == "sell":
            actions.append(("sell", who, rng.choice(people), rng.randint(0, 60)))
        else:
            actions.append((kind, who, rng.randint(0, 60)))
    return tuple(actions)


ACTION_SETS = (THESIS_ACTIONS, QUIRK_ACTIONS, _random_actions(10), _random_actions(2020))


@cache
def _replayed(actions: tuple) -> dict:
    """Replay `actions` on a fresh chain; read each registered user's balances from storage."""
    with connect("tester") as chain:
        client = PowerGridClient.deploy(chain)
        registered = []
        for action in actions:
            kind, who, *rest = action
            try:
                if kind == "register":
                    client.register_user(who, who, "Sundsvall", can_generate=rest[0], can_consume=rest[1],
                                         reset=True)   # a repeat registers again, as empower does
                    registered.append(who)
                elif kind == "generate":
                    client.generate_power(rest[0], sender=who)
                elif kind == "sell":
                    client.sell_power(rest[0], rest[1], sender=who)
                elif kind == "consume":
                    client.consume_power(rest[0], sender=who)
            except GridError as exc:   # the contract would revert: nothing changes
                assert exc.kind in ("revert", "permission"), exc
        result = {}
        for who in registered:
            record = client.user_record(who)
            result[who] = (record.generation_balance, record.total_generation, record.remaining,
                           record.total_use)
        return result


@exercise("10.1", "balances from a list of actions")
def check_replay_balances(replay_balances):
    for actions in ACTION_SETS:
        want = _replayed(actions)
        got = replay_balances(list(actions))
        expect(isinstance(got, dict), f"return a dict {{user: (generation, total generation, remaining, "
                                      f"total use)}}, not {type(got).__name__}")
        expect(set(got) == set(want), f"the registered users are {sorted(want)}, you returned {sorted(got)}")
        for user, values in want.items():
            expect(tuple(got[user]) == values,
                   f"after {len(actions)} actions starting {actions[:2]}..., the contract has {user} at "
                   f"(generation, total generation, remaining, total use) = {values}, you said "
                   f"{tuple(got[user])}")
    return ("the contract's state is a pure function of its transactions: any node (or you) can replay "
            "them and must reach the same balances; that is what a blockchain agrees on")


@cache
def _raw_chain() -> tuple:
    """Blocks with registrations, a reverted one, a re-registration and another contract."""
    with connect("tester") as chain:
        ours = PowerGridClient.deploy(chain)
        other = PowerGridClient.deploy(chain)
        ours.register_user("generator1", "G1", "Sundsvall", can_generate=True, can_consume=False)
        ours.register_user("consumer1", "C1", "Sundsvall", can_generate=False, can_consume=True)
        intruder = PowerGridClient(chain, ours.address, account="consumer2", preflight=False)
        try:
            intruder.register_user("consumer2", "Me", "Here", can_generate=True, can_consume=True)
        except GridError:
            pass   # mined, reverted: registers nobody
        other.register_user("user5", "U5", "Sundsvall", can_generate=True, can_consume=True)
        ours.sell_power("consumer1", 10, sender="generator1")
        ours.register_user("consumer1", "C1", "Umeå", can_generate=True, can_consume=True, reset=True)
        ours.register_user("user6", "U6", "Sundsvall", can_generate=False, can_consume=True)
        directory = UserDirectory(ours)
        transactions = [asdict(tx) for n in range(chain.block_number + 1)
                        for tx in directory.transactions_in_block(n)]
        names = {a.name: a.address for a in chain.accounts}
        return (transactions, ours.address, other.address,
                [names["generator1"], names["consumer1"], names["user6"]], [names["user5"]])


@exercise("10.2", "find the registered users in raw blocks")
def check_registered_users(registered_users):
    transactions, ours, other, want_ours, want_other = _raw_chain()
    for contract, want in ((ours, want_ours), (other, want_other)):
        got = registered_users([dict(tx) for tx in transactions], contract)
        expect(isinstance(got, list), f"return a list of addresses, not {type(got).__name__}")
        got_lower = [str(a).lower() for a in got]
        expect(got_lower == [a.lower() for a in want],
               f"for contract {contract[:10]}... the registered users are {want} (in order of first "
               f"registration, each once), you returned {got}")
    return ("the contract cannot list its users, but its transactions are public: a full scan costs one "
            "request per block, which is why UserDirectory remembers the last block it read")


def _records():
    rows = [UserRecord("0x" + "00" * 20, "", "", 0, 0, 0, 0, False, False, "")]   # never registered
    for can_generate in (False, True):
        for can_consume in (False, True):
            for use_power in (0, 7):
                rows.append(UserRecord("0x" + "11" * 20, "U", "Sundsvall", -3, 4, use_power, 1,
                                       can_generate, can_consume, ""))
    return rows


def _expected_actions(record) -> set:
    # Appendix A: GeneratePower counts only with generaterights; Transfer requires the
    # seller's generaterights; PowerConsume requires userights and usePower >= _value,
    # so at least one unit must be left for a consumption that changes anything.
    allowed = set()
    if record.can_generate:
        allowed.update({"generate", "sell"})
    if record.can_consume and record.remaining >= 1:
        allowed.add("consume")
    return allowed


@exercise("10.3", "which actions may this user take?")
def check_allowed_actions(allowed_actions):
    for record in _records():
        got = allowed_actions(record)
        want = _expected_actions(record)
        expect(set(got or ()) == want,
               f"for rights (generate={record.can_generate}, consume={record.can_consume}) and "
               f"{record.remaining} Wh purchased and not yet consumed, the contract lets the user do "
               f"{sorted(want) or 'nothing'}, you said {sorted(got or ())}")
    return ("the rights are in storage, readable by anyone, even though the seed has no getter for them: "
            "that is how the user platform knows which buttons to grey out")


def _rows(seed: int | None):
    def row(i, generate, consume, balance, remaining):
        return UserRow(address=f"0x{i:040x}", account=None, name=f"U{i}", location="Sundsvall",
                       can_generate=generate, can_consume=consume, generation_balance=balance,
                       total_generation=max(balance, 0), remaining=remaining, total_use=0, dispatch="",
                       registered_in_block=i)
    if seed is None:   # the thesis scenario after the sale and the generation (section 5.2.2)
        return [row(1, True, False, -90, 0), row(2, True, False, 0, 0), row(3, False, True, 0, 100),
                row(4, False, True, 0, 0), row(5, True, True, -5, 0), row(6, False, False, 0, 0),
                row(7, True, False, 12, 0)]
    rng = random.Random(seed)
    return [row(i, rng.random() < 0.5, rng.random() < 0.5, rng.randint(-50, 50), rng.choice([0, 0, 5, 80]))
            for i in range(1, 16)]


# The plan for _rows(None), worked out by hand from the policy in the notebook.
THESIS_PLAN = [(f"0x{1:040x}", "generate 90 Wh"), (f"0x{4:040x}", "stop"),
               (f"0x{5:040x}", "generate 5 Wh; stop")]


def _expected_plan(rows):
    plan = []
    for r in rows:
        owes = r.can_generate and r.generation_balance < 0
        parts = ([f"generate {-r.generation_balance} Wh"] if owes else []) \
            + (["stop"] if r.can_consume and r.remaining == 0 else [])
        if parts:
            plan.append((r.address, "; ".join(parts)))
    return plan


@exercise("10.4", "a dispatch plan from the users table")
def check_dispatch_plan(dispatch_plan):
    for seed in (None, 1, 2, 3):
        rows = _rows(seed)
        want = THESIS_PLAN if seed is None else _expected_plan(rows)
        got = dispatch_plan(list(rows))
        got = [tuple(item) for item in (got or [])]
        expect(got == want, f"for {len(rows)} users the plan is {want[:4]}{'...' if len(want) > 4 else ''}, "
                            f"you returned {got[:4]}{'...' if len(got) > 4 else ''}")
    return ("the manager cannot generate or buy for anyone; dispatch text is all it can do, and every "
            "instruction is a transaction the users (and everyone else) can read")


# The instructions of exercise 10.5: one longer than a 32-byte word, one with UTF-8 letters of 2 bytes.
LONG_INSTRUCTION = "generate 90 kWh before 18:00 on the Sundsvall north feeder"
SWEDISH_INSTRUCTION = "minska förbrukningen med 10 % i Umeå"


def _raw_transactions(w3) -> list[dict]:
    """Every transaction of the chain, read with web3 alone, in exercise 10.2's plain fields."""
    found = []
    for number in range(w3.eth.block_number + 1):
        for tx_hash in w3.eth.get_block(number)["transactions"]:   # hashes: web3 formats get_transaction
            tx = w3.eth.get_transaction(tx_hash)
            found.append({"block_number": number, "tx_hash": HexBytes(tx["hash"]).to_0x_hex(),
                          "sender": tx["from"], "to": tx.get("to") or None,
                          "input": HexBytes(tx["input"]).to_0x_hex(),
                          "status": w3.eth.get_transaction_receipt(tx["hash"])["status"]})
    return found


def _instruction(chain, contract: str, account: str) -> str:
    """GetInformation() as `account`: a call built with eth-utils and decoded with eth-abi."""
    selector = function_signature_to_4byte_selector("GetInformation()")
    raw = chain.call(chain.account(account), contract, selector)
    return decode(["string"], raw)[0]


@cache
def _dispatch_history() -> tuple:
    """Dispatches and registrations on two contracts; the chain's raw transactions and each
    target's answer."""
    cast = [(who, who, "Sundsvall", generate, consume) for who, generate, consume in
            (("generator1", True, False), ("consumer1", False, True), ("consumer2", False, True))]
    with fresh_contract(cast) as (chain, ours):
        other = PowerGridClient.deploy(chain)
        other.register_user("consumer2", "consumer2", "Sundsvall", can_generate=False, can_consume=True)
        unchecked = PowerGridClient(chain, ours.address, preflight=False)   # sends what Remix would send
        intruder = PowerGridClient(chain, ours.address, account="consumer2", preflight=False)
        for who in ("generator1", "consumer1", "consumer2"):   # the manager's "all users": one each
            ours.send_dispatch(who, "stop")
        ours.send_dispatch("generator1", LONG_INSTRUCTION)
        ours.send_dispatch("consumer1", SWEDISH_INSTRUCTION)
        try:
            intruder.send_dispatch("consumer1", "free power for everyone")   # not the administrator
        except GridError:
            pass                                                             # mined, reverted
        other.send_dispatch("consumer2", "an instruction of another contract")
        ours.register_user("consumer2", "consumer2", "Umeå", can_generate=True, can_consume=True,
                           reset=True)  # resets
        unchecked.send_dispatch("user5", "stored, though user5 was never registered")
        unchecked.send_dispatch("user6", "wiped by the registration that follows")
        ours.register_user("user6", "user6", "Sundsvall", can_generate=False, can_consume=True)
        transactions = _raw_transactions(chain.w3)
        expect(sum(tx["status"] == 0 for tx in transactions) == 1,
               "checker bug: expected one reverted dispatch")
        names = {a.name: a.address for a in chain.accounts}
        answers = {}
        for contract, targets in ((ours.address, ("generator1", "consumer1", "consumer2", "user5", "user6")),
                                  (other.address, ("consumer2",))):
            answers[contract] = {names[who]: _instruction(chain, contract, who) for who in targets}
        expect(answers[ours.address][names["consumer1"]] == SWEDISH_INSTRUCTION
               and answers[ours.address][names["consumer2"]] == "", f"checker bug: the chain says {answers}")
        return transactions, answers


@exercise("10.5", "the dispatch column, from the blocks")
def check_latest_instructions(latest_instructions):
    transactions, answers = _dispatch_history()
    for contract, want in answers.items():
        got = latest_instructions([dict(tx) for tx in transactions], contract)
        expect(isinstance(got, dict), f"return a dict {{address: instruction}}, not {type(got).__name__}")
        got_lower = {str(address).lower(): text for address, text in got.items()}
        want_lower = {address.lower(): text for address, text in want.items()}
        expect(set(got_lower) == set(want_lower),
               f"for contract {contract[:10]}... the addresses named by a successful empower or "
               f"PowerDispatch are {sorted(want)}, you returned {sorted(map(str, got))}")
        for address, text in want.items():
            expect(got_lower[address.lower()] == text,
                   f"GetInformation() as {address[:10]}... on contract {contract[:10]}... answers {text!r}, "
                   f"you said {got_lower[address.lower()]!r}")
    return ("GetInformation answers only the user it is about, yet every instruction sits in the blocks for "
            "anyone to read: the 'latest dispatch' column is public history, and empower wipes it silently")
