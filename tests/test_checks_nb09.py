"""Notebook 09's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
from __future__ import annotations

import json

import pytest
from eth_utils import keccak, to_checksum_address

from grid.compiler import load_artifact
from lab.exercises import SOLVED, WRONG, check
from lab.solutions import nb09


# ------------------------------------------------------------ wrong answers
def _first_network(record_path, chain_id):
    # Ignores the chain id: takes whatever network comes first.
    with open(record_path) as record:
        networks = json.load(record)["networks"]
    return next(iter(networks.values()))["address"]


def _int_key(record_path, chain_id):
    # JSON object keys are strings: networks[666] raises KeyError.
    return json.loads(open(record_path).read())["networks"][chain_id]["address"]


def _count_every_transaction(w3, address, first, last):
    # Counts ether transfers and creations too.
    return sum(len(w3.eth.get_block(n)["transactions"]) for n in range(first, last + 1))


def _count_exclusive(w3, address, first, last):
    # range(first, last) forgets the last block.
    return sum(1 for n in range(first, last)
               for tx in w3.eth.get_block(n, full_transactions=True)["transactions"]
               if tx["to"] == address)


def _block_as_text(raw_tx):
    # Leaves the quantity as hex text.
    result = nb09.decode_transfer(raw_tx)
    return {**result, "block": raw_tx["blockNumber"]}


def _amount_from_first_word(raw_tx):
    # Reads the amount from the address word.
    data = bytes.fromhex(raw_tx["input"][2:])
    result = nb09.decode_transfer(raw_tx)
    return {**result, "amount": int.from_bytes(data[4:36], "big")}


def _block_as_decimal(raw_tx):
    # int("0x1a") fails; int(text[2:]) reads hex digits as decimal.
    result = nb09.decode_transfer(raw_tx)
    return {**result, "block": int(raw_tx["blockNumber"][2:])}


def _any_code_is_valid(w3, address, deployed_bytecode):
    # Only checks that something lives at the address.
    return len(w3.eth.get_code(address)) > 0


def _compare_with_creation_code(w3, address, deployed_bytecode):
    # Hashes the creation code (constructor included), which never sits on chain.
    return keccak(bytes(w3.eth.get_code(address))) == keccak(hexstr=load_artifact("PowerGeneration").bytecode)


def _unsigned(w3, contract, generator):
    # Reads int256 as unsigned: -100 becomes 2**256 - 100.
    data = "0x" + keccak(text="GetGeneration()")[:4].hex()
    raw = bytes(w3.eth.call({"from": generator, "to": contract, "data": data}))
    return int.from_bytes(raw, "big")


def _call_without_from(w3, contract, generator):
    # Forgets "from": the call runs as the zero address, which has no generation record.
    data = "0x" + keccak(text="GetGeneration()")[:4].hex()
    raw = bytes(w3.eth.call({"to": contract, "data": data}))
    return int.from_bytes(raw, "big", signed=True)


@pytest.mark.parametrize("exercise_id, wrong", [
    ("09.1", _first_network),
    ("09.1", _int_key),
    ("09.3", _count_every_transaction),
    ("09.3", _count_exclusive),
    ("09.4", _block_as_text),
    ("09.4", _amount_from_first_word),
    ("09.4", _block_as_decimal),
    ("09.5", _any_code_is_valid),
    ("09.5", _compare_with_creation_code),
    ("09.2", _unsigned),
    ("09.2", _call_without_from),
], ids=lambda v: v if isinstance(v, str) else v.__name__)
def test_a_plausible_mistake_is_rejected(exercise_id, wrong):
    outcome = check(exercise_id, wrong)
    assert outcome.status == WRONG, outcome.message


def test_checksummed_and_lower_case_addresses_both_pass():
    def lower_case(raw_tx):
        result = nb09.decode_transfer(raw_tx)
        return {**result, "buyer": result["buyer"].lower(), "sender": to_checksum_address(result["sender"])}
    assert check("09.4", lower_case).status == SOLVED
