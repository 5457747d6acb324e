"""Notebook 10's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
from __future__ import annotations

import pytest
from eth_abi import decode
from eth_utils import keccak

from lab.exercises import WRONG, check
from lab.solutions import nb10


# -- 10.1: plausible mistakes in replaying the contract's rules
def _replay_ignoring_rights(actions):
    # Applies every action as if it succeeded (forgets the require()s and the silent return).
    users = {}
    for action in actions:
        kind = action[0]
        if kind == "register":
            users[action[1]] = [0, 0, 0, 0]
        elif kind == "generate" and action[1] in users:
            users[action[1]][0] += action[2]
            users[action[1]][1] += action[2]
        elif kind == "sell" and action[1] in users and action[2] in users:
            users[action[1]][0] -= action[3]
            users[action[2]][2] += action[3]
        elif kind == "consume" and action[1] in users:
            users[action[1]][2] -= action[2]
            users[action[1]][3] += action[2]
    return {u: tuple(v) for u, v in users.items()}


def _replay_without_reset(actions):
    # Re-registration only updates the rights, keeping the balances (empower resets them).
    first_seen = {}
    patched = []
    for action in actions:
        if action[0] == "register" and action[1] in first_seen:
            patched.append(("_rights", action[1], action[2], action[3]))
        else:
            first_seen.setdefault(action[1], True)
            patched.append(action)
    users = {}
    for action in patched:
        if action[0] == "_rights":
            users[action[1]][4:] = [action[2], action[3]]
            continue
        if action[0] == "register":
            users[action[1]] = [0, 0, 0, 0, action[2], action[3]]
        elif action[0] == "generate" and action[1] in users and users[action[1]][4]:
            users[action[1]][0] += action[2]
            users[action[1]][1] += action[2]
        elif action[0] == "sell" and action[1] in users and action[2] in users and users[action[1]][4] \
                and users[action[2]][5] and action[3] > 0:
            users[action[1]][0] -= action[3]
            users[action[2]][2] += action[3]
        elif action[0] == "consume" and action[1] in users and users[action[1]][5] \
                and users[action[1]][2] >= action[2]:
            users[action[1]][2] -= action[2]
            users[action[1]][3] += action[2]
    return {u: tuple(v[:4]) for u, v in users.items()}


def _replay_allowing_zero_sales_and_generation_by_anyone(actions):
    result = nb10.replay_balances([a for a in actions if a[0] != "generate"])
    for action in actions:   # counts every generation, right or not
        if action[0] == "generate" and action[1] in result:
            g, t, r, u = result[action[1]]
            result[action[1]] = (g + action[2], t + action[2], r, u)
    return result


# -- 10.2: plausible mistakes in scanning blocks
def _registered_including_reverted(transactions, contract):
    selector = "0x" + keccak(text="empower(address,string,string,bool,bool)")[:4].hex()
    found = []
    for tx in transactions:
        if tx["to"] and tx["to"].lower() == contract.lower() and tx["input"].startswith(selector):
            address = "0x" + tx["input"][34:74]
            if address not in found:
                found.append(address)
    return found


def _registered_with_duplicates(transactions, contract):
    selector = "0x" + keccak(text="empower(address,string,string,bool,bool)")[:4].hex()
    return ["0x" + tx["input"][34:74] for tx in transactions
            if tx["to"] and tx["to"].lower() == contract.lower() and tx["status"] == 1
            and tx["input"].startswith(selector)]


def _registered_any_contract(transactions, contract):
    selector = "0x" + keccak(text="empower(address,string,string,bool,bool)")[:4].hex()
    found = []
    for tx in transactions:
        if tx["status"] == 1 and tx["input"].startswith(selector):
            address = "0x" + tx["input"][34:74]
            if address not in found:
                found.append(address)
    return found


# -- 10.3 / 10.4: plausible mistakes in reading records and planning
def _allowed_by_rights_only(record):
    return (({"generate", "sell"} if record.can_generate else set())
            | ({"consume"} if record.can_consume else set()))


def _allowed_consumer_sells(record):
    allowed = nb10.allowed_actions(record)
    return allowed | ({"sell"} if record.can_consume else set())


def _plan_with_sign_error(users):
    return [(a, t.replace("generate ", "generate -")) for a, t in nb10.dispatch_plan(users)]


def _plan_ignoring_rights(users):
    plan = []
    for row in users:
        parts = ([f"generate {-row.generation_balance} Wh"] if row.generation_balance < 0 else []) + \
            (["stop"] if row.remaining == 0 else [])
        if parts:
            plan.append((row.address, "; ".join(parts)))
    return plan


def _plan_for_everyone(users):
    planned = dict(nb10.dispatch_plan(users))
    return [(row.address, planned.get(row.address, "")) for row in users]


# -- 10.5: plausible mistakes in rebuilding the dispatch column
_EMPOWER = keccak(text="empower(address,string,string,bool,bool)")[:4]
_DISPATCH = keccak(text="PowerDispatch(address,string)")[:4]


def _instructions(transactions, contract, *, reset=True, reverted=False, any_contract=False, first_wins=False,
                  first_word_only=False):
    latest = {}
    for tx in transactions:
        if tx["to"] is None or (tx["status"] != 1 and not reverted):
            continue
        if not any_contract and tx["to"].lower() != contract.lower():
            continue
        data = bytes.fromhex(tx["input"][2:])
        address = "0x" + data[4 + 12:4 + 32].hex()
        if data[:4] == _DISPATCH:
            if first_word_only:   # reads the text's length word, then only one 32-byte word of text
                length = int.from_bytes(data[4 + 64:4 + 96], "big")
                text = data[4 + 96:4 + 96 + min(length, 32)].decode("utf-8", "replace")
            else:
                text = decode(["address", "string"], data[4:])[1]
            if not (first_wins and latest.get(address)):
                latest[address] = text
        elif data[:4] == _EMPOWER and (reset or address not in latest):
            latest[address] = ""
    return latest


def _instructions_without_reset(transactions, contract):
    # Forgets that empower sets information = "" again.
    return _instructions(transactions, contract, reset=False)


def _instructions_including_reverted(transactions, contract):
    return _instructions(transactions, contract, reverted=True)


def _instructions_of_any_contract(transactions, contract):
    return _instructions(transactions, contract, any_contract=True)


def _instructions_first_wins(transactions, contract):
    return _instructions(transactions, contract, first_wins=True)


def _instructions_first_word_only(transactions, contract):
    return _instructions(transactions, contract, first_word_only=True)


@pytest.mark.parametrize("exercise_id, wrong", [
    ("10.1", _replay_ignoring_rights),
    ("10.1", _replay_without_reset),
    ("10.1", _replay_allowing_zero_sales_and_generation_by_anyone),
    ("10.2", _registered_including_reverted),
    ("10.2", _registered_with_duplicates),
    ("10.2", _registered_any_contract),
    ("10.3", _allowed_by_rights_only),
    ("10.3", _allowed_consumer_sells),
    ("10.4", _plan_with_sign_error),
    ("10.4", _plan_ignoring_rights),
    ("10.4", _plan_for_everyone),
    ("10.5", _instructions_without_reset),
    ("10.5", _instructions_including_reverted),
    ("10.5", _instructions_of_any_contract),
    ("10.5", _instructions_first_wins),
    ("10.5", _instructions_first_word_only),
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG
