"""Checks for notebook 12, part 2: the student fixes the seed in Solidity.

Each exercise is a function that returns Solidity source. The check
compiles it (grid.compile_text.compile_source), deploys it on its own
embedded chain, and runs the attack of the matching flaw against it with
the generic contract client, which sends whatever the contract accepts.
The fix passes when the attack fails and the honest use still works.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from eth_utils import keccak

from grid.chain import connect
from grid.compile_text import compile_source
from grid.compiler import CompileError
from grid.contract import ContractClient
from grid.errors import GridError

from ..exercises import exercise, expect

Source = Callable[[], str]


@contextmanager
def _deployed(source_of: Source, needs: tuple[str, ...]) -> Iterator[ContractClient]:
    source = source_of()
    expect(isinstance(source, str), f"return the Solidity source as a str, not {type(source).__name__}")
    try:
        artifact = compile_source(source)
    except CompileError as exc:
        expect(False, f"it does not compile: {exc.message}")
    missing = [f for f in needs if f.split("(")[0] not in {i.get("name") for i in artifact.abi}]
    expect(not missing, f"the contract must still have {', '.join(missing)}")
    with connect("tester", accounts=7) as chain:
        yield ContractClient.deploy(chain, artifact, sender="admin")


def _accepted(client: ContractClient, function: str, *args, sender: str) -> bool:
    """Did the contract accept `function(*args)` from `sender`? (a refusal sends nothing)"""
    try:
        client.transact(function, *args, sender=sender)
    except GridError:
        return False
    return True


def _register(client: ContractClient, user: str, generate: bool, consume: bool) -> None:
    client.transact("empower", user, user, "Sundsvall", generate, consume, sender="admin")


SEED_FUNCTIONS = ("empower", "GeneratePower", "Transfer", "PowerConsume", "GetUsedOfSelf", "GetGeneration",
                  "GetTotalGeneration")


@exercise("12.11", "fix 1 in Solidity: empower keeps the balances")
def check_keep_balances(source_of):
    with _deployed(source_of, SEED_FUNCTIONS) as c:
        _register(c, "generator1", True, False)
        _register(c, "consumer1", False, True)
        c.transact("GeneratePower", 300, sender="generator1")
        c.transact("Transfer", "consumer1", 100, sender="generator1")
        _register(c, "consumer1", False, True)
        _register(c, "generator1", True, False)
        purchased = c.call("GetUsedOfSelf", sender="consumer1")
        expect(purchased == 100, f"after registering consumer1 again it holds {purchased} Wh, not the 100 Wh "
                                 f"it bought")
        balance = c.call("GetGeneration", sender="generator1")
        total = c.call("GetTotalGeneration", c.chain.account("generator1").address, sender="generator1")
        expect((balance, total) == (200, 300), f"after registering generator1 again its (balance, total) is "
                                               f"({balance}, {total}) Wh, not (200, 300)")
        _register(c, "consumer1", False, False)
        expect(not _accepted(c, "PowerConsume", 10, sender="consumer1"),
               "empower must still update the rights: consumer1 lost its consumption right, yet consumed")
        _register(c, "user5", True, True)
        expect(_accepted(c, "GeneratePower", 5, sender="user5"), "registering a new user no longer works")
    return ("registering again updates the rights and leaves the balances alone: flaw 1's exploit erases "
            "nothing")


@exercise("12.12", "fix 6 in Solidity: an event for every registration")
def check_registration_event(source_of):
    with _deployed(source_of, ("empower",)) as c:
        entry = c.transact("empower", "user5", "U5", "Sundsvall", True, False, sender="admin")
        topic = keccak(text="UserRegistered(address,bool,bool)")
        logs = [log for log in c.chain.logs(c.address) if log.topics and log.topics[0] == topic]
        expect(logs, "empower emitted no UserRegistered(address,bool,bool) event")
        user5 = bytes(12) + bytes.fromhex(c.chain.account("user5").address[2:])
        expect(len(logs[0].topics) == 2 and logs[0].topics[1] == user5,
               "declare the user `indexed`, so a light client can ask for one user's events")
        event = next(e for e in entry.events if e.name == "UserRegistered")
        expect(list(event.args.values())[1:] == [True, False],
               f"the event says (canGenerate, canConsume) = {tuple(list(event.args.values())[1:])}, not "
               f"(True, False)")
    return "eth_getLogs now finds every registration, and a topic filter finds one user's"


@exercise("12.13", "fix 4 in Solidity: only the bound meter records generation")
def check_only_meter(source_of):
    with _deployed(source_of, ("empower", "bindMeter", "GeneratePower", "GetTotalGeneration")) as c:
        g1 = c.chain.account("generator1").address
        _register(c, "generator1", True, False)
        expect(not _accepted(c, "bindMeter", g1, c.chain.account("user6").address, sender="consumer1"),
               "consumer1 bound a meter: only the administrator may")
        c.transact("bindMeter", g1, c.chain.account("user5").address, sender="admin")
        expect(not _accepted(c, "GeneratePower", g1, 1_000_000, sender="generator1"),
               "generator1 recorded its own generation: that is flaw 4 again")
        expect(not _accepted(c, "GeneratePower", g1, 1_000_000, sender="user6"),
               "user6, not generator1's meter, recorded generation for it")
        expect(_accepted(c, "GeneratePower", g1, 100, sender="user5"), "the bound meter (user5) was refused")
        total = c.call("GetTotalGeneration", g1, sender="admin")
        expect(total == 100, f"generator1's total generation is {total} Wh, not the meter's 100 Wh")
    return "the generator's own claim and a stranger's are refused; only its meter's reading counts"


@exercise("12.14", "fix 3 in Solidity: sell at most what was generated")
def check_bounded_transfer(source_of):
    with _deployed(source_of, SEED_FUNCTIONS) as c:
        for user, generate, consume in (("generator1", True, False), ("generator2", True, False),
                                        ("consumer1", False, True), ("consumer2", False, True)):
            _register(c, user, generate, consume)
        expect(not _accepted(c, "Transfer", "consumer2", 500, sender="generator2"),
               "generator2 sold 500 Wh it never generated: that is flaw 3 again")
        c.transact("GeneratePower", 300, sender="generator1")
        expect(_accepted(c, "Transfer", "consumer1", 300, sender="generator1"),
               "generator1 could not sell the 300 Wh it generated")
        expect(not _accepted(c, "Transfer", "consumer1", 1, sender="generator1"),
               "generator1 sold 1 Wh more than it generated")
        balance = c.call("GetGeneration", sender="generator1")
        expect(balance == 0, f"generator1's balance is {balance} Wh after selling all 300 Wh")
        _accepted(c, "GeneratePower", 2**255, sender="generator2")
        expect(c.call("GetGeneration", sender="generator2") >= 0,
               "GeneratePower(2**255) made generator2's balance negative: keep balances unsigned and checked")
    return "a generator sells only its unsold generation, and no balance can go below 0"


@exercise("12.15", "fix 8 in Solidity: a dispatch history")
def check_dispatch_history(source_of):
    with _deployed(source_of, ("PowerDispatch", "dispatchCount", "dispatchAt")) as c:
        g1 = c.chain.account("generator1").address
        blocks = [c.transact("PowerDispatch", g1, text, sender="admin").block_number
                  for text in ("stop", "resume")]
        expect(not _accepted(c, "PowerDispatch", g1, "sell everything", sender="consumer1"),
               "consumer1 sent a dispatch instruction: only the administrator may")
        count = c.call("dispatchCount", g1)
        expect(count == 2, f"dispatchCount(generator1) is {count}, not 2")
        want = [("stop", c.chain.timestamp(blocks[0])), ("resume", c.chain.timestamp(blocks[1]))]
        got = [tuple(c.call("dispatchAt", g1, i)) for i in range(2)]
        expect(got == want, f"dispatchAt gives {got}; the instructions with their blocks' times are {want}")
    return "both orders are kept, in order, each with the block time it was given"
