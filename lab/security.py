"""The security lab's materials: the seed's source to start fixes from, the fixed contract's answers.

    seed_source()              # contracts/PowerGeneration.sol, to edit into a fix
    v2_attacks(client)         # the ten attacks tried on PowerGridV2: what each refusal says
    slither_table()            # Slither's findings beside the ten flaws
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from grid.analysis.slither import load_findings
from grid.compiler import CONTRACTS_DIR
from grid.errors import GridError
from grid.powergridv2 import PowerGridV2Client

FLAWS = (   # (number, the flaw, what covers it when no static analyser does)
    (1, "empower on a registered address wipes its balances", "exploit test 12.1, invariant: balances"),
    (2, "GeneratePower returns silently without the right", "exploit test 12.2; custom errors"),
    (3, "selling before generating drives the balance negative", "invariant: total = available + sold"),
    (4, "self-reported metering", "exploit test 12.4: only the bound meter"),
    (5, "0.4-style wrap-around: GeneratePower(2**255)", "fuzzing with huge amounts; checked arithmetic"),
    (6, "no events", "exploit test 12.6: eth_getLogs finds every change"),
    (7, "no removal of a right", "invariant: a revoked user can do nothing"),
    (8, "dispatch overwrites the last instruction", "exploit test 12.8: dispatch history"),
    (9, "false privacy: `private` state is public", "review: no personal data on chain"),
    (10, "one administrator key; getters answer 0", "exploit test 12.10; two-step handover"),
)
# The Slither detectors that touch a flaw, with what they say about it.
SLITHER_ON_FLAW = {10: ("immutable-states", "suggests making `administrator` immutable: the opposite of a "
                                            "handover")}


def seed_source() -> str:
    """The seed contract's Solidity (contracts/PowerGeneration.sol), to copy and fix."""
    return (CONTRACTS_DIR / "PowerGeneration.sol").read_text()


@dataclass(frozen=True)
class AttackOutcome:
    """One attack tried on PowerGridV2."""

    flaw: int
    attack: str
    refused: bool
    answer: str          # the refusal sentence, or what happened


def _attempt(action: Callable[[], object]) -> tuple[bool, str]:
    try:
        action()
    except GridError as exc:
        return True, exc.message
    return False, "accepted"


def v2_attacks(client: PowerGridV2Client) -> list[AttackOutcome]:
    """Try each flaw's attack on a PowerGridV2 whose cast is registered with meters; report each answer.

    `client` acts as the administrator; generator1 has generated 300 Wh and
    sold 100 Wh to consumer1 before the attacks (see notebook 12).
    """
    c = client
    g1 = c.chain.account("generator1").address
    attacks: list[tuple[int, str, Callable[[], object]]] = [
        (1, "register consumer1 again to erase its 100 Wh",
         lambda: _erased_nothing(c, "consumer1")),
        (2, "consumer1's meter reports generation for it", lambda: c.report_generation("consumer1", 500)),
        (3, "generator2 sells 500 Wh it never made",
         lambda: c.sell_power("consumer2", 500, sender="generator2")),
        (4, "generator1 reports its own generation", lambda: c.invoke("GeneratePower", g1, 10**6,
                                                                      sender="generator1")),
        (5, "generator1's meter reports 2**255 Wh", lambda: c.report_generation("generator1", 2**255)),
        (6, "register a user without an event", lambda: _no_event(c)),
        (7, "consumer1 consumes after being revoked", lambda: _after_revoke(c)),
        (8, "overwrite the first dispatch", lambda: _overwrite(c)),
        (9, "read a name from storage", lambda: _name_in_storage(c)),
        (10, "a stranger takes over the administrator", lambda: c.accept_admin(sender="consumer2")),
    ]
    out = []
    for flaw, text, action in attacks:
        refused, answer = _attempt(action)
        out.append(AttackOutcome(flaw, text, refused, answer))
    return out


class _Defended(GridError):
    """The attack went through the contract but did no damage."""

    def __init__(self, message: str) -> None:
        super().__init__(message, kind="revert")


def _erased_nothing(c: PowerGridV2Client, user: str) -> None:
    before = c.user_info(user).purchased
    record = c.identity(user)
    c.register_user(user, record.name, record.location, can_generate=False, can_consume=True)
    after = c.user_info(user).purchased
    if after == before:
        raise _Defended(f"registered again, and its {after} Wh are still there (UserUpdated)")


def _no_event(c: PowerGridV2Client) -> None:
    entry = c.register_user("user5", "U5", "Sundsvall", can_generate=False, can_consume=True)
    if entry.events:
        raise _Defended(f"the registration emitted {', '.join(e.name for e in entry.events)}")


def _after_revoke(c: PowerGridV2Client) -> None:
    c.revoke_user("consumer1")
    c.report_consumption("consumer1", 10)


def _overwrite(c: PowerGridV2Client) -> None:
    for text in ("stop", "resume"):
        c.send_dispatch("generator1", text)
    kept = [d.instruction for d in c.dispatches("generator1")]
    if kept[-2:] == ["stop", "resume"]:
        raise _Defended(f"both are kept: {kept}")


def _name_in_storage(c: PowerGridV2Client) -> None:
    name = c.identity("generator1").name.encode()
    words = b"".join(c.chain.storage_at(c.address, slot) for slot in range(8))
    info = c.user_info("generator1")
    if name not in words and name not in info.identity:
        raise _Defended(f"only the commitment 0x{info.identity.hex()[:16]}... is on chain")


def slither_table() -> list[dict]:
    """One row per flaw: what Slither reports about it on the seed, and what covers it instead."""
    seed = [f for f in load_findings() if f.contract == "PowerGeneration"]
    rows = []
    for number, flaw, covered_by in FLAWS:
        check, note = SLITHER_ON_FLAW.get(number, (None, ""))
        hits = [f for f in seed if f.check == check] if check else []
        rows.append({"flaw": f"{number}. {flaw}",
                     "Slither": f"{check}: {note}" if hits else "nothing",
                     "caught instead by": covered_by})
    return rows
