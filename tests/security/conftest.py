"""Both contracts deployed side by side, with the same cast, for the exploit tests.

Everything here is the generic contract core (`ContractClient`) and raw
calls: the attacks and the damage reports never go through the toolkit's
PowerGeneration or PowerGridV2 clients, whose rules would stop a bad call
before it reached the chain. A refusal means the contract itself refused.

The meters of PowerGridV2 are plain test accounts (user5...) here, bound
with a raw bindMeter, so these tests do not rely on grid.powergridv2.meters.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from eth_utils import keccak

from grid.compiler import load_artifact
from grid.contract import ContractClient
from grid.errors import GridError

CAST = (("generator1", True, False), ("generator2", True, False),
        ("consumer1", False, True), ("consumer2", False, True))
METERS = {"generator1": "user5", "generator2": "user6", "consumer1": "user7", "consumer2": "user8"}


@dataclass
class Target:
    """One deployed contract of the pair: "seed" (PowerGeneration) or "v2" (PowerGridV2)."""

    kind: str
    client: ContractClient

    @property
    def chain(self):
        return self.client.chain

    def attempt(self, function: str, *args, sender: str) -> str:
        """Send the transaction as the attacker would; "ok" when the chain accepted it, else the refusal."""
        try:
            entry = self.client.transact(function, *args, sender=sender)
        except GridError as exc:
            return exc.message
        return "ok" if entry.status == "ok" else entry.error or "reverted"

    # honest actions, to set the scene
    def register(self, user: str, generate: bool, consume: bool, name: str = "PowerProviderOne") -> None:
        if self.kind == "seed":
            self.client.transact("empower", user, name, "Sundsvall", generate, consume, sender="admin")
        else:
            self.client.transact("empower", user, keccak(text=f"salt|{name}|Sundsvall"), generate, consume,
                                 sender="admin")

    def generate(self, user: str, wh: int) -> None:
        if self.kind == "seed":
            self.client.transact("GeneratePower", wh, sender=user)
        else:
            self.client.transact("GeneratePower", user, wh, sender=METERS[user])

    def consume(self, user: str, wh: int) -> None:
        if self.kind == "seed":
            self.client.transact("PowerConsume", wh, sender=user)
        else:
            self.client.transact("PowerConsume", user, wh, sender=METERS[user])

    def sell(self, seller: str, buyer: str, wh: int) -> None:
        self.client.transact("Transfer", buyer, wh, sender=seller)

    def balances(self, user: str) -> dict[str, int]:
        """(generation balance, total generated, purchased, total consumed), as the user reads them."""
        c = self.client
        if self.kind == "seed":
            address = self.chain.account(user).address
            return {"available": c.call("GetGeneration", sender=user),
                    "generated": c.call("GetTotalGeneration", address, sender=user),
                    "purchased": c.call("GetUsedOfSelf", sender=user),
                    "consumed": c.call("GetTotalUsedOfSomeone", address, sender=user)}
        _, available, generated, purchased, consumed, *_ = c.call("getUser", user)
        return {"available": available, "generated": generated, "purchased": purchased, "consumed": consumed}


def deploy(chain, kind: str, artifact=None) -> Target:
    """Deploy one contract (default: its committed artifact) and register the cast (V2: meters bound too)."""
    name = "PowerGeneration" if kind == "seed" else "PowerGridV2"
    target = Target(kind, ContractClient.deploy(chain, artifact or load_artifact(name), sender="admin"))
    for user, generate, consume in CAST:
        target.register(user, generate, consume, name=f"Name of {user}")
        if kind == "v2":
            target.client.transact("bindMeter", user, chain.account(METERS[user]).address, sender="admin")
    return target


@pytest.fixture
def seed(chain):
    snap = chain.snapshot()
    yield deploy(chain, "seed")
    chain.revert(snap)


@pytest.fixture
def v2(chain):
    snap = chain.snapshot()
    yield deploy(chain, "v2")
    chain.revert(snap)


def pytest_terminal_summary(terminalreporter):
    """Say how hard the invariant test pushed PowerGridV2."""
    from test_invariants import REPORT  # noqa: PLC0415 - only when that module ran

    if REPORT["steps"]:
        terminalreporter.write_line(f"PowerGridV2 invariants: {REPORT['examples']} sequences, "
                                    f"{REPORT['steps']} actions, {REPORT['divergences']} divergences "
                                    f"from the model")
