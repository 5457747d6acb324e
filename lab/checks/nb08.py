"""Checks for notebook 08: the contract console (thesis section 5.2).

Expected values come from balances on a fresh embedded chain (a fee is what the
sender's balance lost and the block's miner gained, EIP-1559), from eth-abi /
eth-utils decoding of transactions the checker sends itself on such a chain, and
from the contract's own behaviour on that chain (balances read back, reverts
observed with eth_call), cross-checked with the arithmetic of the contract's
source (contracts/PowerGeneration.sol). Never from the console widget.
"""
from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_abi import decode, encode
from eth_utils import function_abi_to_4byte_selector, function_signature_to_4byte_selector

from grid.chain import TxReverted
from grid.errors import GridError
from grid.powergrid import PowerGridClient

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
def _paid(chain, entry) -> dict[str, int]:
    """What a transaction cost, from balances alone: the sender's loss and the miner's gain in its block.

    eth-tester mines each transaction in a block of its own and pays no block
    reward (proof of stake rules), so the sender's balance drop is the fee
    (every transaction here moves no ether) and the block's coinbase gains
    exactly the tip; the rest of the fee was burned (EIP-1559).
    """
    w3, block = chain.w3, entry.block_number
    expect(len(w3.eth.get_block(block)["transactions"]) == 1,
           f"checker bug: block {block} holds more than one transaction")
    miner = w3.eth.get_block(block)["miner"]
    sender = entry.sender_address
    fee = w3.eth.get_balance(sender, block - 1) - w3.eth.get_balance(sender, block)
    tip = w3.eth.get_balance(miner, block) - w3.eth.get_balance(miner, block - 1)
    return {"fee": fee, "burned": fee - tip, "tip": tip}


def _fee_hint(chain, entry, got_fee, fee: int) -> str:
    """Name the usual mix-ups, read from the transaction's own fields (for the message only)."""
    tx = chain.w3.eth.get_transaction(entry.tx_hash)
    price = fee // entry.gas_used          # wei per gas unit that was actually paid
    if got_fee == entry.gas_used:
        return ": that is the gas used, a number of gas units; multiply by the price per unit (wei per gas)"
    if got_fee == entry.gas_used * tx["maxFeePerGas"]:
        return ": maxFeePerGas is only the most the sender agreed to pay per gas, not the price paid"
    if got_fee == tx["gas"] * price:
        return ": that is the gas limit the sender allowed; the fee counts only the gas used"
    return ""


@exercise("08.1", "what did it cost?")
def check_transaction_fee(transaction_fee):
    # The deployment and section 5.2.2's four registrations:
    with fresh_contract() as (chain, client):
        remix_like = PowerGridClient(chain, client.address, log=client.log, preflight=False)
        client.sell_power("consumer1", 100, sender="generator1")
        chain.mine(4)                                      # empty blocks: the base fee falls, prices differ
        client.generate_power(10, sender="consumer1")      # no right: succeeds, changes nothing, still paid
        try:
            remix_like.sell_power("consumer2", 100, sender="consumer1")   # mined as reverted, still paid
        except GridError:
            pass
        chain.mine(12)
        client.send_dispatch("consumer1", "stop")
        entries = client.log.transactions
        expect(any(e.status == "reverted" for e in entries), "checker bug: no reverted transaction")
        for entry in entries:
            want = _paid(chain, entry)
            got = transaction_fee(chain.w3, entry.tx_hash)
            what = f"{entry.function} from {entry.sender} (block {entry.block_number}, {entry.status})"
            expect(isinstance(got, dict), f"return a dict with the keys fee, burned and tip (wei), not "
                                          f"{type(got).__name__}")
            expect(got.get("fee") == want["fee"],
                   f"{what} cost its sender {want['fee']:,} wei, you said {got.get('fee')!r}"
                   + _fee_hint(chain, entry, got.get("fee"), want["fee"]))
            expect(got.get("burned") == want["burned"],
                   f"{what} burned {want['burned']:,} wei (gas used x the block's base fee), you said "
                   f"{got.get('burned')!r}")
            expect(got.get("tip") == want["tip"],
                   f"{what} paid the block's miner a tip of {want['tip']:,} wei, you said {got.get('tip')!r}")
    return (f"{len(entries)} transactions priced: fee = gas used x effective gas price (base fee + tip). "
            f"The base fee is burned, the tip goes to the miner, and a reverted transaction pays too. On a "
            f"private chain this ether is free (thesis 4.2), on the public one it is real money")


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
        for index, (g, w) in enumerate(zip(args, want_args, strict=True)):
            expect(_same_value(g, w),
                   f"argument {index} of {want_name} is {w!r} (eth-abi), you decoded {g!r}")
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
                       f"after {steps} the chain's {key} is {chain_says[key]}, "
                       f"you predicted {got.get(key)!r}")
    return ("selling before generating leaves generator1 owing power (a negative int256), and only "
            "GeneratePower and PowerConsume move the totals: thesis 5.2.2's -100 / 100, then -90 / 10")


