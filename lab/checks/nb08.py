"""Checks for notebook 08: the contract console (thesis section 5.2).

Expected values come from the Solidity ABI specification (docs.soliditylang.org,
"Contract ABI Specification": stateMutability is pure, view, nonpayable or
payable; the older `constant` flag means pure or view), from eth-abi / eth-utils
decoding of transactions the checker sends itself on a fresh embedded chain, and
from the contract's own behaviour on that chain (balances read back, reverts
observed with eth_call), cross-checked with the arithmetic of the contract's
source (contracts/PowerGeneration.sol). Never from the console widget.
"""
from __future__ import annotations

import json
import random
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from eth_abi import decode, encode
from eth_utils import function_abi_to_4byte_selector, function_signature_to_4byte_selector

from grid.chain import TxReverted
from grid.client import PowerGridClient

from ..exercises import exercise, expect
from .fresh import fresh_contract

ROOT = Path(__file__).resolve().parents[2]
ARTIFACT = json.loads((ROOT / "contracts" / "PowerGeneration.json").read_text())
ABI = ARTIFACT["abi"]
BALANCE_KEYS = ("GetGeneration", "GetTotalGeneration", "GetUsedOfSelf", "GetTotalUsedOfSomeone")


@contextmanager
def _fresh_contract(*cast: tuple[str, bool, bool]) -> Iterator[PowerGridClient]:
    """A new embedded chain with PowerGeneration deployed and `cast` (name, generate, consume) registered."""
    with fresh_contract([(name, f"Checker-{name}", "Sundsvall", generate, consume)
                         for name, generate, consume in cast]) as (_, client):
        yield client


# ----------------------------------------------------------------- 08.1
# Legacy items: the ABI of solc before 0.4.16 (the thesis era) had only `constant` and `payable`.
SYNTHETIC_ABI = [
    ({"type": "function", "name": "unitPrice", "inputs": [], "outputs": [{"type": "uint256", "name": ""}],
      "stateMutability": "pure"}, False),
    ({"type": "function", "name": "PayBill", "inputs": [], "outputs": [], "stateMutability": "payable"}, True),
    ({"type": "function", "name": "GetRefund", "inputs": [], "outputs": [], "stateMutability": "nonpayable"}, True),
    ({"type": "function", "name": "GetGeneration", "inputs": [], "outputs": [{"type": "int256", "name": "_value"}],
      "constant": True, "payable": False}, False),
    ({"type": "function", "name": "Transfer", "inputs": [{"type": "address", "name": "_to"},
      {"type": "uint256", "name": "_value"}], "outputs": [], "constant": False, "payable": False}, True),
    ({"type": "function", "name": "Donate", "inputs": [], "outputs": [], "constant": False, "payable": True}, True),
]


@exercise("08.1", "red or blue: transaction or call")
def check_is_transaction(is_transaction):
    cases = [(item, item["stateMutability"] in ("nonpayable", "payable"))
             for item in ABI if item["type"] == "function"] + SYNTHETIC_ABI
    for item, want in cases:
        got = is_transaction(item)
        shown = {k: v for k, v in item.items() if k in ("name", "stateMutability", "constant", "payable")}
        expect(got is want or (isinstance(got, bool) and got == want),
               f"is_transaction({shown}) returned {got!r}, expected {want} "
               f"({'red: it may change state' if want else 'blue: it cannot change state'})")
    return ("view and pure functions are blue calls, answered by one node for free; nonpayable and "
            "payable ones are red transactions, mined in a block (Solidity ABI spec, thesis Fig. 5-3)")


# ----------------------------------------------------------------- 08.2
def _independent_decode(input_hex: str) -> tuple[str, list]:
    data = bytes.fromhex(input_hex[2:])
    for item in ABI:
        if item["type"] == "function" and function_abi_to_4byte_selector(item) == data[:4]:
            return item["name"], list(decode([p["type"] for p in item["inputs"]], data[4:]))
    raise AssertionError(f"checker bug: no ABI function has selector 0x{data[:4].hex()}")


def _same_value(got: Any, want: Any) -> bool:
    if isinstance(want, str) and want.startswith("0x") and len(want) == 42:
        return isinstance(got, str) and got.lower() == want.lower()   # addresses: any case
    return type(got) is type(want) and got == want


