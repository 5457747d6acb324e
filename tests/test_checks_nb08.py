"""Notebook 08's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import hashlib
from pathlib import Path

import pytest
from eth_abi import decode

from lab.checks import nb08 as checks_nb08
from lab.exercises import WRONG, Mismatch, check
from lab.solutions import nb08


def _fee_with_the_gas_limit(w3, tx_hash):
    # The gas limit is what the sender allowed, not what the transaction used.
    receipt, tx = w3.eth.get_transaction_receipt(tx_hash), w3.eth.get_transaction(tx_hash)
    right = nb08.transaction_fee(w3, tx_hash)
    fee = tx["gas"] * receipt["effectiveGasPrice"]
    return {"fee": fee, "burned": right["burned"], "tip": fee - right["burned"]}


def _fee_at_max_fee_per_gas(w3, tx_hash):
    # maxFeePerGas is a cap; the sender pays base fee + tip per gas.
    receipt, tx = w3.eth.get_transaction_receipt(tx_hash), w3.eth.get_transaction(tx_hash)
    right = nb08.transaction_fee(w3, tx_hash)
    fee = receipt["gasUsed"] * tx["maxFeePerGas"]
    return {"fee": fee, "burned": right["burned"], "tip": fee - right["burned"]}


def _fee_all_to_the_miner(w3, tx_hash):
    # Before EIP-1559 (London, 2021) the whole fee went to the miner; now the base fee is burned.
    right = nb08.transaction_fee(w3, tx_hash)
    return {"fee": right["fee"], "burned": 0, "tip": right["fee"]}


def _fee_in_gas(w3, tx_hash):
    gas = w3.eth.get_transaction_receipt(tx_hash)["gasUsed"]
    return {"fee": gas, "burned": 0, "tip": gas}


def _decode_with_the_selector_left_in(input_hex, abi):
    data = bytes.fromhex(input_hex[2:])
    name, _ = nb08.decode_entry_input(input_hex, abi)
    item = next(i for i in abi if i.get("name") == name)
    return name, list(decode([p["type"] for p in item["inputs"]], data + bytes(28)))


def _decode_with_sha3(input_hex, abi):
    # Python's hashlib.sha3_256 is the final SHA-3, not Ethereum's Keccak: no selector matches.
    data = bytes.fromhex(input_hex[2:])
    for item in abi:
        if item.get("type") == "function":
            types = [p["type"] for p in item["inputs"]]
            if hashlib.sha3_256(f"{item['name']}({','.join(types)})".encode()).digest()[:4] == data[:4]:
                return item["name"], list(decode(types, data[4:]))
    return None


def _balances_with_sign_flipped(steps):
    got = nb08.predict_balances(steps)
    return {**got, "GetGeneration": -got["GetGeneration"]}          # "sold minus generated"


def _balances_totals_net(steps):
    got = nb08.predict_balances(steps)
    return {**got, "GetTotalGeneration": got["GetGeneration"]}      # total = generated - sold


def _balances_forgetting_consumption(steps):
    return nb08.predict_balances([s for s in steps if s[0] != "consume"])


def _require_buyer_first(function, sender, args, state):
    if function == "Transfer" and not state["users"][args[0]]["userights"]:
        return 2
    return nb08.failing_require(function, sender, args, state)


def _require_zero_is_fine(function, sender, args, state):
    if function == "Transfer" and args[1] == 0 and nb08.failing_require(function, sender, args, state) == 3:
        return 0
    return nb08.failing_require(function, sender, args, state)


def _require_no_wrap_around(function, sender, args, state):
    # Checked arithmetic thinking: only 0 fails the third require.
    answer = nb08.failing_require(function, sender, args, state)
    return 0 if answer == 3 and args[1] != 0 else answer


@pytest.mark.parametrize("exercise_id, wrong", [
    ("08.1", _fee_with_the_gas_limit),
    ("08.1", _fee_at_max_fee_per_gas),
    ("08.1", _fee_all_to_the_miner),
    ("08.1", _fee_in_gas),
    ("08.2", _decode_with_the_selector_left_in),
    ("08.2", _decode_with_sha3),
    ("08.3", _balances_with_sign_flipped),
    ("08.3", _balances_totals_net),
    ("08.3", _balances_forgetting_consumption),
    ("08.4", _require_buyer_first),
    ("08.4", _require_zero_is_fine),
    ("08.4", _require_no_wrap_around),
    ("08.4", lambda function, sender, args, state: 1),
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG


# ------------------------------------------------------------------ 08.4's answer key and the contract
SOURCE = (Path(__file__).resolve().parents[1] / "contracts" / "PowerGeneration.sol").read_text()


def test_the_answer_key_is_the_contracts_requires():
    found = checks_nb08.source_requires(SOURCE)
    # Read off contracts/PowerGeneration.sol by eye: Transfer's third require sits in `unchecked { }`.
    assert found["Transfer"] == [("user[msg.sender].generaterights", False), ("user[_to].userights", False),
                                 ("user[_to].usePower + _value > user[_to].usePower", True)]
    assert found["GeneratePower"] == [] and found["PowerDispatch"] == [("msg.sender == administrator", False)]
    checks_nb08.check_answer_key(SOURCE)   # the key agrees with the source as it is


CONSUME_RIGHT = "require(user[msg.sender].userights);"
CONSUME_BALANCE = "require(user[msg.sender].usePower >= _value);"
WRAPPED = "unchecked {\n            require(user[_to].usePower"
SILENT = "if(!user[msg.sender].generaterights)\n            return;"


@pytest.mark.parametrize("edit", [
    # two requires swapped: the key's order would be wrong
    lambda s: s.replace(f"{CONSUME_RIGHT}\n        {CONSUME_BALANCE}",
                        f"{CONSUME_BALANCE}\n        {CONSUME_RIGHT}"),
    # a condition changed
    lambda s: s.replace(CONSUME_BALANCE, CONSUME_BALANCE.replace(">=", ">")),
    # checked arithmetic: an overflow would panic instead of wrapping
    lambda s: s.replace(WRAPPED, WRAPPED.replace("unchecked ", "")),
    # a new require in a function that had none
    lambda s: s.replace(SILENT, "require(user[msg.sender].generaterights);"),
], ids=["reordered", "changed", "checked", "added"])
def test_the_answer_key_notices_when_the_contract_changes(edit):
    edited = edit(SOURCE)
    assert edited != SOURCE
    with pytest.raises(Mismatch, match="checker bug"):
        checks_nb08.check_answer_key(edited)
