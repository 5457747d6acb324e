"""Replay the thesis's section 5.2.2 ("Debugging and running of smart contract").

The scenario, as the thesis runs it in Remix: the administrator deploys the
contract and registers two generation users and two consumption users;
generation user 1 sells 100 Wh to consumer 1 before generating anything
(GetGeneration -100, GetUsedOfSelf 100); it then generates 10 Wh
(GetGeneration -90, GetTotalGeneration 10); the administrator dispatches
"stop" to consumer 1, who reads it with GetInformation.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .chain import Chain
from .powergrid import PowerGridClient
from .powergrid.cast import CAST
from .txlog import TxLogEntry


@dataclass
class ScenarioResult:
    """What the replay observed, step by step (the thesis's printed values)."""

    contract: str
    generation_before: int = 0     # thesis: 0
    remaining_before: int = 0      # thesis: 0
    generation_after_sale: int = 0  # thesis: -100
    remaining_after_sale: int = 0  # thesis: 100
    generation_after_generate: int = 0  # thesis: -90
    total_generation: int = 0      # thesis: 10
    dispatch_received: str = ""    # thesis: "stop"
    transactions: list[TxLogEntry] = field(default_factory=list)


def _remix_value(entry: TxLogEntry) -> str:
    # Remix prints a call's result as "0: int256: _value -100".
    (label, value), = entry.decoded_output.items()
    abi_type, _, name = label.partition(" ")
    return f"0: {abi_type}: {name} {value}"


def run_scenario(chain: Chain, out: Callable[[str], None] = print) -> ScenarioResult:
    """Run section 5.2.2 on `chain`, printing each step like Remix's log."""
    def step(title: str) -> None:
        out(f"\n== {title}")

    def show(entry: TxLogEntry) -> TxLogEntry:
        out(entry.format() if entry.kind == "transaction" else
            f"{entry.function} as {entry.sender}  ->  {_remix_value(entry)}")
        return entry

    step("The administrator (account 0) deploys PowerGeneration")
    client = PowerGridClient.deploy(chain)
    show(client.log[-1])
    result = ScenarioResult(contract=client.address)

    step("The administrator registers two generation users and two consumption users")
    for account, name, place, generate, consume in CAST:
        result.transactions.append(show(client.register_user(
            account, name, place, can_generate=generate, can_consume=consume)))

    step("Before trading: generator1's required generation and consumer1's remaining power")
    result.generation_before = client.generation_balance(sender="generator1")
    show(client.log[-1])
    result.remaining_before = client.remaining_power(sender="consumer1")
    show(client.log[-1])

    step("generator1 sells 100 Wh to consumer1 (Transfer), before generating any")
    result.transactions.append(show(client.sell_power("consumer1", 100, sender="generator1")))
    result.generation_after_sale = client.generation_balance(sender="generator1")
    show(client.log[-1])
    result.remaining_after_sale = client.remaining_power(sender="consumer1")
    show(client.log[-1])

    step("generator1 records 10 Wh generated (GeneratePower)")
    result.transactions.append(show(client.generate_power(10, sender="generator1")))
    result.generation_after_generate = client.generation_balance(sender="generator1")
    show(client.log[-1])
    result.total_generation = client.total_generated("generator1", sender="generator1")
    show(client.log[-1])

    step('The administrator dispatches "stop" to consumer1, who reads it')
    result.transactions.append(show(client.send_dispatch("consumer1", "stop")))
    result.dispatch_received = client.dispatch_info(sender="consumer1")
    show(client.log[-1])
    return result
