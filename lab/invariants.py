"""PowerGridV2 against a plain-Python model of its rules, driven by random and hostile actors.

    report = run_machine(chain, examples=100, steps=40)   # AssertionError on a divergence

Hypothesis (stateful testing) picks a sequence of actions: registrations,
revocations, meter readings, sales, dispatches and administrator handovers,
each sent by any account, often the wrong one, with amounts from 0 to 2**256-1,
mixed with honest readings and sales at the edges (everything available, +-2 Wh).
After every step the chain's getUser must equal the model, and:
  - no balance is negative,
  - totalGenerated == available + sold, for every generator,
  - purchased + totalConsumed == bought, for every consumer,
  - a revoked (or never registered) user can do nothing.
Any action the chain accepts and the model refuses (or the reverse) is a divergence.
derandomize=True: the same sequences on every run.

`Target` and `deploy` set the scene both for this machine and for the
exploit tests: either contract, deployed from its artifact, with the
thesis's cast registered (and, on PowerGridV2, a meter bound to each).
Everything goes through the generic contract core (`ContractClient`), so a
refusal means the contract itself refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from eth_utils import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from grid.compiler import Artifact, load_artifact
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


def deploy(chain, kind: str, artifact: Artifact | None = None) -> Target:
    """Deploy one contract (default: its committed artifact) and register the cast (V2: meters bound too)."""
    name = "PowerGeneration" if kind == "seed" else "PowerGridV2"
    target = Target(kind, ContractClient.deploy(chain, artifact or load_artifact(name), sender="admin"))
    for user, generate, consume in CAST:
        target.register(user, generate, consume, name=f"Name of {user}")
        if kind == "v2":
            target.client.transact("bindMeter", user, chain.account(METERS[user]).address, sender="admin")
    return target


MAX_READING_WH = 1_000_000_000           # PowerGridV2.MAX_READING_WH
USERS = ("generator1", "generator2", "consumer1", "consumer2", "user9")   # user9: never registered
ACTORS = ("admin", *USERS, *METERS.values())
AMOUNTS = st.one_of(st.integers(0, 2_000), st.sampled_from([MAX_READING_WH, MAX_READING_WH + 1, 2**255,
                                                              2**256 - 1]))


@dataclass
class ModelUser:
    registered: bool = False
    can_generate: bool = False
    can_consume: bool = False
    active: bool = False
    available: int = 0
    generated: int = 0
    sold: int = 0
    purchased: int = 0
    consumed: int = 0
    bought: int = 0


class PowerGridV2Machine(RuleBasedStateMachine):
    chain = None     # set by run_machine: a chain with `target` deployed, the cast registered
    target = None
    report: ClassVar[dict] = {}

    def __init__(self) -> None:
        super().__init__()
        self.snapshot = self.chain.snapshot()    # each sequence starts from the same deployment
        self.admin, self.pending = "admin", None
        self.users = {u: ModelUser() for u in USERS}
        for user in USERS[:4]:
            self.users[user] = ModelUser(True, user.startswith("generator"), user.startswith("consumer"),
                                         True)
        self.meter_of = dict(METERS)
        self.report["examples"] += 1

    def teardown(self) -> None:
        self.chain.revert(self.snapshot)

    # ------------------------------------------------------------ the actions
    def _send(self, expected_ok: bool, function: str, *args, sender: str) -> None:
        self.report["steps"] += 1
        try:
            self.target.client.transact(function, *args, sender=sender)
            accepted = True
        except GridError:
            accepted = False
        outcomes = self.report.setdefault("outcomes", {})
        outcomes[(function, accepted)] = outcomes.get((function, accepted), 0) + 1
        if accepted != expected_ok:
            self.report["divergences"] += 1
            chain_said = "accepted" if accepted else "refused"
            raise AssertionError(f"{function}{args} from {sender}: chain {chain_said}, model "
                                 f"{'accepts' if expected_ok else 'refuses'}")

    def _acts(self, name: str) -> bool:
        u = self.users[name]
        return u.registered and u.active

    @rule(user=st.sampled_from(USERS), generate=st.booleans(), consume=st.booleans(),
          sender=st.sampled_from(ACTORS))
    def register(self, user, generate, consume, sender):
        ok = sender == self.admin
        self._send(ok, "empower", user, b"\x01" * 32, generate, consume, sender=sender)
        if ok:
            u = self.users[user]
            u.registered, u.can_generate, u.can_consume, u.active = True, generate, consume, True

    @rule(user=st.sampled_from(USERS), sender=st.sampled_from(ACTORS))
    def revoke(self, user, sender):
        ok = sender == self.admin and self.users[user].registered
        self._send(ok, "revoke", user, sender=sender)
        if ok:
            u = self.users[user]
            u.can_generate = u.can_consume = u.active = False

    @rule(user=st.sampled_from(USERS), wh=AMOUNTS, sender=st.sampled_from(ACTORS))
    def generate(self, user, wh, sender):
        u = self.users[user]
        ok = (sender == self.meter_of.get(user) and 0 < wh <= MAX_READING_WH and self._acts(user)
              and u.can_generate)
        self._send(ok, "GeneratePower", user, wh, sender=sender)
        if ok:
            u.available += wh
            u.generated += wh

    @rule(user=st.sampled_from(USERS), wh=AMOUNTS, sender=st.sampled_from(ACTORS))
    def consume(self, user, wh, sender):
        u = self.users[user]
        ok = (sender == self.meter_of.get(user) and 0 < wh <= MAX_READING_WH and self._acts(user)
              and u.can_consume and wh <= u.purchased)
        self._send(ok, "PowerConsume", user, wh, sender=sender)
        if ok:
            u.purchased -= wh
            u.consumed += wh

    @rule(seller=st.sampled_from(ACTORS), buyer=st.sampled_from(USERS), wh=AMOUNTS)
    def transfer(self, seller, buyer, wh):
        s, b = self.users.get(seller), self.users[buyer]
        ok = (s is not None and self._acts(seller) and s.can_generate and self._acts(buyer) and b.can_consume
              and 0 < wh <= s.available)
        self._send(ok, "Transfer", buyer, wh, sender=seller)
        if ok:
            s.available -= wh
            s.sold += wh
            b.purchased += wh
            b.bought += wh

    # Honest actions at the boundaries: a random actor is almost always the wrong one,
    # so these make sure the edges of the rules are reached in every sequence.
    @rule(user=st.sampled_from(USERS[:4]), wh=st.integers(1, 500))
    def meter_reads_generation(self, user, wh):
        self.generate(user, wh, self.meter_of[user])

    @rule(seller=st.sampled_from(USERS[:2]), buyer=st.sampled_from(USERS[2:4]), delta=st.integers(-2, 2))
    def sell_about_everything_available(self, seller, buyer, delta):
        self.transfer(seller, buyer, max(self.users[seller].available + delta, 0))

    @rule(user=st.sampled_from(USERS[2:4]), delta=st.integers(-2, 2))
    def consume_about_everything_purchased(self, user, delta):
        self.consume(user, max(self.users[user].purchased + delta, 0), self.meter_of[user])

    @rule(seller=st.sampled_from(USERS[:2]), buyer=st.sampled_from(USERS[2:4]), wh=st.integers(1, 500))
    def a_trade(self, seller, buyer, wh):
        self.generate(seller, wh, self.meter_of[seller])
        self.transfer(seller, buyer, wh)

    @rule(user=st.sampled_from(USERS[:4]))
    def administrator_registers_again(self, user):
        # Flaw 1's scene: the same rights again, which must not touch the balances.
        u = self.users[user]
        self.register(user, u.can_generate or user.startswith("generator"),
                      u.can_consume or user.startswith("consumer"), self.admin)

    @rule(user=st.sampled_from(USERS), sender=st.sampled_from(ACTORS))
    def dispatch(self, user, sender):
        self._send(sender == self.admin and self.users[user].registered, "PowerDispatch", user, "stop",
                   sender=sender)

    @rule(next_admin=st.sampled_from(ACTORS), sender=st.sampled_from(ACTORS))
    def transfer_admin(self, next_admin, sender):
        ok = sender == self.admin
        self._send(ok, "transferAdmin", self.chain.account(next_admin).address, sender=sender)
        if ok:
            self.pending = next_admin

    @rule(sender=st.sampled_from(ACTORS))
    def accept_admin(self, sender):
        ok = sender == self.pending
        self._send(ok, "acceptAdmin", sender=sender)
        if ok:
            self.admin, self.pending = sender, None

    # ------------------------------------------------------------ the invariants
    @invariant()
    def chain_matches_the_model(self):
        for name, u in self.users.items():
            identity, available, generated, purchased, consumed, gen, con, active, _ = \
                self.target.client.call("getUser", name)
            assert min(available, generated, purchased, consumed) >= 0
            assert (available, generated, purchased, consumed) == (u.available, u.generated, u.purchased,
                                                                   u.consumed), name
            assert (any(identity), gen, con, active) == (u.registered, u.can_generate, u.can_consume,
                                                         u.active)
            assert generated == available + u.sold
            assert purchased + consumed == u.bought
        assert self.target.client.call("admin") == self.chain.account(self.admin).address


def run_machine(chain, *, artifact: Artifact | None = None, examples: int = 100, steps: int = 40,
                report: dict | None = None, **options) -> dict:
    """Run the machine against PowerGridV2 (or `artifact`) on `chain`; the report of steps and divergences.

    Raises AssertionError at the first divergence or broken invariant.
    """
    class Machine(PowerGridV2Machine):
        pass
    Machine.chain, Machine.target = chain, deploy(chain, "v2", artifact)
    Machine.report = report if report is not None else {"steps": 0, "divergences": 0, "examples": 0}
    Machine.TestCase.settings = settings(max_examples=examples, stateful_step_count=steps, deadline=None,
                                         derandomize=True, suppress_health_check=[HealthCheck.too_slow],
                                         database=None, **options)
    Machine.TestCase().runTest()
    return Machine.report
