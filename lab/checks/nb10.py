"""Checks for notebook 10: the user and manager platforms.

The expected values come from the contract itself: each checker starts its own
embedded chain (eth-tester), deploys PowerGeneration, replays the actions and
reads the result from the contract's storage or asks its getters as each
user, or builds the raw blocks it hands to the student, with a calldata decoder
built from eth-abi and the artifact's ABI. The amounts a platform reads from a
screen are a table worked out by hand (1 kWh = 1000 Wh). The rules a student
applies are those of Appendix A (the `require`s of Transfer and PowerConsume,
GeneratePower's silent return, empower's reset). Chain work is done once per process and cached.
"""
from __future__ import annotations

import random
from dataclasses import asdict
from functools import cache

from eth_abi import decode
from eth_utils import function_abi_to_4byte_selector

from grid.chain import connect
from grid.compiler import load_artifact
from grid.errors import GridError
from grid.powergrid import PowerGridClient, UserRecord
from grid.registry import UserDirectory, UserRow

from ..exercises import exercise, expect

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


def _decode_call(data: str) -> tuple[str, list]:
    """(function name, arguments) of PowerGeneration calldata: eth-abi and the artifact's ABI."""
    raw = bytes.fromhex(data[2:] if data.startswith("0x") else data)
    for item in load_artifact("PowerGeneration").abi:
        if item.get("type") == "function" and function_abi_to_4byte_selector(item) == raw[:4]:
            return item["name"], list(decode([i["type"] for i in item["inputs"]], raw[4:]))
    raise ValueError(f"{data[:10]} is not a function of PowerGeneration (a deployment's input has none)")


@exercise("10.2", "find the registered users in raw blocks")
def check_registered_users(registered_users):
    transactions, ours, other, want_ours, want_other = _raw_chain()
    for contract, want in ((ours, want_ours), (other, want_other)):
        got = registered_users([dict(tx) for tx in transactions], contract, _decode_call)
        expect(isinstance(got, list), f"return a list of addresses, not {type(got).__name__}")
        got_lower = [str(a).lower() for a in got]
        expect(got_lower == [a.lower() for a in want],
               f"for contract {contract[:10]}... the registered users are {want} (registered by a successful "
               f"empower to this contract, in order of first registration, each once), you returned {got}")
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


INT256_MAX = 2**255 - 1   # the generation balance is an int256: no sale can be larger

# Worked out by hand: 1 kWh = 1000 Wh; the unit is Wh or kWh in any case, spaces around are allowed.
GOOD_AMOUNTS = (
    ("1.5 kWh", 1500), ("250 Wh", 250), ("2 kWh", 2000), ("0.001 kWh", 1), ("1.001 kWh", 1001),
    (" 3.25kWh ", 3250), ("12 wh", 12), ("100 KWH", 100_000), ("4.10 kWh", 4100), ("7.000 Wh", 7),
    ("123456789012345678901234567890.123 kWh", 123456789012345678901234567890123),
    (f"{INT256_MAX} Wh", INT256_MAX),
)
BAD_AMOUNTS = (
    ("-5 kWh", "a negative amount"), ("0 kWh", "zero, and a sale of 0 reverts"),
    ("1.5 MWh", "a unit other than Wh or kWh"), ("2 MWh", "a unit other than Wh or kWh"),
    ("1.5 kW", "power, not energy"), ("3 kW", "power, not energy"),
    ("1.5", "no unit"), ("", "nothing typed"), ("kWh", "no number"),
    ("1.2345 kWh", "a fraction of a Wh, and the contract counts whole Wh"), ("0.5 Wh", "half a Wh"),
    ("1e3 Wh", "exponent notation"), ("nan kWh", "not a number"), ("inf Wh", "infinity"),
    ("1,5 kWh", "a decimal comma"), ("1.5 kWh kWh", "two units"),
    (f"{INT256_MAX + 1} Wh", "more than an int256 can hold"), ("9" * 400 + " kWh", "a huge number"),
)


def _one_sentence(message: str) -> bool:
    # One line that does not start in lower case and ends with a full stop: Python's own error texts
    # ("could not convert string to float: ...") are not sentences for a household.
    return (0 < len(message) <= 200 and "\n" not in message and not message[0].islower()
            and message.rstrip().endswith(".") and "Traceback" not in message)


@exercise("10.5", "read an amount typed on screen")
def check_parse_energy(parse_energy):
    for text, want in GOOD_AMOUNTS:
        try:
            got = parse_energy(text)
        except ValueError as exc:
            expect(False, f"{text!r} is {want} Wh, but you refused it: {exc}")
        expect(type(got) is int and got == want,
               f"{text[:48]!r} is {want} Wh (an int); you returned {_short(got)}")
    for text, why in BAD_AMOUNTS:
        try:
            got = parse_energy(text)
        except ValueError as exc:
            message = str(exc)
            expect(_one_sentence(message),
                   f"for {text[:24]!r} ({why}) say why in one sentence (one line, not starting in lower "
                   f"case, ending with a full stop); your message was {message[:80]!r}")
            continue
        expect(False, f"{text[:24]!r} must be refused ({why}): raise ValueError with one sentence; "
                      f"you returned {_short(got)}")
    return ("screens speak kWh, the contract counts whole Wh: read the text exactly (Fraction or Decimal, "
            "not float), check the unit, the sign, the whole Wh and the int256 limit, and say in one "
            "sentence what is wrong")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
