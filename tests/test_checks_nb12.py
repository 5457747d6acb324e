"""Notebook 12's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
from __future__ import annotations

import pytest
from eth_utils import keccak

from lab.exercises import WRONG, check
from lab.security import seed_source
from lab.solutions import nb12


def _wrong_slot_order(storage_at, user, mapping_slot):
    # keccak(slot . key) instead of keccak(key . slot)
    key = bytes(12) + bytes.fromhex(user[2:])
    word = storage_at(int.from_bytes(keccak(mapping_slot.to_bytes(32, "big") + key), "big"))
    return word.rstrip(b"\0").decode(errors="replace")


def _whole_word(storage_at, user, mapping_slot):
    # the right slot, but the length byte is read as text
    key = bytes(12) + bytes.fromhex(user[2:])
    return storage_at(int.from_bytes(keccak(key + mapping_slot.to_bytes(32, "big")), "big")).rstrip(
        b"\0").decode(errors="replace")


def _keeps_only_purchases():
    return seed_source().replace("        user[addr].usePower = 0;\n", "")


def _unindexed_event():
    return nb12.registration_event_source().replace("address indexed user", "address user")


def _self_meter():
    return nb12.only_meter_source().replace("msg.sender == meter[addr]", "msg.sender == addr")


def _transfer_bound_only():
    # Transfer is bounded, but GeneratePower still wraps 2**255 into a negative int256.
    return nb12.bounded_transfer_source().replace(
        '        require(_value <= uint256(type(int256).max), "amount too large");\n'
        "        user[msg.sender].generationPower += int256(_value);\n",
        "        unchecked { user[msg.sender].generationPower += int256(_value); }\n")


def _history_without_time():
    return nb12.dispatch_history_source().replace("uint64(block.timestamp)", "0")


@pytest.mark.parametrize("exercise_id, wrong", [
    ("12.1", lambda seed: seed.invoke("PowerConsume", 100, sender="consumer1")),     # used up, not erased
    ("12.2", lambda seed: seed.invoke("GeneratePower", 500, sender="generator1")),   # has the right
    ("12.3", lambda seed: (seed.invoke("GeneratePower", 500, sender="generator2"),
                           seed.invoke("Transfer", "consumer2", 500, sender="generator2"))),
    ("12.4", lambda seed: seed.invoke("GeneratePower", 1_000, sender="generator1")),  # 1 kWh, not 1 MWh
    ("12.5", lambda seed: seed.invoke("Transfer", "consumer1", 5, sender="generator1")),  # a sale
    ("12.6", lambda seed: seed.invoke("empower", "user5", "U5", "Sundsvall", False, True, sender="admin")),
    ("12.7", lambda seed: seed.invoke("PowerDispatch", "consumer1", "stop consuming", sender="admin")),
    ("12.8", lambda seed: seed.invoke("PowerDispatch", "generator1", "stop", sender="admin")),   # one only
    ("12.9", _wrong_slot_order),
    ("12.9", _whole_word),
    ("12.10", lambda seed: seed.total_generated("generator1", sender="admin")),   # the admin may read it
    ("12.11", _keeps_only_purchases),
    ("12.11", seed_source),                                                    # the seed itself
    ("12.12", _unindexed_event),
    ("12.13", _self_meter),
    ("12.14", _transfer_bound_only),
    ("12.15", _history_without_time),
    ("12.15", lambda: "contract Broken {"),                                    # does not compile
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG


def test_an_exploit_is_judged_by_the_chain_not_by_what_it_returns():
    assert check("12.3", lambda seed: "I sold 500 Wh, trust me").status == WRONG
