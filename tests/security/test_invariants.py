"""PowerGridV2 keeps its invariants against lab.invariants' state machine, which catches mutants.

The machine (random, hostile and boundary actions, checked against a plain
Python model after every step) is described in lab/invariants.py. Here it
runs 100 sequences of 40 actions on anvil, and then against three mutants
of the contract that each put one flaw back, which it must catch.
"""
from __future__ import annotations

import pytest
from hypothesis import Phase

from grid.chain import connect
from grid.compile_text import compile_source
from grid.compiler import REPO_ROOT
from lab.invariants import run_machine

EXAMPLES, STEPS = 100, 40
REPORT = {"steps": 0, "divergences": 0, "examples": 0}


@pytest.fixture(scope="module")
def anvil_chain():
    with connect("anvil") as chain:
        yield chain


@pytest.mark.anvil
def test_powergridv2_keeps_its_invariants_against_random_and_hostile_actors(anvil_chain):
    # anvil, not eth-tester: a mined transaction costs ~75 ms in py-evm and a few ms on anvil.
    run_machine(anvil_chain, examples=EXAMPLES, steps=STEPS, report=REPORT)
    assert REPORT["divergences"] == 0
    assert REPORT["steps"] >= EXAMPLES * 10     # the machine really ran


# Each mutant puts one flaw back; the same machine must notice (no shrinking: finding is enough).
MUTANTS = {
    "sells 100 Wh beyond what is available": (
        "if (wh > seller.available) revert ExceedsAvailable(msg.sender, wh, seller.available);\n"
        "        seller.available -= wh;",
        "if (wh > seller.available + 100) revert ExceedsAvailable(msg.sender, wh, seller.available);\n"
        "        unchecked { seller.available -= wh; }"),
    "revoke leaves the user active": ("        u.active = false;\n        emit UserRevoked(user);",
                                      "        emit UserRevoked(user);"),
    "re-registration erases purchases": (
        "        u.active = true;\n        if (isNew)",
        "        u.active = true;\n        u.purchased = 0;\n        if (isNew)"),
}


@pytest.mark.anvil
@pytest.mark.parametrize("mutant", list(MUTANTS))
def test_the_invariant_machine_catches_a_contract_with_a_flaw_put_back(anvil_chain, mutant):
    source = (REPO_ROOT / "contracts" / "PowerGridV2.sol").read_text()
    original, broken = MUTANTS[mutant]
    assert original in source
    artifact = compile_source(source.replace(original, broken), name="PowerGridV2")
    found = {"steps": 0, "divergences": 0, "examples": 0}
    with pytest.raises(AssertionError):
        run_machine(anvil_chain, artifact=artifact, examples=EXAMPLES, steps=STEPS, report=found,
                    phases=[Phase.explicit, Phase.generate])
    assert found["steps"] > 0
