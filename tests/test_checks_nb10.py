"""Notebook 10's checks reject plausible mistakes (tests/test_exercises.py runs the reference solutions)."""
from __future__ import annotations

import re
from fractions import Fraction

import pytest

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


# -- 10.2: plausible mistakes in scanning blocks (decode_call is given: the scan's rules are the exercise)
def _registered(transactions, contract, decode_call, *, reverted=False, any_contract=False, repeats=False):
    found = []
    for tx in transactions:
        if tx["to"] is None or (tx["status"] != 1 and not reverted):
            continue
        if not any_contract and tx["to"].lower() != contract.lower():
            continue
        name, args = decode_call(tx["input"])
        if name == "empower" and (repeats or args[0] not in found):
            found.append(args[0])
    return found


def _registered_including_reverted(transactions, contract, decode_call):
    return _registered(transactions, contract, decode_call, reverted=True)


def _registered_with_duplicates(transactions, contract, decode_call):
    return _registered(transactions, contract, decode_call, repeats=True)


def _registered_any_contract(transactions, contract, decode_call):
    return _registered(transactions, contract, decode_call, any_contract=True)


def _registered_decoding_deployments(transactions, contract, decode_call):
    # Decodes every input, a deployment's creation code too: decode_call refuses it.
    return [decode_call(tx["input"])[1][0] for tx in transactions if tx["status"] == 1]


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


# -- 10.5: plausible mistakes in reading an amount typed on screen
def _parse_with_float(text):
    # float: 1.001 kWh becomes 1000.9999999999999 Wh, and 30-digit amounts lose their last digits.
    number, unit = text.split()
    return round(float(number) * (1000 if unit.lower() == "kwh" else 1))


def _parse_without_limits(text):
    # Reads the number and unit exactly but accepts zero, fractions of a Wh and any size.
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(kWh|Wh)\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"Type a number and a unit, like 1.5 kWh, not {text!r}.")
    return int(Fraction(match[1]) * (1000 if match[2].lower() == "kwh" else 1))


def _parse_python_errors(text):
    # Lets Python's own error text reach the screen: "invalid literal for int() with base 10: ...".
    try:
        return nb10.parse_energy(text)
    except ValueError:
        return int(text)


def _parse_kwh_only(text):
    # Treats every amount as kWh, the screen's unit, so "250 Wh" becomes 250 kWh.
    return nb10.parse_energy(text.lower().replace("kwh", "wh")) * 1000


@pytest.mark.parametrize("exercise_id, wrong", [
    ("10.1", _replay_ignoring_rights),
    ("10.1", _replay_without_reset),
    ("10.1", _replay_allowing_zero_sales_and_generation_by_anyone),
    ("10.2", _registered_including_reverted),
    ("10.2", _registered_with_duplicates),
    ("10.2", _registered_any_contract),
    ("10.2", _registered_decoding_deployments),
    ("10.3", _allowed_by_rights_only),
    ("10.3", _allowed_consumer_sells),
    ("10.4", _plan_with_sign_error),
    ("10.4", _plan_ignoring_rights),
    ("10.4", _plan_for_everyone),
    ("10.5", _parse_with_float),
    ("10.5", _parse_without_limits),
    ("10.5", _parse_python_errors),
    ("10.5", _parse_kwh_only),
])
def test_each_check_rejects_a_plausible_mistake(exercise_id, wrong):
    assert check(exercise_id, wrong).status == WRONG


def test_a_refusal_must_be_one_readable_sentence():
    outcome = check("10.5", _parse_python_errors)
    assert outcome.status == WRONG and "one sentence" in outcome.message, outcome.message
    assert "Traceback" not in outcome.message


def test_the_reference_reads_amounts_worked_out_by_hand():
    # 1 kWh = 1000 Wh, exactly: 0.001 kWh is 1 Wh, and 30 digits stay 30 digits.
    assert nb10.parse_energy("0.001 kWh") == 1
    assert nb10.parse_energy("98765432109876543210987654321.5 kWh") == 98765432109876543210987654321500
    with pytest.raises(ValueError, match=r"^[^a-z].*\.$"):
        nb10.parse_energy("2.5 MWh")