# ----------------------------------------------------------------- 08.4
ACCOUNTS = ("admin", "generator1", "generator2", "consumer1", "consumer2", "user5")
_CAST = (("generator1", True, False), ("generator2", True, True),   # generator2 also consumes
         ("consumer1", False, True), ("consumer2", False, True))     # user5 stays unregistered
_MAX = 2**256 - 1


# The answer key, written from contracts/PowerGeneration.sol: each function's require()s in source
# order, as the Solidity text and the same condition in Python over the exercise's state. A
# condition inside an `unchecked` block computes uint256 sums modulo 2**256, as the EVM does.
_UINT256 = 2**256


def _use_power(state: dict, name: str) -> int:
    return state["users"][name]["usePower"]


@dataclass(frozen=True)
class Require:
    """One require() of the contract: its condition as written, and that condition in Python."""

    solidity: str
    holds: Callable[[dict, str, list], bool]   # (state, sender, args) -> does the condition hold?
    unchecked: bool = False                    # inside an `unchecked { }` block


_IS_ADMIN = Require("msg.sender == administrator", lambda st, sender, args: sender == st["administrator"])
REQUIRES: dict[str, tuple[Require, ...]] = {
    "empower": (_IS_ADMIN,),
    "GeneratePower": (),    # no require: a caller without the right returns silently
    "Transfer": (
        Require("user[msg.sender].generaterights",
                lambda st, sender, args: st["users"][sender]["generaterights"]),
        Require("user[_to].userights", lambda st, sender, args: st["users"][args[0]]["userights"]),
        Require("user[_to].usePower + _value > user[_to].usePower",
                lambda st, sender, args: (_use_power(st, args[0]) + args[1]) % _UINT256
                > _use_power(st, args[0]),
                unchecked=True),
    ),
    "PowerConsume": (
        Require("user[msg.sender].userights", lambda st, sender, args: st["users"][sender]["userights"]),
        Require("user[msg.sender].usePower >= _value",
                lambda st, sender, args: _use_power(st, sender) >= args[0]),
    ),
    "PowerDispatch": (_IS_ADMIN,),
}
_FUNCTION = re.compile(r"\bfunction\s+(\w+)\s*\(")
_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_REQUIRE = re.compile(r"\brequire\s*\((.*?)\)\s*;")


def source_requires(source: str) -> dict[str, list[tuple[str, bool]]]:
    """Each function's require() conditions in source order, with whether each sits in an unchecked block."""
    found: dict[str, list[tuple[str, bool]]] = {}
    source = _COMMENT.sub(" ", source)   # a comment may quote code; only the code counts
    starts = list(_FUNCTION.finditer(source))
    for i, match in enumerate(starts):
        body = source[match.end():starts[i + 1].start() if i + 1 < len(starts) else len(source)]
        conditions = []
        for require in _REQUIRE.finditer(body):
            before = body[:require.start()]
            unchecked = before.rfind("unchecked") > before.rfind("}")   # inside a still-open unchecked block
            conditions.append((" ".join(require.group(1).split()), unchecked))
        found[match.group(1)] = conditions
    return found


def check_answer_key(source: str) -> None:
    """Fail loudly (a checker bug) unless REQUIRES says exactly what the contract's source says."""
    in_source = {name: conditions for name, conditions in source_requires(source).items() if conditions}
    in_key = {name: [(r.solidity, r.unchecked) for r in requires] for name, requires in REQUIRES.items()
              if requires}
    expect(in_source == in_key, f"checker bug: the answer key's require()s {in_key} are not the "
                                f"contract's {in_source}")


def _expected_require(function: str, sender: str, args: list, state: dict) -> int:
    """Which require() of contracts/PowerGeneration.sol fails first (1-based), 0 when none does."""
    for number, require in enumerate(REQUIRES[function], start=1):
        if not require.holds(state, sender, args):
            return number
    return 0


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
    amount = rng.choice([0, 1, rng.randint(2, 99)])
    extra = [("Transfer", rng.choice(ACCOUNTS), [rng.choice(ACCOUNTS), amount]),
             ("PowerConsume", rng.choice(ACCOUNTS), [rng.randint(0, 60)])]
    return fixed + extra


def _reverts(client: PowerGridClient, function: str, sender: str, args: list) -> bool:
    """Ask the node (eth_call, nothing mined) whether the transaction would revert."""
    chain = client.chain
    item = next(i for i in ABI if i.get("name") == function)
    types = [p["type"] for p in item["inputs"]]
    values = [chain.account(v).address if t == "address" else v for t, v in zip(types, args, strict=True)]
    data = function_signature_to_4byte_selector(f"{function}({','.join(types)})") + encode(types, values)
    try:
        chain.call(chain.account(sender), client.address, data)
    except TxReverted:
        return True
    return False


@exercise("08.4", "explain a revert")
def check_failing_require(failing_require):
    check_answer_key((ROOT / "contracts" / "PowerGeneration.sol").read_text())
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
