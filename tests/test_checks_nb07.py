"""Notebook 07's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
import hashlib

import pytest
from eth_abi import decode

from lab.exercises import WRONG, check
from lab.solutions import nb07
from primitives.hashing import keccak256


# -- 07.1: plausible mistakes
def _split_by_constant_only(abi):
    # Reads only the legacy "constant" flag: today's ABIs have no such key.
    functions = [i for i in abi if i.get("type") == "function"]
    return ([i["name"] for i in functions if i.get("constant")],
            [i["name"] for i in functions if not i.get("constant")])


def _split_with_pure_as_transaction(abi):
    functions = [i for i in abi if i.get("type") == "function"]
    is_view = [i.get("stateMutability") == "view" or i.get("constant") for i in functions]
    return ([i["name"] for i, v in zip(functions, is_view, strict=True) if v],
            [i["name"] for i, v in zip(functions, is_view, strict=True) if not v])


def _split_counting_every_entry(abi):
    calls = [i.get("name", i["type"]) for i in abi if i.get("stateMutability") == "view" or i.get("constant")]
    return calls, [i.get("name", i["type"]) for i in abi if i.get("name", i["type"]) not in calls]


# -- 07.2
def _selector_without_normalising(signature):
    return keccak256(signature.encode())[:4]


def _selector_with_sha3(signature):
    return hashlib.sha3_256(signature.replace(" ", "").encode()).digest()[:4]  # FIPS SHA-3 is not Keccak


def _selector_as_hex_text(signature):
    return "0x" + nb07.function_selector(signature).hex()


# -- 07.3
def _calldata_address_left_aligned(to, amount):
    return (keccak256(b"Transfer(address,uint256)")[:4] + bytes.fromhex(to[2:]).ljust(32, b"\0")
            + amount.to_bytes(32, "big"))


def _calldata_erc20_transfer(to, amount):
    return (keccak256(b"transfer(address,uint256)")[:4] + bytes.fromhex(to[2:]).rjust(32, b"\0")
            + amount.to_bytes(32, "big"))


def _calldata_little_endian(to, amount):
    return (keccak256(b"Transfer(address,uint256)")[:4] + bytes.fromhex(to[2:]).rjust(32, b"\0")
            + amount.to_bytes(32, "little"))


# -- 07.5
def _call_decoded_unsigned(w3, contract_address, caller_address):
    raw = w3.eth.call({"from": caller_address, "to": contract_address,
                       "data": keccak256(b"GetGeneration()")[:4]})
    return decode(["uint256"], raw)[0]


def _call_without_from(w3, contract_address, caller_address):
    raw = w3.eth.call({"to": contract_address, "data": keccak256(b"GetGeneration()")[:4]})
    return decode(["int256"], raw)[0]


def _call_wrong_getter(w3, contract_address, caller_address):
    raw = w3.eth.call({"from": caller_address, "to": contract_address,
                       "data": keccak256(b"GetUsedOfSelf()")[:4]})
    return decode(["int256"], raw)[0]


@pytest.mark.parametrize("exercise_id, wrong", [
    ("07.1", _split_by_constant_only),
    ("07.1", _split_with_pure_as_transaction),
    ("07.1", _split_counting_every_entry),
    ("07.2", _selector_without_normalising),
    ("07.2", _selector_with_sha3),
    ("07.2", _selector_as_hex_text),
    ("07.3", _calldata_address_left_aligned),
    ("07.3", _calldata_erc20_transfer),
    ("07.3", _calldata_little_endian),
    ("07.4", lambda w3, address: len(w3.eth.get_code(address).hex())),       # hex digits, not bytes
    ("07.4", lambda w3, address: 24_576),                                     # the limit, not the size
    ("07.5", _call_decoded_unsigned),
    ("07.5", _call_without_from),
    ("07.5", _call_wrong_getter),
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG


def test_a_call_that_sends_a_transaction_is_rejected():
    def generation_balance_call(w3, contract_address, caller_address):
        data = keccak256(b"GetGeneration()")[:4]
        w3.eth.send_transaction({"from": caller_address, "to": contract_address, "data": data})
        return nb07.generation_balance_call(w3, contract_address, caller_address)
    outcome = check("07.5", generation_balance_call)
    assert outcome.status == WRONG and "mines no block" in outcome.message