@exercise("08.2", "decode a log entry")
def check_decode_entry_input(decode_entry_input):
    rng = random.Random()
    with _fresh_contract(("generator1", True, False)) as client:
        sold, made = rng.randint(1, 10**6), rng.randint(1, 10**6)
        client.register_user("consumer1", f"PowerUser{rng.randint(1, 999)}", "Västerås",
                             can_generate=False, can_consume=True)
        client.sell_power("consumer1", sold, sender="generator1")
        client.generate_power(made, sender="generator1")
        client.consume_power(rng.randint(0, sold), sender="consumer1")
        client.send_dispatch("consumer1", rng.choice(["stop", "reduce 10 %", "start at 06:00"]))
        client.total_generated("generator1", sender="admin")
        client.generation_balance(sender="generator1")
        entries = [e for e in client.log if e.function != "(constructor)"]
    for entry in entries:
        want_name, want_args = _independent_decode(entry.input)
        got = decode_entry_input(entry.input, ABI)
        expect(isinstance(got, tuple) and len(got) == 2,
               f"decode_entry_input({entry.short_input()!r}, abi) returned {got!r}: return a pair "
               f"(function name, list of arguments)")
        name, args = got
        expect(name == want_name, f"the input {entry.short_input()} calls {want_name} (its first 4 bytes are "
                                  f"{entry.input[:10]}), you said {name!r}")
        expect(isinstance(args, (list, tuple)) and len(args) == len(want_args),
               f"{want_name} takes {len(want_args)} argument(s), you returned {args!r}")
        for index, (g, w) in enumerate(zip(args, want_args)):
            expect(_same_value(g, w), f"argument {index} of {want_name} is {w!r} (eth-abi), you decoded {g!r}")
    return (f"{len(entries)} entries decoded: 4 bytes of keccak256(signature) pick the function, the rest "
            f"is 32-byte words. Anyone can do this for any transaction: calldata is public")


# ----------------------------------------------------------------- 08.3
def _arithmetic(steps: list[tuple[str, int]]) -> dict[str, int]:
    """The contract's bookkeeping, from its source: Transfer, GeneratePower, PowerConsume."""
    balance = {key: 0 for key in BALANCE_KEYS}
    for action, amount in steps:
        if action == "sell":       # generationPower -= _value; buyer's usePower += _value
            balance["GetGeneration"] -= amount
            balance["GetUsedOfSelf"] += amount
        elif action == "generate":  # generationPower += _value; totalGenerationPower += _value
            balance["GetGeneration"] += amount
            balance["GetTotalGeneration"] += amount
        else:                       # usePower -= _value; totalUsePower += _value
            balance["GetUsedOfSelf"] -= amount
            balance["GetTotalUsedOfSomeone"] += amount
    return balance


def _random_steps(rng: random.Random, count: int) -> list[tuple[str, int]]:
    steps, remaining = [], 0
    for _ in range(count):
        action = rng.choice(["sell", "generate", "consume"] if remaining else ["sell", "generate"])
        amount = rng.randint(0, remaining) if action == "consume" else rng.randint(1, 500)
        remaining += amount if action == "sell" else -amount if action == "consume" else 0
        steps.append((action, amount))
    return steps


@exercise("08.3", "predict the balances")
def check_predict_balances(predict_balances):
    rng = random.Random()
    sequences = [
        [("sell", 100)],                                   # thesis 5.2.2: -100 and 100
        [("sell", 100), ("generate", 10)],                 # thesis 5.2.2: -90 and 10
        [("generate", 50), ("sell", 30), ("consume", 20), ("sell", 5), ("consume", 15)],
        _random_steps(rng, 6),
    ]
    with _fresh_contract(("generator1", True, False), ("consumer1", False, True)) as client:
        for steps in sequences:
            snapshot = client.chain.snapshot()
            for action, amount in steps:
                if action == "sell":
                    client.sell_power("consumer1", amount, sender="generator1")
                elif action == "generate":
                    client.generate_power(amount, sender="generator1")
                else:
                    client.consume_power(amount, sender="consumer1")
            chain_says = {"GetGeneration": client.generation_balance(sender="generator1"),
                          "GetTotalGeneration": client.total_generated("generator1", sender="generator1"),
                          "GetUsedOfSelf": client.remaining_power(sender="consumer1"),
                          "GetTotalUsedOfSomeone": client.total_consumed("consumer1", sender="consumer1")}
            client.chain.revert(snapshot)
            expect(chain_says == _arithmetic(steps), f"checker bug: the chain says {chain_says}")
            got = predict_balances(list(steps))
            expect(isinstance(got, dict), f"predict_balances({steps}) returned {got!r}: return a dict with "
                                          f"the keys {', '.join(BALANCE_KEYS)}")
            for key in BALANCE_KEYS:
                expect(got.get(key) == chain_says[key],
                       f"after {steps} the chain's {key} is {chain_says[key]}, you predicted {got.get(key)!r}")
    return ("selling before generating leaves generator1 owing power (a negative int256), and only "
            "GeneratePower and PowerConsume move the totals: thesis 5.2.2's -100 / 100, then -90 / 10")


