"""Reference solutions for notebook 10 (the user and manager platforms)."""
from __future__ import annotations

import re
from fractions import Fraction

from lab.solutions import ModelAnswer


def replay_balances(actions):
    """{user: (generation balance, total generation, remaining, total use)} after `actions`.

    Follows Appendix A: a registration resets everything; GeneratePower without
    the right does nothing; a Transfer or PowerConsume whose require() fails
    changes nothing.
    """
    users = {}  # user -> [generation, total generation, remaining, total use, can generate, can consume]

    def rights(user):
        record = users.get(user)
        return (record[4], record[5]) if record else (False, False)

    for action in actions:
        kind = action[0]
        if kind == "register":
            _, user, can_generate, can_consume = action
            users[user] = [0, 0, 0, 0, can_generate, can_consume]
        elif kind == "generate":
            _, user, amount = action
            if rights(user)[0]:
                users[user][0] += amount
                users[user][1] += amount
        elif kind == "sell":
            _, seller, buyer, amount = action
            if rights(seller)[0] and rights(buyer)[1] and amount > 0:
                users[seller][0] -= amount
                users[buyer][2] += amount
        elif kind == "consume":
            _, user, amount = action
            if rights(user)[1] and users[user][2] >= amount:
                users[user][2] -= amount
                users[user][3] += amount
    return {user: tuple(values[:4]) for user, values in users.items()}


def registered_users(transactions, contract, decode_call):
    """Addresses registered by successful empower transactions to `contract`, first-seen order."""
    found = []
    for tx in transactions:
        if tx["to"] is None or tx["to"].lower() != contract.lower() or tx["status"] != 1:
            continue            # a deployment, another contract, or reverted: registered nobody here
        name, args = decode_call(tx["input"])
        if name == "empower" and args[0].lower() not in found:
            found.append(args[0].lower())
    return found


def allowed_actions(record):
    """The actions that can succeed for this user now: a subset of {"generate", "sell", "consume"}."""
    allowed = set()
    if record.can_generate:
        allowed |= {"generate", "sell"}
    if record.can_consume and record.remaining > 0:
        allowed.add("consume")
    return allowed


def dispatch_plan(users):
    """[(address, instruction)] for the users that need one, in the table's order."""
    plan = []
    for row in users:
        parts = []
        if row.can_generate and row.generation_balance < 0:
            parts.append(f"generate {-row.generation_balance} Wh")
        if row.can_consume and row.remaining == 0:
            parts.append("stop")
        if parts:
            plan.append((row.address, "; ".join(parts)))
    return plan


AMOUNT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*")
INT256_MAX = 2**255 - 1     # GetGeneration is an int256: a larger sale would overflow the seller's balance


def parse_energy(text: str) -> int:
    """Wh for an amount typed on screen ("1.5 kWh", "250 Wh"); ValueError with one sentence otherwise."""
    if text.strip().startswith("-"):
        raise ValueError(f"The amount {text.strip()!r} is negative: type a positive amount, like 1.5 kWh.")
    match = AMOUNT.fullmatch(text)
    if not match:
        raise ValueError(f"Type a number and a unit, like 1.5 kWh or 250 Wh, not {text.strip()[:30]!r}.")
    number, unit = match.groups()
    if unit.lower() not in ("wh", "kwh"):
        raise ValueError(f"The unit must be kWh or Wh, not {unit!r}.")
    wh = Fraction(number) * (1000 if unit.lower() == "kwh" else 1)   # exact: float makes 1.001 kWh 1000.99 Wh
    if wh != int(wh):
        raise ValueError(f"{text.strip()} is not a whole number of Wh: the contract counts whole Wh.")
    if wh == 0:
        raise ValueError("The amount is zero: the contract refuses a sale of 0 Wh.")
    if wh > INT256_MAX:
        raise ValueError("The amount is larger than the contract can count (2**255 - 1 Wh).")
    return int(wh)


# Which function answers which exercise (the test suite checks each one).
SOLUTIONS = {
    "10.1": replay_balances,
    "10.2": registered_users,
    "10.3": allowed_actions,
    "10.4": dispatch_plan,
    "10.5": parse_energy,
}

MODEL_ANSWERS = {
    "10.Q1": ModelAnswer(
        points=3,
        answer=(
            "The chain guarantees what was recorded: each balance and right is in the contract's "
            'storage, and each registration, sale and dispatch is a signed transaction in a block. The '
            'page is only a view: the server that renders it can show wrong numbers, leave users out of'
            " 'all users' (it finds them by scanning, so a bug or a filter can miss some), or sign with"
            " the household's key, since the keys sit on the server. So a household trusts the platform"
            ' for what it displays and for acting only when asked. To check a number it can read the '
            'contract itself with a call from its own node or another client, or look up the '
            'transactions in a block explorer.'
        ),
        marking=(
            '1 point: the chain guarantees the stored state and the signed transactions; 1 point: the '
            'platform can misdisplay, omit users or act with the keys it holds; 1 point: a household '
            'checks by reading the chain independently'
        ),
    ),
}