# ----------------------------------------------------------------- 08.4
ACCOUNTS = ("admin", "generator1", "generator2", "consumer1", "consumer2", "user5")
_CAST = (("generator1", True, False), ("generator2", True, True),   # generator2 also consumes
         ("consumer1", False, True), ("consumer2", False, True))     # user5 stays unregistered
_MAX = 2**256 - 1


def _expected_require(function: str, sender: str, args: list, state: dict) -> int:
    """Which require() of contracts/PowerGeneration.sol fails first (1-based), 0 when none does."""
    users = state["users"]
    if function in ("empower", "PowerDispatch"):
        return 0 if sender == state["administrator"] else 1
    if function == "Transfer":
        buyer, amount = args
        if not users[sender]["generaterights"]:
            return 1
        if not users[buyer]["userights"]:
            return 2
        before = users[buyer]["usePower"]
        return 0 if (before + amount) % 2**256 > before else 3   # unchecked: wraps around
    if function == "PowerConsume":
        if not users[sender]["userights"]:
            return 1
        return 0 if users[sender]["usePower"] >= args[0] else 2
    return 0   # GeneratePower has no require: it returns silently


def _cases(rng: random.Random) -> list[tuple[str, str, list]]:
    fixed = [
        ("empower", "generator1", ["user5", "Mallory", "Sundsvall", True, True]),
        ("empower", "admin", ["user5", "PowerUserThree", "Sundsvall", False, True]),
        ("PowerDispatch", "consumer1", ["consumer2", "stop"]),
        ("PowerDispatch", "admin", ["consumer2", "stop"]),
        ("Transfer", "consumer1", ["consumer2", 5]),
        ("Transfer", "user5", ["generator1", 5]),             # both fail: the first require decides
        ("Transfer", "generator1", ["generator1", 5]),
        ("Transfer", "generator1", ["consumer1", 0]),         # 40 + 0 > 40 is false
        ("Transfer", "generator1", ["consumer1", _MAX]),      # 40 + (2**256 - 1) wraps to 39
        ("Transfer", "generator1", ["consumer2", _MAX]),      # 0 + (2**256 - 1) does not wrap
        ("Transfer", "generator2", ["generator2", 7]),
        ("PowerConsume", "generator1", [1]),
        ("PowerConsume", "consumer1", [41]),
        ("PowerConsume", "consumer1", [40]),
        ("PowerConsume", "consumer2", [0]),
        ("GeneratePower", "consumer1", [5]),
    ]
    extra = [("Transfer", rng.choice(ACCOUNTS), [rng.choice(ACCOUNTS), rng.choice([0, 1, rng.randint(2, 99)])]),
             ("PowerConsume", rng.choice(ACCOUNTS), [rng.randint(0, 60)])]
    return fixed + extra


def _reverts(client: PowerGridClient, function: str, sender: str, args: list) -> bool:
    """Ask the node (eth_call, nothing mined) whether the transaction would revert."""
    chain = client.chain
    item = next(i for i in ABI if i.get("name") == function)
    types = [p["type"] for p in item["inputs"]]
    values = [chain.account(v).address if t == "address" else v for t, v in zip(types, args)]
    data = function_signature_to_4byte_selector(f"{function}({','.join(types)})") + encode(types, values)
    try:
        chain.call(chain.account(sender), client.address, data)
    except TxReverted:
        return True
    return False


@exercise("08.4", "explain a revert")
def check_failing_require(failing_require):
    rng = random.Random()
    with _fresh_contract(*_CAST) as client:
        client.sell_power("consumer1", 40, sender="generator1")
        users = {name: {"generaterights": False, "userights": False, "usePower": 0} for name in ACCOUNTS}
        for name, generate, consume in _CAST:
            users[name].update(generaterights=generate, userights=consume)
        users["consumer1"]["usePower"] = 40
        state = {"administrator": "admin", "users": users}
        for function, sender, args in _cases(rng):
            want = _expected_require(function, sender, args, state)
            expect((want != 0) == _reverts(client, function, sender, args),
                   f"checker bug: the node disagrees about {function} from {sender} {args}")
            got = failing_require(function, sender, list(args), json.loads(json.dumps(state)))
            said = f"require number {want} of {function}" if want else "no require (it goes through)"
            expect(got == want, f"{function}{tuple(args)} from {sender} fails {said}; you said {got!r}")
    return ("the seed's require()s carry no message, so the node only says 'reverted': you found the "
            "reason by reading the source. Since Solidity 0.4.22, require(cond, \"why\") ships the reason")
